"""Render a Site with a theme's Jinja2 templates into pages (path, bytes); writing is not done here.

No clock, no HTML in Python: every byte of markup comes from the theme's templates or from
Python-Markdown (with raw HTML disabled). The same Site gives byte-identical pages.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Callable

import jinja2
import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from generator.config import Config
from generator.errors import ConfigError, Problem
from generator.model import Entry, Site
from generator.theme import Theme, display

try:  # country names are a nicety: without pycountry the codes are shown
    import pycountry
except ImportError:  # pragma: no cover - depends on the environment
    pycountry = None

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")


@dataclass(frozen=True)
class Page:
    """One output file: path relative to the output folder (posix) and its bytes."""

    path: str
    content: bytes


def render_site(site: Site, config: Config, theme: Theme) -> tuple[Page, ...]:
    """Every page of the site, sorted by path; template mistakes become one ConfigError."""
    env = make_environment(theme, config)
    check_templates(env, theme, config)
    renderer = Renderer(env, site, config, theme)
    pages = [*static_pages(theme), *renderer.pages()]
    if renderer.problems:
        raise ConfigError(sorted(set(renderer.problems)))
    return tuple(sorted(pages, key=lambda page: page.path))


# --- pages -------------------------------------------------------------------------------------


class Renderer:
    """Renders each page, collecting template problems instead of stopping at the first."""

    def __init__(self, env: jinja2.Environment, site: Site, config: Config, theme: Theme):
        self.env, self.site, self.config, self.theme = env, site, config, theme
        self.problems: list[Problem] = []
        self.bodies = {entry.slug: render_markdown(entry.document.body) for entry in site.releases}

    def pages(self) -> list[Page]:
        site = self.site
        pages = [
            self.html("index.html", "home.html", week=site.latest_week),
            self.html("weeks/index.html", "weeks.html"),
            self.html("topics/index.html", "topics.html"),
            self.html("404.html", "404.html", absolute=True),
        ]
        pages += [self.html(f"{week.url}index.html", "week.html", week=week) for week in site.weeks]
        pages += [self.html(f"{topic.url}index.html", "topic.html", topic=topic)
                  for topic in site.topics if topic.has_page]
        pages += [self.html(f"{entry.url}index.html", "release.html", release=entry, body=self.bodies[entry.slug])
                  for entry in site.releases]
        html_paths = [p.path for p in pages if p is not None and p.path != "404.html"]
        pages += [
            self.text("feed.xml", "feed.xml", entries=self.feed_entries()),
            self.text("sitemap.xml", "sitemap.xml", urls=self.sitemap_urls(html_paths)),
            self.text("robots.txt", "robots.txt"),
        ]
        return [page for page in pages if page is not None]

    def html(self, path: str, template: str, absolute: bool = False, **values: Any) -> Page | None:
        return self.render(path, template, link_maker(path, self.config, absolute), values)

    def text(self, path: str, template: str, **values: Any) -> Page | None:
        return self.render(path, template, lambda target: self.config.base_url + target, values)

    def render(self, path: str, template: str, url: Callable[[str], str], values: dict[str, Any]) -> Page | None:
        context = {"site": self.site, "config": self.config, "theme": self.theme,
                   "page_path": path, "url": url, "abs_url": lambda t: self.config.base_url + t, **values}
        try:
            text = self.env.get_template(template).render(context)
        except jinja2.TemplateNotFound as exc:
            message = f"template '{exc.name}' not found in theme '{self.theme.name}'"
            where = template_problem(exc, self.theme, self.config)  # an include or extends inside a template
            folder = self.theme.template_dirs[0] if self.theme.template_dirs else Path("themes", self.theme.name)
            self.problems.append(Problem(where.file, where.line, "template", message) if where
                                 else Problem(display(folder, self.config), 0, "template", message))
            return None
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
            problem = template_problem(exc, self.theme, self.config)
            if problem is None:
                raise  # not from a template: a defect of the program, not of the theme
            self.problems.append(problem)
            return None
        return Page(path, text.encode("utf-8"))

    def feed_entries(self) -> list[dict[str, Any]]:
        return [{"release": e, "body": self.bodies[e.slug]} for e in self.site.releases[: self.config.feed_items]]

    def sitemap_urls(self, html_paths: list[str]) -> list[dict[str, Any]]:
        """(loc, lastmod) for every HTML page but the 404, lastmod taken from the releases it shows."""
        site = self.site
        lastmod: dict[str, dt.datetime | None] = {"": site.updated, "weeks/": site.updated, "topics/": site.updated}
        lastmod.update({week.url: week.updated for week in site.weeks})
        lastmod.update({topic.url: topic.updated for topic in site.topics})
        lastmod.update({entry.url: entry.document.distributed_at for entry in site.releases})
        urls = []
        for path in sorted(html_paths):
            target = path.removesuffix("index.html")
            urls.append({"loc": self.config.base_url + target, "lastmod": lastmod.get(target)})
        return urls


def static_pages(theme: Theme) -> list[Page]:
    """Every file under the theme's static folders, a child's file hiding its parent's."""
    found: dict[str, Path] = {}
    for root in reversed(theme.static_dirs):  # parent first, so the child overwrites
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                found[relative.as_posix()] = path
    return [Page(f"static/{name}", found[name].read_bytes()) for name in sorted(found)]


