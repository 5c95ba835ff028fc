"""Untrusted text is inert: script, event handlers, javascript: links and raw HTML in a release or in
hand-edited front matter render as text. Every HTML page of a site holding them is loaded in
headless Chromium, which must run none of it. And the dev server serves nothing outside output/.

Needs /usr/bin/chromium and the playwright package (never `playwright install`); without them the
browser test is skipped, unless BRIEFING_REQUIRE_BROWSER=1 (as in CI), when it fails.
"""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli import main, make_parser
from generator.scaffold import new_site
from generator.serve import BuildGate, Preview, make_server
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.conftest import SAMPLE
from tests.test_serve import SECRET, Running, output, running  # noqa: F401 (fixtures)


PWN = "window.__pwned=1"
EVIL_RELEASE = f"""10/29/2024 | News release | Distributed by <script>{PWN}</script> on 10/29/2024 09:00
Evil </title><script>{PWN}</script> Headline
Secretary of Defense Lloyd J. Austin III said "<img src=x onerror={PWN}>" in Israel on Tuesday.
See <a href="javascript:{PWN}">this link</a> and [x](javascript:{PWN}) and <b onmouseover={PWN}>bold</b>.
<iframe src="javascript:alert(1)"></iframe> <svg onload=alert(1)> <body onload=alert(1)> &lt;script&gt;
"""
EVIL_FRONT_MATTER = f"""---
title: '</title><script>{PWN}</script>'
date: 2024-10-29
kind: '<svg onload=alert(1)>'
issuer: '<img src=x onerror={PWN}>'
byline: '<script>alert(1)</script>'
source_url: 'javascript:alert(1)'
topics: [middle-east]
summary: '"><script>{PWN}</script> summary'
people:
- name: '<img src=x onerror={PWN}>'
  role: '<script>alert(1)</script>'
  paragraph: 0
countries: [IL]
orgs:
- name: '<b onclick=alert(1)>Evil Org</b>'
  aliases: ['<script>alert(1)</script>']
  paragraph: 0
quotes:
- text: '</blockquote><script>{PWN}</script>'
  speaker: '<a href="javascript:alert(1)">x</a>'
  paragraph: 0
figures:
- value: 3
  object: '<script>alert(1)</script>'
  text: '3 <script>alert(1)</script>'
  paragraph: 0
extra:
  note: '<script>{PWN}</script>'
---

Body with <script>{PWN}</script> and [click](javascript:{PWN}) and [spaced](java%0ascript:alert(1)) and
![pic](javascript:alert(1)) and <img src=x onerror={PWN}> and [entity](&#106;avascript:alert(1)).

<div onclick="alert(1)">a raw block</div>

<script>{PWN}</script>
"""


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("evil") / "site"
    new_site(site)
    shutil.copy(SAMPLE, site / "content" / "releases" / SAMPLE.name)
    (site / "content" / "releases" / "evil.txt").write_text(EVIL_RELEASE, encoding="utf-8")
    (site / "content" / "annotated" / "2024").mkdir(parents=True)
    (site / "content" / "annotated" / "2024" / "2024-10-29-evil-front-matter.md").write_text(EVIL_FRONT_MATTER, encoding="utf-8")
    assert main(["build", "--site", str(site)]) == 0
    return site


def html_pages(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if not p.relative_to(output).as_posix().startswith("pagefind/"))


def test_no_markup_gets_through_to_the_pages(evil_site):
    """Without a browser: no page holds the payload as markup (the theme's own scripts aside)."""
    for page in html_pages(evil_site / "output"):
        markup = Markup()
        markup.feed(page.read_text(encoding="utf-8"))
        assert markup.bad == [], page


