"""Ingest and build as a whole: idempotence, hand edits kept, bad files reported, the rest builds."""
from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import build, ingest
from generator.config import load_config

HEADER = "10/28/2024 | News release | Distributed by Public on 10/28/2024 14:55"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_ingest_writes_year_folder_and_is_idempotent(sample_site):
    config = load_config(sample_site)
    first = ingest(config)
    assert len(first.written) == 1 and first.written[0].startswith("content/annotated/2024/2024-10-28-")
    before = snapshot(config.annotated_dir)
    second = ingest(config)
    assert second.written == () and second.unchanged == 1
    assert snapshot(config.annotated_dir) == before


def test_hand_edited_file_is_merged_when_release_changes(sample_site):
    config = load_config(sample_site)
    ingest(config)
    (annotated,) = config.annotated_dir.rglob("*.md")
    edited = annotated.read_text(encoding="utf-8").replace("\ntopics: [", "\ntopics: [personnel, ", 1)
    annotated.write_text(edited, encoding="utf-8")
    release = config.releases_dir / "2024-10-28-dod-1.txt"
    release.write_text(release.read_text(encoding="utf-8") + "\nA corrected last line.\n", encoding="utf-8")
    report = ingest(config)
    assert report.kept == () and [m.path for m in report.merged] == [
        f"content/annotated/{annotated.relative_to(config.annotated_dir).as_posix()}"]
    merged = annotated.read_text(encoding="utf-8")
    assert "\ntopics: [personnel, " in merged and merged.endswith("\n\nA corrected last line.\n")  # yours, and the new line


def test_unedited_file_follows_its_release_and_goes_when_it_goes(sample_site):
    config = load_config(sample_site)
    ingest(config)
    release = config.releases_dir / "2024-10-28-dod-1.txt"
    release.write_text(release.read_text(encoding="utf-8") + "A corrected last line.\n", encoding="utf-8")
    assert len(ingest(config).written) == 1
    assert "A corrected last line." in next(config.annotated_dir.rglob("*.md")).read_text(encoding="utf-8")
    release.unlink()
    report = ingest(config)
    assert len(report.removed) == 1 and not list(config.annotated_dir.rglob("*.md"))


def test_same_slug_gets_a_suffix(new_site):
    releases = new_site / "content" / "releases"
    for name in ("a.txt", "b.txt"):
        (releases / name).write_text(HEADER + "\nDear Madam Speaker: (Dear Madam President:)\nThe same text.\n", encoding="utf-8")
    ingest(load_config(new_site))
    names = sorted((p.name for p in (new_site / "content" / "annotated" / "2024").iterdir()), key=len)
    assert len(names) == 2 and names[1] == names[0][:-3] + "-2.md"


def test_bad_release_is_reported_and_the_rest_builds(sample_site, tmp_path):
    (sample_site / "content" / "releases" / "notes.txt").write_text("Meeting notes\nnot a release\n", encoding="utf-8")
    config = load_config(sample_site)
    report = build(config, tmp_path / "out")
    assert [str(p) for p in report.problems] == [
        "content/releases/notes.txt:1: header: not a release header; expected "
        "'10/28/2024 | News release | Distributed by Public on 10/28/2024 14:55'"]
    assert report.documents == 1
    assert (tmp_path / "out" / "index.html").is_file()


def test_build_twice_gives_identical_output(sample_site, tmp_path):
    config = load_config(sample_site)
    build(config, tmp_path / "a")
    build(config, tmp_path / "b")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_rebuild_removes_pages_of_deleted_releases(sample_site, tmp_path):
    config = load_config(sample_site)
    out = tmp_path / "out"
    build(config, out)
    pages = [p for p in snapshot(out) if p.startswith("releases/")]
    assert pages
    (config.releases_dir / "2024-10-28-dod-1.txt").unlink()
    build(config, out)
    assert not [p for p in snapshot(out) if p.startswith("releases/") and p.endswith(".html")]
    assert not list(out.parent.glob(".out.*")), "staging folders must not be left behind"


def test_empty_new_site_builds(new_site, tmp_path):
    report = build(load_config(new_site), tmp_path / "out")
    assert report.problems == () and (tmp_path / "out" / "index.html").is_file()


def test_copy_of_sample_release_in_subfolder_is_ingested(sample_site):
    sub = sample_site / "content" / "releases" / "2024"
    sub.mkdir()
    shutil.copy(sample_site / "content" / "releases" / "2024-10-28-dod-1.txt", sub / "copy.txt")
    report = ingest(load_config(sample_site))
    assert len(report.written) == 2


