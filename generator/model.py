"""The Site: every document loaded once, sorted and grouped by week and by topic.

Pure: no file access, no clock. URLs here are site-relative paths of directories ("weeks/2024-w44/");
the renderer turns them into relative links for the page being written.
"""
from __future__ import annotations

import datetime as dt
import functools
import heapq
import itertools
import operator
import re
import unicodedata
from collections import Counter, defaultdict
from typing import Callable, Iterable, Mapping, Sequence, TypeVar

from generator.config import Config
from generator.records import Document, Quote, Topic, iso_week, record

try:  # country names are a nicety: without pycountry the codes are shown
    import pycountry
except ImportError:  # pragma: no cover - depends on the environment
    pycountry = None

T = TypeVar("T")
WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")


@record
class Link:
    """A titled link to another page of the site."""

    title: str
    url: str  # site-relative directory path, e.g. "releases/2024-10-28-x/"


@record
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


@record
class TopicGroup:
    """The releases of a week filed under one topic; topic None holds releases with no known topic."""

    topic: Topic | None
    url: str | None  # the topic's page
    anchor: str  # id of the group's section on a week page: "topic-middle-east", "topic-other"
    releases: tuple[Entry, ...]


@record
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


@record
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


@record
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


ENTITY_KINDS = ("person", "country", "org")
ENTITY_FOLDERS = {"person": "people", "country": "countries", "org": "orgs"}
LIST_ALL = 150  # an index page lists up to this many entities; beyond, it links to a page per letter
MOST_NAMED = 30  # a long index page shows the entities named in most releases
RELATED_LIMIT = 8  # related entities of each kind on an entity page
RECENT_RELEASES = 20  # releases an entity page shows in full (whole weeks, at least one)
QUOTE_LIMIT = 12
ROLE_LIMIT = 6
Ref = tuple[str, str]  # (kind, key) of an entity
Shared = dict  # the parts of entity pages made by one build, by value: equal parts are one object


def share(shared: Shared, value: T, key: object = None) -> T:
    """`value`, or the one already in `shared` under `key` (by default the value itself: equal
    records are one object). At 100,000 releases most of the 200,000 people are named in one
    release, and the people named together have the same related entities and weeks: one record
    each instead of millions of equal copies (a fifth of a build's memory). Only for values never
    changed once made and never compared by identity."""
    return shared.setdefault(value if key is None else key, value)


@record
class Related:
    """An entity named in the same releases as another, with how many releases they share."""

    kind: str
    key: str
    name: str
    url: str
    count: int


@record
class Quoted:
    """A quotation of an entity, with the release it comes from."""

    quote: Quote
    release: Entry


@record
class Entity:
    """A person, country or organisation with every release that names it."""

    kind: str  # "person", "country" or "org"
    key: str  # what releases are merged by: a person's or organisation's name, a country's ISO code
    name: str  # shown name: for a country its common name
    slug: str
    url: str  # "people/<slug>/", "countries/<code>/", "orgs/<slug>/"
    releases: tuple[Entry, ...]  # newest first
    weeks: tuple[WeekGroup, ...]  # newest week first; each links to its week page
    recent: tuple[WeekGroup, ...] = ()  # the newest weeks, shown in full (about RECENT_RELEASES releases)
    earlier: tuple[WeekGroup, ...] = ()  # the other weeks, shown as counts
    roles: tuple[str, ...] = ()  # a person's roles, most frequent first (at most ROLE_LIMIT)
    aliases: tuple[str, ...] = ()  # an organisation's other names
    quotes: tuple[Quoted, ...] = ()  # the newest QUOTE_LIMIT quotes of a person or organisation
    quote_count: int = 0  # all their quotes
    people: tuple[Related, ...] = ()  # most often named in the same releases first
    countries: tuple[Related, ...] = ()
    orgs: tuple[Related, ...] = ()
    updated: dt.datetime | None = None


@record
class Letter:
    """The entities of one kind whose names start with one letter: a page of a long index."""

    label: str  # "A", or "Other" for names that do not start with a letter A-Z
    slug: str  # "a", "other"
    url: str  # "people/letters/a/"
    entities: tuple[Entity, ...]  # by name


