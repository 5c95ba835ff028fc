"""Property-based tests of the merge: no hand edit is ever lost.

Hypothesis makes a machine annotation (the base), a person's edits of it (fields set to other valid
values or removed, a key of their own added, body paragraphs edited, inserted and deleted) and a
re-annotation (other fields and paragraphs changed), runs the real merge on the real file texts,
reads the result back with the real validating reader, and checks every rule.

200 examples per test in the normal suite; `HYPOTHESIS_PROFILE=long` runs 10,000.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from unittest import mock

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.build import ingest
from generator.config import load_config

from generator.document import (CONFLICT_END, CONFLICT_MIDDLE, CONFLICT_START, FENCE, checksum_of, conflicts_of, dump_field,
                                is_edited, parse_document, render_document, split_front_matter)
from generator.merge import canon, merge
from generator.records import Annotation, Person, Release, iso_week
from generator.scaffold import new_site
from generator.sync import base_of

settings.register_profile("default", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

TOPICS = ("middle-east", "indo-pacific", "personnel", "europe-nato")
COUNTRIES = ("US", "IL", "IR", "NO", "UA", "KP")
MARKERS = {CONFLICT_START, CONFLICT_MIDDLE, CONFLICT_END}
WIRE_HEADER = "10/28/2024 | News release | Distributed by Public on 10/28/2024 14:55"

# words with the characters YAML and Markdown care about: quotes, colons, hashes, dashes, stars
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789.,:;'\"-*_#>[]()!?&%@éü’", min_size=1, max_size=12)
TEXT = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
TITLE = TEXT.filter(lambda s: s.strip() != "")
PARAGRAPH = TEXT.filter(lambda s: s.strip() and s not in MARKERS)
PERSON = st.builds(Person, name=TITLE, role=st.one_of(st.just(""), TEXT), paragraph=st.integers(0, 9))
DAY = st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31))


@st.composite
def annotations(draw) -> tuple[Release, Annotation]:
    day = draw(DAY)
    release = Release(source_file="a.txt", sha256=draw(st.sampled_from("abc")) * 64, date=day, kind="News release",
                      distributor="Public", distributed_at=dt.datetime.combine(day, dt.time(9, 30), dt.timezone.utc),
                      paragraphs=tuple(draw(st.lists(PARAGRAPH, min_size=0, max_size=6))))
    annotation = Annotation(title=draw(TITLE), title_source="derived", summary=draw(TEXT), issuer=draw(TEXT),
                            topics=tuple(draw(st.lists(st.sampled_from(TOPICS), unique=True, max_size=3))),
                            people=tuple(draw(st.lists(PERSON, max_size=3))),
                            countries=tuple(draw(st.lists(st.sampled_from(COUNTRIES), unique=True, max_size=3))))
    return release, annotation


@st.composite
def paragraph_edits(draw, paragraphs: list[str]) -> list[str]:
    """Paragraphs edited, inserted and deleted at random places."""
    out = list(paragraphs)
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(("edit", "insert", "delete")))
        if op == "insert" or not out:
            out.insert(draw(st.integers(0, len(out))), draw(PARAGRAPH))
        elif op == "edit":
            i = draw(st.integers(0, len(out) - 1))
            out[i] = draw(st.sampled_from((out[i] + " " + draw(PARAGRAPH), draw(PARAGRAPH))))
        else:
            del out[draw(st.integers(0, len(out) - 1))]
    return out


@st.composite
def reannotations(draw, release: Release, annotation: Annotation) -> tuple[Release, Annotation]:
    """The annotator again: a random subset of what it writes changed (the release, its sha, the fields)."""
    changes = draw(st.sets(st.sampled_from(("title", "summary", "issuer", "topics", "people", "countries", "body"))))
    changes |= {"date"} if draw(st.booleans()) else set()
    a = annotation
    r = replace(release, sha256=draw(st.sampled_from("abcd")) * 64)
    if "title" in changes:
        a = replace(a, title=draw(TITLE))
    if "summary" in changes:
        a = replace(a, summary=draw(TEXT))
    if "issuer" in changes:
        a = replace(a, issuer=draw(TEXT))
    if "topics" in changes:
        a = replace(a, topics=tuple(draw(st.lists(st.sampled_from(TOPICS), unique=True, max_size=3))))
    if "people" in changes:
        a = replace(a, people=tuple(draw(st.lists(PERSON, max_size=3))))
    if "countries" in changes:
        a = replace(a, countries=tuple(draw(st.lists(st.sampled_from(COUNTRIES), unique=True, max_size=3))))
    if "body" in changes:
        r = replace(r, paragraphs=tuple(draw(paragraph_edits(list(r.paragraphs)))))
    if "date" in changes:
        day = r.date + dt.timedelta(days=draw(st.integers(-8, 8)))
        r = replace(r, date=day, distributed_at=dt.datetime.combine(day, dt.time(9, 30), dt.timezone.utc))
    return r, a


def people_value(people: list[Person]) -> list[dict]:
    return [{k: v for k, v in (("name", p.name), ("role", p.role), ("paragraph", p.paragraph)) if v != ""} for p in people]


@st.composite
def hand_edits(draw, base: str) -> str:
    """A person's edit of the file: some fields set to other valid values or removed, maybe a key of
    their own, some paragraphs changed; the rest of the file as it was (checksum line included)."""
    yaml_text, body, _ = split_front_matter(base, "x.md")
    values = yaml.safe_load(yaml_text)
    checksum = values.pop("checksum")
    editors = {
        "title": TITLE, "summary": TEXT, "issuer": TEXT,
        "topics": st.lists(st.sampled_from(TOPICS), unique=True, max_size=3),
        "people": st.lists(PERSON, max_size=3).map(people_value),
        "countries": st.lists(st.sampled_from(COUNTRIES), unique=True, max_size=3),
        "extra": st.dictionaries(st.sampled_from(("desk", "note", "priority")), TEXT, min_size=1, max_size=2),
    }
    if draw(st.booleans()):  # the date, often within the same week (week and date go together)
        day = values["date"] + dt.timedelta(days=draw(st.integers(-8, 8)))
        values["date"], values["week"] = day, iso_week(day)
    for key in draw(st.sets(st.sampled_from(tuple(editors)))):
        if key not in ("title", "extra") and draw(st.booleans()) and draw(st.booleans()):
            values.pop(key, None)  # removed by hand
        else:
            values[key] = draw(editors[key])
    front = "".join(dump_field(k, v) for k, v in values.items()) + f"checksum: {checksum}\n"
    paragraphs = body.strip("\n").split("\n\n") if body.strip() else []
    edited = draw(paragraph_edits(paragraphs)) if draw(st.booleans()) else paragraphs
    return f"{FENCE}\n{front}{FENCE}\n\n" + "\n\n".join(edited) + "\n"


def fields(text: str) -> dict:
    return yaml.safe_load(split_front_matter(text, "x.md")[0])


def body_lines(text: str) -> list[str]:
    return [line for line in split_front_matter(text, "x.md")[1].split("\n") if line.strip()]


def unit(values: dict, key: str) -> tuple:
    """A field's value for comparing; date and week go together."""
    return tuple(canon(values[k]) if k in values else "absent" for k in (("date", "week") if key == "date" else (key,)))


