"""An interrupted build: SIGKILL in the middle of writing leaves the previous site complete, and the
next build is correct (the same bytes as a build from nothing)."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.synth import generate
from generator.scaffold import new_site
from tests.conftest import ROOT, SAMPLE

RELEASES = 100  # hundreds of pages, so writing them takes a while


def tree(folder: Path) -> dict[str, str]:
    """Every file below folder and the digest of its bytes (the search index aside: its bytes are Pagefind's)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")}


def briefing(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def finished(*args: str) -> str:
    process = briefing(*args)
    out, _ = process.communicate(timeout=120)
    assert process.returncode in (0, 1) and "Traceback" not in out, out  # 1: synthetic releases dated in the future warn, never fail
    return out


def test_a_killed_build_leaves_the_previous_site_and_the_next_build_is_right(tmp_path):
    site = tmp_path / "site"
    new_site(site)
    shutil.copy(SAMPLE, site / "content" / "releases" / SAMPLE.name)
    finished("build", "--site", str(site))
    output = site / "output"
    previous = tree(output)
    assert "index.html" in previous

    generate(RELEASES, site / "content" / "releases")  # a bigger site, annotated first so that the build
    finished("ingest", "--site", str(site))  # to kill spends its time rendering and writing
    process = briefing("build", "--site", str(site))
    deadline = time.monotonic() + 60
    staging = None
    while staging is None and process.poll() is None and time.monotonic() < deadline:
        staging = next(iter(site.glob(".output.staging-*")), None)
        if staging is None:
            time.sleep(0.001)
    assert staging is not None, "the build ended before it was seen writing:\n" + (process.communicate()[0] or "")
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert tree(output) == previous, "output/ is not the previous complete site"
    assert not [p.name for p in output.iterdir() if p.name.startswith(".")]  # no staging folder inside the site either

    finished("build", "--site", str(site))  # the next build: complete, and it clears what the killed one left
    assert not list(site.glob(".output.staging-*")) and not list(site.glob(".output.old-*"))
    clean = tmp_path / "clean"  # the same site, built from nothing (its annotated files copied, so not annotated again)
    clean.mkdir()
    shutil.copy(site / "site.yaml", clean / "site.yaml")
    shutil.copytree(site / "content", clean / "content")
    finished("build", "--site", str(clean))
    after, expected = tree(output), tree(clean / "output")
    assert len(after) > 10 * len(previous) and after == expected
