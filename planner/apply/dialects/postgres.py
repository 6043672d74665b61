"""Applying to PostgreSQL: a session advisory lock, transactional DDL, the revisions table by Atlas's rules.

- Where the table lives: ``--revisions-schema``; else the URL's ``search_path`` schema; else (the URL names
  the whole database) the schema ``atlas_schema_revisions``, created when missing.
- Lock: ``pg_try_advisory_lock(<FNV-1 32-bit hash of "atlas_migrate_execute">)``, polled with backoff until
  ``--lock-timeout``: the key Atlas uses, so Atlas and graticule appliers exclude each other. A session lock:
  it outlives transactions and rollbacks and is released when the session ends (kill -9 included).
- Clean check: with a ``search_path`` the named schema must hold nothing but the revisions table; without
  one (Atlas's "realm" mode) ``public`` must be empty, the revisions schema hold only the revisions table,
  and no other user schema exist.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.types.json import Jsonb

from ...drivers import get_driver
from ...drivers.postgres.conninfo import conninfo, one_line
from ...errors import GraticuleError
from ...urls import DatabaseURL
from ..revisions import COLUMNS, DEFAULT_SCHEMA, TABLE
from . import LOCK_NAME, LockedError, StatementError, Target

REVISIONS_COLUMNS = (
    '"version" character varying NOT NULL, "description" character varying NOT NULL, '
    '"type" bigint NOT NULL DEFAULT 2, "applied" bigint NOT NULL DEFAULT 0, '
    '"total" bigint NOT NULL DEFAULT 0, '
    '"executed_at" timestamptz NOT NULL, "execution_time" bigint NOT NULL, "error" text NULL, '
    '"error_stmt" text NULL, "hash" character varying NOT NULL, "partial_hashes" jsonb NULL, '
    '"operator_version" character varying NOT NULL, PRIMARY KEY ("version")'
)

_OBJECTS = """
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                      WHEN 'f' THEN 'foreign table' ELSE 'table' END, c.relname,
       CASE WHEN c.relkind IN ('r', 'p') THEN 0 ELSE 1 END AS rank
FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
UNION ALL
SELECT 'type', t.typname, 2
FROM pg_catalog.pg_type AS t JOIN pg_catalog.pg_namespace AS n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_class AS c ON c.oid = t.typrelid
WHERE n.nspname = %(schema)s AND (t.typtype IN ('e', 'd', 'r') OR c.relkind = 'c')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d WHERE d.classid = 'pg_catalog.pg_type'::regclass
                  AND d.objid = t.oid AND d.deptype = 'e')
UNION ALL
SELECT 'function', p.proname, 3
FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
WHERE n.nspname = %(schema)s
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 3, 2
"""

_USER_SCHEMAS = """
SELECT n.nspname FROM pg_catalog.pg_namespace AS n
WHERE n.nspname NOT LIKE 'pg\\_%%' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d
                  WHERE d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid
                    AND d.deptype = 'e')
