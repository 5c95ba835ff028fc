"""Title: the release's own headline, else a headline-style title derived from its opening.

Derived titles follow the patterns editors use for such releases: "Readout of X’s Call with Y",
"Readout of X’s Trip to Z", "President X Announces Nominees", "Joint Statement by ...",
"Statement from X on Y"; otherwise the opening sentence cut to its main clause.
"""
from __future__ import annotations

import re

import pycountry

from generator.annotate.countries import FORMS as COUNTRY_FORMS
from generator.annotate.countries import PATTERN as COUNTRY_PATTERN
from generator.annotate.text import mask_abbreviations, sentences
from generator.records import Release

MAX_WORDS = 15
# country forms that are names (not adjectives or demonyms): "Ukraine", "Burma", "Gaza", "Republic of Korea"
COUNTRY_NAMES = frozenset(
    [n for c in pycountry.countries for n in (c.name, getattr(c, "common_name", "")) if n and "," not in n]
    + [f for f, code in COUNTRY_FORMS.items() if code not in ("-",) and f[:1].isupper()
       and not f.endswith(("an", "ans", "ese", "ish", "i", "is", "ic", "ch", "ian", "ean")) and len(f) > 3])
DATELINE = re.compile(r"^(?:[A-Z][A-Za-z.]+(?:,\s*[A-Z][A-Za-z.]+)?\s*[–—-]+\s*|[A-Z .’'\-]{2,40}:\s+)")
ACTOR = r"(?P<actor>(?:(?:[A-Z][\w.’'\-]*|of|the|and|to)\s+){0,14}?[A-Z][\w.’'\-]*(?:,\s*Jr\.)?)"
CALL = re.compile(ACTOR + r"\s+(?:today\s+|yesterday\s+|this\s+\w+\s+|also\s+)?(?P<verb>spoke|hosted(?=\s+(?:[A-Z]\w+\s+){1,3}[A-Z]\w+(?:,| of | at | in | for ))|met(?=\s+(?:Vatican|Foreign|Prime|President|King|Queen|Crown|Chancellor|Secretary|Minister|Emir|Sultan|Leader|Speaker|Governor|Ambassador|Director|Chairman)\b)|met(?=\s+(?:(?:today|yesterday|virtually|separately|again|jointly|in person|by video(?:conference)?|"
                  r"(?:this|on) \w+|(?:at|in) (?:the )?[A-Z][\w’'.\-]*(?: [A-Z][\w’'.\-]*){0,3})\s+){0,3}with\b)|held a (?:call|meeting|phone call|video call|virtual meeting)|"
                  r"had a (?:call|phone call|meeting)|participated in a call)\s+(?:(?:today|yesterday|by phone|virtually|separately|again|jointly|in person|by video(?:conference)?|"
                  r"(?:this|on) \w+|(?:at|in) (?:the )?[A-Z][\w’'.\-]*(?: [A-Z][\w’'.\-]*){0,3})\s+){0,3}"
                  r"(?:(?:with|to)\s+|(?<=hosted )|(?<=met ))(?P<other>(?:(?:[A-Z][\w.’'\-]*|of|the|and|bin|al)\s*,?\s*){1,14})")
