"""The one error type users see: it names the file, the field and, where known, the line."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
P = TypeVar("P")


class InputError(Exception):
    """Bad user input: a file, a field (or row and column) and a line, with a plain message."""

    def __init__(self, file: str | Path, message: str, field: str | None = None, line: int | None = None):
        self.file = str(file)
        self.field = field
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


class InputErrors(Exception):
    """Several input errors found in one pass, reported together."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def load_each(paths: Iterable[P], load: Callable[[P], T]) -> list[T]:
    """Load every file, then raise all their input errors together, so one run shows every problem."""
    results: list[T] = []
    errors: list[InputError] = []
    for path in paths:
        try:
            results.append(load(path))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise InputErrors(errors)
    return results
