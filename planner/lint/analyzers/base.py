"""Shared pieces of the analyzer families: Atlas's quoting of names, the walk over table changes, and the
plain value every family module exports."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from ...changes import ModifyTable, TableChange
from ..context import StatementContext
from ..diagnostics import Diagnostic

Check = Callable[[StatementContext, Mapping[str, Any]], Iterable[Diagnostic]]


def q(name: str | None) -> str:
    """A name as Go's ``%q`` prints it (Atlas's messages quote every name this way)."""
    return json.dumps(name or "", ensure_ascii=False)


def object_name(node: exp.Expression | None, dialect: str) -> str:
    """The name a statement gives an object, as the database stores it: PostgreSQL folds unquoted names to
    lower case; SQLite and MySQL keep them as written."""
    if node is None:
        return ""
    ident = node if isinstance(node, exp.Identifier) else node.find(exp.Identifier)
    if ident is None:
        return node.name
    if dialect == "postgresql" and not ident.quoted:
        return ident.name.lower()
    return ident.name


def table_changes(ctx: StatementContext) -> Iterator[tuple[ModifyTable, TableChange]]:
    """Every change inside a modified table, with the table change that holds it."""
    for change in ctx.changes:
        if isinstance(change, ModifyTable):
            for inner in change.changes:
                yield change, inner


def is_new_table(ctx: StatementContext, name: str) -> bool:
    """The table was created by the files under lint: it holds no rows a change could break."""
    return name in ctx.new_tables


def is_new_column(ctx: StatementContext, table: str, column: str) -> bool:
    return table in ctx.new_tables or (table, column) in ctx.new_columns


@dataclass(frozen=True)
class Family:
    """An analyzer (the contract's ``Analyzer`` protocol) as a plain value, so one module can define several:
    MySQL's checks belong to two atlas.hcl blocks."""

    name: str
    codes: Mapping[str, str]
    report: str
    """The report heading Atlas prints above the diagnostics (``destructive changes detected``)."""
    check: Check
    dialects: frozenset[str] | None = None
    error_by_default: bool = False

    def analyze(self, ctx: StatementContext, options: Mapping[str, Any]) -> Iterable[Diagnostic]:
        return self.check(ctx, options)


MYSQL_FAMILY = frozenset({"mysql", "mariadb"})