TRIP = re.compile(ACTOR + r"\s+(?:traveled|travelled|visited)\s+(?:to\s+)?(?P<place>[A-Z][\w.’'\-]*(?:[\s,]+[A-Z][\w.’'\-]*){0,3})")
NOMINATE = re.compile(r"(?P<who>(?:The )?President(?: [A-Z][\w.’'\-]*(?:\s+[A-Z][\w.’'\-]*){0,3}?)?)(?:,\s*Jr\.)?\s+(?:today\s+)?(?:announced|is announcing)\s+his\s+intent\s+to\s+(?P<what>nominate|appoint)")
DELEGATION = re.compile(r"(?P<who>President [A-Z][\w.’'\-]*(?:\s+[A-Z][\w.’'\-]*){0,3}?)(?:,\s*Jr\.)?\s+today\s+announced\s+the\s+designation\s+of\s+a\s+Presidential\s+Delegation\s+to\s+(?:attend\s+)?(?P<what>[^.]{3,90}?)(?:\s+on\s+[A-Z][a-z]+\s+\d|\.|,|$)")
SANCTION = re.compile(r"\((?:OFAC|Treasury)\)\s+(?:today\s+)?(?:designated|sanctioned|took action against|is sanctioning|is designating)\s+(?P<what>[^.;]{5,120})")
# a dateline inside the opening paragraph, after a deck: "... federal involvement WASHINGTON– The U.S. ..."
INNER_DATELINE = re.compile(r"(?<=[a-z.”)\d])\s+(?:WASHINGTON|[A-Z]{4,}(?: [A-Z]{3,})?(?:, [A-Z][A-Za-z.]{1,12})?)(?:,? D\.C\.)?\s*[–—-]+\s*(?=[A-Z])")
DECK_NEXT = re.compile(r"^(?:[A-Z][A-Za-z.]+(?:,\s*[A-Z][A-Za-z.]+)?\s*[–—-]+\s*|Today,\s)")
PAREN = re.compile(r"\s+\((?:[^()]{1,60})\)(?=[\s,.’']|$)")
# "Leo Burnett Company, a Chicago advertising firm, has agreed" -> "Leo Burnett Company has agreed"
APPOSITION = re.compile(r"^((?:[Tt]he\s+)?[A-Z][^,]{2,80}?),\s+(?:a|an|the|who|which)\s[^,]{2,90},\s+(?=(?:today\s+|also\s+)?(?:has|have|is|are|was|were|will|[a-z]+ed)\b)")
# "U.S. Secretary of the Treasury Janet L. Yellen" -> "Secretary Yellen", as headlines name cabinet members
CABINET = re.compile(r"^(?:U\.S\.\s+)?Secretary of (?:State|the Treasury|Defense|[A-Z][a-z]+(?: and [A-Z][a-z]+)?)\s+"
                     r"(?:[A-Z][a-z]+\s+)(?:[A-Z]\.(?:[A-Z]\.)?\s+)?(?P<last>[A-Z][\w’'\-]+)\b")
FACT_LABEL = re.compile(r"^(?P<label>[A-Z][A-Z’'\-,& ]{6,}):\s+(?P<rest>.+)$")
JOINT = re.compile(r"(?:following (?:is the )?(?:text of (?:a|the) )?(?:joint )?statement (?:was )?(?:released|agreed upon|issued) by|"
                   r"text of (?:a|the) joint statement (?:released |issued )?by)\s+(?P<who>[^.:]{3,200}?)"
                   r"(?:\s+(?P<rel>on the occasion of|regarding|following|after|to express|on)\s+(?P<topic>[^.:]{3,200}))?(?:[.:]|$)")
