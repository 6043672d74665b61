"""MySQL/MariaDB dev databases: a scratch database per run on an existing server.

``mysql://user:pass@host:3306/db`` (also ``mariadb://``, ``maria://``) names a server. graticule creates
``graticule_dev_<random>`` there, plans in it and drops it when the run ends — on success, on error and on
Ctrl-C. A user who may not create databases can still plan: the database named in the URL is then used, but
only if it is clean (graticule never modifies a database that holds objects); it is emptied at the end.
"""

from __future__ import annotations

import contextlib
import secrets
import ssl
from typing import Any

import pymysql

from ...errors import ExecutionError, GraticuleError
from ...urls import DatabaseURL
from .inspect import check_clean, server_of
from .server import Server
from .sql import quote_ident

SCRATCH_PREFIX = "graticule_dev_"

# Server error codes for "you may not create a database".
_ACCESS_DENIED = {1044, 1045, 1142, 1227}


class MySQLDevDatabase:
    """A database on a MySQL/MariaDB server that the planner may freely fill and empty."""

    def __init__(self, url: DatabaseURL) -> None:
        self.url = url
        self.conn: Any = None
        self.schema = ""
        self.scratch = False
        """True when graticule created the database (and drops it on close)."""
        self.server: Server | None = None
        self._closed = False
        self.conn = connect(url)
        try:
            self.server = server_of(self.conn)
            self._open_database()
        except BaseException:
            self.close()
            raise

    def _open_database(self) -> None:
        name = SCRATCH_PREFIX + secrets.token_hex(6)
        try:
            _run(self.conn, f"CREATE DATABASE {quote_ident(name)}")
        except pymysql.MySQLError as e:
            if _code(e) not in _ACCESS_DENIED:
                where = self.url.redacted
                raise GraticuleError(f"cannot create a dev database on {where}: {message(e)}") from e
            self._use_named_database(e)
            return
        self.schema, self.scratch = name, True  # from here on, close() drops it
        _run(self.conn, f"USE {quote_ident(name)}")

    def _use_named_database(self, denied: pymysql.MySQLError) -> None:
        """No CREATE DATABASE privilege: plan in the URL's database, if it is clean."""
        if not self.url.path:
            raise GraticuleError(
                f"cannot create a dev database on {self.url.redacted} ({message(denied)}) and the URL names "
                "no database to use instead"
            ) from denied
        name = self.url.path
        try:
            _run(self.conn, f"USE {quote_ident(name)}")
        except pymysql.MySQLError as e:
            raise GraticuleError(f"cannot use dev database {self.url.redacted}: {message(e)}") from e
        check_clean(self.conn, name)
        # Only now is it ours to empty: close() cleans up ``self.schema``, and a database that was not clean
        # must come out of a failed open untouched.
        self.schema = name

    def execute(self, sql: str) -> None:
        try:
            _run(self.conn, sql)
        except pymysql.MySQLError as e:
            raise ExecutionError(message(e)) from e

    def reset(self) -> None:
        """Return to an empty database."""
        if self.scratch:
            _run(self.conn, f"DROP DATABASE IF EXISTS {quote_ident(self.schema)}")
            _run(self.conn, f"CREATE DATABASE {quote_ident(self.schema)}")
            _run(self.conn, f"USE {quote_ident(self.schema)}")
        else:
            _empty(self.conn, self.schema)

    def close(self) -> None:
        """Drop the scratch database (or empty the borrowed one) and disconnect. Safe to call twice, and after
        an interrupted statement: the cleanup then runs on a fresh connection."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.schema:
                self._cleanup()
        finally:
            _disconnect(self.conn)

    def _cleanup(self) -> None:
        try:
            self._drop_or_empty(self.conn)
            return
        except Exception:
            pass  # the connection may be mid-statement (Ctrl-C) or gone: try once more on a new one
        conn = connect(self.url)
        try:
            self._drop_or_empty(conn)
        finally:
            _disconnect(conn)

    def _drop_or_empty(self, conn: Any) -> None:
        if self.scratch:
            _run(conn, f"DROP DATABASE IF EXISTS {quote_ident(self.schema)}")
        else:
            _empty(conn, self.schema)


def open_dev_database(url: DatabaseURL) -> MySQLDevDatabase:
    return MySQLDevDatabase(url)


def connect(url: DatabaseURL) -> Any:
    """An autocommit PyMySQL connection to the URL's server, with no database selected.

    ``?tls=true`` connects over TLS with the certificate checked, ``?tls=skip-verify`` without the check (the
    values Atlas's URLs use); ``?charset=`` picks the connection character set (utf8mb4 by default).
    """
    kwargs: dict[str, Any] = {
        "host": url.host or "127.0.0.1",
        "port": url.port or 3306,
        "user": url.user or "root",
        "password": url.password,
        "charset": url.query.get("charset", "utf8mb4"),
        "autocommit": True,
        "connect_timeout": 10,
    }
    tls = url.query.get("tls", "false")
    if tls == "true":
        kwargs.update(ssl_verify_cert=True, ssl_verify_identity=True)
    elif tls == "skip-verify":
        kwargs["ssl"] = {"check_hostname": False, "verify_mode": ssl.CERT_NONE}
    try:
        return pymysql.connect(**kwargs)
    except pymysql.MySQLError as e:
        raise GraticuleError(f"cannot connect to {url.redacted}: {message(e)}") from e


_OBJECTS = """
SELECT CASE TABLE_TYPE WHEN 'VIEW' THEN 'VIEW' WHEN 'SEQUENCE' THEN 'SEQUENCE' ELSE 'TABLE' END, TABLE_NAME
FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s
UNION ALL SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s
UNION ALL SELECT 'EVENT', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = %s
"""


def _empty(conn: Any, schema: str) -> None:
    """Drop every object of a borrowed database (it was clean when opened, so all of them are ours)."""
    with conn.cursor() as cur:
        cur.execute(_OBJECTS, (schema, schema, schema))
        objects = list(cur.fetchall())
    # Foreign keys between the tables would otherwise dictate a drop order.
    _run(conn, "SET FOREIGN_KEY_CHECKS = 0")
    try:
        for kind, name in sorted(objects, key=lambda o: o[0] != "VIEW"):  # views first: they name tables
            _run(conn, f"DROP {kind} IF EXISTS {quote_ident(schema)}.{quote_ident(name)}")
    finally:
        _run(conn, "SET FOREIGN_KEY_CHECKS = 1")


def _run(conn: Any, sql: str) -> None:
    with conn.cursor() as cur:
        cur.execute(sql)


def _disconnect(conn: Any) -> None:
    if conn is None:
        return
    # Already closed, or the socket is gone: nothing left to release.
    with contextlib.suppress(Exception):
        conn.close()


def _code(error: pymysql.MySQLError) -> int | None:
    return error.args[0] if error.args and isinstance(error.args[0], int) else None


def message(error: pymysql.MySQLError) -> str:
    """The server's own message (PyMySQL's args are ``(code, message)``)."""
    if len(error.args) >= 2:
        return str(error.args[1])
    return str(error)
