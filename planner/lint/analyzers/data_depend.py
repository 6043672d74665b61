"""data_depend (MF101-MF104): changes that succeed on the empty dev database but depend on the rows a real
database holds — a unique index over duplicates, a NOT NULL column over NULLs or over a non-empty table.

The dev database cannot know those rows, so the messages say "might fail"; with ``--url`` the runner gives
the analyzers a read-only probe of the real database and each diagnostic reports what it found there."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...changes import AddColumn, AddIndex, ColumnChange, ModifyColumn
from ...schema import Column, Index, Table
from ..context import StatementContext
from ..diagnostics import Diagnostic
from .base import MYSQL_FAMILY, Family, is_new_column, is_new_table, q, table_changes

DB_DEFAULT_HINT = "add db_default= to the field (or make it null=True and backfill before requiring it)"
NOT_NULL_HINT = "backfill the NULL rows in a data migration before the migration that sets null=False"
UNIQUE_HINT = "deduplicate the rows in a data migration before the one that adds unique=True"


def check(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    for modify, inner in table_changes(ctx):
        table = modify.new
        if is_new_table(ctx, table.name):
            continue
        if isinstance(inner, AddIndex) and inner.index.unique:
            yield from _unique_index(ctx, table, inner.index)
        elif isinstance(inner, AddColumn) and ctx.dialect not in MYSQL_FAMILY:
            # MySQL fills a NOT NULL column with the type's implicit value instead of failing (MY101).
            if needs_value(inner.column):
                yield _not_null_added(ctx, table, inner.column)
        elif isinstance(inner, ModifyColumn) and ctx.dialect != "sqlite" and became_not_null(inner):
            # SQLite changes nullability by rebuilding the table: LT101 words that case.
            yield _null_to_not_null(ctx, "MF104", table, inner.new)


def needs_value(column: Column) -> bool:
    """A NOT NULL column that existing rows cannot fill by themselves: no default, not generated, not an
    identity/auto-increment column."""
    return (
        not column.nullable
        and column.default is None
        and column.generated is None
        and not column.auto_increment
        and not column.attrs.get("identity")
    )


def became_not_null(change: ModifyColumn) -> bool:
    return bool(change.change & ColumnChange.NULL) and change.old.nullable and not change.new.nullable


def _unique_index(ctx: StatementContext, table: Table, index: Index) -> Iterator[Diagnostic]:
    existing = [c for c in index.columns if not _holds_no_duplicates(ctx, table, c)]
    if not existing and index.columns:
        return
    before = ctx.file_start.table(table.name) if ctx.file_start is not None else None
    was = _same_index(before, index) if before is not None else None
    found = ctx.data.duplicates(table.name, index.columns) if ctx.data is not None else None
    fix = f"Remove duplicate rows of table {q(table.name)} before adding the unique index"
    if was is not None and not was.unique:
        text = (
            f"Modifying an index {q(index.name)} on table {q(table.name)} might fail in case of duplicate "
            "entries"
        )
        yield Diagnostic("MF102", _with_data(text, found), fix=fix, hint=UNIQUE_HINT, table=table.name)
    elif was is None:
        # Atlas names every existing column of the index ("columns "a", "b" contain"); an index on
        # expressions alone has none to name.
        if len(existing) == 1:
            which = f"case column {q(existing[0])} contains duplicate entries"
        elif existing:
            which = f"case columns {', '.join(q(c) for c in existing)} contain duplicate entries"
        else:
            which = "case of duplicate entries"
        text = f"Adding a unique index {q(index.name)} on table {q(table.name)} might fail in {which}"
        yield Diagnostic("MF101", _with_data(text, found), fix=fix, hint=UNIQUE_HINT, table=table.name)


def _holds_no_duplicates(ctx: StatementContext, table: Table, column: str) -> bool:
    """A column the linted files added, without a default: every existing row holds NULL, which a unique
    index accepts. (A column added with a default holds one value in every row: that is MF101 indeed.)"""
    if not is_new_column(ctx, table.name, column) and not _added_here(ctx, table.name, column):
        return False
    added = table.column(column)
    return added is None or added.default is None or table.name in ctx.new_tables


def _added_here(ctx: StatementContext, table: str, column: str) -> bool:
    return any(
        isinstance(inner, AddColumn) and modify.new.name == table and inner.column.name == column
        for modify, inner in table_changes(ctx)
    )


def _same_index(table: Table, index: Index) -> Index | None:
    """The index the file started with under the same name (or on the same columns): a unique index that
    replaces it makes it unique, rather than adding a new one."""
    for candidate in table.indexes:
        if index.name and candidate.name == index.name:
            return candidate
    for candidate in table.indexes:
        if (
            candidate.columns
            and candidate.columns == index.columns
            and candidate.predicate == index.predicate
        ):
            return candidate
    return None


def _not_null_added(ctx: StatementContext, table: Table, column: Column) -> Diagnostic:
    found = ctx.data.rows(table.name) if ctx.data is not None else None
    text = (
        f"Adding a non-nullable {q(column.type)} column {q(column.name)} will fail in case table "
        f"{q(table.name)} is not empty"
    )
    return Diagnostic(
        "MF103",
        _with_data(text, found),
        fix=f"Add a DEFAULT value to column {q(column.name)}, or add it as nullable and backfill it first",
        hint=DB_DEFAULT_HINT,
        table=table.name,
    )


def _null_to_not_null(ctx: StatementContext, code: str, table: Table, column: Column) -> Diagnostic:
    found = ctx.data.nulls(table.name, column.name) if ctx.data is not None else None
    if code == "LT101":
        text = (
            f"Modifying nullable column {q(column.name)} to non-nullable without default value might fail "
            "in case it contains NULL values"
        )
    else:
        text = (
            f"Modifying nullable column {q(column.name)} to non-nullable might fail in case it contains "
            "NULL values"
        )
    return Diagnostic(
        code,
        _with_data(text, found),
        fix=f"Update the NULL values of column {q(column.name)} before making it non-nullable",
        hint=NOT_NULL_HINT,
        table=table.name,
    )


def _with_data(text: str, found: str | None) -> str:
    """The message, plus what the real database holds when ``--url`` was given."""
    return f"{text} ({found})" if found else text


ANALYZERS = [
    Family(
        name="data_depend",
        codes={
            "MF101": "unique index added on existing columns",
            "MF102": "index made unique",
            "MF103": "NOT NULL column added to an existing table",
            "MF104": "nullable column made NOT NULL",
        },
        report="data dependent changes detected",
        check=check,
    )
]