PREAMBLE = re.compile(r"(?:is attributable to|Begin text|^Via Teleconference)|:\s*$")
FIRST_PERSON = re.compile(r"\b(?:I|I’m|I'm|I’ve|I've|my|me)\b")
PRESIDENT = re.compile(r"\bPresident\s+(?:Joseph R\. Biden, Jr\.|Donald J\. Trump|Joe Biden|Barack Obama|[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+)")
LEAD_TRIM = re.compile(r"^(?:Today|Yesterday|Tonight|This (?:morning|afternoon|evening|week)|On [A-Z][a-z]+(?: \d+)?|In [A-Z][a-z]+ \d{4}),?\s+")
LEAD_DATE = re.compile(r"^(?:On\s+)?(?:[A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+[A-Z][a-z]+\s+\d{4}),?\s+")
CUT_WORDS = re.compile(r"\s+(?:today|yesterday|this (?:morning|afternoon|evening)|virtually|this week|on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b")
SAID = re.compile(r"[”\"],?\s+(?:said|says|added)\b|\b(?:said|says)\s+[A-Z]")
QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
TRANSCRIPT = re.compile(r"^(?:MODERATOR|OPERATOR|QUESTION|Q|(?:MR|MS|MRS)\.? [A-Z]+|[A-Z]+ [A-Z]+ OFFICIAL|SECRETARY [A-Z]+):\s")
LETTER = re.compile(r"^(?:Dear (?:Mr\.|Madam|Majority|Minority|Speaker|Leader)|TO THE (?:CONGRESS|SENATE)|Section 202\(d\) of the National Emergencies Act)")
COUNTRY_LIST = re.compile(r"^(?:We,\s+)?(?:the\s+)?(?:(?:Governments?|Leaders|Foreign Ministers|Ministers) of\s+)?(?:(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3},\s+){2,}")
EMERGENCY = re.compile(r"national emergency (?:with respect to|declared in [^.]{0,80}? with respect to) (?P<what>[^.,;(]{3,80}?)(?=\s+(?:declared|that|which|is|was|and)\b|[.,;(])", re.IGNORECASE)
# Justice Department cases: "<subject> pleaded guilty today in ... to <charges>"
CASE = re.compile(r"^(?P<who>[A-Z][^;:]{2,160}?)\s+(?:today\s+)?(?P<verb>pleaded guilty|has pleaded guilty|have pleaded guilty|"
                  r"(?:was|were|has been|have been) sentenced|(?:was|were|has been|have been) indicted|(?:was|were) convicted|"
                  r"(?:was|were) arrested|(?:has|have) agreed to pay|agreed to pay|(?:has|have) agreed to plead guilty|agreed to plead guilty|"
                  r"(?:has|have) agreed to (?:a )?settle(?:ment)?|(?:has|have) settled)\b(?P<rest>[^.]*)")
CASE_VERB = [("pleaded guilty", "Pleads Guilty"), ("sentenced", "Sentenced"), ("indicted", "Indicted"),
             ("convicted", "Convicted"), ("arrested", "Arrested"), ("agreed to pay", "Agrees to Pay"),
             ("agreed to plead guilty", "Agrees to Plead Guilty"), ("settle", "Settles")]
PLURAL_SUBJECT = re.compile(r"\band\b|^(?:Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|\d+)\b|s$")
DESIGNATE = re.compile(r"\b(?:is|are|has|have|today)\s+(?:today\s+)?(?:also\s+)?designat(?:ing|ed)\s+(?P<what>[^.;]{3,160}?)"
                       r"(?:\s+as\s+(?:an?\s+)?(?P<as>Specially Designated Global Terrorists?|Foreign Terrorist Organizations?))")
SANCTIONING = re.compile(r"^(?:Today,?\s+)?(?:the\s+)?(?:United States|U\.S\.|Department of State|State Department)\s+(?:is|has|are)\s+(?:today\s+)?"
                         r"(?:taking action|sanctioning|imposing sanctions on|designating|taking steps)\s+(?:against\s+)?(?P<what>[^.;]{5,140})")
CONVENED = re.compile(r"(?:^|,\s+)(?P<who>(?:the\s+)?White House|[^,.]{0,80}?)\s+(?:virtually\s+)?(?:convened|hosted)\s+(?:a|an|the)\s+(?P<what>(?:[\w\-’']+\s+){0,5}?(?:roundtable|listening session|meeting|convening|call|summit|conversation|discussion|forum|briefing|event))"
                      r"(?P<rest>[^.]*)")
