"""Numeric facts: a value, its unit, what it counts, the words as written, and any qualifier.

Numbers are written as digits ("10,000", "1.2", "$1.3 billion", "2.5%") or words ("three
people", "twenty-five"). Dates, years, times, ordinals, identifiers (Executive Order 13224,
COVID-19, F-16), phone numbers, list numbering and referring phrases ("the two leaders") are not
figures. A value stated twice with the same unit is listed once.
"""
from __future__ import annotations

import re

from generator.annotate.text import MONTHS
from generator.records import Figure, Release

UNITS_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
              "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "m": 1_000_000, "b": 1_000_000_000}
MEASURES = {
    "years": "years", "year": "years", "months": "months", "month": "months", "weeks": "weeks", "week": "weeks",
    "days": "days", "day": "days", "hours": "hours", "hour": "hours", "minutes": "minutes", "decades": "decades",
    "km": "km", "kilometers": "km", "kilometres": "km", "miles": "miles", "mile": "miles", "meters": "m",
    "metres": "m", "feet": "feet", "acres": "acres", "hectares": "hectares", "tons": "tons", "tonnes": "tons",
    "metric tons": "tons", "barrels": "barrels", "gallons": "gallons", "pounds": "pounds", "kilograms": "kg",
    "kg": "kg", "megawatts": "MW", "MW": "MW", "gigawatts": "GW", "GW": "GW", "square miles": "square miles",
    "square kilometers": "square km", "percentage points": "percentage points", "times": "times",
}
CURRENCIES = {"$": "USD", "US$": "USD", "USD": "USD", "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP"}
QUALIFIERS = ("more than", "less than", "fewer than", "at least", "up to", "nearly", "almost", "about", "around",
              "approximately", "roughly", "over", "some", "an estimated", "estimated", "just over", "just under",
              "close to", "upwards of", "in excess of", "as many as", "as much as", "under", "below", "exceeding",
              "over", "totaling", "totalling", "an additional", "additional", "another")

_word = "|".join(sorted(list(UNITS_WORDS) + list(TENS_WORDS), key=len, reverse=True))
WORD_NUMBER = rf"(?:(?:{'|'.join(TENS_WORDS)})(?:-(?:{'|'.join(k for k in UNITS_WORDS if UNITS_WORDS[k] < 10)}))?|{_word})(?:\s+hundred)?(?:\s+(?:thousand|million|billion|trillion))?"
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
NUMBER = re.compile(
    rf"(?<![\w.])(?=[\d$€£UEGotfsenOTFSEN.])(?:(?P<cur>US\$|\$|€|£|USD\s|EUR\s|GBP\s)\s?)?"
    rf"(?:(?P<digits>{DIGITS})|(?P<words>\b(?:{WORD_NUMBER})\b))"
    rf"(?P<scale>(?:\s|-)?(?:hundred|thousand|million|billion|trillion)\b|\s?(?:mn|bn|[MB])\b)?"
    rf"(?P<pct>\s?%|\s?-?percent\b|\s?per cent\b)?",
    re.IGNORECASE,
)
RATIO = re.compile(rf"^\s+in(?:\s+every)?\s+(?P<den>\d+|{_word})\b", re.IGNORECASE)
RANGE_NEXT = re.compile(rf"^\s*(?:-|–|to|and)\s*(?:\$)?(?:{DIGITS})\s*(?P<scale>hundred|thousand|million|billion|trillion)\b", re.IGNORECASE)
MONTH_BEFORE = re.compile(rf"(?:{MONTHS})\s*$")
MONTH_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{MONTHS})")
ID_BEFORE = re.compile(
    r"(?:\b(?:No|Nos|Order|Orders|Resolution|Resolutions|Section|Sections|Title|Form|Forms|Article|Articles|Chapter|"
    r"Rule|Part|Docket|Case|Number|Law|Proclamation|Room|Suite|Route|Highway|Flight|Phase|Level|Tier|Category|"
    r"Box|Code|Amendment|Item|Paragraph|Line|Page|Pages|Volume|Vol|Appendix|Annex|Exhibit|Count|Counts|Station|"
    r"Unit|Block|Building|Lot|Gate|Pier|Terminal|Sector|Zone|Area|District|Region|Precinct|Ward|Grade|Class|"
    r"Division|Brigade|Battalion|Regiment|Fleet|Squadron|Wing|Group|Corps|Task Force|Operation|Mission|Agenda|"
    r"Vision|Plan|Fiscal Year|FY|Year|Session|Congress|Summit|Round|Cycle|version|Version|Model|Block|Mark|"
    r"Windows|iPhone|Web|G|S|H\.R|S\.Res|H\.Res|E\.O|EO|P\.L|U\.S\.C|C\.F\.R|CFR|USC)\.?\s*$"
    r"|[A-Z]{2,}\s*$|[A-Za-z]-\s*$|#\s*$|\b[A-Z]\.\s*$)"
)
TIME_AFTER = re.compile(r"^(?::\d|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|AM\b|PM\b|o’clock|o'clock|EST|EDT|ET\b|GMT|UTC))")
REFERRING = re.compile(r"\b(?:the|our|these|those|both|all|its|their|his|her|my|your|each|every|these|two|of)\s+$",
                       re.IGNORECASE)
