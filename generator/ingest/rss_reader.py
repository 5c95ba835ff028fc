"""RSS and Atom feeds (.xml, .rss): one release per <item> or <entry>.

Parsed with feedparser from the bytes (never a path or URL, so nothing is opened or fetched),
without its HTML sanitiser or URI resolution: the markup is only ever reduced to text by html_text.
feedparser's strict parser is expat with external entities off; a feed that is not well-formed XML
is reported, not guessed at.

  headline       the item's <title>
  source_item    <guid> / Atom <id>, else <link>
  url            <link>
  distributed_at <pubDate> / <published>, else <updated> / dc:date, in the site's time zone;
                 date is its local date
  paragraphs     content:encoded / Atom <content>, else <description> / <summary>
  byline         a leading byline paragraph, else a byline-shaped <dc:creator> / <author>
  publisher      the channel's <title> ("Briefing Room | The White House")
  kind           from the item's categories ("Press Briefings" -> "Press briefing"), else "News release"
  distributor    the host of the item's link, else "RSS feed" / "Atom feed"
"""
from __future__ import annotations

import datetime as dt
import io
import re
import xml.sax
from typing import Any
from zoneinfo import ZoneInfo

import feedparser

from generator.errors import ContentError, Problem
from generator.ingest.html_text import (DEFAULT_KIND, host_of, kind_of, looks_like_html, parse_when, plain_text,
                                        read_html, split_front, text_paragraphs)
from generator.ingest.wire import decode
from generator.records import Release

ITEM_START = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")


def read_feed(data: bytes, source_file: str, sha256: str, timezone: ZoneInfo) -> tuple[Release, ...]:
    decode(data, source_file)  # binary content is refused the same way as for every shape
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    exc = parsed.get("bozo_exception")
    line = error_line(exc, data)
    if not parsed.get("version") and not parsed.entries:
        why = f" ({exc.getMessage()})" if isinstance(exc, xml.sax.SAXParseException) else ""
        raise ContentError([Problem(source_file, line, "feed",
                                    f"not an RSS or Atom feed{why}; a .xml or .rss release file must be a feed "
                                    "with <item> or <entry> elements")])
    if isinstance(exc, xml.sax.SAXException):
        message = exc.getMessage() if hasattr(exc, "getMessage") else str(exc)
        raise ContentError([Problem(source_file, line, "feed",
                                    f"not well-formed XML: {message}; fix the file or download the feed again")])
    if not parsed.entries:
        raise ContentError([Problem(source_file, 0, "feed", "the feed has no items")])
    lines = [data.count(b"\n", 0, m.start()) + 1 for m in ITEM_START.finditer(data)]
    channel = parsed.feed
    publisher = plain_text(str(channel.get("title", "")))
    fallback = "Atom feed" if str(parsed.get("version", "")).startswith("atom") else "RSS feed"
    problems: list[Problem] = []
    releases: list[Release] = []
    for index, entry in enumerate(parsed.entries):
        line = lines[index] if index < len(lines) else 0
        release = read_entry(entry, index, line, publisher, fallback, source_file, sha256, timezone, problems)
        if release is not None:
            releases.append(release)
    if problems:
        raise ContentError(problems)
    return tuple(releases)


def error_line(exc: object, data: bytes) -> int:
    """The 1-based line of an XML error in the file; feedparser puts a declaration line in front of
    a document that has none, which shifts expat's count by one."""
    if not isinstance(exc, xml.sax.SAXParseException):
        return 0
    line = exc.getLineNumber() or 0
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        line -= 1
    return max(line, 1)


def entry_time(entry: Any, timezone: ZoneInfo) -> dt.datetime | None:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return dt.datetime(*parsed[:6], tzinfo=dt.timezone.utc).astimezone(timezone)
        if entry.get(key):
            when = parse_when(str(entry[key]), timezone)
            if when is not None:
                return when[0]
    return None


def read_entry(entry: Any, index: int, line: int, publisher: str, fallback: str, origin: str, sha256: str,
               timezone: ZoneInfo, problems: list[Problem]) -> Release | None:
    found = len(problems)
    where = f"item {index + 1}"
    headline = plain_text(str(entry.get("title", "")))
    url = str(entry.get("link", "")).strip()
    item = str(entry.get("id", "")).strip() or url or str(index)
    at = entry_time(entry, timezone)
    if at is None:
        raw = entry.get("published") or entry.get("updated")
        problems.append(Problem(origin, line, f"{where} pubDate",
                                f"unreadable publication time '{raw}'" if raw else
                                "no publication time; give the item a <pubDate> (RFC 822) or Atom <published>"))
    contents = [c for c in entry.get("content", []) if str(c.get("value", "")).strip()]
    html_contents = [c for c in contents if "html" in str(c.get("type", ""))]
    body = str((html_contents or contents)[0]["value"]) if contents else str(entry.get("summary", ""))
    page = read_html(body) if looks_like_html(body) else None
    paragraphs = page.paragraphs if page else text_paragraphs(body)
    author = plain_text(str(entry.get("author", "")))
    byline, dateline, paragraphs = split_front(paragraphs, headline, author)
    if not paragraphs:
        problems.append(Problem(origin, line, f"{where} description",
                                "the item has no text; give it content:encoded or a <description>"))
    if len(problems) > found or at is None:
        return None
    return Release(
        source_file=origin, sha256=sha256, date=at.date(),
        kind=kind_of(entry.get("tags", [])) if entry.get("tags") else DEFAULT_KIND,
        distributor=host_of(url) or fallback, distributed_at=at, paragraphs=paragraphs, byline=byline,
        dateline=dateline, headline=headline or (page.title if page else ""), source_item=item, url=url,
        publisher=publisher,
    )
