"""Shared text helpers: quote/dash normalisation, sentence splitting, capitalised spans."""
from __future__ import annotations

import re
from functools import lru_cache

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset("""
mr mrs ms dr st sr jr gen lt col maj capt sgt adm cmdr rep sen gov amb hon rev prof pres sec dept
no nos vol art sec jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u d.c p.m a.m
inc co corp ltd llc vs etc approx fig dist ct mt ft gov't e.g i.e
""".split())

SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
WORD_BEFORE = re.compile(r"([A-Za-z.'’]+)$")
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan\\.|Feb\\.|Mar\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\.")


@lru_cache(maxsize=4096)
def sentence_spans(paragraph: str) -> tuple[tuple[int, int], ...]:
    """(start, end) offsets of the sentences of a paragraph."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END.finditer(paragraph):
        head = paragraph[start:match.start()]
        word = WORD_BEFORE.search(head)
        if word:
            token = word.group(1).lower().rstrip(".")
            if token in ABBREVIATIONS or len(token) == 1 and token.isalpha():
                continue  # "Mr. Smith", "Lloyd J. Austin", "U.S. forces"
        end = match.end()
        spans.append((start, end))
        start = end
        while start < len(paragraph) and paragraph[start].isspace():
            start += 1
    if start < len(paragraph):
        spans.append((start, len(paragraph)))
    return tuple(spans)


def sentences(paragraph: str) -> list[str]:
    return [paragraph[a:b].strip() for a, b in sentence_spans(paragraph)]


def sentence_at(paragraph: str, offset: int) -> tuple[int, int]:
    for a, b in sentence_spans(paragraph):
        if a <= offset < b:
            return a, b
    return 0, len(paragraph)


_ABBR_DOT = re.compile(r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Adm|Capt|Maj|Sgt|St|Jr|Sr|Rev|Prof|Amb|Hon|Cmdr|"
                       r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|Inc|Co|Corp|Ltd|No|U\.S|U\.N|U\.K|D\.C)\.(?=\s*\S)")


def mask_abbreviations(text: str) -> str:
    """The same text with the full stops of initials and abbreviations replaced by '·' (same length)."""
    return _ABBR_DOT.sub(lambda m: m.group(0)[:-1] + "·", text)
