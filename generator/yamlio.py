"""Safe YAML reading that keeps the line of every mapping key, for messages with places."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Located:
    """A YAML value with the 1-based line where it starts."""

    value: Any
    line: int


# libyaml's parser when PyYAML was built with it (about 10 times faster); the same safe schema either way
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LOADER = yaml.SafeLoader("")  # only its scalar constructors are used; they keep no state


def load_located(text: str, origin: str, first_line: int = 1) -> Located:
    """Parse YAML safely; every mapping becomes dict[str, Located] and every list list[Located].

    Raises yaml.YAMLError (with its mark) on syntax errors; callers turn it into a Problem.
    """
    node = yaml.compose(text, Loader=FAST_LOADER)
    if node is None:
        return Located(None, first_line)
    return _locate(node, first_line - 1)


def load_unlocated(text: str) -> Located:
    """The fast path: libyaml builds plain data, wrapped as Located with line 0.

    Validators use it first and parse again with load_located only when they have a problem to
    report, since only then are lines needed. Raises yaml.YAMLError or ValueError (a value that
    looks like a date but is none) where load_located would cope or report.
    """
    return _wrap(yaml.load(text, Loader=FAST_LOADER))


def _wrap(value: Any) -> Located:
    if isinstance(value, dict):
        return Located({str(k): _wrap(v) for k, v in value.items()}, 0)
    if isinstance(value, list):
        return Located([_wrap(v) for v in value], 0)
    return Located(value, 0)


def _locate(node: yaml.Node, offset: int) -> Located:
    line = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Located] = {}
        for key_node, value_node in node.value:
            key = _LOADER.construct_object(key_node, deep=True) if isinstance(key_node, yaml.ScalarNode) else key_node.value
            out[str(key)] = _locate(value_node, offset)
        return Located(out, line)
    if isinstance(node, yaml.SequenceNode):
        return Located([_locate(item, offset) for item in node.value], line)
    try:
        return Located(_LOADER.construct_object(node, deep=True), line)
    except ValueError:  # e.g. 2024-13-01 looks like a date but is none: keep the text for the validator
        return Located(node.value, line)


def plain(located: Located) -> Any:
    """The value with every Located wrapper removed."""
    value = located.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def error_line(exc: yaml.YAMLError, first_line: int = 1) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return (mark.line + first_line) if mark else first_line


def error_text(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    return " ".join(p for p in (context, problem) if p) or str(exc).splitlines()[0]
