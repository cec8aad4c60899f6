"""The one error type users see: it names the file, the field and, where known, the line."""

from __future__ import annotations

from pathlib import Path


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
