"""Annotation: pure functions from a Release (and the taxonomy) to its Annotation.

One module per kind of annotation (title, summary, issuer, topics, people, countries, orgs,
quotes, figures, places, dates), each a pure function of the release; packaged word lists are loaded once, when
the first release is annotated (a build with nothing to annotate does not load them). No file access at call time, no clock.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.records import Annotation, Release, Topic

ANNOTATOR_VERSION = "11"

__all__ = ["annotate", "ANNOTATOR_VERSION"]


def annotate(release: "Release", taxonomy: "tuple[Topic, ...]") -> "Annotation":
    """Everything the annotator knows about one release."""
    from generator.annotate.pipeline import annotate as annotate_release

    return annotate_release(release, taxonomy)