@st.composite
def scenarios(draw) -> tuple[str, str, str]:
    release, annotation = draw(annotations())
    base = render_document(release, annotation, "1-aaaa")
    ours = draw(hand_edits(base))
    new_release, new_annotation = draw(reannotations(release, annotation))
    theirs = render_document(new_release, new_annotation, draw(st.sampled_from(("1-aaaa", "2-bbbb"))))
    return ours, base, theirs


@given(scenarios())
def test_no_hand_edit_is_ever_lost(scenario):
    ours, base, theirs = scenario
    result = merge(ours, base, theirs, "x.md")
    assert_no_edit_lost(ours, base, theirs, result.text, result.taken, result.conflicts)
    assert merge(result.text, theirs, theirs, "x.md").text == result.text  # merging again with nothing new changes no byte


def assert_no_edit_lost(ours: str, base: str, theirs: str, merged: str, taken: tuple[str, ...],
                        conflicts: tuple[str, ...]) -> None:
    """Every rule of the merge, checked on the texts."""
    document = parse_document(merged, "2024/x.md", frozenset(TOPICS))  # the merged file reads back and validates
    o, b, t, m = fields(ours), fields(base), fields(theirs), fields(merged)
    recorded = m.get("conflicts") or {}
    for key in sorted((set(o) | set(b) | set(t)) - {"checksum", "conflicts", "week"}):
        mine, old, new, now = unit(o, key), unit(b, key), unit(t, key), unit(m, key)
        if mine != old:  # you changed it: yours is kept, whatever the annotator did
            assert now == mine, key
            if new != old and new != mine:  # both changed it differently: the annotator's is recorded
                assert key in conflicts
                assert canon(recorded[key]["yours"]) == canon(o.get(key)), key
                assert canon(recorded[key]["annotator"]) == canon(t.get(key)), key
        elif new != old:  # only the annotator changed it: its new value is taken
            assert now == new and key in taken + ("source_sha256", "annotator"), key
        else:
            assert now == mine, key
    assert set(recorded) <= set(o) | set(t)
    # no line you added to the body is missing (in a conflict it is on your side of the markers)
    merged_lines = body_lines(merged)
    for line in set(body_lines(ours)) - set(body_lines(base)):
        assert line in merged_lines, line
    if body_lines(ours) == body_lines(base):
        assert merged_lines == body_lines(theirs)
    if body_lines(theirs) == body_lines(base):
        assert merged_lines == body_lines(ours)
    assert ("body" in conflicts) == (CONFLICT_START in merged_lines)
    # the file says it is still yours unless it is exactly what the annotator wrote; conflicts are reported
    assert checksum_of(merged) == checksum_of(theirs)
    assert is_edited(merged) == (merged != theirs)
    assert len(conflicts_of(merged, "x.md")) == len(recorded) + merged_lines.count(CONFLICT_START)
    assert document.title == str(m["title"]).strip()


