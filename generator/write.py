"""Writing the built site: only changed bytes are written, and output/ is swapped in whole.

The new site is assembled in a staging folder beside output/ (unchanged files are hard
links to the old ones, so nothing is copied), then exchanged with output/ in one atomic
rename. An interrupted build leaves the previous output/ complete.
"""
from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Protocol, Sequence

from generator.errors import ConfigError, Problem
from generator.records import record

STAGING = ".{name}.staging-{pid}"
LEFTOVER_PREFIXES = (".{name}.staging-", ".{name}.old-")
READY = ".briefing-ready"  # in a patch's staging folder: every file is made; it lists the paths to delete
PATCH_LIMIT = 2000  # a build that changes more files than this swaps the whole folder instead of patching it


class PageLike(Protocol):
    path: str
    content: bytes


@record
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


@record
class Staged:
    """What staging some pages did."""

    written: int = 0  # new or changed files
    unchanged: int = 0  # linked to the old output's file
    replaced: int = 0  # of those written, how many the old output had with other bytes
    changed: tuple[str, ...] = ()  # output-relative paths written

    def __add__(self, other: "Staged") -> "Staged":
        return Staged(self.written + other.written, self.unchanged + other.unchanged, self.replaced + other.replaced,
                      self.changed + other.changed)


# (staging, output, link) -> what it staged: pages made by the caller, maybe in parallel, put by stage_pages
Stager = Callable[[Path, Path, bool], Staged]


def stage_pages(pages: Iterable[PageLike], staging: Path, output: Path, link: bool = True) -> Staged:
    """Put pages into the staging folder: the new bytes, or when they are the old output's, a hard
    link to that file (`link`) or nothing. Pages are taken one at a time, as they are made."""
    written = unchanged = replaced = 0
    changed: list[str] = []
    folders: set[Path] = set()
    for page in pages:
        rel = safe_relative(page.path)
        target = staging.joinpath(*rel.parts)
        previous = output.joinpath(*rel.parts)
        if link or not same_bytes(previous, page.content):
            make_folder(target.parent, folders)
        if same_bytes(previous, page.content):
            if link:
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
        staged = pages(staging, output, True) if callable(pages) else stage_pages(pages, staging, output)
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


def patch_output(pages: Iterable[PageLike] | Stager, output: Path, removed: Sequence[str]) -> WriteReport:
    """Bring output/ up to date when few of its files change: write every new or changed page
    into a staging folder first; once all are made (and the staging folder is marked ready),
    rename each into output/ (one atomic rename per file) and delete the removed paths.

    A failure while pages are made changes nothing. A build killed during the renames, which
    take milliseconds, leaves a ready staging folder that the next build finishes first (see
    remove_leftovers), so output/ never keeps a mix of two builds past the next one.
    """
    output = output.absolute()
    remove_leftovers(output)
    staging = output.parent / STAGING.format(name=output.name, pid=os.getpid())
    staging.mkdir()
    try:
        staged = pages(staging, output, False) if callable(pages) else stage_pages(pages, staging, output, link=False)
        gone = [path for path in removed if output.joinpath(*safe_relative(path).parts).exists()]
        marker = staging / f"{READY}.tmp"
        marker.write_text("".join(f"{path}\n" for path in gone), encoding="utf-8")
        os.replace(marker, staging / READY)  # the one step after which the patch is finished, not undone
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finish_patch(staging, output)
    return WriteReport(staged.written, staged.unchanged, len(gone), tuple(sorted(staged.changed)))


def finish_patch(staging: Path, output: Path) -> None:
    """Rename a ready staging folder's files into output/, delete the paths it lists, remove it."""
    gone = (staging / READY).read_text(encoding="utf-8").splitlines()
    folders: set[Path] = set()
    for rel, entry in sorted(walk_files(staging)):
        if rel in (READY, f"{READY}.tmp"):
            continue
        target = output.joinpath(*safe_relative(rel).parts)
        make_folder(target.parent, folders)
        os.replace(entry, target)
    for path in gone:
        remove_file(output, path)
    shutil.rmtree(staging, ignore_errors=True)


def walk_files(folder: Path) -> Iterable[tuple[str, str]]:
    """(posix path relative to folder, full path) of every file below folder."""
    for root, _, files in os.walk(folder):
        prefix = Path(root).relative_to(folder).as_posix()
        for name in files:
            yield (name if prefix == "." else f"{prefix}/{name}"), os.path.join(root, name)


def remove_file(output: Path, path: str) -> None:
    """Delete a page of output/ and the folders it leaves empty."""
    target = output.joinpath(*safe_relative(path).parts)
    target.unlink(missing_ok=True)
    for folder in target.parents:
        if folder == output or not folder.is_dir() or any(folder.iterdir()):
            break
        folder.rmdir()


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
    """Staging and old folders left behind by a build that was killed; a patch that was being
    renamed into output/ is finished."""
    prefixes = tuple(p.format(name=output.name) for p in LEFTOVER_PREFIXES)
    for entry in sorted(output.parent.iterdir()):
        if entry.name.startswith(prefixes) and entry.is_dir() and not is_live(entry.name):
            if (entry / READY).is_file() and output.is_dir():  # a patch killed while renaming: finish it
                finish_patch(entry, output)
            else:
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
