"""Annotation: pure functions from a Release (and the taxonomy) to its Annotation.

Placeholder version: replaced module by module (title, summary, issuer, topics, people,
countries, orgs, quotes, figures).
"""
from __future__ import annotations

import re

from generator.records import Annotation, Release, Topic

ANNOTATOR_VERSION = "0"


def annotate(release: Release, taxonomy: tuple[Topic, ...]) -> Annotation:
    """Everything the annotator knows about one release."""
    first = re.split(r"(?<=[.!?])\s", release.paragraphs[0])[0]
    title = release.headline or " ".join(first.split()[:12])
    return Annotation(
        title=title,
        title_source="release" if release.headline else "derived",
        summary=first,
        issuer="",
        topics=(taxonomy[0].slug,) if taxonomy else (),
    )
