"""Dates mentioned in a release, resolved against the release date.

- "Oct. 7, 2023", "November 8, 2024", "8 November 2024", "March 23-25, 2025" (a range gives its first day);
- a month and day without a year ("Oct. 1") lies in the release's year, unless that is more than about six months
  after the release (then the year before); in a future-tense sentence a day well before the release moves to
  the next year ("will travel Jan. 5" in a December release);
- well-known days named with their event keep their year: "the Oct. 7 attack" (2023), "Sept. 11 attacks" (2001),
  "January 6 attack" (2021), when the release is later than the event;
- a weekday ("On Friday", "last Friday") is the most recent such day on or before the release date; "next Friday",
  or a weekday in a future-tense sentence ("will meet on Friday"), is the coming one;
- "today"/"tonight" is the release date, "yesterday" the day before, "tomorrow" the day after.
Not dates: bare years ("in 2022"), months without a day ("in February 2022"), times of day.
Text order; a date mentioned twice is listed once, at its first mention.
"""
from __future__ import annotations

import datetime as dt
import re

from generator.annotate.text import sentence_at
from generator.records import DateMention, Release

MONTH_NUMBERS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
RELATIVE = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}

# anchors: a month name, a weekday, a relative day (three literal alternations: much faster than one regex)
MONTH_ANCHOR = re.compile(rf"{_MONTH}(?![A-Za-z])")
WEEKDAY_ANCHOR = re.compile(rf"{_WEEKDAY}(?![\w])")
RELATIVE_ANCHOR = re.compile(r"(?:today|Today|tonight|Tonight|tomorrow|Tomorrow|yesterday|Yesterday)(?![\w-])")
DAY_AFTER = re.compile(r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d|:|\.\d|,\d{3})"
                       r"(?:\s*(?:[-–]|to|through)\s*\d{1,2}(?!\d))?(?:,?\s+(?P<year>(?:19|20)\d{2})(?!\d))?")
DAY_BEFORE = re.compile(r"(?<![\w.$,])(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+$")
FIGURATIVE_BEFORE = re.compile(r"(?:(?<!as )\bof|\band|\bfor)\s+$")
FIGURATIVE_AFTER = re.compile(r"(?:['’]s\b|\s+and\s+tomorrow\b)")
YEAR_AFTER = re.compile(r",?\s+(?P<year>(?:19|20)\d{2})(?!\d)")
WEEKDAY_LEAD = re.compile(r"(?:(?<![\w])(?:[Oo]n|[Ll]ast|[Nn]ext|[Tt]his(?:\s+past|\s+coming)?|[Tt]hat|[Ee]arly|[Ll]ate)\s+)$")
# a weekday that is part of a name or is followed by the date it falls on ("Friday, Oct. 25")
NAMED_DAY_BEFORE = re.compile(r"(?:Good|Black|Ash|Super|Cyber|Holy|Maundy|Bloody|Giving)\s*$")
DATE_AFTER = re.compile(rf",?\s+(?:{_MONTH}\s+\d|\d{{1,2}}\s+{_MONTH})")
FUTURE = re.compile(r"\b(?:will|shall|’ll|'ll|is\s+scheduled|are\s+scheduled|is\s+expected\s+to|are\s+expected\s+to|"
                    r"is\s+set\s+to|are\s+set\s+to|plans?\s+to|upcoming|to\s+be\s+held|going\s+to)\b")
# (month, day, year, words near the mention that name the event)
EVENTS = (
    (9, 11, 2001, re.compile(r"attack|terror|hijack|commission|memorial|victims|anniversary", re.I)),
    (10, 7, 2023, re.compile(r"attack|massacre|terror|hamas|hostage|atrocit", re.I)),
    (1, 6, 2021, re.compile(r"attack|insurrection|capitol|riot", re.I)),
    (2, 24, 2022, re.compile(r"invasion|invaded|full-scale", re.I)),
)
HALF_YEAR = dt.timedelta(days=183)


