"""Readers: each turns one shape of raw release file into Release records.

A file holds one release (wire text, Markdown, HTML, JSON) or several (an RSS feed, one per item).
Every reader has the signature (data, source_file, sha256, timezone) -> tuple[Release, ...] and
raises ContentError naming the file and line.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib
import re
from pathlib import Path
from typing import Callable, Sequence
from zoneinfo import ZoneInfo

from generator.errors import ContentError, Problem
from generator.ingest.wire import IGNORED_NAMES, decode, encoding_problem, is_release_file, load_release, parse_release
from generator.records import Release

Reader = Callable[[bytes, str, str, ZoneInfo], tuple[Release, ...]]
MAX_FILE_BYTES = 10 * 1024 * 1024  # a bigger file in content/releases/ is refused unread (a feed of 100 items: 0.1 MB)
FEED_SUFFIXES = (".xml", ".rss")  # feeds declare their own encoding; every other shape is decoded by wire.decode


def read_wire(data: bytes, source_file: str, sha256: str, timezone: ZoneInfo) -> tuple[Release, ...]:
    return (parse_release(decode(data, source_file), source_file, sha256, timezone),)


def on_first_use(module: str, name: str) -> Reader:
    """A reader whose module (and its libraries: Beautiful Soup, feedparser) loads when first needed,
    so a site of wire-shape releases never loads them."""
    def read(data: bytes, source_file: str, sha256: str, timezone: ZoneInfo) -> tuple[Release, ...]:
        return getattr(importlib.import_module(module), name)(data, source_file, sha256, timezone)
    return read


read_markdown = on_first_use("generator.ingest.markdown_reader", "read_markdown")
read_html_release = on_first_use("generator.ingest.html_reader", "read_html_release")
read_json = on_first_use("generator.ingest.json_reader", "read_json")
read_feed = on_first_use("generator.ingest.rss_reader", "read_feed")

# file suffix -> reader; "" is a file without suffix
READERS: dict[str, Reader] = {
    "": read_wire,
    ".txt": read_wire,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html_release,
    ".htm": read_html_release,
    ".json": read_json,
    ".xml": read_feed,
    ".rss": read_feed,
}


def reader_for(name: str) -> Reader | None:
    return READERS.get(Path(name).suffix.lower())


def read_releases(data: bytes, source_file: str, origin: str, timezone: ZoneInfo) -> tuple[Release, ...]:
    """Every release in one file's bytes; problems are reported under origin (the site-relative path)."""
    reader = reader_for(source_file)
    if reader is None:
        known = ", ".join(sorted(s for s in READERS if s))
        raise ContentError([Problem(origin, 0, "", f"not a release format Briefing reads ({known}); "
                                    "move it out of content/releases/")])
    sha = hashlib.sha256(data).hexdigest()
    try:
        releases = reader(data, origin, sha, timezone)
    except RecursionError:
        raise ContentError([Problem(origin, 0, "", "too deeply nested to read")]) from None
    return tuple(dataclasses.replace(r, source_file=source_file) for r in releases)


@dataclasses.dataclass(frozen=True)
class ReleaseNotes:
    """What a release file is warned about, kept between builds: the file is not UTF-8, and the
    date of each release it holds (checked against the day of each build: a date in the future)."""

    encoding: tuple[Problem, ...] = ()
    dates: tuple[tuple[dt.date, int, str], ...] = ()  # (date, line of the date or 0, source_item)


def notes_of(data: bytes, source_file: str, origin: str, dates: Sequence[tuple[dt.date, str]] = ()) -> ReleaseNotes:
    """The notes of one release file's bytes and the (date, source_item) of the releases read from them."""
    suffix = Path(source_file).suffix.lower()
    encoding = encoding_problem(data, origin) if suffix in READERS and suffix not in FEED_SUFFIXES else None
    line = date_line(data, suffix) if len(dates) == 1 else 0
    return ReleaseNotes((encoding,) if encoding else (), tuple(sorted({(day, line, item) for day, item in dates})))


def date_line(data: bytes, suffix: str) -> int:
    """The line that gives a release's date: a wire header (the first line that is not blank), a
    Markdown `date:`; 0 for other shapes."""
    if suffix in ("", ".txt"):
        blank = re.match(rb"(?:\xef\xbb\xbf)?(?:[ \t]*\r?\n)*", data)
        return data.count(b"\n", 0, blank.end() if blank else 0) + 1
    if suffix in (".md", ".markdown"):
        found = re.search(rb"^(?:date|published_time|published|distributed_at|pubDate|date_published):", data[:65536],
                          re.MULTILINE)
        return data.count(b"\n", 0, found.start()) + 1 if found else 0
    return 0


def future_dates(notes: ReleaseNotes, origin: str, today: dt.date) -> tuple[Problem, ...]:
    """A warning for each release dated after today: it is built with that date all the same."""
    return tuple(Problem(origin, line, "date", f"{day.isoformat()} is in the future{f' (item {item!r})' if item else ''}; "
                         "the release is published with that date (fix the date if it is a mistake)")
                 for day, line, item in notes.dates if day > today)


def too_big(size: int, origin: str, folder: str = "content/releases/") -> Problem | None:
    """The problem of a file over MAX_FILE_BYTES, which is not read at all."""
    if size <= MAX_FILE_BYTES:
        return None
    return Problem(origin, 0, "size", f"{size / 1_048_576:.1f} MB, over the limit of {MAX_FILE_BYTES // 1_048_576} MB "
                   f"for one release file; split it into several files or move it out of {folder}")


__all__ = ["read_releases", "ReleaseNotes", "notes_of", "future_dates", "too_big", "MAX_FILE_BYTES",
           "reader_for", "READERS", "IGNORED_NAMES", "is_release_file", "load_release",
           "parse_release", "decode"]
