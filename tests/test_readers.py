"""The Markdown, HTML, JSON and RSS/Atom readers, on small made-up fixtures and on the real-other corpus."""
from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.errors import ContentError
from generator.ingest import READERS, read_releases
from generator.ingest.html_text import read_html

SHAPES = Path(__file__).resolve().parent / "fixtures" / "shapes"
REAL_OTHER = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real-other"
NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")
MARKUP = re.compile(r"<[a-zA-Z/!]|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);|\*\*|\\[#\[\]*_]")


def read(name: str, tz: ZoneInfo = NEW_YORK, data: bytes | None = None):
    raw = (SHAPES / name).read_bytes() if data is None else data
    return read_releases(raw, name, f"content/releases/{name}", tz)


def problems_of(name: str, data: bytes, tz: ZoneInfo = UTC) -> list[str]:
    with pytest.raises(ContentError) as caught:
        read(name, tz, data)
    assert caught.value.problems, "a ContentError must carry its problems"
    for problem in caught.value.problems:
        assert problem.file == f"content/releases/{name}"
        assert problem.message
    return [str(p) for p in caught.value.problems]


def assert_clean(paragraphs: tuple[str, ...]) -> None:
    for paragraph in paragraphs:
        assert paragraph == " ".join(paragraph.split()), f"whitespace not squeezed: {paragraph!r}"
        assert not MARKUP.search(paragraph), f"markup left in: {paragraph!r}"


def test_every_shape_has_a_reader():
    for suffix in (".md", ".markdown", ".html", ".htm", ".json", ".xml", ".rss", ".txt"):
        assert suffix in READERS


# ---------------------------------------------------------------- Markdown

def test_markdown_front_matter_fields_and_timezone():
    (release,) = read("2024-05-01-gaggle.md")
    assert release.headline == "Press Gaggle by Press Secretary Jane Doe"  # YAML "\_" is a no-break space
    assert release.url == "https://www.example.gov/briefing-room/press-briefings/2024/05/01/press-gaggle/"
    assert release.kind == "Press briefing"  # from tags: press-briefings
    assert release.distributor == "example.gov"
    assert release.distributed_at.isoformat() == "2024-05-01T22:30:00-04:00"
    assert release.date == dt.date(2024, 5, 1)
    assert release.source_item == ""
    (utc,) = read("2024-05-01-gaggle.md", UTC)
    assert utc.distributed_at.isoformat() == "2024-05-02T02:30:00+00:00"
    assert utc.date == dt.date(2024, 5, 1)  # the front matter's own date wins over the local date


def test_markdown_syntax_is_stripped():
    (release,) = read("2024-05-01-gaggle.md")
    assert release.paragraphs == (
        "Aboard Air Force One",
        "MS. DOE: Good afternoon. I have two things for you today, and a link to the schedule & more.",
        "Schedule",
        "- First, the President travels to Ohio.",
        "- Second, he meets the Governor.",
        "- The meeting is at 3 p.m.",
        "Q Thank you. What about the [redacted] report?",
    )
    assert_clean(release.paragraphs)


def test_markdown_without_front_matter_takes_the_date_from_the_file_name():
    (release,) = read("2024-06-02-no-front-matter.md")
    assert release.date == dt.date(2024, 6, 2)
    assert release.distributed_at == dt.datetime(2024, 6, 2, tzinfo=NEW_YORK)
    assert release.headline == "Statement on the Harvest Festival"
    assert release.paragraphs == ("Harvest festivals took place in all fifty states.",
                                  "- Farmers were thanked.", "- Markets stayed open.")
    assert release.distributor == "Markdown file"


def test_markdown_without_any_date_is_a_problem():
    problems = problems_of("undated-notes.md", (SHAPES / "undated-notes.md").read_bytes())
    assert len(problems) == 1
    assert "date: no publication date" in problems[0]


@pytest.mark.parametrize("text, where, words", [
    ("---\ntitle: [unclosed\ndate: 2024-01-01\n---\nBody.\n", ":3: front matter:", "not valid YAML"),
    ("---\ntitle: Never closed\n\nBody.\n", ":1: front matter:", "never closed"),
    ("---\n- a\n- b\n---\nBody.\n", ":2: front matter:", "mapping"),
    ("---\ntitle: T\ndate: 2024-01-01\n---\n\n<!-- nothing -->\n", ":5: body:", "no text"),
    ("---\ntitle: T\ndate: someday\npublished_time: later\n---\nBody.\n", ":3: date:", "unreadable date"),
])
def test_malformed_markdown(text, where, words):
    problems = problems_of("x.md", text.encode())
    assert where in problems[0] and words in problems[0]


