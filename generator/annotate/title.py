"""Title: the release's own headline, else a headline-style title derived from its opening.

Derived titles follow the patterns editors use for such releases: "Readout of X’s Call with Y",
"Readout of X’s Trip to Z", "President X Announces Nominees", "Joint Statement by ...",
"Statement from X on Y"; otherwise the opening sentence cut to its main clause.
"""
from __future__ import annotations

import re

from generator.annotate.text import mask_abbreviations, sentences
from generator.records import Release

MAX_WORDS = 15
DATELINE = re.compile(r"^(?:[A-Z][A-Za-z.]+(?:,\s*[A-Z][A-Za-z.]+)?\s*[–—-]+\s*|[A-Z .’'\-]{2,40}:\s+)")
ACTOR = r"(?P<actor>(?:(?:[A-Z][\w.’'\-]*|of|the|and|to)\s+){0,10}?[A-Z][\w.’'\-]*(?:,\s*Jr\.)?)"
CALL = re.compile(ACTOR + r"\s+(?:today\s+|this\s+\w+\s+|also\s+)?(?P<verb>spoke|met|held a (?:call|meeting|phone call|video call|virtual meeting)|"
                  r"had a (?:call|phone call|meeting)|participated in a call)\s+(?:today\s+|by phone\s+|this\s+\w+\s+)?"
                  r"(?:with|to)\s+(?P<other>(?:(?:[A-Z][\w.’'\-]*|of|the|and|bin|al)\s*,?\s*){1,14})")
TRIP = re.compile(ACTOR + r"\s+(?:traveled|travelled|visited)\s+(?:to\s+)?(?P<place>[A-Z][\w.’'\-]*(?:[\s,]+[A-Z][\w.’'\-]*){0,3})")
NOMINATE = re.compile(r"(?P<who>(?:The )?President(?: [A-Z][\w.’'\-]*(?:\s+[A-Z][\w.’'\-]*){0,3}?)?)(?:,\s*Jr\.)?\s+(?:today\s+)?(?:announced|is announcing)\s+his\s+intent\s+to\s+(?P<what>nominate|appoint)")
DELEGATION = re.compile(r"(?P<who>President [A-Z][\w.’'\-]*(?:\s+[A-Z][\w.’'\-]*){0,3}?)(?:,\s*Jr\.)?\s+today\s+announced\s+the\s+designation\s+of\s+a\s+Presidential\s+Delegation\s+to\s+(?:attend\s+)?(?P<what>[^.]{3,90}?)(?:\s+on\s+[A-Z][a-z]+\s+\d|\.|,|$)")
SANCTION = re.compile(r"\((?:OFAC|Treasury)\)\s+(?:today\s+)?(?:designated|sanctioned|took action against|is sanctioning|is designating)\s+(?P<what>[^.;]{5,120})")
FACT_LABEL = re.compile(r"^(?P<label>[A-Z][A-Z’'\-,& ]{6,}):\s+(?P<rest>.+)$")
JOINT = re.compile(r"following (?:joint )?statement was released by (?P<who>(?:the )?(?:Governments|Government|Foreign Ministers|Ministers|Leaders|United States|[A-Z])[^.:]{0,120}?)(?:\s+on the occasion|\s+regarding|\s+following|\.|:|$)", re.IGNORECASE)
PREAMBLE = re.compile(r"(?:is attributable to|Begin text|^Via Teleconference)|:\s*$")
FIRST_PERSON = re.compile(r"\b(?:I|I’m|I'm|I’ve|I've|my|me)\b")
PRESIDENT = re.compile(r"\bPresident\s+(?:Joseph R\. Biden, Jr\.|Donald J\. Trump|Joe Biden|Barack Obama|[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+)")
LEAD_TRIM = re.compile(r"^(?:Today|Yesterday|Tonight|This (?:morning|afternoon|evening|week)|On [A-Z][a-z]+(?: \d+)?|In [A-Z][a-z]+ \d{4}),?\s+")
LEAD_DATE = re.compile(r"^(?:On\s+)?(?:[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+[A-Z][a-z]+\s+\d{4}),?\s+")
CUT_WORDS = re.compile(r"\s+(?:today|this week|on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b")


def title(release: Release, issuer: str = "", countries: tuple[str, ...] = ()) -> tuple[str, str]:
    if release.headline:
        return release.headline, "release"
    return derive(release, issuer), "derived"


