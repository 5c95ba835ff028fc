"""Incremental builds equal full builds, byte for byte, after every kind of change."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import model, render
from generator.build import Builder, build
from generator.config import load_config
from tests.conftest import ROOT, SAMPLE

SMALL_SITE = Path(__file__).resolve().parent / "fixtures" / "small-site"
HEADER = "{date} | News release | Distributed by Public on {date} 09:30"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SMALL_SITE, site)
    shutil.copytree(ROOT / "themes" / "default", site / "themes" / "mine")
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "theme: mine\n")
    return site


def full_build(site: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "full"
    shutil.rmtree(out, ignore_errors=True)
    build(load_config(site), out, use_cache=False)
    return tree(out)


def releases(site: Path) -> Path:
    return site / "content" / "releases"


def edit_release(site: Path) -> None:
    path = releases(site) / "2024-10-25-whitehouse-2.txt"
    path.write_text(path.read_text() + "The two sides agreed to meet again in Tokyo next month.\n")


def redate_release(site: Path) -> None:
    """A release moves to a later week: the newest release of the people it names, so their pages'
    dates change (the sitemap's lastmod) while every entity and its count stay the same."""
    path = releases(site) / "2024-10-25-whitehouse-2.txt"
    path.write_text(path.read_text().replace("10/25/2024", "11/08/2024"))


def add_release(site: Path) -> None:
    (releases(site) / "2024-12-02-new.txt").write_text(
        HEADER.format(date="12/02/2024") + "\nThe United States condemns the missile launch by the DPRK.\n"
        "\"This launch is a clear violation of several UN Security Council resolutions,\" said State Department Spokesperson Ned Price.\n")


def rename_release(site: Path) -> None:
    (releases(site) / "2024-10-18-whitehouse-1.txt").rename(releases(site) / "2024-10-18-renamed.txt")


def delete_release(site: Path) -> None:
    (releases(site) / "2024-11-07-whitehouse-1.txt").unlink()


def atomic_save(site: Path) -> None:
    path = releases(site) / "2024-10-30-whitehouse-2.txt"
    tmp = path.with_name(".tmp-save")
    tmp.write_text(path.read_text().replace("strongly", "firmly"))
    tmp.replace(path)


def hand_edit_annotated(site: Path) -> None:
    path = next((site / "content" / "annotated").rglob("*dod*.md"), None) or sorted((site / "content" / "annotated").rglob("*.md"))[0]
    text = path.read_text()
    path.write_text(text.replace("\ntitle: ", "\ntitle: Edited: ", 1))


def rename_a_person_page(site: Path) -> None:
    """A new name with the same slug that sorts first takes "olaf-scholz"; unchanged pages must follow the move."""
    path = next(p for p in sorted((site / "content" / "annotated").rglob("*.md"))
                if "\npeople:\n" in p.read_text() and "Olaf Scholz" not in p.read_text())
    path.write_text(path.read_text().replace("\npeople:\n", "\npeople:\n- name: OLAF SCHOLZ\n  paragraph: 0\n", 1))


def change_template(site: Path) -> None:
    path = site / "themes" / "mine" / "templates" / "week.html"
    path.write_text(path.read_text().replace("{% block main %}", "{% block main %}\n<!-- week edited -->", 1))


def change_macro(site: Path) -> None:
    path = site / "themes" / "mine" / "templates" / "_macros.html"
    path.write_text(path.read_text() + "\n{# a comment #}\n{% macro unused() %}x{% endmacro %}\n")


def change_css(site: Path) -> None:
    path = site / "themes" / "mine" / "static" / "style.css"
    path.write_text(path.read_text() + "\nbody { letter-spacing: 0.01em; }\n")


def change_config(site: Path) -> None:
    path = site / "site.yaml"
    path.write_text(path.read_text().replace("title: Small briefing", "title: Smaller briefing"))


CHANGES = [edit_release, redate_release, add_release, rename_release, delete_release, atomic_save, hand_edit_annotated,
           rename_a_person_page, change_template, change_macro, change_css, change_config]


@pytest.mark.parametrize("mode", ["dev-server", "dev-server-short-runs", "cli", "cli-new-process"])
def test_every_change_gives_the_full_build(site, tmp_path, mode, monkeypatch):
    """dev-server: one Builder updating output/ in place; dev-server-short-runs: the same with runs
    of two objects (see render.ByIdentity), so that a change falls among runs found again, as on a
    site of thousands of pages; cli: one Builder swapping or patching output/; cli-new-process: a
    new Builder for each build, starting from the cache on disk (its Corpus, Site and page plan),
    as `briefing build` does."""
    if mode == "dev-server-short-runs":
        monkeypatch.setattr(render, "RUN_SIZE", 2)
        monkeypatch.setattr(model, "LIST_ALL", 3)  # people and organisations get letter pages, patched after edits
    builder = Builder(site / "output", in_place=mode.startswith("dev-server"))
    builder.build(load_config(site))
    for change in CHANGES:
        change(site)
        if mode == "cli-new-process":
            builder = Builder(site / "output")
        report = builder.build(load_config(site))
        assert tree(site / "output") == full_build(site, tmp_path), f"after {change.__name__}"
        assert report.rendered < report.pages or change in (change_config, change_macro), change.__name__


def test_a_release_edit_renders_only_the_pages_that_show_it(site):
    builder = Builder(site / "output", in_place=True)
    first = builder.build(load_config(site))
    edit_release(site)
    report = builder.build(load_config(site))
    changed = set(report.write.changed)
    assert any(p.startswith("releases/2024-10-25-") for p in changed)  # the new sentence is on its page
    assert not any(p.startswith(("weeks/2024-w45/", "weeks/2024-w42/")) for p in changed)
    # its page, its neighbours, its week, its topics and topic-weeks, home, indexes, feed, sitemap
    assert report.rendered <= first.rendered // 2


def test_a_restart_uses_the_cache_and_gives_the_same_bytes(site, tmp_path):
    config = load_config(site)
    build(config, site / "output")
    assert (site / ".briefing-cache" / "state.pickle").is_file()
    edit_release(site)
    report = build(load_config(site), site / "output")  # a new process would start like this
    assert report.rendered < report.pages and report.ingest.unchanged >= 4
    assert tree(site / "output") == full_build(site, tmp_path)


def test_nothing_changed_renders_nothing(site):
    config = load_config(site)
    build(config, site / "output")
    report = build(config, site / "output")
    assert report.rendered == 0 and report.write.written == 0


def test_a_broken_cache_is_ignored(site, tmp_path):
    build(load_config(site), site / "output")
    (site / ".briefing-cache" / "state.pickle").write_bytes(b"not a pickle")
    edit_release(site)
    build(load_config(site), site / "output")
    assert tree(site / "output") == full_build(site, tmp_path)


def test_sample_release_added_to_a_watched_site(site, tmp_path):
    builder = Builder(site / "output", in_place=True)
    builder.build(load_config(site))
    shutil.copy(SAMPLE, releases(site) / "copy-of-sample.txt")
    builder.build(load_config(site))
    assert tree(site / "output") == full_build(site, tmp_path)


def test_change_hints_from_a_watcher_give_the_full_build(site, tmp_path):
    builder = Builder(site / "output", in_place=True)
    builder.build(load_config(site))
    edit_release(site)
    builder.build(load_config(site), ["content/releases/2024-10-25-whitehouse-2.txt"])
    assert tree(site / "output") == full_build(site, tmp_path)
    sub = releases(site) / "2024"
    sub.mkdir()
    shutil.copy(SAMPLE, sub / "copy.txt")
    builder.build(load_config(site), ["content/releases/2024/copy.txt"])
    assert tree(site / "output") == full_build(site, tmp_path)
    shutil.rmtree(sub)  # a folder moved away: one event, for the folder
    builder.build(load_config(site), ["content/releases/2024"])
    assert tree(site / "output") == full_build(site, tmp_path)
    delete_release(site)
    report = builder.build(load_config(site), ["content/releases/2024-11-07-whitehouse-1.txt"])
    assert len(report.ingest.removed) == 1
    assert tree(site / "output") == full_build(site, tmp_path)


def test_entity_index_from_a_previous_build_equals_a_fresh_one():
    """The incremental entity index, after removals, additions and edits, equals one built from nothing."""
    import dataclasses
    import datetime as dt

    from generator.config import Config
    from generator.model import build_site
    from generator.records import Document, Org, Person, Quote, iso_week, pack

    def doc(n: int, people: tuple[str, ...], countries: tuple[str, ...], title: str = "") -> Document:
        day = dt.date(2024, 1, 1) + dt.timedelta(days=3 * n)
        return Document(path=f"x/{n}.md", slug=f"r{n:03d}", source_file=f"{n}.txt", source_sha256="0" * 64,
                        title=title or f"Release {n}", title_source="derived", date=day,
                        distributed_at=dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc),
                        kind="News release", distributor="Public", issuer="State", week=iso_week(day), topics=(),
                        summary="", people=tuple(Person(p, f"Role of {p}") for p in people), countries=countries,
                        orgs=(Org("United Nations", ("UN",)),) if n % 3 == 0 else (),
                        quotes=tuple(Quote(f"Words {n}", p) for p in people[:1]), figures=(), packed_body=pack("Text."))

    config = Config(site_dir=Path("."), title="T", base_url="https://example.org/")
    names = ["Ann Lee", "Bo Kim", "Cy Diaz", "Di Roe"]
    docs = [doc(n, tuple(names[(n + k) % 4] for k in range(n % 3)), ("US", "FR")[: 1 + n % 2]) for n in range(40)]
    site = build_site(docs, config)
    edits = [
        lambda d: d[:10] + d[11:],  # a release removed
        lambda d: d + [doc(50, ("Ed New",), ("JP",))],  # added, naming new entities
        lambda d: [dataclasses.replace(x, title="Renamed") if x.slug == "r020" else x for x in d],  # neighbours relinked
        lambda d: [dataclasses.replace(x, people=(Person("Ann Lee", "Envoy"),)) if x.slug == "r021" else x for x in d],
        lambda d: [x for x in d if "Ed New" not in {p.name for p in x.people}],  # an entity disappears
        lambda d: [dataclasses.replace(x, date=dt.date(2024, 12, 30), week=iso_week(dt.date(2024, 12, 30)),
                                       distributed_at=dt.datetime(2024, 12, 30, 9, tzinfo=dt.timezone.utc))
                   if x.slug == "r005" else x for x in d],  # moved to the newest: its entities' dates change
    ]
    for edit in edits:
        docs = edit(docs)
        site = build_site(docs, config, site)
        fresh = build_site(docs, config)
        for kind in ("people", "countries", "orgs", "releases", "weeks", "topics", "directories"):
            assert getattr(site, kind) == getattr(fresh, kind), kind
        assert site.index.dated == fresh.index.dated  # what the sitemap's key digests


