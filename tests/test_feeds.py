"""Feeds: Atom and JSON Feed 1.1 for the site, each topic and the weekly digests, linked from the pages."""
from __future__ import annotations

import datetime as dt
import json
import posixpath
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from generator.model import build_site
from generator.render import Templates, render_changes
from generator.theme import resolve_theme
from tests.test_render import BASE, config, doc, render

ATOM = "{http://www.w3.org/2005/Atom}"
JSON_FEED = "https://jsonfeed.org/version/1.1"
EVIL = 'He said "</script><script>alert(1)</script>" & left \u2028 it \'there\''

DOCS = [
    doc("a0", "2024-10-09", ("sanctions",)),
    doc("a1", "2024-10-14", ("middle-east",)),
    doc("a2", "2024-10-15", ("middle-east", "sanctions")),
    doc("a3", "2024-10-22", ("sanctions",)),
    doc("a4", "2024-10-23", ("middle-east",), title=EVIL, summary=EVIL, issuer=EVIL),
    doc("a5", "2024-10-21", ("no-such-topic",)),
    doc("a6", "2024-10-30", ("middle-east",), at="09:30"),
    doc("a7", "2024-10-30", ("sanctions",), at="16:45"),
]
FEEDS = ["feed", "topics/middle-east/feed", "topics/sanctions/feed", "weeks/feed"]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, bytes]:
    return render(DOCS, tmp_path_factory.mktemp("site"), feed_items=3)


def atom(pages, path: str) -> ET.Element:
    return ET.fromstring(pages[path])


def entry_ids(feed: ET.Element) -> list[str]:
    return [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]


def test_every_feed_in_both_formats(pages):
    found = sorted(p for p in pages if p.rsplit("/", 1)[-1] in ("feed.xml", "feed.json"))
    assert found == sorted(f"{name}.{suffix}" for name in FEEDS for suffix in ("xml", "json"))
    assert "topics/climate/feed.xml" not in pages  # a topic without releases has no page and no feed


def test_site_and_topic_atom_feeds_hold_their_newest_releases(pages):
    expect = {"feed.xml": ["a7", "a6", "a4"], "topics/middle-east/feed.xml": ["a6", "a4", "a2"],
              "topics/sanctions/feed.xml": ["a7", "a3", "a2"]}
    for path, slugs in expect.items():
        feed = atom(pages, path)
        assert feed.tag == f"{ATOM}feed"
        assert entry_ids(feed) == [f"{BASE}releases/{slug}/" for slug in slugs], path
        page = path.removesuffix("feed.xml")
        assert feed.findtext(f"{ATOM}id") == BASE + page
        links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
        assert links == {"self": BASE + path, "alternate": BASE + page}
    topic = atom(pages, "topics/middle-east/feed.xml")
    assert topic.findtext(f"{ATOM}title") == "Test Briefing: Middle East"
    assert topic.findtext(f"{ATOM}updated") == "2024-10-30T09:30:00-04:00"
    first = topic.find(f"{ATOM}entry")
    assert [c.get("term") for c in first.findall(f"{ATOM}category")] == ["middle-east"]
    assert first.findtext(f"{ATOM}updated") == "2024-10-30T09:30:00-04:00"


def test_ids_are_unique_stable_and_links_absolute_under_the_sub_path(pages, tmp_path):
    again = render(list(reversed(DOCS)), tmp_path, feed_items=3)
    for name in FEEDS:
        ids = entry_ids(atom(pages, f"{name}.xml"))
        assert ids and len(ids) == len(set(ids)), name
        assert ids == entry_ids(atom(again, f"{name}.xml"))
        for link in atom(pages, f"{name}.xml").iter(f"{ATOM}link"):
            assert link.get("href").startswith(BASE), link.get("href")
        assert [item["id"] for item in json.loads(pages[f"{name}.json"])["items"]] == ids  # one id scheme
    # a release keeps its id in every feed that holds it
    assert f"{BASE}releases/a2/" in entry_ids(atom(pages, "topics/middle-east/feed.xml"))
    assert f"{BASE}releases/a2/" in entry_ids(atom(pages, "topics/sanctions/feed.xml"))