def content_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "content").rglob("*")) if p.is_file()}


@settings(max_examples=max(20, settings().max_examples // 4))
@given(st.data())
def test_ingest_merges_hand_edits_and_then_changes_no_byte(data):
    """The same through `ingest` and the files on disk: annotate, edit by hand, re-annotate, ingest again."""
    release, annotation = data.draw(annotations())
    paragraphs = [p.strip() for p in release.paragraphs] or ["The first paragraph."]
    with tempfile.TemporaryDirectory() as tmp, mock.patch("generator.sync.annotate", return_value=annotation):
        site = Path(tmp) / "site"
        new_site(site)
        config = load_config(site)
        source = config.releases_dir / "a.txt"
        source.write_text(WIRE_HEADER + "\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")
        (rel,) = [w.removeprefix("content/annotated/") for w in ingest(config).written]
        path = config.annotated_dir / rel
        base = path.read_text(encoding="utf-8")
        ours = data.draw(hand_edits(base))
        assume(ours != base)
        path.write_text(ours, encoding="utf-8")
        new_release, new_annotation = data.draw(reannotations(release, annotation))
        if new_release.paragraphs != release.paragraphs:
            source.write_text(WIRE_HEADER + "\n" + "\n".join([p.strip() for p in new_release.paragraphs] or ["Other."]) + "\n",
                              encoding="utf-8")
        with mock.patch("generator.sync.annotate", return_value=new_annotation), \
                mock.patch("generator.sync.ANNOTATOR_VERSION", "99"):
            report = ingest(config)
            (merged,) = report.merged
            assert merged.path == f"content/annotated/{rel}" and report.written == () and report.kept == ()
            theirs = base_of(config, rel).read_text(encoding="utf-8")
            assert_no_edit_lost(ours, base, theirs, path.read_text(encoding="utf-8"), merged.taken, merged.conflicts)
            before = content_files(site)
            again = ingest(config)
            assert again.merged == () and again.written == () and content_files(site) == before
