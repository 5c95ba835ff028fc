"""The Site: every document loaded once, sorted and grouped by week and by topic.

Pure: no file access, no clock. URLs here are site-relative paths of directories ("weeks/2024-w44/");
the renderer turns them into relative links for the page being written.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from generator.config import Config
from generator.records import Document, Topic, iso_week

WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Link:
    """A titled link to another page of the site."""

    title: str
    url: str  # site-relative directory path, e.g. "releases/2024-10-28-x/"


@dataclass(frozen=True)
class Entry:
    """One release as the site shows it."""

    document: Document
    url: str  # "releases/<slug>/"
    topics: tuple[Topic, ...]  # the document's topics that are in the taxonomy, most central first
    week: str  # "2024-W44"
    week_title: str  # "Week 44, 2024"
    week_url: str  # "weeks/2024-w44/"
    previous: Link | None  # the next older release
    next: Link | None  # the next newer release

    @property
    def slug(self) -> str:
        return self.document.slug

    @property
    def primary_topic(self) -> Topic | None:
        return self.topics[0] if self.topics else None


@dataclass(frozen=True)
class TopicGroup:
    """The releases of a week filed under one topic; topic None holds releases with no known topic."""

    topic: Topic | None
    url: str | None  # the topic's page
    anchor: str  # id of the group's section on a week page: "topic-middle-east", "topic-other"
    releases: tuple[Entry, ...]


@dataclass(frozen=True)
class Week:
    """One ISO week (Monday to Sunday) that has releases."""

    label: str  # "2024-W44"
    slug: str  # "2024-w44"
    url: str  # "weeks/2024-w44/"
    year: int
    number: int
    start: dt.date  # Monday
    end: dt.date  # Sunday
    releases: tuple[Entry, ...]  # newest first
    groups: tuple[TopicGroup, ...]  # by primary topic, in taxonomy order; "other" last
    updated: dt.datetime  # latest distributed_at
    previous: Link | None  # the next older week with releases
    next: Link | None  # the next newer week with releases


@dataclass(frozen=True)
class WeekGroup:
    """The releases of one topic within one week; it has a page of its own (a topic-week page)."""

    label: str
    slug: str
    url: str  # the week's page
    year: int
    number: int
    start: dt.date
    end: dt.date
    releases: tuple[Entry, ...]  # newest first
    page_url: str = ""  # "topics/<slug>/<week slug>/"
    previous: Link | None = None  # the topic's next older week
    next: Link | None = None  # the topic's next newer week


@dataclass(frozen=True)
class TopicPage:
    """A taxonomy topic with every release that names it (under any of its topics)."""

    topic: Topic
    url: str  # "topics/<slug>/"; a page exists only when has_page
    releases: tuple[Entry, ...]  # newest first
    weeks: tuple[WeekGroup, ...]  # newest week first
    updated: dt.datetime | None

    @property
    def has_page(self) -> bool:
        return bool(self.releases)


@dataclass(frozen=True)
class Site:
    """Everything the renderer needs, built once per build."""

    releases: tuple[Entry, ...]  # newest first
    weeks: tuple[Week, ...]  # newest first
    topics: tuple[TopicPage, ...]  # every taxonomy topic, in taxonomy order
    updated: dt.datetime | None  # latest distributed_at of all releases

    @property
    def latest_week(self) -> Week | None:
        return self.weeks[0] if self.weeks else None

    def release(self, slug: str) -> Entry:
        return next(entry for entry in self.releases if entry.slug == slug)


def build_site(documents: Sequence[Document], config: Config, previous: Site | None = None) -> Site:
    """Sort, group and link all documents.

    `previous`, the Site of the last build with the same configuration, lends its parts where
    they would come out equal (the same document objects with the same neighbours), so a build
    after a one-release edit makes few new objects. The result is the same without it.
    """
    taxonomy = {topic.slug: topic for topic in config.taxonomy}
    ordered = sort_newest_first(documents)
    entries = link_releases(ordered, taxonomy, {id(e.document): e for e in previous.releases} if previous else {})
    weeks = build_weeks(entries, config.taxonomy, {w.label: w for w in previous.weeks} if previous else {})
    return Site(
        releases=entries,
        weeks=weeks,
        topics=build_topics(entries, config.taxonomy, {t.topic.slug: t for t in previous.topics} if previous else {}),
        updated=max((e.document.distributed_at for e in entries), default=None),
    )


def same_items(a: tuple[Entry, ...], b: Sequence[Entry]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def sort_key(document: Document) -> tuple[dt.date, dt.datetime, str]:
    """Date, then distribution time, then slug: a total order, so listings never depend on input order."""
    return document.date, document.distributed_at, document.slug


def sort_newest_first(documents: Iterable[Document]) -> list[Document]:
    return sorted(documents, key=sort_key, reverse=True)


def week_of(document: Document) -> str:
    """The ISO week of the release date; the date is the source of truth, not the stored label."""
    return iso_week(document.date)


def week_slug(label: str) -> str:
    return label.lower()


def link_releases(ordered: list[Document], taxonomy: dict[str, Topic], reuse: dict[int, Entry]) -> tuple[Entry, ...]:
    """Entries with previous (older) and next (newer) links, newest first."""
    links = [Link(doc.title, release_url(doc)) for doc in ordered]
    entries = []
    for i, doc in enumerate(ordered):
        previous = links[i + 1] if i + 1 < len(links) else None
        following = links[i - 1] if i > 0 else None
        old = reuse.get(id(doc))
        if old is not None and old.document is doc and old.previous == previous and old.next == following:
            entries.append(old)
            continue
        label = week_of(doc)
        entries.append(Entry(
            document=doc,
            url=links[i].url,
            topics=known_topics(doc.topics, taxonomy),
            week=label,
            week_title=week_title(label),
            week_url=f"weeks/{week_slug(label)}/",
            previous=previous,
            next=following,
        ))
    return tuple(entries)


def release_url(document: Document) -> str:
    return f"releases/{document.slug}/"


def known_topics(slugs: Iterable[str], taxonomy: dict[str, Topic]) -> tuple[Topic, ...]:
    """The taxonomy topics among slugs, in the document's order, without repeats; unknown slugs are ignored."""
    seen: dict[str, Topic] = {}
    for slug in slugs:
        if slug in taxonomy and slug not in seen:
            seen[slug] = taxonomy[slug]
    return tuple(seen.values())


