"""The program's own error type and the problem records every stage reports."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the user's input, with its place: file:line: field: message."""

    file: str
    line: int = 0  # 1-based; 0 when the problem concerns the whole file
    field: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where, self.field, self.message] if self.field else [where, self.message]
        return ": ".join(parts)


class BriefingError(Exception):
    """A user's mistake, carrying every problem found; never shown as a traceback."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type, tuple[tuple[Problem, ...]]]:
        return type(self), (self.problems,)  # pickled whole: a build process sends it to another


class ConfigError(BriefingError):
    """site.yaml or the theme is unusable: exit code 2."""


class ContentError(BriefingError):
    """A release or annotated file is unusable: exit code 1."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
