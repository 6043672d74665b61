"""PostgreSQL planner: changes → SQL statements, in the shape and with the comments of Atlas's planner.

Every table change is made in place. A modified table gets one ``ALTER TABLE`` whose clauses are joined by
commas (constraint drops first, as Atlas writes them; PostgreSQL itself runs the clauses of one ALTER TABLE
in dependency passes: drops, type changes, added columns, then constraints). Plain indexes are separate
``DROP INDEX`` statements before it and ``CREATE INDEX`` statements after it, comments ``COMMENT ON``
statements at the end. Schema-level types and extensions are created before every table change and dropped
after them.

A few changes need more than one clause, and the model says exactly which:

- a type change converts values with ``USING "c"::<type>`` when PostgreSQL has no implicit or assignment cast
  (:func:`.types.needs_using`); the column's default is dropped first and set again, since an old default the
  new type cannot take would make the conversion fail;
- a column that becomes or stops being ``serial`` gets or loses its owned sequence; a column that becomes an
  identity or serial column has its sequence moved past the values already in the table;
- a generated column can lose its expression in place (``DROP EXPRESSION``), but a new or changed expression
  means dropping and adding the column again, and recreating the indexes and constraints that went with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ...changes import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddIndex,
    AddTable,
    Change,
    ColumnChange,
    DropCheck,
    DropColumn,
    DropForeignKey,
    DropIndex,
    DropTable,
    ModifyColumn,
    ModifyPrimaryKey,
    ModifySchema,
    ModifyTable,
    ModifyTableComment,
    ModifyTableOptions,
)
from ...errors import GraticuleError
from ...plan import Statement
from ...schema import Check, Column, ForeignKey, Index, Table
from . import clauses
from .clauses import column_definition
from .ddl import comment_name as _q
from .ddl import literal, quote, serial_sequence_name
from .types import SERIAL_TYPES, conversion, needs_using


class UnsupportedChangeError(GraticuleError):
    """A change PostgreSQL cannot make in place and graticule does not plan yet."""


def plan_changes(changes: list[Change]) -> list[Statement]:
    """The statements that apply ``changes`` (already ordered by the diff) on PostgreSQL."""
    head: list[Statement] = []
    body: list[Statement] = []
    tail: list[Statement] = []
    for change in changes:
        if isinstance(change, ModifySchema):
            created, removed = schema_objects(change)
            head += created
            tail += removed
        elif isinstance(change, AddTable):
            body += create_table(change.table)
        elif isinstance(change, DropTable):
            body.append(drop_table(change.table))
        elif isinstance(change, ModifyTable):
            body += modify_table(change)
        else:
            raise TypeError(f"postgres: unsupported change {type(change).__name__}")
    return head + body + tail


# ---- tables ------------------------------------------------------------------------------------------------


def create_table(table: Table) -> list[Statement]:
    """CREATE TABLE with its columns and constraints, then its indexes, NOT VALID checks and comments."""
    items = [column_definition(c) for c in table.columns]
    if table.primary_key is not None:
        items.append(clauses.primary_key(table.name, table.primary_key))
    items += [clauses.unique_constraint(i) for i in table.indexes if i.constraint]
    items += [clauses.foreign_key(fk) for fk in table.foreign_keys]
    # CREATE TABLE validates every check (the table is empty); NOT VALID is kept by adding it afterwards.
    items += [clauses.check(c) for c in table.checks if not c.attrs.get("not_valid")]
    statements = [
        Statement(f"CREATE TABLE {quote(table.name)}", comment=f"Create {_q(table.name)} table", items=items)
    ]
    statements += [create_index(table.name, i) for i in table.indexes if not i.constraint]
    unvalidated = [_add_check(c) for c in table.checks if c.attrs.get("not_valid")]
    if unvalidated:
        statements.append(_alter(table.name, unvalidated))
    statements += _comments(table.name, table)
    return statements


def drop_table(table: Table) -> Statement:
    return Statement(f"DROP TABLE {quote(table.name)}", comment=f"Drop {_q(table.name)} table")


@dataclass
class _TablePlan:
    """The statements of one modified table, in the order they run."""

    table: str
    before: list[Statement] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)
    """ALTER TABLE clauses that remove constraints: written first."""
    generated_drops: list[str] = field(default_factory=list)
    """DROP COLUMN of generated columns: before the columns they are computed from go."""
    alters: list[str] = field(default_factory=list)
    adds: list[str] = field(default_factory=list)
    """ALTER TABLE clauses that add keys and constraints: written last."""
    after: list[Statement] = field(default_factory=list)
    comments: list[Statement] = field(default_factory=list)

    def statements(self) -> list[Statement]:
        clauses_ = self.drops + self.generated_drops + self.alters + self.adds
        main = [_alter(self.table, clauses_)] if clauses_ else []
        return self.before + main + self.after + self.comments


def modify_table(modify: ModifyTable) -> list[Statement]:
    name = modify.new.name
    plan = _TablePlan(name)
    changes = _comment_only_index_changes(modify, plan)
    recreated = _recreated_columns(modify)
    for change in changes:
        match change:
            case DropIndex(index=index) if index.constraint:
                plan.drops.append(f"DROP CONSTRAINT {quote(_index_name(index))}")
            case DropIndex(index=index):
                plan.before.append(drop_index(name, index))
            case AddIndex(index=index) if index.constraint:
                plan.adds.append("ADD " + clauses.unique_constraint(index))
                plan.comments += _index_comment(name, index, None)
            case AddIndex(index=index):
                plan.after.append(create_index(name, index))
                plan.comments += _index_comment(name, index, None)
            case DropForeignKey(foreign_key=fk):
                plan.drops.append(f"DROP CONSTRAINT {quote(_constraint(fk))}")
            case AddForeignKey(foreign_key=fk):
                plan.adds.append("ADD " + clauses.foreign_key(fk))
            case DropCheck(check=check):
                plan.drops.append(f"DROP CONSTRAINT {quote(_constraint(check))}")
            case AddCheck(check=check):
                plan.adds.append(_add_check(check))
            case ModifyPrimaryKey(old=old, new=new):
                if old is not None:
                    plan.drops.append(f"DROP CONSTRAINT {quote(old.name or clauses.default_pkey_name(name))}")
                if new is not None:
                    plan.adds.append("ADD " + clauses.primary_key(name, new))
            case AddColumn(column=column):
                plan.alters.append(f"ADD COLUMN {column_definition(column)}")
                plan.comments += _column_comment(name, column, None)
            case DropColumn(column=column):
                drops = plan.generated_drops if column.generated is not None else plan.alters
                drops.append(f"DROP COLUMN {quote(column.name)}")
            case ModifyColumn() if change.new.name in recreated:
                _recreate_column(modify, recreated.pop(change.new.name), plan)
            case ModifyColumn():
                _modify_column(name, change, plan)
            case ModifyTableComment(old=old, new=new):
                plan.comments.append(_table_comment(name, new))
            case ModifyTableOptions():
                raise UnsupportedChangeError(f'table "{name}": PostgreSQL tables have no options to change')
            case _:
                raise TypeError(f"postgres: unsupported table change {type(change).__name__}")
    for change in recreated.values():  # unchanged generated columns over a column whose type changes
        _recreate_column(modify, change, plan)
    return plan.statements()


def _alter(table: str, clauses_: list[str]) -> Statement:
    return Statement(f"ALTER TABLE {quote(table)} {', '.join(clauses_)}", comment=f"Modify {_q(table)} table")


def _add_check(check: Check) -> str:
    return "ADD " + clauses.check(check) + (" NOT VALID" if check.attrs.get("not_valid") else "")


def _constraint(obj: ForeignKey | Check) -> str:
    if obj.name is None:
        raise UnsupportedChangeError("cannot drop a constraint without a name")
    return obj.name


# ---- columns -----------------------------------------------------------------------------------------------


def _modify_column(table: str, change: ModifyColumn, plan: _TablePlan) -> None:
    old, new, what = change.old, change.new, change.change
    alter = f"ALTER COLUMN {quote(new.name)}"
    out = plan.alters
    old_identity, new_identity = old.attrs.get("identity"), new.attrs.get("identity")
    old_serial, new_serial = old.type in SERIAL_TYPES, new.type in SERIAL_TYPES
    current, target = _effective_default(table, old), _effective_default(table, new)
    type_clause = _storage_type(old) != _storage_type(new) or bool(what & ColumnChange.COLLATION)

    if what & ColumnChange.GENERATED:
        # Only the removal of an expression reaches here (see _recreated_columns): values are kept. PostgreSQL
        # changes types before it drops expressions, and refuses a type change on a generated column or on a
        # column one uses: the expression goes in a statement of its own first.
        plan.before.append(_alter(table, [f"{alter} DROP EXPRESSION"]))
    if old_identity and not new_identity:
        drop_identity = f"{alter} DROP IDENTITY"
        if new_serial or type_clause:
            # PostgreSQL changes types before it drops identities, and only integers can be identities; and
            # the identity's sequence carries the name a new serial's sequence needs.
            plan.before.append(_alter(table, [drop_identity]))
        else:
            out.append(drop_identity)
    if new_serial and not old_serial:
        plan.before.append(_create_serial_sequence(table, new))
        plan.after.append(_sequence_past_values(table, new))
    if old_serial and not new_serial:
        plan.after.append(_drop_serial_sequence(table, old))
    # A default the new type cannot take would make the conversion fail: drop it first, set it again below.
    dropped = current is not None and (type_clause or (old_serial and not new_serial))
    if dropped:
        out.append(f"{alter} DROP DEFAULT")
    if type_clause:
        out.append(f"{alter} TYPE {_type_change(old, new)}")
    if old_serial and new_serial and type_clause:
        # The sequence's own type limits its values; serial → bigserial widens it with the column.
        plan.after.append(_alter_sequence_type(table, new))
    if what & ColumnChange.NULL:
        out.append(f"{alter} {'DROP' if new.nullable else 'SET'} NOT NULL")
    if dropped or what & ColumnChange.DEFAULT or old_serial != new_serial:
        if target is not None:
            out.append(f"{alter} SET DEFAULT {target}")
        elif current is not None and not dropped:
            out.append(f"{alter} DROP DEFAULT")
    if new_identity:
        _identity_change(table, old, new, plan)
    if what & ColumnChange.COMMENT:
        plan.comments += _column_comment(table, new, old.comment)


def _identity_change(table: str, old: Column, new: Column, plan: _TablePlan) -> None:
    """A column that becomes an identity column, or changes its generation or sequence options (the removal
    of an identity is planned with the type change it may have to precede)."""
    alter = f"ALTER COLUMN {quote(new.name)}"
    old_identity, new_identity = old.attrs.get("identity"), new.attrs["identity"]
    if not old_identity:
        plan.alters.append(f"{alter} ADD {clauses.identity_clause(new)}")
        plan.after.append(_sequence_past_values(table, new))
        return
    options = [f"SET GENERATED {new_identity}"] if new_identity != old_identity else []
    for key, phrase in (("start", "START WITH"), ("increment", "INCREMENT BY")):
        if old.attrs.get(key, 1) != new.attrs.get(key, 1):
            options.append(f"SET {phrase} {int(new.attrs.get(key, 1))}")
    if options:
        plan.alters.append(f"{alter} {' '.join(options)}")


def _effective_default(table: str, column: Column) -> str | None:
    """The default the column really has: a serial column's is ``nextval`` of its sequence."""
    if column.type in SERIAL_TYPES:
        return f"nextval({literal(quote(serial_sequence_name(table, column.name)))}::regclass)"
    return column.default


