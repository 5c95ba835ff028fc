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
