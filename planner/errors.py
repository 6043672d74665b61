"""User-facing errors. The CLI prints ``Error: <message>`` for these and exits 1; anything else is a bug."""

from __future__ import annotations


class GraticuleError(Exception):
    """An error caused by input or environment, reported to the user as one line."""


class NotCleanError(GraticuleError):
    """The dev database holds objects; graticule never modifies such a database."""


class ChecksumError(GraticuleError):
    """The migration directory does not match its atlas.sum."""


class PlanVerificationError(GraticuleError):
    """Applying the plan on the dev database did not reach the desired state: a planner bug, nothing written."""


class ExecutionError(GraticuleError):
    """A statement failed on a database; drivers raise it with the database's own message."""
