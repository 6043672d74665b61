"""naming (NM101-NM106): names of new objects against the team's patterns. Off unless configured.

The block follows Atlas's::

    naming {
      match   = "^[a-z_]+$"          # every object
      message = "must be lower snake case"
      index { match = "^idx_" message = "must start with idx_" }   # per object kind:
      # schema, table, column, index, foreign_key, check
    }

A kind's own block wins over the top-level pattern. A pattern that does not compile is a configuration
error, named with the block it came from."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from sqlglot import exp

from ...changes import AddCheck, AddColumn, AddForeignKey, AddIndex, AddTable
from ...errors import GraticuleError
from ..context import StatementContext
from ..diagnostics import Diagnostic
from .base import Family, object_name, q, table_changes

KINDS = {
    "schema": ("NM101", "Schema"),
    "table": ("NM102", "Table"),
    "column": ("NM103", "Column"),
    "index": ("NM104", "Index"),
    "foreign_key": ("NM105", "Foreign-key constraint"),
    "check": ("NM106", "Check constraint"),
}


def pattern(options: Mapping[str, Any], kind: str) -> tuple[re.Pattern[str] | None, str]:
    """The kind's pattern and message: its own block's, else the top-level ones."""
    block = options.get(kind)
    if isinstance(block, list):  # a repeated block: the last one wins, as HCL decoding does
        block = block[-1] if block else None
    for source, where in ((block, f"naming.{kind}"), (options, "naming")):
        if isinstance(source, Mapping) and source.get("match"):
            try:
                return re.compile(str(source["match"])), str(source.get("message") or "")
            except re.error as e:
                raise GraticuleError(
                    f"lint {where}: invalid match pattern {source['match']!r}: {e}"
                ) from None
    return None, ""


def check(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    def match(kind: str, name: str | None, table: str | None) -> Iterator[Diagnostic]:
        if not name:
            return
        regex, message = pattern(options, kind)
        if regex is None or regex.search(name):
            return
        code, resource = KINDS[kind]
        text = f"{resource} named {q(name)} violates the naming policy"
        yield Diagnostic(code, f"{text}: {message}" if message else text, fix=None, table=table)

    expr = ctx.expr
    if isinstance(expr, exp.Create) and str(expr.args.get("kind") or "").upper() == "SCHEMA":
        target = expr.find(exp.Table)
        if target is not None:
            yield from match("schema", object_name(target.args.get("db") or target.this, ctx.dialect), None)
    for change in ctx.changes:
        if isinstance(change, AddTable):
            t = change.table
            yield from match("table", t.name, t.name)
            for column in t.columns:
                yield from match("column", column.name, t.name)
            for index in t.indexes:
                yield from match("index", index.name, t.name)
            for fk in t.foreign_keys:
                yield from match("foreign_key", fk.name, t.name)
            for ck in t.checks:
                yield from match("check", ck.name, t.name)
    # A renamed object: only its new name is new.
    for _, new in ctx.table_renames:
        yield from match("table", new, new)
    for table, _, new in ctx.column_renames:
        yield from match("column", new, table)
    for modify, inner in table_changes(ctx):
        table = modify.new.name
        if isinstance(inner, AddColumn):
            yield from match("column", inner.column.name, table)
        elif isinstance(inner, AddIndex):
            yield from match("index", inner.index.name, table)
        elif isinstance(inner, AddForeignKey):
            yield from match("foreign_key", inner.foreign_key.name, table)
        elif isinstance(inner, AddCheck):
            yield from match("check", inner.check.name, table)


ANALYZERS = [
    Family(
        name="naming",
        codes={
            code: f"{resource.lower()} name violates the naming policy" for code, resource in KINDS.values()
        },
        report="naming violations detected",
        check=check,
    )
]
