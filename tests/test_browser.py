"""Live preview in a real browser: `briefing serve` driving headless Chromium through Playwright.

Needs /usr/bin/chromium and the playwright package (never `playwright install`: the system's
Chromium is used). Without them the module is skipped, unless BRIEFING_REQUIRE_BROWSER=1
(as in CI), when it fails.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_browser

from tests.conftest import ROOT

WAIT_MS = 15_000  # a rebuild takes well under a second; this only bounds a failure

require_browser()

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402 (only once we know it is there)

expect.set_options(timeout=WAIT_MS)

SECOND_RELEASE = """11/04/2024 | News release | Distributed by Public on 11/04/2024 10:00
Secretary of Defense Lloyd J. Austin III welcomed Japanese Minister of Defense Gen Nakatani to the Pentagon on Monday for talks on regional security.
The two leaders discussed deterrence in the Indo-Pacific and the modernisation of the alliance.
"""


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


class Serve:
    """`briefing serve` in a subprocess on a free port."""

    def __init__(self, site: Path, *options: str):
        self.site = site
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0", *options],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.ready = threading.Event()
        self.url = ""
        threading.Thread(target=self.read, daemon=True).start()
        if not self.ready.wait(30):
            self.stop()
            raise AssertionError("briefing serve did not start:\n" + self.log())

    def read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            match = re.search(r"serving (http://\S+) ", line)
            if match:
                self.url = match.group(1)
                self.ready.set()

    def log(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def serve():
    """Start `briefing serve` on a site; stopped after the test, its log printed (pytest shows it on failure)."""
    servers: list[Serve] = []

    def run(site: Path, *options: str) -> Serve:
        servers.append(Serve(site, *options))
        return servers[-1]

    yield run
    for server in servers:
        server.stop()
        print(server.log())


@pytest.fixture
def themed_site(sample_site: Path) -> Path:
    """The sample site with its own copy of the default theme, as `mytheme`."""
    from generator.theme import shipped_themes_dirs

    default = next(root / "default" for root in shipped_themes_dirs() if (root / "default").is_dir())
    shutil.copytree(default, sample_site / "themes" / "mytheme")
    config = sample_site / "site.yaml"
    config.write_text(re.sub(r"(?m)^theme: .*$", "theme: mytheme", config.read_text(encoding="utf-8")), encoding="utf-8")
    return sample_site


def release_url(server: Serve, stem_start: str) -> str:
    """The URL of the release page whose annotated file name starts with stem_start."""
    annotated = sorted((server.site / "content" / "annotated").rglob(f"{stem_start}*.md"))
    assert len(annotated) == 1, annotated
    return f"{server.url}releases/{annotated[0].stem}/"


def token() -> str:
    return "Tok" + uuid.uuid4().hex[:10]


def append_sentence(path: Path, sentence: str) -> None:
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text}\n{sentence}\n", encoding="utf-8")


def overlay(page: Page):
    return page.locator("[data-briefing-problem]")  # inside the overlay's open shadow root


# ---------------------------------------------------------------- tests

def test_edit_of_a_release_shows_on_its_open_page(sample_site, serve, page):
    server = serve(sample_site)
    page.goto(release_url(server, "2024-10-28-"))
    expect(page.locator("main")).to_contain_text("precision strike")
    page.evaluate("document.body.dataset.before = 'yes'")
    word = token()
    append_sentence(sample_site / "content" / "releases" / "2024-10-28-dod-1.txt", f"The ministers also discussed {word}.")
    expect(page.locator("main")).to_contain_text(word)
    assert page.evaluate("document.body.dataset.before") is None  # the page updated itself: a new body


def test_css_change_swaps_the_stylesheet_without_reload(themed_site, serve, page):
    server = serve(themed_site)
    page.goto(server.url)
    page.evaluate("window.briefingMarker = 42")
    assert page.evaluate("getComputedStyle(document.body).borderTopWidth") != "7px"
    css = themed_site / "themes" / "mytheme" / "static" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { border-top: 7px solid rgb(1, 2, 3) !important; }\n",
                   encoding="utf-8")
    page.wait_for_function("getComputedStyle(document.body).borderTopWidth === '7px'", timeout=WAIT_MS)
    assert page.evaluate("window.briefingMarker") == 42  # the same document: no reload
    hrefs = page.eval_on_selector_all('link[rel~="stylesheet"]', "links => links.map(l => l.href)")
    assert len(hrefs) == 1 and "static/style.css?briefing-reload=" in hrefs[0]


def test_broken_template_shows_overlay_until_fixed(themed_site, serve, page):
    server = serve(themed_site)
    page.goto(server.url)
    base = themed_site / "themes" / "mytheme" / "templates" / "base.html"
    good = base.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines, 1) if "<main" in text)
    lines[line - 1] = lines[line - 1].rstrip("\n") + "{% if %}\n"
    base.write_text("".join(lines), encoding="utf-8")
    expect(overlay(page)).to_contain_text(f"themes/mytheme/templates/base.html:{line}")
    expect(page.locator("main")).to_be_visible()  # the last good site is still there under the overlay
    page.goto(release_url(server, "2024-10-28-"))  # a page opened while broken shows the overlay at once
    expect(overlay(page)).to_contain_text("base.html")
    word = token()
    base.write_text(good.replace("</footer>", f"<p>{word}</p></footer>"), encoding="utf-8")
    expect(page.locator("footer")).to_contain_text(word)
    expect(overlay(page)).to_have_count(0)
    expect(page.locator("#briefing-overlay")).to_have_count(0)


def test_broken_site_yaml_shows_overlay_with_escaped_text_until_fixed(sample_site, serve, page):
    server = serve(sample_site)
    page.goto(release_url(server, "2024-10-28-"))
    config = sample_site / "site.yaml"
    good = config.read_text(encoding="utf-8")
    bad_line = good.count("\n") + 1
    config.write_text(good + "<img src=x onerror=window.briefingPwned=1>: 1\n", encoding="utf-8")
    expect(overlay(page)).to_contain_text(f"site.yaml:{bad_line}")
    expect(overlay(page)).to_contain_text("<img src=x onerror=window.briefingPwned=1>")  # shown as text
    assert page.locator("#briefing-overlay img").count() == 0
    assert page.evaluate("window.briefingPwned") is None
    word = token()
    config.write_text(re.sub(r"(?m)^title: .*$", f"title: Fixed {word}", good), encoding="utf-8")
    expect(page.locator(".site-header")).to_contain_text(word)
    expect(page.locator("#briefing-overlay")).to_have_count(0)


def test_atomic_save_by_rename_updates_the_page(sample_site, serve, page):
    server = serve(sample_site)
    page.goto(release_url(server, "2024-10-28-"))
    release = sample_site / "content" / "releases" / "2024-10-28-dod-1.txt"
    word = token()
    text = release.read_text(encoding="utf-8").rstrip("\n") + f"\nOfficials noted {word} in closing.\n"
    temp = release.with_name(f".{release.name}.tmp-{os.getpid()}")  # how many editors save: write aside, rename over
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, release)
    expect(page.locator("main")).to_contain_text(word)


def test_navigate_takes_the_browser_to_the_edited_release(sample_site, serve, page):
    (sample_site / "content" / "releases" / "2024-11-04-dod-2.txt").write_text(SECOND_RELEASE, encoding="utf-8")
    server = serve(sample_site, "--navigate")
    first, second = release_url(server, "2024-10-28-"), release_url(server, "2024-11-04-")
    page.goto(first)
    word = token()
    append_sentence(sample_site / "content" / "releases" / "2024-11-04-dod-2.txt", f"They agreed on {word}.")
    page.wait_for_url(second)
    expect(page.locator("main")).to_contain_text(word)
