"""SQLite dev databases: ``sqlite://dev?mode=memory`` (the embedded default) and ``sqlite://path/to/file.db``."""

from __future__ import annotations

import sqlite3

from ...errors import ExecutionError, GraticuleError
from ...urls import DatabaseURL
from .inspect import check_clean


class SQLiteDevDatabase:
    """A SQLite database the planner may freely fill and empty. A file must be clean when opened."""

    schema = "main"

    def __init__(self, url: DatabaseURL) -> None:
        self.url = url
        self.memory = url.query.get("mode") == "memory" or url.path in ("", ":memory:")
        self.conn = self._connect()
        # Never touch a database that already holds objects: it may be somebody's real data.
        check_clean(self.conn, self.schema)

    def _connect(self) -> sqlite3.Connection:
        target = ":memory:" if self.memory else self.url.path
        try:
            # Autocommit: statements of a migration file run as written, without implicit transactions.
            conn = sqlite3.connect(target, isolation_level=None)
        except sqlite3.Error as e:
            raise GraticuleError(f"cannot open dev database {self.url.redacted!r}: {e}") from e
        # Django's SQLite backend enables foreign keys; the dev database behaves the same.
        conn.execute("PRAGMA foreign_keys = on")
        return conn

    def execute(self, sql: str) -> None:
        try:
            self.conn.execute(sql)
        except sqlite3.Error as e:
            raise ExecutionError(str(e)) from e

    def reset(self) -> None:
        """Return to an empty database."""
        if self.memory:
            self.conn.close()
            self.conn = self._connect()
            return
        # A file was clean when we opened it, so every object in it now is ours to drop.
        self.conn.execute("PRAGMA foreign_keys = off")
        # Views first: a view may name a table. ESCAPE keeps `_` literal, so `sqliteX` tables are dropped too.
        rows = self.conn.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'table') "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type = 'table'"
        ).fetchall()
        for kind, name in rows:
            quoted = '"' + name.replace('"', '""') + '"'
            self.conn.execute(f"DROP {kind.upper()} IF EXISTS {quoted}")
        self.conn.execute("PRAGMA foreign_keys = on")

    def close(self) -> None:
        self.conn.close()


def open_dev_database(url: DatabaseURL) -> SQLiteDevDatabase:
    return SQLiteDevDatabase(url)
