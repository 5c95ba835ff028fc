"""The CLI as a user runs it: real processes, real exit codes, no tracebacks."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE

HEADER = "10/28/2024 | News release | Distributed by Public on 10/28/2024 14:55"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_new_then_build_then_rebuild(tmp_path):
    site = tmp_path / "mysite"
    result = run("new", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "site.yaml").is_file() and (site / "content" / "releases").is_dir()
    shutil.copy(SAMPLE, site / "content" / "releases")
    result = run("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert "ingest: 1 annotated" in result.stdout and "build: 1 releases" in result.stdout
    assert (site / "output" / "index.html").is_file()
    again = run("build", cwd=site)  # --site defaults to the current directory
    assert again.returncode == 0 and "ingest: 0 annotated, 1 unchanged" in again.stdout


def test_build_output_option(tmp_path):
    run("new", str(tmp_path / "s"))
    result = run("build", "--site", str(tmp_path / "s"), "--output", str(tmp_path / "public"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "public" / "index.html").is_file()


def test_base_url_option_overrides_site_yaml(tmp_path):
    site = tmp_path / "s"
    run("new", str(site))
    shutil.copy(SAMPLE, site / "content" / "releases")
    result = run("build", "--site", str(site), "--base-url", "https://example.org/briefing")
    assert result.returncode == 0, result.stderr
    sitemap = (site / "output" / "sitemap.xml").read_text()
    assert "<loc>https://example.org/briefing/weeks/2024-w44/</loc>" in sitemap and "localhost" not in sitemap
    assert 'href="https://example.org/briefing/' in (site / "output" / "feed.xml").read_text()
    bad = run("build", "--site", str(site), "--base-url", "example.org/x")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--base-url: base_url: 'example.org/x' is not an absolute http(s) URL" in bad.stderr + bad.stdout


def test_content_problem_exits_1_and_still_builds(tmp_path):
    site = tmp_path / "s"
    run("new", str(site))
    shutil.copy(SAMPLE, site / "content" / "releases")
    (site / "content" / "releases" / "broken.txt").write_text("13/45/2024 | News release | Distributed by Public on 13/45/2024 10:00\nText.\n")
    result = run("build", "--site", str(site))
    assert result.returncode == 1
    assert "error: content/releases/broken.txt:1: header: impossible date '13/45/2024' (expected MM/DD/YYYY)" in result.stderr
    assert "Traceback" not in result.stderr
    assert (site / "output" / "index.html").is_file()


def test_config_problem_exits_2(tmp_path):
    site = tmp_path / "s"
    run("new", str(site))
    (site / "site.yaml").write_text("title: X\nthme: dark\n")
    result = run("build", "--site", str(site))
    assert result.returncode == 2
    assert "error: site.yaml:2: thme: unknown key (did you mean 'theme'?)" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_theme_exits_2(tmp_path):
    site = tmp_path / "s"
    run("new", str(site))
    (site / "site.yaml").write_text("title: X\ntheme: nosuch\n")
    result = run("build", "--site", str(site))
    assert result.returncode == 2 and "nosuch" in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert run("frobnicate").returncode == 2
    assert run("build", "--site", str(tmp_path)).returncode == 2  # no site.yaml
    run("new", str(tmp_path / "s"))
    assert run("new", str(tmp_path / "s")).returncode == 2  # refuses to overwrite a site


def test_ingest_reports_kept_hand_edit(tmp_path):
    site = tmp_path / "s"
    run("new", str(site))
    shutil.copy(SAMPLE, site / "content" / "releases")
    run("ingest", "--site", str(site))
    (annotated,) = (site / "content" / "annotated").rglob("*.md")
    shutil.rmtree(site / "content" / ".briefing")  # no base to merge with (a file from an older Briefing): kept whole
    annotated.write_text(annotated.read_text().replace("title: ", "title: Edited ", 1))
    release = site / "content" / "releases" / SAMPLE.name
    release.write_text(release.read_text() + "One more line.\n")
    result = run("ingest", "--site", str(site))
    assert result.returncode == 0
    assert f"kept content/annotated/2024/{annotated.name}: edited by hand" in result.stdout


def test_check_writes_nothing(tmp_path):
    site = tmp_path / "s"
    run("new", str(site))
    shutil.copy(SAMPLE, site / "content" / "releases")
    result = run("check", "--site", str(site))
    assert result.returncode == 0 and "no problems" in result.stdout
    assert not (site / "output").exists() and not (site / "content" / "annotated").exists()


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "briefing"
    if not script.exists():
        pytest.skip("the briefing console script is not installed in this environment (pip install -e .)")
    assert subprocess.run([str(script), "--version"], capture_output=True, text=True).stdout.startswith("briefing ")


def wait_for(url: str, seconds: float = 20) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def interruptible() -> None:
    """In the child: Ctrl-C as a terminal delivers it. A shell that starts the test run in the
    background (`.ci/run &`) makes its commands ignore SIGINT, Python then never raises
    KeyboardInterrupt, and the server would not stop."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_serve_rebuilds_on_change(tmp_path):
    site = tmp_path / "s"
    run("new", str(site))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=interruptible)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        shutil.copy(SAMPLE, site / "content" / "releases")
        deadline = time.monotonic() + 30
        while b"releases/2024-10-28-" not in wait_for(f"http://127.0.0.1:{port}/"):
            assert time.monotonic() < deadline, "the new release never appeared"
            time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/%2e%2e/%2e%2e/site.yaml", timeout=5)
        assert info.value.code == 404
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"briefing serve did not stop on Ctrl-C:\n{out}\n{err}")
        assert proc.returncode == 0 and out.rstrip().endswith("stopped"), out + err


def test_watch_sees_a_release_saved_right_after_it_says_it_is_watching(tmp_path):
    site = tmp_path / "s"
    run("new", str(site))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "watch", "--site", str(site)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("watching for changes"):
                break
        assert lines and lines[-1].startswith("watching for changes"), "".join(lines)
        shutil.copy(SAMPLE, site / "content" / "releases")  # at once: the watches must already be in place
        deadline = time.monotonic() + 30
        while not list((site / "output" / "releases").glob("2024-10-28-*/index.html")):
            assert time.monotonic() < deadline, "the release saved after 'watching for changes' was never built"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "changed: content/releases/2024-10-28-dod-1.txt" in out, out
