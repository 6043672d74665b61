"""Applying to SQLite: the revisions table in the database file itself, an OS file lock as the apply lock.

- Lock: ``flock`` on the database file itself, so every applier of that file meets the same lock whatever
  its environment (``TMPDIR``, a service's private /tmp, another container sharing the volume). ``flock``
  locks and the POSIX (``fcntl``) locks SQLite takes are independent on Linux, so the lock never blocks the
  application using the database. The kernel drops it when the process ends however it ends (kill -9
  included), so a crashed applier never blocks the next one. The descriptor stays open until the SQLite
  connection is closed: closing any descriptor of a file drops every POSIX lock the process holds on it,
  SQLite's included. (Atlas's SQLite lock is a file holding an expiry time; the two tools do not see each
  other's SQLite locks.)
- Transactions: DDL is transactional. ``PRAGMA foreign_keys`` cannot change inside a transaction, so, as
  Atlas does, foreign keys are switched off around a transaction (table rebuilds need that) and
  ``PRAGMA foreign_key_check`` must report no new violation before the commit.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...drivers import get_driver
from ...errors import GraticuleError
from ...urls import DatabaseURL
from ..revisions import TABLE
from . import LockedError, StatementError, Target, format_time_text

REVISIONS_DDL = (
    "CREATE TABLE `atlas_schema_revisions` (`version` text NOT NULL, `description` text NOT NULL, "
    "`type` integer NOT NULL DEFAULT 2, `applied` integer NOT NULL DEFAULT 0, `total` integer NOT NULL "
    "DEFAULT 0, `executed_at` datetime NOT NULL, `execution_time` integer NOT NULL, `error` text NULL, "
    "`error_stmt` text NULL, `hash` text NOT NULL, `partial_hashes` json NULL, `operator_version` text "
    "NOT NULL, PRIMARY KEY (`version`))"
)


class SQLiteTarget(Target):
    dialect = "sqlite"
    driver_name = "sqlite3"
    placeholder = "?"

    def __init__(self, url: DatabaseURL, conn: sqlite3.Connection, path: Path, created: bool = False) -> None:
        super().__init__(url, conn, None, "main")
        self.path = path
        self.created = created
        """Whether opening created the (empty) database file."""
        self._lock_fd: int | None = None
        self._fk_was_on = False
        self._fk_before: list[tuple] = []

    def quote(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def discard_if_created(self) -> None:
        # An SQLite database file stays empty (0 bytes) until the first table is written to it.
        with contextlib.suppress(OSError):
            if self.created and self.path.stat().st_size == 0:
                self.path.unlink()

    def execute(self, sql: str) -> None:
        # SQLite runs a statement without returning to Python, so Ctrl-C would wait for it to finish. A
        # progress handler gives Python's signal handling a turn every few thousand VM steps: the
        # KeyboardInterrupt it raises aborts the statement ("interrupted"), turned back into the interrupt.
        self.conn.set_progress_handler(_keep_going, 10_000)
        try:
            self.conn.execute(sql)
        except sqlite3.OperationalError as e:
            if str(e) == "interrupted":
                raise KeyboardInterrupt from e
            raise StatementError(str(e)) from e
        except sqlite3.Error as e:
            raise StatementError(str(e)) from e
        finally:
            self.conn.set_progress_handler(None, 0)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as e:
            raise GraticuleError(f"{self.url.redacted}: {e}") from e

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.query(sql, params)

    def in_transaction(self, refresh: bool = False) -> bool:
        return self.conn.in_transaction

    def begin(self) -> None:
        self._fk_was_on = bool(self.query("PRAGMA foreign_keys")[0][0])
        if self._fk_was_on:
            self.run("PRAGMA foreign_keys = off")
            self._fk_before = self._violations()
        self.run("BEGIN")

    def commit(self) -> None:
        try:
            if self._fk_was_on and self.conn.in_transaction:
                new = [v for v in self._violations() if v not in self._fk_before]
                if new:
                    table, rowid, parent, _ = new[0]
                    self.run("ROLLBACK")
                    raise GraticuleError(
                        f"foreign key violation after the transaction: row {rowid} of table {table!r} "
                        f"references a missing row of {parent!r} (the transaction was rolled back)"
                    )
            if self.conn.in_transaction:
                self.run("COMMIT")
        finally:
            self._restore_fk()

    def rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.run("ROLLBACK")
        finally:
            self._restore_fk()

    def _restore_fk(self) -> None:
        if self._fk_was_on:
            self._fk_was_on = False
            self.run("PRAGMA foreign_keys = on")

    def _violations(self) -> list[tuple]:
        return [tuple(row) for row in self.query("PRAGMA foreign_key_check")]

    # ---- lock ----------------------------------------------------------------------------------------

    def lock(self, timeout: float) -> None:
        if self._lock_fd is None:
            try:
                self._lock_fd = os.open(self.path, os.O_RDONLY)
            except OSError as e:
                raise GraticuleError(
                    f"{self.url.redacted}: cannot open the database file to lock it: {e}"
                ) from e
        deadline = time.monotonic() + max(timeout, 0)
        delay = 0.025
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError() from None
                time.sleep(min(delay, max(deadline - time.monotonic(), 0.001)))
                delay = min(delay * 2, 0.5)

    def unlock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def close(self) -> None:
        # The connection first: closing the lock descriptor while SQLite holds POSIX locks would drop them.
        try:
            self.conn.close()
        finally:
            if self._lock_fd is not None:
                with contextlib.suppress(OSError):
                    os.close(self._lock_fd)
                self._lock_fd = None

    # ---- revisions table -----------------------------------------------------------------------------

    def revisions_table_exists(self, schema: str | None = None) -> bool:
        rows = self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,))
        return bool(rows)

    def create_revisions_table(self) -> None:
        self.run(REVISIONS_DDL)

    def first_object(self) -> str | None:
        rows = self.query(
            "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger', 'index') "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ? "
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 1 WHEN 'trigger' THEN 2 ELSE 3 END, "
            "name",
            (TABLE,),
        )
        if not rows:
            return None
        kind, name = rows[0]
        return f'found {kind} "{name}" in schema "main"'

    def encode_time(self, value: Any) -> Any:
        return format_time_text(value)

    def upsert_sql(self) -> str:
        from ..revisions import COLUMNS

        cols = ", ".join(self.quote(c) for c in COLUMNS)
        marks = ", ".join("?" for _ in COLUMNS)
        updates = ", ".join(f"{self.quote(c)} = excluded.{self.quote(c)}" for c in self._update_columns())
        return (
            f"INSERT INTO {self.table} ({cols}) VALUES ({marks}) "
            f"ON CONFLICT ({self.quote('version')}) DO UPDATE SET {updates}"
        )


def _keep_going() -> int:
    return 0


def open_target(url: DatabaseURL, revisions_schema: str | None, *, create: bool) -> SQLiteTarget:
    if revisions_schema not in (None, "", "main"):
        # Atlas's wording: SQLite keeps everything in the one connected file.
        raise GraticuleError(
            f'cannot store revisions-table in a separate schema ("{revisions_schema}") with SQLite driver'
        )
    if url.query.get("mode") == "memory":
        raise GraticuleError(f"{url.redacted}: an in-memory database disappears after the run; name a file")
    path = Path(url.path)
    created = False
    if not path.exists():
        if not create:
            # Only `migrate apply` creates a database (as Atlas's does): `status`, `set` and `--dry-run` on a
            # mistyped path must not leave an empty database file behind and report every file pending.
            raise GraticuleError(
                f"{url.redacted}: no such database file {str(path)!r}"
                " (only migrate apply, without --dry-run, creates one)"
            )
        # Atlas's `migrate apply --url sqlite://new.db` creates the file; the parent folder must exist.
        if not path.parent.is_dir():
            raise GraticuleError(f"{url.redacted}: directory {str(path.parent)!r} does not exist")
        sqlite3.connect(path).close()
        created = True
    target = get_driver("sqlite").connect(url, readonly=False)
    return SQLiteTarget(url, target.conn, path, created)
