"""What a PostgreSQL database holds, read with pg_catalog queries only (independent of graticule's code)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
IGNORED_TABLES = {"django_migrations"}


def server_available() -> bool:
    try:
        import psycopg

        psycopg.connect(dbname="postgres", connect_timeout=3, **SERVER).close()
    except Exception:
        return False
    return True


@contextmanager
def scratch_database() -> Iterator[str]:
    import psycopg

    name = f"graticule_provider_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def execute_script(database: str, ddl: str) -> int:
    """Execute the provider's output one statement line at a time; return how many ran."""
    import psycopg

    count, pending = 0, ""
    with psycopg.connect(dbname=database, autocommit=True, **SERVER) as connection:
        for line in ddl.splitlines(keepends=True):
            if not pending and (line.startswith("--") or not line.strip()):
                continue
            pending += line
            if pending.rstrip().endswith(";"):
                connection.execute(pending)
                pending, count = "", count + 1
    assert not pending.strip(), pending
    return count


def read_catalog(database: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(dbname=database, **SERVER) as connection:
        tables = connection.execute(
            """SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"""
        ).fetchall()
        catalog: dict[str, Any] = {"tables": {}}
        for oid, name, comment in tables:
            if name in IGNORED_TABLES:
                continue
            catalog["tables"][name] = {
                "comment": comment,
                "columns": connection.execute(
                    """SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                              pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                              co.collname, col_description(a.attrelid, a.attnum)
                       FROM pg_attribute a
                       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                       LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collname <> 'default'
                       WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""",
                    [oid],
                ).fetchall(),
                "constraints": sorted(
                    connection.execute(
                        """SELECT conname, contype, pg_get_constraintdef(oid), condeferrable, condeferred
                           FROM pg_constraint WHERE conrelid = %s""",
                        [oid],
                    ).fetchall()
                ),
                "indexes": sorted(
                    connection.execute(
                        """SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
                           JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = %s""",
                        [oid],
                    ).fetchall()
                ),
            }
        catalog["sequences"] = sorted(
            row[0]
            for row in connection.execute(
                """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'public' AND c.relkind = 'S'"""
            )
            if not row[0].startswith("django_migrations")
        )
        catalog["extensions"] = sorted(
            row[0] for row in connection.execute("SELECT extname FROM pg_extension")
        )
        catalog["views"] = sorted(
            connection.execute(
                "SELECT viewname, definition FROM pg_views WHERE schemaname = 'public'"
            ).fetchall()
        )
    return catalog
