"""User-facing errors. The CLI prints ``Error: <message>`` for these and exits 1; anything else is a bug."""

from __future__ import annotations


class GraticuleError(Exception):
    """An error caused by input or environment, reported to the user as one line."""


class NotCleanError(GraticuleError):
    """The dev database holds objects; graticule never modifies such a database."""


class ChecksumError(GraticuleError):
    """The migration directory does not match its atlas.sum.

    Atlas reports this on two lines, so the error carries both: ``str(err)`` is the headline
    ``You have a checksum error in your migration directory.`` and ``err.error_line`` is what follows
    ``Error: `` (``checksum mismatch``, ``checksum file not found`` or ``checksum file format invalid``).
    When the first differing file is known, ``line`` (1-based, in atlas.sum), ``file`` and ``reason``
    (``added``, ``edited``, ``removed``) locate it, as Atlas's ``L<line>: <file> was <reason>`` does.
    """

    HEADLINE = "You have a checksum error in your migration directory."

    def __init__(
        self,
        error_line: str = "checksum mismatch",
        *,
        line: int | None = None,
        file: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(self.HEADLINE)
        self.error_line = error_line
        self.line = line
        self.file = file
        self.reason = reason

    @property
    def location(self) -> str | None:
        """Atlas's detail line, e.g. ``L3: 2_second.sql was added``; None when unknown."""
        if self.line is None or self.file is None or self.reason is None:
            return None
        return f"L{self.line}: {self.file} was {self.reason}"


class PlanVerificationError(GraticuleError):
    """The plan did not reach the desired state on the dev database: a planner bug; nothing is written."""


class ExecutionError(GraticuleError):
    """A statement failed on a database; drivers raise it with the database's own message."""
