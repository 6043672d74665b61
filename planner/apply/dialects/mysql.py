"""Applying to MySQL/MariaDB: ``GET_LOCK``, DDL that commits implicitly, the revisions table in the database.

- Where the table lives: ``--revisions-schema`` (a database, created when missing), else the URL's database.
- Lock: ``GET_LOCK('atlas_migrate_execute', <timeout>)``, Atlas's name. Named locks are server-wide, so
  appliers on different databases of one server also take turns (as Atlas's do); the server releases the
  lock when the session ends (kill -9 included).
- Transactions: every DDL statement commits the open transaction before it runs, so a transaction cannot
  undo DDL. The executor therefore asks :meth:`MySQLTarget.in_transaction` (the server's status flag) after
  a failure: when the transaction already ended, the statements before the failing one are committed and the
  revisions row records them (applied/total, error, statement, partial hashes).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pymysql
from pymysql.constants import SERVER_STATUS

from ...drivers import get_driver
from ...drivers.mysql.devdb import connect, message
from ...drivers.mysql.inspect import SCHEMA_OBJECTS
from ...drivers.mysql.server import Server
from ...errors import GraticuleError
from ...urls import DatabaseURL
from ..revisions import COLUMNS, DEFAULT_SCHEMA, TABLE
from . import LOCK_NAME, LockedError, StatementError, Target


def revisions_ddl(table: str, maria: bool) -> str:
    # Atlas's ent schema for MySQL; on MariaDB ent leaves the TIMESTAMP column nullable (MariaDB would
    # otherwise give it DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP).
    executed_at = "timestamp NULL" if maria else "timestamp NOT NULL"
    return (
        f"CREATE TABLE {table} (`version` varchar(255) NOT NULL, `description` varchar(255) NOT NULL, "
        "`type` bigint unsigned NOT NULL DEFAULT 2, `applied` bigint NOT NULL DEFAULT 0, "
        f"`total` bigint NOT NULL DEFAULT 0, `executed_at` {executed_at}, `execution_time` bigint NOT NULL, "
        "`error` longtext NULL, `error_stmt` longtext NULL, `hash` varchar(255) NOT NULL, "
        "`partial_hashes` json NULL, `operator_version` varchar(255) NOT NULL, PRIMARY KEY (`version`)) "
        "CHARSET utf8mb4 COLLATE utf8mb4_bin"
    )


class MySQLTarget(Target):
    dialect = "mysql"
    driver_name = "mysql"
    transactional_ddl = False

    def __init__(self, url: DatabaseURL, conn: Any, revisions_schema: str, database: str) -> None:
        super().__init__(url, conn, revisions_schema, database)
        self.server = Server.from_version(self.query("SELECT VERSION()")[0][0])
        if url.dialect == "mariadb":
            self.driver_name = "mariadb"

    def quote(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    @property
    def usable(self) -> bool:
        return bool(self.conn.open)

    def execute(self, sql: str) -> None:
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql)
                while cur.nextset():  # CALL and multi-result statements: drain every result
                    pass
        except pymysql.MySQLError as e:
            raise StatementError(message(e)) from e
        except KeyboardInterrupt:
            self._kill_running_statement()
            raise

    def _kill_running_statement(self) -> None:
        """After Ctrl-C in the middle of a statement: stop it on the server and drop the connection.

        The client stopped reading half-way through the exchange, so the connection cannot be used again.
        Closing it alone would leave the server running the statement (an ALTER TABLE runs to completion
        and commits, behind the revisions table's back); ``KILL QUERY`` from a second session stops it, and
        the server then rolls back the dropped session's open transaction (the statements and row updates
        since the last commit point, together).
        """
        thread_id = self.conn.thread_id()
        with contextlib.suppress(Exception):
            side = connect(self.url)
            try:
                with side.cursor() as cur:
                    cur.execute("KILL QUERY %s", (thread_id,))
            finally:
                side.close()
        with contextlib.suppress(Exception):
            self.conn._force_close()  # no COM_QUIT on a socket in the middle of a reply

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql, tuple(params) if params else None)
                return list(cur.fetchall())
        except pymysql.MySQLError as e:
            raise GraticuleError(f"{self.url.redacted}: {message(e)}") from e

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.query(sql, params)

    def in_transaction(self, refresh: bool = False) -> bool:
        # The server's status flags come with every OK packet and result; an error packet carries none, so
        # after an error a cheap query refreshes them.
        if refresh:
            self.query("SELECT 1")
        return bool(self.conn.server_status & SERVER_STATUS.SERVER_STATUS_IN_TRANS)

    def rollback(self) -> None:
        self.run("ROLLBACK")

    # ---- lock ----------------------------------------------------------------------------------------

    def lock(self, timeout: float) -> None:
        try:
            got = self.query("SELECT GET_LOCK(%s, %s)", (LOCK_NAME, max(int(timeout), 0)))[0][0]
        except KeyboardInterrupt:  # Ctrl-C while the server waits for the lock
            self._kill_running_statement()
            raise
        if got is None:
            raise GraticuleError(f'{self.url.redacted}: GET_LOCK("{LOCK_NAME}") failed (internal error)')
        if not got:
            raise LockedError()

    def unlock(self) -> None:
        # Best effort: a broken session has released its locks already, and the original error matters more.
        with contextlib.suppress(GraticuleError, pymysql.MySQLError):
            if self.conn.open:
                self.query("SELECT RELEASE_LOCK(%s)", (LOCK_NAME,))

    def close(self) -> None:
        if self.conn.open:
            self.conn.close()

    # ---- revisions table -----------------------------------------------------------------------------

    def revisions_table_exists(self, schema: str | None = None) -> bool:
        rows = self.query(
            "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s",
            (schema or self.revisions_schema, TABLE),
        )
        return bool(rows)

    def create_revisions_table(self) -> None:
        assert self.revisions_schema is not None
        if self.revisions_schema != self.url_schema:
            self.run(f"CREATE DATABASE IF NOT EXISTS {self.quote(self.revisions_schema)}")
        self.run(revisions_ddl(self.table, self.server.maria))

    def first_object(self) -> str | None:
        schema = self.url_schema
        for kind, name in self.query(SCHEMA_OBJECTS, (schema, schema, schema)):
            if kind == "table" and name == TABLE and self.revisions_schema == schema:
                continue
            return f'found {kind} "{name}" in schema "{schema}"'
        return None

    def legacy_revisions_table(self) -> bool:
        return not self.revisions_table_exists(self.url_schema) and self.revisions_table_exists(
            DEFAULT_SCHEMA
        )

    def encode_time(self, value: datetime) -> Any:
        # Atlas's Go driver sends UTC; TIMESTAMP keeps whole seconds (a fraction would be rounded).
        return value.astimezone(UTC).replace(tzinfo=None, microsecond=0)

    def upsert_sql(self) -> str:
        cols = ", ".join(self.quote(c) for c in COLUMNS)
        marks = ", ".join("%s" for _ in COLUMNS)
        updates = ", ".join(f"{self.quote(c)} = VALUES({self.quote(c)})" for c in self._update_columns())
        return f"INSERT INTO {self.table} ({cols}) VALUES ({marks}) ON DUPLICATE KEY UPDATE {updates}"


def open_target(url: DatabaseURL, revisions_schema: str | None, *, create: bool) -> MySQLTarget:
    connection = get_driver(url.dialect).connect(url, readonly=False)
    return MySQLTarget(url, connection.conn, revisions_schema or connection.schema, connection.schema)