@record
class Directory:
    """The index of one kind of entity: every one when they are few, else the most named and letter pages."""

    kind: str  # "person", "country" or "org"
    url: str  # "people/"
    entities: tuple[Entity, ...]  # all of them, by name
    letters: tuple[Letter, ...]  # empty when the index lists them all (at most LIST_ALL)
    most_named: tuple[Entity, ...]  # with letters: the MOST_NAMED named in most releases


@record
class Site:
    """Everything the renderer needs, built once per build."""

    releases: tuple[Entry, ...]  # newest first
    weeks: tuple[Week, ...]  # newest first
    topics: tuple[TopicPage, ...]  # every taxonomy topic, in taxonomy order
    updated: dt.datetime | None  # latest distributed_at of all releases
    people: tuple[Entity, ...] = ()  # sorted by name
    countries: tuple[Entity, ...] = ()  # sorted by name
    orgs: tuple[Entity, ...] = ()  # sorted by name
    index: EntityIndex | None = None  # who is named where, lent to the next build
    directories: tuple[Directory, ...] = ()  # people, countries, organisations

    @property
    def latest_week(self) -> Week | None:
        return self.weeks[0] if self.weeks else None

    def release(self, slug: str) -> Entry:
        return next(entry for entry in self.releases if entry.slug == slug)

    def entities(self) -> tuple[Entity, ...]:
        return self.people + self.countries + self.orgs


def build_site(documents: Sequence[Document], config: Config, previous: Site | None = None) -> Site:
    """Sort, group and link all documents.

    `previous`, the Site of the last build with the same configuration, lends its parts where
    they would come out equal (the same document objects with the same neighbours), so a build
    after a one-release edit makes few new objects. The result is the same without it.
    """
    taxonomy = {topic.slug: topic for topic in config.taxonomy}
    before = previous.releases if previous else ()
    ordered = newest_first(documents, before)
    entries = patch_releases(ordered, taxonomy, before) if len(before) == len(ordered) else None
    if entries is None:
        entries = link_releases(ordered, taxonomy, {id(e.document): e for e in before})
    weeks = build_weeks(entries, config.taxonomy, {w.label: w for w in previous.weeks} if previous else {})
    index = build_entities(entries, config, previous.index if previous else None, before)
    if previous is not None and index is previous.index:
        people, countries, orgs = previous.people, previous.countries, previous.orgs
        directories = previous.directories
    else:
        same_order = previous is not None and previous.index is not None and previous.index.order is index.order
        if same_order and previous is not None:  # the same entities in the same order: replace the remade ones
            people, countries, orgs = (patch_entities(before, index, kind) for kind, before in
                                       zip(ENTITY_KINDS, (previous.people, previous.countries, previous.orgs)))
        else:
            people, countries, orgs = (tuple(index.entities[ref] for ref in index.order[kind]) for kind in ENTITY_KINDS)
        old = {d.kind: d for d in previous.directories} if previous else {}
        directories = tuple(build_directory(kind, found, old.get(kind), index.remade if same_order else None,
                                            index.recounted)
                            for kind, found in zip(ENTITY_KINDS, (people, countries, orgs)))
    return Site(
        releases=entries,
        weeks=weeks,
        topics=build_topics(entries, config.taxonomy, {t.topic.slug: t for t in previous.topics} if previous else {}),
        updated=max(map(DISTRIBUTED_AT, entries), default=None),
        people=people,
        countries=countries,
        orgs=orgs,
        index=index,
        directories=directories,
    )


def patch_entities(before: tuple[Entity, ...], index: EntityIndex, kind: str) -> tuple[Entity, ...]:
    """The entities of a kind, in the same order as `before`, with the ones remade by this build put in."""
    mine = [ref for ref in index.remade if ref[0] == kind]
    if not mine:
        return before
    where = positions(index.order[kind])
    patched = list(before)
    for ref in mine:
        patched[where[ref]] = index.entities[ref]
    return tuple(patched)


_POSITIONS: dict[int, tuple[tuple[Ref, ...], dict[Ref, int]]] = {}


