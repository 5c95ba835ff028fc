"""Typed, frozen records handed from one pipeline stage to the next.

Every stage takes records and returns records; no stage passes dict bags.
"""
from __future__ import annotations

import copyreg
import datetime as dt
import zlib
from dataclasses import FrozenInstanceError, dataclass, field, fields
from operator import attrgetter
from typing import Any, Callable, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    """@dataclass(frozen=True, slots=True) that pickles as a blank instance and then its fields.

    Slots: a record holds no __dict__ (a third of the memory of a small record, and a site of
    10,000 releases holds millions of them).

    Pickling: the cache of the last build is mostly records. Each pickles as `copyreg.__newobj__`
    of its class (a blank instance, made in C) followed by its field values as list items, which
    the unpickler hands to `extend` (one field: `append`), which sets the slots. This writes no
    tuple of arguments per record, which pickle would memoize and keep alive for the whole dump:
    on a site of 10,000 releases, 2.04 million memo entries become 1.63 million, the dump takes
    1.01 s instead of 1.15 s and the load 0.58 s instead of 0.68 s, against a call of the class
    with its fields (itself twice as fast to load as the __setstate__ dataclass gives a slotted
    class). A record holds no cycle (it cannot refer to itself), so it is whole before anything
    that holds it is."""
    made: Any = dataclass(frozen=True, slots=True)(cls)
    names = tuple(f.name for f in fields(made) if f.init)
    setters = tuple(made.__dict__[name].__set__ for name in names)  # the slots' descriptors
    blank = (made,)
    values: Callable[[Any], tuple[Any, ...]]  # the fields' values, in order
    if len(names) > 1:
        values = attrgetter(*names)
    else:  # attrgetter of one name gives the value itself, of none is refused
        get_one = attrgetter(*names) if names else None
        values = lambda self: (get_one(self),) if get_one else ()  # noqa: E731

    def reduce(self: Any) -> tuple[Any, ...]:
        return copyreg.__newobj__, blank, None, iter(values(self))

    def extend(self: Any, values: list[Any]) -> None:
        """Unpickling only: set the fields of a blank record."""
        for set_field, value in zip(setters, values):
            set_field(self, value)

    def append(self: Any, value: Any) -> None:
        """Unpickling a record of one field, and copy.copy (which appends field by field): set
        the first field not yet set."""
        for name, set_field in zip(names, setters):
            if not hasattr(self, name):
                set_field(self, value)
                return
        raise FrozenInstanceError(f"cannot assign to field {names[0]!r}")

    made.__reduce__ = reduce
    made.extend, made.append = extend, append
    return made


@record
class Release:
    """A release as received, read from one file in content/releases/."""

    source_file: str  # path relative to content/releases/, posix separators
    sha256: str  # of the raw bytes
    date: dt.date  # release date from the header
    kind: str  # "News release"
    distributor: str  # "Public"
    distributed_at: dt.datetime  # timezone-aware, in the site's timezone
    paragraphs: tuple[str, ...]  # body paragraphs, byline and boilerplate removed
    byline: str = ""  # "Ned Price, Department Spokesperson", when the release opens with one
    dateline: str = ""  # "Washington, D.C." line under a byline, when present
    headline: str = ""  # a headline the release itself gives, when it has one
    source_item: str = ""  # which release of a file that holds several (an RSS item's guid), else ""
    url: str = ""  # where the release was published, when the source says
    publisher: str = ""  # who the source says published it (feed channel, byline author), when it says


@record
class Person:
    name: str  # fullest form of the name as written
    role: str = ""  # role as written near a mention, "" when none
    paragraph: int = 0  # index in Release.paragraphs of the first mention


@record
class Org:
    name: str  # fullest form as written
    aliases: tuple[str, ...] = ()
    paragraph: int = 0


@record
class Quote:
    text: str  # the quoted words, without the quotation marks
    speaker: str  # person or organisation; "" when the text does not say
    paragraph: int = 0


@record
class Place:
    name: str  # a city or region as written: "Kyiv", "Kursk Oblast", "Gaza"
    country: str  # ISO 3166-1 alpha-2 of the country it lies in, "" when unknown
    paragraph: int = 0


@record
class DateMention:
    text: str  # as written: "On Friday", "Oct. 1", "Oct. 7, 2023"
    date: dt.date  # resolved against the release date
    paragraph: int = 0


@record
class Figure:
    value: int | float  # 200; "$1.2 billion" -> 1200000000; "2.5%" -> 2.5
    unit: str  # "USD", "percent", "km", ... or "" for a plain count
    object: str  # what is counted: "ballistic missiles"
    text: str  # the words as written: "about 200 ballistic missiles"
    qualifier: str = ""  # "about", "more than", ...
    paragraph: int = 0


@record
class Annotation:
    """What the annotator derives from one release; pure data."""

    title: str
    title_source: str  # "release" when the release gives a headline, else "derived"
    summary: str
    issuer: str
    topics: tuple[str, ...]  # taxonomy slugs, most central first
    people: tuple[Person, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2
    orgs: tuple[Org, ...] = ()
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    places: tuple[Place, ...] = ()
    dates: tuple[DateMention, ...] = ()


@record
class Topic:
    """One entry of the site's taxonomy, with its editable match rules."""

    slug: str
    name: str
    description: str = ""
    # (term, weight): a case-insensitive word or phrase; a trailing "*" matches any word ending
    keywords: tuple[tuple[str, float], ...] = ()


@record
class Document:
    """An annotated Markdown file as read back from content/annotated/."""

    path: str  # relative to content/annotated/, posix separators, e.g. "2024/2024-10-28-x.md"
    slug: str  # the file stem: "2024-10-28-x"
    source_file: str
    source_sha256: str
    title: str
    title_source: str
    date: dt.date
    distributed_at: dt.datetime
    kind: str
    distributor: str
    issuer: str
    week: str  # "2024-W44"
    topics: tuple[str, ...]
    summary: str
    people: tuple[Person, ...]
    countries: tuple[str, ...]
    orgs: tuple[Org, ...]
    quotes: tuple[Quote, ...]
    figures: tuple[Figure, ...]
    packed_body: bytes  # the Markdown body, compressed (pack): read as .body
    byline: str = ""
    places: tuple[Place, ...] = ()
    dates: tuple[DateMention, ...] = ()
    source_item: str = ""
    url: str = ""
    digest: str = ""  # sha1 of the annotated file's text: identifies this version of the document
    extra: tuple[tuple[str, object], ...] = field(default=())  # front-matter keys we do not interpret

    @property
    def body(self) -> str:
        """The Markdown body."""
        return unpack(self.packed_body)


def pack(text: str) -> bytes:
    """A body as a Document holds it: a quarter of its size. A build holds every document, and
    reads a body once or twice (its release's page, a feed), so holding the text is not worth it."""
    return zlib.compress(text.encode("utf-8"), 1)


def unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


def iso_week(day: dt.date) -> str:
    """ISO 8601 week label: 2024-W44."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
