"""MySQL/MariaDB databases the user names (``--url``): opened to inspect, never created or changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pymysql

from ...errors import GraticuleError
from ...urls import DatabaseURL
from .devdb import connect, message
from .sql import quote_ident


@dataclass
class MySQLTarget:
    conn: Any
    schema: str

    def close(self) -> None:
        self.conn.close()


def connect_target(url: DatabaseURL, *, readonly: bool) -> MySQLTarget:
    """A connection to the database the URL names; ``readonly`` makes the session refuse every write
    (``SET SESSION TRANSACTION READ ONLY`` covers DDL and autocommit statements too)."""
    if not url.path:
        raise GraticuleError(f"{url.redacted}: name the database to use (mysql://host:3306/<database>)")
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(f"USE {quote_ident(url.path)}")
            if readonly:
                cur.execute("SET SESSION TRANSACTION READ ONLY")
    except pymysql.MySQLError as e:
        conn.close()
        raise GraticuleError(f"{url.redacted}: {message(e)}") from e
    return MySQLTarget(conn, url.path)
