"""The SQLite driver: inspection, normalisation and planning (with Atlas-style table rebuilds)."""

from __future__ import annotations

import sqlite3

from ...changes import Change
from ...plan import Statement
from ...schema import Schema
from ...urls import DatabaseURL
from . import devdb as _devdb
from . import inspect as _inspect
from . import plan as _plan
from . import target as _target
from .normalize import SQLiteNormalizer


class SQLiteDriver:
    name = "sqlite"
    lazy_fk_targets = True
    """SQLite resolves a FOREIGN KEY's target table only when rows are written, never while DDL runs, so the
    diff keeps foreign keys of tables in a cycle inline (see :func:`graticule.planner.diff.diff_schemas`)."""

    def __init__(self) -> None:
        self.normalizer = SQLiteNormalizer()

    def inspect(self, conn: sqlite3.Connection, schema: str | None = None) -> Schema:
        return _inspect.inspect_schema(conn, schema or "main")

    def plan(self, changes: list[Change]) -> list[Statement]:
        return _plan.plan_changes(changes)

    def open_dev(self, url: DatabaseURL) -> _devdb.SQLiteDevDatabase:
        return _devdb.open_dev_database(url)

    def connect(self, url: DatabaseURL, *, readonly: bool = True) -> _target.SQLiteTarget:
        return _target.connect_target(url, readonly=readonly)

    def check_clean(self, conn: sqlite3.Connection, schema: str | None = None) -> None:
        _inspect.check_clean(conn, schema or "main")


DRIVER = SQLiteDriver()