TRAVEL = re.compile(ACTOR + r"\s+will\s+travel\s+to\s+(?P<place>[A-Z][\w.’'\-]*(?:[\s,]+(?:and\s+)?[A-Z][\w.’'\-]*){0,4})")
PRESENT = {
    "announced": "Announces", "launched": "Launches", "released": "Releases", "issued": "Issues", "awarded": "Awards",
    "published": "Publishes", "unveiled": "Unveils", "signed": "Signs", "sanctioned": "Sanctions",
    "designated": "Designates", "imposed": "Imposes", "took": "Takes", "welcomed": "Welcomes", "approved": "Approves",
    "finalized": "Finalizes", "proposed": "Proposes", "reached": "Reaches", "settled": "Settles", "filed": "Files",
    "named": "Names", "appointed": "Appoints", "transmitted": "Transmits", "hosted": "Hosts", "convened": "Convenes",
    "provided": "Provides", "pledged": "Pledges", "committed": "Commits", "extended": "Extends", "renewed": "Renews",
    "expanded": "Expands", "established": "Establishes", "created": "Creates", "delivered": "Delivers",
    "is announcing": "Announces", "is launching": "Launches", "is releasing": "Releases", "is issuing": "Issues",
    "is providing": "Provides", "is designating": "Designates", "is sanctioning": "Sanctions", "is taking": "Takes",
    "is imposing": "Imposes", "is awarding": "Awards", "is offering": "Offers", "is publishing": "Publishes",
    "taken": "Takes", "made": "Makes", "begun": "Begins", "joined": "Joins", "held": "Holds", "launches": "Launches",
    "is proposing": "Proposes", "are hosting": "Hosts", "is hosting": "Hosts", "are announcing": "Announces", "are launching": "Launches", "is extending": "Extends", "is expanding": "Expands", "is establishing": "Establishes",
}
PRESENT_VERB = re.compile(r"^(?:[Tt]he\s+)?(?P<subj>[A-Z][^,;:]{1,90}?)\s+(?:today\s+|also\s+|has\s+|have\s+|jointly\s+)*(?P<verb>"
                          + "|".join(sorted((re.escape(v) for v in PRESENT), key=len, reverse=True))
                          + r")\b(?:\s+today\b)?")
SIGNED = re.compile(r"^(?:[Tt]he\s+)?(?P<who>[A-Z][^,;:]{1,60}?)\s+(?:today\s+)?signed\s+(?:an?\s+)?(?:[A-Z][\w\-]*\s+){1,4}"
                    r"(?:\([A-Z]{2,6}\)\s+)?(?P<to>to\s+(?:(?:rapidly|further|immediately|fully)\s+)?)?(?P<verb>[a-z]+)\b")
# terms of office (inaugurations) and the name White House statement headlines give the President
PRESIDENTS = (("2009-01-20", "2017-01-20", "President Barack Obama"), ("2017-01-20", "2021-01-20", "President Donald J. Trump"),
              ("2021-01-20", "2025-01-20", "President Joe Biden"), ("2025-01-20", "2029-01-20", "President Donald J. Trump"))
SMALL = frozenset("a an the and or nor but of to in on for with by at as from into per via vs".split())


def title(release: Release, issuer: str = "", countries: tuple[str, ...] = ()) -> tuple[str, str]:
    if release.headline:
        return release.headline, "release"
    return uncapitalise(derive(release, issuer), release), "derived"


def uncapitalise(headline: str, release: Release) -> str:
    """A headline taken from an ALL-CAPS label, in headline case. A word stays in capitals when it
    looks like an acronym: it has dots (U.S.), or it is short and the release writes it in capitals
    again outside the label (NATO); every other word is an ordinary word."""
    letters = [c for c in headline if c.isalpha()]
    if len(headline.split()) < 2 or sum(c.isupper() for c in letters) < 0.9 * len(letters):
        return headline
    text = " ".join(release.paragraphs)

    def acronym(word: str) -> bool:
        bare = word.strip(".,;:’'\"()")
        return "." in bare or (len(bare) <= 5 and len(re.findall(rf"\b{re.escape(bare)}\b", text)) > 1)

    words = [w if acronym(w) else w.lower() for w in headline.split()]
    return " ".join(_headline_word(w, i == 0) for i, w in enumerate(words))