def _storage_type(column: Column) -> str:
    """The type values are stored as: a serial column is its integer type."""
    return SERIAL_TYPES.get(column.type, column.type)


def _type_change(old: Column, new: Column) -> str:
    """``<type> [COLLATE c] [USING conversion]`` after ``ALTER COLUMN … TYPE``."""
    source, target = _storage_type(old), _storage_type(new)
    sql = target
    if new.collation:
        sql += f" COLLATE {quote(new.collation)}"
    elif old.collation and source == target:
        # Without COLLATE, ALTER … TYPE gives the column its type's default collation; the same type needs it
        # spelled out.
        sql += ' COLLATE "default"'
    if needs_using(source, target):
        sql += f" USING {conversion(quote(new.name), source, target)}"
    return sql


def _create_serial_sequence(table: str, column: Column) -> Statement:
    sequence = serial_sequence_name(table, column.name)
    return Statement(
        f"CREATE SEQUENCE {quote(sequence)} AS {_storage_type(column)} "
        f"OWNED BY {quote(table)}.{quote(column.name)}",
        comment=f"Create sequence for serial column {_q(column.name)}",
    )


def _drop_serial_sequence(table: str, column: Column) -> Statement:
    return Statement(
        f"DROP SEQUENCE IF EXISTS {quote(serial_sequence_name(table, column.name))}",
        comment=f"Drop sequence used by serial column {_q(column.name)}",
    )


