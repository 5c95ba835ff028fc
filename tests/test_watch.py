"""Watching: which paths count as changes, bursts coalesced, new folders picked up."""
from __future__ import annotations

import os
import shutil
import threading
import time

import pytest

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


# ---------------------------------------------------------------- editors, deletions, renames, polling

class Recorder:
    """Runs watch() in a thread and records the changes each rebuild saw."""

    def __init__(self, site, poll=False, rebuild=None):
        self.calls: list[tuple[str, ...]] = []
        self.stop = threading.Event()
        self.rebuild = rebuild or (lambda change: set())

        def record(change):
            self.calls.append(change.paths)
            return self.rebuild(change)

        self.thread = threading.Thread(target=watch, args=(site, record, self.stop, poll), daemon=True)
        self.thread.start()
        time.sleep(0.4 if not poll else 1.2)  # the observer's first snapshot

    def wait_for(self, path, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(path in call for call in self.calls):
                return True
            time.sleep(0.02)
        return False

    def settle(self, seconds=0.5):
        time.sleep(seconds)

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)


def make_site(tmp_path):
    (tmp_path / "site.yaml").write_text("title: x\n")
    releases = tmp_path / "content" / "releases"
    releases.mkdir(parents=True)
    (releases / "a.txt").write_text("one\n")
    return releases


def test_atomic_save_by_rename_is_one_change_of_the_real_file(tmp_path):
    releases = make_site(tmp_path)
    recorder = Recorder(tmp_path)
    try:
        for temp in ("a.txt.tmp1234", ".a.txt.tmp", "a.txt___jb_tmp___", "sedAbC123"):
            (releases / temp).write_text("two\n")
            os.replace(releases / temp, releases / "a.txt")
            assert recorder.wait_for("content/releases/a.txt"), temp
            recorder.settle(0.2)
            # one change of the real file; on a loaded machine the burst may split once, naming the temp file
            assert len(recorder.calls) <= 2 and "content/releases/a.txt" in recorder.calls[-1], recorder.calls
            assert len(recorder.calls) == 2 or recorder.calls == [("content/releases/a.txt",)], recorder.calls
            recorder.calls.clear()
    finally:
        recorder.close()


def test_vim_style_save_with_backup_and_swap_files(tmp_path):
    releases = make_site(tmp_path)
    recorder = Recorder(tmp_path)
    try:
        (releases / ".a.txt.swp").write_text("swap")
        (releases / "4913").write_text("")
        (releases / "4913").unlink()
        os.rename(releases / "a.txt", releases / "a.txt~")  # backup by rename, then write anew
        (releases / "a.txt").write_text("two\n")
        (releases / "a.txt~").unlink()
        (releases / ".a.txt.swp").unlink()
        assert recorder.wait_for("content/releases/a.txt")
        recorder.settle()
        assert set().union(*recorder.calls) == {"content/releases/a.txt"}, recorder.calls
    finally:
        recorder.close()


def test_editor_files_alone_make_no_rebuild(tmp_path):
    releases = make_site(tmp_path)
    recorder = Recorder(tmp_path)
    try:
        for name in (".a.txt.swp", "a.txt~", ".#a.txt", "#a.txt#", "4913", "a.txt.bak", ".DS_Store"):
            (releases / name).write_text("x")
        (releases / ".hidden").mkdir()
        (releases / ".hidden" / "b.txt").write_text("x")
        recorder.settle(0.6)
        assert recorder.calls == []
    finally:
        recorder.close()


@pytest.mark.filterwarnings("ignore:Callback with id:RuntimeWarning")  # watchdog's own note on nested new folders
def test_deletions_renames_and_new_nested_folders(tmp_path):
    releases = make_site(tmp_path)
    recorder = Recorder(tmp_path)
    try:
        (releases / "a.txt").unlink()
        assert recorder.wait_for("content/releases/a.txt")
        (releases / "b.txt").write_text("b\n")
        assert recorder.wait_for("content/releases/b.txt")
        os.rename(releases / "b.txt", releases / "c.txt")
        assert recorder.wait_for("content/releases/c.txt")
        assert any("content/releases/b.txt" in call and "content/releases/c.txt" in call for call in recorder.calls)
        nested = releases / "2024" / "october"
        nested.mkdir(parents=True)
        (nested / "d.txt").write_text("d\n")
        assert recorder.wait_for("content/releases/2024/october/d.txt")
    finally:
        recorder.close()


