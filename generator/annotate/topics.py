"""Topics: taxonomy keywords scored sentence by sentence.

A sentence supports a topic when its matched keyword weights reach SENTENCE_MIN (a passing mention
does not); a topic's score adds up its supporting sentences, with the headline and the opening
paragraph counted more. Topics within RELATIVE_MIN of the best are kept, most central first, at
most MAX_TOPICS. The last topic of the taxonomy whose slug is "domestic" (the catch-all) is kept
only when no other topic qualifies.
"""
from __future__ import annotations

import re
from functools import lru_cache

from generator.annotate.text import sentences
from generator.records import Release, Topic

SENTENCE_MIN = 2.0
RELATIVE_MIN = 0.35
MAX_TOPICS = 4
CATCH_ALL = "domestic"
DOMESTIC_SHARE = 0.6


def _term_pattern(term: str) -> str:
    prefix = term.endswith("*")
    body = term.rstrip("*").strip()
    words = [re.escape(w) for w in body.split()]
    core = r"[\s\-]+".join(words)
    return r"(?<![\w\-])" + core + (r"[\w'’\-]*" if prefix else r"(?![\w])")


@lru_cache(maxsize=32)
def compile_taxonomy(taxonomy: tuple[Topic, ...]) -> tuple[tuple[str, tuple[tuple[re.Pattern[str], float], ...]], ...]:
    compiled = []
    for topic in taxonomy:
        rules = []
        for term, weight in topic.keywords:
            if not term.strip():
                continue
            bare = term.rstrip("*")
            flags = 0 if (bare.isupper() and len(bare) <= 6) else re.IGNORECASE
            rules.append((re.compile(_term_pattern(term), flags), float(weight)))
        compiled.append((topic.slug, tuple(rules)))
    return tuple(compiled)


def topic_scores(release: Release, taxonomy: tuple[Topic, ...]) -> dict[str, float]:
    compiled = compile_taxonomy(taxonomy)
    scores = {slug: 0.0 for slug, _ in compiled}
    units: list[tuple[str, float]] = []
    if release.headline:
        units.append((release.headline, 3.0))
    for index, paragraph in enumerate(release.paragraphs):
        boost = 2.0 if index == 0 else 1.0
        for sentence in sentences(paragraph):
            units.append((sentence, boost))
    for text, boost in units:
        for slug, rules in compiled:
            score = 0.0
            for pattern, weight in rules:
                hits = len(pattern.findall(text))
                if hits:
                    score += weight * min(hits, 2)
            if score >= SENTENCE_MIN:
                scores[slug] += boost * min(score, 6.0)
    return scores


def topics(release: Release, taxonomy: tuple[Topic, ...]) -> tuple[str, ...]:
    scores = topic_scores(release, taxonomy)
    ranked = sorted((s for s in scores if scores[s] > 0), key=lambda s: -scores[s])
    if not ranked:
        return (CATCH_ALL,) if CATCH_ALL in scores else ()
    best = scores[ranked[0]]
    chosen = [s for s in ranked if scores[s] >= RELATIVE_MIN * best]
    if ranked[0] == CATCH_ALL:
        # the catch-all leads: other topics stay only where they hold a real share of the text
        chosen = [CATCH_ALL] + [s for s in chosen[1:] if scores[s] >= DOMESTIC_SHARE * best]
    else:
        chosen = [s for s in chosen if s != CATCH_ALL]
    return tuple(chosen[:MAX_TOPICS])