def test_taxonomy_change_reannotates_unedited_files(sample_site):
    config = load_config(sample_site)
    ingest(config)
    site_yaml = sample_site / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("Israel*: 2,", "Israel*: 3,", 1), encoding="utf-8")
    report = ingest(load_config(sample_site))
    assert len(report.written) == 1 and report.unchanged == 0
    assert ingest(load_config(sample_site)).unchanged == 1


def test_release_listing_is_sorted_with_links_and_skips_what_is_not_a_release(new_site, tmp_path):
    """list_releases reads plain files from the folder entries and links the slow way: the
    listing is in name order all the same, and editor files, folders and big files are handled."""
    from generator.ingest import MAX_FILE_BYTES
    from generator.sync import list_releases

    releases = new_site / "content" / "releases"
    for name in ("c.txt", "a.txt", "e.txt"):
        (releases / name).write_text("x", encoding="utf-8")
    (releases / "b.txt").symlink_to(releases / "a.txt")  # a link inside the site: read like a file
    (releases / "d.txt").symlink_to(tmp_path / "missing.txt")  # dangling: a problem in its place
    (releases / "e.txt~").write_text("x", encoding="utf-8")  # an editor's backup: passed over
    (releases / "sub").mkdir()
    (releases / "sub" / "f.txt").write_text("x", encoding="utf-8")
    with (releases / "g.txt").open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    listing = list_releases(load_config(new_site))
    assert [rel for rel, _, _ in listing] == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "g.txt", "sub/f.txt"]
    kinds = {rel: type(found).__name__ for rel, found, _ in listing}
    assert kinds["d.txt"] == kinds["g.txt"] == "Problem"
    assert all(kinds[rel] == "str" for rel in ("a.txt", "b.txt", "c.txt", "e.txt", "sub/f.txt"))
    stats = {rel: stat for rel, _, stat in listing}  # the size and time ingest compares with the last build's
    assert stats["d.txt"] is stats["g.txt"] is None
    assert stats["b.txt"][0] == stats["c.txt"][0] == 1
    assert stats["c.txt"][1] == (releases / "c.txt").stat().st_mtime_ns


def test_render_batches_keep_every_page_once_and_leave_site_wide_pages_to_one_process(monkeypatch):
    from generator import build
    from generator.build import RENDER_BATCH, render_batches
    from generator.render import PageSpec

    monkeypatch.setenv("BRIEFING_PROCESSES", "2")
    monkeypatch.setattr(build, "BIG_RENDER", 10_000)  # this site is not big: batches of RENDER_BATCH pages
    kinds = ["release.html"] * 5000 + ["week.html"] * 150 + ["sitemap.xml"] * 1 + ["entities.html"] * 40
    todo = tuple(PageSpec(f"{i}/index.html", template, (), str(i)) for i, template in enumerate(kinds))
    batches = render_batches(todo)
    narrow = [spec for spec in todo if spec.template in ("release.html", "week.html")]
    wide = [spec for spec in todo if spec.template in ("sitemap.xml", "entities.html")]
    assert sorted(spec.path for batch, _ in batches for spec in batch) == sorted(spec.path for spec in todo)  # once each
    assert batches[-1] == (wide, 1)  # the pages that list the whole site: rendered with no child alive
    assert len(batches) == 1 + -(-len(narrow) // RENDER_BATCH)
    assert all(len(batch) <= RENDER_BATCH + 2 and processes == 2 for batch, processes in batches[:-1])
    # each batch takes its run of each template's pages, in the plan's order: the week pages (which
    # read many releases) are not all in one batch, whose child would copy all they read
    weeks = [[spec for spec in batch if spec.template == "week.html"] for batch, _ in batches[:-1]]
    assert [len(found) for found in weeks] == [75, 75]
    assert [spec for found in weeks for spec in found] == [spec for spec in todo if spec.template == "week.html"]
    assert [spec for batch, _ in batches[:-1] for spec in batch if spec.template == "release.html"] == \
        [spec for spec in todo if spec.template == "release.html"]
    small = todo[:100]  # too few to share: one process, one batch
    assert render_batches(small) == [(small, 1)]
    monkeypatch.setattr(build, "BIG_RENDER", 5000)  # a big site: smaller batches, each child copies less at once
    batches = render_batches(todo)
    assert len(batches) == 1 + -(-len(narrow) // build.SMALL_BATCH)
    assert all(len(batch) <= build.SMALL_BATCH + 2 and processes == 2 for batch, processes in batches[:-1])
    assert sorted(spec.path for batch, _ in batches for spec in batch) == sorted(spec.path for spec in todo)
