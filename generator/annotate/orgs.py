"""Organisations: a packaged list of well-known bodies with their aliases, plus capitalised names
built around an organisation head word ("Office of Foreign Assets Control", "UniCredit Bank AG",
"Tennessee Valley Authority"), with acronyms defined in parentheses as aliases.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources

import yaml

from generator.annotate.countries import FORMS as COUNTRY_FORMS
from generator.annotate.lexicon import HONORIFIC_WORDS, TITLE_HEADS
from generator.records import Org, Release
from generator.yamlio import FAST_LOADER

_KNOWN: dict[str, list[str]] = yaml.load(
    resources.files(__package__).joinpath("orgs.yaml").read_text(encoding="utf-8"), Loader=FAST_LOADER)
FORM_TO_CANON: dict[str, str] = {}
for _canon, _aliases in _KNOWN.items():
    FORM_TO_CANON[_canon] = _canon
    for _a in _aliases or []:
        if _a != "State":
            FORM_TO_CANON.setdefault(_a, _canon)
KNOWN_PATTERN = re.compile(
    r"(?<![\w\-])(?=[A-Za-z])(?:" + "|".join(re.escape(f) for f in sorted(FORM_TO_CANON, key=len, reverse=True)) + r")(?![\w\-])")

HEADS = {"Department", "Ministry", "Office", "Bureau", "Agency", "Council", "Commission", "Committee", "Service",
         "Bank", "Fund", "Organization", "Organisation", "Association", "University", "College", "Institute",
         "Center", "Centre", "Party", "Group", "Forces", "Army", "Navy", "Corps", "Court", "Union", "Corporation",
         "Inc", "Inc.", "LLC", "LLP", "Ltd", "Ltd.", "Company", "Foundation", "Authority", "Board", "Division",
         "Directorate", "Guard", "Police", "Command", "Embassy", "Consulate", "Coalition", "Alliance", "Federation",
         "Society", "Trust", "Secretariat", "Parliament", "Legislature", "Assembly", "Cabinet", "Academy",
         "Laboratory", "Hospital", "Institution", "Administration", "Caucus", "Tribunal", "Network", "Brigade",
         "Brigades", "Movement", "Front", "Cartel", "Agencies", "Ministries", "Commissions", "Bureaus",
         "Conservancy", "Chamber", "Exchange", "Council's", "Reserve", "Senate", "Congress", "Parliament",
         "Investigation", "School", "Airlines", "Airways", "Lines", "Holdings", "Industries", "Systems",
         "Technologies", "Partners", "Solutions", "Services", "Enterprises", "AG", "S.p.A.", "GmbH", "plc", "PLC",
         "SA", "Co.", "Corp.", "Program", "Programme", "Mission", "Forum"}
NOT_HEADS_ALONE = {"Program", "Programme", "Mission", "Forum"}
LEGAL = {"AG", "S.p.A.", "GmbH", "plc", "PLC", "SA", "Inc.", "Inc", "LLC", "LLP", "Ltd.", "Ltd", "Co.", "Corp."}
COMPLEMENT_HEADS = {"Department", "Ministry", "Office", "Bureau", "Agency", "Council", "Commission", "Committee",
                    "Board", "Court", "Division", "Directorate", "Institute", "Center", "Centre", "Association",
                    "Organization", "Organisation", "Bank", "Fund", "Union", "University", "College", "Embassy",
                    "Consulate", "Academy", "Federation", "Society", "Coalition", "Alliance", "School", "Chamber",
                    "Secretariat", "House", "Authority", "Service", "Corporation", "Command", "Forces", "Party"}
NOT_ORG_TAIL = {"Act", "Agreement", "Plan", "Initiative", "Strategy", "Summit", "Conference", "Meeting", "Dialogue",
                "Declaration", "Statement", "Law", "Order", "Treaty", "Accord", "Accords", "Convention",
                "Framework", "Partnership", "Compact", "Compacts", "Award", "Prize", "Day", "Week", "Month", "Year",
                "Report", "Review", "Resolution", "Games", "Olympics", "Project", "Campaign", "Challenge",
                "Account", "Accounts", "Rule", "Rules", "Regulations", "Bill", "Visit", "Trip", "Tour"}
LEAD_DROP = {"The", "A", "An", "This", "That", "Today", "On", "In", "At", "As", "For", "From", "With", "By", "To",
             "And", "But", "Under", "Through", "During", "After", "Before", "Since", "While", "When", "Our", "Their",
             "His", "Her", "Its", "Both", "Each", "Every", "All", "Also", "Additionally", "Previously", "Following",
             "According", "Pursuant", "Finally", "Meanwhile", "Together", "Specifically", "However", "Further",
             "Furthermore", "Moreover", "Of", "Director", "Secretary", "Chair", "Chairman", "Member", "Members"}
TOKEN = r"(?:[A-Z][\w’'&\-]*\.?|&|S\.p\.A\.|U\.S\.|U\.N\.|of|the|for|and|on|in|de|du|des|la|le|of the)"
RUN = re.compile(
    r"(?:[A-Z][\w’'&\-]*(?:\.[A-Z]\.?)*|U\.S\.|U\.N\.)"
    r"(?:(?<=Inc)\.|(?<=Ltd)\.|(?<=Corp)\.|(?<=\bCo)\.)?"
    r"(?:(?:\s+|\s*&\s*|\s*/\s*)(?:(?:of|the|for|and|on|de|du|des|la|le)\s+)*(?:[A-Z][\w’'&\-]*(?:\.[A-Z]\.?)*|U\.S\.|U\.N\.|S\.p\.A\.)(?:(?<=Inc)\.|(?<=Ltd)\.|(?<=Corp)\.|(?<=\bCo)\.)?)*")
POSSESSOR_TITLES = {"Attorney", "Sheriff", "Marshal", "Coroner", "Attorneys", "Inspector", "Comptroller", "Prosecutor"}
PLACE_AFTER = re.compile(r"^ (?:in|to) (?:the )?[A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+)?")
METONYMS = {"Pentagon", "Treasury", "State", "Fed", "Kremlin"}
ACRONYM_AFTER = re.compile(r"^\s*\((?:the\s+)?“?\"?([A-Z][A-Za-z&\-]{1,9})”?\"?\)")


@dataclass
class Found:
    name: str
    paragraph: int
    order: tuple[int, int]
    aliases: list[str] = field(default_factory=list)
    known: bool = False
    seen: set[str] = field(default_factory=set)


def _trim(words: list[str]) -> list[str]:
    while words and (words[0] in LEAD_DROP or words[0] in ("of", "the", "for", "and", "on", "in", "at")):
        words = words[1:]
    while words and words[-1] in ("of", "the", "for", "and", "on", "in", "at", "&"):
        words = words[:-1]
    return words


def nxt_is_the(seg: list[str], part: list[str]) -> bool:
    i = len(part)
    # position of this "and" in seg is not tracked exactly; look for "and the" right after the part
    return i + 1 < len(seg) and seg[i] == "and" and seg[i + 1] == "the"


def _candidates(paragraph: str) -> list[tuple[str, int, int]]:
    out = []
    for m in RUN.finditer(paragraph):
        text = m.group(0)
        words = text.split()
        if not any(w.rstrip(",.’'s") in HEADS or w in HEADS for w in words):
            continue
        # split at titles ("Assistant Attorney General of the Justice Department") and possessives
        segments: list[list[str]] = [[]]
        for k, w in enumerate(words):
            if w.endswith(("’s", "'s")):
                if w[:-2] in POSSESSOR_TITLES and k + 1 < len(words) and words[k + 1] in ("Office", "Department"):
                    segments[-1].append(w)  # "U.S. Attorney’s Office", "Lucas County Sheriff’s Department"
                    continue
                segments[-1].append(w[:-2])
                segments.append([])
                continue
            if (w in TITLE_HEADS or w in HONORIFIC_WORDS) and w not in HEADS and w not in ("General", "Member"):
                segments.append([])
                continue
            segments[-1].append(w)
        split: list[list[str]] = []
        for seg in segments:
            part: list[str] = []
            for w in seg:
                if w == "and" and part and (part[-1] in HEADS or part[-1] in LEGAL or nxt_is_the(seg, part)):
                    split.append(part)
                    part = []
                    continue
                part.append(w)
            split.append(part)
        for seg in split:
            seg = _trim(seg)
            heads0 = [i for i, w in enumerate(seg) if w in HEADS]
            if heads0:
                # "Bennett of the U.S. Court": drop what precedes an "of" not governed by a head word
                for i in range(heads0[0] - 1, 0, -1):
                    if seg[i] in ("of", "for") and seg[i - 1] not in COMPLEMENT_HEADS and seg[i - 1] not in HEADS \
                            and seg[i - 1] != "the":
                        seg = _trim(seg[i + 1:])
                        break
            # cut at the last head word, keeping an "of ..." complement and legal suffixes
            heads = [i for i, w in enumerate(seg) if w in HEADS]
            if not heads:
                continue
            end = heads[-1] + 1
            while end < len(seg) and seg[end] in LEGAL:
                end += 1
            # words after the last head only through "of"/"for"/"on"
            k = end
            if end < len(seg) and seg[end] in ("of", "for", "on", "in") and seg[heads[-1]] in COMPLEMENT_HEADS:
                k = len(seg)
            name_words = _trim(seg[:max(end, k)])
            if not name_words:
                continue
            if name_words[-1] in NOT_ORG_TAIL or any(w in NOT_ORG_TAIL for w in name_words[-2:]):
                continue
            if len(name_words) == 1 and name_words[0] in HEADS:
                continue  # "the Department", "Congress" comes from the known list
            if name_words[-1] in NOT_HEADS_ALONE and len(name_words) < 3:
                continue
            if name_words[-1] == "Administration" and len(name_words) <= 3 and name_words[0][:1].isupper() and \
                    not any(w in ("Drug", "Business", "Food", "Security", "Information", "Maritime", "Aviation",
                                  "Energy", "Health", "Social") for w in name_words):
                continue  # "Biden Administration", "Trump-Vance Administration"
            name = " ".join(name_words)
            if name in COUNTRY_FORMS:
                continue
            start = m.start() + text.find(name_words[0])
            end_pos = start + len(name)
            if name_words[-1] in ("Embassy", "Consulate", "General", "Office", "Mission"):
                more = PLACE_AFTER.match(paragraph[end_pos:])
                if more:
                    name += more.group(0)
                    end_pos += len(more.group(0))
            out.append((name, start, end_pos))
    return out


def orgs(release: Release) -> tuple[Org, ...]:
    found: dict[str, Found] = {}
    alias_of: dict[str, str] = {}

    def add(name: str, paragraph: int, pos: int, alias: str = "") -> str:
        key = _key(name)
        canon = alias_of.get(key, key)
        if canon not in found:
            found[canon] = Found(name, paragraph, (paragraph, pos))
        if alias and alias != found[canon].name and alias not in found[canon].aliases:
            found[canon].aliases.append(alias)
        return canon

    texts = list(release.paragraphs)
    if release.byline.startswith("Office of"):
        add(release.byline, 0, -1)
    for index, paragraph in enumerate(texts):
        spans: list[tuple[int, int]] = []
        for m in KNOWN_PATTERN.finditer(paragraph):
            form = m.group(0)
            canon = FORM_TO_CANON[form]
            if form == "Fed" or (form in ("Army", "Navy", "Air Force", "Coast Guard", "Marine Corps") and
                                 not re.search(r"U\.S\.\s*$", paragraph[:m.start()])):
                continue
            ckey = _key(canon)
            if ckey not in found:
                found[ckey] = Found(canon, index, (index, m.start()), known=True)
            found[ckey].seen.add(form)
            if form != found[ckey].name and form not in found[ckey].aliases and _key(form) != ckey:
                found[ckey].aliases.append(form)
            alias_of[_key(form)] = ckey
            spans.append((m.start(), m.end()))
            acr = ACRONYM_AFTER.match(paragraph[m.end():])
            if acr:
                alias_of[_key(acr.group(1))] = ckey
        for name, a, b in _candidates(paragraph):
            if any(s <= a < e or s < b <= e for s, e in spans) and _key(name) in alias_of:
                continue
            if any(s <= a and b <= e for s, e in spans):
                continue
            # "the U.S. Department of the Treasury’s Office of ..." -> known canonical forms
            canon = add(name, index, a)
            acr = ACRONYM_AFTER.match(paragraph[b:])
            if acr and acr.group(1) not in ("the",):
                alias_of[_key(acr.group(1))] = canon
                if acr.group(1) not in found[canon].aliases:
                    found[canon].aliases.append(acr.group(1))
    # drop a known body whose only evidence is inside a longer found name is fine; keep order of first mention
    result = []
    for f in sorted(found.values(), key=lambda f: f.order):
        name, aliases = f.name, list(f.aliases)
        if f.known:
            written = [a for a in f.aliases]
            longest = max(written, key=len) if written else ""
            if longest and not (longest.isupper() or longest in METONYMS) and (f.name not in f.seen):
                name = longest
                aliases = [a for a in written if a != longest] + [f.name]
            elif f.name not in f.seen:
                aliases = written
        result.append(Org(name=name, aliases=tuple(dict.fromkeys(a for a in aliases if a != name)), paragraph=f.paragraph))
    return tuple(result)


def _key(name: str) -> str:
    name = re.sub(r"^(?:the|The)\s+", "", name)
    return name.lower().replace("’", "'")
