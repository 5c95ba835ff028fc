"""The one module that calls every stage: it reads like the table of contents of a build.

A Builder remembers what it read and made (the Corpus of content files and the key of every
page), so a build after an edit reads the changed files and renders only the pages whose
inputs changed. The memory lives in the process for `watch` and `serve`, and in
SITE/.briefing-cache/ between runs of `briefing build`. Output is byte-identical either way.
"""
from __future__ import annotations

import contextlib
import copy
import datetime as dt
import gc
import hashlib
import itertools
import os
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Sequence

from generator import __version__
from generator.annotate import ANNOTATOR_VERSION
from generator.config import Config
from generator.errors import ContentError, Problem
from generator.ingest import future_dates, notes_of, read_releases
from generator.model import build_site
from generator.records import Document, record
from generator.parallel import run_parts, shares, split, trim_memory
from generator.render import PageSpec, PlanMemory, RenderPlan, Templates, plan_changes
from generator.search import (Pagefind, SearchOff, find_pagefind, has_index, index_in_place, index_key, is_indexed,
                              pagefind_identity, remove_index, stage_index)
from generator.sync import (Ahead, AnnotatedFile, Corpus, IngestReport, Listings, annotate_ahead, documents_of,
                            list_releases, listing, new_corpus, refresh_annotated, warnings_of)
from generator.sync import ingest as ingest_corpus
from generator.theme import Theme, resolve_theme
from generator.write import (PATCH_LIMIT, Staged, Stager, WriteReport, check_output_dir, patch_output, same_bytes,
                             stage_pages, write_output)

CACHE_DIR = ".briefing-cache"
CACHE_FILE = "state.pickle"
JOURNAL_FILE = "journal.pickle"  # what each build changed since the snapshot in CACHE_FILE
COMPACT_SHARE = 0.05  # a journal with more entries than this share of the files and pages is folded into a new snapshot
COMPACT_MIN = 100  # ... plus this many
STAMP_FILE = "unchanged.pickle"
def code_digest() -> str:
    """A digest of Briefing's own code and data: a cache made by other code is not used."""
    root = Path(__file__).parent
    digest = hashlib.sha1()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".tsv", ".js", ".css", ".html", ".txt"):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


CACHE_FORMAT = f"{__version__}/{ANNOTATOR_VERSION}/{code_digest()}"  # a cache of another format is ignored


@record
class BuildReport:
    ingest: IngestReport
    documents: int
    pages: int
    write: WriteReport | None
    problems: tuple[Problem, ...] = field(default=())  # every content problem, ingest included
    rendered: int = 0  # pages rendered by this build, static files aside (the others' inputs did not change)
    search: str = ""  # a line about the search index when there is news: made, kept from the last full build, or off
    warnings: tuple[Problem, ...] = ()  # what is built all the same (not UTF-8, a date in the future); --strict fails on them


@dataclass
class State:
    """What a Builder remembers between builds."""

    format: str
    config_digest: str
    corpus: Corpus
    output: str = ""  # the output folder the page keys describe
    page_keys: dict[str, str] = field(default_factory=dict)
    index_key: str = ""  # what output/pagefind/ was made from (search.index_key); "" when unknown
    memory: PlanMemory | None = None  # the last build's Site and page specs, so the next process starts from them
    parsed: dict[str, tuple[tuple[str | None, ...], bool]] = field(default_factory=dict)  # Templates.parsed
    generation: str = ""  # names this snapshot; the journal beside it applies only to the same generation


