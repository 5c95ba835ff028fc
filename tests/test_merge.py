"""Hand edits are never lost: a three-way merge of your edits, Briefing's last output (the base)
and its new one, field by field and paragraph by paragraph; then the same through ingest."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from generator.build import build, ingest
from generator.config import load_config
from generator.document import conflicts_of, is_edited, parse_document, render_document, split_front_matter
from generator.merge import merge
from generator.records import Annotation, Person, Release
from tests.conftest import ROOT, SAMPLE

TOPICS = frozenset({"middle-east", "indo-pacific", "personnel"})
PARAGRAPHS = ("Israel struck military targets in Iran.", "Austin called Gallant.", "Singh spoke to reporters.")


def machine(title: str = "Israel Strikes Iran", summary: str = "Israel struck targets.", topics: tuple[str, ...] = ("middle-east",),
            people: tuple[Person, ...] = (Person("Sabrina Singh", "Deputy Press Secretary", 2),), issuer: str = "DoD",
            paragraphs: tuple[str, ...] = PARAGRAPHS, day: dt.date = dt.date(2024, 10, 28), sha: str = "a" * 64) -> str:
    """What Briefing writes for a release (the real writer)."""
    release = Release(source_file="a.txt", sha256=sha, date=day, kind="News release", distributor="Public",
                      distributed_at=dt.datetime.combine(day, dt.time(14, 55), dt.timezone.utc), paragraphs=paragraphs)
    annotation = Annotation(title=title, title_source="derived", summary=summary, issuer=issuer, topics=topics, people=people)
    return render_document(release, annotation, "test")


def front(text: str) -> dict:
    return yaml.safe_load(split_front_matter(text, "x.md")[0])


def body(text: str) -> str:
    return split_front_matter(text, "x.md")[1]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def valid(text: str):
    return parse_document(text, "2024/x.md", TOPICS)


# ---------------------------------------------------------------- the rules, on texts

def test_your_change_is_kept_and_the_annotators_is_taken():
    base = machine()
    ours = edit(base, "title: Israel Strikes Iran", "title: Israel strikes back")
    theirs = machine(summary="A better summary.", topics=("middle-east", "personnel"), sha="b" * 64)
    result = merge(ours, base, theirs)
    merged = front(result.text)
    assert merged["title"] == "Israel strikes back"
    assert merged["summary"] == "A better summary." and merged["topics"] == ["middle-east", "personnel"]
    assert merged["source_sha256"] == "b" * 64
    assert (result.kept, result.taken, result.conflicts) == (("title",), ("topics", "summary"), ())
    assert "conflicts" not in merged and is_edited(result.text)
    assert valid(result.text).title == "Israel strikes back"


def test_lists_are_whole_values():
    base = machine()
    ours = edit(base, "  role: Deputy Press Secretary\n", "  role: Deputy Pentagon Press Secretary\n")
    theirs = machine(people=(Person("Sabrina Singh", "Deputy Press Secretary", 2), Person("Lloyd J. Austin III", "", 1)))
    result = merge(ours, base, theirs)
    assert result.conflicts == ("people",)
    merged = front(result.text)
    assert merged["people"] == [{"name": "Sabrina Singh", "role": "Deputy Pentagon Press Secretary", "paragraph": 2}]
    assert [p["name"] for p in merged["conflicts"]["people"]["annotator"]] == ["Sabrina Singh", "Lloyd J. Austin III"]


def test_both_changed_alike_is_no_conflict():
    base = machine()
    ours = edit(base, "summary: Israel struck targets.", "summary: Israel struck military targets.")
    result = merge(ours, base, machine(summary="Israel struck military targets."))
    assert front(result.text)["summary"] == "Israel struck military targets."
    assert (result.kept, result.taken, result.conflicts) == ((), (), ())
    assert not is_edited(result.text)  # exactly what Briefing wrote: it follows its release again


def test_a_conflict_keeps_both_values_and_is_reported_with_its_line():
    base = machine()
    ours = edit(base, "summary: Israel struck targets.", "summary: My summary.")
    theirs = machine(summary="The annotator's summary.")
    result = merge(ours, base, theirs)
    assert result.conflicts == ("summary",)
    merged = front(result.text)
    assert merged["summary"] == "My summary."
    assert merged["conflicts"] == {"summary": {"yours": "My summary.", "annotator": "The annotator's summary."}}
    assert valid(result.text).summary == "My summary."  # the file still builds, with your value
    (problem,) = conflicts_of(result.text, "x.md")
    line = result.text.splitlines()[problem.line - 1]
    assert line == "    yours: My summary." and problem.field == "summary"
    assert str(problem).startswith("x.md:") and "summary: conflict:" in str(problem)
    assert "remove the conflicts entry" in problem.message


def test_the_body_merges_paragraph_by_paragraph():
    base = machine()
    ours = edit(base, "Austin called Gallant.", "Austin called Gallant on Sunday.")
    ours = edit(ours, "Singh spoke to reporters.\n", "Singh spoke to reporters.\n\nA note of mine.\n")
    theirs = machine(paragraphs=("Israel struck military targets in Iran on Friday.", *PARAGRAPHS[1:]))
    result = merge(ours, base, theirs)
    assert body(result.text) == ("Israel struck military targets in Iran on Friday.\n\nAustin called Gallant on Sunday.\n\n"
                                 "Singh spoke to reporters.\n\nA note of mine.\n")
    assert result.combined == ("body",) and result.conflicts == ()


def test_a_body_conflict_has_git_markers_and_is_reported():
    base = machine()
    ours = edit(base, "Austin called Gallant.", "Austin phoned Gallant.")
    theirs = machine(paragraphs=(PARAGRAPHS[0], "Austin called Yoav Gallant.", PARAGRAPHS[2]))
    result = merge(ours, base, theirs)
    assert result.conflicts == ("body",)
    assert body(result.text) == (f"{PARAGRAPHS[0]}\n\n<<<<<<< yours\n\nAustin phoned Gallant.\n\n=======\n\n"
                                 f"Austin called Yoav Gallant.\n\n>>>>>>> annotator\n\n{PARAGRAPHS[2]}\n")
    valid(result.text)
    (problem,) = conflicts_of(result.text, "x.md")
    assert problem.field == "body" and result.text.splitlines()[problem.line - 1] == "<<<<<<< yours"


def test_a_field_deleted_by_hand_stays_deleted():
    base = machine()
    ours = edit(base, "issuer: DoD\n", "")
    assert "issuer" not in front(merge(ours, base, machine(summary="New.")).text)
    result = merge(ours, base, machine(issuer="U.S. Department of Defense"))  # the annotator changed it: a conflict
    merged = front(result.text)
    assert "issuer" not in merged and merged["conflicts"]["issuer"] == {"yours": None, "annotator": "U.S. Department of Defense"}
    valid(result.text)


def test_your_own_keys_comments_and_layout_are_kept():
    base = machine()
    ours = edit(base, "topics: [middle-east]\n", "# checked by the desk\ntopics:\n- middle-east\n- indo-pacific\n")
    ours = edit(ours, "annotator: test\n", "annotator: test\nextra: {desk: europe}\n")
    result = merge(ours, base, machine(summary="New."))
    assert "# checked by the desk\ntopics:\n- middle-east\n- indo-pacific\n" in result.text
    assert "extra: {desk: europe}\n" in result.text and result.kept == ("topics", "extra")
    assert valid(result.text).extra == (("desk", "europe"),)
    # a field the annotator changes keeps the comment above it
    result = merge(ours, base, machine(summary="New.", topics=("personnel",)))
    assert "# checked by the desk\ntopics:\n- middle-east\n" in result.text and result.conflicts == ("topics",)


def test_date_and_week_go_together():
    base = machine()
    ours = edit(edit(base, "date: 2024-10-28", "date: 2024-10-29"), "week: 2024-W44", "week: 2024-W44")
    theirs = machine(day=dt.date(2024, 11, 4))  # another week
    result = merge(ours, base, theirs)
    merged = front(result.text)
    assert merged["date"] == dt.date(2024, 10, 29) and merged["week"] == "2024-W44"
    assert result.conflicts == ("date",)
    valid(result.text)


def test_merging_again_changes_nothing():
    base = machine()
    ours = edit(base, "summary: Israel struck targets.", "summary: My summary.")
    ours = edit(ours, "Austin called Gallant.", "Austin phoned Gallant.")
    theirs = machine(summary="Theirs.", paragraphs=(PARAGRAPHS[0], "Austin called Yoav Gallant.", PARAGRAPHS[2]))
    once = merge(ours, base, theirs).text
    again = merge(once, theirs, theirs)
    assert again.text == once and (again.kept, again.taken, again.conflicts) == (("summary", "body"), (), ())


def test_a_later_conflict_replaces_the_older_entry_of_its_field():
    base = machine()
    ours = edit(base, "summary: Israel struck targets.", "summary: Mine.")
    first = machine(summary="Second.")
    once = merge(ours, base, first).text
    twice = merge(once, first, machine(summary="Third.", title="New title")).text
    merged = front(twice)
    assert merged["conflicts"] == {"summary": {"yours": "Mine.", "annotator": "Third."}} and merged["title"] == "New title"


# ---------------------------------------------------------------- through ingest and build

def annotated_file(config) -> Path:
    (path,) = config.annotated_dir.rglob("*.md")
    return path


def base_file(config, path: Path) -> Path:
    return config.site_dir / "content" / ".briefing" / "base" / path.relative_to(config.annotated_dir)


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "content").rglob("*")) if p.is_file()}


def change_release(config) -> None:
    release = config.releases_dir / SAMPLE.name
    release.write_text(release.read_text(encoding="utf-8") + "\nA corrected last paragraph.\n", encoding="utf-8")


def test_ingest_keeps_a_base_beside_each_file(sample_site):
    config = load_config(sample_site)
    ingest(config)
    path = annotated_file(config)
    assert base_file(config, path).read_bytes() == path.read_bytes()
    change_release(config)
    ingest(config)  # nobody edited it: the file follows its release, and so does its base
    assert "A corrected last paragraph." in path.read_text(encoding="utf-8")
    assert base_file(config, path).read_bytes() == path.read_bytes()
    (config.releases_dir / SAMPLE.name).unlink()
    ingest(config)
    assert not path.exists() and not base_file(config, path).exists()


def test_ingest_merges_a_hand_edit_and_a_second_ingest_changes_no_byte(sample_site):
    config = load_config(sample_site)
    ingest(config)
    path = annotated_file(config)
    text = path.read_text(encoding="utf-8")
    title = front(text)["title"]
    path.write_text(edit(text, f"title: {title}\n", "title: My own title\n"), encoding="utf-8")
    change_release(config)
    report = ingest(config)
    rel = f"content/annotated/{path.relative_to(config.annotated_dir).as_posix()}"
    (merged,) = report.merged
    assert (merged.path, merged.kept, merged.conflicts) == (rel, ("title",), ()) and "body" in merged.taken
    assert report.kept == () and report.written == ()
    text = path.read_text(encoding="utf-8")
    assert front(text)["title"] == "My own title" and "A corrected last paragraph." in text and is_edited(text)
    assert base_file(config, path).read_text(encoding="utf-8").count("A corrected last paragraph.") == 1
    before = snapshot(sample_site)
    again = ingest(config)
    assert again.merged == () and again.unchanged == 1 and snapshot(sample_site) == before


def test_without_a_base_the_edited_file_is_kept_whole(sample_site):
    config = load_config(sample_site)
    ingest(config)
    path = annotated_file(config)
    edited = edit(path.read_text(encoding="utf-8"), "\ntopics: [", "\ntopics: [personnel, ")
    path.write_text(edited, encoding="utf-8")
    base_file(config, path).unlink()  # a file from before bases were kept
    change_release(config)
    report = ingest(config)
    assert report.kept == (f"content/annotated/{path.relative_to(config.annotated_dir).as_posix()}",) and report.merged == ()
    assert path.read_text(encoding="utf-8") == edited


def test_a_base_of_another_version_is_not_used(sample_site):
    config = load_config(sample_site)
    ingest(config)
    path = annotated_file(config)
    path.write_text(edit(path.read_text(encoding="utf-8"), "\ntopics: [", "\ntopics: [personnel, "), encoding="utf-8")
    base = base_file(config, path)
    base.write_text(machine(), encoding="utf-8")  # a valid base, but not the text this file was edited from
    change_release(config)
    assert len(ingest(config).kept) == 1


def test_files_from_before_bases_get_one_and_stale_bases_go(sample_site):
    config = load_config(sample_site)
    ingest(config)
    path = annotated_file(config)
    base = base_file(config, path)
    shutil.rmtree(sample_site / "content" / ".briefing")
    stale = base.with_name("gone.md")
    stale.parent.mkdir(parents=True)
    stale.write_text("old\n", encoding="utf-8")
    assert ingest(config).unchanged == 1
    assert base.read_bytes() == path.read_bytes() and not stale.exists()


def test_a_build_with_a_conflict_reports_it_and_builds_the_rest(sample_site, tmp_path):
    config = load_config(sample_site)
    ingest(config)
    path = annotated_file(config)
    text = path.read_text(encoding="utf-8")
    path.write_text(edit(text, f"summary: {front(text)['summary']}\n", "summary: Mine.\n"), encoding="utf-8")
    release = config.releases_dir / SAMPLE.name
    release.write_text(release.read_text(encoding="utf-8").replace("On Friday, Israel", "On Friday, the Israeli military", 1),
                       encoding="utf-8")
    report = build(config, tmp_path / "out")
    (merged,) = report.ingest.merged
    assert "summary" in merged.conflicts
    assert report.documents == 1  # the file builds, with your value
    rel = f"content/annotated/{path.relative_to(config.annotated_dir).as_posix()}"
    problem = next(p for p in report.problems if p.field == "summary")
    assert problem.file == rel and problem.line > 0 and problem.message.startswith("conflict:")
    page = next((tmp_path / "out" / "releases").glob("*/index.html")).read_text(encoding="utf-8")
    assert "Mine." in page


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_says_what_it_merged_and_what_conflicts(tmp_path):
    site = tmp_path / "s"
    run("new", str(site))
    shutil.copy(SAMPLE, site / "content" / "releases")
    run("ingest", "--site", str(site))
    (path,) = (site / "content" / "annotated").rglob("*.md")
    text = path.read_text(encoding="utf-8")
    text = edit(text, f"issuer: {front(text)['issuer']}\n", "issuer: The Pentagon\n")
    path.write_text(edit(text, f"summary: {front(text)['summary']}\n", "summary: Mine.\n"), encoding="utf-8")
    release = site / "content" / "releases" / SAMPLE.name
    release.write_text(release.read_text(encoding="utf-8").replace("On Friday, Israel", "On Friday, the Israeli military", 1),
                       encoding="utf-8")
    result = run("ingest", "--site", str(site))
    rel = f"content/annotated/2024/{path.name}"
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"merged {rel}: kept your issuer; took new title, ") for line in lines), result.stdout
    assert f"conflict {rel}: summary (both kept; see conflicts: in the file)" in lines, result.stdout
    assert result.returncode == 1 and f"error: {rel}:" in result.stderr and "summary: conflict:" in result.stderr
    again = run("ingest", "--site", str(site))
    assert again.returncode == 0 and "1 unchanged" in again.stdout and "merged" not in again.stdout.replace("0 merged", "")
    built = run("build", "--site", str(site))
    assert built.returncode == 1 and "summary: conflict:" in built.stderr and "build: 1 releases" in built.stdout


def test_merge_is_deterministic():
    base = machine()
    ours = edit(base, "summary: Israel struck targets.", "summary: Mine.")
    theirs = machine(summary="Theirs.", title="T")
    assert merge(ours, base, theirs).text == merge(ours, base, theirs).text


def test_a_file_saved_with_windows_line_ends_is_merged(sample_site):
    config = load_config(sample_site)
    ingest(config)
    path = annotated_file(config)
    text = edit(path.read_text(encoding="utf-8"), "\ntopics: [", "\ntopics: [personnel, ")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    change_release(config)
    (merged,) = ingest(config).merged
    assert merged.kept == ("topics",) and "\ntopics: [personnel, " in path.read_text(encoding="utf-8")


def test_front_matter_that_is_not_yaml_is_kept_whole(sample_site):
    config = load_config(sample_site)
    ingest(config)
    path = annotated_file(config)
    broken = edit(path.read_text(encoding="utf-8"), "\ntopics: [", "\ntopics: [[personnel, ")
    path.write_text(broken, encoding="utf-8")
    change_release(config)
    report = ingest(config)
    assert len(report.kept) == 1 and report.merged == () and path.read_text(encoding="utf-8") == broken


def test_conflicts_entries_are_validated():
    import pytest

    from generator.errors import ContentError

    text = ("---\ntitle: x\ndate: 2024-01-01\nconflicts:\n  sumary: {yours: a, annotator: b}\n  title: x\n"
            "  issuer: {yours: a, theirs: b}\n---\nText.\n")
    with pytest.raises(ContentError) as info:
        parse_document(text, "c.md")
    assert [str(p) for p in info.value.problems] == [
        "c.md:5: conflicts.sumary: not a field of the front matter (did you mean 'summary'?)",
        "c.md:6: conflicts.title: expected {yours: ..., annotator: ...}",
        "c.md:7: conflicts.issuer.theirs: unknown key",
    ]
