"""`briefing serve`: the built site over HTTP at its base path, with live reload while a watcher rebuilds it.

Every HTML page is served with a small script (generator/data/livereload.js) that listens to
server-sent events on <base>__briefing__/events:

    hello     {version, problems}  sent on every (re)connect: the site's state now
    reload    {version, navigate}  a build changed the site; navigate is a page to go to, or null
    css       {version, paths}     a build changed only stylesheets (output-relative paths)
    problems  {version, problems}  a build failed, or reported content problems

A problem is {file, line, field, message}. <base>__briefing__/state answers the hello's data as
JSON. `version` names the last build that changed the output; a page is served with the
version it was built by, so a page that missed an event while loading reloads on connect. A
comment line every KEEPALIVE_SECONDS keeps idle connections open.
"""
from __future__ import annotations

import http.server
import importlib.resources
import json
import mimetypes
import re
import secrets
import string
import threading
import urllib.parse
from html import escape
from pathlib import Path, PurePosixPath
from typing import Iterable, Sequence

from generator.build import BuildReport
from generator.errors import Problem
from generator.records import record

RESERVED = "__briefing__/"  # under the base path: the server's own files and events, never the site's
KEEPALIVE_SECONDS = 15.0
ASSETS = ("livereload.js", "livereload.css")
BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
REFUSED_ESCAPES = re.compile(r"%(2f|5c|00)", re.IGNORECASE)  # encoded /, \ and NUL: never part of a real page path
RELEASE_SOURCES = ("content/releases/", "content/annotated/")
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".json": "application/json"}


class BuildGate:
    """Requests wait while a build runs, so nobody is served a half-built site."""

    def __init__(self) -> None:
        self._idle = threading.Event()
        self._idle.set()

    def __enter__(self) -> None:
        self._idle.clear()

    def __exit__(self, *exc: object) -> None:
        self._idle.set()

    def wait(self, timeout: float = 30.0) -> None:
        self._idle.wait(timeout)


@record
class Event:
    """One server-sent event: its number in the stream, its name and its JSON data."""

    seq: int
    name: str
    data: dict

    def encode(self) -> bytes:
        return f"id: {self.seq}\nevent: {self.name}\ndata: {json.dumps(self.data, sort_keys=True)}\n\n".encode("utf-8")


class Preview:
    """What open pages are told: the site's version and last problems now, and events as builds finish.

    Builds call built() or failed(); every events connection waits on next_events().
    """

    def __init__(self, base_path: str = "/", navigate: bool = False) -> None:
        self.base_path = base_path
        self.navigate = navigate  # take the browser to a release's page when an edit of that release changed it
        self._session = secrets.token_hex(3)  # a restarted server is a new version even with the same build count
        self._builds = 0
        self._problems: tuple[Problem, ...] = ()
        self._events: list[Event] = []
        self._seq = 0
        self._closed = False
        self._cond = threading.Condition()

    @property
    def version(self) -> str:
        with self._cond:
            return f"{self._session}-{self._builds}"

    @property
    def problems(self) -> tuple[Problem, ...]:
        with self._cond:
            return self._problems

    def hello(self) -> Event:
        """The state now, as the first event of a connection (its seq: the last event already covered)."""
        with self._cond:
            return Event(self._seq, "hello", {"version": self.version, "problems": problems_json(self._problems)})

    def failed(self, problems: Sequence[Problem]) -> Event:
        """A build raised: the output is the last good site; show the problems on every page."""
        with self._cond:
            self._problems = tuple(sorted(set(problems)))
            return self._publish("problems", {"version": self.version, "problems": problems_json(self._problems)})

    def built(self, report: BuildReport, changed_sources: Sequence[str] = (), base_path: str | None = None) -> Event | None:
        """A build finished: tell pages to reload, swap stylesheets or show problems (None: nothing to tell).

        A build with content problems still wrote the rest of the site: pages reload to show it,
        and the problems come with the hello of their new connection.
        """
        changed = report.write.changed if report.write is not None else None  # None: unknown, so everything
        with self._cond:
            moved = base_path is not None and base_path != self.base_path
            if base_path is not None:
                self.base_path = base_path
            failing = bool(self._problems)
            if changed is None or changed or moved:
                self._builds += 1
            self._problems = tuple(sorted(set(report.problems)))
            event = None
            if moved:
                event = self._publish("reload", {"version": self.version, "navigate": self.base_path})
            elif changed and not failing and all(path.endswith(".css") for path in changed):
                event = self._publish("css", {"version": self.version, "paths": list(changed)})
            elif changed is None or changed or (failing and not self._problems):
                page = changed_release_page(changed_sources, report) if self.navigate else None
                event = self._publish("reload", {"version": self.version, "navigate": self.base_path + page if page else None})
            if self._problems and (event is None or event.name == "css"):
                event = self._publish("problems", {"version": self.version, "problems": problems_json(self._problems)})
            return event

    def next_events(self, after: int, timeout: float) -> list[Event] | None:
        """Events after seq `after`, waiting up to timeout ([] when none came); None once the server closes."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._seq > after, timeout)
            if self._closed:
                return None
            return [event for event in self._events if event.seq > after]

    def close(self) -> None:
        """End every events connection (the server is stopping)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _publish(self, name: str, data: dict) -> Event:
        self._seq += 1
        event = Event(self._seq, name, data)
        self._events = self._events[-63:] + [event]  # a slow connection catches up from these
        self._cond.notify_all()
        return event


