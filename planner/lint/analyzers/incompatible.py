"""incompatible (BC101, BC102): renames that break the code still deployed against the old name.

The schema diff cannot tell a rename from a drop plus an add, so the runner reads the statement
(:mod:`graticule.planner.lint.renames`) and hands the renames over in ``ctx.table_renames`` /
``ctx.column_renames``, with the drop-plus-add taken out of ``ctx.changes``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlglot import exp

from ..context import StatementContext
from ..diagnostics import Diagnostic
from .base import Family, is_new_column, is_new_table, object_name, q

TABLE_HINT = (
    "set Meta.db_table to the old name instead of renaming the table, or keep a view under the old name"
)
COLUMN_HINT = "set db_column= to the old column name on the renamed field instead of renaming the column"


def check(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    for old, new in ctx.table_renames:
        if is_new_table(ctx, old) or _recreated(ctx, old):
            continue
        yield Diagnostic(
            "BC101",
            f"Renaming table {q(old)} to {q(new)}",
            fix=f"Create a view named {q(old)} over {q(new)} until no deployed code uses the old name",
            hint=TABLE_HINT,
            table=new,
        )
    for table, old, new in ctx.column_renames:
        if is_new_column(ctx, table, old) or _added_back(ctx, table, old):
            continue
        yield Diagnostic(
            "BC102",
            f"Renaming column {q(old)} to {q(new)}",
            fix=f"Add a column {q(old)} back (e.g. generated from {q(new)}) until no deployed code uses it",
            hint=COLUMN_HINT,
            table=table,
        )


def _recreated(ctx: StatementContext, old: str) -> bool:
    """A view (or table) created under the old name later in the file keeps the old name working (Atlas
    ignores the rename then)."""
    if ctx.file_end is not None and ctx.file_end.table(old) is not None:
        return True
    for expr in ctx.following:
        if isinstance(expr, exp.Create) and str(expr.args.get("kind") or "").upper() == "VIEW":
            target = expr.find(exp.Table)
            if target is not None and object_name(target.this, ctx.dialect) == old:
                return True
    return False


def _added_back(ctx: StatementContext, table: str, old: str) -> bool:
    """The file adds a column under the old name again (Atlas's "added back"): compatible."""
    if ctx.file_end is None:
        return False
    end = ctx.file_end.table(table)
    return end is not None and end.column(old) is not None


ANALYZERS = [
    Family(
        name="incompatible",
        codes={"BC101": "table renamed", "BC102": "column renamed"},
        report="backward incompatible changes detected",
        check=check,
    )
]
