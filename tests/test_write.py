"""The writer: only changed bytes written, stale files removed, unsafe paths refused, atomic swap."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from generator.errors import ConfigError
from generator.write import READY, check_output_dir, patch_output, write_output


@dataclass(frozen=True)
class P:
    path: str
    content: bytes


def test_writes_only_changes_and_removes_stale_files(tmp_path):
    out = tmp_path / "out"
    first = write_output([P("index.html", b"a"), P("x/index.html", b"b")], out)
    assert (first.written, first.unchanged) == (2, 0)
    inode = (out / "index.html").stat().st_ino
    second = write_output([P("index.html", b"a"), P("y/index.html", b"c")], out)
    assert (second.written, second.unchanged, second.removed) == (1, 1, 1)
    assert (out / "index.html").stat().st_ino == inode  # unchanged file not rewritten
    assert not (out / "x").exists() and (out / "y" / "index.html").read_bytes() == b"c"


@pytest.mark.parametrize("path", ["../escape.html", "/etc/passwd", "a/../../b", ""])
def test_paths_outside_the_output_are_refused_and_old_site_survives(tmp_path, path):
    out = tmp_path / "out"
    write_output([P("index.html", b"old")], out)
    with pytest.raises(ValueError):
        write_output([P("index.html", b"new"), P(path, b"x")], out)
    assert (out / "index.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_output_must_not_be_the_site_or_a_foreign_folder(tmp_path):
    (tmp_path / "content").mkdir()
    with pytest.raises(ConfigError, match="holds the site itself"):
        check_output_dir(tmp_path, tmp_path)
    with pytest.raises(ConfigError, match="inside the site's content/"):
        check_output_dir(tmp_path / "content" / "out", tmp_path)
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("x")
    with pytest.raises(ConfigError, match="not a built site"):
        check_output_dir(foreign, tmp_path)


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_patch_renames_changed_files_in_and_deletes_removed_ones(tmp_path):
    out = tmp_path / "out"
    write_output([P("index.html", b"a"), P("x/index.html", b"b"), P("y/z/index.html", b"c")], out)
    inode = (out / "index.html").stat().st_ino
    report = patch_output([P("index.html", b"a"), P("x/index.html", b"B"), P("n/index.html", b"new")], out,
                          ["y/z/index.html"])
    assert (report.written, report.removed, report.changed) == (2, 1, ("n/index.html", "x/index.html"))
    assert tree(out) == {"index.html": b"a", "x/index.html": b"B", "n/index.html": b"new"}
    assert (out / "index.html").stat().st_ino == inode and not (out / "y").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_patch_that_fails_while_pages_are_made_changes_nothing(tmp_path):
    out = tmp_path / "out"
    write_output([P("index.html", b"a"), P("x/index.html", b"b")], out)

    def pages():
        yield P("index.html", b"changed")
        raise RuntimeError("a template failed")

    with pytest.raises(RuntimeError):
        patch_output(pages(), out, ["x/index.html"])
    assert tree(out) == {"index.html": b"a", "x/index.html": b"b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_patch_killed_while_renaming_is_finished_by_the_next_write(tmp_path):
    """A ready staging folder of a dead build holds the files it had not renamed yet: they go in."""
    out = tmp_path / "out"
    write_output([P("index.html", b"a"), P("x/index.html", b"b"), P("old/index.html", b"o")], out)
    dead = tmp_path / ".out.staging-999999999"  # no such process
    (dead / "x").mkdir(parents=True)
    (dead / "x" / "index.html").write_bytes(b"B")  # not renamed yet when the build was killed
    (dead / READY).write_text("old/index.html\n", encoding="utf-8")
    (out / "n").mkdir()
    (out / "n" / "index.html").write_bytes(b"new")  # renamed before the kill
    unready = tmp_path / ".out.staging-999999998"  # killed while making pages: thrown away
    unready.mkdir()
    (unready / "index.html").write_bytes(b"half")
    patch_output([P("index.html", b"a")], out, [])
    assert tree(out) == {"index.html": b"a", "x/index.html": b"B", "n/index.html": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