def derive(release: Release, issuer: str = "") -> str:
    paras = [p for p in release.paragraphs if p.strip()]
    if not paras:
        return ""
    person_byline = bool(release.byline) and not release.byline.startswith("Office")
    head_lines = paras[:6]
    if any(TRANSCRIPT.match(p) for p in head_lines) or person_byline and len(paras[0].split()) < 8 and not FIRST_PERSON.search(paras[0]):
        return _transcript(release, paras, issuer)
    if LETTER.match(paras[0]):
        return _letter(paras)
    intro = " ".join(paras[:2])
    m = NOMINATE.search(intro)
    if m:
        return _short(f"{_presidential(m.group('who'))} Announces Key {'Nominees' if m.group('what') == 'nominate' else 'Appointments'}")
    while len(paras) > 1 and (PREAMBLE.search(paras[0]) or len(paras[0].split()) < 6 or _listy(paras[0])):
        paras = paras[1:]
    paras = _skip_deck(paras)
    first = DATELINE.sub("", paras[0]).strip()
    text = " ".join(paras[:2])
    m = DELEGATION.search(text)
    if m:
        return _short(f"{_presidential(m.group('who'))} Announces Presidential Delegation to {m.group('what')}")
    m = SANCTION.search(first)
    if m and issuer == "U.S. Department of the Treasury":
        what = _clause(m.group("what"))
        return _short(f"Treasury Sanctions {what}")
    m = FACT_LABEL.match(first) or FACT_LABEL.match(paras[0].strip())
    if m and len(m.group("label").split()) < 3:
        m = None
    if m:
        rest = LEAD_TRIM.sub("", m.group("rest"))
        return _short("Fact Sheet: " + _present(_clause(sentences(rest)[0] if rest else rest)))
    m = JOINT.search(first)
    if m:
        topic = m.group("topic") or ""
        if topic and m.group("rel") not in ("on the occasion of",):
            topic = re.split(r",\s+(?:which|who|where|and to)\b", topic)[0]
            rel = m.group("rel")
            word = "Following" if rel in ("following", "after") else "on"
            return _short(f"Joint Statement {word} {topic}")
        subject = _subject(release)
        if subject:
            return _short("Joint Statement on " + subject)
        who = re.sub(r"\b(?:Governments|Government) of\s+", "", m.group("who"))
        who = re.sub(r"\s+of America\b", "", who)
        return _short("Joint Statement by " + who)
    if COUNTRY_LIST.match(first) or re.match(r"^We,\s+the\s", first):
        subject = _subject(release)
        return _short("Joint Statement" + (f" on {subject}" if subject else ""))
    opening = sentences(first)[0] if first else ""
    case = _case(opening)
    if case:
        return case
    m = DESIGNATE.search(" ".join(sentences(" ".join(paras[:2]))[:3]))
    if m and issuer in ("U.S. Department of State", "U.S. Department of the Treasury"):
        what = _names_only(m.group("what"))
        label = "as a Specially Designated Global Terrorist" if m.group("as").startswith("Specially") else \
            "as a Foreign Terrorist Organization"
        if len(what.split()) <= 8:
            return _short(f"Designation of {what} {label}")
        return _short(f"Terrorist Designation of {what}")
    m = CALL.search(mask_abbreviations(opening).replace("·", "."))
    if m and m.start() < 40:
        actor = _actor(m.group("actor"))
        other = m.group("other").strip(" ,")
        other = re.split(r",\s+(?:to|and|who|where|on)\b|\s+(?:to|on|about|regarding|in|this|today|at|for)\b", other)[0].strip(" ,")
        kind = "Call" if m.group("verb") in ("spoke",) or "call" in m.group("verb") else "Meeting"
        prefix = "" if issuer == "U.S. Department of State" else "Readout of "
        return _short(f"{prefix}{_possessive(actor)} {kind} with {other}")
    m = TRIP.search(opening)
    if m and m.start() < 40:
        place = re.split(r"\s+(?:on|to|and|from)\b", m.group("place"))[0].strip(" ,")
        return _short(f"Readout of {_possessive(_actor(m.group('actor')))} Trip to {place}")
    m = TRAVEL.search(opening)
    if m and m.start() < 40:
        place = re.split(r"\s+(?:on|from)\b|,\s+(?:where|to)\b", m.group("place"))[0].strip(" ,")
        return _short(f"{_actor(m.group('actor'))} Travels to {place}")
    m = CONVENED.search(opening)
    if m and issuer == "The White House":
        what = m.group("what")
        what = re.sub(r"^(?:virtual|first|second|third|new)\s+", "", what)
        topic = re.search(r"\b(?:on|about|to discuss)\s+(?:the\s+|how\s+)?(?P<t>[^,;]{3,80})", m.group("rest"))
        host = "White House " if "White House" in m.group("who") else ""
        out = f"Readout of {host}{_cap_words(what)}"
        if topic:
            out += " on " + _clause(topic.group("t"))
        return _short(out)
    unquoted = QUOTED.sub(" ", text)
    if not FIRST_PERSON.search(unquoted) and not release.byline and issuer in ("The White House", "") \
            and len(paras) <= 8 and FIRST_PERSON.search(QUOTED.sub(" ", " ".join(paras[2:5]))) \
            and not SAID.search(" ".join(paras[:5])):
        unquoted = " ".join(paras[2:5])  # the speaker's "I" comes later in the statement
    if FIRST_PERSON.search(unquoted) and not release.byline and issuer in ("The White House", ""):
        speaker = _speaker(release)
        subject = _subject(release)
        return _short(f"Statement from {speaker}" + (f" on {subject}" if subject else ""))
    if person_byline and FIRST_PERSON.search(unquoted) and issuer != "U.S. Department of State":
        name, _, role = release.byline.partition(",")
        subject = _subject(release)
        head = f"{_role_short(role.strip())} {name.strip()}".strip()
        return _short(f"Statement by {head}" + (f" on {subject}" if subject else ""))
    out = _short(re.sub(r"^(?:A|An)\s+(?=[a-z])", "", _present(_clause(opening))))
    if len(out.split()) < 4 and len(paras) > 1:
        out = _short(_clause(sentences(DATELINE.sub("", paras[1]).strip())[0]))
    return out


