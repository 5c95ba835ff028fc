"""The week at a glance: what a busy reader sees first on a weekly digest. Pure, from the model.

Top stories are ranked by a documented rule (see story_score): a release that spans several
topics, names many people and countries, and carries quotes and figures says more about the week.

A timeline counts releases per period (week, month, quarter or years) for the charts of topic and
entity pages; its period is chosen so that a chart never has more than MAX_BARS bars.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Iterable

from generator.model import Entry, Week
from generator.records import record

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TOP_STORIES = 3
IN_THE_NEWS = 8
BY_THE_NUMBERS = 12
CHART_HEIGHT = 50  # px of the tallest bar in the busiest-days chart


@record
class TopicCount:
    name: str
    slug: str
    count: int
    change: int | None  # against the previous week with releases; None: the topic is new this week


@record
class DayBar:
    """One day of the busiest-days chart; geometry in pixels, drawn by the theme."""

    name: str  # "Monday"
    short: str  # "Mon"
    date: dt.date
    count: int
    x: int
    height: int


@record
class Said:
    """A speaker's quotes of the week."""

    speaker: str
    quotes: tuple[tuple[str, Entry], ...]  # (quote text, the release it is from)


@record
class Numbered:
    text: str  # "about 200 ballistic missiles"
    entry: Entry


@record
class Mention:
    name: str  # a person's name, a country code or an organisation's name
    count: int  # releases of the week that name it


@record
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
        top=top_stories(week),
        said=who_said_what(week),
        numbers=tuple(Numbered(f.text, e) for e in sorted(week.releases, key=lambda e: (e.document.date, e.slug))
                      for f in e.document.figures if f.text)[:BY_THE_NUMBERS],
        people=mentions(week, lambda e: [p.name for p in e.document.people]),
        countries=mentions(week, lambda e: list(e.document.countries)),
        orgs=mentions(week, lambda e: [o.name for o in e.document.orgs]),
    )


def top_stories(week: Week) -> tuple[Entry, ...]:
    """The week's TOP_STORIES releases by story_score, best first (ties: newer, then slug)."""
    return tuple(sorted(week.releases, key=lambda e: (-story_score(e), -e.document.date.toordinal(), e.slug))[:TOP_STORIES])


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


# --- timeline: releases per period, for the charts of topic and entity pages ------------------

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MAX_BARS = 60  # a chart stays readable at phone width and bounded whatever the size of the site
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
TIMELINE_WIDTH = 600  # the chart's viewBox, in px; the theme scales it to the page width
TIMELINE_HEIGHT = 224
TIMELINE_TOP = 26  # y of the top of the tallest bar; the max-value label sits above it
TIMELINE_BASELINE = 190  # y of the baseline; bars stand on it
TIMELINE_LABELS = 215  # y of the axis labels' baseline
MAX_BAR_WIDTH = 40  # a chart of two weeks does not get two 240 px slabs
TIMELINE_TICKS = 4  # axis labels at most


@record
class Period:
    """A length of time the releases are counted by: weeks (months == 0) or a number of months."""

    name: str  # "week", "month", "quarter", "year", "5 years"
    plural: str  # "weeks", "months", "quarters", "years", "periods"
    months: int  # 0 for weeks, else months per period: 1, 3, 12, 60...

    def index(self, day: dt.date) -> int:
        """The number of the period holding day, counted from year 1; consecutive periods differ by one."""
        if not self.months:
            return (day.toordinal() - 1) // 7  # 1 January of year 1 is a Monday
        return (day.year * 12 + day.month - 1) // self.months

    def start(self, index: int) -> dt.date:
        if not self.months:
            return dt.date.fromordinal(index * 7 + 1)
        year, month = divmod(index * self.months, 12)
        return dt.date(max(year, 1), month + 1, 1)  # the first years-long period may start at year 0

    def label(self, index: int) -> str:
        """"Week 44, 2024", "October 2024", "Q4 2024", "2024", "2020–2024"."""
        start = self.start(index)
        if not self.months:
            year, week, _ = start.isocalendar()
            return f"Week {week}, {year}"
        if self.months == 1:
            return f"{MONTH_NAMES[start.month - 1]} {start.year}"
        if self.months == 3:
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
        if self.months == 12:
            return str(start.year)
        first = index * self.months // 12
        return f"{max(first, 1)}–{first + self.months // 12 - 1}"

    def short(self, index: int) -> str:
        """An axis label: "W44 2024", "Oct 2024", "Q4 2024", "2024", "2020–2024"."""
        start = self.start(index)
        if not self.months:
            year, week, _ = start.isocalendar()
            return f"W{week} {year}"
        if self.months == 1:
            return f"{MONTH_NAMES[start.month - 1][:3]} {start.year}"
        return self.label(index)


PERIODS = (Period("week", "weeks", 0), Period("month", "months", 1), Period("quarter", "quarters", 3),
           *(Period(f"{n} years" if n > 1 else "year", "periods" if n > 1 else "years", 12 * n) for n in YEAR_STEPS))


