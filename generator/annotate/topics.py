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

SENTENCE_MIN = 2.0  # keyword weight a sentence needs to support a topic
RELATIVE_MIN = 0.35  # a topic within this share of the best one is kept ...
ABSOLUTE_MIN = 12.0  # ... and so is one that several sentences support, however far behind
MAX_TOPICS = 4
CATCH_ALL = "domestic"
DOMESTIC_SHARE = 0.8  # the catch-all beside other topics: only with this share of the best
HEADLINE_BOOST = 3.0
OPENING_BOOST = 2.0  # the opening sentence states the subject
LEAD_BOOST = 2.0  # the rest of the first paragraph


WORD = re.compile(r"[\w'’]+")
# a run of four or more capitalised names: "France, Germany, Italy, the United Kingdom, and ..." (a list names
# many places in passing; such a sentence supports each of its topics at most as much as one plain mention)
NAME_LIST = re.compile(r"(?:(?:the\s+)?[A-Z][\w’'\-]*(?:\s+(?:of\s+)?[A-Z][\w’'\-]*)*,\s+){3,}")
LIST_CAP = 2.0


class Matcher:
    """Keyword lookup by words and word n-grams (much faster than a regex alternation).

    A term is split into words (hyphens and spaces alike); all-capital terms of up to six letters
    match case-sensitively, others case-insensitively; a trailing * lets the last word be a prefix.
    """

    def __init__(self, taxonomy: tuple[Topic, ...]):
        self.exact: dict[tuple[bool, tuple[str, ...]], list[tuple[str, float]]] = {}
        self.prefix: dict[tuple[bool, tuple[str, ...], str], list[tuple[str, float]]] = {}
        self.prefix_lengths: set[int] = set()
        self.starts: set[tuple[bool, str]] = set()
        self.max_n = 1
        for topic in taxonomy:
            for term, weight in topic.keywords:
                is_prefix = term.endswith("*")
                bare = term.rstrip("*").strip()
                words = tuple(WORD.findall(bare))
                if not words:
                    continue
                sensitive = bare.isupper() and len(bare) <= 6
                if not sensitive:
                    words = tuple(w.lower() for w in words)
                self.max_n = max(self.max_n, len(words))
                if len(words) > 1:
                    self.starts.add((sensitive, words[0]))
                entry = (topic.slug, float(weight))
                if is_prefix:
                    self.prefix.setdefault((sensitive, words[:-1], words[-1]), []).append(entry)
                    self.prefix_lengths.add(len(words[-1]))
                else:
                    self.exact.setdefault((sensitive, words), []).append(entry)
        self.prefix_lengths_sorted = sorted(self.prefix_lengths)
        # lower-cased stems of one-word prefix terms: a cheap first test before building keys
        self.single_prefix = {stem.lower() for (_, head, stem) in self.prefix if not head}

    def hits(self, text: str) -> dict[tuple, int]:
        words = WORD.findall(text)
        found: dict[tuple, int] = {}
        if not words:
            return found
        lower = text.lower()
        lower_words = WORD.findall(lower) if len(lower) == len(text) else [w.lower() for w in words]
        if len(lower_words) != len(words):
            lower_words = [w.lower() for w in words]
        exact, prefix, starts = self.exact, self.prefix, self.starts
        single_prefix = self.single_prefix
        lengths = self.prefix_lengths_sorted
        max_n = self.max_n
        count = len(words)
        for i in range(count):
            lw = lower_words[i]
            w = words[i]
            upper = w.isupper()
            key = (False, (lw,))
            if key in exact:
                found[key] = found.get(key, 0) + 1
            if upper:
                key = (True, (w,))
                if key in exact:
                    found[key] = found.get(key, 0) + 1
            size = len(lw)
            for length in lengths:
                if length > size:
                    break
                if lw[:length] in single_prefix:
                    for sensitive, seq in (((True, w), (False, lw)) if upper else ((False, lw),)):
                        pkey = (sensitive, (), seq[:length])
                        if pkey in prefix:
                            found[pkey] = found.get(pkey, 0) + 1
            if max_n < 2 or ((False, lw) not in starts and not (upper and (True, w) in starts)):
                continue
            for n in range(2, max_n + 1):
                if i + n > count:
                    break
                for sensitive, seq in (((True, words), (False, lower_words)) if upper else ((False, lower_words),)):
                    gram = tuple(seq[i:i + n])
                    key = (sensitive, gram)
                    if key in exact:
                        found[key] = found.get(key, 0) + 1
                    head, last = gram[:-1], gram[-1]
                    for length in lengths:
                        if length > len(last):
                            break
                        pkey = (sensitive, head, last[:length])
                        if pkey in prefix:
                            found[pkey] = found.get(pkey, 0) + 1
        return found

    def entries(self, key: tuple) -> list[tuple[str, float]]:
        return self.exact.get(key) or self.prefix.get(key) or []


@lru_cache(maxsize=32)
def compile_taxonomy(taxonomy: tuple[Topic, ...]) -> Matcher:
    return Matcher(taxonomy)


def topic_scores(release: Release, taxonomy: tuple[Topic, ...]) -> dict[str, float]:
    matcher = compile_taxonomy(taxonomy)
    scores = {topic.slug: 0.0 for topic in taxonomy}
    units: list[tuple[str, float]] = []
    if release.headline:
        units.append((release.headline, HEADLINE_BOOST))
    for index, paragraph in enumerate(release.paragraphs):
        for k, sentence in enumerate(sentences(paragraph)):
            units.append((sentence, (OPENING_BOOST if k == 0 else LEAD_BOOST) if index == 0 else 1.0))
    for text, boost in units:
        hits = matcher.hits(text)
        if not hits:
            continue
        sentence_score: dict[str, float] = {}
        for key, n in hits.items():
            for slug, weight in matcher.entries(key):
                sentence_score[slug] = sentence_score.get(slug, 0.0) + weight * min(n, 2)
        cap = LIST_CAP if text.count(",") >= 3 and NAME_LIST.search(text) else 6.0
        for slug, score in sentence_score.items():
            if score >= SENTENCE_MIN:
                scores[slug] += boost * min(score, cap)
    return scores


def topics(release: Release, taxonomy: tuple[Topic, ...]) -> tuple[str, ...]:
    scores = topic_scores(release, taxonomy)
    ranked = sorted((s for s in scores if scores[s] > 0), key=lambda s: -scores[s])
    if not ranked:
        return (CATCH_ALL,) if CATCH_ALL in scores else ()
    best = scores[ranked[0]]
    chosen = [s for s in ranked if scores[s] >= RELATIVE_MIN * best or scores[s] >= ABSOLUTE_MIN]
    if ranked[0] == CATCH_ALL:
        # the catch-all leads: other topics stay only where they hold a real share of the text
        chosen = [CATCH_ALL] + [s for s in chosen[1:] if scores[s] >= DOMESTIC_SHARE * best]
    else:
        # beside other topics the catch-all needs a real share of the text of its own
        chosen = [s for s in chosen if s != CATCH_ALL or scores[s] >= DOMESTIC_SHARE * best]
    return tuple(chosen[:MAX_TOPICS])
