"""Watching a site: rebuild on every change to content, themes, templates or site.yaml."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from generator.ingest.wire import IGNORED_NAMES

QUIET_SECONDS = 0.08  # a burst of saves within this gap is one change
WATCHED = ("content", "themes", "templates", "site.yaml")


@dataclass(frozen=True)
class Change:
    paths: tuple[str, ...]  # site-relative paths that changed


class ChangeCollector(FileSystemEventHandler):
    """Collects relevant paths from watchdog events; editors' temp and swap files are ignored."""

    def __init__(self, site_dir: Path, on_new_folder: Callable[[Path], None] = lambda path: None):
        self.site_dir = site_dir.resolve()
        self.on_new_folder = on_new_folder  # a watched top-level folder that appeared after the start
        self.pending: set[str] = set()
        self.last = 0.0
        self.cond = threading.Condition()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            rel = self.relevant(raw)
            if rel and event.is_directory and "/" not in rel and event.event_type in ("created", "moved"):
                self.on_new_folder(self.site_dir / rel)
            if rel:
                with self.cond:
                    self.pending.add(rel)
                    self.last = time.monotonic()
                    self.cond.notify_all()

    def relevant(self, raw: str | bytes) -> str:
        if not raw:
            return ""
        path = Path(raw.decode() if isinstance(raw, bytes) else raw)
        try:
            rel = path.resolve().relative_to(self.site_dir) if path.is_absolute() else path
        except ValueError:
            return ""
        parts = rel.parts
        if not parts or parts[0] not in WATCHED or IGNORED_NAMES.search(path.name):
            return ""
        return rel.as_posix()

    def wait_for_change(self, stop: threading.Event) -> Change | None:
        """Block until a burst of changes has settled; None when stopped."""
        with self.cond:
            while not stop.is_set():
                if self.pending and time.monotonic() - self.last >= QUIET_SECONDS:
                    paths, self.pending = tuple(sorted(self.pending)), set()
                    return Change(paths)
                self.cond.wait(timeout=QUIET_SECONDS / 2 if self.pending else 0.5)
        return None

    def forget(self, paths: set[str]) -> None:
        """Drop events caused by our own writes (annotated files written by ingest)."""
        with self.cond:
            self.pending -= paths


def watch(site_dir: Path, rebuild: Callable[[Change], set[str]], stop: threading.Event, poll: bool = False) -> None:
    """Call rebuild(change) after every settled burst of changes until stop is set.

    rebuild returns the site-relative paths it wrote itself, whose events are then ignored.
    """
    observer = PollingObserver(timeout=0.5) if poll else Observer()
    collector = ChangeCollector(site_dir, lambda folder: observer.schedule(collector, str(folder), recursive=True))
    for name in WATCHED:
        target = site_dir / name
        if target.is_dir():
            observer.schedule(collector, str(target), recursive=True)
    # site.yaml and watched folders created later; output/ is not watched, so our own writes make no events
    observer.schedule(collector, str(site_dir), recursive=False)
    observer.start()
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
