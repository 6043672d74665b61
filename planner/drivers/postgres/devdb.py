"""PostgreSQL dev databases: a scratch database per run on the server a ``postgres://`` URL names.

The scratch database (``graticule_dev_<random>``, from ``template0`` so it holds nothing) is created on open
and dropped on close, which the caller's context manager runs on success, error and Ctrl-C alike; leftover
sessions are terminated first so the drop cannot be blocked. Where the user may not create databases, the
named database itself is used, but only if its schema is clean, and everything graticule created in it is
dropped again on reset and close.
"""

from __future__ import annotations

import contextlib
import secrets
import warnings

import psycopg
from psycopg import errors as pg_errors

from ...errors import ExecutionError, GraticuleError
from ...urls import DatabaseURL
from .conninfo import ConnInfo, connect, conninfo, one_line, quote_ident
from .inspect import check_clean

SCRATCH_PREFIX = "graticule_dev_"
# DROP DATABASE … WITH (FORCE) exists from PostgreSQL 13 on.
_FORCE_DROP_VERSION = 130000

_SYSTEM_SCHEMAS = "nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"

# What a clean schema may hold once graticule has used it, to drop on reset in a borrowed database. Extensions
# first (their objects go with them), then relations, types and routines that no extension owns.
_OWNED_OBJECTS = """
SELECT 'EXTENSION', quote_ident(x.extname) FROM pg_catalog.pg_extension AS x
JOIN pg_catalog.pg_namespace AS n ON n.oid = x.extnamespace WHERE n.nspname = %(schema)s
UNION ALL
SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                      WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS e
                  WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
UNION ALL
SELECT CASE ty.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
       quote_ident(n.nspname) || '.' || quote_ident(ty.typname)
FROM pg_catalog.pg_type AS ty JOIN pg_catalog.pg_namespace AS n ON n.oid = ty.typnamespace
LEFT JOIN pg_catalog.pg_class AS c ON c.oid = ty.typrelid
WHERE n.nspname = %(schema)s AND (ty.typtype IN ('e', 'd', 'r') OR c.relkind = 'c')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS e
                  WHERE e.classid = 'pg_catalog.pg_type'::regclass AND e.objid = ty.oid AND e.deptype = 'e')
UNION ALL
SELECT 'ROUTINE', p.oid::regprocedure::text
FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
WHERE n.nspname = %(schema)s
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS e
                  WHERE e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
"""


