"""The one error type of the config language: ``<file>:<line>:<col>: <message>``, never a traceback."""

from __future__ import annotations


class ConfigError(Exception):
    """A mistake in the config file (syntax, evaluation, or a missing/unknown env), located when possible.

    The message is always one line (a newline from the file, in a label or a value, is shown as ``\\n``).
    ``detail`` is what another program said (a failed ``data "external"`` program's stderr): it follows on
    the next lines, as written.
    """

    def __init__(
        self,
        message: str,
        filename: str = "",
        line: int | None = None,
        column: int | None = None,
        detail: str = "",
    ):
        self.message = message.replace("\r", "\\r").replace("\n", "\\n")
        self.filename = filename
        self.line = line
        self.column = column
        self.detail = detail
        super().__init__(self._render())

    def _render(self) -> str:
        if self.line is None:
            head = f"{self.filename}: {self.message}" if self.filename else self.message
        else:
            head = f"{self.filename}:{self.line}:{self.column or 1}: {self.message}"
        return f"{head}\n{self.detail}" if self.detail else head
