"""The PostgreSQL driver: dev databases, inspection, normalisation and planning."""

from __future__ import annotations

import psycopg

from ...changes import Change
from ...plan import Statement
from ...schema import Schema
from ...urls import DatabaseURL
from . import devdb as _devdb
from . import inspect as _inspect
from . import plan as _plan
from . import target as _target
from .conninfo import DEFAULT_SCHEMA
from .normalize import PostgresNormalizer


class PostgresDriver:
    name = "postgresql"
    lazy_fk_targets = False
    """PostgreSQL resolves a FOREIGN KEY's target while the DDL runs, so tables in a cycle are created
    first and the foreign keys closing the cycle added afterwards (see
    :func:`graticule.planner.diff.diff_schemas`)."""

    def __init__(self) -> None:
        self.normalizer = PostgresNormalizer()

    def inspect(self, conn: psycopg.Connection, schema: str | None = None) -> Schema:
        return _inspect.inspect_schema(conn, schema or DEFAULT_SCHEMA)

    def plan(self, changes: list[Change]) -> list[Statement]:
        return _plan.plan_changes(changes)

    def open_dev(self, url: DatabaseURL) -> _devdb.PostgresDevDatabase:
        return _devdb.open_dev_database(url)

    def connect(self, url: DatabaseURL, *, readonly: bool = True) -> _target.PostgresTarget:
        return _target.connect_target(url, readonly=readonly)

    def check_clean(self, conn: psycopg.Connection, schema: str | None = None) -> None:
        _inspect.check_clean(conn, schema or DEFAULT_SCHEMA)


DRIVER = PostgresDriver()
