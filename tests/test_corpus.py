"""The whole real corpus (../shared/corpus) builds: every week and every topic with releases has a page."""
from __future__ import annotations

import shutil

from generator.build import build, load_documents
from generator.config import load_config
from generator.records import iso_week


def test_every_real_release_builds(corpus, new_site, tmp_path):
    releases = new_site / "content" / "releases"
    for path in sorted((corpus / "real").glob("*.txt")) + sorted((corpus / "sample").glob("*.txt")):
        shutil.copy(path, releases / path.name)
    config = load_config(new_site)
    out = tmp_path / "out"
    report = build(config, out)
    assert report.problems == ()
    assert report.documents == len(list(releases.iterdir()))
    documents, problems = load_documents(config)
    assert problems == []
    for week in {iso_week(d.date) for d in documents}:
        assert (out / "weeks" / week.lower() / "index.html").is_file(), week
    for topic in {t for d in documents for t in d.topics}:
        assert (out / "topics" / topic / "index.html").is_file(), topic
    for document in documents:
        assert (out / "releases" / document.slug / "index.html").is_file(), document.slug
    assert all(d.title and d.summary and d.topics for d in documents)
