"""Clean text from HTML, and the small helpers the Markdown, HTML, JSON and RSS readers share.

`read_html` turns markup (a whole page or a fragment, as carried in a feed item) into a `Page`:
body paragraphs as plain text (tags gone, entities decoded, whitespace squeezed, list items as
"- " paragraphs, headings as paragraphs) with page chrome dropped, plus the metadata the markup
itself carries (title, publication time, document type, author, canonical URL, site name).

Chrome is recognised by element (script, style, nav, header, footer, aside, form, button, ...),
by ARIA role and hidden state, and by class or id words (hero, breadcrumb, share, social, menu,
sidebar, related, article-meta, ...), as the official sites' pages and feed items carry them.

Parsing uses BeautifulSoup over the standard library's html.parser: lenient with broken markup,
no network, no entity expansion beyond HTML's own, nothing is executed.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
import warnings
from pathlib import PurePosixPath
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from generator.ingest.wire import BOILERPLATE, DATELINE
from generator.records import record

# ---------------------------------------------------------------- HTML -> paragraphs

# elements whose whole content is chrome or not text
DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button",
    "iframe", "frame", "frameset", "object", "embed", "svg", "math", "canvas", "video", "audio", "picture",
    "img", "figure", "input", "select", "textarea", "label", "dialog", "menu", "head", "title", "meta",
    "link", "base",
})
# elements that start and end a paragraph
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "body", "html", "h1", "h2", "h3", "h4", "h5", "h6", "li",
    "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "caption",
    "address", "figcaption", "hr", "center", "details", "summary", "fieldset", "hgroup",
})
CELL_TAGS = frozenset({"td", "th"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
                          "toolbar", "dialog", "alert"})
# a class or id word (between start/end, spaces, '-' or '_') that marks page chrome
CHROME_WORDS = re.compile(
    r"(?:^|[\s_-])(?:hero|breadcrumbs?|bc_row|share|sharing|sharedaddy|social|addtoany|a2a|nav|navbar|navigation|"
    r"menu|masthead|banner|site-header|page-header|entry-header|footer|sidebar|widget|related|"
    r"skip-link|cookie|cookies|newsletter|subscribe|signup|comments?|pagination|pager|screen-reader-text|"
    r"sr-only|visually-hidden|visuallyhidden|hidden|print|tags|tag-list|article-meta|entry-meta|post-meta|"
    r"toolbar|modal|popup|advert|ads?|promo)(?=$|[\s_-])",
    re.IGNORECASE,
)
# whole paragraphs that are chrome wherever they appear
CHROME_TEXT = re.compile(
    r"^(?:share(?: this(?: page| article| post)?)?(?: on \w+)?|tweet|print|email|e-mail|facebook|twitter|"
    r"linkedin|copy link|back to top|skip to (?:main )?content|read more|subscribe|menu|search|close|"
    r"previous|next|home)$",
    re.IGNORECASE,
)
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
SPACE_BEFORE_STOP = re.compile(r"(?<=\w) ([.,;:!?])(?=\s|$)")
STYLE_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
HTML_LIKE = re.compile(r"<(?:[a-zA-Z][\w:-]*[\s/>]|/[a-zA-Z]|!--)")
PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "date", "dc.date",
                  "dc.date.issued", "dcterms.date", "dcterms.issued", "pubdate", "publish-date", "publish_date",
                  "parsely-pub-date", "sailthru.date")
PUBLISHED_CLASS = re.compile(r"publish|pubdate|post-date|entry-date|release-date", re.IGNORECASE)


@record
class Page:
    """What one piece of HTML says: body paragraphs and the metadata the markup carries."""

    paragraphs: tuple[str, ...]
    title: str = ""  # og:title, else the first h1, else <title>
    published: tuple[str, ...] = ()  # publication-time texts found, best first (unparsed)
    kind: str = ""  # a document-type label ("Press Statement"), when the page shows one
    author: str = ""  # meta author
    url: str = ""  # canonical link or og:url
    site: str = ""  # og:site_name


def squeeze(text: str) -> str:
    """Whitespace runs (non-breaking spaces included) to one space; invisible characters removed."""
    return " ".join(INVISIBLE.sub("", text).split())


def looks_like_html(text: str) -> bool:
    return bool(HTML_LIKE.search(text))


def soup_of(markup: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(markup, "html.parser")


def read_html(markup: str) -> Page:
    """Paragraphs and metadata of a page or fragment; never raises on broken markup."""
    soup = soup_of(markup)
    title = _meta(soup, "og:title", "twitter:title")
    if not title:
        h1 = soup.find("h1")
        title = squeeze(h1.get_text(" ")) if h1 else ""
    if not title and soup.title:
        title = squeeze(soup.title.get_text(" "))
    published = _published(soup)
    kind_tag = soup.find(class_=re.compile(r"doctype", re.IGNORECASE))
    kind = squeeze(kind_tag.get_text(" ")) if isinstance(kind_tag, Tag) else ""
    canonical = soup.find("link", rel="canonical")
    url = (str(canonical.get("href") or "") if isinstance(canonical, Tag) else "") or _meta(soup, "og:url")
    root = _content_root(soup)
    # a paragraph that is only the shown publication date ("<p><time ...>March 5, 2024</time></p>") is page meta
    dates = {squeeze(t.get_text(" ")) for t in soup.find_all(["time"])}
    dates |= {squeeze(t.get_text(" ")) for t in soup.find_all(class_=PUBLISHED_CLASS)}
    return Page(
        paragraphs=tuple(p for p in _paragraphs(root) if p not in dates), title=title, published=published, kind=kind[:60],
        author=_meta(soup, "author", "article:author", "dc.creator"), url=squeeze(url),
        site=_meta(soup, "og:site_name", "publisher", "application-name"),
    )


def html_paragraphs(markup: str) -> tuple[str, ...]:
    return read_html(markup).paragraphs


def text_paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs of a field that may hold HTML or plain text (blank-line separated)."""
    if looks_like_html(text):
        return html_paragraphs(text)
    blocks = re.split(r"\n\s*\n", html.unescape(text).replace("\r\n", "\n").replace("\r", "\n"))
    return tuple(p for p in (squeeze(b) for b in blocks) if p and not CHROME_TEXT.match(p))


