"""Direct quotations (straight or curly quotation marks, five words or more) and their speakers.

Each pair of quotation marks is one quote, so an attribution splitting a quotation gives two.
The speaker is read from the attribution next to the quote ("…," said X / X said, "…" /
"…," he said), else carried over from the quote before it in the same paragraph or from the
previous paragraph when a quotation runs on; pronouns and surnames resolve to named people.
"""
from __future__ import annotations

import re

from generator.annotate.people import SPEECH, surname
from generator.annotate.text import mask_abbreviations
from generator.records import Person, Quote, Release

OPEN = "\"“"
CLOSE = "\"”"
MIN_WORDS = 5
NAME = r"(?:[A-Z][\w’'\-.]*(?:\s+(?:[A-Z][\w’'\-.]*|of|the|de|bin|al|van|von))*)"
# attribution right after a closing mark: '," said Deputy Press Secretary Sabrina Singh' / '," Singh said'
AFTER_SAID_NAME = re.compile(rf"^[\s,]*(?:{SPEECH})\s+(?:(?:the|a|an)\s+)?(?P<who>[^.,;:“\"]{{2,160}}?)(?=[.,;:]|\s+(?:during|at|in|on|to|when|after|before|while|today|yesterday|this|last|who|as)\b|\s*[“\"]|$)")
AFTER_NAME_SAID = re.compile(rf"^[\s,]*(?P<who>[^.,;:“\"]{{1,120}}?)\s+(?:also\s+|later\s+|further\s+)?(?:{SPEECH})\b")
BEFORE = re.compile(rf"(?P<who>[A-Z][^.;:“\"”]{{0,120}}?|\b(?:he|she|they|He|She|They))\s+(?:also\s+)?(?:{SPEECH})(?:\s+(?:on\s+\w+|today|in\s+a\s+statement|that|reporters|the\s+\w+))?\s*[,:]?\s*$")
ACCORDING = re.compile(r"^[\s,]*according to (?P<who>[^.,;“\"]{2,120})")
PRONOUNS = {"he", "she", "they", "He", "She", "They"}
LABEL = re.compile(r"^[A-Z][A-Z .’'\-]{2,40}:\s")  # transcript speaker labels "SECRETARY BLINKEN:"


def _pairs(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the text between matching marks; a final open mark runs to the end."""
    spans = []
    i = 0
    n = len(paragraph)
    while i < n:
        c = paragraph[i]
        if c in OPEN and (c == "“" or _opens(paragraph, i)):
            closer = "”" if c == "“" else "\""
            j = paragraph.find(closer, i + 1)
            if j < 0:
                spans.append((i + 1, n))
                break
            spans.append((i + 1, j))
            i = j + 1
        else:
            i += 1
    return spans


def _opens(text: str, i: int) -> bool:
    return i == 0 or not text[i - 1].isalnum()


def quotes(release: Release, persons: tuple[Person, ...]) -> tuple[Quote, ...]:
    names = {}
    for p in persons:
        toks = p.name.split()
        names.setdefault(surname(toks), p.name)
        names.setdefault(p.name, p.name)
    out: list[Quote] = []
    last_speaker = ""  # of the previous quote
    last_person = ""  # last person named in the text
    run_on = False
    for index, paragraph in enumerate(release.paragraphs):
        spans = _pairs(paragraph)
        prev_end = 0
        para_speaker = ""
        for k, (a, b) in enumerate(spans):
            text = paragraph[a:b].strip().rstrip(",").strip()
            last_person = _last_named(paragraph[prev_end:a], names, last_person)
            if len(re.findall(r"\w+", text)) < MIN_WORDS:
                prev_end = b
                continue
            after = paragraph[b + 1:b + 200] if b < len(paragraph) else ""
            before = paragraph[prev_end:a - 1]
            who = _attribution(after, before)
            speaker = ""
            if who:
                speaker = _resolve(who, names, last_person)
            elif para_speaker:
                speaker = para_speaker
            elif k == 0 and a <= 1 and run_on:
                speaker = last_speaker
            elif k == 0 and index + 1 < len(release.paragraphs) and a <= 1:
                speaker = ""
            if speaker:
                para_speaker = speaker
                last_person = speaker
            out.append(Quote(text=text, speaker=speaker, paragraph=index))
            last_speaker = speaker or last_speaker
            prev_end = b
        run_on = bool(spans) and spans[-1][1] == len(paragraph) and not paragraph.rstrip().endswith(tuple(CLOSE))
        if not spans:
            last_person = _last_named(paragraph, names, last_person)
        # a quotation that runs on ends where the next paragraph opens without a mark
    return tuple(out)


def _attribution(after: str, before: str) -> str:
    return _attribution_masked(mask_abbreviations(after), mask_abbreviations(before)).replace("·", ".")


def _attribution_masked(after: str, before: str) -> str:
    m = AFTER_SAID_NAME.match(after)
    if m:
        return m.group("who").strip()
    m = AFTER_NAME_SAID.match(after)
    if m and (m.group("who").strip() in PRONOUNS or m.group("who")[:1].isupper() or m.group("who").startswith("the ")):
        return m.group("who").strip()
    m = ACCORDING.match(after)
    if m:
        return m.group("who").strip()
    m = BEFORE.search(before[-200:])
    if m:
        return m.group("who").strip()
    return ""


def _resolve(who: str, names: dict[str, str], last_person: str) -> str:
    who = re.sub(r"^(?:the|a|an)\s+", "", who.strip())
    if who in PRONOUNS or who.lower() in ("he", "she"):
        return last_person
    # the longest known name inside the attribution
    words = re.findall(r"[\w’'\-.]+", who)
    for name in sorted(names.values(), key=len, reverse=True):
        if name in who:
            return name
    for w in reversed(words):
        key = w.rstrip(".,").removesuffix("’s").removesuffix("'s")
        if key in names:
            return names[key]
    # a role only ("the Secretary"): the last person named
    if who[:1].islower() or all(not w[:1].isupper() for w in words[-1:]):
        return last_person
    caps = [w for w in words if w[:1].isupper()]
    return " ".join(caps[-3:]) if caps else last_person


def _last_named(text: str, names: dict[str, str], current: str) -> str:
    best = -1
    found = current
    for key, full in names.items():
        pos = text.rfind(key)
        if pos > best:
            best, found = pos, full
    return found
