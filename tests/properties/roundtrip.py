"""The property every driver must hold: for any pair (A, B), the plan A → B applied to a database holding A
(and some rows) leaves a database that inspects equal to B, with the rows of every table it keeps.

The example count comes from ``GRATICULE_PROPERTY_EXAMPLES`` (200 by default, per dialect); set it to a few
thousand for a long run. A failure prints the DDL of both sides, the plan, and hypothesis's reproduction blob
(``@reproduce_failure``). There is no example database, so each run draws afresh (derandomised in CI, so CI is
repeatable).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import servers
from hypothesis import HealthCheck, event, settings

from graticule.planner.devdb import DevDatabase
from graticule.planner.errors import GraticuleError
from graticule.planner.plan import Statement
from graticule.planner.workflow import describe_changes

from .dialects import Dialect
from .schemas import FAMILY, Schema, Table, row_value

EXAMPLES = int(os.environ.get("GRATICULE_PROPERTY_EXAMPLES", "200"))

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    derandomize=servers.in_ci(),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ROWS = (1, 2)


@dataclass
class Rows:
    """What the test writes into one table of A before migrating: ``values`` by column, and the columns whose
    values must read back unchanged afterwards (same type on both sides)."""

    table: Table
    values: dict[str, tuple[str, list[object]]]
    preserved: list[str]


def rows_for(dialect: Dialect, a: Schema, b: Schema, table: Table) -> Rows | None:
    """Rows for ``table`` of A that any correct plan to B must keep, or None when the change itself may
    legitimately fail on existing rows (a NOT NULL column added without default, a NULL-bearing column made
    NOT NULL, a type change across families that no cast can make): those are the user's call, as in Atlas."""
    new = b.table(table.name)
    if new is None:
        return None
    values: dict[str, tuple[str, list[object]]] = {"id": (table.pk_kind, list(ROWS))}
    preserved = ["id"]
    fixed: set[str] = set()  # B's columns every row holds the same value in (a default, or NULL)
    for column in table.columns:
        after = new.column(column.name)
        if new.fk(column.name) is not None:  # the column becomes a key column: only NULL can stay
            if not (column.nullable and new.fk(column.name).nullable):
                return None
            values[column.name] = (column.kind, [None for _ in ROWS])
        elif after is None or FAMILY[after.kind] == FAMILY[column.kind]:
            values[column.name] = (column.kind, [row_value(column.kind, r) for r in ROWS])
            if after is not None and dialect.type_sql(after.kind, after.size) == dialect.type_sql(
                column.kind, column.size
            ):
                preserved.append(column.name)
        elif column.nullable and after.nullable:
            values[column.name] = (column.kind, [None for _ in ROWS])
        else:
            return None
    for fk in table.fks:
        after_fk, after = new.fk(fk.column), new.column(fk.column)
        # Keys are left NULL (nothing to point at); a NOT NULL key column on either side rules rows out, as
        # does a key column that becomes a NOT NULL plain one.
        if not fk.nullable or any(x is not None and not x.nullable for x in (after_fk, after)):
            return None
        values[fk.column] = (a.key_kind(fk), [None for _ in ROWS])
    for column in new.columns:
        if table.column(column.name) is None and table.fk(column.name) is None:
            if not column.nullable and column.default is None:
                return None
            fixed.add(column.name)
    if any(table.fk(fk.column) is None and not fk.nullable for fk in new.fks):
        return None
    # A unique index over columns that hold one value in every row would be violated.
    for index in new.indexes:
        if index.unique and all(c in fixed for c, _ in index.parts):
            return None
    return Rows(table, values, preserved)


def query(dev: DevDatabase, sql: str) -> list[tuple]:
    cursor = dev.session.conn.cursor()
    try:
        cursor.execute(sql)
        return [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()


def build(dev: DevDatabase, statements: list[str], label: str) -> None:
    for number, sql in enumerate(statements, 1):
        dev.execute(sql, f"{label} statement {number}")


def check_pair(dev: DevDatabase, dialect: Dialect, a: Schema, b: Schema) -> None:
    filled = [r for t in a.tables if (r := rows_for(dialect, a, b, t)) is not None]
    statements = check_migration(
        dev,
        dialect.create(a),
        dialect.create(b),
        rows=[dialect.insert(r.table, r.values) for r in filled],
        kept=[_select(r) for r in filled],
    )
    # Shown by --hypothesis-show-statistics: how often the pairs make the planner work, and keep rows.
    event(f"plan: {_bucket(len(statements))} statements")
    event(f"tables with rows: {len(filled)}")


def _bucket(count: int) -> str:
    return "0" if count == 0 else "1" if count == 1 else "2-4" if count <= 4 else "5+"


def check_migration(
    dev: DevDatabase, a_sql: list[str], b_sql: list[str], rows: Sequence[str] = (), kept: Sequence[str] = ()
) -> list[Statement]:
    """Build B and inspect it; build A, insert ``rows``; plan A → B, apply it, and require B, with the
    ``kept`` queries reading the same before and after."""
    context = "A:\n" + ";\n".join(a_sql) + ";\nB:\n" + ";\n".join(b_sql) + ";"
    if rows:
        context += "\nrows:\n" + ";\n".join(rows) + ";"

    dev.reset()
    build(dev, b_sql, "B")
    desired = dev.inspect()

    dev.reset()
    build(dev, a_sql, "A")
    build(dev, rows, "rows")
    before = [query(dev, q) for q in kept]

    changes = dev.diff(dev.inspect(), desired)
    statements = dev.driver.plan(changes)
    context += "\nplan:\n" + "".join(f"{s.sql()};\n" for s in statements)
    for statement in statements:
        try:
            dev.execute(statement.sql(), statement.comment)
        except GraticuleError as e:
            raise AssertionError(f"the plan fails: {e}\n{context}") from None

    after = dev.inspect()
    residual = dev.diff(after, desired)
    assert residual == [], f"the plan does not reach B:\n{context}\nremaining: {describe_changes(residual)}"
    assert dev.diff(desired, after) == [], f"B differs from the result the other way round:\n{context}"
    assert [query(dev, q) for q in kept] == before, f"rows changed:\n{context}"
    if dev.driver.name == "sqlite":
        assert query(dev, "PRAGMA foreign_key_check") == [], context
        assert query(dev, "PRAGMA foreign_keys") == [(1,)], f"enforcement left off:\n{context}"
    return statements


def _select(rows: Rows) -> str:
    return f"SELECT {', '.join(rows.preserved)} FROM {rows.table.name} ORDER BY id"