def test_a_new_process_starts_from_the_last_plan(site):
    """The cache holds the last Site and page plan with the Corpus: the Documents the plan was
    made from are the very objects the Corpus holds, so the plan's specs are lent."""
    build(load_config(site), site / "output")
    builder = Builder(site / "output")
    state = builder.state_for(load_config(site))
    memory = builder.memory
    assert memory.site is not None and len(memory.specs) > 10 and len(memory.keys) == len(memory.plan)
    documents = {id(f.document) for f in state.corpus.annotated.values()}
    assert all(id(entry.document) in documents for entry in memory.site.releases)
    edit_release(site)
    report = builder.build(load_config(site))
    assert report.rendered < report.pages // 2


def test_a_snapshot_in_parts_keeps_the_objects_shared(site, tmp_path, monkeypatch):
    """The snapshot is written as several pickles (two annotated files in each here); the Site
    loaded after them holds the Corpus's own Documents and Quotes, not copies, the plan memory
    loaded after it the Site's own entries, weeks and entities, and a build from it gives the
    full build's bytes."""
    import generator.build as build_module

    monkeypatch.setattr(build_module, "SNAPSHOT_PART", 2)
    shutil.copy(SAMPLE, releases(site) / "sample.txt")  # a release with quotes
    build(load_config(site), site / "output")
    builder = Builder(site / "output")
    state = builder.state_for(load_config(site))
    assert builder.state_saved and len(state.corpus.annotated) > 4 and state.page_keys
    files = list(state.corpus.annotated.values())
    documents = {id(f.document) for f in files}
    quotes = {id(q) for f in files for q in f.document.quotes}
    entities = builder.memory.site.entities()
    quoted = [q.quote for entity in entities for q in entity.quotes]
    assert quoted and all(id(quote) in quotes for quote in quoted)
    assert all(id(entry.document) in documents for entry in builder.memory.site.releases)
    model = {id(obj) for obj in (*builder.memory.site.releases, *builder.memory.site.weeks, *entities)}
    mapped = [obj for obj in builder.memory.specs.objects.values() if type(obj).__name__ in ("Entry", "Week", "Entity")]
    assert len(mapped) > 10 and all(id(obj) in model for obj in mapped)  # the Site's own, in the plan memory too
    edit_release(site)
    report = builder.build(load_config(site))
    assert 0 < report.rendered < report.pages // 2
    assert tree(site / "output") == full_build(site, tmp_path)