class Markup(HTMLParser):
    """What a page's markup holds that could run: handlers, script links, frames, payload scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        if tag in ("iframe", "frame", "object", "embed", "svg") and tag != "svg" or tag == "img" and dict(attrs).get("src") == "x":
            self.bad.append(tag)
        for name, value in attrs:
            squeezed = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on") or squeezed.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.bad.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and ("__pwned" in data or "alert(" in data):
            self.bad.append(f"<script>{data[:60]}")


def test_no_script_runs_in_chromium(evil_site):
    require_browser(module=False)
    from playwright.sync_api import sync_playwright

    output = evil_site / "output"
    pages = html_pages(output)
    release = next(p for p in pages if p.parent.name.startswith("2024-10-29-") and "releases" in p.parts
                   and p.parent.name != "2024-10-29-evil-front-matter")
    evil_pages = {release, output / "releases" / "2024-10-29-evil-front-matter" / "index.html",
                  output / "index.html", output / "weeks" / "2024-w44" / "index.html",
                  output / "topics" / "middle-east" / "index.html", output / "topics" / "middle-east" / "2024-w44" / "index.html"}
    assert evil_pages <= set(pages)
    assert any("people" in p.parts and "img-src-x-onerror" in p.parent.name for p in pages)  # the evil person's own page
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(java_script_enabled=True)
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            for path in pages:
                page.goto(path.as_uri(), wait_until="load")
                page.mouse.move(5, 5)  # hover handlers would fire on what is under the pointer
                # the payloads all say __pwned or alert(: any attribute or script holding one came from them
                found = page.evaluate("""() => ({
                    pwned: window.__pwned === 1,
                    handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
                        .filter(a => a.name.startsWith('on') && /__pwned|alert\\(/.test(a.value)).map(a => e.tagName + ' ' + a.name)),
                    js_links: [...document.querySelectorAll('[href],[src],[action],[formaction]')]
                        .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '')
                        .filter(u => /^(javascript|data|vbscript):/i.test(u.replace(/[\\s\\x00-\\x1f]/g, ''))
                                     && /__pwned|alert/.test(u)),
                    evil_scripts: [...document.scripts].filter(s => s.text.includes('__pwned') || s.text.includes('alert(')).length,
                    frames: document.querySelectorAll('iframe, frame, object, embed').length,
                    text: document.body ? document.body.innerText : '',
                    title: document.title,
                })""")
                where = path.relative_to(output).as_posix()
                assert not found["pwned"], where
                assert found["handlers"] == [] and found["js_links"] == [], where
                assert found["evil_scripts"] == 0 and found["frames"] == 0, where
                if path in evil_pages:  # the words are shown, as text
                    assert f"<script>{PWN}</script>" in found["text"] + found["title"], where
                if path.parent.name == "2024-10-29-evil-front-matter":
                    assert found["title"].startswith(f"</title><script>{PWN}</script>")
                    assert f"<img src=x onerror={PWN}>" in found["text"] and "a raw block" in found["text"]
                if path == release:
                    assert f'<a href="javascript:{PWN}">this link</a>' in found["text"]
            context.close()
        finally:
            browser.close()
    assert dialogs == []


# ---------------------------------------------------------------- the dev server

@pytest.mark.parametrize("path", [
    "//etc/passwd", "/..%2f..%2fetc/passwd", "/%2e%2e%2f%2e%2e%2fsecret.txt", "/%5c..%5c..%5csecret.txt",
    "/..\\..\\secret.txt", "/static/%252e%252e/%252e%252e/secret.txt", "/.%2e/secret.txt", "/%c0%ae%c0%ae/secret.txt",
    "/escape/secret.txt", "/escape%2fsecret.txt", "/static/../../secret.txt", "/releases/one/../../../secret.txt",
])
def test_dev_server_serves_nothing_outside_output(running, path):  # noqa: F811 (the fixture)
    status, _, body = running.request(path)
    assert status in (400, 403, 404), path
    assert SECRET.encode() not in body and b"root:" not in body


def test_dev_server_binds_loopback_by_default(output):  # noqa: F811 (the fixture)
    args = make_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"
    server = make_server(output, Preview("/"), args.host, 0, BuildGate())
    try:
        assert server.socket.getsockname()[0] == "127.0.0.1"
    finally:
        server.server_close()
