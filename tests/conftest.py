"""Shared fixtures. Golden files are refreshed with: python -m pytest --update-golden"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SAMPLE = ROOT / "content" / "releases" / "2024-10-28-dod-1.txt"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden files from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "real").is_dir():
        pytest.skip(f"the shared corpus is absent ({CORPUS}); these tests need ../shared/corpus beside the checkout")
    return CORPUS


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    """An empty site made by `briefing new`."""
    from generator.scaffold import new_site as make

    site = tmp_path / "site"
    make(site)
    return site


@pytest.fixture
def sample_site(new_site: Path) -> Path:
    """A new site holding the sample release."""
    shutil.copy(SAMPLE, new_site / "content" / "releases" / SAMPLE.name)
    return new_site


# Builds in the tests index their search with this stand-in for Pagefind: fast, and the same
# bytes every time (Pagefind writes its filter files in an order that varies from run to run).
# Tests of search itself ask for the real binary with the `real_pagefind` fixture.
PAGEFIND_STAND_IN = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "pagefind 0.0.0-stand-in"; exit 0; fi
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--output-path" ]; then out="$2"; fi
  shift
done
mkdir -p "$out" && printf '{"version":"0.0.0-stand-in","note":"written by the stand-in for Pagefind in tests/conftest.py"}\\n' > "$out/pagefind-entry.json"
"""


@pytest.fixture(scope="session")
def pagefind_stand_in_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pagefind") / "pagefind-stand-in"
    path.write_text(PAGEFIND_STAND_IN, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture(autouse=True)
def pagefind_stand_in(pagefind_stand_in_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(pagefind_stand_in_path))


@pytest.fixture
def real_pagefind(monkeypatch: pytest.MonkeyPatch):
    """The Pagefind binary installed with Briefing (pagefind[bin]); the test is skipped, saying why, without it."""
    from generator.search import SearchOff, find_pagefind

    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    try:
        return find_pagefind()
    except SearchOff as off:
        pytest.skip(f"the Pagefind binary is needed: {off.reason}")
