"""Annotated Markdown: deterministic writer, checksum for hand edits, validating reader."""
from __future__ import annotations

import dataclasses
from zoneinfo import ZoneInfo

import markdown
import pytest

from generator.document import escape_markdown, is_edited, parse_document, render_document, slugify
from generator.errors import ContentError
from generator.ingest.wire import parse_release
from generator.records import Annotation, Figure, Org, Person, Quote

HEADER = "10/28/2024 | News release | Distributed by Public on 10/28/2024 14:55"
TOPICS = frozenset({"middle-east", "indo-pacific"})


def sample_text() -> str:
    release = parse_release(HEADER + "\nIsrael struck *targets* in Iran.\n# Not a heading\n", "a.txt", "f" * 64, ZoneInfo("UTC"))
    annotation = Annotation(
        title="Israel Strikes Iran", title_source="derived", summary="Israel struck targets in Iran.",
        issuer="U.S. Department of Defense", topics=("middle-east",),
        people=(Person("Lloyd J. Austin III", "Secretary of Defense", 1),), countries=("IL", "IR", "NO"),
        orgs=(Org("Department of Defense", ("Pentagon",), 0),), quotes=(Quote("We see this as a way to off-ramp.", "Sabrina Singh", 0),),
        figures=(Figure(200, "", "ballistic missiles", "about 200 ballistic missiles", "about", 0),),
    )
    return render_document(release, annotation, "test")


def test_round_trip_keeps_every_field():
    doc = parse_document(sample_text(), "2024/2024-10-28-israel.md", TOPICS)
    assert doc.slug == "2024-10-28-israel" and doc.week == "2024-W44"
    assert doc.countries == ("IL", "IR", "NO")  # NO stays Norway, not YAML false
    assert doc.people == (Person("Lloyd J. Austin III", "Secretary of Defense", 1),)
    assert doc.figures[0].value == 200 and doc.figures[0].qualifier == "about"
    assert doc.orgs[0].aliases == ("Pentagon",)


def test_writer_is_deterministic_and_checksummed():
    assert sample_text() == sample_text()
    assert not is_edited(sample_text())
    assert is_edited(sample_text().replace("Israel Strikes Iran", "Israel Strikes Back"))
    assert is_edited(sample_text() + "A note a person added.\n")


def test_body_markdown_renders_as_the_release_text():
    html = markdown.markdown(escape_markdown("# Not a heading, *not emphasis* and [not](a link)"))
    assert html == "<p># Not a heading, *not emphasis* and [not](a link)</p>"


def test_every_problem_at_once_with_lines_and_suggestions():
    text = "---\ntitle: ''\ndate: 2024-13-01\ntopcs: [x]\ntopics: [middle-eats]\npeople:\n  - name: X\n    rol: y\ncountries: [usa]\n---\nbody\n"
    with pytest.raises(ContentError) as info:
        parse_document(text, "b.md", TOPICS)
    assert [str(p) for p in info.value.problems] == [
        "b.md:2: title: must not be empty",
        "b.md:3: date: '2024-13-01' is not a date in the form YYYY-MM-DD",
        "b.md:4: topcs: unknown key (did you mean 'topics'?); put your own keys under 'extra:'",
        "b.md:5: topics: unknown topic 'middle-eats' (did you mean 'middle-east'?)",
        "b.md:8: people.rol: unknown key (did you mean 'role'?)",
        "b.md:9: countries: 'usa' is not an ISO 3166-1 alpha-2 code such as US or IL",
    ]


@pytest.mark.parametrize("text, message", [
    ("title: x\n", "must start with a '---' line"),
    ("---\ntitle: x\ndate: 2024-01-01\n", "no closing '---' line"),
    ("---\ntitle: [x\n---\n", "not valid YAML"),
    ("---\n- a list\n---\n", "expected a mapping"),
    ("---\ndate: 2024-01-01\n---\n", "title: missing"),
    ("---\ntitle: x\ndate: 2024-01-01\nweek: 2024-W02\n---\n", "does not match date 2024-01-01 (ISO week 2024-W01)"),
])
def test_malformed_front_matter(text, message):
    with pytest.raises(ContentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_document(text, "c.md")


def test_hand_written_extra_keys_are_kept():
    doc = parse_document("---\ntitle: x\ndate: 2024-01-01\nextra: {desk: europe}\n---\nText.\n", "c.md")
    assert doc.extra == (("desk", "europe"),) and doc.body == "Text.\n"


def test_slugify():
    assert slugify("Secretary Blinken’s Call with Égypt’s FM — “Gaza”") == "secretary-blinkens-call-with-egypts-fm-gaza"
    assert slugify("!!!") == "release"
    assert dataclasses.is_dataclass(Person)


def test_optional_record_fields_may_be_left_out():
    doc = parse_document("---\ntitle: x\ndate: 2024-01-01\nfigures:\n- value: 3\npeople:\n- name: Ann Lee\n---\n", "c.md")
    assert doc.figures[0].value == 3 and doc.figures[0].object == "" and doc.people[0].role == ""


def test_places_dates_and_source_item_round_trip():
    import datetime as dt

    from generator.records import DateMention, Place

    release = parse_release(HEADER + "\nIn Kyiv on Friday.\n", "feed.xml", "a" * 64, ZoneInfo("UTC"))
    release = dataclasses.replace(release, source_item="https://example.org/?p=1", url="https://example.org/x")
    annotation = Annotation(title="T", title_source="release", summary="S", issuer="", topics=(),
                            places=(Place("Kyiv", "UA", 0),), dates=(DateMention("on Friday", dt.date(2024, 10, 25), 0),))
    doc = parse_document(render_document(release, annotation, "t"), "2024/x.md")
    assert doc.places == (Place("Kyiv", "UA", 0),)
    assert doc.dates == (DateMention("on Friday", dt.date(2024, 10, 25), 0),)
    assert (doc.source_item, doc.url) == ("https://example.org/?p=1", "https://example.org/x")


def test_records_pickle_whole_and_shared_without_an_argument_tuple_each():
    """The build cache is mostly records: each comes back equal, of its class, with shared
    records still shared, and pickle memoizes the record alone (no tuple of its fields)."""
    import copy
    import io
    import pickle

    doc = parse_document(sample_text(), "2024/2024-10-28-israel.md", TOPICS)
    person = doc.people[0]
    data = {"doc": doc, "again": doc, "person": person, "key": {person: doc.figures}}
    back = pickle.loads(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == data and type(back["doc"]) is type(doc) and back["doc"].body == doc.body
    assert back["again"] is back["doc"] and back["person"] is back["doc"].people[0]
    assert back["key"][person] == doc.figures and hash(back["person"]) == hash(person)
    assert pickle.loads(pickle.dumps(Org("Pentagon"))) == Org("Pentagon")  # defaults kept; one field set
    assert copy.copy(doc) == doc and copy.deepcopy(data) == data  # copy sets the fields one by one
    with pytest.raises(dataclasses.FrozenInstanceError):
        person.append("Someone else")
    pickler = pickle.Pickler(io.BytesIO(), protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dump(person)
    memoized = [type(obj).__name__ for _, obj in pickler.memo.copy().values()]
    assert "tuple" not in memoized and memoized.count("Person") == 1, memoized  # the class and strings besides
