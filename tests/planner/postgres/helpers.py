"""Shared helpers for the PostgreSQL tests: scratch databases on the test server and verified round trips."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import servers

from graticule.planner.changes import Change
from graticule.planner.diff import diff_schemas
from graticule.planner.drivers.postgres import DRIVER
from graticule.planner.drivers.postgres.devdb import PostgresDevDatabase
from graticule.planner.migrate.split import split_statements
from graticule.planner.plan import Statement
from graticule.planner.schema import Schema, Table
from graticule.planner.urls import parse_url


def dev_url(query: str = "") -> str:
    """The test server's URL in the form users write it (``postgres://…``), with an optional query string."""
    parts = urlsplit(servers.POSTGRES_URL)
    return urlunsplit(("postgres", parts.netloc, parts.path or "/postgres", query, ""))


DEV_URL = dev_url()


def open_scratch(url: str = DEV_URL) -> PostgresDevDatabase:
    return DRIVER.open_dev(parse_url(url))


def run(db: PostgresDevDatabase, sql: str) -> None:
    """Execute a multi-statement SQL text, statement by statement (as a migration file is run)."""
    for stmt in split_statements(sql, "postgresql"):
        db.execute(stmt.text)


def inspect(db: PostgresDevDatabase) -> Schema:
    return DRIVER.inspect(db.conn, db.schema)


def table(db: PostgresDevDatabase, sql: str, name: str | None = None) -> Table:
    """Reset, run ``sql`` and return its only table (or the one named)."""
    db.reset()
    run(db, sql)
    tables = inspect(db).tables
    if name is None:
        (only,) = tables
        return only
    return next(t for t in tables if t.name == name)


def rows(db: PostgresDevDatabase, query: str, params: Any = None) -> list[tuple]:
    assert db.conn is not None
    return db.conn.execute(query, params).fetchall()


def diff(current: Schema, desired: Schema) -> list[Change]:
    return diff_schemas(current, desired, DRIVER.normalizer, lazy_fk_targets=DRIVER.lazy_fk_targets)


def script(statements: list[Statement], indent: str = "") -> str:
    """The plan as Atlas's migration file layout writes it."""
    return "".join(f"-- {s.comment}\n{s.sql(indent)};\n" for s in statements)


@dataclass
class Pair:
    current: PostgresDevDatabase
    desired: PostgresDevDatabase


@dataclass
class Migration:
    db: PostgresDevDatabase
    """The database that held the current state and now holds the migrated one."""
    changes: list[Change]
    statements: list[Statement]

    @property
    def script(self) -> str:
        return script(self.statements)

    def rows(self, query: str) -> list[tuple]:
        return rows(self.db, query)


def migrate(pair: Pair, current_sql: str, desired_sql: str, rows_sql: str = "") -> Migration:
    """Build both states in the two scratch databases, plan current → desired, run the plan statement by
    statement on the current one and require that it now inspects equal to the desired one (graticule's
    verify step)."""
    db, target = pair.current, pair.desired
    db.reset()
    target.reset()
    run(db, current_sql)
    run(db, rows_sql)
    run(target, desired_sql)
    desired = inspect(target)
    changes = diff(inspect(db), desired)
    statements = DRIVER.plan(changes)
    for statement in statements:
        try:
            db.execute(statement.sql())
        except Exception as e:
            raise AssertionError(f"{e}\nin plan:\n{script(statements)}") from e
    residual = diff(inspect(db), desired)
    assert residual == [], f"plan did not converge:\n{script(statements)}\n{residual}"
    assert diff(desired, inspect(db)) == [], f"plan converged one way only:\n{script(statements)}"
    return Migration(db, changes, statements)