def _skip_deck(paras: list[str]) -> list[str]:
    """Drop a subheadline (deck) printed above the dateline: "Report recommends ... WASHINGTON – Today, ..."."""
    head = paras[0]
    if DATELINE.match(head):
        return paras
    m = INNER_DATELINE.search(head)
    if m:
        return [head[m.end():]] + paras[1:]
    if len(paras) > 1 and DECK_NEXT.match(paras[1]) and not head.rstrip().endswith((".", ":")) and len(head.split()) <= 40:
        return paras[1:]
    return paras


def _listy(paragraph: str) -> bool:
    """A list item or table row rather than prose: "- Name, Nominee for ...", "1. The Agreement ..."."""
    return bool(re.match(r"^(?:[-•*]\s|\d{1,2}[.)]?\s|\(\w\)\s)", paragraph))


def _transcript(release: Release, paras: list[str], issuer: str) -> str:
    if release.byline and issuer == "U.S. Department of State" and re.search(r"Spokesperson", release.byline):
        day = release.date
        return f"Department Press Briefing – {day:%B} {day.day}, {day.year}"
    if any(re.match(r"^(?:SENIOR ADMINISTRATION OFFICIAL|MODERATOR)", p) for p in paras[:8]):
        return "Background Press Call by Senior Administration Officials"
    name, _, role = release.byline.partition(",")
    head = f"{_role_short(role.strip())} {name.strip()}".strip()
    return _short(f"{head} Remarks" if head else "Press Briefing")


def _letter(paras: list[str]) -> str:
    body = " ".join(paras[:4])
    m = EMERGENCY.search(body)
    if m:
        what = m.group("what").strip()
        return _short(f"Letter to Congress on the Continuation of the National Emergency With Respect to {what}")
    return "Letter to the Speaker of the House and the President of the Senate"


