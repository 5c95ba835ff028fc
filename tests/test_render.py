"""The site model and the renderer, on small in-memory Documents."""
from __future__ import annotations

import datetime as dt
import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import Config
from generator.errors import ConfigError
from generator.model import build_site
from generator.records import Document, Figure, Org, Person, Quote, Topic, iso_week, pack
from generator.render import Page, inline_patterns, is_unsafe_url, make_environment, make_markdown, render_markdown, render_site
from generator.theme import resolve_theme

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/briefing/"
NY = ZoneInfo("America/New_York")
TAXONOMY = (
    Topic("middle-east", "Middle East", "The region from Egypt to Iran."),
    Topic("sanctions", "Sanctions"),
    Topic("climate", "Climate"),  # never used: listed, but without a page
)


def doc(slug: str, day: str, topics: tuple[str, ...] = ("middle-east",), *, at: str = "12:00",
        body: str = "A paragraph.", title: str = "", **more) -> Document:
    date = dt.date.fromisoformat(day)
    values = dict(
        path=f"{date.year}/{slug}.md", slug=slug, source_file=f"{slug}.txt", source_sha256="0" * 64,
        title=title or f"Title of {slug}", title_source="derived", date=date,
        distributed_at=dt.datetime.combine(date, dt.time.fromisoformat(at), NY),
        kind="News release", distributor="Public", issuer="Department of State", week=iso_week(date),
        topics=topics, summary=f"Summary of {slug}.", people=(), countries=(), orgs=(), quotes=(), figures=(),
        packed_body=pack(body),
    )
    values.update(more)
    return Document(**values)


def config(tmp_path: Path, **more) -> Config:
    return Config(site_dir=tmp_path, title="Test Briefing", base_url=BASE, taxonomy=TAXONOMY, **more)


def render(documents, tmp_path: Path, **more) -> dict[str, bytes]:
    cfg = config(tmp_path, **more)
    pages = render_site(build_site(documents, cfg), cfg, resolve_theme(cfg))
    return {page.path: page.content for page in pages}


SMALL = [
    doc("2020-12-31-a", "2020-12-31", ("middle-east", "sanctions")),
    doc("2021-01-01-b", "2021-01-01", ("sanctions", "no-such-topic")),
    doc("2021-01-04-c", "2021-01-04", ("no-such-topic",)),
    doc("2021-01-05-d", "2021-01-05", ("middle-east",), quotes=(Quote("We act now", "Jane Roe"),),
        figures=tuple(Figure(i, "", "missiles", f"{i} missiles") for i in (1, 2, 3, 4)),
        people=(Person("Jane Roe", "Secretary of State"),), countries=("IR", "ZZ")),
]


# --- model -------------------------------------------------------------------------------------


def test_weeks_follow_iso_years_across_new_year(tmp_path):
    site = build_site(SMALL, config(tmp_path))
    assert [w.label for w in site.weeks] == ["2021-W01", "2020-W53"]
    old = site.weeks[1]
    assert old.slug == "2020-w53" and old.url == "weeks/2020-w53/"
    assert (old.start, old.end) == (dt.date(2020, 12, 28), dt.date(2021, 1, 3))
    assert [e.slug for e in old.releases] == ["2021-01-01-b", "2020-12-31-a"]
    assert old.next.url == "weeks/2021-w01/" and old.previous is None
    assert site.weeks[0].previous.title == "Week 53, 2020"


def test_releases_sorted_newest_first_with_tie_breakers(tmp_path):
    docs = [doc("x-early", "2024-10-28", at="09:00"), doc("x-late-b", "2024-10-28", at="15:00"),
            doc("x-late-a", "2024-10-28", at="15:00"), doc("older", "2024-10-27", at="23:00")]
    for order in (docs, docs[::-1], docs[1:] + docs[:1]):
        site = build_site(order, config(tmp_path))
        assert [e.slug for e in site.releases] == ["x-late-b", "x-late-a", "x-early", "older"]
    first, second = site.releases[0], site.releases[1]
    assert first.next is None and first.previous.url == "releases/x-late-a/"
    assert second.next.url == "releases/x-late-b/"


