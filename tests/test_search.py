"""Search with no server: Pagefind's index of the release pages, and the site without it.

The "search off" tests and the incremental ones use stand-ins for the Pagefind binary (small
shell scripts named by PAGEFIND_BINARY_PATH), so they run everywhere; the tests using the
`real_pagefind` fixture run the real one and are skipped, saying why, when it is not installed.
"""
from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from generator.build import Builder, build
from generator.cli import main
from generator.config import load_config, parse_config
from generator.errors import ConfigError

SMALL_SITE = Path(__file__).resolve().parent / "fixtures" / "small-site"
RELEASES = 5  # in the small site

FAKE = """#!/bin/sh
# A stand-in for Pagefind: says its version, or writes a minimal index and counts its runs.
if [ "$1" = "--version" ]; then echo "pagefind 0.0.0-stand-in"; exit 0; fi
{fail}
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--output-path" ]; then out="$2"; fi
  shift
done
mkdir -p "$out" && echo '{{"version":"0.0.0-stand-in"}}' > "$out/pagefind-entry.json" && echo run >> "{log}"
"""


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SMALL_SITE, site)
    return site


def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: str = "") -> Path:
    """A fake Pagefind binary, used through PAGEFIND_BINARY_PATH; returns the log of its index runs."""
    log = tmp_path / "pagefind-runs.log"
    script = tmp_path / "pagefind-stand-in"
    script.write_text(FAKE.format(fail=fail, log=log), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(script))
    return log


def runs(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def assert_no_search_ui(output: Path) -> None:
    assert not (output / "pagefind").exists()
    assert not (output / "search").exists()
    for page in ("index.html", "weeks/index.html", "404.html"):
        html = (output / page).read_text(encoding="utf-8")
        assert 'role="search"' not in html and "pagefind" not in html, page


# ---------------------------------------------------------------- search off

def test_missing_pagefind_builds_the_site_without_search(small_site, monkeypatch, capsys):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(small_site / "no-such-pagefind"))
    code = main(["build", "--site", str(small_site)])
    out = capsys.readouterr().out
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("search:")]
    assert lines == [f"search: off (no Pagefind at {small_site / 'no-such-pagefind'} (from PAGEFIND_BINARY_PATH))"]
    output = small_site / "output"
    assert len(list((output / "releases").glob("*/index.html"))) == RELEASES
    assert_no_search_ui(output)


def test_pagefind_that_does_not_run_turns_search_off(small_site, tmp_path, monkeypatch):
    script = tmp_path / "pagefind-for-another-machine"
    script.write_text("#!/bin/sh\necho 'cannot execute binary file' >&2\nexit 126\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(script))
    report = build(load_config(small_site), small_site / "output")
    assert report.search.startswith("search: off (Pagefind at ") and report.search.endswith("cannot execute binary file)")
    assert_no_search_ui(small_site / "output")


def test_pagefind_failing_on_the_site_leaves_a_site_without_search(small_site, tmp_path, monkeypatch):
    log = stand_in(tmp_path, monkeypatch, fail='echo "Error: out of disk space" >&2; exit 3')
    output = small_site / "output"
    report = build(load_config(small_site), output)
    assert report.search == "search: off (Pagefind failed: Error: out of disk space)"
    assert runs(log) == 0 and report.problems == ()
    assert_no_search_ui(output)
    assert not [p for p in small_site.iterdir() if p.name.startswith(".output.")]  # no staging folder left


def test_site_yaml_turns_search_off(small_site, tmp_path, monkeypatch):
    log = stand_in(tmp_path, monkeypatch)
    config = small_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "search: false\n", encoding="utf-8")
    report = build(load_config(small_site), small_site / "output")
    assert report.search == "search: off (search: false in site.yaml)"
    assert runs(log) == 0
    assert_no_search_ui(small_site / "output")


def test_search_key_takes_true_or_false(tmp_path):
    assert parse_config("search: false\n", tmp_path).search is False
    assert parse_config("", tmp_path).search is True
    with pytest.raises(ConfigError) as caught:
        parse_config("search: sometimes\n", tmp_path)
    assert "search: expected true or false, got 'sometimes'" in str(caught.value.problems[0])


# ---------------------------------------------------------------- when the index is made

