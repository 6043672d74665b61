"""SQLite: build the database for real, in memory, and read back the schema SQLite stored.

SQLite alters most things by rebuilding tables, so collecting the statements `migrate` runs would yield
rebuild sequences. Executing the plan on a private in-memory database and reading `sqlite_master` gives the
final shape only — each table's CREATE TABLE with its constraints folded in, then its indexes — and it is
exactly what `migrate` builds, because it is what `migrate` built.

Speed: SQLite's `ALTER TABLE … RENAME` re-parses the whole schema, and Django's table rebuild ends with one
(`new__t` becomes `t`), so rebuilds cost time in proportion to the number of tables. On this database a
rebuilt table is always empty, and renaming an empty table without indexes is the same as dropping it and
creating it under the final name with the identifier rewritten — SQLite's rename stores exactly that text.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.migration import Migration

from graticule.provider.applying import SHORTCUTS, apply_plan
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

    def prepare(self, connection: BaseDatabaseWrapper, server_version: tuple[int, ...] | None) -> None:
        if SHORTCUTS:
            connection.SchemaEditorClass = type(
                "RebuildByRecreateSchemaEditor", (_RebuildByRecreate, connection.SchemaEditorClass), {}
            )

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


_REBUILD_RENAME = re.compile(r'ALTER TABLE "new__(?P<table>[^"]+)" RENAME TO "(?P=table)"')


class _RebuildByRecreate:
    """Finish Django's table rebuild by re-creating the empty rebuilt table under its final name."""

    def execute(self, sql: Any, params: Any = ()) -> Any:
        rebuild = _REBUILD_RENAME.fullmatch(str(sql))
        if rebuild is None or params or self.collect_sql or not self._recreate(rebuild["table"]):
            return super().execute(sql, params)
        return None

    def _recreate(self, table: str) -> bool:
        temporary = f"new__{table}"
        with self.connection.cursor() as cursor:
            # Automatic indexes (UNIQUE, PRIMARY KEY; no SQL) are re-created with the table.
            cursor.execute(
                "SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [temporary]
            )
            objects = cursor.fetchall()
            if [kind for kind, _ in objects] != ["table"]:
                return False  # indexes or triggers on it: let SQLite rename them
            cursor.execute(f'SELECT 1 FROM "{temporary}" LIMIT 1')
            if cursor.fetchone():
                return False  # rows (from RunSQL): keep them
            cursor.execute(f'DROP TABLE "{temporary}"')
            cursor.execute(objects[0][1].replace(f'"{temporary}"', f'"{table}"'))
        return True
