"""The annotator against the dev gold set: every figure of issue 3's table must hold.

The gold releases are annotated in-process (tools/score_gold.py's write_annotated) and scored by
the shared eval-annotations tool with --json. Skipped when the shared corpus is not beside the
checkout.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
EVAL = CORPUS.parent / "tools" / "eval-annotations"

pytestmark = pytest.mark.skipif(
    not (CORPUS / "gold" / "dev").is_dir() or not EVAL.is_file(),
    reason=f"the shared gold corpus and eval-annotations are not at {CORPUS.parent}",
)

# field -> minimum, from issue 3
MINIMUM = {
    ("topics", "f1"): 0.85,
    ("people", "f1"): 0.92,
    ("countries", "f1"): 0.92,
    ("orgs", "f1"): 0.80,
    ("quotes", "f1"): 0.92,
    ("figures", "f1"): 0.85,
    ("primary_topic_acc", None): 0.80,
    ("speaker_acc", None): 0.90,
    ("date_acc", None): 1.00,
    ("title_rougeL", None): 0.40,
    # eval-annotations reads every gold issuer other than State and the White House as "defense"
    # (key = "state" if ... else "white house" if ... else "defense"), so a Treasury or Justice
    # release is wrong there whatever the prediction: its figure is capped near 0.79 on this set.
    # The real check is issuer_by_department below.
    ("issuer_acc", None): 0.79,
}


def _score_gold():
    spec = importlib.util.spec_from_file_location("score_gold", ROOT / "tools" / "score_gold.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("score_gold", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    score_gold = _score_gold()
    out = tmp_path_factory.mktemp("annotated")
    issuer_by_department = score_gold.write_annotated(out, CORPUS)
    rows = json.loads(score_gold.evaluate(out, CORPUS, as_json=True))
    return rows, issuer_by_department


def test_every_gold_release_is_scored(scores):
    rows, _ = scores
    assert rows["releases"] >= 40
    assert rows["unmatched"] == 0


@pytest.mark.parametrize("field,part", sorted(MINIMUM, key=str))
def test_field_reaches_its_target(scores, field, part):
    rows, _ = scores
    value = rows[field][part] if part else rows[field]
    assert value >= MINIMUM[(field, part)], f"{field} {part or ''} = {value} < {MINIMUM[(field, part)]}"


def test_issuer_by_department(scores):
    """The issuer compared by the department it names (state/treasury/justice/defense/white house)."""
    _, issuer_by_department = scores
    assert issuer_by_department >= 0.95
