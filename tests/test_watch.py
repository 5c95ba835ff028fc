"""Watching: which paths count as changes, bursts coalesced, new folders picked up."""
from __future__ import annotations

import threading
import time

from generator.watch import ChangeCollector, watch


def test_relevant_paths(tmp_path):
    collector = ChangeCollector(tmp_path)
    assert collector.relevant(str(tmp_path / "content" / "releases" / "a.txt")) == "content/releases/a.txt"
    assert collector.relevant(str(tmp_path / "site.yaml")) == "site.yaml"
    assert collector.relevant(str(tmp_path / "themes" / "default" / "templates" / "base.html"))
    for ignored in ("output/index.html", "content/releases/.a.txt.swp", "content/releases/a.txt~",
                    "content/releases/4913", "content/releases/.#a.txt", "notes.md"):
        assert collector.relevant(str(tmp_path / ignored)) == "", ignored


def test_burst_of_changes_is_one_rebuild_and_new_folders_are_watched(tmp_path):
    (tmp_path / "site.yaml").write_text("title: x\n")
    calls: list[tuple[str, ...]] = []
    stop = threading.Event()

    def rebuild(change):
        calls.append(change.paths)
        return set()

    thread = threading.Thread(target=watch, args=(tmp_path, rebuild, stop), daemon=True)
    thread.start()
    time.sleep(0.5)
    releases = tmp_path / "content" / "releases"
    releases.mkdir(parents=True)  # a folder that did not exist when watching began
    time.sleep(0.5)
    for i in range(5):
        (releases / f"r{i}.txt").write_text("x")
    deadline = time.monotonic() + 10
    while not any("content/releases/r4.txt" in c for c in calls) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=5)
    assert any("content/releases/r4.txt" in c for c in calls), calls
    assert len(calls) <= 3, calls  # the folder creation, then one burst (maybe split once)
