"""Work shared among processes (generator/parallel.py) gives what one process gives, byte for byte."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

import generator.build as build_module
import generator.parallel as parallel_module
from generator.build import Builder
from generator.config import load_config
from generator.errors import ConfigError, Problem
from generator.parallel import ChildFailed, can_fork, run_parts, split
from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("bench_synth", ROOT / "bench" / "synth.py")
synth = importlib.util.module_from_spec(spec)
spec.loader.exec_module(synth)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is needed to share work among processes")


def test_parts_run_in_other_processes_and_come_back_in_order() -> None:
    results = run_parts(lambda part: (os.getpid(), [x * x for x in part]), split(list(range(10)), 3))
    assert [squares for _, squares in results] == [[0, 9, 36, 81], [1, 16, 49], [4, 25, 64]]
    assert len({pid for pid, _ in results}) == 3 and results[0][0] == os.getpid()


def test_a_childs_exception_is_raised_here_with_its_problems() -> None:
    def work(part: list[int]) -> int:
        if part == [2]:
            raise ConfigError([Problem("templates/x.html", 3, "template", "unexpected '}'")])
        return part[0]

    with pytest.raises(ConfigError) as caught:
        run_parts(work, [[1], [2], [3]])
    assert caught.value.problems == (Problem("templates/x.html", 3, "template", "unexpected '}'"),)


def test_an_exception_that_cannot_travel_is_sent_as_text() -> None:
    class Odd(Exception):
        def __init__(self, a: int, b: int) -> None:  # pickling gives one argument back: unpickling fails
            super().__init__(f"{a}-{b}")

    def work(part: list[int]) -> int:
        if part == [2]:
            raise Odd(1, 2)
        return 0

    with pytest.raises(ChildFailed, match="Odd: 1-2"):
        run_parts(work, [[1], [2]])


def every_file(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_site_built_by_two_processes_is_the_site_built_by_one(new_site: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    synth.generate(40, new_site / "content" / "releases", seed=3)
    assert can_fork(), "the build would run in one process: this test would compare a build with itself"
    built = {}
    for name, processes in (("one", 1), ("two", 2)):
        site = tmp_path / name
        os.rename(new_site, site) if name == "one" else copy_content(tmp_path / "one", site)
        forced = lambda count, minimum=0, n=processes: max(1, min(n, count))  # noqa: E731 - every build shares its work
        monkeypatch.setattr(parallel_module, "shares", forced)  # map_items: annotating and reading
        monkeypatch.setattr(build_module, "shares", forced)
        report = Builder(site / "output", use_cache=False).build(load_config(site))
        assert report.problems == () and report.documents == 40
        built[name] = every_file(site / "output"), every_file(site / "content" / "annotated")
    assert built["one"] == built["two"]


def copy_content(source: Path, target: Path) -> None:
    """The releases and the configuration alone: the second build annotates everything again."""
    import shutil

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("annotated", ".briefing", "output", ".briefing-cache"))
