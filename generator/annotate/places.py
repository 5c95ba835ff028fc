"""Places: cities and regions named in a release, with the country they lie in."""
from __future__ import annotations

from generator.records import Place, Release


def places(release: Release) -> tuple[Place, ...]:
    """Cities and regions in order of first mention (first version: none)."""
    return ()