def test_markdown_reports_every_problem_at_once():
    text = "---\ntitle: T\ndate: someday\npublished_time: later\n---\n\n"
    problems = problems_of("x.md", text.encode())
    assert len(problems) == 3
    assert any(":4: published_time:" in p for p in problems)
    assert any("body" in p for p in problems)


def test_markdown_front_matter_is_loaded_safely(tmp_path):
    marker = tmp_path / "ran"
    text = f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\ndate: 2024-01-01\n---\nBody.\n"
    (release,) = read("x.md", UTC, text.encode())
    assert release.headline == "" and not marker.exists()  # the tag is not constructed, the list is no title
    text = "---\ntitle: !!python/name:os.system\ndate: 2024-01-01\n---\nBody.\n"
    assert "not valid YAML" in problems_of("x.md", text.encode())[0]


def test_an_annotated_briefing_file_reads_like_any_markdown():
    text = ("---\nsource_file: a.txt\ntitle: Annotated Title\ndate: 2024-10-28\n"
            "distributed_at: '2024-10-28T14:55:00-04:00'\nkind: News release\ndistributor: Public\n"
            "issuer: U.S. Department of Defense\ntopics: [middle-east]\n---\n\nFirst paragraph.\n\nSecond.\n")
    (release,) = read("x.md", UTC, text.encode())
    assert (release.headline, release.kind, release.distributor) == ("Annotated Title", "News release", "Public")
    assert release.distributed_at.isoformat() == "2024-10-28T18:55:00+00:00"
    assert release.date == dt.date(2024, 10, 28)
    assert release.paragraphs == ("First paragraph.", "Second.")


# ---------------------------------------------------------------- HTML

def test_html_page_fields_chrome_dropped_entities_decoded():
    (release,) = read("page.html")
    assert release.headline == "Secretary Visits Freedonia & Sylvania"  # og:title, entity decoded
    assert release.url == "https://www.example.gov/releases/secretary-visits-freedonia/"
    assert release.publisher == "Department of Examples"
    assert release.byline == "Jane Q. Public, Department Spokesperson"
    assert release.kind == "Media Note"
    assert release.distributed_at.isoformat() == "2024-03-05T18:15:00-05:00"
    assert release.date == dt.date(2024, 3, 5)
    assert release.paragraphs == (
        "The Secretary met with leaders of Freedonia & Sylvania on “trade” and security.",
        "Key outcomes",
        "- A new trade agreement.",
        "- A joint security commission.",
        "Questions may be sent to the press office.",
    )
    text = " ".join(release.paragraphs)
    for chrome in ("Home", "Skip", "Share", "Tweet", "Related", "Another release", "©", "never run", "color"):
        assert chrome not in text


def test_html_timezone_applied():
    (release,) = read("page.html", ZoneInfo("Asia/Tokyo"))
    assert release.distributed_at.isoformat() == "2024-03-06T08:15:00+09:00"
    assert release.date == dt.date(2024, 3, 6)


def test_html_fragment_takes_the_date_from_the_file_name():
    (release,) = read("2024-03-05-fragment.html")
    assert release.date == dt.date(2024, 3, 5)
    assert release.headline == ""
    assert release.byline == "Office of the Spokesperson"
    assert release.paragraphs == ("The United States welcomes today’s agreement between Freedonia and Sylvania.",
                                  "We urge both sides to implement it in full.")


def test_html_time_element_gives_the_date():
    data = b'<article><h1>T</h1><time datetime="2024-02-03T10:00:00Z">3 Feb</time><p>Body text.</p></article>'
    (release,) = read("t.html", UTC, data)
    assert release.distributed_at == dt.datetime(2024, 2, 3, 10, tzinfo=UTC)
    assert release.headline == "T"
    assert release.paragraphs == ("Body text.",)


def test_html_without_a_date_is_a_problem():
    problems = problems_of("undated-fragment.html", (SHAPES / "undated-fragment.html").read_bytes())
    assert problems == ["content/releases/undated-fragment.html: date: no publication date: no <time datetime>, "
                        "article:published_time meta or leading YYYY-MM-DD in the file name; "
                        "name the file YYYY-MM-DD-....html"]


@pytest.mark.parametrize("data, words", [
    (b"<html><body><nav>Home</nav><script>x()</script></body></html>", "body: the page has no release text"),
    (b"\x00\x01binary", "binary content"),
])
def test_malformed_html(data, words):
    problems = problems_of("2024-01-01-x.html", data)
    assert any(words in p for p in problems)


