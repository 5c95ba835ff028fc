"""Readers: each turns one shape of raw release file into Release records.

A file holds one release (wire text, Markdown, HTML, JSON) or several (an RSS feed, one per item).
Every reader has the signature (data, source_file, sha256, timezone) -> tuple[Release, ...] and
raises ContentError naming the file and line.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from generator.errors import ContentError, Problem
from generator.ingest.wire import IGNORED_NAMES, decode, is_release_file, load_release, parse_release
from generator.records import Release

Reader = Callable[[bytes, str, str, ZoneInfo], tuple[Release, ...]]


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
        raise ContentError([Problem(origin, 0, "", f"not a release format Briefing reads ({known})")])
    sha = hashlib.sha256(data).hexdigest()
    try:
        releases = reader(data, origin, sha, timezone)
    except RecursionError:
        raise ContentError([Problem(origin, 0, "", "too deeply nested to read")]) from None
    return tuple(dataclasses.replace(r, source_file=source_file) for r in releases)


__all__ = ["read_releases", "reader_for", "READERS", "IGNORED_NAMES", "is_release_file", "load_release",
           "parse_release", "decode"]
