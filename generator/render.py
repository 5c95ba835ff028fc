"""Render a Site with a theme's Jinja2 templates into pages (path, bytes); writing is not done here.

No clock, no HTML in Python: every byte of markup comes from the theme's templates or from
Python-Markdown (with raw HTML disabled). The same Site gives byte-identical pages.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import itertools
import json
import operator
import re
import xml.etree.ElementTree as etree
from dataclasses import replace
from pathlib import Path, PurePosixPath
from types import FunctionType, TracebackType
from typing import Any, Callable, Generic, Iterable, Iterator, Mapping, Sequence, TypeVar

import jinja2
import jinja2.meta
import jinja2.runtime
import markdown
from jinja2.utils import internalcode
from markdown.treeprocessors import Treeprocessor
from markdown.util import Registry
from markupsafe import Markup

from generator.config import Config
from generator.errors import ConfigError, Problem
from generator.digest import glance, timeline, top_stories, topic_counts
from generator.model import EMPTY_INDEX, ENTITY_FOLDERS, Directory, Entity, Entry, Link, Ref, Site, country_name, week_title
from generator.records import record
from generator.theme import Theme, display

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".json")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
V = TypeVar("V")
PATH_OF = operator.attrgetter("path")
SLUG_OF = operator.attrgetter("slug")
IS_STATIC = operator.methodcaller("startswith", "static/")  # a test run over every path of the site in C


@record
class Page:
    """One output file: path relative to the output folder (posix) and its bytes."""

    path: str
    content: bytes


@record
class PageSpec:
    """A page to be made: where it goes, its template, its values and a digest of those values."""

    path: str
    template: str
    values: tuple[tuple[str, Any], ...]
    digest: str  # changes whenever the values change (templates, config and site are added by the key)
    absolute: bool = False  # links from the base path (404.html is served at any depth)
    published: bool = False  # feeds and sitemap: absolute URLs from base_url
    source: str = ""  # an alternate output (Theme.outputs): the template of the page it repeats, e.g. week.html


@record
class Feed:
    """What a feed is about; it is written twice, as Atom and as JSON Feed 1.1. Paths are site-relative."""

    title: str  # "Briefing", "Briefing: Middle East", "Briefing: weekly digests"
    description: str
    page: str  # the page the feed follows: "" (home), "topics/middle-east/", "weeks/"
    atom: str  # "feed.xml", "topics/middle-east/feed.xml", "weeks/feed.xml"
    json: str  # "feed.json", "topics/middle-east/feed.json", "weeks/feed.json"
    updated: dt.datetime | None  # its newest entry's time


@record
class RenderResult:
    pages: tuple[Page, ...]  # the pages rendered by this call, sorted by path
    keys: tuple[tuple[str, str], ...]  # (path, key) of every page of the site, in the plan's order
    kept: tuple[str, ...]  # pages whose key did not change: the previous bytes stand


def render_site(site: Site, config: Config, theme: Theme) -> tuple[Page, ...]:
    """Every page of the site, sorted by path; template mistakes become one ConfigError."""
    return render_changes(site, config, theme, {}).pages


RUN_SIZE = 64  # objects met in no run of the last build are kept in new runs of this many


def runs_against(objects: Sequence[Any], ids: list[int], kept: Mapping[int, tuple[Any, ...]]) \
        -> Iterator[tuple[int, int, tuple[Any, ...] | None]]:
    """(start, end, run) over `objects` (whose ids are `ids`), in order: a run of `kept` (id of
    its first object -> (its objects, ...)) that comes again here, object for object; or, with
    run None, objects met in no such run, RUN_SIZE at most. Each step checks one dict for a run
    that starts at the next object, and a found run is checked in one C loop: an edit changes a
    few objects of 40,000, and the runs around it are found again whole."""
    count, pending, at = len(ids), -1, 0
    while at < count:
        run = kept.get(ids[at])
        end = at + len(run[0]) if run is not None else 0
        if run is not None and end <= count and all(map(operator.is_, run[0], objects[at:end])):
            if pending >= 0:
                yield pending, at, None
                pending = -1
            yield at, end, run
            at = end
            continue
        if pending < 0:
            pending = at
        elif at - pending >= RUN_SIZE:
            yield pending, at, None
            pending = at
        at += 1
    if pending >= 0:
        yield pending, count, None


class ByIdentity(Generic[V]):
    """A map from model objects to values, by the objects' identity (a Site's parts are compared by
    identity, never by value). Each value is kept with its object, so a lookup never mistakes a new
    object for an old one with the same id, and the map survives pickling with the objects.

    With `runs` on (the dev server's builds, one after another in one process), lend also keeps
    the runs of objects it was given with their values (see runs_against): the next build's lend
    takes a run that comes again, object for object, whole, and the next build fills this same map
    (next_map) instead of a new one, so a run found again costs no lookups and no copies. An edit
    changes a few objects of 40,000: checking a run by identity is one C loop, where looking each
    object up, or copying it into a new map, cost a Python loop or a dict update of every object.
    sweep() then drops what the build no longer has. Runs are not pickled: a build in a new
    process looks objects up one by one.
    """

    __slots__ = ("objects", "values", "runs", "fresh", "live", "singles", "last_singles")

    def __init__(self, runs: bool = False) -> None:
        self.objects: dict[int, Any] = {}  # two maps with the same keys: no pair made per entry
        self.values: dict[int, V] = {}
        # with runs on: the last build's runs (id of a run's first object -> (objects, values, ...))
        # and this build's; the ids this build put in the map (those of runs found again aside);
        # those of them outside runs, and those the last build put in outside runs
        self.runs: dict[int, tuple[Any, ...]] | None = {} if runs else None
        self.fresh: dict[int, tuple[Any, ...]] | None = {} if runs else None
        self.live: set[int] | None = set() if runs else None
        self.singles: set[int] = set()
        self.last_singles: set[int] = set()

    def get(self, obj: Any) -> V | None:
        key = id(obj)
        return self.values[key] if self.objects.get(key) is obj else None

    def __setitem__(self, obj: Any, value: V) -> None:
        key = id(obj)
        self.objects[key] = obj
        self.values[key] = value
        if self.live is not None:
            self.live.add(key)
            self.singles.add(key)

    def __len__(self) -> int:
        return len(self.objects)

    def lend(self, objects: Sequence[Any], make: Callable[[Any], V], made: "ByIdentity[V]") -> list[V]:
        """For each object, its value here or else make(object); each one also put in `made`.

        An object may be lent by more than one call of a build (a directory's most named people
        are on its letter pages too) only when every call would make the same value of it: a run
        found again keeps the values of the call that made it."""
        if made.fresh is None or made.live is None:
            return self.lend_each(objects, make, made)
        found: list[V] = []
        for run in self.reuse(objects, made, lambda part: (part, self.lend_each(part, make, made, single=False))):
            found += run[1]
        return found

    def reuse(self, objects: Sequence[Any], made: "ByIdentity[V]", new_run: Callable[[tuple[Any, ...]], tuple[Any, ...]],
              still_good: Callable[[tuple[Any, ...]], bool] = lambda run: True) -> Iterator[tuple[Any, ...]]:
        """The runs of `objects`, in order, for a `made` with runs on: a run of this map that comes
        again (and is still_good) is taken whole into `made`; the objects between become new runs,
        (objects, values, ...) = new_run(objects), which puts their values in `made` itself."""
        assert made.fresh is not None and made.live is not None
        ids = list(map(id, objects))
        for start, end, run in runs_against(objects, ids, self.runs or {}):
            if run is None or not still_good(run):
                run = new_run(tuple(objects[start:end]))
                made.live.update(ids[start:end])
            elif made is not self:
                made.take(ids[start:end], run[0], run[1])
            made.fresh[ids[start]] = run
            yield run

    def lend_each(self, objects: Iterable[Any], make: Callable[[Any], V], made: "ByIdentity[V]",
                  single: bool = True) -> list[V]:
        """lend, one object at a time (`single`: the objects are in no run). One loop that reads the
        maps itself: it runs over every page of the site on every build, where a get and a set per
        object took a third of the page plan."""
        objects_here, values_here, made_objects, made_values = self.objects, self.values, made.objects, made.values
        found = []
        for obj in objects:
            ident = id(obj)
            value = values_here[ident] if objects_here.get(ident) is obj else make(obj)
            made_objects[ident], made_values[ident] = obj, value
            found.append(value)
        if single and made.live is not None:
            made.live.update(map(id, objects))
            made.singles.update(map(id, objects))
        return found

    def take(self, ids: Sequence[int], objects: Iterable[Any], values: Iterable[V]) -> None:
        """Put these objects (with these ids) and values in the map."""
        self.objects.update(zip(ids, objects))
        self.values.update(zip(ids, values))

    def sweep(self) -> None:
        """With runs on, at the end of a build's plan: forget the objects this build did not lend
        or set, and keep this build's runs for the next. Only objects of the last build's runs that
        were not found again, and those it set outside runs, can be gone. (An object lent by two
        calls, in a run found again and in one not, is forgotten here but kept by its run: the map
        then makes its value again when it next needs it, the same value.)"""
        if self.fresh is None or self.live is None or self.runs is None:
            return
        gone = set(self.last_singles)
        fresh = self.fresh
        for first, run in self.runs.items():
            if fresh.get(first) is not run:
                gone.update(map(id, run[0]))
        for ident in gone - self.live:
            if ident in self.objects:
                del self.objects[ident], self.values[ident]
        self.runs, self.fresh, self.live, self.last_singles, self.singles = fresh, {}, set(), self.singles, set()

    def __getstate__(self) -> tuple[list[Any], list[V]]:
        return list(self.objects.values()), list(self.values.values())

    def __setstate__(self, state: tuple[list[Any], list[V]]) -> None:
        objects, values = state
        self.objects = {id(obj): obj for obj in objects}
        self.values = {id(obj): value for obj, value in zip(objects, values)}
        self.runs = self.fresh = self.live = None
        self.singles, self.last_singles = set(), set()


def next_map(last: ByIdentity[V] | None, runs: bool) -> ByIdentity[V]:
    """The map a build fills from `last`, the last build's: with runs on, `last` itself when it
    was made with runs on too (see ByIdentity), else a new map."""
    if runs and last is not None and last.fresh is not None:
        return last
    return ByIdentity(runs)


class PlanMemory:
    """The page specs of the last build by the identity of the model object they were made from.

    build_site lends unchanged Entries, Weeks and TopicPages from the last Site, so their specs
    (and digests) can be lent too. The last Site is kept so those identities stay valid. It is
    pickled into the cache with the Corpus whose Documents the Site holds (one pickle, so the
    identities hold after loading too).
    """

    def __init__(self) -> None:
        self.site: Site | None = None
        self.specs: ByIdentity[PageSpec] = ByIdentity()  # model object -> its page's spec
        self.keys: ByIdentity[tuple[str, str]] = ByIdentity()  # spec -> (what else its key digests, its key)
        self.lines: dict[str, ByIdentity[str]] = {}  # kind of line -> model object -> its line in a listing digest
        self.plan: list[PageSpec] = []

    runs = False  # set by a Builder that builds again and again in one process: lend keeps runs (see ByIdentity)


SITEMAP_URLS = 50_000  # the most URLs a sitemap may list (sitemaps.org); a bigger site gets an index of sitemaps
RENDER_CHUNK = 4096  # pieces of a template's output joined at a time (see encoded)


def encoded(pieces: Iterator[str]) -> bytes:
    """A template's output as UTF-8, joined RENDER_CHUNK pieces at a time. Template.render joins
    all its pieces at once: for the sitemap of 317,000 pages, 1.6 million strings held together,
    then the text, then its bytes, while the build holds the whole site."""
    first = list(itertools.islice(pieces, RENDER_CHUNK))
    if len(first) < RENDER_CHUNK:  # a page of ordinary size
        return "".join(first).encode("utf-8")
    out = bytearray("".join(first).encode("utf-8"))
    while chunk := list(itertools.islice(pieces, RENDER_CHUNK)):
        out += "".join(chunk).encode("utf-8")
    return bytes(out)


class Computed(Sequence[Any]):
    """A read-only list whose items are made as they are read, `make` of each of `items`: a
    template loops over it (or takes its length, or an item) as over a list, but its items are
    not all held at once."""

    __slots__ = ("items", "make")

    def __init__(self, items: Sequence[Any], make: Callable[[Any], Any]):
        self.items, self.make = items, make

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.make(item) for item in self.items[index]]
        return self.make(self.items[index])

    def __iter__(self) -> Iterator[Any]:
        return map(self.make, self.items)


def render_changes(site: Site, config: Config, theme: Theme, previous: Mapping[str, str],
                   templates: "Templates | None" = None, memory: PlanMemory | None = None) -> RenderResult:
    """Render only the pages whose key differs from `previous` (path -> key of the last build),
    all of them in memory; template mistakes become one ConfigError. See plan_changes."""
    plan = plan_changes(site, config, theme, previous, templates, memory)
    pages = [*plan.static, *plan.render(plan.todo)]
    plan.raise_problems()
    return RenderResult(tuple(sorted(pages, key=lambda page: page.path)), tuple(plan.keys.items()), plan.kept())


@record
class RenderPlan:
    """What a build must render: the pages whose key changed (`todo`), with the renderer that
    makes them, one at a time (a site of 40,000 pages is never held in memory at once)."""

    keys: dict[str, str]  # path -> key of every page of the site, in the plan's order (never changed once made)
    todo: tuple[PageSpec, ...]  # pages to render, in the plan's order
    static: tuple[Page, ...]  # the theme's static files, always read
    renderer: "Renderer"

    def kept(self) -> tuple[str, ...]:
        """The pages whose key did not change (the previous bytes stand), static files aside, in
        the plan's order, which the site fixes: sorting 40,000 paths would cost more than the rest.
        Asked for only by a build that writes a new output/ (the dev server's edits do not)."""
        rendered = {spec.path for spec in self.todo}
        return tuple(itertools.filterfalse(IS_STATIC, itertools.filterfalse(rendered.__contains__, self.keys)))  # C loops

    def render(self, specs: Iterable[PageSpec]) -> Iterator[Page]:
        """The pages of these specs; a page whose template fails is left out and its problem
        recorded in `renderer.problems` (of the process that rendered it)."""
        for spec in specs:
            page = self.renderer.render_spec(spec)
            if page is not None:
                yield page

    def raise_problems(self, found: Iterable[Problem] = ()) -> None:
        """One ConfigError with every template problem met so far (here, and `found` elsewhere)."""
        problems = sorted(set(self.renderer.problems) | set(found))
        if problems:
            raise ConfigError(problems)


def plan_changes(site: Site, config: Config, theme: Theme, previous: Mapping[str, str],
                 templates: "Templates | None" = None, memory: PlanMemory | None = None) -> RenderPlan:
    """Plan the site's pages and find those whose key differs from `previous`.

    A page's key digests everything it is made from: its template and every template that one
    extends, includes or imports; the configuration; its own values (the documents it shows, by
    their digests, and its neighbours' links); and, for templates that read `site`, the whole site.
    Static files are always read; they are the theme's and small. `templates` may be kept from
    the last build of the same theme and configuration: compiled templates are then reused.
    """
    templates = templates or Templates(theme, config)
    templates.check()
    last = memory.site if memory and memory.site else None
    runs = memory is not None and memory.runs
    renderer = Renderer(templates.env, site, config, theme, memory.specs if last else None,
                        last.index.urls if last and last.index else None, memory.lines if last else {}, runs)
    common = digest_of(repr(replace(config, site_dir=Path("."))))  # where the site is changes no page
    keys: dict[str, str] = {}
    todo: list[PageSpec] = []
    contexts: dict[str, tuple[str, TemplateInfo]] = {}  # template -> (what else its pages' keys digest, its info)
    known = memory.keys if last else ByIdentity()  # the keys of lent specs, made by the last build
    made: ByIdentity[tuple[str, str]] = next_map(known if last else None, runs)
    plan = renderer.plan()
    earlier = previous.get

    def context_of(template: str) -> tuple[str, TemplateInfo]:
        found = contexts.get(template)
        if found is None:
            info = templates.info(template)
            found = contexts[template] = (info.digest + common + (renderer.site_digest if info.uses_site else ""), info)
        return found

    def key_each(specs: Sequence[PageSpec]) -> None:
        """Each spec's key, lent by the last build when its context is the same; a changed one is to do.
        The loop runs for every page of the site on every build: the maps are used directly (a
        lent spec costs a few lookups, no new objects)."""
        known_objects, known_values, made_objects, made_values = known.objects, known.values, made.objects, made.values
        for spec in specs:
            found = contexts.get(spec.template) or context_of(spec.template)
            context = found[0]
            ident = id(spec)
            lent = known_values[ident] if known_objects.get(ident) is spec else None
            if lent is None or lent[0] != context:
                info = found[1]
                lent = (context, digest_of(info.digest, common, spec.template, spec.digest,
                                           renderer.site_digest if info.uses_site else ""))
            made_objects[ident], made_values[ident] = spec, lent
            key = keys[spec.path] = lent[1]
            if earlier(spec.path) != key:
                todo.append(spec)

    def key_run(specs: tuple[PageSpec, ...]) -> tuple[Any, ...]:
        """A run of page keys: (specs, their (context, key) values, (template, context) of its templates, paths, keys)."""
        key_each(specs)
        values = [made.values[id(spec)] for spec in specs]
        return (specs, values, tuple((t, contexts[t][0]) for t in sorted({spec.template for spec in specs})),
                tuple(spec.path for spec in specs), tuple(value[1] for value in values))

    def still_good(run: tuple[Any, ...]) -> bool:
        """The run's templates have the same contexts, and none of its pages was left undone."""
        return all(context_of(template)[0] == context for template, context in run[2]) \
            and all(map(operator.eq, map(earlier, run[3]), run[4]))

    if made.fresh is None or made.live is None:
        key_each(plan)
    else:  # a run of specs that comes again whole, with its templates' contexts, keeps its keys (see ByIdentity)
        for run in known.reuse(plan, made, key_run, still_good):
            keys.update(zip(run[3], run[4]))  # (a new run's keys are in already: no change)
    static = tuple(static_pages(theme))
    for page in static:
        keys.setdefault(page.path, hashlib.sha1(page.content).hexdigest())
    for done in (renderer.made, made, *renderer.lines.values()):
        done.sweep()  # with runs on, each map is this build's from now on (see ByIdentity)
    if memory is not None:
        memory.site, memory.specs, memory.keys, memory.lines = site, renderer.made, made, renderer.lines
        memory.plan = plan  # keeps every spec alive, so no id in memory.keys is reused by another object
    return RenderPlan(keys, tuple(todo), static, renderer)


def highlights_of(entry: Entry, links: Mapping[Ref, str], url: Callable[[str], str]) -> tuple[Highlight, ...]:
    """The names of a release's people, countries and organisations (linked) and its figures (marked)."""
    doc = entry.document
    found: list[Highlight] = []
    for person in doc.people:
        if ("person", person.name) in links:
            found.append(Highlight(person.name, url(links[("person", person.name)]), "person"))
    for code in doc.countries:
        ref = ("country", code.upper())
        if ref in links:
            name = country_name(ref[1])
            found += [Highlight(form, url(links[ref]), "country", name) for form in country_forms(ref[1])]
    for org in doc.orgs:
        if ("org", org.name) in links:
            found += [Highlight(form, url(links[("org", org.name)]), "org", org.name) for form in (org.name, *org.aliases)]
    found += [Highlight(figure.text, "", "figure", figure.object) for figure in doc.figures]
    return tuple(found)


@functools.lru_cache(maxsize=None)
def country_forms(code: str) -> tuple[str, ...]:
    """The names the annotator knows a country by ("Iran", "Islamic Republic of Iran"), longest first."""
    from generator.annotate.countries import FORMS  # loaded on the first release page, with its data
    forms = {form for form, found in FORMS.items() if found == code} | {country_name(code)}
    return tuple(sorted((form for form in forms if form != code), key=lambda form: (-len(form), form)))


def dated_digest(dated: tuple[tuple[str, str], ...]) -> str:
    """The URLs and dates of every entity page, as the sitemap shows them."""
    return digest_of(*(f"{url} {updated}" for url, updated in dated))


def listed(entity: Entity) -> str:
    """An entity as index pages list it."""
    return f"{entity.name}\x1e{entity.url}\x1e{len(entity.releases)}"


def mapped(value: Entry | Entity) -> str:
    """A page as the sitemap lists it: its URL and date (and a release's topics)."""
    if isinstance(value, Entry):
        return f"{value.url} {value.document.distributed_at} {' '.join(t.slug for t in value.topics)}"
    return f"{value.url} {value.updated}\x1d"


def digest_of(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def entry_key(entry: Entry) -> str:
    """A release as list pages show it: its document's version and its URL."""
    return f"{entry.document.digest}:{entry.url}"


def link_key(link: Link | None) -> str:
    return f"{link.title}\x1e{link.url}" if link else ""


@record
class TemplateInfo:
    digest: str  # of the template's source and of every template it uses
    uses_site: bool  # it (or a template it uses) reads the variable `site`


class Templates:
    """A theme's Jinja2 environment and what each template is made of, kept between builds.

    Jinja2 recompiles a template whose file changed; the analysis below is cached by source text.
    """

    def __init__(self, theme: Theme, config: Config, compiled: Path | None = None,
                 parsed: dict[str, tuple[tuple[str | None, ...], bool]] | None = None):
        """`compiled`: a folder where Jinja2 keeps compiled templates between runs (by source
        checksum); `parsed`: what each template source uses, kept from earlier runs."""
        self.theme, self.config = theme, config
        self.env = make_environment(theme, config, compiled)
        self.parsed = parsed if parsed is not None else {}  # source digest -> (used names, reads site)

    def check(self) -> None:
        check_templates(self.env, self.theme, self.config)

    def info(self, name: str, seen: frozenset[str] = frozenset()) -> TemplateInfo:
        """The digest of a template and of all it uses; whether any of them reads `site`."""
        if name in seen:
            return TemplateInfo(digest_of("cycle", name), True)
        try:
            source, _, _ = self.env.loader.get_source(self.env, name)
        except jinja2.TemplateNotFound:  # reported, with its place, when the page is rendered
            return TemplateInfo(digest_of("missing", name), True)
        source_digest = digest_of(source)
        if source_digest not in self.parsed:
            ast = self.env.parse(source)
            self.parsed[source_digest] = (tuple(jinja2.meta.find_referenced_templates(ast)),
                                          "site" in jinja2.meta.find_undeclared_variables(ast))
        used, reads_site = self.parsed[source_digest]
        if None in used:  # a template name computed at render time: depend on every template
            everything = sorted(self.env.list_templates(filter_func=lambda n: n.endswith(TEMPLATE_SUFFIXES)))
            return TemplateInfo(digest_of(*(self.env.loader.get_source(self.env, n)[0] for n in everything)), True)
        parts = [self.info(str(n), seen | {name}) for n in sorted(set(used))]
        return TemplateInfo(digest_of(source_digest, *(p.digest for p in parts)), reads_site or any(p.uses_site for p in parts))


# --- pages -------------------------------------------------------------------------------------


class Renderer:
    """Plans and renders pages, collecting template problems instead of stopping at the first."""

    def __init__(self, env: jinja2.Environment, site: Site, config: Config, theme: Theme,
                 lent: ByIdentity[PageSpec] | None = None, previous_urls: Mapping[Ref, str] | None = None,
                 lent_lines: Mapping[str, ByIdentity[str]] | None = None, runs: bool = False):
        self.env, self.site, self.config, self.theme = env, site, config, theme
        self.problems: list[Problem] = []
        self.bodies: dict[str, Markup] = {}
        self.lent: ByIdentity[PageSpec] = lent if lent is not None else ByIdentity()  # the last build's (see PlanMemory)
        self.runs = runs  # the maps this build makes keep runs for the next build (see ByIdentity)
        self.made: ByIdentity[PageSpec] = next_map(lent, runs)
        self.lent_lines = lent_lines or {}
        self.lines: dict[str, ByIdentity[str]] = {}
        # kept from build to build only in one process (the dev server's): in the cache they would cost more than they save
        self.entry_keys = dict(zip(map(SLUG_OF, site.releases), self.lines_of(site.releases, entry_key) if runs
                                   else map(entry_key, site.releases)))
        self.site_digest = digest_of(*self.entry_keys.values())  # changes with any release
        index = site.index or EMPTY_INDEX
        self.named, self.entity_urls = index.named, index.urls
        self.urls_kept = previous_urls is index.urls  # no entity page moved since the last build
        self.links: dict[Ref, tuple[Ref, str]] = {}

    def link_to(self, ref: Ref) -> tuple[Ref, str]:
        """(entity, URL of its page): one pair for every release that names the entity."""
        link = self.links.get(ref)
        if link is None:
            link = self.links[ref] = (ref, self.entity_urls[ref])
        return link

    def body(self, entry: Entry) -> Markup:
        """The release text as HTML, made once and only for the pages that are rendered."""
        if entry.slug not in self.bodies:
            self.bodies[entry.slug] = feed_body(entry.document.body)
        return self.bodies[entry.slug]

    def plan(self) -> list[PageSpec]:
        site = self.site
        specs = [
            PageSpec("index.html", "home.html", (("week", site.latest_week),), ""),
            PageSpec("weeks/index.html", "weeks.html", (), ""),
            PageSpec("topics/index.html", "topics.html", (), ""),
            PageSpec("404.html", "404.html", (), "", absolute=True),
        ]
        if self.config.search and any((folder / "search.html").is_file() for folder in self.theme.template_dirs):
            specs.append(PageSpec("search/index.html", "search.html", (), ""))  # Pagefind indexes the written site
        fixed = len(specs)  # the pages after these are all .../index.html pages: the sitemap lists them
        for i, week in enumerate(site.weeks):  # a week's glance compares it with the week before
            before = site.weeks[i + 1] if i + 1 < len(site.weeks) else None
            lent = self.lent.get(week)
            if lent is None or lent.values[1][1] is not before:
                lent = PageSpec(f"{week.url}index.html", "week.html", (("week", week), ("before", before)),
                                digest_of(week.label, link_key(week.previous), link_key(week.next), *self.keys_of(week.releases),
                                          "before", *self.keys_of(before.releases if before else ())))
            self.made[week] = lent
            specs.append(lent)
        for topic in site.topics:
            if not topic.has_page:
                continue
            specs.append(self.spec_for(topic, lambda t: PageSpec(
                f"{t.url}index.html", "topic.html", (("topic", t),),
                digest_of(t.topic.slug, *(g.label for g in t.weeks), *self.keys_of(t.releases)))))
            specs += self.specs_for(topic.weeks, lambda g, t=topic: PageSpec(
                f"{g.page_url}index.html", "topic_week.html", (("topic", t), ("group", g)),
                digest_of(t.topic.slug, g.label, link_key(g.previous), link_key(g.next), *self.keys_of(g.releases))))
        if self.urls_kept:  # no release page's links moved: a release page changes only with its Entry
            specs += self.specs_for(site.releases, self.new_release_spec)
        else:
            specs += [self.release_spec(entry) for entry in site.releases]
        for directory in site.directories:
            specs += self.directory_specs(directory)
            specs += self.specs_for(directory.entities, lambda e: PageSpec(
                f"{e.url}index.html", "entity.html", (("entity", e),), self.entity_digest(e)))
        # the sitemap lists every page with a date: both follow from each release's URL, time and topics
        sitemap = digest_of(*self.lines_of(site.releases, mapped),
                            self.line((site.index or EMPTY_INDEX).dated, dated_digest))
        specs += [  # what feeds and the sitemap list comes in as values, not through `site`
            *self.feed_specs(),
            *sitemap_specs((*(spec for spec in specs[:fixed] if spec.path != "404.html"), *specs[fixed:]), sitemap),
            PageSpec("robots.txt", "robots.txt", (), "", published=True),
        ]
        return specs + alternate_specs(specs, self.theme.outputs)

    def feed_specs(self) -> list[PageSpec]:
        """The site's feed, each topic's and the weekly digest feed, each as Atom and as JSON Feed.

        A feed's digest covers exactly what it lists: its newest releases (or weeks, with all their
        releases, for the digest feed), so an edit to an older release leaves it as it is.
        """
        site, config, n = self.site, self.config, self.config.feed_items
        specs = self.feed_pair(Feed(config.title, config.description, "", "feed.xml", "feed.json", site.updated),
                               "feed", ("releases", site.releases[:n]), self.keys_of(site.releases[:n]))
        for topic in site.topics:
            if topic.has_page:
                feed = Feed(f"{config.title}: {topic.topic.name}",
                            topic.topic.description or f"Official releases about {topic.topic.name}.",
                            topic.url, f"{topic.url}feed.xml", f"{topic.url}feed.json", topic.updated)
                specs += self.feed_pair(feed, "feed", ("releases", topic.releases[:n]), self.keys_of(topic.releases[:n]))
        weeks = site.weeks[:n]
        feed = Feed(f"{config.title}: weekly digests", "One entry a week: the week at a glance and its top stories.",
                    "weeks/", "weeks/feed.xml", "weeks/feed.json", site.updated)
        return specs + self.feed_pair(feed, "weeks_feed", ("weeks", weeks),
                                      [f"{w.label}\x1e{w.url}\x1e{len(w.releases)}\x1d{digest_of(*self.keys_of(w.releases))}"
                                       for w in weeks])

    @staticmethod
    def feed_pair(feed: Feed, template: str, shown: tuple[str, tuple[Any, ...]], lines: list[str]) -> list[PageSpec]:
        """A feed as Atom (<template>.xml) and JSON Feed (<template>.json); `lines` digest what it lists."""
        values = (("feed", feed), ("updated", feed.updated), shown)
        digest = digest_of(template, repr(feed), *lines)
        return [PageSpec(feed.atom, f"{template}.xml", values, digest, published=True),
                PageSpec(feed.json, f"{template}.json", values, digest, published=True)]

    def render_spec(self, spec: PageSpec) -> Page | None:
        values = dict(spec.values)
        kind = spec.source or spec.template  # an alternate output gets the values of the page it repeats
        if kind == "week.html":
            values["glance"] = glance(values["week"], values.pop("before"))
        elif kind == "release.html":
            values["entity_links"] = dict(values["entity_links"])
            url = link_maker(spec.path, self.config, spec.absolute)
            values["body"] = render_markdown(values["release"].document.body,
                                             highlights_of(values["release"], values["entity_links"], url))
        elif isinstance(values.get("feed"), Feed):
            values["entries"] = self.feed_entries(values)
        elif kind == "sitemap.xml":
            values["urls"] = self.sitemap_urls(list(map(PATH_OF, values.pop("pages"))))
        elif kind == "sitemap_index.xml":
            values["sitemaps"] = self.sitemap_index(tuple((name, list(map(PATH_OF, part))) for name, part in values.pop("parts")))
        if spec.published:
            url: Callable[[str], str] = lambda target: self.config.base_url + target
        else:
            url = link_maker(spec.path, self.config, spec.absolute)
        return self.render(spec.path, spec.template, url, values)

    def render(self, path: str, template: str, url: Callable[[str], str], values: dict[str, Any]) -> Page | None:
        context = {"site": self.site, "config": self.config, "theme": self.theme,
                   "page_path": path, "url": url, "abs_url": lambda t: self.config.base_url + t, **values}
        try:
            content = encoded(self.env.get_template(template).generate(context))
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
        return Page(path, content)

    def feed_entries(self, values: dict[str, Any]) -> list[dict[str, Any]]:
        """A feed's entries: releases with their text as HTML, or weeks with their topics and top stories."""
        if "weeks" in values:
            return [{"week": w, "topics": topic_counts(w, None), "top": top_stories(w)} for w in values.pop("weeks")]
        return [{"release": e, "body": self.body(e)} for e in values.pop("releases")]

    def spec_for(self, value: Any, make: Callable[[Any], PageSpec]) -> PageSpec:
        """The spec lent by the last build for this very object, else a new one."""
        return self.lent.lend_each((value,), make, self.made)[0]

    def specs_for(self, values: Sequence[Any], make: Callable[[Any], PageSpec]) -> list[PageSpec]:
        """spec_for of each value (every entity of the site, on every build)."""
        return self.lent.lend(values, make, self.made)

    def release_spec(self, entry: Entry) -> PageSpec:
        """A release page; its aside links to the pages of the entities it names, whose URLs may change."""
        lent = self.lent.get(entry)
        if lent is not None and self.urls_kept:
            self.made[entry] = lent
            return lent
        links = tuple(self.link_to(ref) for ref in self.named[entry.slug])
        if lent is not None and dict(lent.values)["entity_links"] == links:
            self.made[entry] = lent
            return lent
        spec = self.made[entry] = self.new_release_spec(entry, links)
        return spec

    def new_release_spec(self, entry: Entry, links: tuple[tuple[Ref, str], ...] | None = None) -> PageSpec:
        links = tuple(self.link_to(ref) for ref in self.named[entry.slug]) if links is None else links
        return PageSpec(f"{entry.url}index.html", "release.html", (("release", entry), ("entity_links", links)),
                        digest_of(self.entry_keys[entry.slug], link_key(entry.previous), link_key(entry.next),
                                  *(url for _, url in links)))

    def entity_digest(self, entity: Entity) -> str:
        """Everything an entity page shows: the releases of its recent weeks, the counts of the
        others, roles, aliases, quotes and related entities. An edit to an older release that
        changes none of these leaves the page as it is."""
        related = (f"{r.kind}\x1e{r.name}\x1e{r.url}\x1e{r.count}" for r in entity.people + entity.countries + entity.orgs)
        quotes = (f"{q.quote.text}\x1e{q.quote.speaker}\x1e{self.entry_keys[q.release.slug]}" for q in entity.quotes)
        return digest_of(entity.kind, entity.key, entity.name, entity.url, *entity.roles, "\x1d", *entity.aliases, "\x1d",
                         str(entity.quote_count), *quotes, "\x1d", *related, "\x1d",
                         *(f"{w.label}\x1e{len(w.releases)}" for w in entity.weeks), "\x1d",
                         *(self.entry_keys[e.slug] for w in entity.recent for e in w.releases))

    def directory_specs(self, d: Directory) -> list[PageSpec]:
        """The index page of a kind of entity, and its letter pages when it has them."""
        letters = tuple((letter.label, letter.url, len(letter.entities)) for letter in d.letters)
        shown = d.most_named if d.letters else d.entities
        specs = [PageSpec(f"{d.url}index.html", "entities.html",
                          (("kind", d.kind), ("entities", shown), ("total", len(d.entities)), ("letters", letters),
                           ("letter", None)),
                          digest_of(d.kind, str(len(d.entities)), repr(letters), *self.lines_of(shown, listed)))]
        for x in d.letters:  # every letter page links to the others, with their counts
            lent = self.lent.get(x)
            if lent is not None and dict(lent.values)["letters"] == letters and dict(lent.values)["total"] == len(d.entities):
                self.made[x] = lent
                specs.append(lent)
                continue
            self.made[x] = spec = PageSpec(
                f"{x.url}index.html", "entities.html",
                (("kind", d.kind), ("entities", x.entities), ("total", len(d.entities)), ("letters", letters),
                 ("letter", x.label)),
                digest_of(d.kind, x.label, repr(letters), *self.lines_of(x.entities, listed)))
            specs.append(spec)
        return specs

    def line(self, value: Any, make: Callable[[Any], str]) -> str:
        """A model object's line in a listing digest, lent by the last build for this very object."""
        lent, made = self.line_maps(make.__name__)
        return lent.lend_each((value,), make, made)[0]

    def lines_of(self, values: Sequence[Any], make: Callable[[Any], str]) -> list[str]:
        """line() of each value (the sitemap's 10,000 releases, on every build)."""
        lent, made = self.line_maps(make.__name__)
        return lent.lend(values, make, made)

    def line_maps(self, kind: str) -> tuple[ByIdentity[str], ByIdentity[str]]:
        """The last build's lines of this kind, and this build's (see next_map)."""
        lent = self.lent_lines.get(kind) or ByIdentity()
        made = self.lines.get(kind)
        if made is None:
            made = self.lines[kind] = next_map(lent, self.runs)
        return lent, made

    def keys_of(self, entries: tuple[Entry, ...]) -> list[str]:
        return [self.entry_keys[entry.slug] for entry in entries]

    def sitemap_urls(self, page_paths: Sequence[str]) -> Computed:
        """(loc, lastmod) of each of these HTML pages, in the order of their paths, lastmod taken
        from the releases it shows; each made as the template reads it (50,000 held at once: 15 MB)."""
        lastmod = self.lastmods
        base_url = self.config.base_url
        return Computed(sorted(page_paths), lambda path: {"loc": base_url + path.removesuffix("index.html"),
                                                          "lastmod": lastmod.get(path.removesuffix("index.html"))})

    def sitemap_index(self, parts: tuple[tuple[str, tuple[str, ...]], ...]) -> list[dict[str, Any]]:
        """(loc, lastmod) of each sitemap of a big site: lastmod is the newest of its pages'."""
        lastmod = self.lastmods
        newest = [max((found for path in paths if (found := lastmod.get(path.removesuffix("index.html")))), default=None)
                  for _, paths in parts]
        return [{"loc": self.config.base_url + name, "lastmod": when} for (name, _), when in zip(parts, newest)]

    @functools.cached_property
    def lastmods(self) -> dict[str, dt.datetime | None]:
        """Page URL (site-relative) -> the time of the newest release it shows; made once for the
        sitemap index and all its parts (8 sitemaps of 317,000 pages at 100,000 releases)."""
        site = self.site
        lastmod: dict[str, dt.datetime | None] = {"": site.updated, "weeks/": site.updated, "topics/": site.updated,
                                                  "search/": site.updated}
        lastmod.update({week.url: week.updated for week in site.weeks})
        for topic in site.topics:
            lastmod[topic.url] = topic.updated
            lastmod.update({group.page_url: max(e.document.distributed_at for e in group.releases) for group in topic.weeks})
        lastmod.update({entry.url: entry.document.distributed_at for entry in site.releases})
        lastmod.update({f"{folder}/": site.updated for folder in ENTITY_FOLDERS.values()})
        lastmod.update({letter.url: site.updated for d in site.directories for letter in d.letters})
        lastmod.update({entity.url: entity.updated for entity in site.entities()})
        return lastmod


def sitemap_specs(pages: tuple[PageSpec, ...], digest: str) -> list[PageSpec]:
    """The sitemap of these pages: sitemap.xml, or, past SITEMAP_URLS pages, sitemap1.xml,
    sitemap2.xml, ... of like size (at the site's root: a sitemap may list only URLs below its
    own folder) and sitemap.xml as their index. `digest`: what decides the pages and their dates.

    A part takes a run of the pages in the plan's order; each part lists its run sorted. The
    pages' paths are read only when a sitemap is rendered: reading 40,000 of them on every build
    cost more than the rest of a dev-server edit's plan of the sitemap."""
    if len(pages) <= SITEMAP_URLS:
        return [PageSpec("sitemap.xml", "sitemap.xml", (("pages", pages),), digest, published=True)]
    count = -(-len(pages) // SITEMAP_URLS)
    parts = tuple((f"sitemap{k + 1}.xml", pages[len(pages) * k // count:len(pages) * (k + 1) // count])
                  for k in range(count))
    return [PageSpec("sitemap.xml", "sitemap_index.xml", (("parts", parts),), digest_of(digest, "index", str(count)),
                     published=True),
            *(PageSpec(name, "sitemap.xml", (("pages", part),), digest_of(digest, name, str(count)), published=True)
              for name, part in parts)]


def alternate_specs(specs: list[PageSpec], outputs: tuple[tuple[str, tuple[str, ...]], ...]) -> list[PageSpec]:
    """The theme's alternate outputs: weeks/2024-w44/index.html from week.html also gives index.txt from week.txt."""
    extras = dict(outputs)
    if not extras:
        return []
    return [replace(spec, path=PurePosixPath(spec.path).with_suffix(PurePosixPath(extra).suffix).as_posix(),
                    template=extra, source=spec.template)
            for spec in specs for extra in extras.get(spec.template, ())]


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


class Context(jinja2.runtime.Context):
    """Jinja's template context, calling macros and plain functions (url(), timeline()) directly.

    Every call in a template goes through Context.call, which asks the callable, and then its
    __call__, whether it wants the context, its eval context or the environment passed in. A
    macro never does, and a plain function does only when pass_context (or its kin) has set
    jinja_pass_arg on it: for those two, asking costs more than the call (an eighth of rendering
    the site). Every other callable, and such a function, goes to Jinja's own call.
    """

    @internalcode
    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's names)
        kind = type(__obj)
        if kind is jinja2.runtime.Macro or (kind is FunctionType and "jinja_pass_arg" not in __obj.__dict__):
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined("value was undefined because a callable raised a"
                                                    " StopIteration exception")
        return super().call(__obj, *args, **kwargs)


def make_environment(theme: Theme, config: Config, compiled: Path | None = None) -> jinja2.Environment:
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
        loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
        # HTML and XML are escaped; plain text (robots.txt, a theme's week.txt) is not: it shows & as &
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True, default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.context_class = Context
    env.filters.update({
        "long_date": long_date,
        "short_date": short_date,
        "date_range": date_range,
        "iso": iso,
        "clock": clock,
        "country_name": country_name,
        "web_url": web_url,
        "json": to_json,
        "plural": plural,
    })
    env.globals["timeline"] = timeline  # charts: timeline(topic.releases) -> Timeline
    env.globals["json_feed"] = json_feed  # feed.json: json_feed(feed, entries)|json
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


def plural(n: int, one: str, many: str) -> str:
    """{{ n|plural("release", "releases") }}: "1 release", "3 releases". A filter, not a macro: a
    listing of entities shows a count on every line, and a macro call costs ten times a filter's."""
    return f"{n} {one if n == 1 else many}"


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


def to_json(value: Any) -> str:
    """Plain data as JSON text: keys in the order given, non-ASCII as it is, indented by two spaces.

    Every string is escaped by the serialiser, so untrusted text (a title with quotes or
    </script>) stays a JSON string; templates never build JSON by hand.
    """
    return json.dumps(value, ensure_ascii=False, indent=2)


# --- JSON Feed ---------------------------------------------------------------------------------


@jinja2.pass_context
def json_feed(context: jinja2.runtime.Context, feed: Feed, entries: list[dict[str, Any]],
              content: Callable[[dict[str, Any]], str] | None = None,
              summary: Callable[[dict[str, Any]], str] | None = None) -> dict[str, Any]:
    """A JSON Feed 1.1 document as plain dicts and lists, for the `json` filter.

    Release entries give their own content (the text as HTML) and summary; other entries (the
    weeks of the digest feed) take theirs from the template's macros `content` and `summary`.
    Ids are the items' absolute URLs, as in the Atom feeds.
    """
    config, url = context["config"], context["url"]
    return {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": url(feed.page),
        "feed_url": url(feed.json),
        "description": feed.description,
        "language": config.language,
        "authors": [{"name": config.author or config.title}],
        "items": [json_release(entry, url) if "release" in entry else json_entry(entry, url, content, summary)
                  for entry in entries],
    }


def json_release(entry: dict[str, Any], url: Callable[[str], str]) -> dict[str, Any]:
    """One release as a JSON Feed item."""
    release: Entry = entry["release"]
    doc = release.document
    item: dict[str, Any] = {"id": url(release.url), "url": url(release.url), "title": doc.title or long_date(doc.date),
                            "content_html": str(entry["body"])}
    if doc.summary:
        item["summary"] = doc.summary
    item["date_published"] = item["date_modified"] = iso(doc.distributed_at)
    if doc.issuer:
        item["authors"] = [{"name": doc.issuer}]
    item["tags"] = [topic.name for topic in release.topics]
    return item


def json_entry(entry: dict[str, Any], url: Callable[[str], str], content: Callable[[dict[str, Any]], str] | None,
               summary: Callable[[dict[str, Any]], str] | None) -> dict[str, Any]:
    """One week of the digest feed as a JSON Feed item; its HTML and summary come from the theme."""
    week = entry["week"]
    if content is None:
        raise ValueError("json_feed: entries that are not releases need content, a macro giving their HTML")
    item: dict[str, Any] = {"id": url(week.url), "url": url(week.url), "title": week_title(week.label),
                            "content_html": str(content(entry)).strip()}
    if summary is not None:
        item["summary"] = Markup(summary(entry)).striptags()  # the macro's text, unescaped: plain text
    item["date_published"] = iso(min(e.document.distributed_at for e in week.releases))
    item["date_modified"] = iso(week.updated)
    item["tags"] = [topic.name for topic in entry["topics"]]
    return item


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


@record
class Highlight:
    """Words of a release to mark in its text: an entity's name linking to its page, or a figure."""

    text: str  # as written in the release: "Lloyd J. Austin III", "about 200 ballistic missiles"
    href: str  # the link, relative to the page; "" for a figure (marked, not linked)
    kind: str  # "person", "country", "org" or "figure": the element's class is "hl hl-<kind>"
    title: str = ""  # a tooltip: the entity's page name, or the figure's object


class Highlighter(Treeprocessor):
    """Link each entity's first mention in the text to its page and mark each figure's first mention.

    Matches whole words, longest first, outside links and code. The words come from the
    release's own annotations, so nothing is added to the text: only elements around it.
    """

    SKIP = frozenset({"a", "code", "pre"})

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.highlights: tuple[Highlight, ...] = ()

    def run(self, root: etree.Element) -> None:
        wanted = {h.text: h for h in sorted(self.highlights, key=lambda h: (h.kind == "figure", -len(h.text), h.text))
                  if h.text.strip()}
        if not wanted:
            return
        self.pending, self.wanted = {self.target(h) for h in wanted.values()}, wanted
        self.walk(root)

    def matches(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, words) of each whole-word mention, left to right, the longest where several
        start at one place; what a regex of the words, longest first, between (?<![\\w-]) and
        (?![\\w-]), finds. Searched word by word: compiling that regex for every release (a
        different one each) took longer than the rest of making its page."""
        found = []
        for words in self.wanted:
            start = text.find(words)
            while start != -1:
                end = start + len(words)
                if not (start and is_word(text[start - 1])) and not (end < len(text) and is_word(text[end])):
                    found.append((start, -len(words), words))
                start = text.find(words, start + 1)
        found.sort()
        after = 0
        for start, minus, words in found:
            if start >= after:
                after = start - minus
                yield start, after, words

    @staticmethod
    def target(highlight: Highlight) -> str:
        """What a highlight stands for: an entity's page (any of its names) or a figure's words."""
        return highlight.href or f"\x00{highlight.text}"

    def walk(self, element: etree.Element) -> None:
        if element.tag in self.SKIP or not self.pending:
            return
        element.text, made = self.split(element.text)
        for i, child in enumerate(made):
            element.insert(i, child)
        for child in list(element):
            if child in made:
                continue
            self.walk(child)
            child.tail, after = self.split(child.tail)
            position = list(element).index(child) + 1
            for j, new in enumerate(after):
                element.insert(position + j, new)

    def split(self, text: str | None) -> tuple[str | None, list[etree.Element]]:
        """The text before the first highlight, and the new elements (each with the text after it as tail)."""
        if not text or not self.pending:
            return text, []
        head: str | None = None
        made: list[etree.Element] = []
        last = 0
        for start, end, words in self.matches(text):
            found = self.wanted[words]
            if self.target(found) not in self.pending:
                continue
            self.pending.discard(self.target(found))
            element = etree.Element("a" if found.href else "mark")
            element.set("class", f"hl hl-{found.kind}")
            if found.href:
                element.set("href", found.href)
            if found.title and found.title != found.text:
                element.set("title", found.title)
            element.text = words
            if made:
                made[-1].tail = text[last:start]
            else:
                head = text[:start]
            made.append(element)
            last = end
        if not made:
            return text, []
        made[-1].tail = text[last:]
        return head, made


def is_word(char: str) -> bool:
    """A character of a word, as the regex class [\\w-] has it."""
    return char.isalnum() or char in "_-"


def make_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(SafeLinks(md), "safe_links", -10)  # after 'unescape' (0): sees final values
    md.treeprocessors.register(Highlighter(md), "highlight", -20)
    return md


_MARKDOWN = make_markdown()

# The characters without which an inline pattern of Python-Markdown cannot match: each of their
# regexes needs one of them. Every text the inline patterns see is a piece of the release text
# with placeholders (made of \x02, \x03, letters and digits) in place of what matched before, so
# a pattern whose characters are all absent from the release text never matches in it. Trying
# each pattern on each paragraph anyway was a third of converting a release. A pattern not named
# here is always tried.
NEEDS = {
    "backtick": "`", "escape": "\\", "autolink": "<", "automail": "<", "entity": "&", "em_strong": "*_",
    **dict.fromkeys(("reference", "link", "image_link", "image_reference", "short_reference", "short_image_ref"), "["),
}
NEEDED = frozenset("".join(NEEDS.values()))  # the characters render_markdown looks for in a text


@functools.lru_cache(maxsize=None)  # at most one per subset of NEEDED: 128
def inline_patterns(present: frozenset[str]) -> Registry:
    """The inline patterns that can match in a text where, of the characters of NEEDS, only
    `present` occur: the Markdown's own, in their order, less those that cannot."""
    kept = _MARKDOWN.inlinePatterns[:]  # a copy: the same patterns, names and priorities
    for name, needed in NEEDS.items():
        if name in kept and present.isdisjoint(needed):
            kept.deregister(name)
    return kept


@functools.lru_cache(maxsize=4096)
def feed_body(text: str) -> Markup:
    """A release text as feeds show it (no highlights), kept between builds: a site feed and a
    topic's feed hold up to feed_items releases each, and an edit should render only its own text."""
    return render_markdown(text)


def render_markdown(text: str, highlights: tuple[Highlight, ...] = ()) -> Markup:
    """Markdown to HTML; raw HTML in the text is shown as text, never passed through.

    `highlights`: names and figures to link or mark in the text (see Highlighter).
    """
    highlighter = _MARKDOWN.treeprocessors["highlight"]
    inline = _MARKDOWN.treeprocessors["inline"]
    highlighter.highlights = highlights
    inline.inlinePatterns = inline_patterns(NEEDED.intersection(text))  # what its loop over patterns reads
    try:
        return Markup(_MARKDOWN.reset().convert(text))
    finally:
        highlighter.highlights = ()
        inline.inlinePatterns = _MARKDOWN.inlinePatterns