def test_a_snapshot_whose_shared_objects_differ_is_ignored(site, monkeypatch):
    """The plan memory refers to the Corpus's Documents by number: when the files read back do
    not give the same number of them, the snapshot is not used."""
    import generator.build as build_module

    build(load_config(site), site / "output")
    real = build_module.shared_objects
    monkeypatch.setattr(build_module, "shared_objects", lambda files: real(files)[1:])
    builder = Builder(site / "output")
    builder.state_for(load_config(site))
    assert not builder.state_saved and not builder.state.corpus.annotated


def cache_files(site: Path) -> tuple[Path, Path]:
    return site / ".briefing-cache" / "state.pickle", site / ".briefing-cache" / "journal.pickle"


def test_an_edit_appends_to_the_journal_and_a_new_process_reads_it(site, tmp_path):
    """After one edit the snapshot stands and the journal gets the build's changes; a new
    process applies them: it renders nothing more and gives the full build's bytes."""
    build(load_config(site), site / "output")
    snapshot, journal = cache_files(site)
    made = snapshot.stat().st_ino, snapshot.stat().st_mtime_ns
    size = journal.stat().st_size
    edit_release(site)
    build(load_config(site), site / "output")
    assert (snapshot.stat().st_ino, snapshot.stat().st_mtime_ns) == made and journal.stat().st_size > size
    again = build(load_config(site), site / "output")
    assert again.rendered == 0 and again.ingest.unchanged >= 4 and not again.ingest.written
    hand_edit_annotated(site)
    report = Builder(site / "output").build(load_config(site))
    assert 0 < report.rendered < report.pages
    assert tree(site / "output") == full_build(site, tmp_path)


