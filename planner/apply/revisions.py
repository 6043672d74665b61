"""The revisions table ``atlas_schema_revisions``: one row per migration version, shared with Atlas.

A team can switch between Atlas and graticule on the same database in either direction, so the table, its
columns and the meaning of every value are Atlas's (its ``ent`` schema ``Revision`` and ``sql/migrate``):

============== ======================================================================================
column         meaning
============== ======================================================================================
version        primary key: the file's version (the name before the first ``_``). The row
               ``.atlas_cloud_identifier`` is Atlas's table identifier, never a migration: skipped.
description    the file's name after the first ``_``, without ``.sql``. Never updated after insert.
type           bit set: 1 baseline (``--baseline``; nothing executed), 2 applied (executed by
               apply), 4 manually set (``migrate set``); 6 = applied, then resolved by ``set``.
applied        statements of the file executed so far (``applied < total``: partially applied).
total          statements in the file.
executed_at    when the row was first written (the start of the file's first attempt); never
               updated afterwards.
execution_time nanoseconds the file took (on the last attempt).
error          the database's error for the failing statement; ``''`` when none.
error_stmt     the failing statement's text; ``''`` when none.
hash           the file's ``atlas.sum`` entry (base64 of the running SHA-256, without ``h1:``); ``''``
               for a baseline row.
partial_hashes JSON list, one entry per executed statement of a partially applied file:
               ``"h1:" + base64(SHA-256 running over the texts of statements 1..i)``; JSON ``null``
               once the file completed. A resumed file must reproduce these for its first
               ``applied`` statements, else the run is refused (an applied statement was edited).
operator_version who wrote the row: ``graticule v0.1.0`` (Atlas writes ``Atlas CLI v0.x``).
============== ======================================================================================

Where the table lives (Atlas's rule): ``--revisions-schema`` when given; else the schema the URL names
(PostgreSQL ``?search_path=``, the MySQL database, SQLite ``main``); else, for a PostgreSQL URL naming no
schema, the schema ``atlas_schema_revisions`` (created on first use).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

TABLE = "atlas_schema_revisions"
DEFAULT_SCHEMA = "atlas_schema_revisions"
"""The schema Atlas uses when the URL names none (PostgreSQL connected to a whole database)."""
CLOUD_IDENTIFIER = ".atlas_cloud_identifier"

TYPE_BASELINE = 1
TYPE_EXECUTE = 2
TYPE_RESOLVED = 4

COLUMNS = (
    "version",
    "description",
    "type",
    "applied",
    "total",
    "executed_at",
    "execution_time",
    "error",
    "error_stmt",
    "hash",
    "partial_hashes",
    "operator_version",
)
# Atlas (ent's UpdateNewValues) leaves these as first written when a row is written again.
IMMUTABLE = ("version", "description", "executed_at")


def operator_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"graticule v{version('graticule')}"
    except PackageNotFoundError:  # running from a source tree without metadata
        return "graticule v0.0.0"


def type_name(value: int) -> str:
    """Atlas's ``RevisionType.String()``: the text ``migrate status --format '{{ json . }}'`` shows."""
    names = {
        TYPE_BASELINE: "baseline",
        TYPE_EXECUTE: "applied",
        TYPE_RESOLVED: "manually set",
        TYPE_EXECUTE | TYPE_RESOLVED: "applied + manually set",
    }
    return names.get(value, f"unknown ({value:04b})")


@dataclass
class Revision:
    version: str
    description: str = ""
    type: int = TYPE_EXECUTE
    applied: int = 0
    total: int = 0
    executed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    execution_time: int = 0
    """Nanoseconds."""
    error: str = ""
    error_stmt: str = ""
    hash: str = ""
    partial_hashes: list[str] | None = None
    operator_version: str = ""

    @property
    def partially_applied(self) -> bool:
        """Executed statements short of the file's total, and not resolved by ``migrate set``.

        Atlas's executor looks at ``applied != total`` alone; graticule's ``migrate set`` also makes
        ``applied == total`` for the rows it resolves, so both tools read such a row as done.
        """
        return self.applied != self.total and not self.type & TYPE_RESOLVED

    def copy(self) -> Revision:
        return replace(self, partial_hashes=list(self.partial_hashes) if self.partial_hashes else None)


def statement_hashes(texts: list[str]) -> list[str]:
    """Atlas's per-statement checksums: base64 of a SHA-256 running over the statement texts."""
    running = hashlib.sha256()
    out = []
    for text in texts:
        running.update(text.encode("utf-8"))
        out.append(base64.b64encode(running.copy().digest()).decode("ascii"))
    return out


def first_changed_statement(revision: Revision, hashes: list[str]) -> int | None:
    """1-based number of the first already-applied statement whose text changed, or None."""
    recorded = revision.partial_hashes or []
    for i in range(revision.applied):
        if i >= len(hashes) or i >= len(recorded) or hashes[i] != recorded[i].removeprefix("h1:"):
            return i + 1
    return None