class Builder:
    """Builds one site again and again, redoing only what changed."""

    def __init__(self, output: Path | None = None, *, use_cache: bool = True, in_place: bool = False,
                 today: dt.date | None = None):
        self.output = output
        self.today = today  # the day dates are checked against (a date in the future); None: the site's today
        self.use_cache = use_cache  # read and write SITE/.briefing-cache/
        self.in_place = in_place  # update output/ file by file (the dev server) instead of swapping it whole
        self.state: State | None = None
        self.templates: Templates | None = None
        self.memory = PlanMemory()  # the last Site and its page specs, lent to the next build
        self.built = False  # output/ was written by this Builder, so its page keys can be trusted as they are
        self.search: Pagefind | SearchOff | None = None  # Pagefind, looked for on the first build that wants search
        self.state_saved = False  # SITE/.briefing-cache/ (snapshot and journal) holds this Builder's state
        self.base: Base | None = None  # the state as saved, to tell what a build changed
        self.journaled = 0  # entries in the journal since the snapshot
        self.pending = False  # a change of output/ is marked in the journal and not yet closed by a delta

    def build(self, config: Config, changed: Iterable[str] | None = None) -> BuildReport:
        """Ingest what is new or changed, then bring output/ up to date.

        `changed`: the site-relative paths a watcher saw change; when they are all files under
        content/, only those are looked at. None (or anything else changed): every file is.
        """
        output = (self.output or config.site_dir / "output").absolute()
        check_output_dir(output, config.site_dir)
        theme = resolve_theme(config)
        today = self.today or today_in(config)
        first = self.state is None and self.use_cache and not self.in_place and changed is None
        inputs: Inputs = ()
        listings: Listings | None = None
        ahead: Ahead | None = None
        if first:  # a new `briefing build`: when no input changed since the last one, its report stands
            listings = {}  # the folders as listed for the digest: ingest lists and stats them no more
            inputs = read_inputs(config, theme, listings=listings)
            unchanged = unchanged_since_last(config, inputs, output, today)
            if unchanged is not None:
                return unchanged
            since = stamp_time(config)
            forget_stamp(config)
            if since:  # releases saved since the last build are annotated while the cache loads
                ahead = annotate_ahead(config, listings, since)
        try:
            state = self.state_for(config)
            report = ingest_corpus(state.corpus, config, content_only(changed, config) if state.corpus.releases or
                                   state.corpus.annotated else None, listings, ahead)
        finally:
            if ahead:
                ahead.close()
        listings = None  # not kept through the render
        documents, problems = documents_of(state.corpus)
        search = self.search_for(config)
        try:
            rendered, written, search_line, pages = self.make(config, theme, state, documents, output, search)
        except SearchOff as failed:  # Pagefind failed on this site: the site is made again without search
            self.search = failed
            rendered, written, search_line, pages = self.make(config, theme, state, documents, output, failed)
        self.built = True
        if self.use_cache and not self.in_place and (report.written or report.removed or written.written or written.removed
                                                     or report.merged or not self.state_saved or self.pending):
            self.save_state(config, state, big=rendered > PATCH_LIMIT)
        all_problems = tuple(sorted(set(report.problems) | set(problems)))
        warnings = warnings_of(state.corpus, today)
        done = BuildReport(replace(report, warnings=warnings), len(documents), pages, written, all_problems,
                           rendered, search_line, warnings=warnings)
        if first:  # the inputs as read before the build, and content/annotated/ again when ingest wrote there
            if report.written or report.removed or report.merged:
                inputs = read_inputs(config, theme, again=frozenset({"annotated"}), last=inputs)
            save_stamp(config, inputs, output, today, done, isinstance(self.search, Pagefind) and config.search)
        return done

    def make(self, config: Config, theme: Theme, state: State, documents: list[Document], output: Path,
             search: Pagefind | SearchOff) -> tuple[int, WriteReport, str, int]:
        """Render what changed and bring output/ and its search index up to date; raises SearchOff
        when Pagefind fails (output/ then holds no half-made index). Returns the number of pages
        rendered, what was written, the search line and the site's page count."""
        tool = search if isinstance(search, Pagefind) else None
        config = config if tool else replace(config, search=False)  # the theme then shows no search box
        templates = self.templates_for(theme, config)  # a new configuration or theme forgets the memory
        with no_collection(freeze=not self.in_place):  # the model and its plan live until the build ends
            site = build_site(documents, config, self.memory.site)
            previous = trusted_keys(state, output, trust=self.in_place and self.built)
            self.memory.runs = self.in_place  # builds follow one another in this process: runs pay (see ByIdentity)
            plan = plan_changes(site, config, theme, previous, templates, self.memory)
        paths = plan.keys  # every page's path (the plan's keys, in its order)
        removed = sorted(itertools.filterfalse(paths.__contains__, previous))  # the last build's pages this one has not
        known = state.index_key if state.output == str(output) and has_index(output) else ""  # output/pagefind/'s
        line = "" if tool else f"search: off ({search.reason})"
        if self.in_place and output.is_dir():
            forget_cache(config)  # the cache on disk no longer describes output/ once it is touched
            written = patch_output(rendering(plan), output, removed)  # every page made before any is renamed in
            state.output, state.page_keys = str(output), plan.keys
            if tool is None:
                remove_index(output)
                state.index_key = ""
            elif not has_index(output):
                line = index_in_place(output, tool).line(len(site.releases))
                state.index_key = index_key(paths, tool)
            else:  # indexing 10,000 releases takes far longer than a live-preview edit may: the index stays
                touched = any(is_indexed(path) for path in (*written.changed, *removed))
                state.index_key = "" if touched else known  # "": out of date, `briefing build` makes it again
                if not state.index_key:
                    line = "search: index from the last full build (briefing build brings it up to date)"
            return len(plan.todo), written, line, len(plan.keys)
        key = index_key(paths, tool) if tool else ""
        if previous and key == known and not plan.todo and previous.keys() == paths.keys() \
                and all(same_bytes(output / page.path, page.content) for page in plan.static):
            written = WriteReport(0, len(plan.keys), 0)  # output/ is already exactly this site
        else:
            made: list[str] = []

            def finish(staging: Path, changed: Sequence[str]) -> tuple[int, tuple[str, ...]]:
                index = stage_index(staging, output, tool, due=key != known or any(map(is_indexed, changed)))
                made.extend([index.report.line(len(site.releases))] if index.report else [])
                return index.unchanged, index.written

            patch = bool(previous) and output.is_dir() and len(plan.todo) + len(removed) <= PATCH_LIMIT
            with self.changing_output(config):
                if patch:  # few files change: no copy of a 40,000-file site
                    written = patch_output(rendering(plan), output, removed)
                    written = replace(written, unchanged=len(plan.keys) - written.written)  # every other file stands
                else:
                    written = write_output(rendering(plan), output, plan.kept(), finish if tool else None)
            if patch and tool and (key != known or any(map(is_indexed, (*written.changed, *removed)))):
                made.append(index_in_place(output, tool).line(len(site.releases)))
            state.index_key, line = key, made[0] if made else line
        state.output, state.page_keys = str(output), plan.keys
        return len(plan.todo), written, line, len(plan.keys)

    @contextlib.contextmanager
    def changing_output(self, config: Config) -> Iterator[None]:
        """Around a change of output/: the cache on disk stops describing it until the build's
        delta is saved. A build killed in between leaves a journal ending in "begin", which the
        next build takes as no cache (rather than one whose page keys describe the old output).
        A write that fails changes nothing in output/, so it cancels the mark."""
        if not self.use_cache:
            yield
            return
        if self.state_saved:
            append_journal(config, ("begin",))
        else:
            forget_cache(config, stamp=False)
        self.pending = True
        try:
            yield
        except BaseException:
            if self.state_saved:
                append_journal(config, ("cancel",))
                self.pending = False
            raise

    def save_state(self, config: Config, state: State, big: bool) -> None:
        """Append what this build changed to the journal; or, when there is no snapshot, the
        journal has grown past a share of the site, or much was rendered (the snapshot's page
        plan, which later builds start from, is then far behind), write a new snapshot."""
        delta = delta_of(self.base, state) if self.base is not None and self.state_saved else None
        size = delta.size() if delta else 0
        limit = COMPACT_SHARE * (len(state.corpus.annotated) + len(state.page_keys)) + COMPACT_MIN
        if delta is not None and not big and self.journaled + size <= limit:
            append_journal(config, ("delta", delta))
            self.journaled += size
        else:
            save_cache(config, replace(state, memory=self.memory, generation=os.urandom(8).hex()))
            self.journaled = 0
        self.base = base_of(state)
        self.state_saved, self.pending = True, False

    def search_for(self, config: Config) -> Pagefind | SearchOff:
        """Pagefind, or why search is off (site.yaml says so, or Pagefind is missing or failed)."""
        if not config.search:
            return SearchOff("search: false in site.yaml")
        if self.search is None:
            try:
                self.search = find_pagefind()
            except SearchOff as missing:
                self.search = missing
        return self.search

    def state_for(self, config: Config) -> State:
        digest = config_digest(config)
        if self.state is None or self.state.config_digest != digest:
            loaded, self.journaled = load_cache(config, digest) if self.use_cache else (None, 0)
            self.state = loaded or State(CACHE_FORMAT, digest, new_corpus(config))
            self.state_saved = loaded is not None  # the cache on disk is this state (not one of other code or settings)
            self.memory = loaded.memory if loaded and loaded.memory else PlanMemory()
            self.state.memory = None  # the Builder holds it from now on
            self.base = base_of(self.state) if loaded else None
        return self.state

    def templates_for(self, theme: Theme, config: Config) -> Templates:
        """The compiled templates of the last build, unless the theme or configuration changed."""
        if self.templates is None or self.templates.theme != theme or self.templates.config != config:
            if self.templates is not None:  # a memory loaded from the cache was made with this configuration
                self.memory = PlanMemory()
            compiled = config.site_dir / CACHE_DIR / "templates" if self.use_cache else None
            self.templates = Templates(theme, config, compiled, self.state.parsed if self.state else None)
        return self.templates

    def save(self, config: Config) -> None:
        """Write the memory to SITE/.briefing-cache/ (the dev server does this when it stops)."""
        if self.use_cache and self.state is not None:
            save_cache(config, replace(self.state, memory=self.memory, generation=os.urandom(8).hex()))


