"""JSON releases (.json): one record (an object), a list of records, or a JSON Feed ({"items": [...]}).

A record is a feed item stored as JSON. Keys read, first present wins:
  title / headline                               -> headline (entities and markup removed)
  link / url / source_url / external_url         -> url (also "links": [{"href": ...}])
  guid / id                                      -> source_item, for a file of several records
                                                    (else the record's index, "0", "1", ...)
  published / pubDate / date_published / datePublished / published_at / date / updated
                                                 -> distributed_at, in the site's time zone; date is
                                                    its local date unless "date" gives a bare date
  content / content_html / content_text / body, else summary / description / text
                                                 -> paragraphs (HTML cleaned by html_text)
  author (text, {"name"}) / authors / creator    -> publisher; a byline-shaped author is the byline
                                                    when the text does not open with one
  kind, else a document type the content shows ("Press Statement"), else tags / categories
                                                 -> kind (default "News release")
  distributor is the host of the URL, else "JSON record". A JSON Feed's title is the publisher
  of items that name no author.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from generator.errors import ContentError, Problem
from generator.ingest.html_text import (DEFAULT_KIND, host_of, kind_of, looks_like_html, parse_when, plain_text,
                                        read_html, split_front, text_paragraphs)
from generator.ingest.wire import decode
from generator.records import Release

TITLE_KEYS = ("title", "headline")
URL_KEYS = ("link", "url", "source_url", "external_url")
ID_KEYS = ("guid", "id")
TIME_KEYS = ("published", "pubDate", "date_published", "datePublished", "published_at", "date", "updated",
             "date_modified")
CONTENT_KEYS = ("content", "content_html", "content_encoded", "body", "content_text")
SUMMARY_KEYS = ("summary", "description", "text")
AUTHOR_KEYS = ("author", "authors", "creator", "byline")
DISTRIBUTOR = "JSON record"


def read_json(data: bytes, source_file: str, sha256: str, timezone: ZoneInfo) -> tuple[Release, ...]:
    text = decode(data, source_file)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError([Problem(source_file, exc.lineno, "json",
                                    f"not valid JSON: {exc.msg} (column {exc.colno})")]) from None
    feed_title = ""
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        feed_title = plain_text(str(value.get("title") or ""))
        value = value["items"]
    if isinstance(value, dict):
        records, several = [value], False
    elif isinstance(value, list):
        records, several = value, True
    else:
        raise ContentError([Problem(source_file, 1, "json",
                                    "expected a record (an object with title, published, content, ...) or a list of records")])
    if not records:
        raise ContentError([Problem(source_file, 1, "json", "the list holds no records")])
    problems: list[Problem] = []
    releases: list[Release] = []
    for index, record in enumerate(records):
        where = f"[{index}]" if several else ""
        if not isinstance(record, dict):
            problems.append(Problem(source_file, 0, where or "json", "a record must be a JSON object"))
            continue
        release = read_record(record, where, str(index) if several else "", feed_title, source_file, sha256,
                              timezone, problems)
        if release is not None:
            releases.append(release)
    if problems:
        raise ContentError(problems)
    return tuple(releases)


def first_text(record: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, str]:
    """(key, text) of the first key holding text; feedparser-style [{"value": ...}] lists count."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, dict):
            value = value.get("value") or value.get("name") or value.get("href")
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            return key, str(value)
    return "", ""


def read_record(record: dict[str, Any], where: str, index: str, feed_title: str, origin: str, sha256: str,
                timezone: ZoneInfo, problems: list[Problem]) -> Release | None:
    found = len(problems)
    field = (lambda key: f"{where}.{key}" if where else key)
    headline = plain_text(first_text(record, TITLE_KEYS)[1])
    url = first_text(record, URL_KEYS)[1].strip() or first_text(record, ("links",))[1].strip()
    item = first_text(record, ID_KEYS)[1].strip() or index
    time_key, time_text = first_text(record, TIME_KEYS)
    at: dt.datetime | None = None
    date: dt.date | None = None
    if not time_key:
        problems.append(Problem(origin, 0, field("published"),
                                "no publication time: give 'published' as ISO 8601, e.g. 2024-10-28T14:55:00+00:00"))
    else:
        when = parse_when(time_text, timezone)
        if when is None:
            problems.append(Problem(origin, 0, field(time_key),
                                    f"unreadable time '{time_text}'; write ISO 8601, e.g. 2024-10-28T14:55:00+00:00"))
        else:
            at = when[0]
    if time_key != "date" and isinstance(record.get("date"), str):
        when = parse_when(record["date"], timezone)
        if when is not None and not when[1]:
            date = when[0].date()
    content_key, content = first_text(record, CONTENT_KEYS)
    if not content:
        content_key, content = first_text(record, SUMMARY_KEYS)
    page = read_html(content) if looks_like_html(content) else None
    paragraphs = page.paragraphs if page else text_paragraphs(content)
    author = plain_text(first_text(record, AUTHOR_KEYS)[1])
    byline, dateline, paragraphs = split_front(paragraphs, headline, author)
    if not paragraphs:
        problems.append(Problem(origin, 0, field(content_key or "content"),
                                "the record has no text; give its body as 'content' (HTML) or 'summary'"))
    if len(problems) > found or at is None:
        return None
    tags = [record.get(k) for k in ("tags", "categories", "category") if record.get(k)]
    kind = first_text(record, ("kind",))[1] or (page.kind if page else "") or kind_of(*tags)
    return Release(
        source_file=origin, sha256=sha256, date=date or at.date(), kind=plain_text(kind) or DEFAULT_KIND,
        distributor=host_of(url) or DISTRIBUTOR, distributed_at=at, paragraphs=paragraphs, byline=byline,
        dateline=dateline, headline=headline or (page.title if page else ""), source_item=item if index else "",
        url=url, publisher=author or feed_title,
    )
