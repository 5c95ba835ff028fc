"""Imports go one way: a stage imports only earlier stages; HTML lives only in themes/."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

# Earlier stages first. A module may import modules of its own rank or lower only.
ORDER = [
    {"errors", "records", "yamlio", "data", "parallel"},
    {"config"},
    {"ingest"},
    {"annotate"},
    {"document", "merge"},
    {"sync"},
    {"model"},
    {"digest"},
    {"theme"},
    {"render"},
    {"write"},
    {"search"},
    {"build"},
    {"watch", "serve", "scaffold", "publish"},
    {"cli", "__main__", "__init__"},
]
RANK = {name: i for i, names in enumerate(ORDER) for name in names}


def stage_of(module: Path) -> str:
    rel = module.relative_to(ROOT / "generator").parts
    return rel[0].removesuffix(".py")


def imported_stages(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator."):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names |= {a.name.split(".")[1] for a in node.names if a.name.startswith("generator.")}
    return names


def test_every_module_has_a_stage():
    for module in (ROOT / "generator").rglob("*.py"):
        assert stage_of(module) in RANK, f"{module} is not placed in the stage order of this test"


def test_imports_go_one_way():
    wrong = []
    for module in sorted((ROOT / "generator").rglob("*.py")):
        stage = stage_of(module)
        for target in imported_stages(module):
            if target != stage and RANK[target] > RANK[stage]:
                wrong.append(f"{module.relative_to(ROOT)} imports later stage {target}")
    assert wrong == []


def test_annotate_is_pure():
    for module in (ROOT / "generator" / "annotate").rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert not re.search(r"\b(datetime\.now|date\.today|time\.time)\(", text), f"{module} reads the clock"


def string_literals(module: Path) -> list[str]:
    """Every string constant in a module except docstrings."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings]


def test_no_html_in_python():
    tag = re.compile(r"<(p|div|li|ul|a|span|h[1-6]|html|body|section|article|mark|strong|em)[\s>]")
    offenders = [f"{m.relative_to(ROOT)}: {s[:60]!r}" for m in sorted((ROOT / "generator").rglob("*.py"))
                 for s in string_literals(m) if tag.search(s)]
    assert offenders == []
