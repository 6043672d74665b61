"""Shared helpers for the SQLite diff and planner tests."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from graticule.planner.changes import Change
from graticule.planner.diff import diff_schemas
from graticule.planner.drivers.sqlite import DRIVER
from graticule.planner.drivers.sqlite.inspect import inspect_schema
from graticule.planner.drivers.sqlite.plan import plan_changes
from graticule.planner.plan import Statement
from graticule.planner.schema import Column, Schema


class PlainNormalizer:
    """A stand-in dialect normaliser for hand-built schemas: types compare case-insensitively and expressions
    and defaults ignore case and spacing, so a test can tell whether the diff asked the normaliser or compared
    raw text."""

    def type_key(self, column: Column) -> str:
        return column.type.lower()

    def default_key(self, column: Column) -> str | None:
        return None if column.default is None else _squash(column.default)

    def expr_key(self, sql: str | None) -> str | None:
        return None if sql is None else _squash(sql)


def _squash(sql: str) -> str:
    return "".join(sql.lower().split())


# ---- real SQLite round trips ------------------------------------------------------------------------------


def connect(sql: str = "") -> sqlite3.Connection:
    """An in-memory database in autocommit mode with foreign keys enforced, holding ``sql``.

    Enforcement is on so that a plan which forgot to switch it off around a rebuild fails (or loses rows
    to ON DELETE CASCADE) here, as it would for a user.
    """
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = on")
    conn.executescript(sql)
    return conn


def inspect(conn: sqlite3.Connection) -> Schema:
    return inspect_schema(conn, "main")


def diff(
    current: sqlite3.Connection, desired: sqlite3.Connection, lazy_fk_targets: bool = DRIVER.lazy_fk_targets
) -> list[Change]:
    return diff_schemas(
        inspect(current), inspect(desired), DRIVER.normalizer, lazy_fk_targets=lazy_fk_targets
    )


def apply(conn: sqlite3.Connection, statements: list[Statement]) -> None:
    """Run a plan statement by statement, as a migration file is run outside a transaction."""
    for statement in statements:
        conn.execute(statement.sql())


@dataclass
class Migration:
    conn: sqlite3.Connection
    """The database that held the current state and now holds the migrated one."""
    changes: list[Change]
    statements: list[Statement]

    @property
    def script(self) -> str:
        """The plan as Atlas's default file layout writes it."""
        return "".join(f"-- {s.comment}\n{s.sql()};\n" for s in self.statements)

    def rows(self, query: str) -> list[tuple]:
        return self.conn.execute(query).fetchall()


def migrate(
    current_sql: str, desired_sql: str, rows_sql: str = "", lazy_fk_targets: bool = DRIVER.lazy_fk_targets
) -> Migration:
    """Diff two states built from SQL, apply the plan on the current one, and check that it converged.

    Convergence is the product's own verification step: after the plan, inspecting the migrated database
    must give no difference with the desired state, and no foreign key may be left dangling.
    """
    conn = connect(current_sql)
    conn.executescript(rows_sql)
    desired = connect(desired_sql)
    changes = diff(conn, desired, lazy_fk_targets)
    statements = plan_changes(changes)
    apply(conn, statements)
    residual = diff(conn, desired)
    assert residual == [], (
        f"plan did not converge:\n{Migration(conn, changes, statements).script}\n{residual}"
    )
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,), (
        "enforcement must be back on after the plan"
    )
    return Migration(conn, changes, statements)