def test_week_groups_by_primary_topic_in_taxonomy_order(tmp_path):
    docs = [doc("s", "2024-10-28", ("sanctions", "middle-east")), doc("m", "2024-10-29", ("middle-east",)),
            doc("u", "2024-10-30", ("unknown",))]
    (week,) = build_site(docs, config(tmp_path)).weeks
    assert [(g.topic.slug if g.topic else None, [e.slug for e in g.releases]) for g in week.groups] == [
        ("middle-east", ["m"]), ("sanctions", ["s"]), (None, ["u"])]


def test_topic_groups_weeks_newest_first_and_ignores_unknown_slugs(tmp_path):
    site = build_site(SMALL, config(tmp_path))
    topics = {t.topic.slug: t for t in site.topics}
    assert list(topics) == ["middle-east", "sanctions", "climate"]  # every taxonomy topic, in order
    assert [w.label for w in topics["middle-east"].weeks] == ["2021-W01", "2020-W53"]
    assert [e.slug for e in topics["sanctions"].releases] == ["2021-01-01-b", "2020-12-31-a"]
    assert not topics["climate"].has_page
    assert site.release("2021-01-04-c").topics == ()


# --- pages -------------------------------------------------------------------------------------


def test_expected_pages(tmp_path):
    pages = render(SMALL, tmp_path)
    for path in ["index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "static/style.css",
                 "weeks/index.html", "weeks/2020-w53/index.html", "weeks/2021-w01/index.html",
                 "topics/index.html", "topics/middle-east/index.html", "topics/sanctions/index.html",
                 "releases/2021-01-05-d/index.html"]:
        assert path in pages, path
    assert "topics/climate/index.html" not in pages
    home = pages["index.html"].decode()
    assert "Climate" in home and 'href="topics/climate/"' not in home
    assert b"Sitemap: https://example.org/briefing/sitemap.xml" in pages["robots.txt"]


def test_script_in_a_release_is_shown_as_text(tmp_path):
    evil = doc("evil", "2024-10-28", title="<script>alert(1)</script>",
               body="Hi <script>alert(2)</script>\n\n<div onclick=x>y</div>\n\n[click](javascript:alert(3))")
    page = render([evil], tmp_path)["releases/evil/index.html"].decode()
    assert "<script" not in page and "onclick=x>" not in page and "javascript:" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page and "&lt;script&gt;alert(1)" in page


@pytest.mark.parametrize("url", ["javascript:x", " JavaScript:x", "java\tscript:x", "&#106;avascript:x",
                                 "data:text/html,x", "vbscript:x"])
def test_unsafe_link_schemes(url):
    assert is_unsafe_url(url)
    assert "href" not in str(render_markdown(f"[x]({url})"))


def test_safe_links_survive_and_headings_sit_below_the_title():
    html = str(render_markdown("# Head\n\n[ok](https://example.org/a?b=1&c=2)"))
    assert "<h2>Head</h2>" in html and 'href="https://example.org/a?b=1&amp;c=2"' in html


MARKDOWN_SAMPLES = [
    "Plain words, nothing to mark up.", "a `code` span and ``two`` ticks", "escaped \\*stars\\* and \\_lines\\_",
    "[a link](https://example.org/)", "![an image](https://example.org/i.png)", "[ref][1]\n\n[1]: https://example.org/",
    "[short] ref\n\n[short]: https://example.org/s", "<https://example.org/>", "<someone@example.org>",
    "line one  \nline two", "AT&amp;T &copy; 2024 &#169; &#xA9;", "Fish &amp; chips", "1 &lt; 2", "*em* and **strong** and _under_ __double__",
    "snake_case_words and 2 * 3 * 4", "tab\there\t\nnext\tline", "mixed [x](y) *a* `b` \\c <d> &e; _f_",
    "- a *list*\n- of `items`\n\n> a [quote](https://example.org/q)",
]


