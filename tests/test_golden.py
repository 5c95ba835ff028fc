"""Golden files: the annotated sample release and a whole small site, byte for byte.

After an intended change run `python -m pytest --update-golden` and review the diff in git.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import build, ingest
from generator.config import load_config
from tests.conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
SMALL_SITE = Path(__file__).resolve().parent / "fixtures" / "small-site"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def compare_or_update(actual: dict[str, bytes], golden_dir: Path, update: bool) -> None:
    if update:
        shutil.rmtree(golden_dir, ignore_errors=True)
        for rel, data in actual.items():
            (golden_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden_dir / rel).write_bytes(data)
    expected = tree(golden_dir)
    assert sorted(actual) == sorted(expected), "files differ from the golden set (refresh with --update-golden)"
    for rel in expected:
        assert actual[rel] == expected[rel], f"{rel} differs from {golden_dir / rel} (refresh with --update-golden)"


def test_sample_release_annotation(tmp_path, update_golden):
    """The repository's own content/annotated/ is the golden annotation of the sample release."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    shutil.copytree(ROOT / "content" / "releases", site / "content" / "releases")
    ingest(load_config(site))
    compare_or_update(tree(site / "content" / "annotated"), ROOT / "content" / "annotated", update_golden)


def test_small_site(tmp_path, update_golden):
    site = tmp_path / "site"
    shutil.copytree(SMALL_SITE, site)
    report = build(load_config(site), site / "output")
    assert report.problems == ()
    compare_or_update(tree(site / "content" / "annotated"), GOLDEN / "small-site" / "annotated", update_golden)
    compare_or_update(tree(site / "output"), GOLDEN / "small-site" / "output", update_golden)
