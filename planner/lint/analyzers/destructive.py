"""destructive (DS101-DS103): statements that lose data — a dropped schema, table or column.

Tables and columns the files under lint created themselves hold no data yet, so dropping them is not reported
(Atlas's "temporary span"). A virtual generated column stores nothing either."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlglot import exp

from ...changes import DropColumn, DropTable
from ..context import StatementContext
from ..diagnostics import Diagnostic
from .base import Family, is_new_column, is_new_table, object_name, q, table_changes

DROP_COLUMN_HINT = (
    "remove the field in two deploys: first stop using it (SeparateDatabaseAndState keeps the column), "
    "then drop the column"
)
DROP_TABLE_HINT = "delete the model only after no deployed code queries it (two deploys)"


def check(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    yield from _dropped_schema(ctx)
    for change in ctx.changes:
        if isinstance(change, DropTable) and not is_new_table(ctx, change.table.name):
            name = change.table.name
            yield Diagnostic(
                "DS102",
                f"Dropping table {q(name)}",
                fix=f"Add a pre-migration check to ensure table {q(name)} is empty before dropping it",
                hint=DROP_TABLE_HINT,
                table=name,
            )
    dropped: dict[str, list[str]] = {}
    for modify, inner in table_changes(ctx):
        if not isinstance(inner, DropColumn):
            continue
        column = inner.column
        if is_new_column(ctx, modify.new.name, column.name):
            continue
        if column.generated is not None and not column.generated.stored:
            continue
        dropped.setdefault(modify.new.name, []).append(q(column.name))
    for table, names in dropped.items():
        if len(names) == 1:
            text = f"Dropping non-virtual column {names[0]}"
            fix = f"Add a pre-migration check to ensure column {names[0]} is NULL before dropping it"
        else:
            listed = f"{', '.join(names[:-1])} and {names[-1]}"
            text = f"Dropping non-virtual columns {listed}"
            fix = f"Add pre-migration checks to ensure columns {listed} are NULL before dropping them"
        yield Diagnostic("DS103", text, fix=fix, hint=DROP_COLUMN_HINT, table=table)


def _dropped_schema(ctx: StatementContext) -> Iterator[Diagnostic]:
    """DROP SCHEMA / DROP DATABASE: the diff compares one schema, so the statement itself tells."""
    expr = ctx.expr
    if not isinstance(expr, exp.Drop) or str(expr.args.get("kind") or "").upper() not in (
        "SCHEMA",
        "DATABASE",
    ):
        return
    target = expr.find(exp.Table)
    name = object_name(target.args.get("db") or target.this, ctx.dialect) if target is not None else ""
    if name in ctx.new_schemas:
        return  # created by the linted files: nothing in it predates them
    tables = len(ctx.before.tables) if name == ctx.before.name else 0
    if tables == 0:
        text = f"Dropping schema {q(name)}"
    elif tables == 1:
        text = f"Dropping non-empty schema {q(name)} with 1 table"
    else:
        text = f"Dropping non-empty schema {q(name)} with {tables} tables"
    yield Diagnostic("DS101", text)


ANALYZERS = [
    Family(
        name="destructive",
        codes={"DS101": "schema dropped", "DS102": "table dropped", "DS103": "non-virtual column dropped"},
        report="destructive changes detected",
        check=check,
        error_by_default=True,
    )
]