def plain_text(text: str) -> str:
    """One line of text from a field that may hold markup or entities (titles, authors)."""
    if "<" in text or "&" in text:
        return squeeze(soup_of(text).get_text(" "))
    return squeeze(text)


def _meta(soup: BeautifulSoup, *names: str) -> str:
    wanted = {n.lower() for n in names}
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key in wanted and tag.get("content"):
            return squeeze(str(tag["content"]))
    return ""


def _published(soup: BeautifulSoup) -> tuple[str, ...]:
    found: list[str] = []
    metas = {str(t.get("property") or t.get("name") or t.get("itemprop") or "").lower(): str(t.get("content") or "")
             for t in reversed(soup.find_all("meta"))}
    found += [metas[k] for k in PUBLISHED_META if metas.get(k)]
    times = soup.find_all("time")
    best = [t for t in times if t.has_attr("pubdate") or str(t.get("itemprop", "")).lower() == "datepublished"]
    found += [str(t.get("datetime") or t.get_text(" ")) for t in best + times if t.get("datetime") or t in best]
    found += [squeeze(t.get_text(" ")) for t in soup.find_all(class_=PUBLISHED_CLASS)]
    return tuple(dict.fromkeys(squeeze(f) for f in found if squeeze(f)))


def _content_root(soup: BeautifulSoup) -> Tag:
    """The single <article>, else <main>, else the whole document."""
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    return main if isinstance(main, Tag) else soup


def is_chrome(tag: Tag) -> bool:
    if tag.name in DROP_TAGS:
        return True
    attrs = tag.attrs or {}
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    if str(attrs.get("role", "")).lower() in CHROME_ROLES:
        return True
    if STYLE_HIDDEN.search(str(attrs.get("style", ""))):
        return True
    classes = attrs.get("class", [])
    words = " ".join(classes) if isinstance(classes, list) else str(classes)
    return bool(CHROME_WORDS.search(words) or CHROME_WORDS.search(str(attrs.get("id", ""))))


def _paragraphs(root: Tag) -> list[str]:
    """Walk the tree without recursion (deeply nested input cannot overflow the stack)."""
    out: list[str] = []
    buf: list[str] = []
    prefix = ""

    def flush() -> None:
        nonlocal prefix
        text = SPACE_BEFORE_STOP.sub(r"\1", squeeze("".join(buf)))  # "<a>trade<span> </span></a>." -> "trade."
        buf.clear()
        if text and not CHROME_TEXT.match(text) and re.search(r"\w", text):
            out.append(prefix + text)
            prefix = ""  # a list item's marker stays pending until its first text (through <li><p>)

    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, NavigableString):
            if not isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
                buf.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if leaving:
            if name in BLOCK_TAGS:
                flush()
                if name == "li":
                    prefix = ""
            elif name in CELL_TAGS:
                buf.append(" ")
            continue
        if node is not root and is_chrome(node):
            continue
        if name == "br":
            flush()
            continue
        if name in BLOCK_TAGS:
            flush()
            if name == "li":
                prefix = "- "
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    flush()
    return out