def problems_json(problems: Iterable[Problem]) -> list[dict]:
    return [{"file": p.file, "line": p.line, "field": p.field, "message": p.message} for p in problems]


def changed_release_page(sources: Sequence[str], report: BuildReport) -> str | None:
    """'releases/<slug>/' when the change was an edit of one release and the build changed that release's page."""
    if not sources or not all(path.startswith(RELEASE_SOURCES) for path in sources) or report.write is None:
        return None
    annotated = [path for path in (*sources, *report.ingest.written, *(m.path for m in report.ingest.merged))
                 if path.startswith("content/annotated/") and path.endswith(".md")]
    changed = set(report.write.changed)
    pages = sorted({f"releases/{PurePosixPath(path).stem}/" for path in annotated} & {p.removesuffix("index.html") for p in changed})
    return pages[0] if len(pages) == 1 else None


# ---------------------------------------------------------------- HTTP

def asset(name: str) -> bytes:
    """A file of the server's own, from generator/data/."""
    return importlib.resources.files("generator.data").joinpath(name).read_bytes()


def inject(page: bytes, base_path: str, version: str) -> bytes:
    """The page with the live-reload script before its last </body> (or at its end)."""
    snippet = string.Template(asset("livereload.html").decode("utf-8")).substitute(
        script=escape(base_path + RESERVED + "livereload.js"), base=escape(base_path), version=escape(version)).encode("utf-8")
    ends = list(BODY_END.finditer(page))
    at = ends[-1].start() if ends else len(page)
    return page[:at] + snippet + page[at:]


