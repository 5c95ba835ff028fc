"""`briefing serve` without a browser: injection, events, base path, refusals, 404, gating, shutdown."""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator import serve
from generator.build import BuildReport, IngestReport
from generator.cli import make_parser
from generator.errors import Problem
from generator.serve import BuildGate, Preview, changed_release_page, inject, make_server, stop_server
from generator.write import WriteReport
from tests.conftest import ROOT

SECRET = "TOP-SECRET-OUTSIDE-OUTPUT"
PAGE = "<!doctype html>\n<html><head><title>t</title></head>\n<body>\n<p>hello</p>\n</body>\n</html>\n"


@pytest.fixture
def output(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    (out / "releases" / "one").mkdir(parents=True)
    (out / "static").mkdir()
    (out / "index.html").write_text(PAGE.replace("hello", "home"))
    (out / "releases" / "one" / "index.html").write_text(PAGE.replace("hello", "release one"))
    (out / "static" / "style.css").write_text("body { color: black }\n")
    (out / "404.html").write_text(PAGE.replace("hello", "custom not found"))
    (out / "feed.xml").write_text("<?xml version='1.0'?><feed/>\n")
    (tmp_path / "secret.txt").write_text(SECRET)
    (out / "escape").symlink_to(tmp_path)  # a symbolic link out of output/
    return out


class Running:
    """A server in a thread, and a way to talk to it with raw paths (no client-side normalisation)."""

    def __init__(self, output: Path, base_path: str = "/", navigate: bool = False):
        self.preview = Preview(base_path, navigate=navigate)
        self.gate = BuildGate()
        self.server = make_server(output, self.preview, "127.0.0.1", 0, self.gate)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def request(self, path: str, method: str = "GET", timeout: float = 5) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def events(self, timeout: float = 5) -> "EventStream":
        return EventStream(self.port, self.preview.base_path, timeout)

    def stop(self) -> None:
        stop_server(self.server, self.preview)
        self.thread.join(timeout=5)


class EventStream:
    """A raw server-sent events connection, read event by event."""

    def __init__(self, port: int, base_path: str, timeout: float):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.sendall(f"GET {base_path}__briefing__/events HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        self.buffer = b""
        head = self.read_until(b"\r\n\r\n")
        assert b" 200 " in head.split(b"\r\n")[0] and b"text/event-stream" in head

    def read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise EOFError(self.buffer)
            self.buffer += chunk
        block, self.buffer = self.buffer.split(marker, 1)
        return block

    def next(self) -> tuple[str, dict | None]:
        """The next event as (name, data), or (':', None) for a comment; 'retry' lines are skipped."""
        while True:
            block = self.read_until(b"\n\n").decode()
            if block.startswith(":"):
                return ":", None
            fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
            if "event" in fields:
                return fields["event"], json.loads(fields["data"])

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def running(output: Path):
    server = Running(output)
    yield server
    server.stop()


def report(changed=(), problems=(), written=()) -> BuildReport:
    return BuildReport(IngestReport(written=tuple(written)), 1, 10, WriteReport(len(changed), 0, 0, tuple(changed)), tuple(problems))


# ---------------------------------------------------------------- pages

def test_html_gets_the_reload_script_before_body_end(running):
    status, headers, body = running.request("/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    text = body.decode()
    assert re.search(r'<script src="/__briefing__/livereload\.js" data-base="/" data-version="[0-9a-f]+-0"></script>\s*</body>', text)
    assert text.count("livereload.js") == 1 and int(headers["content-length"]) == len(body)
    assert headers["cache-control"] == "no-store"


def test_other_files_are_served_as_they_are(running, output):
    status, headers, body = running.request("/static/style.css")
    assert status == 200 and body == (output / "static" / "style.css").read_bytes()
    assert headers["content-type"].startswith("text/css") and headers["cache-control"] == "no-store"
    status, headers, body = running.request("/feed.xml")
    assert status == 200 and b"livereload" not in body


def test_inject_without_body_end_appends():
    assert inject(b"<b>x", "/", "v-1").startswith(b"<b>x<script src=")
    page = inject(b"a</body>b</BODY>c", "/sub/", "v-1")
    assert page.startswith(b"a</body>b<script") and page.endswith(b"</BODY>c") and b'data-base="/sub/"' in page


def test_reload_script_and_overlay_css_are_served(running):
    status, headers, body = running.request("/__briefing__/livereload.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    # problems (untrusted text) are set as text; the script never assigns HTML from strings
    assert b"EventSource" in body and b"textContent" in body and not re.search(rb"(innerHTML|outerHTML)\s*\+?=", body)
    status, headers, body = running.request("/__briefing__/livereload.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert running.request("/__briefing__/nothing")[0] == 404


def test_head_sends_headers_only(running):
    status, headers, body = running.request("/releases/one/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    status, headers, body = running.request("/missing/", method="HEAD")
    assert status == 404 and body == b""


def test_folder_without_slash_redirects(running):
    status, headers, _ = running.request("/releases/one?x=1")
    assert status == 301 and headers["location"] == "/releases/one/?x=1"


def test_missing_page_is_the_sites_404_with_status_404(running):
    status, headers, body = running.request("/releases/nothing-here/")
    assert status == 404 and b"custom not found" in body and b"livereload.js" in body


def test_missing_page_before_any_build(tmp_path):
    server = Running(tmp_path / "not-built-yet")
    try:
        status, _, body = server.request("/")
        assert status == 404 and b"livereload.js" in body  # so the overlay of a failed first build shows
    finally:
        server.stop()


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/secret.txt", "/static/..%2f..%2fsecret.txt",
    "/static%2f..%2f..%2fsecret.txt", "/..%5csecret.txt", "/static/%2e%2e/%2e%2e/secret.txt",
    "/escape/secret.txt", "/escape/output/../secret.txt", "/%00/secret.txt", "/./secret.txt",
])
def test_paths_outside_output_are_refused(running, path):
    status, _, body = running.request(path)
    assert status in (400, 403, 404), path
    assert SECRET.encode() not in body


# ---------------------------------------------------------------- base path

@pytest.fixture
def under_sub(output):
    server = Running(output, base_path="/sub/")
    yield server
    server.stop()


def test_base_path(under_sub, output):
    status, headers, _ = under_sub.request("/")
    assert status == 302 and headers["location"] == "/sub/"
    status, headers, _ = under_sub.request("/sub")
    assert status == 302 and headers["location"] == "/sub/"
    status, _, body = under_sub.request("/sub/releases/one/")
    assert status == 200 and b"release one" in body and b'src="/sub/__briefing__/livereload.js"' in body
    assert under_sub.request("/releases/one/")[0] == 404  # outside the base path
    assert under_sub.request("/sub/__briefing__/livereload.js")[0] == 200
    assert under_sub.request("/sub/../secret.txt")[0] in (403, 404)


# ---------------------------------------------------------------- gating

def test_requests_wait_while_a_build_runs(running):
    got: list[float] = []
    with running.gate:
        thread = threading.Thread(target=lambda: got.append((running.request("/")[0], time.monotonic())[1]))
        thread.start()
        time.sleep(0.4)
        assert got == []  # still waiting
        released = time.monotonic()
    thread.join(timeout=5)
    assert got and got[0] >= released


def test_events_do_not_wait_for_the_build(running):
    with running.gate:
        stream = running.events(timeout=2)
        assert stream.next()[0] == "hello"
        stream.close()


# ---------------------------------------------------------------- events

def test_stream_says_hello_then_reload_after_a_build(running):
    stream = running.events()
    name, data = stream.next()
    assert name == "hello" and data["problems"] == []
    running.preview.built(report(changed=("index.html", "releases/one/index.html")))
    name, data = stream.next()
    assert name == "reload" and data["navigate"] is None and data["version"] != "" and data["version"].endswith("-1")
    stream.close()


def test_stream_keeps_idle_connections_alive(running, monkeypatch):
    monkeypatch.setattr(serve, "KEEPALIVE_SECONDS", 0.2)
    stream = running.events()
    assert stream.next()[0] == "hello"
    assert stream.next() == (":", None)
    stream.close()


def test_problems_are_sent_and_remembered_for_new_pages(running):
    stream = running.events()
    stream.next()
    problem = Problem("site.yaml", 7, "taxnomy", "unknown key <script>alert(1)</script>")
    running.preview.failed([problem])
    name, data = stream.next()
    assert name == "problems"
    assert data["problems"] == [{"file": "site.yaml", "line": 7, "field": "taxnomy", "message": "unknown key <script>alert(1)</script>"}]
    late = running.events()  # a page opened while the site is broken
    name, data = late.next()
    assert name == "hello" and data["problems"][0]["line"] == 7
    state = json.loads(running.request("/__briefing__/state")[2])
    assert state["problems"][0]["file"] == "site.yaml"
    running.preview.built(report(changed=()))  # fixed, even with nothing changed: the overlay must go
    assert stream.next()[0] == "reload" and late.next()[0] == "reload"
    assert running.events().next()[1]["problems"] == []
    stream.close()
    late.close()


def test_shutdown_ends_open_streams(output):
    server = Running(output)
    stream = server.events()
    stream.next()
    started = time.monotonic()
    server.stop()
    with pytest.raises((EOFError, ConnectionError, OSError)):
        stream.next()
    assert time.monotonic() - started < 3
    stream.close()


# ---------------------------------------------------------------- which event a build makes

def test_css_only_change_swaps_stylesheets():
    preview = Preview()
    event = preview.built(report(changed=("static/style.css",)))
    assert event.name == "css" and event.data["paths"] == ["static/style.css"]
    assert preview.built(report(changed=("static/style.css", "index.html"))).name == "reload"


def test_nothing_changed_tells_nothing():
    assert Preview().built(report(changed=())) is None


def test_content_problems_show_the_overlay():
    problem = Problem("content/releases/bad.txt", 1, "header", "not a release header")
    preview = Preview()
    event = preview.built(report(changed=(), problems=[problem]))
    assert event.name == "problems" and event.data["problems"][0]["file"] == "content/releases/bad.txt"
    # the rest of the site was still written: pages reload, and their new connection shows the problems
    assert preview.built(report(changed=("index.html",), problems=[problem])).name == "reload"
    assert preview.hello().data["problems"][0]["line"] == 1
    css = Preview().built(report(changed=("static/style.css",), problems=[problem]))
    assert css.name == "problems"  # after the css event


def test_recovery_after_a_css_fix_reloads():
    preview = Preview()
    preview.failed([Problem("themes/t/static/style.css", 0, "", "x")])
    assert preview.built(report(changed=("static/style.css",))).name == "reload"


def test_base_path_change_navigates_to_the_new_base():
    preview = Preview("/")
    event = preview.built(report(changed=()), base_path="/briefing/")
    assert event.name == "reload" and event.data["navigate"] == "/briefing/" and preview.base_path == "/briefing/"


def test_navigate_to_the_edited_release_page():
    written = ("content/annotated/2024/2024-10-28-strike.md",)
    changed = ("index.html", "releases/2024-10-28-strike/index.html", "releases/2024-10-27-other/index.html")
    build = report(changed=changed, written=written)
    assert changed_release_page(("content/releases/2024-10-28-dod-1.txt",), build) == "releases/2024-10-28-strike/"
    assert changed_release_page(("content/annotated/2024/2024-10-27-other.md",), report(changed=changed)) == "releases/2024-10-27-other/"
    assert changed_release_page(("site.yaml", "content/releases/a.txt"), build) is None  # not only a release edit
    assert changed_release_page(("content/releases/a.txt",), report(changed=("index.html",), written=written)) is None
    on = Preview("/sub/", navigate=True).built(build, ("content/releases/2024-10-28-dod-1.txt",))
    assert on.name == "reload" and on.data["navigate"] == "/sub/releases/2024-10-28-strike/"
    off = Preview("/sub/").built(build, ("content/releases/2024-10-28-dod-1.txt",))
    assert off.data["navigate"] is None  # --navigate is off by default


def test_navigate_is_an_option_of_serve():
    parser = make_parser()
    assert parser.parse_args(["serve"]).navigate is False
    args = parser.parse_args(["serve", "--navigate", "--port", "0", "--host", "0.0.0.0", "--poll"])
    assert args.navigate and args.port == 0 and args.host == "0.0.0.0" and args.poll


def test_no_markup_in_serve_py():
    text = (ROOT / "generator" / "serve.py").read_text(encoding="utf-8")
    assert "<script" not in text and "<style" not in text  # the snippet and overlay live in generator/data/


# ---------------------------------------------------------------- the real command

def test_serve_command_serves_and_stops_cleanly_on_sigterm(sample_site):
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(sample_site), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        port = None
        deadline = time.monotonic() + 30
        while port is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            match = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
            port = int(match.group(1)) if match else None
            assert line or process.poll() is None, "serve exited early"
        assert port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.status == 200 and b"livereload.js" in response.read()
        stream = EventStream(port, "/", timeout=5)  # an open events connection must not hold up the exit
        assert stream.next()[0] == "hello"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        stream.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
