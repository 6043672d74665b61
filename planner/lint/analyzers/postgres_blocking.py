"""blocking_changes (PG301-PG306): PostgreSQL table changes that rewrite or scan a whole table while holding a
lock that stops writes (most hold ACCESS EXCLUSIVE, which stops reads too).

Each check knows the forms PostgreSQL does in place and stays silent on them (measured on PostgreSQL 15 by
comparing the table's ``relfilenode`` before and after, and by timing the statement on two million rows):

- PG301 a column type change rewrites the table and rebuilds its indexes, except the binary-coercible ones:
  ``varchar(n)`` → ``varchar(m ≥ n)``/``varchar``/``text``, ``text`` ↔ ``varchar``, ``numeric(p, s)`` →
  ``numeric(q ≥ p, s)``/``numeric``, a higher (or dropped) precision of ``timestamp``/``time``/``interval``,
  ``varbit(n)`` → ``varbit(m ≥ n)``, ``cidr`` → ``inet``, ``xml`` → ``text``. ``timestamp`` ↔ ``timestamptz``
  is in place only when the session's TimeZone is UTC, so it is reported with that condition.
- PG302 ``ADD COLUMN`` with a volatile default (``random()``, ``clock_timestamp()``, ``gen_random_uuid()``,
  ``nextval()``, so serial and identity columns too) computes a value per row: a rewrite. A constant or a
  stable function (``now()``, ``CURRENT_TIMESTAMP``) is stored once in the catalog since PostgreSQL 11.
- PG303 ``SET NOT NULL`` scans for NULLs, unless a validated ``CHECK (c IS NOT NULL)`` already proves it
  (PostgreSQL 12+).
- PG304 ``ADD PRIMARY KEY`` builds its unique index under ACCESS EXCLUSIVE, and scans to set nullable key
  columns NOT NULL; ``ADD CONSTRAINT … PRIMARY KEY USING INDEX`` on NOT NULL columns does neither.
- PG305 ``ADD CHECK`` (also inline on a new column) scans the table; ``NOT VALID`` then ``VALIDATE
  CONSTRAINT`` checks the rows under a SHARE UPDATE EXCLUSIVE lock instead, which lets writes go on.
- PG306 ``ADD FOREIGN KEY`` validates every row under SHARE ROW EXCLUSIVE locks on both tables; same remedy.
  A key on columns added by the same statement without a default has nothing to validate and is not reported.

Tables created by the files under lint are never reported: nobody uses them yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from ...changes import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    ColumnChange,
    ModifyColumn,
    ModifyPrimaryKey,
    ModifyTable,
)
from ...drivers.postgres.types import SERIAL_TYPES, canonical
from ...schema import Check, Column, ForeignKey, Table
from ..context import StatementContext
from ..diagnostics import Diagnostic
from .base import Family, is_new_table, q
from .postgres_concurrency import POSTGRES
from .postgres_statement import action_for, alter_actions, uses_index, validates, words_of

# Volatile functions a column default may call (pg_proc.provolatile = 'v' in PostgreSQL 15, plus pgcrypto's
# and uuid-ossp's). Anything else in a default is a constant, an operator or a stable function, evaluated
# once when the column is added.
VOLATILE_FUNCTIONS = frozenset(
    {
        "random",
        "random_normal",
        "clock_timestamp",
        "timeofday",
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "gen_random_bytes",
        "gen_salt",
        "nextval",
        "currval",
        "lastval",
        "setseed",
        "txid_status",
    }
)


def check(ctx: StatementContext, options: Mapping[str, Any]) -> Iterator[Diagnostic]:
    version = _major(ctx.server_version)
    for modify in ctx.changes:
        if not isinstance(modify, ModifyTable) or is_new_table(ctx, modify.new.name):
            continue
        before = ctx.before.table(modify.old.name) or modify.old
        added = {c.column.name: c.column for c in modify.changes if isinstance(c, AddColumn)}
        new_key = next((c.new for c in modify.changes if isinstance(c, ModifyPrimaryKey) and c.new), None)
        for inner in modify.changes:
            if isinstance(inner, ModifyColumn):
                if inner.change & ColumnChange.TYPE:
                    yield from _type_change(modify.new, inner)
                if _became_not_null(inner) and not (new_key and inner.new.name in new_key.columns):
                    yield from _set_not_null(before, inner.new, version)
            elif isinstance(inner, AddColumn):
                yield from _volatile_default(modify.new, inner.column, version)
            elif isinstance(inner, ModifyPrimaryKey) and inner.new is not None:
                yield from _primary_key(ctx, before, inner.new.columns, inner.new.name, added)
            elif isinstance(inner, AddCheck) and not inner.check.attrs.get("not_valid"):
                if not validates(ctx) and not _was_unvalidated(before, inner.check):
                    yield _check_added(modify.new, inner.check)
            elif isinstance(inner, AddForeignKey):
                yield from _foreign_key(ctx, modify.new, inner.foreign_key, added)


# ---- PG301 -------------------------------------------------------------------------------------------------

_TYPE = re.compile(r"(?P<name>[a-z ]+?)(?:\((?P<mods>[^)]*)\))?(?P<zone> with(?:out)? time zone)?")
_PRECISION_TYPES = {"timestamp", "time", "interval"}


def rewrite_reason(old_type: str, new_type: str) -> str | None:
    """Why changing a column from ``old_type`` to ``new_type`` rewrites the table, or None when PostgreSQL
    changes only the catalog (binary-coercible types whose new modifier admits every old value)."""
    old, new = canonical(old_type), canonical(new_type)
    if old == new:
        return None
    if old.endswith("[]") or new.endswith("[]"):
        return "rewrites"  # arrays are converted element by element, even varchar(n)[] to varchar(m)[]
    a, b = _TYPE.fullmatch(old), _TYPE.fullmatch(new)
    if a is None or b is None:
        return "rewrites"
    old_name, new_name = a["name"], b["name"]
    old_mods, new_mods = _mods(a["mods"]), _mods(b["mods"])
    if old_name in _PRECISION_TYPES and old_name == new_name:
        if a["zone"] != b["zone"]:
            if old_name == "timestamp" and _wider(old_mods, new_mods):
                return "rewrites unless the session's TimeZone is UTC"
            return "rewrites"
        return None if _wider(old_mods, new_mods) else "rewrites"
    if old_name == new_name and old_name in ("character varying", "bit varying"):
        return None if _wider(old_mods, new_mods) else "rewrites"
    if old_name == new_name == "numeric":
        if not new_mods:
            return None
        if old_mods and _scale(old_mods) == _scale(new_mods) and new_mods[0] >= old_mods[0]:
            return None
        return "rewrites"
    unbounded_text = new_name == "text" or (new_name == "character varying" and not new_mods)
    if old_name in ("character varying", "text", "xml") and unbounded_text:
        return None
    if (old_name, new_name) == ("cidr", "inet"):
        return None
    return "rewrites"


def _mods(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        return (-1,)


def _scale(mods: tuple[int, ...]) -> int:
    return mods[1] if len(mods) > 1 else 0


def _wider(old: tuple[int, ...], new: tuple[int, ...]) -> bool:
    """The new length/precision admits every old value: none at all, or at least the old one."""
    return not new or (len(old) == len(new) == 1 and new[0] >= old[0] >= 0)


def _type_change(table: Table, change: ModifyColumn) -> Iterator[Diagnostic]:
    reason = rewrite_reason(change.old.type, change.new.type)
    if reason is None:
        return
    condition = reason.removeprefix("rewrites")
    yield Diagnostic(
        "PG301",
        f"Changing the type of column {q(change.new.name)} from {q(change.old.type)} to {q(change.new.type)} "
        f"rewrites table {q(table.name)} and its indexes under an ACCESS EXCLUSIVE lock{condition}",
        fix=(
            "Add a new column of the new type, backfill it in batches and switch to it; or keep to a change "
            "PostgreSQL makes in place (a longer varchar, varchar to text, a wider numeric, same scale)"
        ),
        hint=(
            "add a new field with the new type (AddField, a batched RunPython backfill, then RemoveField and "
            "RenameField) instead of altering this one; a larger max_length or a TextField costs nothing"
        ),
        table=table.name,
    )


# ---- PG302 -------------------------------------------------------------------------------------------------


def _major(version: str | None) -> int | None:
    match = re.match(r"\s*(\d+)", version or "")
    return int(match[1]) if match else None


def volatile_calls(default: str) -> list[str]:
    """The volatile functions a default expression calls (any word followed by a parenthesis)."""
    w = words_of(default)
    found = []
    for i, word in enumerate(w.words[:-1]):
        if not w.quoted[i] and w.words[i + 1] == "(" and word.lower() in VOLATILE_FUNCTIONS:
            found.append(word.lower())
    return found


def _volatile_default(table: Table, column: Column, version: int | None) -> Iterator[Diagnostic]:
    if column.generated is not None:
        return  # a generated column is computed, not defaulted (its own rewrite is Atlas's PG309)
    if column.type in SERIAL_TYPES or column.attrs.get("identity"):
        what = f"{column.type} column" if column.type in SERIAL_TYPES else "identity column"
        text = (
            f"Adding {what} {q(column.name)} fills every row from a sequence and rewrites table "
            f"{q(table.name)} under an ACCESS EXCLUSIVE lock"
        )
    elif column.default is not None and (calls := volatile_calls(column.default)):
        text = (
            f"Adding column {q(column.name)} with a volatile DEFAULT ({calls[0]}()) rewrites table "
            f"{q(table.name)} under an ACCESS EXCLUSIVE lock"
        )
    elif column.default is not None and version is not None and version < 11:
        text = (
            f"Adding column {q(column.name)} with a DEFAULT rewrites table {q(table.name)} before "
            "PostgreSQL 11"
        )
    else:
        return
    yield Diagnostic(
        "PG302",
        text,
        fix=(
            f"Add column {q(column.name)} without a default (or with a constant), backfill it in batches, "
            "then ALTER COLUMN … SET DEFAULT for new rows"
        ),
        hint=(
            "add the field null=True without db_default, backfill it in batches (RunPython), then set "
            "db_default (and null=False) in a later migration"
        ),
        table=table.name,
    )


# ---- PG303 -------------------------------------------------------------------------------------------------


def _became_not_null(change: ModifyColumn) -> bool:
    return bool(change.change & ColumnChange.NULL) and change.old.nullable and not change.new.nullable


def proves_not_null(check: Check, column: str) -> bool:
    """A CHECK whose expression (or one of its AND-ed terms) is ``column IS NOT NULL``: PostgreSQL 12+ skips
    the scan of SET NOT NULL when a validated one exists."""
    try:
        tree = sqlglot.parse_one(check.expr, read="postgres")
    except SqlglotError:
        return False
    terms = list(tree.flatten()) if isinstance(tree, exp.And) else [tree]
    for term in terms:
        while isinstance(term, exp.Paren):
            term = term.this
        # sqlglot spells IS NOT NULL as Is(negate=True); older releases as Not(Is(...)).
        negated = isinstance(term, exp.Not)
        if negated:
            term = term.this.unnest()
        if not isinstance(term, exp.Is) or negated == bool(term.args.get("negate")):
            continue
        subject, value = term.this, term.expression
        if isinstance(subject, exp.Column) and subject.name == column and isinstance(value, exp.Null):
            return True
    return False


def _set_not_null(before: Table, column: Column, version: int | None) -> Iterator[Diagnostic]:
    proven = any(not c.attrs.get("not_valid") and proves_not_null(c, column.name) for c in before.checks)
    if proven and (version is None or version >= 12):
        return
    name = f"{before.name}_{column.name}_not_null"
    yield Diagnostic(
        "PG303",
        f"Modifying nullable column {q(column.name)} to non-nullable requires a full scan of table "
        f"{q(before.name)} under an ACCESS EXCLUSIVE lock",
        fix=(
            f"ALTER TABLE {_ident(before.name)} ADD CONSTRAINT {_ident(name)} CHECK ({_ident(column.name)} "
            f"IS NOT NULL) NOT VALID; then VALIDATE CONSTRAINT {_ident(name)} (writes go on); then SET NOT "
            "NULL (PostgreSQL 12+ skips the scan) and drop the constraint"
        ),
        hint=(
            f"before setting null=False, add CheckConstraint(condition=Q({column.name}__isnull=False)) and "
            "edit the generated file to add it NOT VALID and VALIDATE it in a separate statement"
        ),
        table=before.name,
    )


# ---- PG304 -------------------------------------------------------------------------------------------------


def _primary_key(
    ctx: StatementContext, before: Table, columns: list[str], name: str | None, added: dict[str, Column]
) -> Iterator[Diagnostic]:
    old = {c.name: c for c in before.columns}
    nullable = [c for c in columns if c not in added and c in old and old[c].nullable]
    builds = not uses_index(ctx)
    if not nullable and not builds:
        return
    table = before.name
    parts = []
    if builds:
        parts.append("builds its unique index under an ACCESS EXCLUSIVE lock")
    if nullable:
        parts.append(f"scans the table to make {', '.join(q(c) for c in nullable)} NOT NULL")
    index = name or f"{table}_pkey"
    keys = ", ".join(_ident(c) for c in columns)
    yield Diagnostic(
        "PG304",
        f"Adding a primary key on table {q(table)} " + " and ".join(parts),
        fix=(
            f"Make the key columns NOT NULL first (see PG303), CREATE UNIQUE INDEX CONCURRENTLY "
            f"{_ident(index)} ON {_ident(table)} ({keys}), then ALTER TABLE {_ident(table)} ADD CONSTRAINT "
            f"{_ident(index)} PRIMARY KEY USING INDEX {_ident(index)}"
        ),
        hint=(
            "a primary key change cannot be made concurrently by Django's operations: add a UniqueIndex with "
            "AddIndexConcurrently, then switch the key with RunSQL ... PRIMARY KEY USING INDEX"
        ),
        table=table,
    )


# ---- PG305 -------------------------------------------------------------------------------------------------


def _was_unvalidated(before: Table, check: Check) -> bool:
    """The check existed NOT VALID before this statement: it is being validated, not added."""
    return any(c.name == check.name and c.attrs.get("not_valid") for c in before.checks if check.name)


def _check_added(table: Table, check: Check) -> Diagnostic:
    name = check.name or f"{table.name}_check"
    return Diagnostic(
        "PG305",
        f"Adding check constraint {q(check.name)} requires a full scan of table {q(table.name)} under an "
        "ACCESS EXCLUSIVE lock",
        fix=(
            f"ALTER TABLE {_ident(table.name)} ADD CONSTRAINT {_ident(name)} CHECK ({check.expr}) NOT VALID; "
            f"then ALTER TABLE {_ident(table.name)} VALIDATE CONSTRAINT {_ident(name)} in a later statement"
        ),
        hint=(
            "Django's AddConstraint validates at once: edit the generated file to add the constraint "
            "NOT VALID and VALIDATE it in a separate statement"
        ),
        table=table.name,
    )


# ---- PG306 -------------------------------------------------------------------------------------------------


def _foreign_key(
    ctx: StatementContext, table: Table, fk: ForeignKey, added: dict[str, Column]
) -> Iterator[Diagnostic]:
    if fk.columns and all(c in added and added[c].default is None for c in fk.columns):
        return  # new all-NULL columns: PostgreSQL has no row to validate
    action = action_for(ctx, fk.name, ("FOREIGN", "KEY")) or action_for(ctx, fk.name, ("REFERENCES",))
    if action is not None:
        if action.has("NOT", "VALID"):
            return
    elif alter_actions(ctx) and all(
        a.has("NOT", "VALID") for a in alter_actions(ctx) if a.has("REFERENCES") or a.has("FOREIGN", "KEY")
    ):
        return
    name = fk.name or f"{table.name}_fkey"
    yield Diagnostic(
        "PG306",
        f"Adding foreign key {q(fk.name)} validates every row of table {q(table.name)} while holding SHARE "
        f"ROW EXCLUSIVE locks on {q(table.name)} and {q(fk.ref_table)}",
        fix=(
            f"Add the constraint NOT VALID, then ALTER TABLE {_ident(table.name)} VALIDATE CONSTRAINT "
            f"{_ident(name)} in a later statement (it takes a SHARE UPDATE EXCLUSIVE lock; writes go on)"
        ),
        hint=(
            "edit the generated file: add NOT VALID to the ForeignKey's constraint and VALIDATE it in a "
            "separate statement"
        ),
        table=table.name,
    )


def _ident(name: str) -> str:
    return exp.to_identifier(name).sql(dialect="postgres")


ANALYZERS = [
    Family(
        name="blocking_changes",
        codes={
            "PG301": "Column type change requires a table and indexes rewrite",
            "PG302": "Adding a column with a volatile DEFAULT requires a table rewrite",
            "PG303": "Modifying a nullable column to non-nullable requires a full table scan",
            "PG304": "Adding a primary key builds an index under lock (and scans nullable key columns)",
            "PG305": "Adding a CHECK constraint requires a full table scan",
            "PG306": "Adding a FOREIGN KEY constraint validates every row under lock",
        },
        report="blocking table changes detected",
        check=check,
        dialects=POSTGRES,
    )
]
