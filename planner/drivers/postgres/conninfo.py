"""From a ``postgres://`` URL to a psycopg connection, as Atlas reads such URLs.

Query parameters are libpq connection parameters (``sslmode``, ``sslrootcert``, ``connect_timeout``, …),
passed through, except ``search_path``: as in Atlas it names the schema graticule works in, and becomes the
connection's search path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg

from ...errors import GraticuleError
from ...urls import DatabaseURL
from . import DEFAULT_SCHEMA  # defined once, in the package

DEFAULT_DATABASE = "postgres"


@dataclass(frozen=True)
class ConnInfo:
    host: str
    port: int
    user: str
    password: str
    dbname: str
    schema: str
    """The one schema graticule inspects and plans for: the URL's ``search_path``, else ``public``."""
    params: dict[str, str] = field(default_factory=dict)
    """Other libpq parameters from the URL's query string."""
    redacted: str = ""

    def kwargs(self, dbname: str | None = None) -> dict[str, Any]:
        """psycopg.connect keyword arguments, for ``dbname`` when given (a scratch database)."""
        out: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "dbname": dbname or self.dbname,
            **self.params,
        }
        if self.password:
            out["password"] = self.password
        return out


def conninfo(url: DatabaseURL) -> ConnInfo:
    params = dict(url.query)
    search_path = params.pop("search_path", "")
    # Atlas takes the first schema of a search_path list; quoting around it is not part of the name.
    schema = search_path.split(",")[0].strip().strip('"') or DEFAULT_SCHEMA
    return ConnInfo(
        host=url.host or "localhost",
        port=url.port or 5432,
        user=url.user or "postgres",
        password=url.password,
        dbname=url.path or DEFAULT_DATABASE,
        schema=schema,
        params=params,
        redacted=url.redacted,
    )


def connect(info: ConnInfo, dbname: str | None = None, *, readonly: bool = False) -> psycopg.Connection:
    """An autocommit connection whose search path is the working schema.

    Autocommit, so a failing statement leaves no transaction half-open and every statement of a migration file
    runs as written. Server-side prepared statements are off: the same DDL text may run many times (resets)
    and must never be served from a plan prepared for objects that have since been dropped.
    """
    options = f"-c search_path={_option_value(info.schema)}"
    if readonly:
        options += " -c default_transaction_read_only=on"
    try:
        conn = psycopg.connect(
            **info.kwargs(dbname), autocommit=True, prepare_threshold=None, options=options
        )
    except psycopg.Error as e:
        target = dbname or info.dbname
        raise GraticuleError(f"{info.redacted}: cannot connect to database {target!r}: {one_line(e)}") from e
    return conn


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def one_line(error: Exception) -> str:
    """A database error as one line: the server's primary message, with its detail when it has one."""
    diag = getattr(error, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if not primary:
        return " ".join(str(error).split())
    detail = getattr(diag, "message_detail", None)
    return f"{primary} ({detail})" if detail else primary


def _option_value(schema: str) -> str:
    # The value travels in libpq's options string: spaces and backslashes are escaped with a backslash, and
    # the identifier is double-quoted so that upper case and odd characters survive.
    quoted = quote_ident(schema)
    return quoted.replace("\\", "\\\\").replace(" ", "\\ ")