def test_a_build_killed_while_changing_output_leaves_no_cache(site, tmp_path):
    """A journal that ends in "begin" (output/ was being changed when the build was killed) is
    not trusted: the next build starts from nothing and is right."""
    import pickle

    build(load_config(site), site / "output")
    _, journal = cache_files(site)
    edit_release(site)
    with journal.open("ab") as handle:
        handle.write(pickle.dumps(("begin",)))
    report = Builder(site / "output").build(load_config(site))
    assert report.rendered == report.pages - sum(1 for p in (site / "output" / "static").rglob("*") if p.is_file())
    assert tree(site / "output") == full_build(site, tmp_path)


def test_a_journal_of_another_snapshot_is_ignored(site):
    import pickle

    build(load_config(site), site / "output")
    _, journal = cache_files(site)
    journal.write_bytes(pickle.dumps(("generation", "other")) + pickle.dumps(("begin",)))
    builder = Builder(site / "output")
    assert builder.state_for(load_config(site)).corpus.annotated  # the snapshot alone
    assert builder.journaled == 0


def test_a_long_journal_is_folded_into_a_new_snapshot(site, monkeypatch):
    import generator.build as build_module

    monkeypatch.setattr(build_module, "COMPACT_SHARE", 0.0)
    monkeypatch.setattr(build_module, "COMPACT_MIN", 1)
    build(load_config(site), site / "output")
    snapshot, journal = cache_files(site)
    for i in range(3):
        before = snapshot.stat().st_mtime_ns
        path = sorted(releases(site).glob("*.txt"))[0]
        path.write_text(path.read_text(encoding="utf-8") + f"\nEdit number {i}.\n", encoding="utf-8")
        Builder(site / "output").build(load_config(site))
        if snapshot.stat().st_mtime_ns != before:
            break
    else:
        raise AssertionError("the journal grew past its limit (1 entry here) and was never folded into a snapshot")