def build_weeks(entries: tuple[Entry, ...], taxonomy: tuple[Topic, ...], reuse: dict[str, Week]) -> tuple[Week, ...]:
    """Weeks with releases, newest first, each linked to its neighbours."""
    by_week: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:  # newest first, so each list is newest first too
        by_week[entry.week].append(entry)
    labels = sorted(by_week, reverse=True)  # "2024-W44" sorts as text like it sorts in time
    weeks = []
    for i, label in enumerate(labels):
        old = reuse.get(label)
        if old is not None and same_items(old.releases, by_week[label]) \
                and (old.previous.url if old.previous else None) == (f"weeks/{week_slug(labels[i + 1])}/" if i + 1 < len(labels) else None) \
                and (old.next.url if old.next else None) == (f"weeks/{week_slug(labels[i - 1])}/" if i > 0 else None):
            weeks.append(old)
            continue
        year, number = parse_week(label)
        start = dt.date.fromisocalendar(year, number, 1)
        releases = tuple(by_week[label])
        weeks.append(Week(
            label=label, slug=week_slug(label), url=f"weeks/{week_slug(label)}/",
            year=year, number=number, start=start, end=start + dt.timedelta(days=6),
            releases=releases,
            groups=group_by_primary_topic(releases, taxonomy),
            updated=max(e.document.distributed_at for e in releases),
            previous=week_link(labels[i + 1]) if i + 1 < len(labels) else None,
            next=week_link(labels[i - 1]) if i > 0 else None,
        ))
    return tuple(weeks)


@functools.lru_cache(maxsize=None)
def parse_week(label: str) -> tuple[int, int]:
    match = WEEK_LABEL.match(label)
    if not match:
        raise ValueError(f"not an ISO week label: {label!r}")
    return int(match[1]), int(match[2])


@functools.lru_cache(maxsize=None)
def week_title(label: str) -> str:
    year, number = parse_week(label)
    return f"Week {number}, {year}"


def week_link(label: str) -> Link:
    return Link(week_title(label), f"weeks/{week_slug(label)}/")


def group_by_primary_topic(releases: tuple[Entry, ...], taxonomy: tuple[Topic, ...]) -> tuple[TopicGroup, ...]:
    """Each release once, under its most central known topic; taxonomy order, releases with none last."""
    groups = []
    for topic in taxonomy:
        members = tuple(e for e in releases if e.topics and e.topics[0].slug == topic.slug)
        if members:
            groups.append(TopicGroup(topic, f"topics/{topic.slug}/", f"topic-{topic.slug}", members))
    others = tuple(e for e in releases if e.primary_topic is None)
    if others:
        groups.append(TopicGroup(None, None, "topic-other", others))
    return tuple(groups)


def build_topics(entries: tuple[Entry, ...], taxonomy: tuple[Topic, ...], reuse: dict[str, TopicPage]) -> tuple[TopicPage, ...]:
    """Every taxonomy topic with its releases, in one pass over the releases."""
    members: dict[str, list[Entry]] = {topic.slug: [] for topic in taxonomy}
    for entry in entries:
        for topic in entry.topics:
            members[topic.slug].append(entry)
    pages = []
    for topic in taxonomy:
        old = reuse.get(topic.slug)
        if old is not None and old.topic == topic and same_items(old.releases, members[topic.slug]):
            pages.append(old)
        else:
            pages.append(build_topic(topic, tuple(members[topic.slug])))
    return tuple(pages)


def build_topic(topic: Topic, releases: tuple[Entry, ...]) -> TopicPage:
    """A topic's releases (any of their topics), grouped by week, newest week first."""
    by_week: dict[str, list[Entry]] = defaultdict(list)
    for entry in releases:
        by_week[entry.week].append(entry)
    labels = sorted(by_week, reverse=True)
    page = f"topics/{topic.slug}/{{}}/"
    weeks = []
    for i, label in enumerate(labels):
        year, number = parse_week(label)
        start = dt.date.fromisocalendar(year, number, 1)
        weeks.append(WeekGroup(
            label, week_slug(label), f"weeks/{week_slug(label)}/", year, number,
            start, start + dt.timedelta(days=6), tuple(by_week[label]),
            page_url=page.format(week_slug(label)),
            previous=Link(week_title(labels[i + 1]), page.format(week_slug(labels[i + 1]))) if i + 1 < len(labels) else None,
            next=Link(week_title(labels[i - 1]), page.format(week_slug(labels[i - 1]))) if i > 0 else None,
        ))
    return TopicPage(
        topic=topic,
        url=f"topics/{topic.slug}/",
        releases=releases,
        weeks=tuple(weeks),
        updated=max((e.document.distributed_at for e in releases), default=None),
    )
