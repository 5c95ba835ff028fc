"""HTML releases (.html, .htm): whole pages or fragments such as a feed item's content:encoded.

  headline       <meta property="og:title">, else the first <h1>, else <title>
  distributed_at <meta property="article:published_time"> (and the usual date metas), else
                 <time datetime>, else a "publish date" element's text, else the file name's leading
                 YYYY-MM-DD (midnight in the site's zone); converted into the site's time zone
  date           the local date of distributed_at
  url            <link rel="canonical">, else og:url
  publisher      og:site_name; byline: a leading byline paragraph, else a byline-shaped meta author
  kind           a document-type label the page shows (state.gov's "Press Statement"), else "News release"
  distributor    the host of the URL, else "HTML page"
Body paragraphs come from the single <article>, else <main>, else the whole document, with page
chrome dropped (see html_text).
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from generator.errors import ContentError, Problem
from generator.ingest.html_text import DEFAULT_KIND, date_from_name, host_of, parse_when, read_html, split_front
from generator.ingest.wire import decode
from generator.records import Release

DISTRIBUTOR = "HTML page"


def read_html_release(data: bytes, source_file: str, sha256: str, timezone: ZoneInfo) -> tuple[Release, ...]:
    page = read_html(decode(data, source_file))
    problems: list[Problem] = []
    at: dt.datetime | None = None
    for text in page.published:
        when = parse_when(text, timezone)
        if when is not None:
            at = when[0]
            break
    if at is None:
        day = date_from_name(source_file)
        if day is not None:
            at = dt.datetime.combine(day, dt.time(), timezone)
    if at is None:
        tried = f" (unreadable: '{page.published[0]}')" if page.published else ""
        problems.append(Problem(source_file, 0, "date",
                                f"no publication date: no <time datetime>, article:published_time meta or "
                                f"leading YYYY-MM-DD in the file name{tried}; name the file YYYY-MM-DD-....html"))
    byline, dateline, paragraphs = split_front(page.paragraphs, page.title, page.author)
    if not paragraphs:
        problems.append(Problem(source_file, 0, "body", "the page has no release text (only markup or page chrome)"))
    if problems:
        raise ContentError(problems)
    assert at is not None
    return (Release(
        source_file=source_file, sha256=sha256, date=at.date(), kind=page.kind or DEFAULT_KIND,
        distributor=host_of(page.url) or DISTRIBUTOR, distributed_at=at, paragraphs=paragraphs,
        byline=byline, dateline=dateline, headline=page.title, url=page.url, publisher=page.site,
    ),)