def test_watched_folder_deleted_and_made_again_is_still_watched(tmp_path):
    make_site(tmp_path)
    themes = tmp_path / "themes" / "mine"
    themes.mkdir(parents=True)
    recorder = Recorder(tmp_path)
    try:
        shutil.rmtree(tmp_path / "themes")
        assert recorder.wait_for("themes")
        recorder.settle(0.3)
        (tmp_path / "themes" / "mine" / "static").mkdir(parents=True)  # files made at once with the folder
        (tmp_path / "themes" / "mine" / "static" / "style.css").write_text("a{}")
        assert recorder.wait_for("themes/mine/static/style.css")
        recorder.settle(0.3)
        (tmp_path / "themes" / "mine" / "static" / "style.css").write_text("b{}")
        recorder.calls.clear()
        assert recorder.wait_for("themes/mine/static/style.css")
    finally:
        recorder.close()


def test_site_yaml_replaced_by_rename(tmp_path):
    make_site(tmp_path)
    recorder = Recorder(tmp_path)
    try:
        (tmp_path / ".site.yaml.tmp").write_text("title: y\n")
        os.replace(tmp_path / ".site.yaml.tmp", tmp_path / "site.yaml")
        assert recorder.wait_for("site.yaml")
        recorder.settle(0.2)
        assert set().union(*recorder.calls) == {"site.yaml"}
    finally:
        recorder.close()


def test_polling_sees_changes(tmp_path):
    releases = make_site(tmp_path)
    recorder = Recorder(tmp_path, poll=True)
    try:
        (releases / "a.txt").write_text("a longer text\n")
        assert recorder.wait_for("content/releases/a.txt")
        (releases / "new").mkdir()
        (releases / "new" / "b.txt").write_text("b\n")
        assert recorder.wait_for("content/releases/new/b.txt")
    finally:
        recorder.close()


def test_rebuilds_are_serialised_and_changes_during_one_make_one_more(tmp_path):
    releases = make_site(tmp_path)
    running = threading.Lock()
    overlaps: list[str] = []

    def slow_rebuild(change):
        if not running.acquire(blocking=False):
            overlaps.append("overlap")
            return set()
        try:
            time.sleep(0.6)
        finally:
            running.release()
        return set()

    recorder = Recorder(tmp_path, rebuild=slow_rebuild)
    try:
        (releases / "a.txt").write_text("first\n")
        assert recorder.wait_for("content/releases/a.txt")
        time.sleep(0.1)  # the first rebuild is running
        for i in range(3):
            (releases / f"during{i}.txt").write_text("x")
            time.sleep(0.1)
        assert recorder.wait_for("content/releases/during2.txt", timeout=5)
        recorder.settle(1.0)
        assert overlaps == []
        assert len(recorder.calls) == 2, recorder.calls  # the edit, then one build for everything made during it
    finally:
        recorder.close()


def one_build_then_a_persons_file_counts(site, write_own, release, persons):
    """A release saved: one build (whose own writes, by write_own, make none more); then a
    person's file `persons` (site-relative) still counts."""
    def ingest_like(change):
        return write_own() if any(p.startswith("content/releases/") for p in change.paths) else set()

    recorder = Recorder(site, rebuild=ingest_like)
    try:
        (site / "content" / "releases" / release).write_text("two\n")
        assert recorder.wait_for(f"content/releases/{release}")
        recorder.settle(0.6)
        assert len(recorder.calls) == 1, recorder.calls
        (site / persons).write_text("written by a person\n")
        assert recorder.wait_for(persons)
    finally:
        recorder.close()


def test_the_builds_own_writes_make_no_rebuild(tmp_path):
    make_site(tmp_path)
    annotated = tmp_path / "content" / "annotated" / "2024"
    annotated.mkdir(parents=True)

    def write_own():
        tmp = annotated / ".a.md.tmp-1"
        tmp.write_text(f"annotated at {time.monotonic()}\n")
        os.replace(tmp, annotated / "a.md")
        return {"content/annotated/2024/a.md"}

    one_build_then_a_persons_file_counts(tmp_path, write_own, "a.txt", "content/annotated/2024/a.md")  # an edit


def test_the_folders_the_build_makes_make_no_rebuild(tmp_path):
    """Ingest writes the year's first annotated file into a folder it makes: one build, not two."""
    make_site(tmp_path)
    annotated = tmp_path / "content" / "annotated" / "2025"

    def write_own():
        annotated.mkdir(parents=True, exist_ok=True)
        (annotated / "b.md").write_text(f"annotated at {time.monotonic()}\n")
        return {"content/annotated/2025/b.md"}

    one_build_then_a_persons_file_counts(tmp_path, write_own, "b.txt", "content/annotated/2025/c.md")  # a new file
