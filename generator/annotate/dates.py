"""Dates mentioned in a release, resolved against the release date."""
from __future__ import annotations

from generator.records import DateMention, Release


def dates(release: Release) -> tuple[DateMention, ...]:
    """Dates in text order (first version: none)."""
    return ()