def test_a_page_deleted_from_output_is_made_again_by_the_next_build(site, tmp_path):
    """The cache's page keys are trusted only for pages still in output/: one deleted by hand is
    rendered again by the next `briefing build` that has work to do."""
    build(load_config(site), site / "output")
    page = next((site / "output" / "releases").glob("*/index.html"))
    other = next((site / "output" / "people").glob("*/index.html"))
    page.unlink()
    other.unlink()
    edit_release(site)
    report = Builder(site / "output").build(load_config(site))
    assert page.is_file() and other.is_file() and report.rendered < report.pages // 2
    assert tree(site / "output") == full_build(site, tmp_path)


def test_a_new_build_annotates_the_edited_release_in_another_process_while_its_cache_loads(site, tmp_path, monkeypatch):
    """`briefing build` after an edit: the releases saved since the last build are annotated in a
    forked process while this one loads the cache, and ingest takes them from there (so it calls
    prepare for none here); a release that changed during the last build is annotated here."""
    import os

    from generator import parallel, sync
    if parallel.cores() < 2 or not parallel.can_fork():
        pytest.skip("annotating ahead needs two cores and fork()")
    build(load_config(site), site / "output")
    stamp = site / ".briefing-cache" / "unchanged.pickle"
    edit_release(site)
    edited = releases(site) / "2024-10-25-whitehouse-2.txt"
    os.utime(edited, ns=(stamp.stat().st_mtime_ns + 10**9,) * 2)  # saved after the last build ended
    here: list[str] = []
    prepare = sync.prepare
    monkeypatch.setattr(sync, "prepare", lambda release, *rest: here.append(release.source_file) or prepare(release, *rest))
    report = Builder(site / "output").build(load_config(site))
    assert len(report.ingest.written) == 1 and here == []
    assert tree(site / "output") == full_build(site, tmp_path)

    atomic_save(site)  # its time is before the last build's end: not annotated ahead, but here
    saved = releases(site) / "2024-10-30-whitehouse-2.txt"
    os.utime(saved, ns=(stamp.stat().st_mtime_ns - 10**9,) * 2)
    here.clear()
    report = Builder(site / "output").build(load_config(site))
    assert len(report.ingest.written) == 1 and here == ["2024-10-30-whitehouse-2.txt"]
    assert tree(site / "output") == full_build(site, tmp_path)


class Thing:
    def __init__(self, n: int):
        self.n = n


def test_a_map_with_runs_takes_unchanged_runs_whole_and_forgets_what_is_gone(monkeypatch):
    """The dev server's maps (render.ByIdentity with runs): a later build finds the runs around an
    edit again, object for object, makes values only for new objects, and drops the replaced one."""
    monkeypatch.setattr(render, "RUN_SIZE", 2)
    made_for: list[int] = []

    def make(thing: Thing) -> int:
        made_for.append(thing.n)
        return thing.n * 10

    things = [Thing(n) for n in range(8)]
    first = render.next_map(None, runs=True)
    assert render.ByIdentity().lend(things, make, first) == [n * 10 for n in range(8)]
    first.sweep()
    runs_before = dict(first.runs)
    assert len(runs_before) == 4  # 0-1, 2-3, 4-5, 6-7

    gone, made_for[:] = things[5], []
    things[5] = Thing(99)
    again = render.next_map(first, runs=True)
    assert again is first  # filled in place: a run found again is not copied
    assert first.lend(things, make, again) == [0, 10, 20, 30, 40, 990, 60, 70]
    again.sweep()
    assert made_for == [99]
    kept = [run for first_id, run in again.runs.items() if runs_before.get(first_id) is run]
    assert [thing.n for run in kept for thing in run[0]] == [0, 1, 2, 3, 6, 7]
    assert again.get(gone) is None and again.get(things[4]) == 40 and again.get(things[5]) == 990
    assert len(again) == 8


def test_maps_without_runs_are_new_each_build_and_pickle_without_runs():
    import pickle

    things = [Thing(n) for n in range(3)]
    last = render.next_map(None, runs=True)
    render.ByIdentity().lend(things, lambda t: t.n, last)
    assert render.next_map(last, runs=False) is not last
    loaded_things, loaded = pickle.loads(pickle.dumps((things, last)))
    assert loaded.runs is None and loaded.get(loaded_things[2]) == 2
    assert render.next_map(loaded, runs=True) is not loaded  # a loaded map has no runs to find again
