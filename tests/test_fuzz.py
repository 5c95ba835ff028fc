"""Fuzzing the two readers of user input with Hypothesis: release files (every shape) and the front
matter of annotated files. Whatever the bytes, a reader returns its records or raises ContentError,
whose problems are one line each with a file and a line number; nothing else escapes, and no input
takes long (YAML aliases and deep nesting are refused before they can).

The normal run tries a few hundred inputs per property. The long run tries 10,000 each:

    HYPOTHESIS_PROFILE=fuzz .venv/bin/pytest tests/test_fuzz.py
"""
from __future__ import annotations

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from generator.annotate import annotate
from generator.config import default_taxonomy
from generator.document import annotated_path, parse_document, render_document
from generator.errors import ContentError, Problem
from generator.ingest import READERS, read_releases
from generator.ingest.wire import parse_release
from generator.records import Document, Release
from tests.conftest import SAMPLE

settings.register_profile("briefing", max_examples=150, deadline=None, database=None, derandomize=False,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.register_profile("fuzz", max_examples=10_000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
PROFILE = settings.get_profile("fuzz" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else "briefing")
SLOW = 5.0  # seconds: no single input may take longer (a billion laughs would take forever)

UTC = ZoneInfo("America/New_York")
TOPICS = frozenset(topic.slug for topic in default_taxonomy())
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
HEADER = SAMPLE_TEXT.splitlines()[0]
SAMPLE_RELEASE = parse_release(SAMPLE_TEXT, SAMPLE.name, "0" * 64, UTC)
SAMPLE_DOCUMENT = render_document(SAMPLE_RELEASE, annotate(SAMPLE_RELEASE, default_taxonomy()), "fuzz")
SUFFIXES = sorted(READERS) + [".png", ".TXT"]

OTHER_SHAPES = {
    ".md": "---\ntitle: Talks in Bogota\ndate: 2024-10-28\ntags: [press-releases]\n---\n\n# Talks\n\nThe talks *ended*.\n",
    ".html": "<html><head><title>Talks</title><meta property='article:published_time' content='2024-10-28T10:00:00Z'>"
             "</head><body><h1>Talks</h1><p>The talks ended.</p></body></html>",
    ".json": '[{"title": "Talks", "published": "2024-10-28T10:00:00Z", "guid": "a", "content": "<p>The talks ended.</p>"}]',
    ".xml": "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title><item><title>Talks</title><guid>a</guid>"
            "<pubDate>Mon, 28 Oct 2024 10:00:00 GMT</pubDate><description>The talks ended.</description></item></channel></rss>",
}

# pieces of trouble: header parts, encodings, control characters, markup, YAML that bites
SNIPPETS = st.sampled_from([
    HEADER, "13/45/2024", "02/30/2024", "10/28/2024 | | Distributed by  on 10/28/2024 99:99", "|", "###", "# # #",
    "\x00", "\ufeff", "\r", "\r\n", "\u2028", "\x85", "\xa0", "\ud7ff", "\U0001f600", "\\", "\t", " " * 50,
    "<script>alert(1)</script>", "<![CDATA[x]]>", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", "&e;",
    "Antony J. Blinken, Secretary of State", "Washington, D.C.", "Dear Madam Speaker:", "$3.5 billion", "200,000",
    "---", "...", "title: [", "date: 2024-13-01", "date: 99999-01-01", "&a [x, *a]", "*a", "<<: *a", "!!python/object:os.system",
    "!!binary zz", "? [a, b]\n: c", "{", "[" * 200 + "]" * 200, "1" * 400, "1e999", ".nan", "-.inf", "0x" + "f" * 64,
    "people: 5", "topics: middle-east", "figures: [{value: x}]", "quotes: [{text: ''}]", "countries: [NO, usa, 1]",
    "week: 2024-W01", "extra: [1]", "source_file: ../../x", "conflicts: {title: {yours: a, annotator: b}}",
    "\n<<<<<<< yours\n", "\n=======\n", "\n>>>>>>> annotator\n", "checksum: " + "0" * 64,
])

# YAML values of the wrong type, size or shape, put in place of a value of the front matter
VALUES = st.one_of(st.sampled_from([
    "1" * 400, "-" + "9" * 310, "1e999", ".nan", "-.inf", "0o777", "0x1f", "[" * 990 + "]" * 990, "[" * 101 + "]" * 101,
    "{" * 50 + "}" * 50, "*a", "&a x", "&a [*a]", "{a: b}", "[1, [2]]", "[]", "{}", "''", '""', "null", "~", "true", "NO",
    "!!binary zz", "!!int x", "!!timestamp 2024-13-01", "!!set {a}", "!!omap [a: 1]", "2024-13-01", "2024-02-30",
    "2024-10-28T25:61:00", "99999-12-31", "-1", "1.5", "|\n  a block\n  of text", ">-\n  folded", "'unclosed", "[a, b",
    "x: y: z", "? a", "- a", "@x", "`x`", "%YAML 1.1", "\t", "'\\u0000'", '"\\x00"', '"\\ud800"',
]), st.text(max_size=30))


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """The text with a few lines dropped, doubled, swapped, cut or spliced with trouble."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 6))):
        if not lines:
            lines = [""]
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "double", "swap", "cut", "insert", "splice", "replace", "value", "value"]))
        if action == "value":  # `key: value` or `- key: value` with another value
            head, colon, _ = lines[at].partition(": ")
            lines[at] = (head + colon if colon else lines[at].rstrip(":") + ": ") + draw(VALUES)
        elif action == "drop":
            del lines[at]
        elif action == "double":
            lines.insert(at, lines[at])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif action == "cut":
            lines[at] = lines[at][:draw(st.integers(0, max(0, len(lines[at]))))]
        elif action == "insert":
            lines.insert(at, draw(SNIPPETS))
        elif action == "splice":
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(st.one_of(SNIPPETS, st.text(max_size=20))) + lines[at][cut:]
        else:
            lines[at] = draw(st.text(max_size=40))
    if draw(st.booleans()):
        lines = lines[:draw(st.integers(0, len(lines)))]  # truncated
    return "\n".join(lines)


def encoded(texts: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    return st.tuples(texts, st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])).map(
        lambda pair: pair[0].encode(pair[1], errors="replace"))


RELEASE_BYTES = st.one_of(
    st.binary(max_size=2000),
    encoded(st.text(max_size=500)),
    encoded(mutated(SAMPLE_TEXT)),
    encoded(st.sampled_from(sorted(OTHER_SHAPES.values())).flatmap(mutated)),
)
FRONT_MATTER = st.one_of(
    st.text(max_size=500),
    st.text(max_size=300).map(lambda body: "---\n" + body),
    mutated(SAMPLE_DOCUMENT),
    mutated(SAMPLE_DOCUMENT).map(lambda text: text.replace("\n", "\r\n")),
)


def assert_clear(problems: tuple[Problem, ...], origin: str, wire: bool) -> None:
    """Each problem is one line naming the file; wire releases and front matter always say the line."""
    assert problems
    for problem in problems:
        text = str(problem)
        assert "\n" not in text and "\r" not in text, text
        assert problem.file == origin and problem.message and isinstance(problem.line, int) and problem.line >= 0, text
        if wire:
            assert problem.line >= 1, text
        assert "Traceback" not in text and "object at 0x" not in text and "Node(" not in text, text


@PROFILE
@given(data=RELEASE_BYTES, suffix=st.sampled_from(SUFFIXES))
@example(data=(HEADER + "\n" + "word " * 20_000).encode(), suffix=".txt")  # a line over the limit
@example(data=b"---\ntitle: x\nextra: " + b"[" * 990 + b"]" * 990 + b"\n---\nText.\n", suffix=".md")  # deep nesting
@example(data=b"\xff\xfe" + "Text".encode("utf-16-le"), suffix=".txt")  # UTF-16: binary
def test_the_release_reader_returns_releases_or_says_what_is_wrong(data, suffix):
    name = f"2024-10-28-fuzz{suffix}"
    origin = f"content/releases/{name}"
    started = time.perf_counter()
    try:
        releases = read_releases(data, name, origin, UTC)
    except ContentError as exc:
        assert_clear(exc.problems, origin, wire=suffix in ("", ".txt", ".TXT") and exc.problems[0].field != "size")
    else:
        assert releases and all(isinstance(r, Release) and r.paragraphs and r.source_file == name for r in releases)
        assert all(isinstance(r.date, dt.date) and r.distributed_at.tzinfo is not None for r in releases)
    assert time.perf_counter() - started < SLOW


@PROFILE
@given(text=FRONT_MATTER)
# what the long run and reading found once: each crashed the reader before it was fixed
@example(text=SAMPLE_DOCUMENT.replace("- value: 200\n", "- value: " + "1" * 400 + "\n"))  # past a float
@example(text=SAMPLE_DOCUMENT.replace("\nannotator:", "\nextra: " + "[" * 990 + "]" * 990 + "\nannotator:"))  # deep
@example(text=SAMPLE_DOCUMENT.replace("  country: PS\n", "", 1))  # a place without its country
@example(text="---\ntitle: x\ndate: 2024-10-28\n? [a, b]\n: c\n2024-13-01: d\n---\nBody.\n")  # keys that are no text
def test_the_front_matter_reader_returns_a_document_or_says_what_is_wrong(text):
    origin = "content/annotated/2024/2024-10-28-fuzz.md"
    started = time.perf_counter()
    try:
        document = parse_document(text, "2024/2024-10-28-fuzz.md", TOPICS, origin)
    except ContentError as exc:
        assert_clear(exc.problems, origin, wire=True)
    else:
        assert isinstance(document, Document) and document.title and document.slug == "2024-10-28-fuzz"
        assert set(document.topics) <= TOPICS
    assert time.perf_counter() - started < SLOW


@settings(PROFILE, max_examples=max(30, PROFILE.max_examples // 20))
@given(text=mutated(SAMPLE_TEXT))
@example(text=HEADER + "\n" + "x" * 40_000)  # one word as the title: its file name must stay short
def test_what_the_wire_reader_accepts_annotates_and_reads_back(text):
    """Through the pipeline: a release that reads also annotates, and its annotated file validates."""
    try:
        release = parse_release(text, "x.txt", "0" * 64, UTC)
    except ContentError:
        assume(False)
    annotation = annotate(release, default_taxonomy())
    assert len(annotated_path(release, annotation).encode()) < 200
    written = render_document(release, annotation, "fuzz")
    document = parse_document(written, "2024/x.md", TOPICS)
    assert document.date == release.date and document.title and document.body.strip()


def test_a_billion_laughs_is_refused_at_once():
    laughs = "---\ntitle: x\ndate: 2024-10-28\nextra:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in range(1, 10):
        laughs += f"  a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]\n"
    started = time.perf_counter()
    try:
        parse_document(laughs + "---\nBody.\n", "2024/x.md", TOPICS)
    except ContentError as exc:
        assert "alias" in str(exc)
    else:
        raise AssertionError("aliases were read")
    assert time.perf_counter() - started < 1