def test_index_is_made_in_staging_and_only_when_a_release_page_changed(small_site, tmp_path, monkeypatch):
    log = stand_in(tmp_path, monkeypatch)
    output = small_site / "output"
    first = build(load_config(small_site), output)
    assert first.search.startswith(f"search: indexed {RELEASES} releases in ") and runs(log) == 1
    assert (output / "pagefind" / "pagefind-entry.json").is_file()
    html = (output / "index.html").read_text(encoding="utf-8")
    assert '<form class="site-search" action="search/" method="get" role="search">' in html
    search_page = (output / "search" / "index.html").read_text(encoding="utf-8")
    assert '<script src="../pagefind/pagefind-ui.js"></script>' in search_page
    assert "Search needs JavaScript" in search_page

    again = build(load_config(small_site), output)  # nothing changed: the index stands
    assert again.search == "" and runs(log) == 1 and (output / "pagefind" / "pagefind-entry.json").is_file()

    (small_site / "site.yaml").write_text((small_site / "site.yaml").read_text(encoding="utf-8")
                                          .replace("description: Golden test site", "description: Another line"))
    build(load_config(small_site), output)  # every page changed, release pages too
    assert runs(log) == 2

    release = small_site / "content" / "releases" / "2024-10-28-dod-1.txt"
    release.write_text(release.read_text(encoding="utf-8") + "The ministers also discussed logistics.\n", encoding="utf-8")
    edited = build(load_config(small_site), output)
    assert edited.search.startswith("search: indexed") and runs(log) == 3

    (output / "pagefind").rename(small_site / "old-index")  # an index gone missing is made again
    build(load_config(small_site), output)
    assert runs(log) == 4 and (output / "pagefind" / "pagefind-entry.json").is_file()


def test_dev_server_keeps_the_last_full_builds_index(small_site, tmp_path, monkeypatch):
    log = stand_in(tmp_path, monkeypatch)
    output = small_site / "output"
    builder = Builder(output, in_place=True)
    assert builder.build(load_config(small_site)).search.startswith("search: indexed") and runs(log) == 1
    release = small_site / "content" / "releases" / "2024-10-28-dod-1.txt"
    release.write_text(release.read_text(encoding="utf-8") + "The ministers also discussed logistics.\n", encoding="utf-8")
    report = builder.build(load_config(small_site), ["content/releases/2024-10-28-dod-1.txt"])
    assert report.search == "search: index from the last full build (briefing build brings it up to date)"
    assert runs(log) == 1 and (output / "pagefind" / "pagefind-entry.json").is_file()
    builder.save(load_config(small_site))
    assert build(load_config(small_site), output).search.startswith("search: indexed") and runs(log) == 2


def test_dev_server_makes_an_index_when_there_is_none(small_site, tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "absent"))
    output = small_site / "output"
    build(load_config(small_site), output)  # a site without search
    log = stand_in(tmp_path, monkeypatch)
    report = Builder(output, in_place=True).build(load_config(small_site))
    assert report.search.startswith("search: indexed") and runs(log) == 1
    assert (output / "pagefind" / "pagefind-entry.json").is_file() and (output / "search" / "index.html").is_file()
    assert not [p for p in output.iterdir() if p.name.startswith(".pagefind.")]


# ---------------------------------------------------------------- the real Pagefind

def test_pagefind_indexes_the_release_pages_only(small_site, real_pagefind):
    output = small_site / "output"
    report = build(load_config(small_site), output)
    assert report.search.startswith(f"search: indexed {RELEASES} releases")
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == RELEASES
    for asset in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js"):
        assert (output / "pagefind" / asset).is_file()


def test_pagefind_index_is_the_same_across_builds_but_for_the_order_of_filter_values(small_site, tmp_path, real_pagefind):
    """Pagefind writes the fragments, word index, WebAssembly and UI files byte for byte the same
    from the same pages, but each filter's values in hash-map order, which varies from run to run:
    so the filter files, their hashed names in pagefind.*.pf_meta and pagefind-entry.json may differ."""
    build(load_config(small_site), small_site / "output")
    other = tmp_path / "other"
    shutil.copytree(SMALL_SITE, other)
    build(load_config(other), other / "output", use_cache=False)

    def stable(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
                and p.parent.name != "filter" and p.suffix != ".pf_meta" and p.name != "pagefind-entry.json"}

    first, second = stable(small_site / "output" / "pagefind"), stable(other / "output" / "pagefind")
    assert any(path.startswith("fragment/") for path in first) and first == second
    assert len(list((small_site / "output" / "pagefind" / "filter").iterdir())) == 4  # topic, week, person, country