class PostgresDevDatabase:
    """A clean PostgreSQL schema the planner may fill and empty at will."""

    def __init__(self, info: ConnInfo) -> None:
        self.info = info
        self.schema = info.schema
        self.scratch: str | None = None
        """Name of the scratch database, or None when the named database is borrowed."""
        self.created_schema = False
        self.borrowed_clean = False
        """A borrowed database passed the clean check: only then may graticule drop what its schema holds."""
        self.conn: psycopg.Connection | None = None
        self._admin: psycopg.Connection | None = connect(info)
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        assert self._admin is not None
        name = SCRATCH_PREFIX + secrets.token_hex(6)
        try:
            self._admin.execute(f"CREATE DATABASE {quote_ident(name)} TEMPLATE template0")
        except pg_errors.InsufficientPrivilege:
            self._borrow_named_database()
            return
        except psycopg.Error as e:
            raise GraticuleError(
                f"{self.info.redacted}: cannot create a scratch database: {one_line(e)}"
            ) from e
        self.scratch = name
        self.conn = connect(self.info, name)
        self._create_schema()

    def _borrow_named_database(self) -> None:
        """No right to create databases: work in the named one, which must be clean (never touch data)."""
        self.conn, self._admin = self._admin, None
        assert self.conn is not None
        try:
            query = "SELECT 1 FROM pg_namespace WHERE nspname = %s"
            if self.conn.execute(query, (self.schema,)).fetchone() is None:
                self._create_schema()
                self.created_schema = True
        except psycopg.Error as e:
            raise GraticuleError(
                f"{self.info.redacted}: may not create a scratch database, nor schema "
                f'"{self.schema}" in the named one: {one_line(e)}'
            ) from e
        check_clean(self.conn, self.schema)
        self.borrowed_clean = True

    def _create_schema(self) -> None:
        assert self.conn is not None
        self.conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(self.schema)}")

    # ---- DevConnection -------------------------------------------------------------------------------------

    def execute(self, sql: str) -> None:
        assert self.conn is not None
        try:
            self.conn.execute(sql)  # type: ignore[arg-type]  # text from files and plans, not a literal
        except psycopg.Error as e:
            raise ExecutionError(one_line(e)) from e

    def reset(self) -> None:
        """Return to an empty schema: recreate the scratch database's schemas, or drop what we created."""
        assert self.conn is not None
        if self.scratch is not None:
            self._reset_scratch()
        elif self.borrowed_clean:
            self._drop_owned_objects()

    def _reset_scratch(self) -> None:
        assert self.conn is not None
        schemas = [
            name for (name,) in self.conn.execute(f"SELECT nspname FROM pg_namespace WHERE {_SYSTEM_SCHEMAS}")
        ]
        extensions = [
            name
            for (name,) in self.conn.execute("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")
        ]
        statements = [f"DROP EXTENSION IF EXISTS {quote_ident(x)} CASCADE" for x in extensions]
        statements += [f"DROP SCHEMA IF EXISTS {quote_ident(s)} CASCADE" for s in schemas]
        statements += [f"CREATE SCHEMA {quote_ident(s)}" for s in dict.fromkeys(["public", self.schema])]
        self.conn.execute("; ".join(statements))  # type: ignore[arg-type]

    def _drop_owned_objects(self) -> None:
        """The borrowed schema was clean when opened, so everything in it now is ours."""
        assert self.conn is not None
        rows = self.conn.execute(_OWNED_OBJECTS, {"schema": self.schema}).fetchall()
        for kind, name in rows:
            self.conn.execute(f"DROP {kind} IF EXISTS {name} CASCADE")  # type: ignore[arg-type]

    def close(self) -> None:
        """Drop the scratch database (or empty the borrowed schema) and close every connection.

        Never raises: it runs while another error may be propagating. What could not be cleaned is reported as
        a warning naming the database, so it can be dropped by hand.
        """
        if self.borrowed_clean and self.conn is not None and not self.conn.closed:
            try:
                self._drop_owned_objects()
                if self.created_schema:
                    self.conn.execute(f"DROP SCHEMA IF EXISTS {quote_ident(self.schema)} CASCADE")
            except psycopg.Error as e:
                warnings.warn(
                    f'could not drop the objects graticule created in schema "{self.schema}" of '
                    f"{self.info.redacted}: {one_line(e)}",
                    stacklevel=2,
                )
        _close_quietly(self.conn)
        self.conn = None
        if self.scratch is not None:
            self._drop_scratch(self.scratch)
            self.scratch = None
        _close_quietly(self._admin)
        self._admin = None

    def _drop_scratch(self, name: str) -> None:
        try:
            admin = self._admin if self._admin is not None and not self._admin.closed else None
            if admin is None or admin.info.transaction_status == psycopg.pq.TransactionStatus.UNKNOWN:
                _close_quietly(admin)
                admin = self._admin = connect(self.info)
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            force = " WITH (FORCE)" if admin.info.server_version >= _FORCE_DROP_VERSION else ""
            admin.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)}{force}")  # type: ignore[arg-type]
        except (psycopg.Error, GraticuleError) as e:
            warnings.warn(
                f'could not drop scratch database "{name}" on {self.info.redacted}: {one_line(e)}; '
                "drop it by hand",
                stacklevel=3,
            )


def _close_quietly(conn: psycopg.Connection | None) -> None:
    if conn is None:
        return
    with contextlib.suppress(psycopg.Error):
        conn.close()


def open_dev_database(url: DatabaseURL) -> PostgresDevDatabase:
    return PostgresDevDatabase(conninfo(url))
