#!/usr/bin/env python3
"""Score the annotator against the gold dev set, and titles over every real release.

usage: python3 tools/score_gold.py [--keep DIR] [--only-titles]

For each gold file in /work/shared/corpus/gold/dev/*.yaml, the release it names is parsed,
annotated with the default taxonomy and written as a minimal annotated Markdown file (YAML front
matter only) into a temporary directory; /work/shared/tools/eval-annotations then scores that
directory and its output is printed. Last, the derived titles of all real releases are scored
against corpus/titles.tsv with ROUGE-L (the same formula as eval-annotations).
"""
from __future__ import annotations

import csv
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.annotate import annotate  # noqa: E402
from generator.config import default_taxonomy  # noqa: E402
from generator.ingest.wire import load_release  # noqa: E402

SHARED = ROOT.parent / "shared"  # /work/shared beside the checkout
CORPUS = SHARED / "corpus"
GOLD = CORPUS / "gold" / "dev"
TITLES = CORPUS / "titles.tsv"
EVAL = SHARED / "tools" / "eval-annotations"
DEPARTMENTS = ("white house", "state", "treasury", "justice", "defense")


def release_path(name: str, corpus: Path = CORPUS) -> Path:
    for folder in ("real", "sample"):
        path = corpus / folder / name
        if path.is_file():
            return path
    raise FileNotFoundError(name)


def issuer_key(issuer: str) -> str:
    """The department an issuer names: "U.S. Department of the Treasury" -> "treasury"."""
    low = fold(issuer)
    return next((d for d in DEPARTMENTS if d in low), "")


def front_matter(release, ann) -> dict:
    return {
        "source_file": release.source_file,
        "title": ann.title,
        "date": release.date.isoformat(),
        "issuer": ann.issuer,
        "topics": list(ann.topics),
        "summary": ann.summary,
        "people": [{"name": p.name, "role": p.role} for p in ann.people],
        "countries": list(ann.countries),
        "orgs": [{"name": o.name, "aliases": list(o.aliases)} for o in ann.orgs],
        "quotes": [{"text": q.text, "speaker": q.speaker} for q in ann.quotes],
        "figures": [{"value": f.value, "unit": f.unit, "object": f.object, "text": f.text} for f in ann.figures],
    }


def write_annotated(out_dir: Path, corpus: Path = CORPUS) -> float:
    """Annotate every gold release into out_dir; returns the issuer accuracy by department.

    eval-annotations' own issuer_acc reads any gold issuer other than State or the White House as
    "defense", so Treasury and Justice releases can never count as right there; this figure compares
    the department named in the gold issuer with the one named in the prediction.
    """
    taxonomy = default_taxonomy()
    right = total = 0
    for gold_path in sorted((corpus / "gold" / "dev").glob("*.yaml")):
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        path = release_path(gold["file"], corpus)
        release = load_release(path, path.name, ZoneInfo("UTC"))
        ann = annotate(release, taxonomy)
        meta = front_matter(release, ann)
        text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"
        (out_dir / (path.stem + ".md")).write_text(text, encoding="utf-8")
        total += 1
        right += int(issuer_key(gold.get("issuer", "")) == issuer_key(ann.issuer) != "")
    return right / (total or 1)


def evaluate(out_dir: Path, corpus: Path = CORPUS, as_json: bool = False) -> str:
    """Run eval-annotations on out_dir against the dev gold set; its standard output."""
    cmd = [sys.executable, str(corpus.parent / "tools" / "eval-annotations"), str(corpus / "gold" / "dev"),
           str(out_dir), "--titles", str(corpus / "titles.tsv")] + (["--json"] if as_json else [])
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return result.stdout


# --- ROUGE-L, the same formula as eval-annotations' rouge() ---
def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(str.maketrans("‘’‚‛“”„‟–—", "''''\"\"\"\"--"))
    return re.sub(r"\s+", " ", text).strip().lower()


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def rouge_l(ref: str, hyp: str) -> float:
    r, h = words(ref), words(hyp)
    if not r or not h:
        return 0.0
    prev = [0] * (len(h) + 1)
    for a in r:
        cur = [0]
        for j, b in enumerate(h):
            cur.append(prev[j] + 1 if a == b else max(prev[j + 1], cur[j]))
        prev = cur
    return 2 * prev[-1] / (len(r) + len(h))


def score_titles(show: int = 0) -> None:
    with open(TITLES, encoding="utf-8") as fh:
        titles = {r["file"]: r["title"] for r in csv.DictReader(fh, delimiter="\t")}
    taxonomy = default_taxonomy()
    total = 0.0
    n = 0
    rows = []
    for path in sorted((CORPUS / "real").glob("*.txt")):
        ref = titles.get(path.name)
        if not ref:
            continue
        release = load_release(path, path.name, ZoneInfo("UTC"))
        ann = annotate(release, taxonomy)
        score = rouge_l(ref, ann.title)
        rows.append((score, path.name, ref, ann.title))
        total += score
        n += 1
    for score, name, ref, hyp in sorted(rows)[:show]:
        print(f"{score:.2f} {name}\n   ref: {ref}\n   hyp: {hyp}")
    print(f"titles over real releases with a reference title: n={n} rougeL={total / (n or 1):.3f}")
    print(split_report(rows))


def split_report(rows: list[tuple[float, str, str, str]]) -> str:
    """Hold-out report: titled real releases by the position of their file name in sorted order.

    Title rules are tuned on the even positions ("tune") and checked on the odd ones ("held out");
    both halves are printed, with the mean by department (white house, state, treasury, justice).
    """
    ordered = sorted(rows, key=lambda r: r[1])
    halves = {"tune (even)": ordered[0::2], "held out (odd)": ordered[1::2]}
    lines = []
    for label, part in halves.items():
        mean = sum(r[0] for r in part) / (len(part) or 1)
        by_dept: dict[str, list[float]] = {}
        for score, name, _ref, _hyp in part:
            dept = next((d for d, key in (("white house", "whitehouse"), ("state", "state"), ("treasury", "treasury"),
                                          ("justice", "doj")) if key in name), "other")
            by_dept.setdefault(dept, []).append(score)
        depts = " ".join(f"{d}={sum(v) / len(v):.3f}(n={len(v)})" for d, v in sorted(by_dept.items()))
        lines.append(f"  {label:15s} n={len(part)} rougeL={mean:.3f}  {depts}")
    return "title split (sorted file names):\n" + "\n".join(lines)


def main(argv: list[str]) -> int:
    show = int(argv[argv.index("--show-titles") + 1]) if "--show-titles" in argv else 0
    if "--only-titles" not in argv:
        keep = argv[argv.index("--keep") + 1] if "--keep" in argv else None
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(keep) if keep else Path(tmp)
            out.mkdir(parents=True, exist_ok=True)
            issuer_acc = write_annotated(out)
            try:
                print(evaluate(out), end="")
            except subprocess.CalledProcessError as err:
                print(err.stderr, file=sys.stderr)
                return err.returncode
            print(f"issuer accuracy by department (eval-annotations' issuer_acc counts Treasury/Justice as "
                  f"'defense'): {issuer_acc:.3f}")
    score_titles(show)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