def _alter_sequence_type(table: str, column: Column) -> Statement:
    return Statement(
        f"ALTER SEQUENCE {quote(serial_sequence_name(table, column.name))} AS {_storage_type(column)}",
        comment=f"Modify sequence used by serial column {_q(column.name)}",
    )


def _sequence_past_values(table: str, column: Column) -> Statement:
    """A sequence attached to a column that already holds values would hand out those values again."""
    name = quote(column.name)
    sequence = f"pg_get_serial_sequence({literal(quote(table))}, {literal(column.name)})"
    return Statement(
        f"SELECT setval({sequence}, max({name})) FROM {quote(table)} HAVING max({name}) IS NOT NULL",
        comment=f"Move the sequence of column {_q(column.name)} past the values in table: {_q(table)}",
    )


# ---- generated columns that are dropped and added again ----------------------------------------------------


def _recreated_columns(modify: ModifyTable) -> dict[str, ModifyColumn]:
    """Generated columns to drop and add again (their values are computed anyway), by name: those whose
    expression is new or changed, or whose type changes (PostgreSQL before 17 cannot alter them), and those
    that use a column whose type changes (PostgreSQL refuses to change it under them). A column that merely
    stops being generated keeps its values with DROP EXPRESSION instead."""
    retype = ColumnChange.TYPE | ColumnChange.COLLATION
    changed = {c.new.name: c for c in modify.changes if isinstance(c, ModifyColumn)}
    retyped = [name for name, c in changed.items() if c.change & retype]
    old_columns = {c.name: c for c in modify.old.columns}
    recreated = {}
    for column in modify.new.columns:
        old = old_columns.get(column.name)
        if column.generated is None or old is None:
            continue
        change = changed.get(column.name)
        if change is not None and change.change & (ColumnChange.GENERATED | retype):
            recreated[column.name] = change
        elif old.generated is not None and any(_mentions_expr(r, column.generated.expr) for r in retyped):
            recreated[column.name] = change or ModifyColumn(old, column, ColumnChange.NONE)
    return recreated


