"""The writer: only changed bytes written, stale files removed, unsafe paths refused, atomic swap."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from generator.errors import ConfigError
from generator.write import check_output_dir, write_output


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
