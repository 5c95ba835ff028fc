#!/usr/bin/env python3
"""Annotate every release of corpus/real on one core and print releases per second.

usage: python3 bench/annotate_speed.py [CORPUS_DIR] [--repeat N]
Releases are parsed first (not timed); only annotate() is timed.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.annotate import annotate  # noqa: E402
from generator.config import default_taxonomy  # noqa: E402
from generator.ingest.wire import load_release  # noqa: E402


def main(argv: list[str]) -> int:
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 1
    args = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--repeat")]
    corpus = Path(args[0]) if args else Path("/work/shared/corpus/real")
    releases = [load_release(p, p.name, ZoneInfo("UTC")) for p in sorted(corpus.glob("*.txt"))]
    taxonomy = default_taxonomy()
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        for release in releases:
            annotate(release, taxonomy)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    rate = len(releases) / best if best else float("inf")
    print(f"annotated {len(releases)} releases in {best:.2f} s: {rate:.0f} releases/second")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