def positions(order: tuple[Ref, ...]) -> dict[Ref, int]:
    """ref -> its place in `order`, made once per order (orders are kept from build to build)."""
    cached = _POSITIONS.get(id(order))
    if cached is None or cached[0] is not order:
        if len(_POSITIONS) >= len(ENTITY_KINDS):
            _POSITIONS.clear()  # only the newest order of each kind is asked for again
        cached = _POSITIONS[id(order)] = (order, {ref: i for i, ref in enumerate(order)})
    return cached[1]


def same_items(a: tuple[Entry, ...], b: Sequence[Entry]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def sort_key(document: Document) -> tuple[dt.date, dt.datetime, str]:
    """Date, then distribution time, then slug: a total order, so listings never depend on input order."""
    return document.date, document.distributed_at, document.slug


def sort_newest_first(documents: Iterable[Document]) -> list[Document]:
    return sorted(documents, key=sort_key, reverse=True)


PATCH_MOST = 64  # documents changed since the last build up to which its order and links are patched, not made again
DOCUMENT_OF = operator.attrgetter("document")
DISTRIBUTED_AT = operator.attrgetter("document.distributed_at")


def newest_first(documents: Sequence[Document], before: tuple[Entry, ...]) -> list[Document]:
    """sort_newest_first; after an edit, the last build's order (`before`) with the few changed
    documents taken out and put back in their places. Sort keys are unique (slugs are), so both
    give the same list; the patch costs a few C passes where the sort called sort_key 10,000 times."""
    if not before:
        return sort_newest_first(documents)
    old = list(map(DOCUMENT_OF, before))
    old_ids, new_ids = set(map(id, old)), set(map(id, documents))
    gone, came = old_ids - new_ids, new_ids - old_ids
    if len(gone) + len(came) > PATCH_MOST or len(new_ids) != len(documents):
        return sort_newest_first(documents)
    ordered = list(itertools.compress(old, map(operator.not_, map(gone.__contains__, map(id, old))))) if gone else old
    for document in documents if came else ():
        if id(document) in came:
            insert_newest(ordered, document, sort_key)
    return ordered


def changed_places(items: Sequence[object], before: Iterable[object]) -> list[int]:
    """The places where `items` hold another object than `before`, found by identity in one C pass."""
    return list(itertools.compress(range(len(items)), map(operator.is_not, items, before)))


def patch_releases(ordered: list[Document], taxonomy: dict[str, Topic], before: tuple[Entry, ...]) -> tuple[Entry, ...] | None:
    """link_releases after an edit that moved no release: `before`, the last build's entries of as
    many documents in the same order, with only the changed documents and their neighbours looked
    at again (the others have the same document and the same neighbours, so the same links).
    None when more than a few documents changed places."""
    changed = changed_places(ordered, map(DOCUMENT_OF, before))
    if not changed:
        return before
    if len(changed) > PATCH_MOST:
        return None
    entries = list(before)
    again = sorted({i + step for i in changed for step in (-1, 0, 1)} & set(range(len(ordered))))
    for i, made in zip(again, link_releases(ordered, taxonomy, {id(before[i].document): before[i] for i in again}, again)):
        entries[i] = made
    return tuple(entries)


def week_of(document: Document) -> str:
    """The ISO week of the release date; the date is the source of truth, not the stored label."""
    return iso_week(document.date)


def week_slug(label: str) -> str:
    return label.lower()


def link_releases(ordered: list[Document], taxonomy: dict[str, Topic], reuse: dict[int, Entry],
                  only: Iterable[int] | None = None) -> tuple[Entry, ...]:
    """Entries with previous (older) and next (newer) links, newest first (`only`: the entries at these places)."""
    entries = []
    last = len(ordered) - 1
    for i in range(len(ordered)) if only is None else only:
        doc = ordered[i]
        older = ordered[i + 1] if i < last else None
        newer = ordered[i - 1] if i > 0 else None
        old = reuse.get(id(doc))
        if old is not None and old.document is doc and links_to(old.previous, older) and links_to(old.next, newer):
            entries.append(old)
            continue
        label = week_of(doc)
        entries.append(Entry(
            document=doc,
            url=release_url(doc),
            topics=known_topics(doc.topics, taxonomy),
            week=label,
            week_title=week_title(label),
            week_url=f"weeks/{week_slug(label)}/",
            previous=Link(older.title, release_url(older)) if older else None,
            next=Link(newer.title, release_url(newer)) if newer else None,
        ))
    return tuple(entries)


def links_to(link: Link | None, document: Document | None) -> bool:
    """The link is the one to this document (same title, same URL), or both are absent."""
    if link is None or document is None:
        return link is None and document is None
    return link.title == document.title and link.url == f"releases/{document.slug}/"


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


# --- entities ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def country_name(code: str) -> str:
    """IR -> Iran; the code itself when unknown or without pycountry."""
    if pycountry is None:
        return code
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@functools.lru_cache(maxsize=None)
def entity_slug(name: str, fallback: str) -> str:
    """Lower-case ASCII words joined by hyphens, like generator.document.slugify, but never cut short."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", ""))) or fallback


def assign_slugs(names: dict[str, str], fallback: str) -> dict[str, str]:
    """key -> slug for keys with these names; a taken slug gets -2, -3, ... in order of name, then key."""
    taken: set[str] = set()
    slugs = {}
    for key in sorted(names, key=lambda k: (entity_slug(names[k], fallback), names[k], k)):
        base = candidate = entity_slug(names[key], fallback)
        n = 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        taken.add(candidate)
        slugs[key] = candidate
    return slugs


def entities_of(entry: Entry) -> tuple[Ref, ...]:
    """(kind, key) of every entity a release names, each once, in the document's order."""
    doc = entry.document
    found = [ref_of("person", p.name) for p in doc.people if p.name]
    found += [ref_of("country", code.upper()) for code in doc.countries if code]
    found += [ref_of("org", o.name) for o in doc.orgs if o.name]
    return tuple(dict.fromkeys(found))


@functools.lru_cache(maxsize=None)
def ref_of(kind: str, key: str) -> Ref:
    """The one (kind, key) of an entity, however many releases name it."""
    return kind, key


def entity_name(ref: Ref) -> str:
    return country_name(ref[1]) if ref[0] == "country" else ref[1]


@functools.lru_cache(maxsize=None)
def name_order(ref: Ref) -> tuple[str, str, str]:
    """Entities sort by name, case aside, then by name and key: a total order."""
    name = entity_name(ref)
    return name.casefold(), name, ref[1]


def insert_newest_first(entries: list[Entry], entry: Entry) -> None:
    """Put an entry into a list sorted newest first, in its place."""
    insert_newest(entries, entry, entry_sort_key)


def entry_sort_key(entry: Entry) -> tuple[dt.date, dt.datetime, str]:
    return sort_key(entry.document)


def insert_newest(items: list[T], item: T, key: Callable[[T], tuple[dt.date, dt.datetime, str]]) -> None:
    """Put an item into a list sorted newest first by `key`, in its place (by bisection)."""
    found = key(item)
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if key(items[middle]) > found:
            low = middle + 1
        else:
            high = middle
    items.insert(low, item)


def aliases_in(entry: Entry, key: str) -> list[str]:
    """An organisation's other names as one release gives them, each once."""
    return list(dict.fromkeys(a for o in entry.document.orgs if o.name == key for a in o.aliases if a != key))


def roles_in(entry: Entry, key: str) -> list[str]:
    """A person's roles as one release gives them, each once."""
    return list(dict.fromkeys(p.role for p in entry.document.people if p.name == key and p.role))


@record
class EntityIndex:
    """Who is named in which release, kept from build to build.

    A build after an edit updates only the entities the changed releases name (their release
    lists, the counts of entities named beside them, a person's roles); the others, and their
    page specs, are lent unchanged. Never changed once made: a new build makes a new index.
    """

    entries: Mapping[str, Entry]  # release slug -> the Entry indexed
    named: Mapping[str, tuple[Ref, ...]]  # release slug -> the entities it names
    speakers: Mapping[str, tuple[str, ...]]  # release slug -> who is quoted in it (a tuple: a set per release cost more)
    members: Mapping[Ref, tuple[Entry, ...]]  # newest first
    roles: Mapping[Ref, Mapping[str, int]]  # person -> releases giving each role; organisation -> each other name
    urls: Mapping[Ref, str]  # the same object from build to build while no URL changes
    entities: Mapping[Ref, Entity]
    order: Mapping[str, tuple[Ref, ...]]  # kind -> its entities by name
    remade: frozenset[Ref] = frozenset()  # the entities this build made anew (the others are the last build's)
    recounted: frozenset[Ref] = frozenset()  # those of them named in more or fewer releases than before
    dated: tuple[tuple[str, str], ...] = ()  # (URL, latest release time) of every entity, or the last build's
                                            # very tuple when none of them changed: what the sitemap shows


EMPTY_INDEX = EntityIndex({}, {}, {}, {}, {}, {}, {}, {kind: () for kind in ENTITY_KINDS})


def named_beside(ref: Ref, releases: Iterable[Entry], named: Mapping[str, tuple[Ref, ...]]) -> Counter[Ref]:
    """How many of an entity's releases name each other entity. Counted when an entity's page is
    made, not kept: kept for every entity, the counts were a tenth of the memory of a build."""
    counts: Counter[Ref] = Counter()
    for entry in releases:  # counted in C, then the entity itself taken out
        counts.update(named[entry.slug])
    counts.pop(ref, None)
    return counts


def build_entities(entries: tuple[Entry, ...], config: Config, previous: EntityIndex | None,
                   before: tuple[Entry, ...] = ()) -> EntityIndex:
    """Every person, country and organisation named; only what the changed releases touch is redone.
    `before`: the entries `previous` was made from, in their order."""
    old = previous or EMPTY_INDEX
    found = changed_entries(entries, old, before)
    if found is None:
        current = {entry.slug: entry for entry in entries}
        removed = [entry for slug, entry in old.entries.items() if current.get(slug) is not entry]
        added = [entry for slug, entry in current.items() if old.entries.get(slug) is not entry]
    else:
        current, removed, added = found
    if not removed and not added:
        return old
    named, speakers = dict(old.named), dict(old.speakers)
    for entry in removed:
        del named[entry.slug], speakers[entry.slug]
    for entry in added:
        named[entry.slug] = entities_of(entry)
        speakers[entry.slug] = tuple(sorted({q.speaker for q in entry.document.quotes}))
    dropped: dict[Ref, list[Entry]] = defaultdict(list)
    joined: dict[Ref, list[Entry]] = defaultdict(list)
    for entry in removed:
        for ref in old.named[entry.slug]:
            dropped[ref].append(entry)
    for entry in added:
        for ref in named[entry.slug]:
            joined[ref].append(entry)
    members, roles = dict(old.members), dict(old.roles)
    shared: Shared = {}
    touched = set(dropped) | set(joined)
    counted: dict[Ref, Mapping[Ref, int]] = {}  # entity -> its releases shared with each other entity, when new
    same_beside: set[Ref] = set()  # entities whose changed releases name the same other entities as before
    for ref in touched:
        gone = {id(entry) for entry in dropped.get(ref, ())}
        kept = [entry for entry in old.members.get(ref, ()) if id(entry) not in gone]
        new = joined.get(ref, [])
        if not kept and not new:
            for table in (members, roles):
                table.pop(ref, None)
            continue
        if len(new) <= 4:  # an edit: put the few new entries in their places in the sorted list
            for entry in new:
                insert_newest_first(kept, entry)
            members[ref] = tuple(kept)
        else:
            members[ref] = tuple(sorted(kept + new, key=entry_sort_key, reverse=True))
        less = named_beside(ref, dropped.get(ref, ()), old.named)
        more = named_beside(ref, joined.get(ref, ()), named)
        if less == more and ref in old.entities:  # an edit that names the same entities keeps the counts
            same_beside.add(ref)
        elif not kept:  # a new entity: its releases are the joined ones
            counted[ref] = more
        if ref[0] != "country":  # a person's roles, an organisation's other names
            labels = roles_in if ref[0] == "person" else aliases_in
            less = Counter(label for entry in dropped.get(ref, ()) for label in labels(entry, ref[1]))
            more = Counter(label for entry in joined.get(ref, ()) for label in labels(entry, ref[1]))
            if less != more or ref not in old.roles:
                seen = Counter(old.roles.get(ref, {}))
                seen.subtract(less)
                seen.update(more)
                found = {role: n for role, n in seen.items() if n > 0}
                roles[ref] = share(shared, found, ("roles", *found.items()))
    same_keys = all((ref in members) == (ref in old.members) for ref in touched)  # members changed only there
    urls: Mapping[Ref, str] = old.urls if same_keys else entity_urls(members)
    moved = set() if urls is old.urls else {ref for ref, url in urls.items() if old.urls.get(ref) != url}
    if moved:  # an entity listing a moved one among its related entities shows the new URL
        touched |= {ref for ref, entity in old.entities.items() if ref in members
                    and any((r.kind, r.key) in moved for r in entity.people + entity.countries + entity.orgs)}
        touched |= moved
    entities = dict(old.entities)
    for ref in touched:
        if ref in members:
            same = old.entities.get(ref) if urls is old.urls and ref in same_beside else None
            beside = {} if same is not None else counted.get(ref) or named_beside(ref, members[ref], named)
            entities[ref] = make_entity(ref, urls, members[ref], beside, roles.get(ref, {}), speakers, config, shared,
                                        same, (dropped.get(ref, []), joined.get(ref, [])))
        else:
            entities.pop(ref, None)
    if same_keys:
        order = old.order
    else:
        order = {kind: tuple(sorted((ref for ref in members if ref[0] == kind), key=name_order))
                 for kind in ENTITY_KINDS}
    if same_keys and all(entities[ref].updated == old.entities[ref].updated for ref in touched if ref in entities):
        dated = old.dated
    else:
        shown: dict[dt.datetime | None, str] = {}  # one string per time, not per entity
        dated = tuple(sorted((entity.url, shown.get(entity.updated) or shown.setdefault(entity.updated, str(entity.updated)))
                             for entity in entities.values()))
    recounted = frozenset(ref for ref in touched if len(members.get(ref, ())) != len(old.members.get(ref, ())))
    return EntityIndex(current, named, speakers, members, roles, urls, entities, order,
                       remade=frozenset(touched), recounted=recounted, dated=dated)


def changed_entries(entries: tuple[Entry, ...], old: EntityIndex, before: tuple[Entry, ...]) \
        -> tuple[dict[str, Entry], list[Entry], list[Entry]] | None:
    """(slug -> entry, the old entries replaced, the new ones), as build_entities finds them, when
    `entries` differ from `before` in a few places, each keeping its slug: the places are found by
    identity in C, where the whole comparison was three Python passes over every release. None
    when it does not apply."""
    if not before or len(before) != len(entries) or len(before) != len(old.entries):
        return None
    changed = changed_places(entries, before)
    if len(changed) > PATCH_MOST or any(entries[i].slug != before[i].slug or old.entries.get(before[i].slug) is not before[i]
                                        for i in changed):
        return None
    current = dict(old.entries)  # made in the entries' order, and each slug keeps its place
    for i in changed:
        current[entries[i].slug] = entries[i]
    return current, [before[i] for i in changed], [entries[i] for i in changed]


def entity_urls(members: Mapping[Ref, object]) -> dict[Ref, str]:
    """Every entity's URL: countries by ISO code, people and organisations by slug of their name."""
    urls: dict[Ref, str] = {}
    for kind in ENTITY_KINDS:
        keys = {ref[1]: entity_name(ref) for ref in members if ref[0] == kind}
        slugs = {key: key.lower() for key in keys} if kind == "country" else assign_slugs(keys, kind)
        urls.update({(kind, key): f"{ENTITY_FOLDERS[kind]}/{slug}/" for key, slug in slugs.items()})
    return urls


def make_entity(ref: Ref, urls: Mapping[Ref, str], releases: tuple[Entry, ...], together: Mapping[Ref, int],
                roles: Mapping[str, int], speakers: Mapping[str, tuple[str, ...]], config: Config, shared: Shared,
                same: Entity | None = None, change: tuple[list[Entry], list[Entry]] = ([], [])) -> Entity:
    """One entity's page: its releases by week, roles, aliases, quotes and the entities named beside it.

    `same`: the entity as the last build made it, when the entities named beside it are the same:
    its related lists and unchanged weeks are lent; `change`: the entries that left and joined its
    releases since, so only their weeks are looked at again; `shared`: the parts already made for
    other entities of this build, taken when equal (see share)."""
    kind, key = ref
    quotes: list[Quoted] = []
    if kind != "country":
        for entry in releases:
            if key in speakers[entry.slug]:
                quotes += [Quoted(q, entry) for q in entry.document.quotes if q.speaker == key]
    if same is not None:
        top = {"person": same.people, "country": same.countries, "org": same.orgs}
    else:
        by_kind: dict[str, list[tuple[int, tuple[str, str, str], Ref]]] = {k: [] for k in ENTITY_KINDS}
        for other, n in together.items():
            by_kind[other[0]].append((-n, name_order(other), other))
        top = {k: related_of([(other, -n) for n, _, other in heapq.nsmallest(RELATED_LIMIT, found)], urls, shared)
               for k, found in by_kind.items()}
    gone, new = change
    if same is not None:
        weeks = patch_weeks(releases, same.weeks, {entry.week for entry in gone + new}, shared)
        if any(entry.document.distributed_at == same.updated for entry in gone):
            updated = max((e.document.distributed_at for e in releases), default=None)
        else:
            updated = max([e.document.distributed_at for e in new] + ([same.updated] if same.updated else []), default=None)
    else:
        weeks = entity_weeks(releases, shared)
        updated = max((e.document.distributed_at for e in releases), default=None)
    shown, recent = 0, 0
    for group in weeks[: config.recent_weeks]:  # whole weeks in full, up to about RECENT_RELEASES releases
        if recent and shown + len(group.releases) > RECENT_RELEASES:
            break
        shown, recent = shown + len(group.releases), recent + 1
    return Entity(
        kind=kind, key=key, name=entity_name(ref), slug=urls[ref].rstrip("/").rsplit("/", 1)[-1], url=urls[ref],
        releases=releases,
        weeks=weeks,
        recent=weeks[:recent],
        earlier=weeks[recent:],
        roles=tuple(role for role, _ in sorted(roles.items(), key=lambda item: (-item[1], item[0])))[:ROLE_LIMIT]
        if kind == "person" else (),
        aliases=tuple(sorted(roles)) if kind == "org" else (),
        quotes=tuple(quotes[:QUOTE_LIMIT]),
        quote_count=len(quotes),
        people=top["person"], countries=top["country"], orgs=top["org"],
        updated=updated,
    )


def patch_weeks(releases: tuple[Entry, ...], before: tuple[WeekGroup, ...], changed: set[str],
                shared: Shared) -> tuple[WeekGroup, ...]:
    """An entity's weeks after an edit: the weeks in `changed` made again from `releases`, the others lent."""
    groups = {group.label: group for group in before if group.label not in changed}
    for label in changed:
        # releases are newest first, so a week's releases stand together: find them by bisection
        low, high = 0, len(releases)
        while low < high:
            middle = (low + high) // 2
            if releases[middle].week > label:
                low = middle + 1
            else:
                high = middle
        end = low
        while end < len(releases) and releases[end].week == label:
            end += 1
        if end > low:
            groups[label] = shared_group(label, releases[low:end], shared)
    return share_weeks(tuple(groups[label] for label in sorted(groups, reverse=True)), shared)


def week_group(label: str, releases: tuple[Entry, ...]) -> WeekGroup:
    slug, url, year, number, start, end = week_parts(label)
    return WeekGroup(label, slug, url, year, number, start, end, releases, page_url=url)


@functools.lru_cache(maxsize=None)
def week_parts(label: str) -> tuple[str, str, int, int, dt.date, dt.date]:
    """A week's slug, URL, year, number, first and last day: one set shared by every group of that
    week (there are tens of thousands of entity weeks, and a few hundred weeks)."""
    year, number = parse_week(label)
    start = dt.date.fromisocalendar(year, number, 1)
    return week_slug(label), f"weeks/{week_slug(label)}/", year, number, start, start + dt.timedelta(days=6)


def related_of(chosen: list[tuple[Ref, int]], urls: Mapping[Ref, str], shared: Shared) -> tuple[Related, ...]:
    """The entities named beside one, with their counts, as records: each record and the tuple
    shared (see share) under the entities and counts they stand for, which within a build make
    the same records: hashing those keys is cheaper than hashing records (a Python __hash__ each)."""
    key = ("beside", *chosen)
    found = shared.get(key)
    if found is None:
        made = []
        for other, n in chosen:
            one = shared.get(("related", other, n))
            if one is None:
                one = shared[("related", other, n)] = Related(other[0], other[1], entity_name(other), urls[other], n)
            made.append(one)
        found = shared[key] = tuple(made)
    return found


def entity_weeks(releases: tuple[Entry, ...], shared: Shared) -> tuple[WeekGroup, ...]:
    """An entity's releases by week, newest week first; each group links to the week's page.

    Releases are newest first, so a week's releases stand together."""
    return share_weeks(tuple(shared_group(label, tuple(group), shared)
                             for label, group in itertools.groupby(releases, key=lambda e: e.week)), shared)


def shared_group(label: str, releases: tuple[Entry, ...], shared: Shared) -> WeekGroup:
    """week_group, or the equal group another entity of this build already has (every person named
    only in one release has the same week as the others named there). By the entries' identity,
    which is cheaper than their value and as good: they live as long as `shared`."""
    return share(shared, week_group(label, releases), (label, *map(id, releases)))


def share_weeks(weeks: tuple[WeekGroup, ...], shared: Shared) -> tuple[WeekGroup, ...]:
    return share(shared, weeks, ("weeks", *map(id, weeks)))


@functools.lru_cache(maxsize=None)
def initial_of(name: str) -> str:
    """The letter an entity is filed under: A-Z of its name without accents, else "Other"."""
    first = unicodedata.normalize("NFKD", name[:1]).encode("ascii", "ignore").decode().upper()
    return first if "A" <= first <= "Z" else "Other"


def build_directory(kind: str, entities: tuple[Entity, ...], previous: Directory | None,
                    remade: frozenset[Ref] | None = None, recounted: frozenset[Ref] = frozenset()) -> Directory:
    """The index of a kind; its letter pages are lent from the last build when their entities are the same.

    `remade`: when the entities of the kind are the same as in `previous` (same keys, same order),
    the ones made anew since; only their letters and the most named are looked at again.
    """
    url = f"{ENTITY_FOLDERS[kind]}/"
    if len(entities) <= LIST_ALL:
        return Directory(kind, url, entities, (), ())
    if previous is not None and remade is not None and previous.letters:
        mine = {ref for ref in remade if ref[0] == kind}
        if not mine:
            return previous
        changed_letters = {initial_of(entity_name(ref)) for ref in mine}
        letters, start = [], 0
        for letter in previous.letters:
            size = len(letter.entities)
            if letter.label in changed_letters:
                letter = Letter(letter.label, letter.slug, letter.url, entities[start:start + size])
            letters.append(letter)
            start += size
        if not mine & recounted:
            fresh = {(e.kind, e.key): e for letter in letters if letter.label in changed_letters for e in letter.entities}
            most = tuple(fresh.get((e.kind, e.key), e) for e in previous.most_named)
        else:
            most = tuple(heapq.nsmallest(MOST_NAMED, entities, key=lambda e: (-len(e.releases), name_order((e.kind, e.key)))))
        return Directory(kind, url, entities, tuple(letters), most)
    by_letter: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities:
        by_letter[initial_of(entity.name)].append(entity)
    reuse = {letter.label: letter for letter in previous.letters} if previous else {}
    letters = []
    for label in sorted(by_letter, key=lambda label: (label == "Other", label)):
        old = reuse.get(label)
        if old is not None and len(old.entities) == len(by_letter[label]) \
                and all(a is b for a, b in zip(old.entities, by_letter[label])):
            letters.append(old)
        else:
            letters.append(Letter(label, label.lower(), f"{url}letters/{label.lower()}/", tuple(by_letter[label])))
    most = heapq.nsmallest(MOST_NAMED, entities, key=lambda e: (-len(e.releases), name_order((e.kind, e.key))))
    return Directory(kind, url, entities, tuple(letters), tuple(most))
