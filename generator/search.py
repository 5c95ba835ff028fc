"""Search with no server: Pagefind indexes the release pages of the built site.

Pagefind (https://pagefind.app, on PyPI as `pagefind[bin]`) reads the built HTML and writes
output/pagefind/: the index in small fragments, which the browser fetches as the reader types,
and the search UI's script and stylesheet. Only release pages are indexed (the theme marks
their text with data-pagefind-body and their topic, week, people and countries with
data-pagefind-filter). The index is made in the staging folder before it is swapped in, so
output/ is never half-indexed, and only when a release page changed.

When Pagefind is missing or fails, the site is built without search: `config.search` is
false, so the theme shows no search box, and the build says `search: off (<reason>)`.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterable

from generator.records import record
from generator.write import STAGING, count_files, remove_leftovers, same_bytes, swap_in

INDEX_DIR = "pagefind"  # output/pagefind/, where the theme's search page loads it from
INDEXED = "releases/*/index.html"  # the pages Pagefind reads; the others carry no data-pagefind-body
ENTRY = "pagefind-entry.json"  # the index's manifest: without it there is no usable index
BINARY_VARIABLE = "PAGEFIND_BINARY_PATH"  # Pagefind's own: the binary to use instead of the installed one
VERSION_TIMEOUT = 30
INDEX_TIMEOUT = 1800


@record
class Pagefind:
    """The Pagefind binary found, and its version (part of the index's key)."""

    path: Path
    version: str


class SearchOff(Exception):
    """Search cannot be offered; the message says why, for the line `search: off (<reason>)`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def find_pagefind() -> Pagefind:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH, else the `pagefind_bin` package's, else `pagefind` on PATH.

    Raises SearchOff when there is none or it does not run.
    """
    named = os.environ.get(BINARY_VARIABLE)
    if named:
        path: Path | None = Path(named)
        where = f"{named} (from {BINARY_VARIABLE})"
    else:
        path = bundled_binary() or which("pagefind")
        where = str(path)
    if path is None:
        raise SearchOff("Pagefind is not installed; pip install 'pagefind[bin]'")
    if not path.is_file():
        raise SearchOff(f"no Pagefind at {where}")
    try:
        done = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SearchOff(f"Pagefind at {where} does not run: {exc}") from None
    version = done.stdout.strip()
    if done.returncode != 0 or not version.lower().startswith("pagefind"):
        why = last_line(done.stderr or done.stdout) or f"exit {done.returncode}"
        raise SearchOff(f"Pagefind at {where} does not run: {why}")
    return Pagefind(path, version)


def pagefind_identity() -> str:
    """Which Pagefind a build would run, told without running it: its path, size and time."""
    named = os.environ.get(BINARY_VARIABLE)
    path = Path(named) if named else bundled_binary() or which("pagefind")
    try:
        stat = path.stat() if path else None
    except OSError:
        stat = None
    return f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}" if stat else f"{path}\0missing"


def bundled_binary() -> Path | None:
    """The binary of the `pagefind_bin` package (`pip install 'pagefind[bin]'`), if installed."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        return None
    try:
        return Path(get_executable())
    except (FileNotFoundError, OSError):
        return None


def which(name: str) -> Path | None:
    found = shutil.which(name)
    return Path(found) if found else None


def index_key(paths: Iterable[str], tool: Pagefind) -> str:
    """What an index is made from, but for the bytes of the pages: Pagefind's version and which
    pages it read. The build makes the index again when this changes or an indexed page's bytes do."""
    return hashlib.sha1("\n".join([tool.version, INDEXED, *sorted(filter(is_indexed, paths))]).encode("utf-8")).hexdigest()


def is_indexed(path: str) -> bool:
    """A page Pagefind reads (see INDEXED): releases/<slug>/index.html."""
    return path.startswith("releases/") and path.endswith("/index.html") and path.count("/") == 2


def has_index(site: Path) -> bool:
    return (site / INDEX_DIR / ENTRY).is_file()


@record
class IndexReport:
    files: int
    bytes: int
    seconds: float

    def line(self, releases: int) -> str:
        return (f"search: indexed {releases} release{'' if releases == 1 else 's'} in {self.seconds:.2f} s "
                f"({self.files} files, {self.bytes / 1_000_000:.1f} MB in {INDEX_DIR}/)")


def run_pagefind(tool: Pagefind, site: Path, dest: Path) -> IndexReport:
    """Index the release pages of the site in `site` into the folder `dest` (made; it must not exist)."""
    started = time.perf_counter()
    command = [str(tool.path), "--site", str(site), "--glob", INDEXED, "--output-path", str(dest), "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=INDEX_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(dest, ignore_errors=True)
        raise SearchOff(f"Pagefind failed: {exc}") from None
    if done.returncode != 0 or not (dest / ENTRY).is_file():
        shutil.rmtree(dest, ignore_errors=True)
        raise SearchOff(f"Pagefind failed: {last_line(done.stderr or done.stdout) or f'exit {done.returncode}'}")
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    return IndexReport(count_files(dest), size, time.perf_counter() - started)


@record
class StagedIndex:
    """The index put into the staging folder: which files are the old output's and which are new."""

    unchanged: int  # files with the same bytes as in the old output/pagefind/
    written: tuple[str, ...]  # output-relative paths of the files that are new or changed
    report: IndexReport | None  # None: the old index was kept as it was


def stage_index(staging: Path, output: Path, tool: Pagefind, due: bool) -> StagedIndex:
    """Put the index into the staged site before it is swapped in: a new one when `due`, else
    the old output's (hard links, nothing copied)."""
    old, new = output / INDEX_DIR, staging / INDEX_DIR
    if not due and has_index(output):
        kept = 0
        for path in sorted(old.rglob("*")):
            target = new / path.relative_to(old)
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, target)
                kept += 1
        return StagedIndex(kept, (), None)
    report = run_pagefind(tool, staging, new)
    files = sorted(path for path in new.rglob("*") if path.is_file())
    same = {path for path in files if same_bytes(old / path.relative_to(new), path.read_bytes())}
    written = tuple(path.relative_to(staging).as_posix() for path in files if path not in same)
    return StagedIndex(len(same), written, report)


def index_in_place(output: Path, tool: Pagefind) -> IndexReport:
    """Index output/ as it is into a folder beside output/pagefind/, then swap that in at once."""
    target = output / INDEX_DIR
    remove_leftovers(target)
    fresh = output / STAGING.format(name=INDEX_DIR, pid=os.getpid())
    shutil.rmtree(fresh, ignore_errors=True)
    report = run_pagefind(tool, output, fresh)
    swap_in(fresh, target)
    return report


def remove_index(output: Path) -> None:
    """Search is off: the old index goes (no page links to it any more)."""
    shutil.rmtree(output / INDEX_DIR, ignore_errors=True)


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
