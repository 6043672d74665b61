"""Fresh databases on each engine, a way to run SQL files on them, and what they hold — read with the engines'
own catalog queries, independent of graticule's inspectors, so that a blind spot shared by graticule's
inspector and planner cannot hide a difference.

What is compared: per table, the columns (type, nullability, default, identity/auto-increment), the indexes
(name, key columns and their order and direction, uniqueness, predicate), the foreign keys (columns, target,
actions, deferrability) and the unique and check constraints. Column *positions* are not compared: a column
added by a later migration comes last, where Django's single CREATE TABLE puts it among the others.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import servers

# Django's bookkeeping, and SQLite's: not part of the models' schema.
IGNORED_TABLES = {"django_migrations", "sqlite_sequence"}


class Engine:
    """A server or file engine: fresh databases, Django settings for them, SQL files run, catalogs read."""

    name: str
    env: str
    """The env of the example's atlas.hcl that plans for this engine."""
    directory: str
    """Its migration directory, relative to the repository root."""

    @contextmanager
    def fresh(self, tmp: Path) -> Iterator[str]:
        """An empty database, dropped afterwards; yields what ``django_database`` and ``run`` take."""
        raise NotImplementedError
        yield ""

    def django_database(self, database: str) -> dict[str, Any]:
        raise NotImplementedError

    def run(self, database: str, sql: str) -> None:
        """Run a migration file's text whole, as the engine's own client would."""
        raise NotImplementedError

    def catalog(self, database: str) -> dict[str, Any]:
        raise NotImplementedError