def derive(release: Release, issuer: str = "") -> str:
    paras = [p for p in release.paragraphs if p.strip()]
    person_byline = bool(release.byline) and not release.byline.startswith("Office")
    if person_byline and len(paras[0].split()) < 8 and not FIRST_PERSON.search(paras[0]):
        # a transcript: location line, then the remarks
        name, _, role = release.byline.partition(",")
        head = f"{_role_short(role.strip())} {name.strip()}".strip()
        return _short(f"{head} Remarks")
    while len(paras) > 1 and (PREAMBLE.search(paras[0]) or len(paras[0].split()) < 6):
        paras = paras[1:]
    first = DATELINE.sub("", paras[0]).strip()
    text = " ".join(paras[:2])
    m = NOMINATE.search(text)
    if m:
        return _short(f"{_presidential(m.group('who'))} Announces Key {'Nominations' if m.group('what') == 'nominate' else 'Appointments'}")
    m = DELEGATION.search(text)
    if m:
        return _short(f"{_presidential(m.group('who'))} Announces Presidential Delegation to {m.group('what')}")
    m = SANCTION.search(first)
    if m and issuer == "U.S. Department of the Treasury":
        what = _clause(m.group("what"))
        return _short(f"Treasury Sanctions {what}")
    m = FACT_LABEL.match(first)
    if m:
        rest = LEAD_TRIM.sub("", m.group("rest"))
        return _short("Fact Sheet: " + _clause(sentences(rest)[0] if rest else rest))
    m = JOINT.search(first)
    if m:
        return _short("Joint Statement by " + m.group("who"))
    opening = sentences(first)[0] if first else ""
    m = CALL.search(mask_abbreviations(opening).replace("·", "."))
    if m and m.start() < 40:
        actor = _actor(m.group("actor"))
        other = m.group("other").strip(" ,")
        other = re.split(r",\s+(?:to|and|who|where|on)\b|\s+(?:to|on|about|regarding|in|this|today)\b", other)[0].strip(" ,")
        kind = "Call" if m.group("verb") in ("spoke",) or "call" in m.group("verb") else "Meeting"
        prefix = "" if issuer == "U.S. Department of State" else "Readout of "
        return _short(f"{prefix}{_possessive(actor)} {kind} with {other}")
    m = TRIP.search(opening)
    if m and m.start() < 40:
        place = re.split(r"\s+(?:on|to|and|from)\b", m.group("place"))[0].strip(" ,")
        return _short(f"Readout of {_possessive(_actor(m.group('actor')))} Trip to {place}")
    if FIRST_PERSON.search(" ".join(paras[:2])) and not release.byline:
        speaker = _speaker(release)
        subject = _subject(release)
        return _short(f"Statement from {speaker}" + (f" on {subject}" if subject else ""))
    if release.byline and not release.byline.startswith("Office") and FIRST_PERSON.search(text):
        name, _, role = release.byline.partition(",")
        subject = _subject(release)
        head = f"{_role_short(role.strip())} {name.strip()}".strip()
        return _short(f"Statement by {head}" + (f" on {subject}" if subject else ""))
    return _short(_clause(opening))


def _presidential(who: str) -> str:
    if who in ("President", "The President"):
        return "President"
    who = who.replace("Joseph R. Biden", "Biden").replace("Joe Biden", "Biden").replace("Donald J. Trump", "Trump")
    return who


def _actor(actor: str) -> str:
    actor = LEAD_TRIM.sub("", actor.strip())
    actor = re.sub(r"^(?:The|the)\s+", "", actor)
    return actor


def _possessive(actor: str) -> str:
    if actor.endswith(("Jr.", "Jr")):
        return actor
    return actor + "’s"


def _role_short(role: str) -> str:
    return {"Secretary of State": "Secretary", "Department Spokesperson": "Department Spokesperson"}.get(role, role)


def _speaker(release: Release) -> str:
    m = PRESIDENT.search(" ".join(release.paragraphs))
    if m:
        return m.group(0)
    last = release.paragraphs[-1].strip()
    if re.fullmatch(r"[A-Z][A-Z.\s,]+", last) and "WHITE HOUSE" not in last:
        return "President " + " ".join(w.capitalize() if len(w) > 2 else w for w in last.split())
    return "the President"


def _subject(release: Release) -> str:
    """The most mentioned country (by name) or else nothing."""
    from generator.annotate.countries import PATTERN, FORMS
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for p in release.paragraphs:
        for m in PATTERN.finditer(p):
            code = FORMS.get(m.group(0))
            if code and code not in ("-", "US"):
                counts[code] = counts.get(code, 0) + 1
                if code not in names or len(m.group(0)) > 3 and m.group(0)[0].isupper() and not m.group(0).endswith(("n", "i", "ese", "sh")):
                    names.setdefault(code, m.group(0))
    if not counts:
        return ""
    best = max(counts, key=lambda c: counts[c])
    if counts[best] < 2:
        return ""
    import pycountry
    country = pycountry.countries.get(alpha_2=best)
    name = getattr(country, "common_name", None) or (country.name if country else names[best])
    return {"PS": "Gaza", "XK": "Kosovo"}.get(best, name)


def _clause(sentence: str) -> str:
    s = LEAD_DATE.sub("", sentence.strip())
    s = LEAD_TRIM.sub("", s)
    s = CUT_WORDS.sub("", s)
    s = re.sub(r"^(?:As part of|In|On|At|During|Following|After|Under)\b[^,]{0,120},\s+", "", s)
    masked = mask_abbreviations(s)
    cut = re.search(r",\s+(?:which|who|where|including|as|while|and|but|bringing|making|to)\b|\s+(?:in order to|because|after|which|that will)\b|;|:|\s[–—]\s", masked)
    if cut and len(s[:cut.start()].split()) >= 5:
        s = s[:cut.start()]
    return s.rstrip(" .,")


def _short(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip().rstrip(".,;:")
    text = text[:1].upper() + text[1:]
    words = text.split()
    if len(words) > MAX_WORDS:
        words = words[:MAX_WORDS]
        while words and words[-1].lower() in ("the", "of", "and", "to", "a", "an", "in", "for", "on", "with", "by", "at"):
            words.pop()
    return " ".join(words)