@pytest.mark.parametrize("text", MARKDOWN_SAMPLES)
def test_markdown_tries_only_the_inline_patterns_that_can_match_and_renders_the_same(text):
    """render_markdown leaves out the inline patterns whose characters the text lacks: the HTML
    is the same as with every pattern tried."""
    assert str(render_markdown(text)) == make_markdown().convert(text)


def test_a_text_without_markup_characters_is_tried_with_the_line_break_only():
    assert len(inline_patterns(frozenset())) == 1 and "linebreak" in inline_patterns(frozenset())
    assert "link" not in inline_patterns(frozenset("*")) and "em_strong" in inline_patterns(frozenset("*"))
    assert "link" in inline_patterns(frozenset("[")) and "backtick" in inline_patterns(frozenset("`"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b1", " ", "\n", "\t", "  \n", "*", "_", "[", "]", "(", ")", "!", "<", ">", "&", ";",
                                  "#", "`", "\\", ":", "/", "@", ".", "&amp;", "&#169;", "https://e.org"]),
                max_size=40).map("".join))
def test_markdown_of_any_text_is_the_same_with_the_patterns_left_out(text):
    assert str(render_markdown(text)) == make_markdown().convert(text)


def test_plural_filter_and_the_count_macro_kept_for_themes_that_call_it(tmp_path):
    cfg = config(tmp_path)
    env = make_environment(resolve_theme(cfg), cfg)
    template = env.from_string('{% from "_macros.html" import count %}'
                               '{{ 1|plural("release", "releases") }}, {{ 0|plural("week", "weeks") }}, {{ count(3, "x", "xs") }}')
    assert template.render() == "1 release, 0 weeks, 3 xs"


def test_week_page_shows_quote_figures_and_links(tmp_path):
    pages = render(SMALL, tmp_path)
    week = pages["weeks/2021-w01/index.html"].decode()
    assert "We act now" in week and "Jane Roe" in week
    digest = week.split('class="digest-heading"')[1].split('class="numbers"')[0]
    assert "3 missiles" in digest and "4 missiles" not in digest  # three key figures per release
    numbers = week.split('class="numbers"')[1]
    assert "4 missiles" in numbers  # "by the numbers" lists every figure of the week
    assert 'href="../../releases/2021-01-05-d/"' in week
    assert 'href="../../weeks/2020-w53/"' in week  # previous week
    old = pages["weeks/2020-w53/index.html"].decode()
    assert 'href="../../weeks/2021-w01/"' in old  # next week across the new year


def test_release_page_shows_annotations(tmp_path):
    page = render(SMALL, tmp_path)["releases/2021-01-05-d/index.html"].decode()
    assert "Secretary of State" in page and "4 missiles" in page
    assert "ZZ" in page  # an unknown code is shown as it is
    pytest.importorskip("pycountry")
    assert "Iran" in page


# --- entity pages ------------------------------------------------------------------------------

ENTITIES = [
    *SMALL,
    doc("2021-01-06-e", "2021-01-06", people=(Person("Jane Roe", "Envoy"), Person("José Pérez"), Person("Jose Perez")),
        orgs=(Org("United Nations", ("UN",)),), countries=("ir",),
        quotes=(Quote("<b>Peace</b> first", "Jane Roe"), Quote("Not hers", "Jose Perez"))),
    doc("2021-01-12-f", "2021-01-12", people=(Person("Jane Roe", "Secretary of State"),), countries=("IR",)),
]


def test_entities_merge_names_and_collect_roles_quotes_and_related(tmp_path):
    site = build_site(ENTITIES, config(tmp_path))
    assert [p.name for p in site.people] == ["Jane Roe", "Jose Perez", "José Pérez"]
    jane = site.people[0]
    assert jane.url == "people/jane-roe/"
    assert [e.slug for e in jane.releases] == ["2021-01-12-f", "2021-01-06-e", "2021-01-05-d"]
    assert [w.label for w in jane.weeks] == ["2021-W02", "2021-W01"]
    assert jane.roles == ("Secretary of State", "Envoy")  # most frequent first
    assert [q.quote.text for q in jane.quotes] == ["<b>Peace</b> first", "We act now"]
    assert [(r.key, r.count) for r in jane.countries] == [("IR", 3), ("ZZ", 1)]
    assert [r.url for r in jane.orgs] == ["orgs/united-nations/"]
    (un,) = site.orgs
    assert un.aliases == ("UN",)
    assert [c.url for c in site.countries] == ["countries/ir/", "countries/zz/"]


