"""Named persons with the role written near a mention; one entry per person, fullest name.

Evidence that a capitalised run is a person (any one suffices):
- a title word before it: "Secretary of Defense Lloyd J. Austin III", "President Putin";
- an honorific: "Mr. Sartain" (the honorific is dropped);
- a role after a comma: "Nathan J. Hochman, Assistant Attorney General of ...";
- a speech verb: "said Sabrina Singh", "Singh said";
- the shape First M. Last; a byline or an upper-case signature line;
- a one-word mention of a person found elsewhere merges into that person ("Austin").
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from generator.annotate.countries import FORMS as COUNTRY_FORMS
from generator.annotate.lexicon import HONORIFIC_WORDS, INSTITUTION_WORDS, NOT_NAMES, TITLE_HEADS, TITLE_WORDS
from generator.records import Person, Release

UP = "A-ZÀ-ÖØ-Þ"
LOW = "a-zß-öø-ÿ"
# one capitalised token: word, initial, abbreviation; possessive 's is left outside
TOKEN = re.compile(
    rf"(?:[{UP}]\.(?:[{UP}]\.)+|[{UP}][{LOW}]*\.|(?:Mc|Mac|De|Di|La|Le|Du)?[{UP}](?:[{LOW}]+|[{UP}]+)?(?:[’'\-][{UP}{LOW}][{LOW}{UP}]*)*(?<![’']s)(?<![’']))"
)
CONNECTORS = {"of", "the", "for", "to", "and", "on", "de", "da", "di", "del", "van", "von", "der", "bin",
              "ibn", "al", "el", "la", "le", "du", "dos", "ben"}
PARTICLES = {"de", "da", "di", "del", "van", "von", "der", "bin", "ibn", "al", "el", "la", "le", "du", "dos", "ben"}
SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}
SPEECH = r"(?:said|says|added|noted|stated|explained|announced|urged|warned|told|wrote|remarked|continued|emphasized|stressed|commented|concluded)"
SAID_AFTER = re.compile(rf"^(?:’s|'s)?\s*,?\s*(?:also\s+|then\s+|further\s+)?{SPEECH}\b")
SAID_BEFORE = re.compile(rf"\b{SPEECH}\s*$")
ROLE_AFTER = re.compile(r"^,\s+((?:the\s+|a\s+|an\s+|then[- ]|former\s+|acting\s+|now\s+)?[^,.;:()“”\"]{2,120}?)(?=,|\.(?:\s|$)|;|:|\s+(?:who|which|said|and said|has|had|was|is|will)\b|\(|$)")
WORD = re.compile(r"\S+")
AFTER_CONNECTOR = re.compile(r"\b(?:of|for|the|to|and)\s+(?:U\.S\.\s+|[A-Z]{2,}\s+)?$")


def _find(paragraph: str, word: str, start: int) -> int:
    pos = paragraph.find(word, start)
    return pos if pos >= 0 else start


OFFICE_TAILS = frozenset({"Officer", "Director", "Advisor", "Adviser", "Coordinator", "Secretary", "Minister", "Chief",
                          "Spokesperson", "Administrator", "Counsel", "Commissioner", "Representative", "Envoy",
                          "Agent", "Member", "Officers", "Chair", "Chairman", "Deputy", "Assistant"})
AGE_AFTER = re.compile(r"^,\s+\d{1,2},")  # "Benjamin Haskell, 22, ..."
LOWER_WORD = re.compile(r"(?<![\w’'\-])[a-z][a-z’'\-]+")
RUN_TOKEN = re.compile(rf"[{UP}{LOW}0-9][\w’'\-\.]*|[^\s\w]")
LOWER_ROLE = re.compile(r"\b(citizens?|journalists?|activists?|defendants?|attorneys?|lawyers?|agents?|officers?|judge|"
                        r"reporters?|correspondents?|nominees?|envoy|dissidents?|nationals?|residents?|brother|sister|son|"
                        r"daughter|wife|husband|mother|father|teacher|students?|soldiers?|veterans?|hostages?|prisoners?|"
                        r"detainees?|businessman|businesswoman|accountant|founder|officials?|doctor|nurse|colleague|"
                        r"friend|associate|employee|owner|manager|leader|member|chairman|spokesperson|spokesman|"
                        r"analyst|researcher|author|artist|singer|musician|athlete|pilot|sailor|marine|worker|"
                        r"investigator|prosecutors?|trial attorneys?|co-defendants?|suspects?)\s+$")


@dataclass
class Mention:
    tokens: list[str]
    role: str
    paragraph: int
    start: int
    strong: bool


@dataclass
class Entry:
    name_tokens: list[str]
    role: str
    paragraph: int
    order: tuple[int, int]
    forms: set[str] = field(default_factory=set)


# stretches of text that can hold a capitalised run (tokenising only these is much faster than every word)
CAP_REGION = re.compile(rf"(?<![\w’'\-.])[{UP}][^\s]*(?:[\s,]+(?:[{UP}][^\s]*|(?:{'|'.join(sorted(CONNECTORS))})(?=\s)))*")


def _runs(text: str) -> list[tuple[int, int, list[tuple[str, int, int]]]]:
    """Capitalised runs: lists of (token, start, end), connectors allowed inside."""
    tokens: list[tuple[str, int, int]] = []
    for region in CAP_REGION.finditer(text):
        base = region.start()
        tokens.extend((m.group(0), base + m.start(), base + m.end()) for m in RUN_TOKEN.finditer(region.group(0)))
        tokens.append(("\x00", region.end(), region.end()))  # the text between regions ends any run
    runs = []
    i = 0
    while i < len(tokens):
        tok, s, e = tokens[i]
        if not tok[0].isupper():
            i += 1
            continue
        m = TOKEN.fullmatch(_clean(tok))
        if not m:
            i += 1
            continue
        run = [(_clean(tok), s, s + len(_clean(tok)))]
        j = i + 1
        while j < len(tokens):
            t, ts, te = tokens[j]
            if text[run[-1][2]:ts].strip() not in ("", ","):
                break
            gap = text[run[-1][2]:ts]
            if gap.strip() == ",":
                # "Joseph R. Biden, Jr." only
                if _clean(t) in SUFFIXES:
                    run.append((_clean(t), ts, ts + len(_clean(t))))
                    j += 1
                    continue
                break
            ct = _clean(t)
            if TOKEN.fullmatch(ct) and not run[-1][0].endswith(("’s", "'s")):
                run.append((ct, ts, ts + len(ct)))
                j += 1
                if ct != t:  # possessive or sentence end closes the run
                    break
                continue
            if t in CONNECTORS:
                k = j
                while k < len(tokens) and tokens[k][0] in CONNECTORS and k - j < 3:
                    k += 1
                if k < len(tokens) and TOKEN.fullmatch(_clean(tokens[k][0])):
                    run.extend(tokens[j:k])
                    j = k
                    continue
            break
        while run and run[-1][0] in CONNECTORS:
            run.pop()
        runs.append((run[0][1], run[-1][2], run))
        i = j if j > i else i + 1
    return runs


@lru_cache(maxsize=65536)
def _clean(tok: str) -> str:
    """Strip a possessive and a sentence-final full stop (keep initials and abbreviations)."""
    if tok[-1] not in "s’'.,;:":
        return tok
    for suffix in ("’s", "'s", "’", "'"):
        if tok.endswith(suffix) and len(tok) > len(suffix) + 1:
            tok = tok[: -len(suffix)]
            break
    if tok.endswith(".") and len(tok) > 2 and tok not in SUFFIXES and tok[:-1].isalpha() and not (
            tok[:-1] in ABBREV):
        tok = tok[:-1]
    return tok.rstrip(",;:")


ABBREV = {"Mr", "Mrs", "Ms", "Dr", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Adm", "Capt", "Maj", "Sgt", "St",
          "Jr", "Sr", "Rev", "Prof", "Amb", "Hon", "Cmdr", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
          "Sept", "Sep", "Oct", "Nov", "Dec", "Inc", "Co", "Corp", "Ltd"}


def _is_name_token(tok: str) -> bool:
    if tok in SUFFIXES or tok in PARTICLES:
        return True
    if tok in NOT_NAMES or tok in INSTITUTION_WORDS or tok in TITLE_WORDS or tok in HONORIFIC_WORDS:
        return False
    if tok in COUNTRY_FORMS or tok.rstrip("s") in COUNTRY_FORMS:
        return False
    if len(tok) > 1 and tok.isupper() and not re.fullmatch(r"[A-Z]\.", tok):
        return False  # acronyms
    return bool(TOKEN.fullmatch(tok))


def _split_role(words: list[str]) -> tuple[list[str], list[str], bool]:
    """A run -> (role words, name words, strong): the name is the tail after the last title word."""
    last_title = -1
    honorific = False
    positions = [k for k, w in enumerate(words) if w in TITLE_HEADS or w in HONORIFIC_WORDS]
    if not positions:
        return [], words, False
    last_title = -1
    for k in reversed(positions):
        if k + 1 < len(words) and _is_name_token(words[k + 1]) or k + 1 < len(words) and words[k + 1] in CONNECTORS:
            last_title = k
            break
    if last_title < 0:
        if positions[0] > 0 and _is_name_token(words[0]):
            return [], words, False  # "Jolie F. Zimmerman of the Justice Department"
        last_title = positions[-1]
    k = last_title + 1
    honorific = words[last_title] in HONORIFIC_WORDS
    # "Secretary of Defense Lloyd", "Ambassador to the United Nations Linda"
    while k < len(words) and (words[k] in CONNECTORS - PARTICLES or words[k] in INSTITUTION_WORDS
                              or words[k] in COUNTRY_FORMS or words[k].isupper() and len(words[k]) > 1):
        if words[k] in ("and",):
            break
        k += 1
    role = words[:k]
    while role and role[-1] in CONNECTORS:
        role.pop()
    role = [w for w in role if w not in HONORIFIC_WORDS] if honorific else role
    return role, words[k:], True


def _name_part(words: list[str]) -> list[str]:
    """Longest leading stretch of name-like tokens, at most five, never ending in a connector."""
    out: list[str] = []
    for w in words:
        later_title = bool(out) and w in TITLE_WORDS and w not in INSTITUTION_WORDS and w not in NOT_NAMES
        if not (_is_name_token(w) or later_title) or w in CONNECTORS and w not in PARTICLES:
            break
        out.append(w)
        if len(out) == 5:
            break
    while out and (out[-1] in PARTICLES):
        out.pop()
    if out and all(t in SUFFIXES or re.fullmatch(r"[A-Z]\.", t) for t in out):
        return []
    return out


def _split_and(runs):
    """'President Biden and Vice President Harris' -> two runs; 'Health and Human Services' stays."""
    out = []
    for start, end, run in runs:
        part = []
        for k, tok in enumerate(run):
            word = tok[0]
            if word == "and" and part and k + 1 < len(run):
                nxt = run[k + 1][0]
                prev = part[-1][0]
                if nxt in TITLE_WORDS or nxt in HONORIFIC_WORDS or (_is_name_token(prev) and prev not in PARTICLES):
                    out.append((part[0][1], part[-1][2], part))
                    part = []
                    continue
            part.append(tok)
        if part:
            out.append((part[0][1], part[-1][2], part))
    return out


def _mentions(paragraph: str, index: int) -> list[Mention]:
    found: list[Mention] = []
    plural_role = ""  # "Trial Attorneys Paul Smyth and Kevin O’Regan": the role covers the next name too
    plural_end = -1
    for start, end, run in _split_and(_runs(paragraph)):
        inherited = plural_role if re.fullmatch(r",?\s*(?:and\s+)?", paragraph[plural_end:start] if plural_end >= 0 else "x") else ""
        plural_role, plural_end = "", -1
        words = [t for t, _, _ in run]
        # strip sentence-initial non-name words ("Today President Biden")
        offset = 0
        while offset < len(words) and (words[offset] in NOT_NAMES and words[offset] not in TITLE_WORDS
                                       and words[offset] not in HONORIFIC_WORDS
                                       and words[offset] not in COUNTRY_FORMS
                                       and words[offset] not in INSTITUTION_WORDS or words[offset] in CONNECTORS):
            offset += 1
        words = words[offset:]
        if not words:
            continue
        role_words, rest, titled = _split_role(words)
        # several names after one plural role: "Tax Division trial attorneys Richard M. Rolwing, Jill M. Cassara"
        name = _name_part(rest)
        if name and len(rest) > len(name) + 1 and rest[len(name)] == "of" and all(
                w in COUNTRY_FORMS or w in CONNECTORS or w in INSTITUTION_WORDS for w in rest[len(name) + 1:]):
            rest = rest[:len(name)]  # "Amir Tamim Bin Hamad Al-Thani of Qatar"
        if name and len(rest) > len(name) + 1 and rest[len(name)] in ("of", "for") and (titled or any(
                re.fullmatch(r"[A-Z]\.", t) for t in name[1:-1])) and len(name) >= 2:
            rest = rest[:len(name)]  # "Commissioner William J. Fitchet of the Springfield Police Department"
        if not name or len(rest) > len(name):
            continue  # "Belmont University": the run goes on past the name
        if name[-1] in OFFICE_TAILS:
            continue  # "Chief Sustainability Officer"
        if len(name) == 1 and role_words and AFTER_CONNECTOR.search(paragraph[max(0, start - 200):_find(paragraph, name[0], start)]):
            continue  # "Minister of Petroleum", "Director of the Office of Multilateral"
        if re.match(r"^\s*(?:&|\+)", paragraph[run[-1][2]:run[-1][2] + 3]):
            continue  # "Holland & Knight"
        name_start = run[offset + len(role_words)][1] if offset + len(role_words) < len(run) else start
        name_end_index = offset + len(words) - len(rest) + len(name) - 1
        name_end = run[min(name_end_index, len(run) - 1)][2]
        after = paragraph[name_end:name_end + 160]
        before = paragraph[max(0, name_start - 40):name_start]
        strong = titled and bool(role_words) or titled
        role = " ".join(w for w in role_words if w not in HONORIFIC_WORDS) if role_words else ""
        if role and role.split()[-1] in HONORIFIC_WORDS:
            role = ""
        if any(w in HONORIFIC_WORDS for w in role_words) and not role_words[-1] in TITLE_HEADS - HONORIFIC_WORDS:
            role = ""
        if not strong and inherited and len(name) >= 2:
            strong, role = True, inherited
        if strong and role_words and role_words[-1].endswith("s") and role_words[-1] in TITLE_HEADS:
            plural_role, plural_end = role, name_end
        if not strong:
            mid_initial = len(name) >= 3 and any(re.fullmatch(r"[A-Z]\.", t) for t in name[1:-1])
            said = bool(SAID_AFTER.match(after)) or bool(SAID_BEFORE.search(before)) or bool(AGE_AFTER.match(after))
            role_after = ROLE_AFTER.match(after) if len(name) >= 2 else None
            role_ok = bool(role_after) and _looks_like_role(role_after.group(1))
            if role_ok:
                role = role_after.group(1).strip()
            lower_role = LOWER_ROLE.search(paragraph[max(0, name_start - 30):name_start])
            if lower_role and not role:
                role = lower_role.group(1)
            strong = mid_initial or role_ok or (said and len(name) >= 2) or (bool(lower_role) and len(name) >= 2)
            weak_single = said and len(name) == 1
            if not strong and not weak_single and len(name) < 2:
                continue
            if not strong and weak_single:
                found.append(Mention(name, "", index, name_start, False))
                continue
            if not strong:
                found.append(Mention(name, "", index, name_start, False))
                continue
        elif not role:
            m = ROLE_AFTER.match(after) if len(name) >= 2 else None
            if m and _looks_like_role(m.group(1)):
                role = m.group(1).strip()
        found.append(Mention(name, role, index, name_start, True))
    return found


def _looks_like_role(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 16:
        return False
    head = [w.strip("’'s") for w in words[:6]]
    return any(w in TITLE_WORDS or w.capitalize() in TITLE_WORDS for w in head) and not re.search(r"\d{4}", text)


def surname(tokens: list[str]) -> str:
    core = [t for t in tokens if t not in SUFFIXES]
    return core[-1] if core else ""


SIGNATURE = re.compile(r"^([A-Z][A-Z.\-’' ]{5,40}?)(?:,?\s+(JR\.|SR\.|III|II))?\.?$")


def people(release: Release) -> tuple[Person, ...]:
    mentions: list[Mention] = []
    if release.byline and not release.byline.startswith("Office of"):
        name, _, role = release.byline.partition(",")
        toks = name.split()
        if 2 <= len(toks) <= 5 and all(TOKEN.fullmatch(t) or t in SUFFIXES for t in toks):
            mentions.append(Mention(toks, role.strip(), 0, -1, True))
    for index, paragraph in enumerate(release.paragraphs):
        mentions.extend(_mentions(paragraph, index))
    last = release.paragraphs[-1].strip()
    sig = SIGNATURE.match(last)
    if sig and len(release.paragraphs) > 1 and "WHITE HOUSE" not in last:
        toks = [t.capitalize() if len(t) > 2 else t for t in sig.group(1).split()]
        if sig.group(2):
            toks.append(sig.group(2).capitalize())
        if 2 <= len(toks) <= 5:
            mentions.append(Mention(toks, "", len(release.paragraphs) - 1, 0, True))
    # "Biden-Harris Administration", "the Biden Administration": the names inside
    for index, paragraph in enumerate(release.paragraphs):
        for m in ADMIN.finditer(paragraph):
            for part in m.group(1).split("-"):
                if _is_name_token(part):
                    mentions.append(Mention([part], "", index, m.start(), True))
    return _merge(mentions, release)


ADMIN = re.compile(rf"\b([{UP}][{LOW}]+(?:-[{UP}][{LOW}]+)?)(?:’s|'s)?(?:\s+(?:Administration|administration)\b|-era\b)")


def _merge(mentions: list[Mention], release: Release) -> tuple[Person, ...]:
    entries: list[Entry] = []
    by_surname: dict[str, list[Entry]] = {}
    strong_surnames = {surname(m.tokens) for m in mentions if m.strong}
    multi = {surname(m.tokens) for m in mentions if len([t for t in m.tokens if t not in SUFFIXES]) >= 2}
    ordered = sorted(mentions, key=lambda m: (m.paragraph, m.start))
    # a weakly attested "name" made of words the text also uses in lower case is not a name ("Quad Cyber Challenge")
    lower_words = set(LOWER_WORD.findall(" ".join(release.paragraphs)))
    ordered = [m for m in ordered if m.strong or not any(t.lower() in lower_words for t in m.tokens if t not in SUFFIXES)]
    # strong mentions first define people; weak ones join them or need a second signal
    for m in ordered:
        key = surname(m.tokens)
        if not key:
            continue
        if not m.strong and key not in strong_surnames and not (len(m.tokens) >= 2 and _repeated(key, release)):
            if len(m.tokens) == 1 and key in multi:
                pass
            else:
                continue
        candidates = by_surname.get(key, [])
        target = None
        for entry in candidates:
            if _compatible(entry.name_tokens, m.tokens):
                target = entry
                break
        if target is None:
            target = Entry(list(m.tokens), m.role, m.paragraph, (m.paragraph, m.start))
            entries.append(target)
            by_surname.setdefault(key, []).append(target)
        else:
            if _fuller(m.tokens, target.name_tokens):
                target.name_tokens = list(m.tokens)
            if not target.role and m.role:
                target.role = m.role
    # drop one-word entries that are only weakly attested and whose word is not a surname anywhere
    out = []
    for entry in sorted(entries, key=lambda e: e.order):
        out.append(Person(name=_join(entry.name_tokens), role=entry.role, paragraph=entry.paragraph))
    return tuple(out)


@lru_cache(maxsize=4096)
def _alone(key: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w{UP}][{LOW}]\s)(?<![A-Z]\.\s)\b{re.escape(key)}\b")


def _repeated(key: str, release: Release) -> bool:
    """The surname also occurs alone elsewhere ("Sartain pleaded guilty")."""
    pattern = _alone(key)
    for p in release.paragraphs:
        if key not in p:
            continue
        for m in pattern.finditer(p):
            before = p[max(0, m.start() - 25):m.start()]
            if not CAP_BEFORE.search(before):
                return True
    return False


CAP_BEFORE = re.compile(rf"[{UP}][\w.’'\-]*\s+$")


def _compatible(known: list[str], new: list[str]) -> bool:
    a = [t for t in known if t not in SUFFIXES]
    b = [t for t in new if t not in SUFFIXES]
    if len(a) == 1 or len(b) == 1:
        return True
    return a[0] == b[0] or a[0][0] == b[0][0] and (len(a[0]) <= 2 or len(b[0]) <= 2)


def _fuller(new: list[str], old: list[str]) -> bool:
    return len(new) > len(old)


def _join(tokens: list[str]) -> str:
    out = []
    for t in tokens:
        out.append(t)
    return " ".join(out)
