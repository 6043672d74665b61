"""The one error type of the config language: ``<file>:<line>:<col>: <message>``, never a traceback."""

from __future__ import annotations


class ConfigError(Exception):
    """A mistake in the config file (syntax, evaluation, or a missing/unknown env), located when possible."""

    def __init__(self, message: str, filename: str = "", line: int | None = None, column: int | None = None):
        self.message = message
        self.filename = filename
        self.line = line
        self.column = column
        super().__init__(self._render())

    def _render(self) -> str:
        if self.line is None:
            return f"{self.filename}: {self.message}" if self.filename else self.message
        return f"{self.filename}:{self.line}:{self.column or 1}: {self.message}"