def _case(opening: str) -> str:
    """Justice Department case releases: "<Who> Pleads Guilty to ...", "<Who> Sentenced to ..."."""
    s = DATELINE.sub("", opening)
    s = re.sub(r"^(?:Today,?\s+)", "", s)
    m = CASE.match(mask_abbreviations(s).replace("·", "\x00"))
    if not m:
        return ""
    who = s[:m.end("who")]
    # drop appositives and ages: "Jorge De Castro Font, 45, a former senator ..., pleaded"
    who = re.split(r",\s+(?:\d+|a|an|the|who|both|of|and its|and their|along|along with|together)\b|\s+\(", who)[0].strip(" ,")
    who = re.sub(r"^(?:The|A|An)\s+", lambda x: "" if who.split()[1:2] and who.split()[1][:1].isupper() else x.group(0), who)
    if len(who.split()) > 8:
        return ""
    verb_text = m.group("verb")
    verb = next(v for k, v in CASE_VERB if k in verb_text)
    plural = bool(PLURAL_SUBJECT.search(who))
    if plural and verb.startswith(("Pleads", "Agrees", "Settles")):
        verb = {"Pleads Guilty": "Plead Guilty", "Agrees to Pay": "Agree to Pay",
                "Agrees to Plead Guilty": "Agree to Plead Guilty", "Settles": "Settle"}[verb]
    rest = s[m.start("rest"):]
    rest = re.split(r"\.(?!\d)(?:\s|$)", mask_abbreviations(rest))[0].replace("·", ".")
    if "Pay" in verb:
        rest = re.sub(r"^\s*(?:today\s+)?(?:the\s+(?:United States|U\.S\.|government|federal government)\s+)?(?:a total of\s+)?", " ", rest)
    else:
        to = re.search(r"(?:^|\s)(?=(?:to|for|on charges of|on)\s)", rest)
        rest = rest[to.end():] if to else ""
    tail = re.split(r",|\s+(?:the (?:Justice )?Department|announced|according|after|following|because|which|for (?:his|her|their) role)\b", rest)[0]
    tail = re.sub(r"\s+(?:to settle|to resolve)\s+(allegations|claims)\s+that\b.*", r" to Settle \1", tail)
    words = tail.split()
    if len(words) > 10:
        words = words[:10]
    out = f"{who} {verb}"
    if words:
        extra = " ".join(words)
        if verb.startswith(("Agree", "Agrees")) and verb.endswith("Pay"):
            extra = re.sub(r"^(?:a total of|more than|nearly|about|over|approximately)\s+", "", extra)
        out += " " + extra
    return _short(out)


def _names_only(what: str) -> str:
    """'Sa’id Ahmad al-Jamal and other individuals ...' -> the named part before generic words."""
    what = re.split(r",\s+(?:a|an|the|who|which)\b|\s+(?:for|under|pursuant|who|which|involved|in connection)\b", what)[0]
    return what.strip(" ,")


def _cap_words(text: str) -> str:
    return " ".join(w if w in SMALL else w[:1].upper() + w[1:] for w in text.split())


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
    """The President in office on the release date, as statements name him; else a name the text gives."""
    day = release.date.isoformat()[:10] if release.date else ""
    for start, end, name in PRESIDENTS:
        if start <= day < end:
            return name
    m = PRESIDENT.search(" ".join(release.paragraphs))
    if m:
        return m.group(0)
    last = release.paragraphs[-1].strip()
    if re.fullmatch(r"[A-Z][A-Z.\s,]+", last) and "WHITE HOUSE" not in last:
        return "President " + " ".join(w.capitalize() if len(w) > 2 else w for w in last.split())
    return "the President"


def _subject(release: Release) -> str:
    """The most mentioned country, by the name the text writes for it, or else nothing."""
    counts: dict[str, int] = {}
    names: dict[str, dict[str, int]] = {}
    for p in release.paragraphs:
        for m in COUNTRY_PATTERN.finditer(p):
            form = m.group(0)
            code = COUNTRY_FORMS.get(form)
            if not code or code in ("-", "US"):
                continue
            counts[code] = counts.get(code, 0) + 1
            if form in COUNTRY_NAMES:
                names.setdefault(code, {})
                names[code][form] = names[code].get(form, 0) + 1
    if not counts:
        return ""
    best = max(counts, key=lambda c: counts[c])
    if counts[best] < 2:
        return ""
    written = names.get(best)
    if written:
        return max(written, key=lambda f: (written[f], -len(f)))
    country = pycountry.countries.get(alpha_2=best)
    return getattr(country, "common_name", None) or (country.name if country else "")