def test_slug_collisions_get_numbers_in_name_order(tmp_path):
    site = build_site(ENTITIES, config(tmp_path))
    assert {p.name: p.url for p in site.people if "Perez" in p.name or "Pérez" in p.name} == {
        "Jose Perez": "people/jose-perez/", "José Pérez": "people/jose-perez-2/"}
    again = build_site(list(reversed(ENTITIES)), config(tmp_path))
    assert [p.url for p in again.people] == [p.url for p in site.people]


def test_entity_pages_show_releases_quotes_and_links(tmp_path):
    pages = render(ENTITIES, tmp_path)
    for path in ["people/index.html", "countries/index.html", "orgs/index.html", "people/jane-roe/index.html",
                 "people/jose-perez/index.html", "people/jose-perez-2/index.html", "countries/ir/index.html",
                 "orgs/united-nations/index.html"]:
        assert path in pages, path
    jane = pages["people/jane-roe/index.html"].decode()
    assert "<h1>Jane Roe</h1>" in jane and "Secretary of State; Envoy" in jane
    assert "&lt;b&gt;Peace&lt;/b&gt; first" in jane and "<b>" not in jane and "Not hers" not in jane
    for slug in ("2021-01-12-f", "2021-01-06-e", "2021-01-05-d"):
        assert f'href="../../releases/{slug}/"' in jane
    assert "2021-01-04-c" not in jane
    assert 'href="../../weeks/2021-w02/"' in jane
    assert 'href="../../countries/ir/">Iran</a>' in jane or 'href="../../countries/ir/">IR</a>' in jane
    assert 'href="../../people/jose-perez-2/">José Pérez</a>' in jane
    people = pages["people/index.html"].decode()
    assert 'href="../people/jane-roe/">Jane Roe</a> <span class="count">3 releases</span>' in people
    un = pages["orgs/united-nations/index.html"].decode()
    assert "Also written: UN" in un and 'href="../../releases/2021-01-06-e/"' in un


def test_entity_pages_list_older_weeks_as_counts(tmp_path):
    docs = [doc(f"2021-0{m}-0{d}-x", f"2021-0{m}-0{d}", people=(Person("Jane Roe"),)) for m in (1, 2, 3) for d in (4, 5)]
    page = render(docs, tmp_path, recent_weeks=2)["people/jane-roe/index.html"].decode()
    assert "Earlier weeks" in page
    assert 'href="../../releases/2021-03-05-x/"' in page and 'href="../../releases/2021-01-04-x/"' not in page
    assert 'href="../../weeks/2021-w01/">Week 1, 2021</a> <span class="count">2 releases</span>' in page


def test_release_page_links_to_its_entities(tmp_path):
    page = render(ENTITIES, tmp_path)["releases/2021-01-06-e/index.html"].decode()
    assert 'href="../../people/jane-roe/">Jane Roe</a>' in page
    assert 'href="../../people/jose-perez-2/">José Pérez</a>' in page
    assert 'href="../../people/jose-perez/">Jose Perez</a>' in page
    assert 'href="../../orgs/united-nations/">United Nations</a>' in page
    assert 'href="../../countries/ir/"' in page


