"""A `briefing build` with nothing changed since the last one answers from its stamp, at once, with
the report a full look would give; any change to an input makes it look again."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest

import generator.build as build_module
from generator.build import STAMP_FILE, Builder
from generator.cli import main
from generator.config import load_config
from tests.test_bad_input import CASES, CONFIG, sample_site


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a build made the site's model (the fast path makes none)."""
    calls: list[int] = []
    real = build_module.build_site

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "build_site", counted)
    return calls


def run(capsys: pytest.CaptureFixture[str], site: Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["build", "--site", str(site)])
    out, err = capsys.readouterr()
    return code, re.sub(r" in \d+\.\d\d s$", " in X s", out, flags=re.M), err


def test_the_fast_answer_is_the_full_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str], looks: list[int]) -> None:
    site = sample_site(tmp_path)
    for case in CASES.values():  # errors, warnings, kept and merged files: every line a report can have
        if case.code != CONFIG:
            case.make(site)
    first = run(capsys, site)
    assert first[0] == 1 and looks == [1]
    fast = run(capsys, site)
    assert looks == [1], "a build with nothing changed made the model again"
    (site / ".briefing-cache" / STAMP_FILE).unlink()
    full = run(capsys, site)
    assert looks == [1, 1]
    assert fast == full
    assert "0 written" in fast[1] and fast[2].count("error: ") >= 10 and "warning: " in fast[2]


def edit_release(site: Path) -> None:
    path = next((site / "content" / "releases").glob("*.txt"))
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")


def touch_annotated(site: Path) -> None:
    path = next((site / "content" / "annotated").rglob("*.md"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def edit_theme(site: Path) -> None:
    shutil.copytree(Path(build_module.__file__).parent.parent / "themes" / "default", site / "themes" / "mine")
    (site / "themes" / "mine" / "theme.yaml").write_text("name: mine\n", encoding="utf-8")
    text = (site / "site.yaml").read_text(encoding="utf-8").replace("theme: default", "theme: mine")
    (site / "site.yaml").write_text(text, encoding="utf-8")


def edit_site_yaml(site: Path) -> None:
    text = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(re.sub(r'^title: .*$', 'title: "Another"', text, flags=re.M), encoding="utf-8")


def replace_output(site: Path) -> None:
    shutil.copytree(site / "output", site / "copy")
    shutil.rmtree(site / "output")
    (site / "copy").rename(site / "output")


def remove_output(site: Path) -> None:
    shutil.rmtree(site / "output")


@pytest.mark.parametrize("change", [edit_release, touch_annotated, edit_site_yaml, replace_output, remove_output,
                                    edit_theme], ids=lambda f: f.__name__)
def test_a_change_to_any_input_is_seen(tmp_path: Path, change, looks: list[int]) -> None:
    site = sample_site(tmp_path)
    day = dt.date(2026, 1, 5)
    Builder(use_cache=True, today=day).build(load_config(site))
    Builder(use_cache=True, today=day).build(load_config(site))
    assert len(looks) == 1
    change(site)
    if change is edit_theme:  # a theme of the site's own: a build, then an edit of one of its templates
        Builder(use_cache=True, today=day).build(load_config(site))
        template = site / "themes" / "mine" / "templates" / "base.html"
        template.write_text(template.read_text(encoding="utf-8").replace("</body>", "<!-- mine --></body>"), encoding="utf-8")
    report = Builder(use_cache=True, today=day).build(load_config(site))
    assert len(looks) == 2 + (change is edit_theme)
    assert (site / "output" / "index.html").is_file() and report.problems == ()
    if change is edit_theme:
        assert "<!-- mine -->" in (site / "output" / "index.html").read_text(encoding="utf-8")
    Builder(use_cache=True, today=day).build(load_config(site))  # the stamp holds what that build wrote itself
    assert len(looks) == 2 + (change is edit_theme), "the build after a change looked again"


def test_an_edit_made_while_a_build_runs_is_seen_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stamp holds the inputs as they were when the build began (and the files ingest wrote):
    a release saved after the build read it is not taken for what the build made."""
    site = sample_site(tmp_path)
    day = dt.date(2026, 1, 5)
    Builder(use_cache=True, today=day).build(load_config(site))
    release = next((site / "content" / "releases").glob("*.txt"))
    release.write_text(release.read_text(encoding="utf-8") + "\nA first new sentence.\n", encoding="utf-8")
    real = build_module.build_site

    def edit_meanwhile(*args, **kwargs):  # ingest has read the release by now
        stat = release.stat()
        release.write_text(release.read_text(encoding="utf-8") + "\nA second new sentence.\n", encoding="utf-8")
        os.utime(release, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        monkeypatch.setattr(build_module, "build_site", real)
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "build_site", edit_meanwhile)
    Builder(use_cache=True, today=day).build(load_config(site))
    pages = lambda: "".join(p.read_text(encoding="utf-8") for p in (site / "output" / "releases").rglob("index.html"))  # noqa: E731
    assert "A first new sentence." in pages() and "A second new sentence." not in pages()
    Builder(use_cache=True, today=day).build(load_config(site))
    assert "A second new sentence." in pages()


def test_another_day_looks_again(tmp_path: Path, looks: list[int]) -> None:
    """Warnings of dates in the future depend on the day: the stamp holds for the day it was made."""
    site = sample_site(tmp_path)
    Builder(use_cache=True, today=dt.date(2026, 1, 5)).build(load_config(site))
    Builder(use_cache=True, today=dt.date(2026, 1, 5)).build(load_config(site))
    Builder(use_cache=True, today=dt.date(2026, 1, 6)).build(load_config(site))
    assert len(looks) == 2