def _third_person(verb: str) -> str:
    """"harness" -> "Harnesses", "deploy" -> "Deploys"; gerunds too: "establishing" -> "Establishes"."""
    low = verb.lower()
    if low.endswith("ing") and len(low) > 5:
        stem = low[:-3]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            stem = stem[:-1]  # "submitting" -> "submit"
        elif re.search(r"(?:iz|yz|v|[^aeiou]c|u|dg|(?<!e)at|reat|[iou]r|ar|[^ai]in|[^e]am|os|[^s]s|[aeiou]k|[^aeiou]l|id)$", stem) \
                and not re.search(r"(?:ain|oin|ss|[^r]eat|ck|ll|er|en)$", stem):
            stem += "e"
        low = stem
    if low.endswith(("s", "sh", "ch", "x", "z", "o")):
        low += "es"
    elif re.search(r"[^aeiou]y$", low):
        low = low[:-1] + "ies"
    else:
        low += "s"
    return low[:1].upper() + low[1:]


def _signed(clause: str) -> str:
    """"President X signed an Executive Order establishing Y" -> "President X Establishes Y"."""
    m = SIGNED.match(clause)
    if not m or not m.group("to") and not m.group("verb").endswith("ing"):
        return clause
    return f"{m.group('who')} {_third_person(m.group('verb'))} {clause[m.end():]}".strip()


def _present(clause: str) -> str:
    """"The Department of the Treasury announced X" -> "Department of the Treasury Announces X" (headline tense)."""
    signed = _signed(clause)
    if signed is not clause:
        return signed
    m = PRESENT_VERB.match(clause)
    if not m:
        return clause
    if re.search(r"\b(?:was|were|is|are|been|be)$", m.group("subj")):
        return clause
    subj = re.sub(r"^(?:The|the)\s+", "", m.group("subj"))
    verb = PRESENT[m.group("verb")]
    if re.search(r"\band\b|,", subj) or m.group("verb").startswith("are "):
        verb = verb[:-2] if verb.endswith(("ches", "shes", "sses")) else verb[:-1]
    return f"{subj} {verb}{clause[m.end():]}"


def _clause(sentence: str) -> str:
    s = LEAD_DATE.sub("", sentence.strip())
    s = LEAD_TRIM.sub("", s)
    s = CUT_WORDS.sub("", s)
    s = PAREN.sub("", s)
    s = APPOSITION.sub(r"\1 ", s, count=1)
    s = CABINET.sub(r"Secretary \g<last>", s, count=1)
    s = re.sub(r"^(?:[Aa]s part of|[Ii]n|[Oo]n|[Aa]t|[Dd]uring|[Ff]ollowing|[Aa]fter|[Uu]nder)\b[^,]{0,120},\s+", "", s)
    masked = mask_abbreviations(s)
    cut = re.search(r",\s+(?:which|who|where|including|as|while|and|but|bringing|making|to)\b|\s+(?:in order to|because|after|which|that will)\b|;|:|\s[–—]\s", masked)
    if cut and len(s[:cut.start()].split()) >= 5:
        s = s[:cut.start()]
    return s.rstrip(" .,")


def _short(text: str) -> str:
    """Headline form: at most MAX_WORDS words, no dangling small word or punctuation, headline capitals."""
    text = re.sub(r"\s+", " ", text).strip().rstrip(".,;:")
    words = text.split()
    if len(words) > MAX_WORDS:
        words = words[:MAX_WORDS]
    while len(words) > 1 and (words[-1].lower() in SMALL or words[-1].lower() in DANGLING or words[-1] in ("–", "-", "&")):
        words.pop()
    words[-1:] = [w.rstrip(".,;:–-") for w in words[-1:]]
    return " ".join(_headline_word(w, i == 0) for i, w in enumerate(words))


DANGLING = frozenset("that which who whose whom its their his her our your my is are was were be been has have had "
                     "will would can could should may might must this these those also not than while when where "
                     "including such other both each all any some more most very".split())


def _headline_word(word: str, first: bool) -> str:
    """Capitalise a lower-case word unless it is a small word inside the title ("a", "of", "the")."""
    if not word[:1].islower() or (not first and word in SMALL):
        return word
    if "." in word.strip(".") or "@" in word or "/" in word:
        return word  # "e.g.", addresses
    return "-".join(p[:1].upper() + p[1:] if p else p for p in word.split("-"))
