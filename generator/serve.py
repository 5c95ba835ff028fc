"""`briefing serve`: the built site over HTTP at its base path, while a watcher rebuilds it."""
from __future__ import annotations

import http.server
import posixpath
import threading
import urllib.parse
from pathlib import Path


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


def make_handler(output: Path, base_path: str, gate: BuildGate) -> type[http.server.SimpleHTTPRequestHandler]:
    root = output.resolve()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            gate.wait()
            path = urllib.parse.urlsplit(self.path).path
            if path == "/" and base_path != "/":
                self.send_response(302)
                self.send_header("Location", base_path)
                self.end_headers()
                return
            if not path.startswith(base_path) and path + "/" != base_path:
                self.send_error(404, "outside the site's base path")
                return
            super().do_GET()

        do_HEAD = do_GET

        def translate_path(self, path: str) -> str:
            """Map a URL under base_path to a file under output/; never outside it."""
            path = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
            path = path[len(base_path) - 1:] if path.startswith(base_path) else path
            parts = [p for p in posixpath.normpath(path).split("/") if p and p not in (".", "..")]
            target = root.joinpath(*parts)
            try:
                target.resolve().relative_to(root)
            except ValueError:
                return str(root / "__outside__")
            return str(target)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            page = root / "404.html"
            if code == 404 and page.is_file():
                body = page.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                return
            super().send_error(code, message, explain)

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:  # quiet: the build log matters more
            pass

    return Handler


def make_server(output: Path, base_path: str, host: str, port: int, gate: BuildGate) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer((host, port), make_handler(output, base_path, gate))
    server.daemon_threads = True
    return server