def test_json_feeds_have_the_json_feed_1_1_fields(pages):
    for name in FEEDS:
        feed = json.loads(pages[f"{name}.json"])
        assert feed["version"] == JSON_FEED
        assert feed["feed_url"] == f"{BASE}{name}.json"
        assert feed["home_page_url"] == BASE + name.removesuffix("feed")
        assert feed["title"] and feed["description"] and feed["language"] == "en"
        assert feed["authors"] == [{"name": "Test Briefing"}]
        assert feed["items"], name
        for item in feed["items"]:
            assert isinstance(item["id"], str) and item["url"].startswith(BASE)
            assert item["title"] and item["content_html"] and item["summary"]
            for key in ("date_published", "date_modified"):
                assert dt.datetime.fromisoformat(item[key]).tzinfo is not None
            assert isinstance(item["tags"], list)
    site = json.loads(pages["feed.json"])
    first = site["items"][0]
    assert first["id"] == first["url"] == f"{BASE}releases/a7/"
    assert first["date_published"] == first["date_modified"] == "2024-10-30T16:45:00-04:00"
    assert first["tags"] == ["Sanctions"] and first["authors"] == [{"name": "Department of State"}]
    assert first["content_html"] == "<p>A paragraph.</p>"


def test_untrusted_text_stays_text(pages):
    item = next(i for i in json.loads(pages["feed.json"])["items"] if i["id"].endswith("/a4/"))
    assert item["title"] == item["summary"] == EVIL and item["authors"] == [{"name": EVIL}]
    text = pages["feed.json"].decode()
    assert '"title": "He said \\"</script><script>alert(1)</script>\\" & left \u2028 it \'there\'"' in text
    entry = next(e for e in atom(pages, "feed.xml").findall(f"{ATOM}entry") if e.findtext(f"{ATOM}id").endswith("/a4/"))
    assert entry.findtext(f"{ATOM}title") == EVIL and entry.findtext(f"{ATOM}summary") == EVIL
    assert b"<script>" not in pages["feed.xml"]
    week = json.loads(pages["weeks/feed.json"])["items"][1]  # week 43 holds a4, its top story
    assert " ".join(EVIL.split()) in week["summary"] and "<script>" not in week["content_html"]  # text: spaces folded
    assert "&lt;/script&gt;" in week["content_html"]


def test_weekly_feed_has_one_entry_per_week(pages, tmp_path):
    feed = atom(pages, "weeks/feed.xml")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Week 44, 2024", "Week 43, 2024", "Week 42, 2024"]
    assert entry_ids(feed) == [f"{BASE}weeks/2024-w{n}/" for n in (44, 43, 42)]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2024-10-30T16:45:00-04:00", "2024-10-23T12:00:00-04:00", "2024-10-15T12:00:00-04:00"]
    assert entries[2].findtext(f"{ATOM}published") == "2024-10-14T12:00:00-04:00"
    content = entries[0].findtext(f"{ATOM}content")
    assert f'<a href="{BASE}releases/a7/">Title of a7</a>' in content
    assert f'<a href="{BASE}topics/sanctions/2024-w44/">Sanctions</a>: 1 release' in content
    assert f'<a href="{BASE}weeks/2024-w44/">' in content
    assert entries[0].findtext(f"{ATOM}summary") == "2 releases; top story: Title of a6."
    items = json.loads(pages["weeks/feed.json"])["items"]
    assert [i["title"] for i in items] == ["Week 44, 2024", "Week 43, 2024", "Week 42, 2024"]
    assert items[0]["date_modified"] == "2024-10-30T16:45:00-04:00" and items[0]["tags"] == ["Middle East", "Sanctions"]
    every = render(DOCS, tmp_path, feed_items=50)  # fewer weeks than feed_items: all of them
    assert len(atom(every, "weeks/feed.xml").findall(f"{ATOM}entry")) == 4


class Alternates(HTMLParser):
    def __init__(self):
        super().__init__()
        self.feeds: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "alternate":
            self.feeds.append((a["type"], a["href"]))


def alternates(pages, path: str) -> set[str]:
    """The feeds a page links to in its <head>, as output paths; each must be one of the pages."""
    parser = Alternates()
    parser.feed(pages[path].decode())
    found = set()
    for kind, href in parser.feeds:
        assert kind == ("application/atom+xml" if href.endswith(".xml") else "application/feed+json"), (path, href)
        target = href.removeprefix("/briefing/") if path == "404.html" else \
            posixpath.normpath(posixpath.join(posixpath.dirname(path), href))
        assert target in pages, f"{path}: {href} -> {target}"
        found.add(target.removesuffix(".xml").removesuffix(".json"))
    assert len(parser.feeds) == 2 * len(found), path  # each feed in both formats
    return found


