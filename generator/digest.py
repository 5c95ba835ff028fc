"""The week at a glance: what a busy reader sees first on a weekly digest. Pure, from the model.

Top stories are ranked by a documented rule (see story_score): a release that spans several
topics, names many people and countries, and carries quotes and figures says more about the week.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from generator.model import Entry, Week

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TOP_STORIES = 3
IN_THE_NEWS = 8
BY_THE_NUMBERS = 12
CHART_HEIGHT = 50  # px of the tallest bar in the busiest-days chart


@dataclass(frozen=True)
class TopicCount:
    name: str
    slug: str
    count: int
    change: int | None  # against the previous week with releases; None: the topic is new this week


@dataclass(frozen=True)
class DayBar:
    """One day of the busiest-days chart; geometry in pixels, drawn by the theme."""

    name: str  # "Monday"
    short: str  # "Mon"
    date: dt.date
    count: int
    x: int
    height: int


@dataclass(frozen=True)
class Said:
    """A speaker's quotes of the week."""

    speaker: str
    quotes: tuple[tuple[str, Entry], ...]  # (quote text, the release it is from)


@dataclass(frozen=True)
class Numbered:
    text: str  # "about 200 ballistic missiles"
    entry: Entry


@dataclass(frozen=True)
class Mention:
    name: str  # a person's name, a country code or an organisation's name
    count: int  # releases of the week that name it


@dataclass(frozen=True)
class Glance:
    releases: int
    topics: tuple[TopicCount, ...]  # by count, then name
    days: tuple[DayBar, ...]  # Monday to Sunday
    busiest: tuple[str, ...]  # names of the days with the most releases
    top: tuple[Entry, ...]  # top stories, best first
    said: tuple[Said, ...]  # speakers by number of quotes, then name
    numbers: tuple[Numbered, ...]
    people: tuple[Mention, ...]
    countries: tuple[Mention, ...]
    orgs: tuple[Mention, ...]


def story_score(entry: Entry) -> int:
    """Top-story rank: 3 per topic, 2 per quote, 1 per person, country, organisation and figure."""
    doc = entry.document
    return 3 * len(entry.topics) + 2 * len(doc.quotes) + len(doc.people) + len(doc.countries) + len(doc.orgs) + len(doc.figures)


def glance(week: Week, previous: Week | None) -> Glance:
    """The week at a glance, compared with the previous week that has releases."""
    return Glance(
        releases=len(week.releases),
        topics=topic_counts(week, previous),
        days=day_bars(week),
        busiest=busiest_days(week),
        top=tuple(sorted(week.releases, key=lambda e: (-story_score(e), -e.document.date.toordinal(), e.slug))[:TOP_STORIES]),
        said=who_said_what(week),
        numbers=tuple(Numbered(f.text, e) for e in sorted(week.releases, key=lambda e: (e.document.date, e.slug))
                      for f in e.document.figures if f.text)[:BY_THE_NUMBERS],
        people=mentions(week, lambda e: [p.name for p in e.document.people]),
        countries=mentions(week, lambda e: list(e.document.countries)),
        orgs=mentions(week, lambda e: [o.name for o in e.document.orgs]),
    )


def topic_counts(week: Week, previous: Week | None) -> tuple[TopicCount, ...]:
    def count(w: Week | None) -> Counter[str]:
        return Counter(t.slug for e in (w.releases if w else ()) for t in e.topics)

    now, before = count(week), count(previous)
    names = {t.slug: t.name for e in week.releases for t in e.topics}
    rows = [TopicCount(names[slug], slug, n, (n - before[slug]) if before[slug] else None) for slug, n in now.items()]
    return tuple(sorted(rows, key=lambda r: (-r.count, r.name)))


def day_bars(week: Week) -> tuple[DayBar, ...]:
    counts = Counter(e.document.date.weekday() for e in week.releases)
    most = max(counts.values(), default=1)
    return tuple(DayBar(name, name[:3], week.start + dt.timedelta(days=i), counts[i], i * 40,
                        round(CHART_HEIGHT * counts[i] / most)) for i, name in enumerate(DAY_NAMES))


def busiest_days(week: Week) -> tuple[str, ...]:
    counts = Counter(e.document.date.weekday() for e in week.releases)
    most = max(counts.values(), default=0)
    return tuple(DAY_NAMES[i] for i in range(7) if most and counts[i] == most)


def who_said_what(week: Week) -> tuple[Said, ...]:
    by_speaker: dict[str, list[tuple[str, Entry]]] = {}
    for entry in sorted(week.releases, key=lambda e: (e.document.date, e.slug)):
        for quote in entry.document.quotes:
            if quote.speaker:
                by_speaker.setdefault(quote.speaker, []).append((quote.text, entry))
    return tuple(Said(name, tuple(quotes)) for name, quotes in sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def mentions(week: Week, names_of) -> tuple[Mention, ...]:
    counts: Counter[str] = Counter()
    for entry in week.releases:
        counts.update(set(names_of(entry)))
    return tuple(Mention(name, n) for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:IN_THE_NEWS])
