"""bench/synth.py: seeded synthetic wire-shape releases the reader parses and the annotator files."""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.annotate import annotate
from generator.config import default_taxonomy
from generator.ingest.wire import parse_release
from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("bench_synth", ROOT / "bench" / "synth.py")
synth = importlib.util.module_from_spec(spec)
spec.loader.exec_module(synth)

N = 120


def read_all(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_and_n_files(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    paths = synth.generate(N, a, seed=7)
    synth.generate(N, b, seed=7)
    synth.generate(N, c, seed=8)
    assert len(paths) == N and len(list(a.iterdir())) == N
    assert all(p.parent == a and p.is_file() for p in paths)
    assert read_all(a) == read_all(b)
    assert read_all(a) != read_all(c)
    # a smaller run is a prefix of a larger one
    small = synth.generate(10, tmp_path / "small", seed=7)
    assert [p.name for p in small] == [p.name for p in paths[:10]]


def test_files_parse_span_years_and_fall_under_several_topics(tmp_path: Path) -> None:
    paths = synth.generate(N, tmp_path, seed=0)
    taxonomy = default_taxonomy()
    years, topics, counts, sizes = set(), Counter(), [], []
    people = quotes = figures = 0
    for path in paths:
        assert path.name.endswith(".txt") and "-synth-" in path.name
        text = path.read_text(encoding="utf-8")
        release = parse_release(text, path.name, "0" * 64, ZoneInfo("UTC"))
        assert path.name.startswith(release.date.isoformat())
        assert release.distributed_at.date() == release.date
        years.add(release.date.year)
        counts.append(len(release.paragraphs))
        sizes.append(len(text.encode("utf-8")))
        annotation = annotate(release, taxonomy)
        topics.update(annotation.topics)
        people += len(annotation.people)
        quotes += len(annotation.quotes)
        figures += len(annotation.figures)
    assert max(years) - min(years) >= 2
    assert len(topics) >= 8, topics
    assert all(1 <= c <= 30 for c in counts)
    counts.sort()
    assert 4 <= counts[len(counts) // 2] <= 8
    assert 500 <= sorted(sizes)[len(sizes) // 2] <= 6000
    assert people >= N and quotes >= N // 2 and figures >= N


def test_command_line(tmp_path: Path, capsys) -> None:
    assert synth.main(["5", str(tmp_path / "out"), "--seed", "3"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        synth.make_release(3, i)[0] for i in range(5))
