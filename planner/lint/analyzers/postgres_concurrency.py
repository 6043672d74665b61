"""concurrent_index (PG101-PG103): PostgreSQL index builds and drops that block writes, and ``CONCURRENTLY``
where PostgreSQL refuses it.

``CREATE INDEX`` holds a SHARE lock on the table for the whole build (reads go on, every write waits), ``DROP
INDEX`` an ACCESS EXCLUSIVE lock. The ``CONCURRENTLY`` forms let writes continue, but cannot run inside a
transaction block, so their file needs ``-- atlas:txmode none``. Like Atlas's analyzer
(sql/postgres/postgrescheck), indexes of tables created by the files under lint are not reported: nobody
writes to them yet.

Options (atlas.hcl ``lint { concurrent_index { … } }``, Atlas's names): ``check_create``, ``check_drop``,
``check_txmode``, each true by default.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlglot import exp

from ...changes import AddIndex, DropIndex
from ...schema import Index
from ..context import StatementContext
from ..diagnostics import Diagnostic
from .base import Family, is_new_table, q, table_changes
from .postgres_statement import is_alter_table, is_concurrently, is_create_index, is_drop_index, uses_index

POSTGRES = frozenset({"postgresql"})

# One directive in the header fixes every CONCURRENTLY statement of the file: the diagnostic is reported once
# per file, at the first such statement (the runner drops the repeats).
ONCE_PER_FILE = frozenset({"PG103"})

TXMODE_TEXT = (
    "Indexes cannot be created or deleted concurrently within a transaction. Add the `atlas:txmode none` "
    "directive to the header to prevent this file from running in a transaction"
)
TXMODE_FIX = "Add `-- atlas:txmode none` as the first line of the file, followed by a blank line"
TXMODE_HINT = "a Django migration that runs CONCURRENTLY operations needs atomic = False"
CREATE_HINT = (
    "use AddIndexConcurrently (django.contrib.postgres.operations) in a migration with atomic = False; "
    "in the SQL file, CREATE INDEX CONCURRENTLY under `-- atlas:txmode none`"
)
DROP_HINT = (
    "use RemoveIndexConcurrently (django.contrib.postgres.operations) in a migration with atomic = False; "
    "in the SQL file, DROP INDEX CONCURRENTLY under `-- atlas:txmode none`"
)


def check(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    concurrently = is_concurrently(ctx)
    if concurrently:
        if ctx.in_transaction and options.get("check_txmode", True):
            yield Diagnostic("PG103", TXMODE_TEXT, fix=TXMODE_FIX, hint=TXMODE_HINT)
        return
    if uses_index(ctx):
        return  # ADD CONSTRAINT … USING INDEX adopts an index already built; nothing is built or dropped
    creates = is_create_index(ctx) or is_alter_table(ctx)
    for modify, inner in table_changes(ctx):
        table = modify.new.name
        if is_new_table(ctx, table):
            continue
        if isinstance(inner, AddIndex) and creates and options.get("check_create", True):
            yield _created(ctx, table, inner.index)
        elif isinstance(inner, DropIndex) and is_drop_index(ctx) and options.get("check_drop", True):
            # Only DROP INDEX has a CONCURRENTLY form: dropping a UNIQUE constraint or a column takes its
            # index along under the ALTER TABLE's own lock, which other checks describe.
            yield Diagnostic(
                "PG102",
                f"Dropping index {q(inner.index.name)} non-concurrently causes write locks on the {q(table)} "
                "table",
                fix=_concurrent_sql(ctx, exp.Drop) or f"DROP INDEX CONCURRENTLY {_ident(inner.index.name)}",
                hint=DROP_HINT,
                table=table,
            )


def _created(ctx: StatementContext, table: str, index: Index) -> Diagnostic:
    text = f"Creating index {q(index.name)} non-concurrently causes write locks on the {q(table)} table"
    if is_create_index(ctx):
        fix = _concurrent_sql(ctx, exp.Create) or "Create the index with CREATE INDEX CONCURRENTLY"
    else:
        # ALTER TABLE … ADD UNIQUE (or a column declared UNIQUE) builds the index under ACCESS EXCLUSIVE.
        kind = "UNIQUE " if index.unique else ""
        columns = ", ".join(_ident(c) for c in index.columns)
        fix = f"CREATE {kind}INDEX CONCURRENTLY {_ident(index.name)} ON {_ident(table)} ({columns})"
        if index.constraint:
            fix += (
                f", then ALTER TABLE {_ident(table)} ADD CONSTRAINT {_ident(index.name)} UNIQUE USING INDEX "
                f"{_ident(index.name)}"
            )
    return Diagnostic("PG101", text, fix=fix, hint=CREATE_HINT, table=table)


def _concurrent_sql(ctx: StatementContext, kind: type[exp.Expression]) -> str | None:
    """The statement itself with CONCURRENTLY, rendered by sqlglot, and the directive its file needs."""
    if not isinstance(ctx.expr, kind):
        return None
    concurrent = ctx.expr.copy()
    concurrent.set("concurrently", True)
    return f"{concurrent.sql(dialect='postgres')}; in a file headed by `-- atlas:txmode none`"


def _ident(name: str | None) -> str:
    return exp.to_identifier(name or "").sql(dialect="postgres")


ANALYZERS = [
    Family(
        name="concurrent_index",
        codes={
            "PG101": "Missing the CONCURRENTLY in index creation",
            "PG102": "Missing the CONCURRENTLY in index deletion",
            "PG103": "Missing atlas:txmode none directive in file header",
        },
        report="concurrent index violations detected",
        check=check,
        dialects=POSTGRES,
    )
]
