"""MySQL and MariaDB checks: MY101 (in ``data_depend``) and MY102 (``inline_ref``).

MY101 — MySQL does not refuse a NOT NULL column without a default on a table with rows: it silently fills
the rows with the type's implicit value (0, '', the zero date), which is rarely what the model means.

MY102 — MySQL parses ``col int REFERENCES t(id)`` inside a column definition and ignores it: no foreign key
is created. MariaDB 10.5+ honours it, so the check looks at the table the statement produced rather than at
the server's name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlglot import exp

from ...changes import AddColumn
from ...schema import Column
from ..context import StatementContext
from ..diagnostics import Diagnostic
from .base import MYSQL_FAMILY, Family, is_new_table, q, table_changes
from .data_depend import DB_DEFAULT_HINT, _with_data, needs_value

NUMERIC = (
    "int",
    "tinyint",
    "smallint",
    "mediumint",
    "bigint",
    "decimal",
    "numeric",
    "float",
    "double",
    "real",
    "bit",
    "bool",
)
ZERO_TIMES = {
    "date": "0000-00-00",
    "datetime": "0000-00-00 00:00:00",
    "timestamp": "0000-00-00 00:00:00",
    "time": "00:00:00",
    "year": "0000",
}


def implicit_value(column: Column) -> str:
    """The value MySQL gives existing rows for a NOT NULL column added without a default."""
    base = column.type.split("(")[0].split()[0].lower()
    if base.startswith(NUMERIC):
        return "0"
    if base in ZERO_TIMES:
        return ZERO_TIMES[base]
    if base == "enum":
        inside = column.type[column.type.find("(") + 1 :].split(",")[0].rstrip(")")
        return inside.strip().strip("'")
    return '""'


def not_null_without_default(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    for modify, inner in table_changes(ctx):
        if (
            not isinstance(inner, AddColumn)
            or is_new_table(ctx, modify.new.name)
            or not needs_value(inner.column)
        ):
            continue
        column, table = inner.column, modify.new.name
        found = ctx.data.rows(table) if ctx.data is not None else None
        text = (
            f"Adding a non-nullable {q(column.type)} column {q(column.name)} on table {q(table)} without a "
            f"default value implicitly sets existing rows with {implicit_value(column)}"
        )
        yield Diagnostic(
            "MY101",
            _with_data(text, found),
            fix=f"Add a DEFAULT value to column {q(column.name)}",
            hint=DB_DEFAULT_HINT,
            table=table,
        )


def inline_references(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    if ctx.expr is None:
        return
    for column_def in ctx.expr.find_all(exp.ColumnDef):
        if not any(isinstance(c.args.get("kind"), exp.Reference) for c in column_def.constraints):
            continue
        table_expr = column_def.find_ancestor(exp.Alter, exp.Create)
        target = table_expr.find(exp.Table) if table_expr is not None else None
        table = ctx.after.table(target.name) if target is not None else None
        name = column_def.name
        if table is not None and any(name in fk.columns for fk in table.foreign_keys):
            continue  # MariaDB 10.5+ created the foreign key
        yield Diagnostic(
            "MY102",
            f"Defining a foreign key constraint with inline REFERENCES on column {q(name)} is ignored by "
            "the server",
            fix=f"Define the constraint with FOREIGN KEY ({name}) REFERENCES ... instead",
            table=table.name if table is not None else None,
        )


ANALYZERS = [
    Family(
        name="data_depend",
        codes={"MY101": "NOT NULL column without DEFAULT added (implicit value)"},
        report="data dependent changes detected",
        check=not_null_without_default,
        dialects=MYSQL_FAMILY,
    ),
    Family(
        name="inline_ref",
        codes={"MY102": "inline REFERENCES ignored"},
        report="inline REFERENCES detected",
        check=inline_references,
        dialects=MYSQL_FAMILY,
    ),
]