class Refused(Exception):
    """A request path that must not be mapped to a file (it would leave output/, or is malformed)."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def resolve_request(root: Path, rel: str) -> Path:
    """The file or folder under root that a URL path (relative to the base path, still %-encoded) names.

    Refuses encoded slashes, backslashes and NUL (400), and '..' and '.' segments and anything
    whose real path (symbolic links followed) is outside root (404: the site has no such page).
    """
    if REFUSED_ESCAPES.search(rel):
        raise Refused(400)
    try:
        text = urllib.parse.unquote(rel, errors="strict")
    except UnicodeDecodeError:
        raise Refused(400) from None
    if "\\" in text or "\x00" in text:
        raise Refused(400)
    parts = [part for part in text.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise Refused(404)
    real_root = root.resolve()
    target = real_root.joinpath(*parts)
    try:
        target.resolve().relative_to(real_root)
    except (ValueError, OSError, RuntimeError):  # outside, unreadable, or a symlink loop
        raise Refused(404) from None
    return target


def make_handler(output: Path, preview: Preview, gate: BuildGate) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "briefing-serve"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.respond()

        def do_HEAD(self) -> None:  # noqa: N802
            self.respond()

        def respond(self) -> None:
            split = urllib.parse.urlsplit(self.path)
            path, base = split.path, preview.base_path
            if path == "/" and base != "/" or path + "/" == base:
                return self.redirect(base)
            if not path.startswith(base):
                return self.not_found()
            rel = path[len(base):]
            if rel.startswith(RESERVED):
                return self.reserved(rel[len(RESERVED):])
            gate.wait()
            try:
                target = resolve_request(output, rel)
            except Refused as refused:  # 404 for paths that leave output/: there is no such page in the site
                if refused.status == 404:
                    return self.not_found()
                return self.send_plain(refused.status, "refused: not a path of the site")
            if target.is_dir():
                if not path.endswith("/"):
                    return self.redirect(path + "/" + (f"?{split.query}" if split.query else ""), 301)
                target = target / "index.html"
            version = preview.version  # read first: a page may carry an older version than it is (one reload too many), never a newer one
            try:
                body = target.read_bytes() if target.is_file() else None
            except OSError:
                body = None
            if body is None:
                return self.not_found()
            self.send_body(200, body, target.suffix.lower(), version)

        def reserved(self, name: str) -> None:
            if name == "events":
                return self.events()
            if name == "state":
                return self.send_json(preview.hello().data)
            if name in ASSETS:
                return self.send_body(200, asset(name), Path(name).suffix)
            return self.send_plain(404, "no such file of briefing serve")

        def events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.end_headers()
            self.close_connection = True
            if self.command == "HEAD":
                return
            hello = preview.hello()
            seq = hello.seq
            try:
                self.wfile.write(b"retry: 1000\n\n" + hello.encode())
                while True:
                    events = preview.next_events(seq, KEEPALIVE_SECONDS)
                    if events is None:
                        return
                    if not events:
                        self.wfile.write(b": keep-alive\n\n")
                        continue
                    self.wfile.write(b"".join(event.encode() for event in events))
                    seq = events[-1].seq
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                return  # the page went away

        def not_found(self) -> None:
            page = output / "404.html"
            version = preview.version
            try:
                body = page.read_bytes()
            except OSError:  # no site built yet
                body = asset("serve-404.html")
            self.send_body(404, body, ".html", version)

        def send_body(self, status: int, body: bytes, suffix: str, version: str | None = None) -> None:
            if suffix in (".html", ".htm") and version is not None:
                body = inject(body, preview.base_path, version)
            kind = TYPES.get(suffix) or mimetypes.types_map.get(suffix, "application/octet-stream")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def send_plain(self, status: int, text: str) -> None:
            self.send_body(status, (text + "\n").encode("utf-8"), ".txt")

        def send_json(self, data: dict) -> None:
            self.send_body(200, json.dumps(data, sort_keys=True).encode("utf-8"), ".json")

        def redirect(self, location: str, status: int = 302) -> None:
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:  # quiet: the build log matters more
            pass

    return Handler


def make_server(output: Path, preview: Preview, host: str, port: int, gate: BuildGate) -> http.server.ThreadingHTTPServer:
    """A threaded server (not yet serving) for output/ at preview.base_path."""
    server = http.server.ThreadingHTTPServer((host, port), make_handler(output, preview, gate))
    server.daemon_threads = True
    return server


def stop_server(server: http.server.ThreadingHTTPServer, preview: Preview) -> None:
    """End the events connections, stop accepting, close the socket."""
    preview.close()
    server.shutdown()
    server.server_close()