def test_deeply_nested_html_does_not_overflow():
    data = b"<div>" * 5000 + b"<p>Deep text.</p>" + b"</div>" * 5000
    (release,) = read("2024-01-01-deep.html", UTC, data)
    assert release.paragraphs == ("Deep text.",)


def test_list_items_and_headings_become_paragraphs():
    page = read_html("<h2>Heading</h2><ul><li><p>Loose item</p><ul><li>Nested</li></ul></li><li>Tight</li></ul>"
                     "<p>After<br>the break</p>")
    assert page.paragraphs == ("Heading", "- Loose item", "- Nested", "- Tight", "After", "the break")


# ---------------------------------------------------------------- JSON

def test_json_record_fields():
    (release,) = read("record.json")
    assert release.headline == "Freedonia Launches a Satellite"
    assert release.url.endswith("/2026/07/freedonia-launches-a-satellite/")
    assert release.publisher == 'Thomas "Tommy" Example, Spokesperson'  # author, entities decoded
    assert release.byline == 'Thomas "Tommy" Example, Spokesperson'
    assert release.kind == "Press Statement"
    assert release.source_item == ""  # one record in the file
    assert release.distributed_at.isoformat() == "2026-07-06T19:00:05-04:00"
    # content is preferred over summary; the hero header (title, doc type, date) is chrome
    assert release.paragraphs == ("The United States monitored Freedonia’s launch.", "We urge restraint & transparency.")


def test_json_list_gives_one_release_per_record_with_ids():
    releases = read("records.json", UTC)
    assert [r.source_item for r in releases] == ["urn:example:1", "1"]
    assert [r.headline for r in releases] == ["First Record", "Second Record"]
    assert releases[0].paragraphs == ("First body.", "Second para.")
    assert releases[1].paragraphs == ("Plain text summary.", "With two paragraphs & an entity.")
    assert releases[1].date == dt.date(2024, 2, 2)


@pytest.mark.parametrize("data, words", [
    (b'{"title": "T",\n "published": }', ":2: json: not valid JSON"),
    (b'"just a string"', "expected a record"),
    (b"[]", "no records"),
    (b'{"title": "T", "content": "<p>Body</p>"}', "published: no publication time"),
    (b'{"title": "T", "published": "yesterday", "content": "<p>Body</p>"}', "published: unreadable time 'yesterday'"),
    (b'{"title": "T", "published": "2024-01-01T00:00:00Z"}', "content: the record has no text"),
])
def test_malformed_json(data, words):
    problems = problems_of("x.json", data)
    assert any(words in p for p in problems), problems


def test_json_list_reports_every_bad_record():
    data = b'[{"title": "A"}, 3, {"title": "C", "published": "2024-01-01T00:00:00Z", "content": "ok"}]'
    problems = problems_of("x.json", data)
    assert any("[0].published" in p for p in problems)
    assert any("[0].content" in p for p in problems)
    assert any("[1]: a record must be a JSON object" in p for p in problems)


# ---------------------------------------------------------------- RSS / Atom

def test_rss_gives_one_release_per_item():
    releases = read("feed.rss.xml")
    assert len(releases) == 3
    assert len({r.source_item for r in releases}) == 3
    first, briefing, plain = releases
    assert first.source_item == "https://www.example.gov/?page_id=1"
    assert first.headline == "Secretary’s Call with the Foreign Minister of Freedonia"
    assert first.publisher == "Press Releases – Department of Examples"
    assert first.byline == "Office of the Spokesperson"
    assert first.url == "https://www.example.gov/secretarys-call-with-freedonia/"
    assert first.distributor == "example.gov"
    # content:encoded preferred over the description teaser; hidden input and icon dropped
    assert first.paragraphs == ("The Secretary spoke with Foreign Minister Doe of Freedonia.", "They discussed trade.")
    assert first.distributed_at.isoformat() == "2022-03-23T21:07:22-04:00"
    assert first.date == dt.date(2022, 3, 23)  # 01:07 UTC on the 24th is the evening of the 23rd in New York
    assert briefing.kind == "Press briefing"
    assert briefing.byline == "Jane Q. Public, Department Spokesperson"  # from dc:creator
    assert briefing.paragraphs == ("MS PUBLIC: Good afternoon.", "Q A question?")
    assert plain.source_item == "https://www.example.gov/statement-without-a-guid/"  # no guid: the link
    assert plain.paragraphs == ("Plain description & nothing else.",)
    for release in releases:
        assert_clean(release.paragraphs)


def test_atom_feed():
    (release,) = read("atom.xml", UTC)
    assert release.source_item == "urn:example:entry:1"
    assert release.headline == "Atom Entry One"
    assert release.publisher == "Example Atom Releases"
    assert release.distributed_at.isoformat() == "2024-01-02T08:04:05+00:00"
    assert release.paragraphs == ("Para & one.", "- Item")