def _recreate_column(modify: ModifyTable, change: ModifyColumn, plan: _TablePlan) -> None:
    """DROP COLUMN + ADD COLUMN; what PostgreSQL drops with the column is dropped explicitly first (IF EXISTS,
    so an over-cautious guess is harmless) and recreated afterwards in its desired form."""
    table, column = modify.new.name, change.new.name
    plan.generated_drops.append(f"DROP COLUMN {quote(column)}")
    plan.alters.append(f"ADD COLUMN {column_definition(change.new)}")
    plan.comments += _column_comment(table, change.new, None)
    dropped = {id(c.index) for c in _changes(modify, DropIndex)}
    added = {id(c.index) for c in _changes(modify, AddIndex)}
    new_indexes = {i.name: i for i in modify.new.indexes}
    for index in modify.old.indexes:
        if id(index) in dropped or not _mentions(column, index):
            continue
        desired = new_indexes.get(index.name)
        if index.constraint:
            plan.drops.append(f"DROP CONSTRAINT IF EXISTS {quote(_index_name(index))}")
        else:
            plan.before.append(drop_index(modify.new.name, index, if_exists=True))
        if desired is not None and id(desired) not in added:
            if desired.constraint:
                plan.adds.append("ADD " + clauses.unique_constraint(desired))
            else:
                plan.after.append(create_index(table, desired))
    _recreate_constraints(modify, column, plan)


