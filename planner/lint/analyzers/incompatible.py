"""incompatible (BC101, BC102): renames that break the code still deployed against the old name.

The schema diff cannot tell a rename from a drop plus an add, so the statement says it: ``ALTER TABLE ...
RENAME TO``, ``RENAME TABLE`` (MySQL), ``RENAME COLUMN``, ``CHANGE old new ...`` (MySQL). For statements
sqlglot keeps as opaque commands (``RENAME TABLE``) the changes decide: one table dropped and one added with
the same columns."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlglot import exp

from ...changes import AddTable, DropTable
from ..context import StatementContext
from ..diagnostics import Diagnostic
from .base import Family, is_new_column, is_new_table, q

TABLE_HINT = (
    "set Meta.db_table to the old name instead of renaming the table, or keep a view under the old name"
)
COLUMN_HINT = "set db_column= to the old column name on the renamed field instead of renaming the column"


def check(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    for old, new in renamed_tables(ctx):
        if is_new_table(ctx, old) or _recreated(ctx, old):
            continue
        yield Diagnostic(
            "BC101",
            f"Renaming table {q(old)} to {q(new)}",
            fix=f"Create a view named {q(old)} over {q(new)} until no deployed code uses the old name",
            hint=TABLE_HINT,
            table=new,
        )
    for table, old, new in renamed_columns(ctx):
        if is_new_column(ctx, table, old) or _added_back(ctx, table, old):
            continue
        yield Diagnostic(
            "BC102",
            f"Renaming column {q(old)} to {q(new)}",
            fix=f"Add a column {q(old)} back (e.g. generated from {q(new)}) until no deployed code uses it",
            hint=COLUMN_HINT,
            table=table,
        )


def renamed_tables(ctx: StatementContext) -> list[tuple[str, str]]:
    expr = ctx.expr
    if isinstance(expr, exp.Alter) and expr.this is not None:
        return [
            (expr.this.name, action.this.name)
            for action in expr.args.get("actions") or []
            if isinstance(action, exp.AlterRename) and action.this is not None
        ]
    if isinstance(expr, exp.Command) and expr.name.upper() == "RENAME":
        dropped = [c.table for c in ctx.changes if isinstance(c, DropTable)]
        added = [c.table for c in ctx.changes if isinstance(c, AddTable)]
        pairs = []
        for old in dropped:
            for new in added:
                if [c.name for c in old.columns] == [c.name for c in new.columns]:
                    pairs.append((old.name, new.name))
                    added.remove(new)
                    break
        return pairs
    return []


def renamed_columns(ctx: StatementContext) -> list[tuple[str, str, str]]:
    expr = ctx.expr
    if not isinstance(expr, exp.Alter) or expr.this is None:
        return []
    table = expr.this.name
    found = []
    for action in expr.args.get("actions") or []:
        if isinstance(action, exp.RenameColumn):
            old, new = action.this, action.args.get("to")
            if old is not None and new is not None and old.name != new.name:
                found.append((table, old.name, new.name))
        elif isinstance(action, exp.ModifyColumn) and action.args.get("rename_from") is not None:
            old_name, new_name = action.args["rename_from"].name, action.this.name
            if old_name != new_name:
                found.append((table, old_name, new_name))
    return found


def _recreated(ctx: StatementContext, old: str) -> bool:
    """The file creates a table under the old name again: code using the old name keeps working."""
    return ctx.file_end is not None and ctx.file_end.table(old) is not None


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
