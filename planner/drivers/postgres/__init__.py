"""The PostgreSQL driver: dev databases, inspection, normalisation and planning."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...changes import Change
from ...plan import Statement
from ...schema import Schema
from ...urls import DatabaseURL
from .normalize import PostgresNormalizer

if TYPE_CHECKING:
    import psycopg

    from .devdb import PostgresDevDatabase
    from .target import PostgresTarget

# psycopg (and the modules that use it) load on the first connection, not with the package: the lint
# analyzers read this package's type tables, and a SQLite run should not pay for a PostgreSQL client.
DEFAULT_SCHEMA = "public"


class PostgresDriver:
    name = "postgresql"
    lazy_fk_targets = False
    """PostgreSQL resolves a FOREIGN KEY's target while the DDL runs, so tables in a cycle are created
    first and the foreign keys closing the cycle added afterwards (see
    :func:`graticule.planner.diff.diff_schemas`)."""

    def __init__(self) -> None:
        self.normalizer = PostgresNormalizer()

    def inspect(self, conn: psycopg.Connection, schema: str | None = None) -> Schema:
        from .inspect import inspect_schema

        return inspect_schema(conn, schema or DEFAULT_SCHEMA)

    def plan(self, changes: list[Change]) -> list[Statement]:
        from .plan import plan_changes

        return plan_changes(changes)

    def open_dev(self, url: DatabaseURL) -> PostgresDevDatabase:
        from .devdb import open_dev_database

        return open_dev_database(url)

    def connect(self, url: DatabaseURL, *, readonly: bool = True) -> PostgresTarget:
        from .target import connect_target

        return connect_target(url, readonly=readonly)

    def check_clean(self, conn: psycopg.Connection, schema: str | None = None) -> None:
        from .inspect import check_clean

        check_clean(conn, schema or DEFAULT_SCHEMA)


DRIVER = PostgresDriver()
