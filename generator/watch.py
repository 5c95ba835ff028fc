"""Watching a site: rebuild on every change to content, themes, templates or site.yaml.

Editors save in many ways: in place, by writing a temp file and renaming it over the old one,
by renaming the old one to a backup first (vim), with swap and lock files beside. Only the
site's own files count as changes; editor files are ignored, a burst of events is one change,
and a rename counts for both of its names.
"""
from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path, PurePosixPath
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from generator.ingest.wire import IGNORED_NAMES
from generator.records import record

QUIET_SECONDS = 0.03  # a burst of saves within this gap is one change (editors' save-by-rename takes a few ms)
POLL_SECONDS = 0.5  # how often --poll looks at the files
WATCHED = ("content", "themes", "templates", "site.yaml")
EDITOR_FILES = re.compile(r"(___jb_(tmp|old)___$|\.crswap$|\.sw[a-p]$|\.bak$|\.orig$)")  # beside wire.IGNORED_NAMES

Fingerprint = tuple[int, int] | None  # (size, mtime_ns) of a file, None when it does not exist


@record
class Change:
    paths: tuple[str, ...]  # site-relative paths that changed


def fingerprint(path: Path) -> Fingerprint:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


class ChangeCollector(FileSystemEventHandler):
    """Collects relevant paths from watchdog events; editors' temp and swap files are ignored."""

    def __init__(self, site_dir: Path, on_new_folder: Callable[[Path], None] = lambda path: None):
        self.site_dir = site_dir.resolve()
        self.on_new_folder = on_new_folder  # a watched top-level folder that appeared after the start
        self.pending: set[str] = set()
        self.created: set[str] = set()  # pending paths that did not exist before this burst
        self.own: dict[str, Fingerprint] = {}  # files the last build wrote itself, as it left them
        self.last = 0.0
        self.cond = threading.Condition()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return  # a folder is "modified" by every change inside it; that change has its own event
        source = self.relevant(event.src_path)
        if event.event_type == "moved" and source in self.created:
            with self.cond:  # a temp file written and renamed over the real one within one burst
                self.pending.discard(source)
                self.created.discard(source)
            source = ""
        for rel in (source, self.relevant(getattr(event, "dest_path", ""))):
            if not rel:
                continue
            if event.is_directory and "/" not in rel and event.event_type in ("created", "moved"):
                self.on_new_folder(self.site_dir / rel)
                self.add_tree(rel)  # files made before the new folder's watch began have no events
            self.add(rel, created=event.event_type == "created" and not event.is_directory)

    def add(self, rel: str, created: bool = False) -> None:
        with self.cond:
            if rel in self.own and fingerprint(self.site_dir / rel) == self.own[rel]:
                return  # the event of a file the build wrote, arriving late
            self.own.pop(rel, None)
            if created and rel not in self.pending:
                self.created.add(rel)
            self.pending.add(rel)
            self.last = time.monotonic()
            self.cond.notify_all()

    def add_tree(self, rel: str) -> None:
        for folder, dirs, files in os.walk(self.site_dir / rel):
            dirs[:] = [name for name in dirs if not name.startswith(".")]
            for name in files:
                found = self.relevant(os.path.join(folder, name))
                if found:
                    self.add(found)

    def relevant(self, raw: str | bytes) -> str:
        """The site-relative path of a file that belongs to the site's sources, else ''."""
        if not raw:
            return ""
        path = Path(os.fsdecode(raw))
        try:
            rel = path.resolve().relative_to(self.site_dir) if path.is_absolute() else path
        except (ValueError, OSError, RuntimeError):
            return ""
        parts = rel.parts
        if not parts or parts[0] not in WATCHED or (parts[0] == "site.yaml" and len(parts) > 1):
            return ""
        if IGNORED_NAMES.search(path.name) or EDITOR_FILES.search(path.name) or any(p.startswith(".") for p in parts):
            return ""
        return rel.as_posix()

    def wait_for_change(self, stop: threading.Event) -> Change | None:
        """Block until a burst of changes has settled; None when stopped."""
        with self.cond:
            while not stop.is_set():
                quiet_for = time.monotonic() - self.last
                if self.pending and quiet_for >= QUIET_SECONDS:
                    paths, self.pending, self.created = tuple(sorted(self.pending)), set(), set()
                    return Change(paths)
                self.cond.wait(timeout=QUIET_SECONDS - quiet_for if self.pending else 0.5)
        return None

    def forget(self, paths: set[str]) -> None:
        """Drop events caused by our own writes (annotated files written or removed by ingest).

        Their events may still be on the way, so each file's state is remembered: an event for it
        counts again only once the file differs from how the build left it. So are the folders
        they are in, which the build may have made (content/annotated/2025/ for the year's first
        release): their events would make one more build, of nothing.
        """
        folders = {parent.as_posix() for rel in paths for parent in PurePosixPath(rel).parents if parent.parts}
        with self.cond:
            self.own = {rel: fingerprint(self.site_dir / rel) for rel in (*paths, *folders)}
            self.pending = {rel for rel in self.pending
                            if rel not in self.own or fingerprint(self.site_dir / rel) != self.own[rel]}


class FolderWatches:
    """The observer's watches on the site's folders; a folder deleted and made again is watched afresh."""

    def __init__(self, observer: BaseObserver, handler: FileSystemEventHandler):
        self.observer = observer
        self.handler = handler
        self.watches: dict[Path, ObservedWatch] = {}
        self.lock = threading.Lock()

    def watch(self, folder: Path, recursive: bool = True) -> None:
        with self.lock:
            old = self.watches.pop(folder, None)
            if old is not None:
                try:
                    self.observer.unschedule(old)
                except KeyError:  # already gone with its folder
                    pass
            try:
                self.watches[folder] = self.observer.schedule(self.handler, str(folder), recursive=recursive)
            except OSError:  # deleted again before we got to it; the next creation schedules it
                pass


def watch(site_dir: Path, rebuild: Callable[[Change], set[str]], stop: threading.Event, poll: bool = False,
          ready: Callable[[], None] = lambda: None) -> None:
    """Call rebuild(change) after every settled burst of changes until stop is set; ready() once
    the watches are in place (a change saved before then may go unseen).

    Rebuilds run one at a time, in this thread; changes made during a rebuild make one more
    rebuild after it. rebuild returns the site-relative paths it wrote itself, whose events
    are then ignored.
    """
    observer = PollingObserver(timeout=POLL_SECONDS) if poll else Observer()
    collector = ChangeCollector(site_dir)
    folders = FolderWatches(observer, collector)
    collector.on_new_folder = folders.watch
    for name in WATCHED:
        target = site_dir / name
        if target.is_dir():
            folders.watch(target)
    # site.yaml and watched folders created later; output/ is not watched, so our own writes make no events
    observer.schedule(collector, str(site_dir), recursive=False)
    observer.start()
    ready()
    try:
        while not stop.is_set():
            change = collector.wait_for_change(stop)
            if change is None:
                break
            own = rebuild(change)
            collector.forget(own)
    finally:
        observer.stop()
        observer.join(timeout=2)
