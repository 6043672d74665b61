"""SQLite: build the database for real, in memory, and read back the schema SQLite stored.

SQLite alters most things by rebuilding tables, so collecting the statements `migrate` runs would yield
rebuild sequences. Executing the plan on a private in-memory database and reading `sqlite_master` gives the
final shape only — each table's CREATE TABLE with its constraints folded in, then its indexes — and it is
exactly what `migrate` builds, because it is what `migrate` built.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.migration import Migration

from graticule.provider.applying import apply_plan
from graticule.provider.dialects.base import Dialect, Realised
from graticule.provider.errors import ProviderError

# Internal objects (sqlite_sequence, sqlite_stat1, automatic indexes) are recreated by SQLite itself.
_SCHEMA_QUERY = """
    SELECT type, name, tbl_name, sql FROM sqlite_master
    WHERE sql IS NOT NULL AND substr(name, 1, 7) != 'sqlite_'
    ORDER BY rowid
"""


class SQLite(Dialect):
    name = "sqlite"
    vendor = "sqlite"
    engine = "django.db.backends.sqlite3"

    def connection_settings(self, alias_settings: dict[str, Any]) -> dict[str, Any]:
        settings = super().connection_settings(alias_settings)
        # Never the project's own database file: a private database that vanishes with the connection.
        settings["NAME"] = ":memory:"
        return settings

    def server_version(self, requested: str | None) -> tuple[int, ...] | None:
        if requested:
            raise ProviderError(
                f"--server-version does not apply to sqlite: the schema is built with this Python's "
                f"SQLite {sqlite3.sqlite_version}"
            )
        return None

    def realise(self, plan: list[Migration], connection: BaseDatabaseWrapper) -> Realised:
        apply_plan(plan, connection, collect_sql=False)
        with connection.cursor() as cursor:
            cursor.execute(_SCHEMA_QUERY)
            rows = cursor.fetchall()

        tables = [name for kind, name, _, _ in rows if kind == "table"]
        indexes: dict[str, list[str]] = {}
        for kind, _, table, sql in rows:
            if kind == "index":
                indexes.setdefault(table, []).append(sql)
        statements: list[str] = []
        for kind, _, table, sql in rows:
            if kind == "table":
                statements.append(sql)
                statements.extend(indexes.get(table, []))
        # Views and triggers (from RunSQL) refer to tables, so they come last, views before triggers.
        statements.extend(sql for kind, _, _, sql in rows if kind == "view")
        statements.extend(sql for kind, _, _, sql in rows if kind == "trigger")
        return Realised(tables=tables, statements=statements)
