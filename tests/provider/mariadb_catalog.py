"""What a MariaDB or MySQL database holds, read with information_schema queries (independent of graticule)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SERVER = {"host": "127.0.0.1", "port": 3306, "user": "root"}
IGNORED_TABLES = {"django_migrations"}


def _connect(database: str | None = None) -> Any:
    import pymysql

    return pymysql.connect(database=database, autocommit=True, connect_timeout=3, **SERVER)


def server_version() -> str | None:
    """The server's VERSION(), or None when there is no server."""
    try:
        connection = _connect()
    except Exception:
        return None
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT VERSION()")
        return cursor.fetchone()[0]


@contextmanager
def scratch_database() -> Iterator[str]:
    name = f"graticule_provider_{uuid.uuid4().hex[:10]}"
    with _connect() as connection, connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield name
    finally:
        with _connect() as connection, connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


def execute_script(database: str, ddl: str) -> int:
    """Execute the provider's output one statement line at a time; return how many ran."""
    count, pending = 0, ""
    with _connect(database) as connection, connection.cursor() as cursor:
        for line in ddl.splitlines(keepends=True):
            if not pending and (line.startswith("--") or not line.strip()):
                continue
            pending += line
            if pending.rstrip().endswith(";"):
                cursor.execute(pending)
                pending, count = "", count + 1
    assert not pending.strip(), pending
    return count


def _rows(cursor: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params)
    return [tuple(row) for row in cursor.fetchall()]


def read_catalog(database: str) -> dict[str, Any]:
    with _connect(database) as connection, connection.cursor() as cursor:
        catalog: dict[str, Any] = {"tables": {}}
        tables = _rows(
            cursor,
            """SELECT TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT FROM information_schema.TABLES
               WHERE TABLE_SCHEMA = %s AND TABLE_TYPE = 'BASE TABLE'""",
            database,
        )
        for name, engine, collation, comment in tables:
            if name in IGNORED_TABLES:
                continue
            catalog["tables"][name] = {
                "table": (engine, collation, comment),
                "columns": _rows(
                    cursor,
                    """SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLLATION_NAME,
                              COLUMN_COMMENT, GENERATION_EXPRESSION
                       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s
                       ORDER BY ORDINAL_POSITION""",
                    database,
                    name,
                ),
                "constraints": sorted(
                    _rows(
                        cursor,
                        """SELECT tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE,
                                  GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION),
                                  MAX(k.REFERENCED_TABLE_NAME), MAX(k.REFERENCED_COLUMN_NAME),
                                  MAX(r.UPDATE_RULE), MAX(r.DELETE_RULE)
                           FROM information_schema.TABLE_CONSTRAINTS tc
                           LEFT JOIN information_schema.KEY_COLUMN_USAGE k
                             ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.TABLE_NAME = tc.TABLE_NAME
                            AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
                           LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
                             ON r.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND r.TABLE_NAME = tc.TABLE_NAME
                            AND r.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
                           WHERE tc.TABLE_SCHEMA = %s AND tc.TABLE_NAME = %s
                           GROUP BY tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE""",
                        database,
                        name,
                    ),
                    key=repr,
                ),
                "checks": sorted(
                    _rows(
                        cursor,
                        """SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
                           WHERE CONSTRAINT_SCHEMA = %s AND TABLE_NAME = %s""",
                        database,
                        name,
                    )
                ),
                "indexes": sorted(
                    _rows(
                        cursor,
                        """SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, COLLATION, SUB_PART,
                                  INDEX_TYPE
                           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s""",
                        database,
                        name,
                    ),
                    key=repr,
                ),
            }
        catalog["views"] = sorted(
            _rows(
                cursor,
                "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = %s",
                database,
            )
        )
    # A view's text names its database: compare it without.
    catalog["views"] = [(view, text.replace(f"`{database}`.", "")) for view, text in catalog["views"]]
    return catalog