@record
class PeriodBar:
    """One period of a timeline chart; geometry in px within the chart's viewBox, drawn by the theme."""

    label: str  # "Week 44, 2024", "October 2024"
    short: str  # "W44 2024", "Oct 2024"
    start: dt.date  # the period's first day
    count: int
    x: float  # left edge
    y: float  # top edge: baseline - height
    width: float
    height: float  # 0 for a period without releases


@record
class AxisTick:
    label: str  # a bar's short label
    x: float  # the bar's centre, where the tick mark is drawn
    text_x: float  # where the label is anchored
    anchor: str  # SVG text-anchor: "start" for the first label, "end" for the last, else "middle"


@record
class Timeline:
    """Releases per period from the first release to the last, periods without releases included."""

    period: str  # "week", "month", "quarter", "year" or "5 years": the chart is "Releases per <period>"
    bars: tuple[PeriodBar, ...]  # oldest first; empty when there are no releases
    total: int
    most: int  # the highest count of a period: the height of the tallest bar
    first: str  # label of the first period
    last: str  # label of the last period
    ticks: tuple[AxisTick, ...]
    summary: str  # one sentence, the chart's text alternative
    rows: tuple[tuple[str, int], ...]  # (label, count) per bar, for a data table
    width: int = TIMELINE_WIDTH
    height: int = TIMELINE_HEIGHT
    top: int = TIMELINE_TOP
    baseline: int = TIMELINE_BASELINE
    labels_y: int = TIMELINE_LABELS


def timeline(entries: Iterable[Entry]) -> Timeline:
    """The releases counted per week, month, quarter or years: the shortest period giving at most MAX_BARS bars."""
    dates = [entry.document.date for entry in entries]
    if not dates:
        return Timeline(PERIODS[0].name, (), 0, 0, "", "", (), "No releases.", ())
    period = choose_period(min(dates), max(dates))
    counts = Counter(period.index(day) for day in dates)
    first, last = period.index(min(dates)), period.index(max(dates))
    bars = period_bars(period, range(first, last + 1), counts)
    return Timeline(
        period=period.name, bars=bars, total=len(dates), most=max(counts.values()),
        first=bars[0].label, last=bars[-1].label, ticks=axis_ticks(bars),
        summary=timeline_summary(period, bars, len(dates)), rows=tuple((bar.label, bar.count) for bar in bars))


def choose_period(first: dt.date, last: dt.date) -> Period:
    for period in PERIODS:
        if period.index(last) - period.index(first) < MAX_BARS:
            return period
    return PERIODS[-1]  # pragma: no cover - dates span at most 10,000 years


def period_bars(period: Period, indexes: range, counts: Counter[int]) -> tuple[PeriodBar, ...]:
    slot = TIMELINE_WIDTH / len(indexes)
    width = min(slot * 0.8, MAX_BAR_WIDTH)
    most = max(counts.values())
    full = TIMELINE_BASELINE - TIMELINE_TOP
    bars = []
    for i, index in enumerate(indexes):
        count = counts[index]
        height = max(full * count / most, 1) if count else 0  # one release among thousands still shows
        bars.append(PeriodBar(period.label(index), period.short(index), period.start(index), count,
                              px(i * slot + (slot - width) / 2), px(TIMELINE_BASELINE - height), px(width), px(height)))
    return tuple(bars)


def axis_ticks(bars: tuple[PeriodBar, ...]) -> tuple[AxisTick, ...]:
    """Up to TIMELINE_TICKS labels spread evenly from the first bar to the last."""
    last = len(bars) - 1
    picked = sorted({round(k * last / (TIMELINE_TICKS - 1)) for k in range(TIMELINE_TICKS)})
    ticks = []
    for i in picked:
        bar, centre = bars[i], px(bars[i].x + bars[i].width / 2)
        if len(picked) == 1:
            ticks.append(AxisTick(bar.short, centre, centre, "middle"))
        elif i == 0:
            ticks.append(AxisTick(bar.short, centre, bar.x, "start"))
        elif i == last:
            ticks.append(AxisTick(bar.short, centre, px(bar.x + bar.width), "end"))
        else:
            ticks.append(AxisTick(bar.short, centre, centre, "middle"))
    return tuple(ticks)


def timeline_summary(period: Period, bars: tuple[PeriodBar, ...], total: int) -> str:
    """"72 releases from January 2021 to October 2024; most in March 2022 (9)." """
    releases = f"{total:,} {'release' if total == 1 else 'releases'}"
    if len(bars) == 1:
        return f"{releases} in {bars[0].label}."
    most = max(bar.count for bar in bars)
    peaks = [bar.label for bar in bars if bar.count == most]
    if len(peaks) == 1:
        where = f"{peaks[0]} ({most:,})"
    elif len(peaks) <= 3:
        where = f"{', '.join(peaks[:-1])} and {peaks[-1]} ({most:,} each)"
    else:
        return f"{releases} from {bars[0].label} to {bars[-1].label}; at most {most:,} per {period.name}, in {len(peaks)} {period.plural}."
    return f"{releases} from {bars[0].label} to {bars[-1].label}; most in {where}."


def px(value: float) -> float:
    """A coordinate rounded to a tenth of a pixel, whole numbers without a decimal point."""
    value = round(float(value), 1)
    return int(value) if value.is_integer() else value