def test_release_text_links_first_mentions_and_marks_figures(tmp_path):
    body = ("Jane Roe met the [UN](https://un.org/) team in Tehran. Jane Roe said Iran and the United Nations\n"
            "would talk. Iranian officials counted about 200 missiles.\n\n`Jane Roe` in code stays plain.")
    release = doc("2021-01-06-h", "2021-01-06", body=body, people=(Person("Jane Roe"),), countries=("IR",),
                  orgs=(Org("United Nations", ("UN",)),), figures=(Figure(200, "", "missiles", "about 200 missiles"),))
    page = render([release], tmp_path)["releases/2021-01-06-h/index.html"].decode()
    start = page.index('<div class="release-text"')
    text = page[start:page.index("</div>", start)]
    assert text.count('<a class="hl hl-person" href="../../people/jane-roe/">Jane Roe</a>') == 1  # the first mention only
    # the country is linked once, at the first of the names the annotator knows it by (its capital here)
    assert '<a class="hl hl-country" href="../../countries/ir/" title="Iran">Tehran</a>' in text
    assert "said Iran and" in text and "Iranian officials" in text
    assert '<a href="https://un.org/">UN</a>' in text  # an existing link is left alone...
    assert '<a class="hl hl-org" href="../../orgs/united-nations/">United Nations</a>' in text  # ...the next mention is linked
    assert '<mark class="hl hl-figure" title="missiles">about 200 missiles</mark>' in text
    assert "<code>Jane Roe</code>" in text


def test_highlights_are_escaped_and_whole_words(tmp_path):
    body = "Mr <b>Roe</b>'s plan: Roeland said so, and Roe agreed & left."
    release = doc("2021-01-06-i", "2021-01-06", body=body, people=(Person("Roe"), Person("<b>Roe</b>")))
    page = render([release], tmp_path)["releases/2021-01-06-i/index.html"].decode()
    assert "<b>" not in page and "&lt;b&gt;" in page
    assert ">Roe</a> agreed &amp; left" in page and "Roeland" in page and ">Roeland<" not in page


def test_render_is_deterministic(tmp_path):
    first = render(SMALL, tmp_path)
    again = render(list(reversed(SMALL)), tmp_path)
    assert first == again


def test_feed_is_atom_with_absolute_links(tmp_path):
    docs = [doc(f"r{i}", f"2024-10-{10 + i}") for i in range(6)]
    feed = ET.fromstring(render(docs, tmp_path, feed_items=4)["feed.xml"])
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [f"{BASE}releases/r{i}/" for i in (5, 4, 3, 2)]
    assert feed.findtext(f"{ATOM}updated") == "2024-10-15T12:00:00-04:00"
    for link in feed.iter(f"{ATOM}link"):
        assert link.get("href").startswith(BASE)


def test_sitemap_lists_every_page_but_404(tmp_path):
    pages = render(SMALL, tmp_path)
    root = ET.fromstring(pages["sitemap.xml"])
    locs = [u.findtext(f"{SITEMAP}loc") for u in root]
    html = sorted(p for p in pages if p.endswith(".html") and p != "404.html")
    assert locs == [BASE + p.removesuffix("index.html") for p in html]
    assert all(u.findtext(f"{SITEMAP}lastmod") for u in root)


def test_a_site_past_the_sitemap_limit_gets_an_index_of_sitemaps(tmp_path, monkeypatch):
    """sitemaps.org: at most 50,000 URLs a sitemap (100,000 releases make 317,000 pages)."""
    from generator import render as module

    single = ET.fromstring(render(SMALL, tmp_path)["sitemap.xml"])
    every = [(u.findtext(f"{SITEMAP}loc"), u.findtext(f"{SITEMAP}lastmod")) for u in single]
    monkeypatch.setattr(module, "SITEMAP_URLS", 5)
    pages = render(SMALL, tmp_path)
    index = ET.fromstring(pages["sitemap.xml"])
    assert index.tag == f"{SITEMAP}sitemapindex"
    count = -(-len(every) // 5)
    names = [f"sitemap{k}.xml" for k in range(1, count + 1)]
    assert [s.findtext(f"{SITEMAP}loc") for s in index] == [BASE + name for name in names]
    assert not any(p.startswith("sitemap") and p not in ("sitemap.xml", *names) for p in pages)
    found = []
    for entry, name in zip(index, names):
        part = ET.fromstring(pages[name])
        urls = [(u.findtext(f"{SITEMAP}loc"), u.findtext(f"{SITEMAP}lastmod")) for u in part]
        assert part.tag == f"{SITEMAP}urlset" and 0 < len(urls) <= 5
        assert entry.findtext(f"{SITEMAP}lastmod") == max(when for _, when in urls)  # the same offset throughout
        found += urls
    assert sorted(found) == sorted(every)  # every page once, with the same date as in one sitemap
    assert b"Sitemap: https://example.org/briefing/sitemap.xml" in pages["robots.txt"]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.ids: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)
            if name == "id":
                self.ids.append(value)