# ---------------------------------------------------------------- shared by the readers

# "Ned Price, Department Spokesperson"; 'Thomas "Tommy" Pigott, Spokesperson'; "Office of the Spokesperson"
BYLINE = re.compile(
    r"^(?:Office of the [A-Z][\w ]+|[A-Z][\w.'’\"“”\- ]{2,60},\s+"
    r"(?:[A-Z][\w.'’\-]*\s*|of\s+|the\s+|and\s+|for\s+|on\s+){1,12})$"
)
LEADING_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
TEXT_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%m/%d/%Y", "%Y-%m-%d")
# a source's category or tag (normalised: lower case, words joined by '-') -> kind
KINDS = {
    "press-briefings": "Press briefing", "press-briefing": "Press briefing", "press-gaggles": "Press briefing",
    "press-gaggle": "Press briefing", "briefings": "Press briefing",
    "speeches-remarks": "Remarks", "remarks": "Remarks", "speeches": "Speech", "speech": "Speech",
    "transcripts": "Transcript", "transcript": "Transcript",
}
DEFAULT_KIND = "News release"


def is_byline(line: str) -> bool:
    return len(line) <= 90 and bool(BYLINE.match(line))


def clean_byline(line: str) -> str:
    return re.sub(r"\s+,", ",", squeeze(line))


def split_front(paragraphs: tuple[str, ...] | list[str], headline: str = "",
                author: str = "") -> tuple[str, str, tuple[str, ...]]:
    """(byline, dateline, paragraphs): the headline repeated at the top, a leading byline (and its
    dateline) and closing '###' boilerplate taken off; a byline-shaped author is the byline when
    the text opens with none."""
    rest = list(paragraphs)
    marks = [i for i, p in enumerate(rest) if BOILERPLATE.match(p)]
    if marks:
        rest = rest[:marks[-1]]
    if headline and rest and rest[0].casefold() == squeeze(headline).casefold():
        rest.pop(0)
    byline = dateline = ""
    if len(rest) > 1 and is_byline(rest[0]):
        byline = clean_byline(rest.pop(0))
        if len(rest) > 1 and len(rest[0]) <= 40 and DATELINE.match(rest[0]):
            dateline = rest.pop(0)
    elif author and is_byline(squeeze(author)):
        byline = clean_byline(author)
        if rest and rest[0].casefold() == byline.casefold():
            rest.pop(0)
    return byline, dateline, tuple(rest)


def kind_of(*labels: object) -> str:
    """The kind a source's tags or categories name (see KINDS), else 'News release'."""
    for label in labels:
        for item in (label if isinstance(label, (list, tuple)) else [label]):
            if isinstance(item, dict):  # feedparser-style {"term": ...}
                item = item.get("term") or item.get("name") or ""
            key = re.sub(r"[^a-z0-9]+", "-", re.sub(r"\band\b|&", " ", str(item).lower())).strip("-")
            if key in KINDS:
                return KINDS[key]
    return DEFAULT_KIND


def host_of(url: str) -> str:
    """'www.state.gov' -> 'state.gov'; '' when the URL has no host."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def date_from_name(source_file: str) -> dt.date | None:
    """The date a file name starts with (2024-10-28-x.html), else None."""
    match = LEADING_DATE.match(PurePosixPath(source_file).name)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_when(value: object, timezone: ZoneInfo) -> tuple[dt.datetime, bool] | None:
    """(time in the site's zone, whether the value gave a time of day), or None when unreadable.

    Accepts datetime and date objects, ISO 8601 ("2024-10-15 13:42:00-04:00", "...Z"), RFC 822
    ("Thu, 24 Mar 2022 21:35:15 +0000") and written dates ("July 6, 2026"). A time without an
    offset is taken to be in the site's zone; a bare date is midnight there.
    """
    if isinstance(value, dt.datetime):
        return _in_zone(value, timezone), True
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), timezone), False
    if not isinstance(value, str) or not value.strip():
        return None
    text = squeeze(value)
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
            return dt.datetime.combine(dt.date.fromisoformat(iso), dt.time(), timezone), False
        return _in_zone(dt.datetime.fromisoformat(iso), timezone), True
    except ValueError:
        pass
    try:
        return _in_zone(email.utils.parsedate_to_datetime(text), timezone), True
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in TEXT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=timezone), False
        except ValueError:
            continue
    return None


def _in_zone(value: dt.datetime, timezone: ZoneInfo) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=timezone)
    return value.astimezone(timezone)