def content_only(changed: Iterable[str] | None, config: Config) -> frozenset[str] | None:
    """The changed paths when they are all files under content/releases or content/annotated."""
    if changed is None:
        return None
    paths = frozenset(changed)
    for path in paths:
        if not path.startswith(("content/releases/", "content/annotated/")) or (config.site_dir / path).is_dir():
            return None
    return paths


def trusted_keys(state: State, output: Path, trust: bool) -> dict[str, str]:
    """The page keys that still describe files in output/; none when output/ is another folder."""
    if state.output != str(output) or not output.is_dir():
        return {}
    if trust:
        return state.page_keys  # this Builder wrote output/ itself
    # No Path per page (half the time for 40,000 pages), and os.access rather than isfile: no
    # stat_result made per page, a third less time.
    base, access, exists = f"{output}{os.sep}", os.access, os.F_OK
    return {path: key for path, key in state.page_keys.items() if access(base + path, exists)}


def config_digest(config: Config) -> str:
    """The settings, wherever the site is: `--site .` and `--site /path/to/site` share the cache."""
    return hashlib.sha1(repr(replace(config, site_dir=Path("."))).encode("utf-8")).hexdigest()


RENDER_BATCH = 4096  # pages rendered by the processes of one batch, about (see rendering)
BIG_RENDER = 100_000  # more pages than this to render: batches of SMALL_BATCH pages (see render_batches)
SMALL_BATCH = 1024
WIDE_PAGES = 100  # a template with fewer pages than this to render makes pages that list much of the site


