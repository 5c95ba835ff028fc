"""Safe YAML reading that keeps the line of every mapping key, for messages with places."""
from __future__ import annotations

from typing import Any

import yaml

from generator.records import record


@record
class Located:
    """A YAML value with the 1-based line where it starts."""

    value: Any
    line: int


# libyaml's parser when PyYAML was built with it (about 10 times faster); the same safe schema either way
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LOADER = yaml.SafeLoader("")  # only its scalar constructors are used; they keep no state
MAX_DEPTH = 100  # lists and mappings inside one another deeper than this are refused (Python's recursion has limits)


def load_located(text: str, origin: str, first_line: int = 1) -> Located:
    """Parse YAML safely; every mapping becomes dict[str, Located] and every list list[Located].

    Raises yaml.YAMLError (with its mark) on syntax errors; callers turn it into a Problem.
    """
    refuse_aliases(text)
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
    refuse_aliases(text)
    return _wrap(yaml.load(text, Loader=FAST_LOADER))


def refuse_aliases(text: str) -> None:
    """Raise yaml.YAMLError at the first alias (*name): no file Briefing reads needs one, and
    aliases of aliases make a few lines stand for billions of values ("billion laughs")."""
    if "*" not in text:
        return
    for event in yaml.parse(text, Loader=FAST_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(problem=f"an alias (*{event.anchor}): Briefing reads no YAML aliases; "
                                       "write the value out in full", problem_mark=event.start_mark)


def _wrap(value: Any, depth: int = 0) -> Located:
    if depth > MAX_DEPTH:
        raise yaml.YAMLError(f"lists or mappings nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        return Located({str(k): _wrap(v, depth + 1) for k, v in value.items()}, 0)
    if isinstance(value, list):
        return Located([_wrap(v, depth + 1) for v in value], 0)
    return Located(value, 0)


def _locate(node: yaml.Node, offset: int, depth: int = 0) -> Located:
    line = node.start_mark.line + 1 + offset
    if depth > MAX_DEPTH:
        raise yaml.MarkedYAMLError(problem=f"lists or mappings nested more than {MAX_DEPTH} levels deep; "
                                   "write them flatter", problem_mark=node.start_mark)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Located] = {}
        for key_node, value_node in node.value:
            out[_key_text(key_node)] = _locate(value_node, offset, depth + 1)
        return Located(out, line)
    if isinstance(node, yaml.SequenceNode):
        return Located([_locate(item, offset, depth + 1) for item in node.value], line)
    try:
        return Located(_LOADER.construct_object(node, deep=True), line)
    except ValueError:  # e.g. 2024-13-01 looks like a date but is none: keep the text for the validator
        return Located(node.value, line)


def _key_text(node: yaml.Node) -> str:
    """A mapping key as text: its value for a scalar (2024 and true as YAML reads them), else its flow form."""
    if isinstance(node, yaml.ScalarNode):
        try:
            return str(_LOADER.construct_object(node, deep=True))
        except (ValueError, yaml.YAMLError):  # 2024-13-01: looks like a date but is none
            return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return "[" + ", ".join(_key_text(item) for item in node.value[:5]) + "]"
    return "{" + ", ".join(_key_text(key) for key, _ in node.value[:5]) + "}"


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