def test_internal_links_are_relative_and_resolve(tmp_path):
    pages = render(SMALL, tmp_path)
    titles = set()
    for path, content in pages.items():
        if not path.endswith(".html"):
            continue
        parser = Links()
        text = content.decode()
        parser.feed(text)
        assert parser.tags.count("h1") == 1, path
        assert len(parser.ids) == len(set(parser.ids)), path
        title = re.search(r"<title>(.*?)</title>", text).group(1)
        assert title not in titles, f"{path}: title {title!r} is not unique"
        titles.add(title)
        for url in parser.urls:
            if url.startswith(("https:", "#")):
                continue
            assert not url.endswith("index.html"), f"{path}: {url}"
            if path == "404.html":  # served at any depth: absolute from the base path
                assert url.startswith("/briefing/"), url
                target = url.removeprefix("/briefing/")
            else:
                assert not url.startswith("/"), f"{path}: {url}"
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), url))
                target = "" if target == "." else target + ("/" if url.endswith("/") else "")
            if target.endswith("/") or target == "":
                target += "index.html"
            if target.startswith("pagefind/"):
                continue  # the search index and its UI: Pagefind writes them after the pages (tests/test_search.py)
            assert target in pages, f"{path}: {url} -> {target}"


# --- themes and template errors ---------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_missing_theme_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as error:
        resolve_theme(config(tmp_path, theme="nosuch"))
    (problem,) = error.value.problems
    assert problem.file == "site.yaml" and problem.field == "theme"
    assert "no theme 'nosuch' in themes/ (available: default" in problem.message


def test_child_theme_overrides_parent(tmp_path):
    child = tmp_path / "themes" / "mine"
    write(child / "theme.yaml", "name: mine\nparent: default\n")
    write(child / "static" / "style.css", "body { color: black; }\n")
    write(child / "static" / "extra.css", "p {}\n")
    write(child / "templates" / "robots.txt", "User-agent: *\nDisallow: /\n")
    theme = resolve_theme(config(tmp_path, theme="mine"))
    assert theme.chain == ("mine", "default")
    pages = render(SMALL, tmp_path, theme="mine")
    assert pages["static/style.css"] == b"body { color: black; }\n"
    assert "static/extra.css" in pages
    assert pages["robots.txt"] == b"User-agent: *\nDisallow: /\n"
    assert b"<h1>" in pages["weeks/2021-w01/index.html"]  # inherited from default


def test_template_mistakes_become_config_errors_with_place(tmp_path):
    child = tmp_path / "themes" / "broken"
    write(child / "theme.yaml", "parent: default\n")
    write(child / "templates" / "week.html", "{% extends 'base.html' %}\n{% block main %}\n{{ week.nosuch }}\n{% endblock %}\n")
    with pytest.raises(ConfigError) as error:
        render(SMALL, tmp_path, theme="broken")
    (problem,) = error.value.problems  # one problem, though two week pages failed
    assert (problem.file, problem.line, problem.field) == ("themes/broken/templates/week.html", 3, "template")
    assert "nosuch" in problem.message

    write(child / "templates" / "topic.html", "line one\n{% if %}\n")
    with pytest.raises(ConfigError) as error:
        render(SMALL, tmp_path, theme="broken")
    (problem,) = error.value.problems
    assert (problem.file, problem.line) == ("themes/broken/templates/topic.html", 2)


def test_pages_are_sorted_bytes():
    page = Page("index.html", b"x")
    assert isinstance(page.content, bytes)


def test_a_site_without_releases_still_renders(tmp_path):
    pages = render([], tmp_path)
    assert {"index.html", "weeks/index.html", "topics/index.html", "404.html", "feed.xml", "sitemap.xml"} <= set(pages)
    feed = ET.fromstring(pages["feed.xml"])
    assert feed.findall(f"{ATOM}entry") == [] and feed.findtext(f"{ATOM}updated")
    assert b"No releases yet" in pages["index.html"]


