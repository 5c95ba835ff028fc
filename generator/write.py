"""Writing the built site: only changed bytes are written, and output/ is swapped in whole.

The new site is assembled in a staging folder beside output/ (unchanged files are hard
links to the old ones, so nothing is copied), then exchanged with output/ in one atomic
rename. An interrupted build leaves the previous output/ complete.
"""
from __future__ import annotations

import ctypes
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Protocol, Sequence

from generator.errors import ConfigError, Problem

STAGING = ".{name}.staging-{pid}"
LEFTOVER_PREFIXES = (".{name}.staging-", ".{name}.old-")


class PageLike(Protocol):
    path: str
    content: bytes


@dataclass(frozen=True)
class WriteReport:
    written: int  # files whose bytes changed or are new
    unchanged: int
    removed: int  # files of the previous output that no longer exist
    changed: tuple[str, ...] = ()  # output-relative paths of the files written, sorted


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse an output folder that would overwrite the site itself or a folder that is not a built site."""
    out, site = output.resolve(), site_dir.resolve()
    if out == site or out in site.parents:
        raise ConfigError([Problem("--output", 0, "", f"{output} holds the site itself; choose a folder such as output/")])
    for protected in ("content", "themes", "templates"):
        if out == site / protected or (site / protected) in out.parents:
            raise ConfigError([Problem("--output", 0, "", f"{output} is inside the site's {protected}/; choose a folder such as output/")])
    if out.exists() and not out.is_dir():
        raise ConfigError([Problem("--output", 0, "", f"{output} exists and is not a folder")])
    if out.is_dir() and any(out.iterdir()) and not (out / "index.html").exists():
        raise ConfigError([Problem("--output", 0, "", f"{output} holds files that are not a built site; empty it or choose another folder")])


def safe_relative(path: str) -> PurePosixPath:
    """A page path that stays inside the output folder."""
    rel = PurePosixPath(path)
    if rel.is_absolute() or not rel.parts or any(part in ("..", "") for part in rel.parts):
        raise ValueError(f"page path {path!r} would leave the output folder")
    return rel


@dataclass(frozen=True)
class Staged:
    """What staging some pages did."""

    written: int = 0  # new or changed files
    unchanged: int = 0  # linked to the old output's file
    replaced: int = 0  # of those written, how many the old output had with other bytes
    changed: tuple[str, ...] = ()  # output-relative paths written

    def __add__(self, other: "Staged") -> "Staged":
        return Staged(self.written + other.written, self.unchanged + other.unchanged, self.replaced + other.replaced,
                      self.changed + other.changed)


Stager = Callable[[Path, Path], Staged]  # (staging, output) -> what it staged: pages made by the caller, maybe in parallel


def stage_pages(pages: Iterable[PageLike], staging: Path, output: Path) -> Staged:
    """Put pages into the staging folder: a hard link to the old output's file when the bytes are
    the same, else the new bytes. Pages are taken one at a time, as they are made."""
    written = unchanged = replaced = 0
    changed: list[str] = []
    folders: set[Path] = set()
    for page in pages:
        rel = safe_relative(page.path)
        target = staging.joinpath(*rel.parts)
        make_folder(target.parent, folders)
        previous = output.joinpath(*rel.parts)
        if same_bytes(previous, page.content):
            os.link(previous, target)
            unchanged += 1
        else:
            replaced += previous.is_file()
            target.write_bytes(page.content)
            written += 1
            changed.append(rel.as_posix())
    return Staged(written, unchanged, replaced, tuple(changed))


def write_output(pages: Iterable[PageLike] | Stager, output: Path, kept: Sequence[str] = (),
                 finish: Callable[[Path, Sequence[str]], tuple[int, Sequence[str]]] | None = None) -> WriteReport:
    """Make output/ hold exactly these pages plus the kept files of the old output, atomically.

    `pages`: the pages, or a Stager that stages them itself (see stage_pages); it may raise, and
    then nothing changes. `finish(staging, changed)` runs on the complete staged site before it
    is swapped in (the search index is made there), told which pages are new or changed; it
    returns how many files it added with their old bytes and the output-relative paths of those
    it added new or changed.
    """
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(output)
    staging = output.parent / STAGING.format(name=output.name, pid=os.getpid())
    staging.mkdir()
    try:
        staged = pages(staging, output) if callable(pages) else stage_pages(pages, staging, output)
        written, unchanged, replaced = staged.written, staged.unchanged, staged.replaced
        changed = list(staged.changed)
        folders: set[Path] = set()
        for path in kept:  # pages whose inputs did not change: the old bytes stand
            rel = safe_relative(path)
            target = staging.joinpath(*rel.parts)
            make_folder(target.parent, folders)
            os.link(output.joinpath(*rel.parts), target)
            unchanged += 1
        if finish is not None:
            same, made = finish(staging, tuple(changed))
            unchanged += same
            written += len(made)
            replaced += sum(output.joinpath(*safe_relative(path).parts).is_file() for path in made)
            changed.extend(made)
        old_count = count_files(output)
        swap_in(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteReport(written=written, unchanged=unchanged, removed=max(0, old_count - unchanged - replaced),
                       changed=tuple(sorted(changed)))


def update_in_place(pages: Sequence[PageLike], output: Path, removed: Sequence[str]) -> WriteReport:
    """Write the pages whose bytes changed, one atomic rename each, and delete removed paths.

    For the dev server, which holds requests while this runs: faster than assembling a whole
    new output/ when one page of ten thousand changed.
    """
    output = output.absolute()
    changed = []
    for page in pages:
        rel = safe_relative(page.path)
        target = output.joinpath(*rel.parts)
        if same_bytes(target, page.content):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        tmp.write_bytes(page.content)
        os.replace(tmp, target)
        changed.append(rel.as_posix())
    for path in removed:
        target = output.joinpath(*safe_relative(path).parts)
        target.unlink(missing_ok=True)
        for folder in target.parents:  # empty folders of removed pages go too
            if folder == output or any(folder.iterdir()):
                break
            folder.rmdir()
    return WriteReport(len(changed), len(pages) - len(changed), len(removed), tuple(sorted(changed)))


def make_folder(folder: Path, made: set[Path]) -> None:
    """mkdir -p, once per folder (a site of 40,000 pages has as many folders)."""
    if folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        made.add(folder)


def same_bytes(path: Path, content: bytes) -> bool:
    try:
        if path.is_symlink() or path.stat().st_size != len(content):
            return False
        return path.read_bytes() == content
    except OSError:
        return False


def count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder)) if folder.is_dir() else 0


def remove_leftovers(output: Path) -> None:
    """Staging and old folders left behind by a build that was killed."""
    prefixes = tuple(p.format(name=output.name) for p in LEFTOVER_PREFIXES)
    for entry in output.parent.iterdir():
        if entry.name.startswith(prefixes) and entry.is_dir() and not is_live(entry.name):
            shutil.rmtree(entry, ignore_errors=True)


def is_live(name: str) -> bool:
    """True when the process that owns a staging folder still runs (and is not us)."""
    pid = name.rsplit("-", 1)[-1]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def swap_in(staging: Path, output: Path) -> None:
    """Put staging in output's place in one step, then delete the old tree."""
    if not output.exists():
        os.rename(staging, output)
        return
    if exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old site
        return
    old = output.parent / f".{output.name}.old-{os.getpid()}"  # no atomic exchange: two quick renames
    os.rename(output, old)
    os.rename(staging, output)
    shutil.rmtree(old, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE); False where it is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0