def dates(release: Release) -> tuple[DateMention, ...]:
    """Dates in text order, each date once (its first mention)."""
    seen: dict[dt.date, DateMention] = {}
    for index, paragraph in enumerate(release.paragraphs):
        for text, day in _mentions(paragraph, release.date):
            if day not in seen:
                seen[day] = DateMention(text=text, date=day, paragraph=index)
    return tuple(seen.values())


def _mentions(paragraph: str, released: dt.date):
    anchors = [(m.start(), m.end(), "mon") for m in MONTH_ANCHOR.finditer(paragraph)]
    anchors += [(m.start(), m.end(), "wd") for m in WEEKDAY_ANCHOR.finditer(paragraph)]
    anchors += [(m.start(), m.end(), "rel") for m in RELATIVE_ANCHOR.finditer(paragraph)]
    anchors.sort()
    for start, end, kind in anchors:
        if start and (paragraph[start - 1].isalnum() or paragraph[start - 1] in "’'-"):
            continue
        word = paragraph[start:end]
        if kind == "rel":
            if FIGURATIVE_BEFORE.search(paragraph, max(0, start - 12), start) or FIGURATIVE_AFTER.match(paragraph, end):
                continue  # "the challenges of today and tomorrow", "tomorrow's leaders"
            yield word, released + dt.timedelta(days=RELATIVE[word.lower()])
        elif kind == "wd":
            lead = WEEKDAY_LEAD.search(paragraph, max(0, start - 16), start)
            day = _weekday(paragraph, start, end, lead.group(0).lower() if lead else "", released)
            if day is not None:
                yield paragraph[lead.start() if lead else start:end], day
        else:
            month = MONTH_NUMBERS[word.rstrip(".").lower()]
            after = DAY_AFTER.match(paragraph, end)
            if after:
                text, day_of_month, year = paragraph[start:after.end()], int(after["day"]), after["year"]
            else:
                before = DAY_BEFORE.search(paragraph, max(0, start - 8), start)
                if not before:
                    continue  # "in February 2022", "May God bless"
                year_match = YEAR_AFTER.match(paragraph, end)
                stop = year_match.end() if year_match else end
                text, day_of_month = paragraph[before.start():stop], int(before["day"])
                year = year_match["year"] if year_match else None
            try:
                if year:
                    yield text, dt.date(int(year), month, day_of_month)
                else:
                    yield text, _without_year(paragraph, start, end, month, day_of_month, released)
            except ValueError:
                continue  # "Feb. 30"


def _weekday(paragraph: str, start: int, end: int, lead: str, released: dt.date) -> dt.date | None:
    if NAMED_DAY_BEFORE.search(paragraph, max(0, start - 12), start) or DATE_AFTER.match(paragraph, end):
        return None  # "Good Friday"; "Friday, Oct. 25" (the date itself is the mention)
    target = WEEKDAYS[paragraph[start:end].lower()]
    back = (released.weekday() - target) % 7  # 0: the release's own weekday
    lead = " ".join(lead.split())
    if lead.startswith("last") or lead.endswith("past"):
        return released - dt.timedelta(days=back or 7)
    if lead.startswith("next") or lead.endswith("coming") or _future(paragraph, start):
        ahead = (target - released.weekday()) % 7
        return released + dt.timedelta(days=ahead or 7)
    return released - dt.timedelta(days=back)


def _without_year(paragraph: str, start: int, end: int, month: int, day: int, released: dt.date) -> dt.date:
    near = paragraph[max(0, start - 40):end + 40]
    for event_month, event_day, event_year, words in EVENTS:
        if (month, day) == (event_month, event_day) and released.year > event_year and words.search(near):
            return dt.date(event_year, month, day)
    candidate = dt.date(released.year, month, day)
    if candidate - released > HALF_YEAR:
        return dt.date(released.year - 1, month, day)
    if released - candidate > dt.timedelta(days=60) and _future(paragraph, start):
        return dt.date(released.year + 1, month, day)
    return candidate


def _future(paragraph: str, offset: int) -> bool:
    start, end = sentence_at(paragraph, offset)
    return FUTURE.search(paragraph, start, end) is not None