def _squash(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


class SQLite(Engine):
    name, env, directory = "sqlite", "django", "example/migrations"

    @contextmanager
    def fresh(self, tmp: Path) -> Iterator[str]:
        yield str(tmp / f"{uuid.uuid4().hex[:8]}.sqlite3")

    def django_database(self, database: str) -> dict[str, Any]:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": database}

    def run(self, database: str, sql: str) -> None:
        conn = sqlite3.connect(database)
        try:
            conn.executescript(sql)
        finally:
            conn.close()

    def catalog(self, database: str) -> dict[str, Any]:
        conn = sqlite3.connect(database)
        try:
            tables = [
                name
                for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                if name not in IGNORED_TABLES
            ]
            return {t: self._table(conn, t) for t in sorted(tables)}
        finally:
            conn.close()

    def _table(self, conn: sqlite3.Connection, table: str) -> dict[str, Any]:
        (sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        indexes = {}
        for _, name, unique, origin, partial in conn.execute(f'PRAGMA index_list("{table}")'):
            keys = [
                (column, bool(desc))
                for _, _, column, desc, _, key in conn.execute(f'PRAGMA index_xinfo("{name}")')
                if key
            ]
            (text,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone() or (
                None,
            )
            predicate = _squash(text[text.upper().rindex(" WHERE ") + 7 :]) if partial and text else None
            # Automatic indexes (UNIQUE constraints) are numbered by position: keyed by what they cover.
            key = f"auto {keys}" if origin == "u" else name
            indexes[key] = (bool(unique), origin, keys, predicate)
        return {
            # name → declared type, NOT NULL, default, part of the primary key
            "columns": {
                name: (type_.lower(), bool(notnull), default, pk)
                for _, name, type_, notnull, default, pk, _ in conn.execute(f'PRAGMA table_xinfo("{table}")')
            },
            "indexes": indexes,
            "foreign_keys": sorted(
                (ref, column, to, on_update, on_delete)
                for _, _, ref, column, to, on_update, on_delete, _ in conn.execute(
                    f'PRAGMA foreign_key_list("{table}")'
                )
            ),
            # Only the CREATE TABLE text holds these two: how many keys are deferred, and the checks.
            "deferred_keys": sql.upper().count("DEFERRABLE INITIALLY DEFERRED"),
            "checks": sorted(_squash(c.replace('"', "").replace("`", "")) for c in _checks(sql)),
            "autoincrement": "AUTOINCREMENT" in sql.upper(),
        }


def _checks(sql: str) -> list[str]:
    """The bodies of the CHECK clauses of a CREATE TABLE text."""
    bodies = []
    for match in re.finditer(r"\bCHECK\s*\(", sql, re.IGNORECASE):
        depth, start = 1, match.end()
        for i in range(start, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            if depth == 0:
                bodies.append(sql[start:i])
                break
    return bodies


class PostgreSQL(Engine):
    name, env, directory = "postgresql", "postgres", "example/migrations_postgres"

    def _connect(self, database: str) -> Any:
        import psycopg

        return psycopg.connect(**{**servers.postgres_connect_kwargs(), "dbname": database}, autocommit=True)

    @contextmanager
    def fresh(self, tmp: Path) -> Iterator[str]:
        name = f"graticule_evolution_{uuid.uuid4().hex[:10]}"
        admin = servers.postgres_connect_kwargs()["dbname"]
        with self._connect(admin) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield name
        finally:
            with self._connect(admin) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def django_database(self, database: str) -> dict[str, Any]:
        kwargs = servers.postgres_connect_kwargs()
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "HOST": kwargs["host"],
            "PORT": kwargs["port"],
            "USER": kwargs["user"],
            "PASSWORD": kwargs["password"] or "",
        }

    def run(self, database: str, sql: str) -> None:
        # Without parameters psycopg sends the text as one simple query: every statement of the file runs.
        with self._connect(database) as conn:
            conn.execute(sql)

    def catalog(self, database: str) -> dict[str, Any]:
        with self._connect(database) as conn:
            tables = conn.execute(
                """SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"""
            ).fetchall()
            result = {}
            for oid, name in sorted(tables, key=lambda t: t[1]):
                if name in IGNORED_TABLES:
                    continue
                columns = conn.execute(
                    """SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                              pg_get_expr(d.adbin, d.adrelid), a.attidentity
                       FROM pg_attribute a
                       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                       WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped""",
                    [oid],
                ).fetchall()
                result[name] = {
                    "columns": {c[0]: c[1:] for c in columns},
                    # Definitions name columns and targets: keys, uniques, checks, actions, deferrability.
                    "constraints": sorted(
                        conn.execute(
                            """SELECT conname, contype, pg_get_constraintdef(oid), condeferrable, condeferred
                               FROM pg_constraint WHERE conrelid = %s""",
                            [oid],
                        ).fetchall()
                    ),
                    # pg_get_indexdef: method, key order and direction, opclasses, uniqueness, predicate.
                    "indexes": sorted(
                        conn.execute(
                            """SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
                               JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = %s""",
                            [oid],
                        ).fetchall()
                    ),
                }
            return result


class MySQL(Engine):
    name, env, directory = "mysql", "mysql", "example/migrations_mysql"

    def _connect(self, database: str | None = None, multi: bool = False) -> Any:
        import pymysql
        from pymysql.constants import CLIENT

        kwargs = {**servers.mysql_connect_kwargs(), "database": database}
        return pymysql.connect(**kwargs, autocommit=True, client_flag=CLIENT.MULTI_STATEMENTS if multi else 0)

    @contextmanager
    def fresh(self, tmp: Path) -> Iterator[str]:
        name = f"graticule_evolution_{uuid.uuid4().hex[:10]}"
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        try:
            yield name
        finally:
            with self._connect() as conn, conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")

    def django_database(self, database: str) -> dict[str, Any]:
        kwargs = servers.mysql_connect_kwargs()
        return {
            "ENGINE": "django.db.backends.mysql",
            "NAME": database,
            "HOST": kwargs["host"],
            "PORT": kwargs["port"],
            "USER": kwargs["user"],
            "PASSWORD": kwargs["password"],
        }

    def run(self, database: str, sql: str) -> None:
        # One multi-statement query, as `mysql < file.sql` sends it; an error surfaces at its statement.
        with self._connect(database, multi=True) as conn, conn.cursor() as cur:
            cur.execute(sql)
            while cur.nextset():
                pass

    def catalog(self, database: str) -> dict[str, Any]:
        with self._connect(database) as conn, conn.cursor() as cur:

            def rows(sql: str, *params: Any) -> list[tuple]:
                cur.execute(sql, params)
                return [tuple(r) for r in cur.fetchall()]

            result = {}
            for name, collation in sorted(
                rows(
                    """SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES
                       WHERE TABLE_SCHEMA = %s AND TABLE_TYPE = 'BASE TABLE'""",
                    database,
                )
            ):
                if name in IGNORED_TABLES:
                    continue
                columns = rows(
                    """SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLLATION_NAME
                       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s""",
                    database,
                    name,
                )
                result[name] = {
                    "collation": collation,
                    "columns": {c[0]: c[1:] for c in columns},
                    "indexes": sorted(
                        rows(
                            """SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, COLLATION, SUB_PART
                               FROM information_schema.STATISTICS
                               WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s""",
                            database,
                            name,
                        )
                    ),
                    "foreign_keys": sorted(
                        _innodb_actions(row)
                        for row in rows(
                            """SELECT r.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME,
                                      k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
                               FROM information_schema.REFERENTIAL_CONSTRAINTS r
                               JOIN information_schema.KEY_COLUMN_USAGE k
                                 ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.TABLE_NAME = r.TABLE_NAME
                                AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME
                               WHERE r.CONSTRAINT_SCHEMA = %s AND r.TABLE_NAME = %s""",
                            database,
                            name,
                        )
                    ),
                    "checks": sorted(
                        rows(
                            """SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
                               WHERE CONSTRAINT_SCHEMA = %s AND TABLE_NAME = %s""",
                            database,
                            name,
                        )
                    ),
                }
            return result


def _innodb_actions(key: tuple) -> tuple:
    """InnoDB checks RESTRICT and NO ACTION alike, immediately; MariaDB reports an action left out as RESTRICT
    and one written out as NO ACTION (Atlas and graticule write it out, Django leaves it out)."""
    return (*key[:4], *("NO ACTION" if rule == "RESTRICT" else rule for rule in key[4:]))


ENGINES = {e.name: e for e in (SQLite(), PostgreSQL(), MySQL())}
