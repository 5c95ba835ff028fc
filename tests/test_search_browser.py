"""Search in a real browser: the built site served as static files under a sub-path, searched
with Pagefind's UI in headless Chromium (Playwright).

Needs /usr/bin/chromium, the playwright package and the Pagefind binary (never `playwright
install`: the system's Chromium is used). Without them the module is skipped, unless
BRIEFING_REQUIRE_BROWSER=1 (as in CI), when the browser's absence fails it.
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_browser

from generator.build import build
from generator.config import load_config

WAIT_MS = 45_000  # generous: CI machines may be busy (a 15 s wait once ran out under a load average of 10)
SMALL_SITE = Path(__file__).resolve().parent / "fixtures" / "small-site"
BASE_PATH = "/briefing/"  # the small site's base_url is https://example.org/briefing/
WORD = "Quillwort"  # added to one release only
ISRAEL = "releases/2024-10-28-israel-conducted-a-precision-strike-against-military-targets/"

require_browser()

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402 (only once we know it is there)

expect.set_options(timeout=WAIT_MS)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory):
    """The small site (one release holding WORD) built with the real Pagefind, served over HTTP at /briefing/."""
    from generator.search import SearchOff, find_pagefind

    saved = os.environ.pop("PAGEFIND_BINARY_PATH", None)  # the real binary, not the tests' stand-in
    try:
        find_pagefind()
    except SearchOff as off:
        pytest.skip(f"the Pagefind binary is needed: {off.reason}")
    root = tmp_path_factory.mktemp("search-site")
    site = root / "site"
    shutil.copytree(SMALL_SITE, site)
    release = site / "content" / "releases" / "2024-10-25-whitehouse-2.txt"
    release.write_text(release.read_text(encoding="utf-8") + f"They also toured the {WORD} gardens.\n", encoding="utf-8")
    try:
        report = build(load_config(site), site / "output")
    finally:
        if saved is not None:
            os.environ["PAGEFIND_BINARY_PATH"] = saved
    assert report.search.startswith("search: indexed 5 releases"), report.search
    docroot = root / "docroot"
    docroot.mkdir()
    (docroot / BASE_PATH.strip("/")).symlink_to(site / "output")  # any link escaping /briefing/ gets a 404
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(docroot)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    server.shutdown()
    server.server_close()


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
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def results(page: Page):
    return page.locator(".pagefind-ui__result")


def test_search_finds_a_release_by_a_word_of_its_text(site_url, page):
    page.goto(site_url + "search/")
    page.get_by_role("textbox", name="Search releases").fill(WORD.lower())
    expect(page.locator(".pagefind-ui__message")).to_have_text(f"1 result for {WORD.lower()}")
    link = results(page).locator(".pagefind-ui__result-link")
    expect(link).to_have_count(1)
    expect(link).to_have_text(re.compile("Jake Sullivan"))
    href = link.get_attribute("href")
    assert href.startswith(BASE_PATH + "releases/2024-10-25-"), href  # under the sub-path
    link.click()
    expect(page.locator("main")).to_contain_text(WORD)


def test_a_filter_narrows_the_results(site_url, page):
    page.goto(site_url + "search/?q=Ukraine")  # as the header's search box sends it
    expect(page.locator(".pagefind-ui__message")).to_have_text("3 results for Ukraine")
    expect(results(page)).to_have_count(3)
    page.get_by_role("checkbox", name=re.compile(r"^Middle East")).check()  # the topic filter is open
    expect(page.locator(".pagefind-ui__message")).to_have_text("1 result for Ukraine")
    expect(results(page)).to_have_count(1)
    assert results(page).locator("a").first.get_attribute("href") == BASE_PATH + ISRAEL


def test_keyboard_only_from_the_header_search_box(site_url, page):
    page.goto(site_url + "weeks/")
    for _ in range(12):  # skip link, site title, the navigation, then the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-words":
            break
    assert page.evaluate("document.activeElement.id") == "site-search-words"
    page.keyboard.type(WORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/briefing/search/\?q=" + WORD))
    expect(page.locator(".pagefind-ui__message")).to_have_text(f"1 result for {WORD}")
    for _ in range(40):  # on past the search box and the filters to the first result
        if page.evaluate("document.activeElement.classList.contains('pagefind-ui__result-link')"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text(WORD)


def test_without_javascript_the_search_page_says_so(site_url, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "search/")
    note = page.locator(".search-note")  # inside <noscript> (which Playwright's text matchers skip)
    expect(note).to_be_visible()
    assert note.inner_text().startswith("Search needs JavaScript")
    expect(page.locator(".pagefind-ui")).to_have_count(0)
    context.close()


def test_without_its_index_the_search_page_says_search_is_unavailable(site_url, page):
    page.route("**/pagefind/**", lambda route: route.abort())
    page.goto(site_url + "search/?q=Ukraine")
    expect(page.locator(".search-note")).to_have_text("Search is unavailable: its index could not be loaded.")