OBJECT_STOP = {"of", "in", "to", "for", "from", "by", "on", "at", "with", "and", "or", "that", "which", "who", "was",
               "were", "is", "are", "have", "has", "had", "will", "would", "be", "been", "since", "during", "as",
               "than", "into", "over", "under", "per", "through", "across", "while", "when", "after", "before",
               "including", "to", "the", "a", "an", "this", "its", "their", "his", "her", "our", "it", "they",
               "he", "she", "we", "said", "according", "between", "among", "against", "about", "out", "up", "not",
               "if", "so", "but", "such", "where", "these", "those", "more", "less", "also", "each", "every"}
ONE_STOP = {"of", "another", "day", "side", "hand", "way", "thing", "time", "point", "another", "such", "who",
            "that", "which", "or", "and", "to", "in", "is", "was", "the", "a", "another", "must", "can", "should"}
OBJ_WORD = re.compile(r"[A-Za-z][\w’'\-]*")
OBJ_RUN = re.compile(r"^[\s\-]*((?:[A-Za-z][\w’'\-]*)(?:\s+[A-Za-z][\w’'\-]*)*)")
NOT_VALUE_AFTER = re.compile(r"^(?:\)|\.\s|-\d|–\d|/\d|\d)")


def _number(digits: str | None, words: str | None) -> float | None:
    if digits:
        return float(digits.replace(",", ""))
    if not words:
        return None
    total = 0.0
    current = 0.0
    for w in re.split(r"[\s\-]+", words.lower()):
        if w in UNITS_WORDS:
            current += UNITS_WORDS[w]
        elif w in TENS_WORDS:
            current += TENS_WORDS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in SCALES:
            total += (current or 1) * SCALES[w]
            current = 0
    return total + current


def _object(after: str) -> tuple[str, str]:
    """(unit from a measure word, object noun phrase) from the words following a number."""
    run = OBJ_RUN.match(after[:120])
    words = run.group(1).split() if run else []
    unit = ""
    if words:
        two = " ".join(words[:2]).lower()
        if two in MEASURES:
            unit, words = MEASURES[two], words[2:]
        elif words[0] in MEASURES or words[0].lower() in MEASURES:
            unit, words = MEASURES.get(words[0], MEASURES.get(words[0].lower(), "")), words[1:]
            if words and words[0].lower() in ("of", "in"):
                words = words[1:]
    obj: list[str] = []
    for w in words:
        if w.lower() in OBJECT_STOP and obj:
            break
        if w.lower() in OBJECT_STOP:
            break
        obj.append(w)
        if len(obj) == 4:
            break
    # only the words that directly follow (no sentence break)
    return unit, " ".join(obj)


def _clean_value(value: float) -> int | float:
    value = round(value, 6)
    return int(value) if value == int(value) else value


