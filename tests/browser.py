"""What the browser tests share: the system's Chromium (never `playwright install`) and how a
test that needs it skips without it, or fails when BRIEFING_REQUIRE_BROWSER=1 (as in CI)."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_browser(module: bool = True) -> None:
    """Skip the test module (or, with module=False, the calling test) when Chromium or
    Playwright is missing; fail instead when BRIEFING_REQUIRE_BROWSER=1."""
    missing = [what for what, absent in (
        (f"Chromium at {CHROMIUM}", not CHROMIUM.exists()),
        ("the playwright package (pip install -e '.[test]')", importlib.util.find_spec("playwright") is None),
    ) if absent]
    if not missing:
        return
    reason = ("browser tests need " if module else "the browser test needs ") + " and ".join(missing)
    if os.environ.get("BRIEFING_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + f" (BRIEFING_REQUIRE_BROWSER=1 forbids skipping {'them' if module else 'it'})", pytrace=False)
    pytest.skip(reason, allow_module_level=module)
