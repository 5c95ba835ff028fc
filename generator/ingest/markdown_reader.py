"""Markdown releases (.md, .markdown), with or without YAML front matter.

The front matter (loaded with the safe YAML loader) may give:
  title / headline                      -> headline
  date                                  -> date (else the local date of the publication time)
  published_time / published / distributed_at / pubDate / date_published
                                        -> distributed_at, converted into the site's time zone
  source_url / url / link / canonical_url -> url
  kind, else tags / categories / type   -> kind ("press-briefings" -> "Press briefing"; else "News release")
  publisher / author / issuer           -> publisher; byline (or a byline-shaped author) -> byline
  distributor                           -> distributor; else the host of the URL; else "Markdown file"
The body is Markdown rendered to HTML by Python-Markdown and cleaned by html_text: emphasis and
escapes gone, links keep their text, headings and list items ("- ") become paragraphs. Without
front matter or a date, the date comes from a leading YYYY-MM-DD in the file name (midnight in the
site's zone). An annotated Briefing file put among the releases is read the same way.
"""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import markdown
import yaml

from generator.errors import ContentError, Problem
from generator.ingest.html_text import (date_from_name, host_of, kind_of, parse_when, plain_text, read_html,
                                        split_front)
from generator.ingest.wire import decode
from generator.records import Release
from generator.yamlio import Located, error_line, error_text, load_located, plain

FRONT_OPEN = re.compile(r"\A---[ \t]*\n")
FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
TIME_KEYS = ("published_time", "published", "distributed_at", "pubDate", "date_published", "datePublished",
             "published_at")
URL_KEYS = ("source_url", "url", "link", "canonical_url")
DISTRIBUTOR = "Markdown file"


def read_markdown(data: bytes, source_file: str, sha256: str, timezone: ZoneInfo) -> tuple[Release, ...]:
    text = decode(data, source_file).replace("\r\n", "\n").replace("\r", "\n")
    problems: list[Problem] = []
    meta, body, body_line = front_matter(text, source_file, problems)
    if problems:
        raise ContentError(problems)

    def text_of(*keys: str) -> tuple[str, int]:
        for key in keys:
            item = meta.get(key)
            if item is not None and isinstance(item.value, (str, int, float)) and str(item.value).strip():
                return plain_text(str(item.value)), item.line
        return "", 0

    page = read_html(markdown.markdown(body))
    headline = text_of("title", "headline")[0] or page.title
    url = text_of(*URL_KEYS)[0]

    date: dt.date | None = None
    at: dt.datetime | None = None
    if "date" in meta:
        when = parse_when(meta["date"].value, timezone)
        if when is None:
            problems.append(Problem(source_file, meta["date"].line, "date",
                                    f"unreadable date '{meta['date'].value}'; write it as YYYY-MM-DD"))
        elif when[1]:
            at, date = when[0], None
        else:
            date = when[0].date()
    for key in TIME_KEYS:
        if key in meta:
            when = parse_when(meta[key].value, timezone)
            if when is None:
                problems.append(Problem(source_file, meta[key].line, key,
                                        f"unreadable time '{meta[key].value}'; write it as YYYY-MM-DD HH:MM:SS+00:00"))
            else:
                at = when[0]
            break
    if date is None and at is not None:
        date = at.date()
    if date is None:
        date = date_from_name(source_file)
    if date is None and not problems:
        problems.append(Problem(source_file, 1 if meta else 0, "date",
                                "no publication date: the front matter has no 'date' or 'published_time' and the "
                                "file name does not start with YYYY-MM-DD; add 'date: YYYY-MM-DD' to the front matter"))
    byline, dateline, paragraphs = split_front(page.paragraphs, headline,
                                               text_of("byline")[0] or text_of("author")[0])
    if not paragraphs:
        problems.append(Problem(source_file, body_line, "body", "the release has no text; write its body below the front matter"))
    if problems:
        raise ContentError(problems)
    assert date is not None
    if at is None:
        at = dt.datetime.combine(date, dt.time(), timezone)
    tags = [plain(meta[k]) for k in ("tags", "categories", "category", "type") if k in meta]
    return (Release(
        source_file=source_file, sha256=sha256, date=date,
        kind=text_of("kind")[0] or kind_of(*tags),
        distributor=text_of("distributor")[0] or host_of(url) or DISTRIBUTOR,
        distributed_at=at, paragraphs=paragraphs, byline=byline, dateline=dateline, headline=headline,
        url=url, publisher=text_of("publisher", "author", "issuer")[0],
    ),)


def front_matter(text: str, origin: str, problems: list[Problem]) -> tuple[dict[str, Located], str, int]:
    """(keys with their lines, body text, line where the body starts); problems appended, never raised."""
    text = text.lstrip("\ufeff")
    if not FRONT_OPEN.match(text):
        return {}, text, 1
    close = FRONT_CLOSE.search(text, 4)
    if close is None:
        problems.append(Problem(origin, 1, "front matter",
                                "opened with '---' but never closed; end it with a line '---'"))
        return {}, "", 1
    yaml_text = text[4:close.start()]
    body_line = text.count("\n", 0, close.end()) + 2
    try:
        located = load_located(yaml_text, origin, first_line=2)
    except yaml.YAMLError as exc:
        problems.append(Problem(origin, error_line(exc, 2), "front matter", f"not valid YAML: {error_text(exc)}"))
        return {}, "", body_line
    if located.value is None:
        return {}, text[close.end():], body_line
    if not isinstance(located.value, dict):
        problems.append(Problem(origin, 2, "front matter", "must be a mapping of keys (title: ..., date: ...)"))
        return {}, "", body_line
    return located.value, text[close.end():], body_line