def figures_in(paragraph: str, index: int) -> list[Figure]:
    out: list[Figure] = []
    for m in NUMBER.finditer(paragraph):
        start, end = m.start(), m.end()
        digits, words = m.group("digits"), m.group("words")
        cur = (m.group("cur") or "").strip()
        scale = (m.group("scale") or "").strip(" -").lower()
        pct = m.group("pct")
        before = paragraph[max(0, start - 40):start]
        after = paragraph[end:end + 160]
        if digits:
            if start > 0 and (paragraph[start - 1].isalnum() or paragraph[start - 1] in "-/#–") and not cur:
                continue
            if after[:1].isalpha() and not after[:1] in "%" and not re.match(r"^(?:st|nd|rd|th)\b", after) and not scale:
                # "56th", "1099s", "3D"
                if re.match(r"^[A-Za-z]", after):
                    continue
            if re.match(r"^(?:st|nd|rd|th)\b", after):
                continue
            if not cur and not scale and not pct:
                plain = digits.replace(",", "")
                if re.fullmatch(r"(?:1[89]|20)\d\d", digits):
                    continue  # a year
                if MONTH_BEFORE.search(before) or MONTH_AFTER.match(after.lstrip()):
                    continue  # a date
                if TIME_AFTER.match(after):
                    continue
                if ID_BEFORE.search(before):
                    continue
                if re.match(r"^\s*\)", after) and before.endswith("("):
                    continue  # (1) list numbering
                if start == 0 and re.match(r"^[.)]\s", after):
                    continue
                if re.match(r"^[-–/]\d", after) or re.match(r"^\.\d", after):
                    continue  # 21-64, 2/3, phone numbers, 1.2.3
                if re.search(r"\(\s*$", before) and re.match(r"^\s*\)\s*\d", after):
                    continue  # (202) 555-...
                if len(plain) >= 5 and not "," in digits and "." not in digits:
                    continue  # ZIP codes and other bare identifiers
            if before.endswith(("Covid-", "COVID-")):
                continue
        else:
            w = words.lower()
            if REFERRING.search(before) and not cur:
                continue
            if w == "one":
                nxt = OBJ_WORD.match(after.lstrip())
                if not nxt or nxt.group(0).lower() in ONE_STOP or not after.startswith(" "):
                    continue
                if re.search(r"\b(?:no|any|every|each|anyone|the|this|that|which)\s+$", before, re.IGNORECASE):
                    continue
            if re.match(r"^[-\s](?:thirds?|quarters?|halves|half|fifths?|tenths?)\b", after):
                continue  # fractions: "two-thirds"
            if after.startswith("-") and not re.match(r"^-(?:year|day|month|week|hour|mile|kilomet|acre|ton|percent)", after):
                continue  # "two-nation exchange", "five-point plan"
            if words[:1].isupper() and start > 0 and re.search(r"[A-Z][\w’']*\s+$", before) and not re.search(r"[.!?]\s+$", before):
                continue  # inside a name: "Group of Seven", "Berlin Two"
        value = _number(digits, words)
        if value is None:
            continue
        if scale:
            value *= SCALES.get(scale, 1)
        else:
            nxt = RANGE_NEXT.match(after)
            if nxt and digits and "," not in digits:
                value *= SCALES[nxt.group("scale").lower()]
        unit = CURRENCIES.get(cur, "")
        if pct:
            unit = "percent"
        ratio = RATIO.match(after) if not cur and not pct else None
        if ratio and re.fullmatch(r"(?:1[89]|20)\d\d", ratio.group("den")):
            ratio = None  # "$4.5 billion in 2019": a year, not a ratio
        obj_unit, obj = _object(after if not ratio else after[ratio.end():])
        if not cur and not pct and obj.lower().startswith(("dollars", "u.s. dollars", "us dollars")):
            cur = "$"  # "22 billion dollars"
            unit = "USD"
            obj = " ".join(obj.split()[1:] if obj.lower().startswith("dollars") else obj.split()[2:])
        if ratio:
            unit = f"in {ratio.group('den')}"
        elif not unit:
            unit = obj_unit
        if not cur and not pct and not unit and not obj:
            continue  # a bare number with nothing counted
        qualifier = ""
        low = before.lower().rstrip()
        for q in QUALIFIERS:
            if low.endswith(" " + q) or low == q:
                qualifier = q
                break
        text = (qualifier + " " if qualifier else "") + paragraph[start:end].strip()
        if obj and not ratio:
            text += " " + obj if not unit or unit in ("USD", "percent") else " " + after.split()[0] + " " + obj
        out.append(Figure(value=_clean_value(value), unit=unit, object=obj, text=text.strip(), qualifier=qualifier,
                          paragraph=index))
    return out


HALF = re.compile(r"\b(more than|nearly|almost|about|over|less than)\s+half\b", re.IGNORECASE)
DOUBLE = re.compile(r"\b(?:double|doubled|doubling)\b", re.IGNORECASE)


def figures(release: Release) -> tuple[Figure, ...]:
    out: list[Figure] = []
    seen: set[tuple[float, str]] = set()
    for index, paragraph in enumerate(release.paragraphs):
        found = figures_in(paragraph, index)
        for m in HALF.finditer(paragraph):
            found.append(Figure(value=50, unit="percent", object="", text=m.group(0), qualifier=m.group(1).lower(),
                                paragraph=index))
        found.sort(key=lambda f: paragraph.find(f.text.split()[-1]) if f.text else 0)
        for f in found:
            key = (float(f.value), f.unit)
            if key in seen:
                continue
            seen.add(key)
            out.append(f)
    return tuple(out)