def test_every_page_links_its_feeds(pages):
    for path in (p for p in pages if p.endswith(".html")):
        found = alternates(pages, path)
        expect = {"feed"}
        if path.startswith("topics/") and path.count("/") >= 2:
            expect.add(path.split("/")[0] + "/" + path.split("/")[1] + "/feed")
        if path.startswith("weeks/") or path == "index.html":
            expect.add("weeks/feed")
        assert found == expect, path
    topic = pages["topics/middle-east/index.html"].decode()
    assert ('Follow this topic: <a href="../../topics/middle-east/feed.xml">Atom</a>'
            ' · <a href="../../topics/middle-east/feed.json">JSON Feed</a>') in topic


def test_feeds_are_deterministic(pages, tmp_path):
    again = render(DOCS[3:] + DOCS[:3], tmp_path, feed_items=3)
    for name in FEEDS:
        for suffix in ("xml", "json"):
            assert pages[f"{name}.{suffix}"] == again[f"{name}.{suffix}"]


def test_feedparser_reads_every_atom_feed(pages):
    feedparser = pytest.importorskip("feedparser")
    for name in FEEDS:
        parsed = feedparser.parse(pages[f"{name}.xml"])
        assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
        assert parsed.version == "atom10" and parsed.entries
        assert all(e.link.startswith(BASE) for e in parsed.entries)


def test_an_empty_site_has_empty_feeds(tmp_path):
    pages = render([], tmp_path)
    for name in ("feed", "weeks/feed"):
        assert atom(pages, f"{name}.xml").findall(f"{ATOM}entry") == []
        assert json.loads(pages[f"{name}.json"])["items"] == []


# --- page keys ---------------------------------------------------------------------------------


def rendered_after(tmp_path, before, after, **more) -> set[str]:
    """The pages a build renders after the documents change from `before` to `after`."""
    cfg = config(tmp_path, **more)
    theme = resolve_theme(cfg)
    first = render_changes(build_site(before, cfg), cfg, theme, {})
    second = render_changes(build_site(after, cfg), cfg, theme, dict(first.keys))
    return {page.path for page in second.pages if not page.path.startswith("static/")}


def edited(documents, slug: str) -> list:
    from dataclasses import replace
    from generator.records import pack
    return [replace(d, packed_body=pack(d.body + " More."), digest=d.digest + "x") if d.slug == slug else d for d in documents]


def test_a_feed_renders_again_only_when_what_it_lists_changes(tmp_path):
    # one release a week: middle-east in weeks 41 to 44, sanctions in weeks 36 to 39
    base = [*(doc(f"m{i}", str(dt.date(2024, 10, 7) + dt.timedelta(weeks=i)), ("middle-east",), digest=f"m{i}") for i in range(4)),
            *(doc(f"s{i}", str(dt.date(2024, 9, 2) + dt.timedelta(weeks=i)), ("sanctions",), digest=f"s{i}") for i in range(4))]
    assert rendered_after(tmp_path, base, base, feed_items=3) == set()
    # the newest middle-east release: the site feed, its topic's feed and the weekly feed
    changed = {p for p in rendered_after(tmp_path, base, edited(base, "m3"), feed_items=3) if "feed." in p}
    assert changed == {f"{name}.{s}" for name in ("feed", "topics/middle-east/feed", "weeks/feed") for s in ("xml", "json")}
    # an older sanctions release, beyond the site feed's three and the weekly feed's three weeks: its topic's feed
    changed = {p for p in rendered_after(tmp_path, base, edited(base, "s2"), feed_items=3) if "feed." in p}
    assert changed == {"topics/sanctions/feed.xml", "topics/sanctions/feed.json"}
    # the oldest sanctions release, beyond every feed's three: no feed at all
    changed = {p for p in rendered_after(tmp_path, base, edited(base, "s0"), feed_items=3) if "feed." in p}
    assert changed == set()


def test_feed_templates_do_not_read_site(tmp_path):
    cfg = config(tmp_path)
    templates = Templates(resolve_theme(cfg), cfg)
    for name in ("feed.xml", "feed.json", "weeks_feed.xml", "weeks_feed.json"):
        assert not templates.info(name).uses_site, name
