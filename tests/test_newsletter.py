"""The newsletter theme (each weekly digest as one self-contained page and as plain text) and the
theme.yaml `outputs` key it is built on: alternate outputs of a page, rendered with its values."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import Builder, build
from generator.config import load_config
from generator.errors import ConfigError
from generator.theme import resolve_theme

WEEK = Path("weeks") / "2024-w44"
SAMPLE_TITLE = "Israel Conducted a Precision Strike Against Military Targets"  # the start of the sample's derived title
SECOND = """\
10/29/2024 | News release | Distributed by Public on 10/29/2024 09:30
Treasury Sanctions Drone & Missile Suppliers to Iran
Today, the Department of the Treasury sanctioned 12 companies in Iran and China that supply parts for drones & ballistic missiles.
"We will keep acting against those who arm Iran," said Treasury Secretary Janet L. Yellen.
"""


def use_theme(site: Path, name: str) -> None:
    text = (site / "site.yaml").read_text()
    assert "\ntheme: default\n" in text
    (site / "site.yaml").write_text(text.replace("\ntheme: default\n", f"\ntheme: {name}\n"))


@pytest.fixture
def newsletter_site(sample_site: Path) -> Path:
    """The sample release and a second one of the same week, whose title holds an ampersand."""
    (sample_site / "content" / "releases" / "2024-10-29-treasury.txt").write_text(SECOND, encoding="utf-8")
    use_theme(sample_site, "newsletter")
    return sample_site


@pytest.fixture
def built(newsletter_site: Path, tmp_path: Path) -> Path:
    output = tmp_path / "out"
    build(load_config(newsletter_site), output, use_cache=False)
    return output


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_week_page_is_one_self_contained_page_with_inline_styles_and_absolute_links(built):
    html = (built / WEEK / "index.html").read_text(encoding="utf-8")
    tags = tags_of(html)
    names = {tag for tag, _ in tags}
    assert not names & {"script", "style", "img", "svg", "iframe", "object"}
    assert not [a for tag, a in tags if tag == "link" and "stylesheet" in (a.get("rel") or "")]
    links = [a["href"] for tag, a in tags if "href" in a]
    assert links and all(re.match(r"^https?://", href or "") for href in links), links
    assert not [a for _, a in tags if "src" in a]
    assert sum(1 for _, a in tags if a.get("style")) > 20  # styled inline, element by element
    assert '<html lang="en">' in html
    assert "Top stories" in html and "Who said what" in html and "By the numbers" in html and "In the news" in html
    assert SAMPLE_TITLE in html and "Treasury Sanctions Drone &amp; Missile Suppliers to Iran" in html
    assert "We believe that this should be the end of this tit-for-tat" in html  # the sample's key quote
    assert "http://localhost:8000/releases/" in html
    # the rest of the site is the default theme's
    assert 'rel="stylesheet"' in (built / "index.html").read_text(encoding="utf-8")
    assert (built / "static" / "style.css").is_file()


def test_plain_text_beside_the_week_page(built):
    text = (built / WEEK / "index.txt").read_text(encoding="utf-8")
    release = next(p.name for p in (built / "releases").iterdir() if p.name.startswith("2024-10-28"))
    assert f"http://localhost:8000/releases/{release}/" in text
    assert "Weekly briefing: Week 44, 2024" in text and "28 October 2024 to 3 November 2024" in text
    assert SAMPLE_TITLE in text.replace("\n  ", " ")
    assert "Treasury Sanctions Drone & Missile Suppliers to Iran" in text  # plain text is not HTML-escaped
    assert "&amp;" not in text and "&#" not in text and not re.search(r"</?[a-zA-Z!]", text)
    assert "TOP STORIES" in text and "WHO SAID WHAT" in text and "BY THE NUMBERS" in text
    assert "tit-for-tat" in text and "Janet L. Yellen" in text
    assert max(len(line) for line in text.splitlines() if "://" not in line) <= 72
    # one index.txt per week page, and none in the sitemap
    assert sorted(p.parent for p in built.glob("weeks/*/index.txt")) == sorted(p.parent for p in built.glob("weeks/*/index.html"))
    assert not list((built / "releases").glob("*/index.txt"))
    assert ".txt" not in (built / "sitemap.xml").read_text(encoding="utf-8")


def test_builds_are_byte_identical(newsletter_site, tmp_path):
    build(load_config(newsletter_site), tmp_path / "one", use_cache=False)
    build(load_config(newsletter_site), tmp_path / "two", use_cache=False)
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert all((tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes() for f in files)


def test_the_default_theme_has_no_plain_text_pages(sample_site, tmp_path):
    build(load_config(sample_site), tmp_path / "out", use_cache=False)
    assert not list((tmp_path / "out").rglob("index.txt"))
    assert resolve_theme(load_config(sample_site)).outputs == ()


# --- the outputs key ---------------------------------------------------------------------------


def make_theme(site: Path, name: str, theme_yaml: str, templates: dict[str, str] | None = None) -> Path:
    folder = site / "themes" / name
    (folder / "templates").mkdir(parents=True)
    (folder / "theme.yaml").write_text(theme_yaml)
    for template, text in (templates or {}).items():
        (folder / "templates" / template).write_text(text)
    use_theme(site, name)
    return folder


def problems_of(site: Path) -> list:
    with pytest.raises(ConfigError) as error:
        resolve_theme(load_config(site))
    return list(error.value.problems)


def test_unknown_theme_key_is_a_problem_with_a_suggestion(sample_site):
    make_theme(sample_site, "mine", "parent: default\noutptus: {week.html: [week.txt]}\n")
    (problem,) = problems_of(sample_site)
    assert (problem.file, problem.line, problem.field) == ("themes/mine/theme.yaml", 2, "outptus")
    assert "unknown key (did you mean 'outputs'?)" in problem.message


def test_an_output_template_that_does_not_exist_is_a_problem_of_theme_yaml(sample_site):
    make_theme(sample_site, "mine", "parent: default\noutputs:\n  week.html: [week.text]\n")
    (problem,) = problems_of(sample_site)
    assert (problem.file, problem.line, problem.field) == ("themes/mine/theme.yaml", 3, "outputs.week.html")
    assert "template 'week.text' not found" in problem.message


@pytest.mark.parametrize("outputs, message", [
    ("[week.txt]", "expected a mapping of page templates"),
    ("{week.html: [3]}", "expected a list of template names"),
    ("{week.html: [other.html]}", "needs a suffix other than '.html'"),
])
def test_malformed_outputs_are_problems(sample_site, outputs, message):
    make_theme(sample_site, "mine", f"parent: default\noutputs: {outputs}\n", {"other.html": "", "week.txt": ""})
    (problem,) = problems_of(sample_site)
    assert problem.file == "themes/mine/theme.yaml" and problem.line == 2 and message in problem.message


def test_a_child_theme_has_its_parents_outputs_and_its_own(sample_site, tmp_path):
    make_theme(sample_site, "child", "parent: newsletter\noutputs:\n  release.html: [release.txt]\n",
               {"release.txt": "{{ release.document.title }} & more\n{{ abs_url(release.url) }}\n"})
    theme = resolve_theme(load_config(sample_site))
    assert theme.chain == ("child", "newsletter", "default")
    assert theme.outputs == (("release.html", ("release.txt",)), ("week.html", ("week.txt",)))
    build(load_config(sample_site), tmp_path / "out", use_cache=False)
    (release,) = (tmp_path / "out" / "releases").glob("*/index.txt")
    assert release.read_text().endswith(f" & more\nhttp://localhost:8000/releases/{release.parent.name}/\n")
    assert (tmp_path / "out" / WEEK / "index.txt").is_file()


def test_an_alternate_template_overridden_by_the_site_is_rebuilt_when_it_changes(newsletter_site):
    (newsletter_site / "templates").mkdir()
    override = newsletter_site / "templates" / "week.txt"
    override.write_text("{{ glance.releases }} releases in {{ week.label }}\n")
    builder = Builder(newsletter_site / "output", in_place=True)
    builder.build(load_config(newsletter_site))
    page = newsletter_site / "output" / WEEK / "index.txt"
    assert page.read_text() == "2 releases in 2024-W44\n"
    html = (newsletter_site / "output" / WEEK / "index.html").read_bytes()
    override.write_text("Week {{ week.number }}: {{ glance.releases }} releases\n")
    builder.build(load_config(newsletter_site))
    assert page.read_text() == "Week 44: 2 releases\n"
    assert (newsletter_site / "output" / WEEK / "index.html").read_bytes() == html
