"""condrop (CD101): a foreign key dropped while its columns stay — the data loses its guarantee silently."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...changes import AddForeignKey, DropColumn, DropForeignKey
from ...schema import ForeignKey
from ..context import StatementContext
from ..diagnostics import Diagnostic
from .base import Family, is_new_table, q, table_changes

FK_HINT = "keep the ForeignKey (db_constraint=True) unless the relation is really gone; then remove the field"


def check(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    for modify, inner in table_changes(ctx):
        if not isinstance(inner, DropForeignKey) or is_new_table(ctx, modify.new.name):
            continue
        dropped = {c.column.name for c in modify.changes if isinstance(c, DropColumn)}
        fk = inner.foreign_key
        if dropped.intersection(fk.columns):
            continue  # the column went with it: DS103 reports that
        if any(isinstance(c, AddForeignKey) and _same_key(fk, c.foreign_key) for c in modify.changes):
            continue  # replaced (another ON DELETE, a renamed target table): the columns stay constrained
        if _added_back_later(ctx, modify.new.name, fk):
            continue  # dropped, then added again by a later statement of the file (a plan's usual order)
        name = fk.name or f"{modify.new.name}({', '.join(fk.columns)}) -> {fk.ref_table}"
        yield Diagnostic(
            "CD101",
            f"Dropping foreign-key constraint {q(name)}",
            fix="Make sure no code relies on the constraint, or add it back",
            hint=FK_HINT,
            table=modify.new.name,
        )


def _added_back_later(ctx: StatementContext, table: str, fk: ForeignKey) -> bool:
    """The file ends with a foreign key on the same columns of the table (Atlas reports the drop anyway;
    a plan that re-points a key drops it in one statement and adds it in another)."""
    end = ctx.file_end.table(table) if ctx.file_end is not None else None
    return end is not None and any(_same_key(fk, other) for other in end.foreign_keys)


def _same_key(old: ForeignKey, new: ForeignKey) -> bool:
    """The same constraint added back: by name, or on the same columns (pointing at the same table, or at
    another one, e.g. the table under its new ``db_table``)."""
    if old.name and new.name and old.name == new.name:
        return True
    return old.columns == new.columns


ANALYZERS = [
    Family(
        name="condrop",
        codes={"CD101": "foreign key dropped"},
        report="constraint deletion detected",
        check=check,
    )
]
