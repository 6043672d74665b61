"""SQLite's data-dependent check (LT101, in the ``data_depend`` block as in Atlas).

SQLite cannot alter a column's nullability: the table is rebuilt and its rows copied. A NOT NULL column
without a default then refuses every NULL the old column held."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...changes import ModifyColumn
from ..context import StatementContext
from ..diagnostics import Diagnostic
from .base import Family, is_new_table, table_changes
from .data_depend import _null_to_not_null, became_not_null


def check(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    for modify, inner in table_changes(ctx):
        if is_new_table(ctx, modify.new.name) or not isinstance(inner, ModifyColumn):
            continue
        if became_not_null(inner) and inner.new.default is None:
            yield _null_to_not_null(ctx, "LT101", modify.new, inner.new)


ANALYZERS = [
    Family(
        name="data_depend",
        codes={"LT101": "nullable column made NOT NULL without a default (SQLite)"},
        report="data dependent changes detected",
        check=check,
        dialects=frozenset({"sqlite"}),
    )
]