def _recreate_constraints(modify: ModifyTable, column: str, plan: _TablePlan) -> None:
    dropped = {id(c.check) for c in _changes(modify, DropCheck)}
    dropped |= {id(c.foreign_key) for c in _changes(modify, DropForeignKey)}
    added = {id(c.check) for c in _changes(modify, AddCheck)}
    added |= {id(c.foreign_key) for c in _changes(modify, AddForeignKey)}
    new_checks = {c.name: c for c in modify.new.checks}
    for check in modify.old.checks:
        if id(check) in dropped or check.name is None or not _mentions_expr(column, check.expr):
            continue
        plan.drops.append(f"DROP CONSTRAINT IF EXISTS {quote(check.name)}")
        if (desired := new_checks.get(check.name)) is not None and id(desired) not in added:
            plan.adds.append(_add_check(desired))
    new_fks = {fk.name: fk for fk in modify.new.foreign_keys}
    for fk in modify.old.foreign_keys:
        if id(fk) in dropped or fk.name is None or column not in fk.columns:
            continue
        plan.drops.append(f"DROP CONSTRAINT IF EXISTS {quote(fk.name)}")
        if (desired_fk := new_fks.get(fk.name)) is not None and id(desired_fk) not in added:
            plan.adds.append("ADD " + clauses.foreign_key(desired_fk))


def _changes(modify: ModifyTable, kind: type) -> list:
    return [c for c in modify.changes if isinstance(c, kind)]


def _mentions(column: str, index: Index) -> bool:
    if column in index.columns or column in index.include:
        return True
    texts = [p.expr for p in index.parts if p.expr] + ([index.predicate] if index.predicate else [])
    return any(_mentions_expr(column, text) for text in texts)


def _mentions_expr(column: str, sql: str) -> bool:
    """Whether an expression may use the column: its name appears as a word, quoted or not, in any case (a
    guess on the safe side: what it wrongly includes is dropped IF EXISTS and recreated unchanged)."""
    return re.search(rf"(?<![\w$]){re.escape(column)}(?![\w$])", sql, re.IGNORECASE) is not None


# ---- indexes -----------------------------------------------------------------------------------------------


def create_index(table: str, index: Index) -> Statement:
    sql = "CREATE UNIQUE INDEX " if index.unique else "CREATE INDEX "
    if index.name:
        sql += quote(index.name) + " "
    sql += f"ON {quote(table)} {clauses.index_body(index)}"
    return Statement(sql, comment=f"Create index {_q(index.name or '')} to table: {_q(table)}")


def drop_index(table: str, index: Index, *, if_exists: bool = False) -> Statement:
    name = _index_name(index)
    sql = f"DROP INDEX {'IF EXISTS ' if if_exists else ''}{quote(name)}"
    return Statement(sql, comment=f"Drop index {_q(name)} from table: {_q(table)}")


def _index_name(index: Index) -> str:
    if index.name is None:
        raise UnsupportedChangeError("cannot drop an index without a name")
    return index.name


def _comment_only_index_changes(modify: ModifyTable, plan: _TablePlan) -> list:
    """An index whose comment alone changed is commented, not rebuilt (the diff reports a drop and an add)."""
    drops = {c.index.name: c for c in _changes(modify, DropIndex) if c.index.name is not None}
    skipped: set[int] = set()
    for add in _changes(modify, AddIndex):
        drop = drops.get(add.index.name)
        if drop is not None and replace(drop.index, comment=add.index.comment) == add.index:
            skipped |= {id(drop), id(add)}
            plan.comments += _index_comment(modify.new.name, add.index, drop.index.comment)
    return [c for c in modify.changes if id(c) not in skipped]


