#!/usr/bin/env python3
"""Live-preview latency: from saving a release to the browser showing the change.

usage: python bench/latency.py [--n 400] [--edits 7] [--seed 0] [--timeout 60] [--pause 1.0]
                               [--reload-every MS] [--keep] [--verbose]

1. `briefing new` makes a site in a temporary folder; bench/synth.py fills content/releases/
   with N synthetic releases; one `briefing build` runs (timed, printed on its own line).
2. `briefing serve --site SITE --port <free>` starts as a subprocess; once it answers, headless
   Chromium (Playwright, sync API, /usr/bin/chromium) opens the page of one release: the
   annotated file whose `source_file:` names it gives the page, releases/<stem>/ under the
   site's base path.
3. K times: the release's raw file gets a sentence with a unique token (each edit replaces the
   previous one) at the end of its last paragraph. t0 = time.perf_counter() is taken right
   AFTER write_bytes() returns (the file is written and closed); the sample ends when
   page.wait_for_function(... polling="raf") sees the token in the DOM, that is after the
   server rebuilt the site and its live-reload script reloaded the page. The samples include
   the watcher's quiet period, the rebuild, the reload and one Playwright round trip (~1 ms).

Prints each sample (with the build time the server logged for it), then
`latency N=400 edits=7 median=… ms min=… max=… nproc=…`. Exit status 0 when every edit
showed up, 1 when the page never showed one within --timeout seconds (the message says whether
the server had rebuilt the page, i.e. whether the live reload or the rebuild is missing),
2 when the set-up failed.

--reload-every MS: without relying on the live-reload script, reload the page from Python
every MS milliseconds until the token shows (measures rebuild-and-serve latency, coarse by MS).
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BUILD_LINE = re.compile(r"^build: .* in ([0-9.]+) s\s*$")
HAS_TOKEN = "t => document.body !== null && document.body.textContent.includes(t)"


class SetupError(Exception):
    pass


def briefing(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or ROOT,
                          capture_output=True, text=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_of(site: Path, source_file: str, base_path: str) -> tuple[Path, str]:
    """The annotated file made from source_file, and the path of its page on the server."""
    for path in sorted((site / "content" / "annotated").rglob("*.md")):
        with path.open(encoding="utf-8") as f:
            for _ in range(60):
                text = f.readline()
                if not text or (text.startswith("---") and f.tell() > 5):
                    break  # end of the file or of its front matter
                if text.startswith("source_file:") and text.split(":", 1)[1].strip().strip("'\"") == source_file:
                    return path, f"{base_path}releases/{path.stem}/"
    raise SetupError(f"no annotated file in {site}/content/annotated names source_file {source_file}")


class Server:
    """`briefing serve` as a subprocess; its output is read by a thread, each line with its time."""

    def __init__(self, site: Path, port: int, verbose: bool):
        self.verbose = verbose
        self.lines: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            now = time.perf_counter()
            with self.lock:
                self.lines.append((now, line.rstrip("\n")))
            if self.verbose:
                print(f"    [serve] {line.rstrip()}", flush=True)

    def since(self, t: float) -> list[str]:
        with self.lock:
            return [line for when, line in self.lines if when >= t]

    def tail(self, n: int = 15) -> str:
        with self.lock:
            return "\n".join("    " + line for _, line in self.lines[-n:])

    def wait_until_serving(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                time.sleep(0.2)
                raise SetupError(f"`briefing serve` exited with status {self.proc.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise SetupError(f"`briefing serve` did not serve {url} within {timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=2)


def with_token(original: str, token: str) -> str:
    """The release with a sentence holding token at the end of its last paragraph (before ###)."""
    lines = original.split("\n")
    end = len(lines)
    for i, line in enumerate(lines):
        if re.match(r"^\s*(#\s*){3,}\s*$", line):
            end = i  # the reader drops ### and what follows
    last = max(i for i in range(1, end) if lines[i].strip())
    lines[last] = lines[last].rstrip() + f" The revision marker {token} was added."
    return "\n".join(lines)


def served_has(url: str, token: str) -> bool | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return token in response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for_token(page, token: str, timeout: float, reload_every: float | None) -> bool:
    """True once the page's DOM holds token; survives the reloads the live-reload script makes."""
    from playwright.sync_api import Error as PlaywrightError, TimeoutError as PlaywrightTimeout

    deadline = time.perf_counter() + timeout
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            return False
        try:
            if reload_every:
                page.reload(wait_until="domcontentloaded", timeout=max(1.0, left) * 1000)
                if page.evaluate(HAS_TOKEN, token):
                    return True
                time.sleep(reload_every)
                continue
            page.wait_for_function(HAS_TOKEN, arg=token, polling="raf", timeout=left * 1000)
            return True
        except PlaywrightTimeout:
            return False
        except PlaywrightError:  # the page navigated away while polling: poll the new one
            time.sleep(0.005)


def run(args: argparse.Namespace) -> int:
    from generator.config import load_config

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("error: Playwright is missing: .venv/bin/pip install playwright (the browser is /usr/bin/chromium)",
              file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} is missing: apt-get update && apt-get install -y chromium", file=sys.stderr)
        return 2

    nproc = os.cpu_count() or 0
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    tmp = Path(tempfile.mkdtemp(prefix="briefing-latency-"))
    site = tmp / "site"
    server: Server | None = None
    try:
        made = briefing("new", str(site))
        if made.returncode != 0:
            raise SetupError(f"`briefing new` failed ({made.returncode}):\n{made.stdout}{made.stderr}")
        started = time.perf_counter()
        paths = synth.generate(args.n, site / "content" / "releases", seed=args.seed)
        print(f"site {site}: {args.n} synthetic releases (seed {args.seed}) in {time.perf_counter() - started:.1f} s",
              flush=True)
        started = time.perf_counter()
        built = briefing("build", "--site", str(site))
        build_s = time.perf_counter() - started
        if built.returncode not in (0, 1):
            raise SetupError(f"`briefing build` failed ({built.returncode}):\n{built.stdout}{built.stderr}")
        if built.returncode == 1:
            print(f"warning: `briefing build` reported content problems:\n{built.stderr.strip()}", file=sys.stderr)
        print(f"full build (briefing build, not part of the samples): {build_s:.2f} s", flush=True)

        target = paths[len(paths) // 2]
        base_path = load_config(site).base_path
        annotated, page_path = page_of(site, target.name, base_path)
        port = free_port()
        url = f"http://127.0.0.1:{port}{page_path}"
        print(f"release {target.name} -> {annotated.relative_to(site)} -> {url}", flush=True)

        started = time.perf_counter()
        server = Server(site, port, args.verbose)
        server.wait_until_serving(url, timeout=120 + args.n * 0.05)
        print(f"serve answered after {time.perf_counter() - started:.2f} s", flush=True)

        original = target.read_text(encoding="utf-8")
        samples: list[float] = []
        failure = ""
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page()
                page.goto(url, wait_until="load")
                if not page.evaluate("() => document.body.textContent.length > 0"):
                    raise SetupError(f"{url} is empty")
                time.sleep(args.pause)  # let the watcher and the live-reload connection settle
                run_id = secrets.token_hex(3)
                for k in range(args.edits):
                    token = f"zq{run_id}e{k}x"
                    data = with_token(original, token).encode("utf-8")
                    target.write_bytes(data)
                    t0 = time.perf_counter()  # right after the write returned
                    ok = wait_for_token(page, token, args.timeout, args.reload_every / 1000 if args.reload_every else None)
                    t1 = time.perf_counter()
                    builds = [float(m[1]) for line in server.since(t0) if (m := BUILD_LINE.match(line))]
                    build_note = f"(server build {builds[0] * 1000:.0f} ms)" if builds else "(no build logged)"
                    if not ok:
                        has = served_has(url, token)
                        log = server.since(t0)
                        errors = [line for line in log if line.startswith("error:")]
                        if any("build failed" in line for line in log):
                            why = ("the server's build failed"
                                   + (f" ({errors[0][len('error:'):].strip()})" if errors else ""))
                        elif has:
                            why = ("the server rebuilt the page (the served HTML has the token) but the browser was "
                                   "not reloaded: is the live-reload script in place? (--reload-every MS measures "
                                   "without it)")
                        elif has is None:
                            why = "the server does not answer any more"
                        else:
                            why = "the server did not rebuild the page (the served HTML lacks the token)"
                        failure = f"edit {k + 1}: the page did not update within {args.timeout:.0f} s: {why}"
                        print(f"  edit {k + 1}: TIMEOUT {build_note}", flush=True)
                        break
                    samples.append((t1 - t0) * 1000)
                    print(f"  edit {k + 1}: {samples[-1]:.0f} ms {build_note}", flush=True)
                    time.sleep(args.pause)
            finally:
                browser.close()
        target.write_text(original, encoding="utf-8")

        load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
        print(f"machine: nproc={nproc}, load average {load}, python {sys.version.split()[0]}, chromium {CHROMIUM}",
              flush=True)
        if samples:
            print(f"latency N={args.n} edits={len(samples)} median={statistics.median(samples):.0f} ms "
                  f"min={min(samples):.0f} ms max={max(samples):.0f} ms nproc={nproc}"
                  f"{' reload-every=' + str(args.reload_every) + ' ms' if args.reload_every else ''}", flush=True)
        if failure:
            print(f"error: {failure}", file=sys.stderr)
            if not args.verbose:
                print(f"last lines of `briefing serve`:\n{server.tail()}", file=sys.stderr)
            return 1
        return 0
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if server:
            server.stop()
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time from saving a release to the browser showing it under `briefing serve`.")
    parser.add_argument("--n", type=int, default=400, help="synthetic releases in the site (default 400)")
    parser.add_argument("--edits", type=int, default=7, help="edits, one sample each (default 7)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic releases (default 0)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one edit to show (default 60)")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between edits (default 1.0)")
    parser.add_argument("--reload-every", type=float, default=0, metavar="MS",
                        help="reload the page from the benchmark every MS ms instead of relying on live reload")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site")
    parser.add_argument("--verbose", action="store_true", help="echo the server's output")
    args = parser.parse_args(argv)
    if args.n < 1 or args.edits < 1:
        parser.error("--n and --edits must be at least 1")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
