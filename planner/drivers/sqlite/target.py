"""SQLite databases the user names (``--url``): opened to inspect, never created by accident."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ...errors import GraticuleError
from ...urls import DatabaseURL


@dataclass
class SQLiteTarget:
    conn: sqlite3.Connection
    schema: str = "main"

    def close(self) -> None:
        self.conn.close()


def connect_target(url: DatabaseURL, *, readonly: bool) -> SQLiteTarget:
    if url.query.get("mode") == "memory":
        raise GraticuleError(f"{url.redacted}: an in-memory database is empty; name a database file")
    path = Path(url.path)
    # sqlite3.connect would silently create a missing file; a mistyped path must be an error instead.
    if not path.is_file():
        raise GraticuleError(f"{url.redacted}: no such database file {str(path)!r}")
    mode = "ro" if readonly else "rw"
    try:
        uri = f"file:{quote(str(path.resolve()))}?mode={mode}"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")
    except sqlite3.Error as e:
        raise GraticuleError(f"{url.redacted}: cannot open database: {e}") from e
    return SQLiteTarget(conn)
