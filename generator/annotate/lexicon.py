"""Word lists loaded once from lexicon.yaml (packaged data)."""
from __future__ import annotations

from importlib import resources

import yaml

from generator.yamlio import FAST_LOADER

_DATA = yaml.load(resources.files(__package__).joinpath("lexicon.yaml").read_text(encoding="utf-8"), Loader=FAST_LOADER)

TITLES: frozenset[str] = frozenset(_DATA["titles"])
TITLE_WORDS: frozenset[str] = frozenset(w for t in _DATA["titles"] for w in t.split())
TITLE_HEADS: frozenset[str] = frozenset(t.split()[-1] for t in _DATA["titles"])
HONORIFICS: frozenset[str] = frozenset(_DATA["honorifics"])
HONORIFIC_WORDS: frozenset[str] = frozenset(w for t in _DATA["honorifics"] for w in t.split())
INSTITUTION_WORDS: frozenset[str] = frozenset(_DATA["institution_words"])
NOT_NAMES: frozenset[str] = frozenset(_DATA["not_names"])
