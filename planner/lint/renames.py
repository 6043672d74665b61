"""Renames, read from the statement: the schema diff sees a renamed table or column as one dropped and one
added, which would read as lost data (DS102/DS103) and a new NOT NULL column (MF103). The runner detects the
renames here, stores them in the context, and takes the drop-plus-add out of the context's changes.

Forms: ``ALTER TABLE ... RENAME TO``, ``RENAME TABLE`` (MySQL; sqlglot keeps it as an opaque command, so
the changes decide: one table dropped and one added with the same columns), ``ALTER TABLE ... RENAME
COLUMN``, ``CHANGE old new ...`` (MySQL).
"""

from __future__ import annotations

from sqlglot import exp

from ..changes import AddColumn, AddTable, Change, DropColumn, DropTable, ModifyTable
from .analyzers.base import object_name
from .context import StatementContext


def table_renames(ctx: StatementContext) -> list[tuple[str, str]]:
    """``(old, new)`` table names the statement renames."""
    expr = ctx.expr
    if isinstance(expr, exp.Alter) and expr.this is not None:
        return [
            (object_name(expr.this, ctx.dialect), object_name(action.this, ctx.dialect))
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


def column_renames(ctx: StatementContext) -> list[tuple[str, str, str]]:
    """``(table, old, new)`` column names the statement renames (``RENAME COLUMN``, MySQL's ``CHANGE``)."""
    expr = ctx.expr
    if not isinstance(expr, exp.Alter) or expr.this is None:
        return []
    table = object_name(expr.this, ctx.dialect)
    found = []
    for action in expr.args.get("actions") or []:
        if isinstance(action, exp.RenameColumn):
            old, new = action.this, action.args.get("to")
            if old is not None and new is not None:
                found.append((table, object_name(old, ctx.dialect), object_name(new, ctx.dialect)))
        elif isinstance(action, exp.ModifyColumn) and action.args.get("rename_from") is not None:
            found.append(
                (
                    table,
                    object_name(action.args["rename_from"], ctx.dialect),
                    object_name(action.this, ctx.dialect),
                )
            )
    return [(t, old, new) for t, old, new in found if old != new]


def without_renames(ctx: StatementContext) -> list[Change]:
    """The statement's changes with each rename taken out: the diff sees a rename as a drop plus an add,
    which would read as lost data (DS102/DS103) and a new NOT NULL column (MF103); BC101/BC102 report it."""
    tables, columns = ctx.table_renames, ctx.column_renames
    if not tables and not columns:
        return ctx.changes
    gone = {old for old, _ in tables} | {new for _, new in tables}
    out: list[Change] = []
    for change in ctx.changes:
        if isinstance(change, (AddTable, DropTable)) and change.table.name in gone:
            continue
        if isinstance(change, ModifyTable):
            renamed = {(old, new) for table, old, new in columns if table == change.new.name}
            olds = {old for old, _ in renamed}
            news = {new for _, new in renamed}
            inner = [
                c
                for c in change.changes
                if not (isinstance(c, DropColumn) and c.column.name in olds)
                and not (isinstance(c, AddColumn) and c.column.name in news)
            ]
            if not inner:
                continue
            change = ModifyTable(change.old, change.new, inner)
        out.append(change)
    return out
