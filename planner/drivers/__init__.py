"""Database drivers: one package per dialect, each with ``inspect``, ``plan`` and ``normalize`` modules.

Everything dialect-specific lives below this package. The rest of the planner talks to a driver only through
the :class:`Driver` protocol and picks one with :func:`get_driver`.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

from ..changes import Change
from ..plan import Statement
from ..schema import Column, Schema
from ..urls import DatabaseURL


class Normalizer(Protocol):
    """Dialect rules for *comparing* schema values: each method returns a canonical key; equal keys, equal."""

    def type_key(self, column: Column) -> str: ...

    def default_key(self, column: Column) -> str | None: ...

    def expr_key(self, sql: str | None) -> str | None:
        """Canonical form of an SQL expression (checks, index predicates/expressions, generated columns)."""
        ...


class DevConnection(Protocol):
    """A disposable database opened for planning: always clean when handed out, emptied by ``reset``."""

    conn: Any
    schema: str

    def execute(self, sql: str) -> None:
        """Run one statement; a database error becomes ExecutionError with the database's message."""
        ...

    def reset(self) -> None: ...

    def close(self) -> None: ...


class Connection(Protocol):
    """A database the user named (``--url``), with the schema graticule works in."""

    conn: Any
    schema: str

    def close(self) -> None: ...


class Driver(Protocol):
    name: str
    normalizer: Normalizer
    lazy_fk_targets: bool
    """True when the database checks foreign-key targets only when rows are written, never while DDL runs
    (SQLite): the diff then keeps foreign keys of tables in a cycle inline instead of adding them later."""

    def inspect(self, conn: Any, schema: str | None = None) -> Schema:
        """Read the schema (tables and everything in them) from a live connection."""
        ...

    def plan(self, changes: list[Change]) -> list[Statement]:
        """Turn changes into ordered SQL statements for this dialect."""
        ...

    def open_dev(self, url: DatabaseURL) -> DevConnection:
        """Open a dev database for the URL; refuse (NotCleanError) one that is not clean."""
        ...

    def connect(self, url: DatabaseURL, *, readonly: bool = True) -> Connection:
        """Open the database a URL names (never creating it), read-only where the dialect can enforce it."""
        ...

    def check_clean(self, conn: Any, schema: str | None = None) -> None:
        """Raise :class:`~graticule.planner.errors.NotCleanError` if the database holds any object."""
        ...


# Dialect name → driver package. MySQL and MariaDB share one driver that knows both flavours.
_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}


def get_driver(dialect: str) -> Driver:
    """The driver for a dialect name (``sqlite``, ...)."""
    try:
        module = importlib.import_module(f"{__name__}.{_DRIVERS[dialect]}")
    except KeyError:
        from ..errors import GraticuleError

        raise GraticuleError(f"unsupported dialect {dialect!r}") from None
    return module.DRIVER