@pytest.mark.parametrize("data, words", [
    (b'<?xml version="1.0"?><root><a>1</a></root>', "feed: not an RSS or Atom feed"),
    (b'<?xml version="1.0"?>\n<rss version="2.0">\n<channel>\n<item><title>a & b</title></item>\n</channel></rss>',
     ":4: feed: not well-formed XML"),
    (b'<rss version="2.0"><channel><title>T</title></channel></rss>', "the feed has no items"),
    (b'<rss version="2.0"><channel><title>T</title>\n<item><title>No date</title><description>x</description></item>'
     b'</channel></rss>', ":2: item 1 pubDate: no publication time"),
    (b'<rss version="2.0"><channel><title>T</title><item><title>No text</title>'
     b'<pubDate>Thu, 24 Mar 2022 21:35:15 +0000</pubDate></item></channel></rss>', "item 1 description: the item has no text"),
    (b"/etc/passwd", "not an RSS or Atom feed"),  # never taken for a path to open
])
def test_malformed_feeds(data, words):
    problems = problems_of("x.xml", data)
    assert any(words in p for p in problems), problems


def test_feed_entities_are_not_expanded_from_outside():
    xxe = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0">'
           b"<channel><title>T</title><item><title>t</title><pubDate>Thu, 24 Mar 2022 21:35:15 +0000</pubDate>"
           b"<description>before &xxe; after</description></item></channel></rss>")
    (release,) = read("x.xml", UTC, xxe)
    assert "root:" not in " ".join(release.paragraphs)


def test_entity_expansion_bomb_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
    bomb += b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(9))
    bomb += (b']><rss version="2.0"><channel><title>T</title><item><title>&j;</title>'
             b"<pubDate>Thu, 24 Mar 2022 21:35:15 +0000</pubDate><description>&j;</description></item></channel></rss>")
    assert any("not well-formed XML" in p for p in problems_of("x.xml", bomb))


# ---------------------------------------------------------------- the real-other corpus

def real_files() -> list[Path]:
    if not REAL_OTHER.is_dir():
        return []
    return sorted(p for p in REAL_OTHER.iterdir() if p.name != "INDEX.tsv")


needs_corpus = pytest.mark.skipif(not REAL_OTHER.is_dir(), reason=f"shared corpus not found at {REAL_OTHER}")


@needs_corpus
def test_real_other_corpus_reads_cleanly():
    index = {row["file"]: row for row in csv.DictReader((REAL_OTHER / "INDEX.tsv").open(encoding="utf-8"),
                                                        delimiter="\t")}
    total = 0
    for path in real_files():
        releases = read_releases(path.read_bytes(), path.name, f"content/releases/{path.name}", NEW_YORK)
        total += len(releases)
        row = index[path.name]
        if path.name.endswith(".rss.xml"):
            assert len(releases) == 10
            assert len({r.source_item for r in releases}) == 10
            assert all(r.publisher and r.headline and r.url for r in releases)
        else:
            assert len(releases) == 1
            if not path.name.endswith(".html"):  # the HTML fragments carry no title
                assert releases[0].headline == row["title"], path.name
                assert releases[0].url == row["url"]
            assert releases[0].date.isoformat() == path.name[:10], path.name
        for release in releases:
            assert release.paragraphs, path.name
            assert_clean(release.paragraphs)
            joined = " ".join(release.paragraphs)
            assert "###" not in joined and "data-filter" not in joined and "Press Statement" not in joined
    assert total == 30


@needs_corpus
def test_real_other_details():
    def one(name: str):
        path = REAL_OTHER / name
        return read_releases(path.read_bytes(), name, name, NEW_YORK)

    (gaggle,) = one("2024-10-15-whitehouse-press-gaggle-transcript.md")
    assert gaggle.kind == "Press briefing"
    assert gaggle.distributed_at.isoformat() == "2024-10-15T13:42:00-04:00"
    (json_release,) = one("2026-07-06-state-indo-pacific.json")
    assert json_release.byline == 'Thomas "Tommy" Pigott, Spokesperson'
    assert json_release.paragraphs[0].startswith("The United States monitored China’s test launch")
    (sanctions,) = one("2022-06-02-state-ukraine-russia.html")
    assert "- Marina Mordashova" in sanctions.paragraphs
    state = one("2022-03-24-state-press-releases-feed.rss.xml")
    assert state[0].byline == "Ned Price, Department Spokesperson"
    assert all("press release." not in p or p.endswith("press release.") for r in state for p in r.paragraphs)