def rendering(plan: RenderPlan) -> Stager:
    """Render the plan's pages into the staging folder, shared among the cores: each process
    renders and stages every n-th page. Template problems of every process are raised together.

    Memory: a forked process shares the build's memory until one of the two touches a page of it
    (rendering touches every object it reads: its reference count changes), and from then on both
    hold a copy as long as the child lives. So the children live for one batch of pages each, in
    the plan's order (the pages of a batch read releases near each other), and the pages that
    read the whole site (sitemap, feeds, listings: those of a template with few pages) are
    rendered at the end with no child alive, so that they copy nothing. At 100,000 releases,
    children living through the whole render held about 1.4 GB of copies. Each batch takes its
    share of every template's pages (see render_batches), so that the pages that list a week's
    releases (5,000 of them at 100,000 releases, which read every release between them) are
    spread over the batches: in one batch, they made its child copy 600 MB."""
    def stage(staging: Path, output: Path, link: bool) -> Staged:
        def work(specs: Sequence[PageSpec]) -> tuple[Staged, tuple[Problem, ...]]:
            staged = stage_pages(plan.render(specs), staging, output, link)
            return staged, tuple(plan.renderer.problems)
        trim_memory()  # before the first child is forked, which would count it again
        results = [result for batch, processes in render_batches(plan.todo)
                   for result in run_parts(work, split(batch, processes))]
        plan.raise_problems(problem for _, found in results for problem in found)
        return sum((staged for staged, _ in results), stage_pages(plan.static, staging, output, link))
    return stage