def test_missing_included_template_is_reported_where_it_is_included(tmp_path):
    child = tmp_path / "themes" / "broken"
    write(child / "theme.yaml", "parent: default\n")
    write(child / "templates" / "404.html", "{% extends 'base.html' %}\n{% block main %}\n{% include 'nope.html' %}\n{% endblock %}\n")
    with pytest.raises(ConfigError) as error:
        render(SMALL, tmp_path, theme="broken")
    (problem,) = error.value.problems
    assert (problem.file, problem.line) == ("themes/broken/templates/404.html", 3)
    assert "nope.html" in problem.message


def test_only_web_urls_are_linked():
    from generator.render import web_url

    assert web_url("https://www.state.gov/x/") == "https://www.state.gov/x/"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example/", "https://x/\" onmouseover=\"x", ""):
        assert web_url(bad) == "", bad


def test_long_entity_indexes_link_to_letter_pages(tmp_path):
    names = [f"{first} Person{i}" for i, first in enumerate(("Ann", "Bob", "Émile", "Zed", "42nd") * 32)]
    docs = [doc(f"2021-01-{1 + i % 28:02d}-p{i}", f"2021-01-{1 + i % 28:02d}", people=(Person(name),) * 1
                + ((Person("Ann Most"),) if i % 2 else ())) for i, name in enumerate(names)]
    pages = render(docs, tmp_path)
    index = pages["people/index.html"].decode()
    assert "Named most often" in index and 'href="../people/ann-most/">Ann Most</a>' in index
    assert len(re.findall(r'<li><a href="\.\./people/(?!letters/)', index)) == 30  # the most named, not all 161
    for letter in ("a", "b", "e", "z", "other"):
        assert f'href="../people/letters/{letter}/"' in index
    e_page = pages["people/letters/e/index.html"].decode()
    assert "<h1>People: E</h1>" in e_page and '<span aria-current="page">E</span>' in e_page
    assert e_page.count("Émile Person") == 32 and "Bob Person" not in e_page
    assert pages["people/letters/other/index.html"].decode().count("42nd Person") == 32
    listed = sum(len(re.findall(r'<li><a href="\.\./\.\./\.\./people/(?!letters/)', pages[f"people/letters/{x}/index.html"].decode()))
                 for x in ("a", "b", "e", "z", "other"))
    assert listed == 161


def test_template_output_is_encoded_in_chunks_with_the_same_bytes():
    """encoded() joins a template's pieces a chunk at a time (the sitemap of a big site is not
    held as millions of strings at once); the bytes are those of joining them all."""
    from generator.render import RENDER_CHUNK, encoded

    for count in (0, 1, RENDER_CHUNK - 1, RENDER_CHUNK, RENDER_CHUNK + 1, 3 * RENDER_CHUNK + 7):
        pieces = [("" if i % 5 == 0 else f"<loc>é{i}–</loc>") for i in range(count)]
        assert encoded(iter(pieces)) == "".join(pieces).encode("utf-8"), count


def test_the_sitemap_urls_are_made_as_read_and_read_like_a_list():
    """A theme may loop over the sitemap's URLs, take their length, an item or a slice."""
    import jinja2

    from generator.render import Computed

    made: list[str] = []
    urls = Computed(["a/", "b/", "c/"], lambda path: made.append(path) or {"loc": "https://x/" + path})
    assert made == [] and len(urls) == 3
    template = jinja2.Environment().from_string(
        "{{ urls|length }}:{% for u in urls %}{{ u.loc }} {% endfor %}{{ urls[1].loc }} {{ urls[-1].loc }} "
        "{{ urls[:2]|map(attribute='loc')|join(',') }} {{ (urls|first).loc }} {{ (urls|last).loc }}")
    assert template.render(urls=urls) == ("3:https://x/a/ https://x/b/ https://x/c/ https://x/b/ https://x/c/ "
                                          "https://x/a/,https://x/b/ https://x/a/ https://x/c/")