ORDER BY n.nspname
"""


def lock_key(name: str = LOCK_NAME) -> int:
    """Go's ``fnv.New32()`` (FNV-1, 32 bits) of the lock name: Atlas's advisory-lock key."""
    h = 0x811C9DC5
    for byte in name.encode("utf-8"):
        h = (h * 0x01000193) & 0xFFFFFFFF
        h ^= byte
    return h


class PostgresTarget(Target):
    dialect = "postgresql"
    driver_name = "postgres"

    def execute(self, sql: str) -> None:
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql)
        except psycopg.Error as e:
            raise StatementError(one_line(e)) from e

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]:
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql, params or None)
                return list(cur.fetchall()) if cur.description else []
        except psycopg.Error as e:
            raise GraticuleError(f"{self.url.redacted}: {one_line(e)}") from e

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.query(sql, params)

    def in_transaction(self, refresh: bool = False) -> bool:
        return self.conn.info.transaction_status != TransactionStatus.IDLE

    def rollback(self) -> None:
        if self.in_transaction():
            self.run("ROLLBACK")

    # ---- lock ----------------------------------------------------------------------------------------

    def lock(self, timeout: float) -> None:
        key = lock_key()
        deadline = time.monotonic() + max(timeout, 0)
        pause = 0.025
        while True:
            if self.query("SELECT pg_try_advisory_lock(%s)", (key,))[0][0]:
                return
            if time.monotonic() >= deadline:
                raise LockedError()
            # Jittered exponential backoff (Atlas's: 25 ms doubling up to 1 s).
            step = min(pause, 1.0)
            time.sleep(min(step + random.uniform(0, step), max(deadline - time.monotonic(), 0.001)))
            pause *= 2

    def unlock(self) -> None:
        # Best effort: a broken session has released its locks already, and the original error matters more.
        with contextlib.suppress(GraticuleError, psycopg.Error):
            if not self.conn.closed:
                self.rollback()
                self.query("SELECT pg_advisory_unlock(%s)", (lock_key(),))

    # ---- revisions table -----------------------------------------------------------------------------

    def revisions_table_exists(self, schema: str | None = None) -> bool:
        rows = self.query(
            "SELECT 1 FROM pg_catalog.pg_class AS c "
            "JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s AND c.relkind IN ('r', 'p')",
            (schema or self.revisions_schema, TABLE),
        )
        return bool(rows)

    def create_revisions_table(self) -> None:
        assert self.revisions_schema is not None
        if not self.query(
            "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = %s", (self.revisions_schema,)
        ):
            self.run(f"CREATE SCHEMA {self.quote(self.revisions_schema)}")
        self.run(f"CREATE TABLE {self.table} ({REVISIONS_COLUMNS})")

    def _objects(self, schema: str) -> list[tuple[str, str]]:
        rows = self.query(_OBJECTS, {"schema": schema})
        return [
            (kind, name)
            for kind, name, _ in rows
            if not (kind == "table" and name == TABLE and schema == self.revisions_schema)
        ]

    def first_object(self) -> str | None:
        if self.url_schema:
            objects = self._objects(self.url_schema)
            if objects:
                kind, name = objects[0]
                return f'found {kind} "{name}" in schema "{self.url_schema}"'
            return None
        for (schema,) in self.query(_USER_SCHEMAS):
            objects = self._objects(schema)
            if schema in ("public", self.revisions_schema):
                if objects:
                    kind, name = objects[0]
                    return f'found {kind} "{name}" in schema "{schema}"'
                continue
            return f'found schema "{schema}"'
        return None

    def legacy_revisions_table(self) -> bool:
        return (
            bool(self.url_schema)
            and not self.revisions_table_exists(self.url_schema)
            and self.revisions_table_exists(DEFAULT_SCHEMA)
        )

    def encode_json(self, value: list[str] | None) -> Any:
        return Jsonb(value)

    def upsert_sql(self) -> str:
        cols = ", ".join(self.quote(c) for c in COLUMNS)
        marks = ", ".join("%s" for _ in COLUMNS)
        updates = ", ".join(f"{self.quote(c)} = EXCLUDED.{self.quote(c)}" for c in self._update_columns())
        return (
            f"INSERT INTO {self.table} ({cols}) VALUES ({marks}) "
            f"ON CONFLICT ({self.quote('version')}) DO UPDATE SET {updates}"
        )


def open_target(url: DatabaseURL, revisions_schema: str | None, *, create: bool) -> PostgresTarget:
    # Atlas's URL.Schema: set only when the URL names one; graticule's driver defaults its working schema
    # to public either way, but where the revisions table lives depends on whether the URL said so.
    url_schema = conninfo(url).schema if url.query.get("search_path", "").strip() else ""
    connection = get_driver("postgresql").connect(url, readonly=False)
    return PostgresTarget(url, connection.conn, revisions_schema or url_schema or DEFAULT_SCHEMA, url_schema)
