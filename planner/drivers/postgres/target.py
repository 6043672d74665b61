"""PostgreSQL databases the user names (``--url``): opened to inspect, never created or changed."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from ...urls import DatabaseURL
from .conninfo import connect, conninfo


@dataclass
class PostgresTarget:
    conn: psycopg.Connection
    schema: str

    def close(self) -> None:
        self.conn.close()


def connect_target(url: DatabaseURL, *, readonly: bool) -> PostgresTarget:
    """A connection to the named database; ``readonly`` makes every transaction of the session read-only."""
    info = conninfo(url)
    return PostgresTarget(connect(info, readonly=readonly), info.schema)