def render_batches(todo: Sequence[PageSpec]) -> list[tuple[Sequence[PageSpec], int]]:
    """The pages to render as (batch, processes to share it), in the order to render them: see rendering.

    A batch's children copy what its pages read, so the smaller the batch, the less they copy at
    once; but each batch costs a fork and its children's first reads again. Measured on tmpfs
    (/tmp/prof/peak.py, not committed): at 100,000 releases (317,000 pages), the render-only
    cold build's render phase went from 1,907-2,051 MB with batches of 4,096 pages to 1,760-1,880
    MB with 1,024, in 297 s against 288 s; at 10,000 releases (42,500 pages), batches of 1,024
    took 5 % longer (25.4 and 27.2 s against 24.3 and 25.3 s), for a peak far below Hugo's. So
    the batches are small only for a site of more than BIG_RENDER pages to render."""
    processes = shares(len(todo))
    if processes == 1:
        return [(todo, 1)]
    by_template: dict[str, list[PageSpec]] = {}
    for spec in todo:
        by_template.setdefault(spec.template, []).append(spec)
    narrow = [specs for specs in by_template.values() if len(specs) >= WIDE_PAGES]
    wide = [spec for spec in todo if len(by_template[spec.template]) < WIDE_PAGES]
    size = SMALL_BATCH if len(todo) > BIG_RENDER else RENDER_BATCH
    count = -(-sum(map(len, narrow)) // size)  # batches of at most `size` pages
    batches = [[spec for specs in narrow for spec in specs[len(specs) * k // count:len(specs) * (k + 1) // count]]
               for k in range(count)]  # batch k: the k-th of `count` runs of each template's pages, in order
    return [(batch, shares(len(batch))) for batch in batches] + ([(wide, 1)] if wide else [])


# ---------------------------------------------------------------- the cache on disk

def cache_path(config: Config) -> Path:
    return config.site_dir / CACHE_DIR / CACHE_FILE


def journal_path(config: Config) -> Path:
    return config.site_dir / CACHE_DIR / JOURNAL_FILE


def load_cache(config: Config, digest: str) -> tuple[State | None, int]:
    """The saved state (the snapshot, with its journal applied) and the number of entries in
    that journal, when it was made by this version for this configuration; else (None, 0).

    The cache is Briefing's own file inside the site (like .git/); it is trusted like the site's
    other files. Anything unreadable is ignored: the build then starts from nothing.
    """
    try:
        with cache_path(config).open("rb") as handle, no_collection():
            state = read_snapshot(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError,
            IndexError, KeyError):
        return None, 0
    if not isinstance(state, State) or state.format != CACHE_FORMAT or state.config_digest != digest:
        return None, 0
    entries = 0
    try:
        with journal_path(config).open("rb") as handle:
            if pickle.load(handle) != ("generation", state.generation):
                return state, 0  # the journal of an older snapshot (the build was killed before replacing it)
            open_change = False
            while True:
                try:
                    frame = pickle.load(handle)
                except EOFError:
                    break
                if frame[0] == "begin":
                    open_change = True
                elif frame[0] == "cancel":
                    open_change = False
                elif frame[0] == "delta":
                    frame[1].apply(state)
                    entries += frame[1].size()
                    open_change = False
            if open_change:  # output/ was being changed when that build was killed
                return None, 0
    except FileNotFoundError:
        return state, 0
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError, IndexError):
        return None, 0
    return state, entries


@contextlib.contextmanager
def no_collection(freeze: bool = True) -> Iterator[None]:
    """Python's cycle collector off while a million objects that live for the whole build are made
    (it would scan them again and again: three quarters of the time of loading the cache), and
    then, with `freeze`, told to leave them alone (gc.freeze), which also spares forked processes
    copying them. The dev server, which lives for many builds, does not freeze: whatever cyclic
    garbage there is at that moment would stay for good."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        if freeze:
            gc.freeze()


def save_cache(config: Config, state: State) -> None:
    """Write a new snapshot, then a new journal holding only its generation (a build killed
    between the two leaves the old journal, which names another generation and is ignored)."""
    path = cache_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    trim_memory()
    with tmp.open("wb") as handle, no_collection():
        write_snapshot(state, handle)
    os.replace(tmp, path)
    journal = journal_path(config)
    tmp = journal.with_name(f".{journal.name}.tmp-{os.getpid()}")
    tmp.write_bytes(pickle.dumps(("generation", state.generation), protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, journal)


SNAPSHOT_PART = 50_000  # annotated files per pickle of a snapshot (see write_snapshot)


def write_snapshot(state: State, handle: BinaryIO) -> None:
    """The state as a series of pickles: the state without its annotated files, plan memory and
    page keys; the annotated files, SNAPSHOT_PART at a time; the plan memory's Site; the rest
    of the plan memory and the page keys. An object that a later pickle shares with an earlier
    one is the same object again after loading: the Documents and Quotes of the annotated files
    (shared_objects), which the Site holds, and the Site's objects that the plan memory maps to
    their pages and lines (linked_objects).

    One pickle of the whole state would be simpler, but pickle remembers every object it wrote
    until the end (to write an object met again as a reference), in a table of 16 bytes per
    object that doubles as it fills: at 100,000 releases (13 million objects to remember) 512 MB,
    and 768 MB while it is copied into the doubled table, on top of the 1.8 GB the build holds.
    That was the peak memory of the whole build. A pickle of a part remembers that part's objects:
    written in these parts, the same state took 284 MB above it. The price: a string that two
    parts share is written and loaded once for each (at 100,000 releases the loaded state is 6 %
    larger; loading takes as long).

    A later pickle is told of the shared objects by numbers: its pickler starts with them in its
    table (as objects 0, 1, ...), and seed_memo puts them at the same numbers in the unpickler's.
    (pickle's persistent_id would do it too, but pickle calls it for every object it writes: a
    snapshot of 10,000 releases took 1.8 s to write instead of 1.1 s.)"""
    corpus, memory = state.corpus, state.memory
    files = list(corpus.annotated.items())
    shell = replace(state, corpus=replace(corpus, annotated={}), memory=None, page_keys={})
    parts = [files[start:start + SNAPSHOT_PART] for start in range(0, len(files), SNAPSHOT_PART)]
    shared = shared_objects(file for _, file in files)
    pickle.dump((shell, len(parts), len(shared)), handle, protocol=pickle.HIGHEST_PROTOCOL)
    for part in parts:
        pickle.dump(part, handle, protocol=pickle.HIGHEST_PROTOCOL)
    site, rest = (memory.site, copy.copy(memory)) if memory is not None else (None, None)
    if rest is not None:
        rest.site = None
    linked = linked_objects(rest)
    dump_seeded(handle, (site, linked), shared)
    dump_seeded(handle, (rest, state.page_keys), linked)


def read_snapshot(handle: BinaryIO) -> State:
    """What write_snapshot wrote; raises what pickle raises, or ValueError for another layout."""
    head = pickle.load(handle)
    if not (isinstance(head, tuple) and len(head) == 3 and isinstance(head[0], State)):
        raise ValueError("not a snapshot of this layout")
    state, count, shared_count = head
    annotated = state.corpus.annotated
    for _ in range(count):
        annotated.update(pickle.load(handle))
    shared = shared_objects(annotated.values())
    if len(shared) != shared_count:
        raise ValueError("the shared objects are not those written")
    site, linked = load_seeded(handle, shared)
    memory, state.page_keys = load_seeded(handle, linked)
    if memory is not None:
        memory.site = site
    state.memory = memory
    return state


def dump_seeded(handle: BinaryIO, value: object, seeds: list[object]) -> None:
    """Pickle `value`, writing each of `seeds` it holds as a reference to the unpickler's copy
    of it (see load_seeded)."""
    handle.write(seed_memo(len(seeds)))
    pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.memo = {id(obj): (number, obj) for number, obj in enumerate(seeds)}
    pickler.dump(value)


def load_seeded(handle: BinaryIO, seeds: list[object]) -> Any:
    """What dump_seeded wrote with the same seeds, holding those very objects."""
    unpickler = pickle.Unpickler(handle)
    unpickler.persistent_load = seeds.__getitem__
    unpickler.load()  # seed_memo's pickle
    return unpickler.load()


def linked_objects(memory: PlanMemory | None) -> list[object]:
    """The model objects the plan memory maps to their pages and lines, each once: they must be
    the Site's own objects after loading, or the next build would lend it nothing."""
    if memory is None:
        return []
    found: dict[int, object] = dict(memory.specs.objects)
    for lines in memory.lines.values():
        found.update(lines.objects)
    return list(found.values())


def shared_objects(files: Iterable[AnnotatedFile]) -> list[object]:
    """The objects of the annotated files that the plan memory holds too (its Site's entries hold
    the Documents, the quotes on people's pages their Quotes), each once, in an order both ends
    of the snapshot agree on."""
    found: dict[int, object] = {}
    for file in files:
        if file.document is not None:
            found.setdefault(id(file.document), file.document)
            for quote in file.document.quotes:
                found.setdefault(id(quote), quote)
    return list(found.values())


def seed_memo(count: int) -> bytes:
    """A pickle that puts persistent object 0, 1, ... count - 1 (the unpickler's persistent_load
    gives them) into the unpickler's memo as objects 0, 1, ...; it gives None. (An Unpickler's
    memo can be set from a dict, but with Python 3.11 those entries were not found by the load.)"""
    step = (pickle.BININT + b"%s" + pickle.BINPERSID + pickle.MEMOIZE + pickle.POP)
    body = b"".join(step % number.to_bytes(4, "little") for number in range(count))
    return pickle.PROTO + bytes([4]) + body + pickle.NONE + pickle.STOP


def append_journal(config: Config, frame: tuple) -> None:
    with journal_path(config).open("ab") as handle:
        handle.write(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
        handle.flush()


def forget_cache(config: Config, stamp: bool = True) -> None:
    cache_path(config).unlink(missing_ok=True)
    journal_path(config).unlink(missing_ok=True)
    if stamp:
        forget_stamp(config)


Base = tuple[dict, dict, dict, dict, dict]  # the State's dicts as saved: annotated, releases, problems, notes, page keys


def base_of(state: State) -> Base:
    corpus = state.corpus
    return (dict(corpus.annotated), dict(corpus.releases), dict(corpus.release_problems), dict(corpus.release_notes),
            dict(state.page_keys))


@record
class Delta:
    """What one build changed in the State: new or changed entries of its dicts, None for removed."""

    parts: tuple[dict, dict, dict, dict, dict]  # as Base
    output: str
    index_key: str
    parsed: dict

    def size(self) -> int:
        return sum(map(len, self.parts))

    def apply(self, state: State) -> None:
        corpus = state.corpus
        for target, changes in zip((corpus.annotated, corpus.releases, corpus.release_problems, corpus.release_notes,
                                    state.page_keys), self.parts):
            for key, value in changes.items():
                if value is None:
                    target.pop(key, None)
                else:
                    target[key] = value
        state.output, state.index_key, state.parsed = self.output, self.index_key, dict(self.parsed)


def delta_of(base: Base, state: State) -> Delta:
    def changes(old: dict, new: dict) -> dict:
        found = {key: value for key, value in new.items() if key not in old or (old[key] is not value and old[key] != value)}
        found.update((key, None) for key in old if key not in new)
        return found

    return Delta(tuple(changes(old, new) for old, new in zip(base, base_of(state))), state.output, state.index_key,
                 dict(state.parsed))


# ---------------------------------------------------------------- a rebuild with nothing changed

@record
class Stamp:
    """What the last `briefing build` read and made, to tell at once that nothing changed since.

    Like make, it trusts sizes and modification times: the inputs are the content files, the
    theme's files, the configuration, Briefing's code and Pagefind; output/ is trusted as the
    folder the build swapped in (the same folder, its top level untouched). The report is what
    a build would print with nothing changed; it holds the warnings of that day.
    """

    format: str
    config_digest: str
    inputs: str  # digest of the path, size and time of every input file
    output: str
    output_id: tuple[int, int, int]  # device, inode and time of output/
    today: dt.date
    report: BuildReport


def stamp_path(config: Config) -> Path:
    return config.site_dir / CACHE_DIR / STAMP_FILE


def forget_stamp(config: Config) -> None:
    stamp_path(config).unlink(missing_ok=True)


def stamp_time(config: Config) -> int:
    """When the last `briefing build` ended (its stamp's modification time, ns); 0 when unknown."""
    try:
        return stamp_path(config).stat().st_mtime_ns
    except OSError:
        return 0


Inputs = tuple[tuple[str, str], ...]  # (what: "pagefind", "releases", "annotated", "theme0", ...; its digest)


def read_inputs(config: Config, theme: Theme, again: frozenset[str] | None = None, last: Inputs = (),
                listings: Listings | None = None) -> Inputs:
    """The path, size and modification time of every file a build reads, digested folder by
    folder; Pagefind's when search is on. `again`: read only these parts again, and take the
    others from `last` (a build reads the folders once before it starts, and after it only
    content/annotated/, when ingest wrote there). `listings`: keeps the folders as listed, for ingest."""
    kept = dict(last)
    folders = [("releases", config.releases_dir), ("annotated", config.annotated_dir)]
    folders += [(f"theme{i}", folder) for i, folder in enumerate(dict.fromkeys(d.parent for d in theme.template_dirs
                                                                               + theme.static_dirs))]
    parts = [("pagefind", pagefind_identity() if config.search else "off")]
    for name, folder in folders:
        if again is not None and name not in again and name in kept:
            parts.append((name, kept[name]))
            continue
        digest = hashlib.sha1()
        for rel, _, _, size, mtime_ns in listing(folder, listings):
            digest.update(f"\0{rel}\0{size}\0{mtime_ns}".encode("utf-8"))
        parts.append((name, digest.hexdigest()))
    return tuple(parts)


def inputs_digest(inputs: Inputs) -> str:
    return hashlib.sha1(repr(inputs).encode("utf-8")).hexdigest()


def output_id(output: Path) -> tuple[int, int, int] | None:
    try:
        stat = output.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_mtime_ns


def unchanged_since_last(config: Config, inputs: Inputs, output: Path, today: dt.date) -> BuildReport | None:
    """The report of the last build when nothing it read changed and output/ is as it left it; else None."""
    try:
        with stamp_path(config).open("rb") as handle:
            stamp = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(stamp, Stamp) or stamp.format != CACHE_FORMAT or stamp.config_digest != config_digest(config) \
            or stamp.today != today or stamp.output != str(output) or stamp.output_id != output_id(output) \
            or not (output / "index.html").is_file():
        return None
    if stamp.inputs != inputs_digest(inputs):
        return None
    return stamp.report


def save_stamp(config: Config, inputs: Inputs, output: Path, today: dt.date, report: BuildReport, search: bool) -> None:
    """Remember this build's inputs (as read before it began, content/annotated/ as ingest left
    it) and the report a build with nothing changed would give."""
    made = output_id(output)
    if made is None:
        return
    ingest = report.ingest
    steady = replace(report, ingest=replace(ingest, written=(), removed=(), merged=(),
                                            unchanged=ingest.unchanged + len(ingest.written) + len(ingest.merged)),
                     write=WriteReport(0, report.pages, 0), rendered=0, search="" if search else report.search)
    stamp = Stamp(CACHE_FORMAT, config_digest(config), inputs_digest(inputs), str(output), made, today,
                  steady)
    path = stamp_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with tmp.open("wb") as handle:
        pickle.dump(stamp, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


# ---------------------------------------------------------------- one-shot commands

def build(config: Config, output: Path, use_cache: bool = True, today: dt.date | None = None) -> BuildReport:
    """One build: `briefing build`."""
    return Builder(output, use_cache=use_cache, today=today).build(config)


def ingest(config: Config, today: dt.date | None = None) -> IngestReport:
    """Annotate what is new or changed: `briefing ingest`."""
    corpus = new_corpus(config)
    report = ingest_corpus(corpus, config)
    return replace(report, warnings=warnings_of(corpus, today or today_in(config)))


def today_in(config: Config) -> dt.date:
    """The day it is in the site's time zone: the one clock a build reads, for dates in the future."""
    return dt.datetime.now(config.zone).date()


def load_documents(config: Config) -> tuple[list[Document], list[Problem]]:
    """Every annotated file, validated; bad files are reported and left out."""
    corpus = new_corpus(config)
    refresh_annotated(corpus, config)
    return documents_of(corpus)


@record
class CheckReport:
    problems: tuple[Problem, ...]  # what a build would report as errors
    warnings: tuple[Problem, ...]  # what it would build all the same


def check(config: Config, today: dt.date | None = None) -> CheckReport:
    """Every problem a build would meet, without writing anything: `briefing check`."""
    theme = resolve_theme(config)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    first: dict[str, str] = {}  # sha256 of a file's bytes -> the first file (by name) with them
    for source_file, path, _ in list_releases(config):
        if isinstance(path, Problem):
            problems.append(path)
            continue
        origin = f"content/releases/{source_file}"
        data = Path(path).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if sha in first:  # as documents_of reports it
            problems.append(Problem(origin, 0, "duplicate", f"the same bytes as content/releases/{first[sha]}; "
                                    "left out of the site (delete one of the two files)"))
            continue
        first[sha] = source_file
        try:
            found = read_releases(data, source_file, origin, config.zone)
        except ContentError as exc:
            problems.extend(exc.problems)
            found = ()
        notes = notes_of(data, source_file, origin, [(r.date, r.source_item) for r in found])
        warnings.extend(notes.encoding + future_dates(notes, origin, today or today_in(config)))
    documents, doc_problems = load_documents(config)
    plan = plan_changes(build_site(documents, config), config, theme, {})
    for _ in plan.render(plan.todo):  # every template problem, without keeping 40,000 pages in memory
        pass
    plan.raise_problems()
    return CheckReport(tuple(sorted(set(problems) | set(doc_problems))), tuple(sorted(set(warnings))))