# --- links -------------------------------------------------------------------------------------


def link_maker(page_path: str, config: Config, absolute: bool) -> Callable[[str], str]:
    """url(target) for one page: relative to the page, or from the site's base path for the 404 page.

    Targets are site-relative: "" (home), "weeks/2024-w44/", "static/style.css", "feed.xml".
    """
    if absolute:
        return lambda target: config.base_path + target
    up = "../" * page_path.count("/")
    return lambda target: (up + target) or "./"


# --- templates ---------------------------------------------------------------------------------


def make_environment(theme: Theme, config: Config) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update({
        "long_date": long_date,
        "short_date": short_date,
        "date_range": date_range,
        "iso": iso,
        "clock": clock,
        "country_name": country_name,
        "web_url": web_url,
    })
    return env


def check_templates(env: jinja2.Environment, theme: Theme, config: Config) -> None:
    """Compile every template first, so all syntax errors are reported together."""
    problems = []
    for name in env.list_templates(filter_func=lambda n: n.endswith(TEMPLATE_SUFFIXES)):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(display(Path(exc.filename), config) if exc.filename else name,
                                    exc.lineno or 0, "template", exc.message or str(exc)))
    if problems:
        raise ConfigError(sorted(problems))


def template_problem(exc: BaseException, theme: Theme, config: Config) -> Problem | None:
    """The innermost template frame of the traceback as a Problem; None if no template was involved."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return Problem(display(Path(exc.filename), config), exc.lineno or 0, "template", exc.message or str(exc))
    roots = [d.resolve() for d in theme.template_dirs]
    where: tuple[Path, int] | None = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        filename = Path(tb.tb_frame.f_code.co_filename)
        if filename.suffix in TEMPLATE_SUFFIXES and any(is_inside(filename, root) for root in roots):
            where = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if where is None:
        return None
    return Problem(display(where[0], config), where[1], "template", str(exc) or type(exc).__name__)


def is_inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except ValueError:
        return False


# --- filters -----------------------------------------------------------------------------------


def long_date(day: dt.date) -> str:
    """28 October 2024 (English month names, independent of the machine's locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """28 Oct 2024."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def date_range(start: dt.date, end: dt.date) -> str:
    """28 October – 3 November 2024; 30 December 2024 – 5 January 2025."""
    if start.year != end.year:
        return f"{long_date(start)} – {long_date(end)}"
    if start.month != end.month:
        return f"{start.day} {MONTHS[start.month - 1]} – {long_date(end)}"
    return f"{start.day}–{long_date(end)}"


def iso(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


def clock(moment: dt.datetime) -> str:
    """14:55 EDT (the zone's abbreviation, or its UTC offset)."""
    zone = moment.tzname() or ""
    return f"{moment:%H:%M} {zone}".strip()


def country_name(code: str) -> str:
    """IR -> Iran; the code itself when unknown or without pycountry."""
    if pycountry is None:
        return code
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


# --- Markdown ----------------------------------------------------------------------------------


class SafeLinks(Treeprocessor):
    """Neutralise javascript:, data: and vbscript: links and images; demote headings below the page's h1."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if is_unsafe_url(element.get("href", "")):
                del element.attrib["href"]  # an <a> without href: the words stay, the link goes
            if is_unsafe_url(element.get("src", "")):
                alt = element.get("alt", "")
                element.tag, element.text = "span", alt  # the image's description instead of the image
                element.attrib.clear()
            if element.tag in ("h1", "h2", "h3", "h4", "h5"):
                element.tag = f"h{int(element.tag[1]) + 1}"


def web_url(value: str) -> str:
    """The URL when it is an absolute http(s) address, else '' (source URLs come from untrusted input)."""
    return value if re.match(r"^https?://[^\s<>\"']+$", value or "") else ""


def is_unsafe_url(value: str) -> bool:
    # browsers ignore whitespace and control characters inside a scheme: "java\tscript:"
    # and the serializer keeps character references, so "&#106;avascript:" must be decoded first
    squeezed = "".join(ch for ch in html.unescape(value) if ch > " " and ch != "\x7f").lower()
    return squeezed.startswith(UNSAFE_SCHEMES)


def make_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(SafeLinks(md), "safe_links", -10)  # after 'unescape' (0): sees final values
    return md


_MARKDOWN = make_markdown()


def render_markdown(text: str) -> Markup:
    """Markdown to HTML; raw HTML in the text is shown as text, never passed through."""
    return Markup(_MARKDOWN.reset().convert(text))