# ---- comments ----------------------------------------------------------------------------------------------


def _comments(table: str, definition: Table) -> list[Statement]:
    statements = [_table_comment(table, definition.comment)] if definition.comment else []
    for column in definition.columns:
        statements += _column_comment(table, column, None)
    for index in definition.indexes:
        statements += _index_comment(table, index, None)
    return statements


def _table_comment(table: str, text: str | None) -> Statement:
    return Statement(
        f"COMMENT ON TABLE {quote(table)} IS {_comment_value(text)}",
        comment=f"Set comment to table: {_q(table)}",
    )


def _column_comment(table: str, column: Column, old: str | None) -> list[Statement]:
    if column.comment == old:
        return []
    return [
        Statement(
            f"COMMENT ON COLUMN {quote(table)}.{quote(column.name)} IS {_comment_value(column.comment)}",
            comment=f"Set comment to column: {_q(column.name)} on table: {_q(table)}",
        )
    ]


def _index_comment(table: str, index: Index, old: str | None) -> list[Statement]:
    if index.comment == old or index.name is None:
        return []
    return [
        Statement(
            f"COMMENT ON INDEX {quote(index.name)} IS {_comment_value(index.comment)}",
            comment=f"Set comment to index: {_q(index.name)} on table: {_q(table)}",
        )
    ]


def _comment_value(text: str | None) -> str:
    return "NULL" if text is None else literal(text)


# ---- schema-level objects ----------------------------------------------------------------------------------


def schema_objects(change: ModifySchema) -> tuple[list[Statement], list[Statement]]:
    """(statements to run before the table changes, statements to run after them) for extensions and enums."""
    old, new = change.old.attrs, change.new.attrs
    old_ext, new_ext = old.get("extensions", []), new.get("extensions", [])
    old_enums, new_enums = old.get("enums", {}), new.get("enums", {})
    before = [
        Statement(f"CREATE EXTENSION IF NOT EXISTS {quote(x)}", comment=f"Create extension {_q(x)}")
        for x in new_ext
        if x not in old_ext
    ]
    for name, labels in new_enums.items():
        if name not in old_enums:
            values = ", ".join(literal(v) for v in labels)
            before.append(
                Statement(
                    f"CREATE TYPE {quote(name)} AS ENUM ({values})", comment=f"Create enum type {_q(name)}"
                )
            )
        elif old_enums[name] != labels:
            before += _add_enum_values(name, old_enums[name], labels)
    after = [
        Statement(f"DROP TYPE {quote(name)}", comment=f"Drop enum type {_q(name)}")
        for name in old_enums
        if name not in new_enums
    ]
    after += [
        Statement(f"DROP EXTENSION {quote(x)}", comment=f"Drop extension {_q(x)}")
        for x in old_ext
        if x not in new_ext
    ]
    return before, after


def _add_enum_values(name: str, old: list[str], new: list[str]) -> list[Statement]:
    """ALTER TYPE … ADD VALUE for each new label, placed where the desired order puts it."""
    if [v for v in new if v in old] != old:
        raise UnsupportedChangeError(
            f'enum type "{name}": PostgreSQL cannot drop or reorder enum values in place '
            f"({old!r} → {new!r}); only added values are planned"
        )
    statements = []
    current = list(old)
    for position, value in enumerate(new):
        if value in current:
            continue
        sql = f"ALTER TYPE {quote(name)} ADD VALUE {literal(value)}"
        if position == 0 and current:
            sql += f" BEFORE {literal(current[0])}"
        elif position > 0 and new[position - 1] != current[-1]:
            sql += f" AFTER {literal(new[position - 1])}"
        current.insert(current.index(new[position - 1]) + 1 if position else 0, value)
        statements.append(Statement(sql, comment=f"Add value to enum type: {_q(name)}"))
    return statements
