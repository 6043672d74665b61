"""MySQL/MariaDB planner: changes → SQL statements in Atlas's MySQL style.

A new table is one ``CREATE TABLE`` holding its columns, primary key, indexes, foreign keys and checks, then
its options (``CHARSET``, ``COLLATE``, ``COMMENT``, ``ENGINE`` when not the server's default). A modified
table is one ``ALTER TABLE`` with comma-joined clauses (``ADD COLUMN``, ``DROP COLUMN``, ``MODIFY COLUMN``
with the full column definition, ``ADD``/``DROP INDEX``, ``ADD CONSTRAINT … FOREIGN KEY``/``DROP FOREIGN
KEY``, ``ADD CONSTRAINT … CHECK``/``DROP CONSTRAINT``, table options), in the diff's order: the server
applies one ALTER TABLE as a whole, so an index a foreign key needs can be swapped in the same statement.
Comments are Atlas's: ``Create "t" table``, ``Modify "t" table``, ``Drop "t" table``.

Where one statement is not enough:

- a foreign key dropped and added back under the same name (its definition changed): MySQL refuses both in
  one ALTER TABLE, so the new version is added by a second one (as Atlas does);
- a column whose type or collation changes while a foreign key uses it (Django's ``int`` → ``bigint`` of a
  primary key and the columns referencing it): the server refuses to change it under the key, so those
  foreign keys are dropped at the start of the plan (and the unchanged ones added back at its end);
- a column that becomes or stops being generated, or switches VIRTUAL/STORED: neither server can MODIFY that,
  so the column is dropped and added again (with the indexes on it) in the same ALTER TABLE.

The SQL is accepted by both flavours (MariaDB ≥ 10.2.7, MySQL ≥ 8.0.19): ``DROP CONSTRAINT`` for checks,
expression defaults in parentheses, no ``NULL``/``NOT NULL`` on a nullable generated column (MariaDB refuses
it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
    TableChange,
)
from ...plan import Statement
from ...schema import Check, Column, ForeignKey, Index, IndexPart, Table
from .sql import is_wrapped, quote_ident, quote_string, unwrap
from .values import STRING_TYPES, base_type, now_keyword

# Column changes that a foreign key on the column does not survive.
_RETYPE = ColumnChange.TYPE | ColumnChange.COLLATION

# A DEFAULT written as is: numbers, strings, bit/hex literals, NULL, TRUE/FALSE.
_LITERAL = re.compile(
    r"""[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?
      | '([^'\\]|''|\\.)*'
      | (?i:b'[01]*'|0b[01]+|x'[0-9a-f]*'|0x[0-9a-f]+)
      | (?i:NULL|TRUE|FALSE)""",
    re.VERBOSE,
)


def plan_changes(changes: list[Change]) -> list[Statement]:
    """The statements that apply ``changes`` (already ordered by the diff) on MySQL or MariaDB."""
    unpinned = unpin_foreign_keys(changes)
    statements = [
        _alter(table, [_drop_fk(fk) for fk in fks.values()]) for table, fks in unpinned.drop.items()
    ]
    for change in unpinned.changes:
        if isinstance(change, AddTable):
            statements.append(create_table(change.table))
        elif isinstance(change, DropTable):
            statements.append(drop_table(change.table))
        elif isinstance(change, ModifyTable):
            statements += alter_table(change)
        elif isinstance(change, ModifySchema):
            statements += alter_database(change)
        else:
            raise TypeError(f"mysql: unsupported change {type(change).__name__}")
    statements += [
        _alter(table, ["ADD " + foreign_key_definition(fk) for fk in fks.values()])
        for table, fks in unpinned.add_back.items()
    ]
    return statements


# ---- tables ------------------------------------------------------------------------------------------------


def create_table(table: Table) -> Statement:
    definitions = _Definitions(table)
    items = [definitions.column(c) for c in table.columns]
    if table.primary_key is not None:
        items.append("PRIMARY KEY " + _columns(table.primary_key.columns))
    items += [index_definition(i) for i in table.indexes]
    items += [foreign_key_definition(fk) for fk in table.foreign_keys]
    items += [check_definition(c) for c in table.checks if not is_column_check(c)]
    return Statement(
        f"CREATE TABLE {quote_ident(table.name)}",
        comment=f"Create {_q(table.name)} table",
        items=items,
        tail=_create_options(table),
    )


def drop_table(table: Table) -> Statement:
    return Statement(f"DROP TABLE {quote_ident(table.name)}", comment=f"Drop {_q(table.name)} table")


def alter_database(modify: ModifySchema) -> list[Statement]:
    """The database's default charset/collation. No name: the statement applies to the database the
    migration runs in, which is not the dev database the plan was made on."""
    old, new = modify.old.attrs, modify.new.attrs
    # A side that knows no defaults (the empty schema ``schema inspect`` plans from) asks for no change.
    if not old.get("collation") or not new.get("collation") or old.get("collation") == new.get("collation"):
        return []
    # CHARACTER SET, not CHARSET: without a database name, ALTER DATABASE would read CHARSET as one.
    clause = f"CHARACTER SET {new.get('charset')} COLLATE {new.get('collation')}"
    return [Statement(f"ALTER DATABASE {clause}", comment="Modify the database defaults")]


def alter_table(modify: ModifyTable) -> list[Statement]:
    """One ALTER TABLE, or two when a new foreign key cannot join the first: it is re-created under the name
    of one the first drops (MySQL refuses both in one statement), or it uses a column the first retypes, on
    either end of a self-reference (the server checks a key against the table as it was before the statement,
    so the types would not match)."""
    table = modify.new.name
    dropped_fks = {c.foreign_key.name for c in modify.changes if isinstance(c, DropForeignKey)}
    retyped = {c.new.name for c in modify.changes if isinstance(c, ModifyColumn) and c.change & _RETYPE}

    def uses_retyped(fk: ForeignKey) -> bool:
        refers_here = fk.ref_table == table and fk.ref_schema is None
        return bool(retyped.intersection(fk.columns)) or (
            refers_here and bool(retyped.intersection(fk.ref_columns))
        )

    again = [
        c
        for c in modify.changes
        if isinstance(c, AddForeignKey) and (c.foreign_key.name in dropped_fks or uses_retyped(c.foreign_key))
    ]
    first = [c for c in modify.changes if not any(c is a for a in again)]
    statements = []
    for part in (first, again):
        clauses = alter_clauses(modify, part)
        if clauses:
            statements.append(_alter(modify.new.name, clauses))
    return statements


def _alter(table: str, clauses: list[str]) -> Statement:
    return Statement(
        f"ALTER TABLE {quote_ident(table)} {', '.join(clauses)}", comment=f"Modify {_q(table)} table"
    )


def alter_clauses(modify: ModifyTable, changes: list[TableChange]) -> list[str]:
    """The comma-joined clauses of one ALTER TABLE for ``changes`` (a part of ``modify``)."""
    definitions = _Definitions(modify.new, _changed_collation(changes))
    clauses: list[str] = []
    defined: set[str] = set()  # columns this statement adds, drops or redefines already
    for change in changes:
        match change:
            case AddColumn(column=column):
                defined.add(column.name)
                clauses.append("ADD COLUMN " + definitions.column(column))
            case DropColumn(column=column):
                defined.add(column.name)
                clauses.append(f"DROP COLUMN {quote_ident(column.name)}")
            case ModifyColumn(old=old, new=new):
                defined.add(new.name)
                clauses += _modify_column(modify, old, new, changes, definitions)
            case AddIndex(index=index):
                clauses.append("ADD " + index_definition(index))
            case DropIndex(index=index):
                clauses.append(f"DROP INDEX {quote_ident(index.name or '')}")
            case AddForeignKey(foreign_key=fk):
                clauses.append("ADD " + foreign_key_definition(fk))
            case DropForeignKey(foreign_key=fk):
                clauses.append(_drop_fk(fk))
            case AddCheck(check=check) if not is_column_check(check):
                clauses.append("ADD " + check_definition(check))
            case DropCheck(check=check) if not is_column_check(check):
                clauses.append(f"DROP CONSTRAINT {quote_ident(check.name or '')}")
            case AddCheck() | DropCheck():
                pass  # a column-level check changes with its column's definition, below
            case ModifyPrimaryKey(old=old_pk, new=new_pk):
                if old_pk is not None:
                    clauses.append("DROP PRIMARY KEY")
                if new_pk is not None:
                    clauses.append("ADD PRIMARY KEY " + _columns(new_pk.columns))
            case ModifyTableComment(new=comment):
                clauses.append("COMMENT " + quote_string(comment or ""))
            case ModifyTableOptions(old=old_options, new=new_options):
                clauses += _option_clauses(old_options, new_options)
            case _:
                raise TypeError(f"mysql: unsupported table change {type(change).__name__}")
    redefine = {
        c.check.name for c in changes if isinstance(c, AddCheck | DropCheck) and is_column_check(c.check)
    }
    clauses += [
        "MODIFY COLUMN " + definitions.column(c)
        for c in modify.new.columns
        if c.name not in defined and (c.name in redefine or definitions.follows_new_collation(c))
    ]
    return clauses


class _Definitions:
    """Column definitions for one table version.

    A MariaDB column-level check is part of its column's definition: written inline, and dropped by any
    redefinition that leaves it out. Where the statement changes the table's default collation, a column that
    follows the default names the new one explicitly (MODIFY would otherwise keep the old one).
    """

    def __init__(self, table: Table, new_collation: str | None = None) -> None:
        self.new_collation = new_collation
        self.inline_checks = {c.name: c for c in table.checks if is_column_check(c)}

    def column(self, column: Column) -> str:
        collation = self.new_collation if self.follows_new_collation(column) else None
        return column_definition(column, collation, self.inline_checks.get(column.name))

    def follows_new_collation(self, column: Column) -> bool:
        return self.new_collation is not None and column.collation is None and _takes_collation(column)


def _modify_column(
    modify: ModifyTable, old: Column, new: Column, changes: list[TableChange], definitions: _Definitions
) -> list[str]:
    if not _needs_recreate(old, new):
        return ["MODIFY COLUMN " + definitions.column(new)]
    # Indexes on the column lose it with DROP COLUMN; those the diff leaves alone are rebuilt around it.
    handled = {id(c.index) for c in changes if isinstance(c, AddIndex | DropIndex)}
    rebuilt = [i for i in modify.new.indexes if id(i) not in handled and new.name in i.columns]
    old_names = {i.name for i in modify.old.indexes}
    return [
        *(f"DROP INDEX {quote_ident(i.name or '')}" for i in rebuilt if i.name in old_names),
        f"DROP COLUMN {quote_ident(old.name)}",
        "ADD COLUMN " + definitions.column(new),
        *("ADD " + index_definition(i) for i in rebuilt),
    ]


def _needs_recreate(old: Column, new: Column) -> bool:
    """MODIFY COLUMN cannot turn a column into a generated one or back, nor switch VIRTUAL and STORED."""
    if (old.generated is None) != (new.generated is None):
        return True
    return bool(old.generated and new.generated and old.generated.stored != new.generated.stored)


def _changed_collation(changes: list[TableChange]) -> str | None:
    for change in changes:
        if isinstance(change, ModifyTableOptions):
            old, new = change.old.get("collation"), change.new.get("collation")
            if new is not None and old != new:
                return new
    return None


def _option_clauses(old: dict, new: dict) -> list[str]:
    clauses = []
    if new.get("engine") and (old.get("engine") or "").lower() != new["engine"].lower():
        clauses.append(f"ENGINE {new['engine']}")
    if (old.get("charset"), old.get("collation")) != (new.get("charset"), new.get("collation")):
        clauses.append(_charset_collate(new))
    return [c for c in clauses if c]


def _create_options(table: Table) -> str:
    parts = [_charset_collate(table.options)]
    if table.comment:
        parts.append("COMMENT " + quote_string(table.comment))
    if table.options.get("engine") and not table.options.get("engine_default"):
        parts.append(f"ENGINE {table.options['engine']}")
    text = " ".join(p for p in parts if p)
    return " " + text if text else ""


def _charset_collate(options: dict) -> str:
    parts = []
    if options.get("charset"):
        parts.append(f"CHARSET {options['charset']}")
    if options.get("collation"):
        parts.append(f"COLLATE {options['collation']}")
    return " ".join(parts)


# ---- foreign keys pinned by type changes -------------------------------------------------------------------


@dataclass
class Unpinned:
    changes: list[Change]
    """The changes, less the foreign-key drops moved to the start."""
    drop: dict[str, dict[str, ForeignKey]] = field(default_factory=dict)
    """Foreign keys to drop before anything else, by table then name."""
    add_back: dict[str, dict[str, ForeignKey]] = field(default_factory=dict)
    """Unchanged foreign keys among them, to add back after everything else."""


def unpin_foreign_keys(changes: list[Change]) -> Unpinned:
    """Free the columns whose type or collation changes from the foreign keys on either end of them.

    MySQL and MariaDB refuse to change such a column while a key uses it (error 1832/1833), even with
    FOREIGN_KEY_CHECKS off. So the plan starts by dropping those keys: the ones the diff drops anyway (their
    drop moves to the start) and the unchanged ones (added back at the end). Only keys of tables modified in
    this plan are seen: a key from a table the plan does not touch still blocks the change, and the plan's
    verification reports the server's error. The diff already adds *new* keys after the columns they use.
    """
    modifies = [c for c in changes if isinstance(c, ModifyTable)]
    retyped = {
        (modify.new.name, c.new.name)
        for modify in modifies
        for c in modify.changes
        if isinstance(c, ModifyColumn) and c.change & _RETYPE
    }
    result = Unpinned(changes=[])
    if not retyped:
        result.changes = list(changes)
        return result

    def blocks(table: str, fk: ForeignKey) -> bool:
        ends = {(table, c) for c in fk.columns} | {(fk.ref_table, c) for c in fk.ref_columns}
        return fk.ref_schema is None and bool(ends & retyped)

    # The diff may cut one table's modification in parts; a key unchanged by all of them is seen in each.
    # A key is unchanged only if the table had it before the plan and no part adds or drops it: a later
    # part's ``old`` already holds the keys an earlier part added, or that the table's creation declared.
    created = {c.table.name for c in changes if isinstance(c, AddTable)}
    original: dict[str, set[str | None]] = {name: set() for name in created}
    touched: dict[str, set[str | None]] = {}
    for modify in modifies:
        original.setdefault(modify.new.name, {fk.name for fk in modify.old.foreign_keys})
        touched.setdefault(modify.new.name, set()).update(
            c.foreign_key.name for c in modify.changes if isinstance(c, AddForeignKey | DropForeignKey)
        )
    for change in changes:
        if not isinstance(change, ModifyTable):
            result.changes.append(change)
            continue
        table = change.new.name
        kept = []
        for c in change.changes:
            if isinstance(c, DropForeignKey) and blocks(table, c.foreign_key):
                result.drop.setdefault(table, {})[c.foreign_key.name or ""] = c.foreign_key
            else:
                kept.append(c)
        for fk in change.new.foreign_keys:
            if fk.name in original[table] and fk.name not in touched[table] and blocks(table, fk):
                result.drop.setdefault(table, {})[fk.name or ""] = fk
                result.add_back.setdefault(table, {})[fk.name or ""] = fk
        result.changes.append(change if len(kept) == len(change.changes) else replace(change, changes=kept))
    return result


# ---- definitions -------------------------------------------------------------------------------------------


def column_definition(column: Column, collation: str | None = None, check: Check | None = None) -> str:
    """``name type [COLLATE c] [AS (expr) VIRTUAL|STORED] [NOT] NULL [DEFAULT d] [ON UPDATE x]
    [AUTO_INCREMENT] [INVISIBLE] [COMMENT 'c'] [CHECK (…)]``; ``collation`` stands in for a column that has
    none of its own, ``check`` is a MariaDB column-level check."""
    parts = [quote_ident(column.name), column.type]
    if column.collation or collation:
        parts.append(f"COLLATE {column.collation or collation}")
    if column.generated is not None:
        kind = "STORED" if column.generated.stored else "VIRTUAL"
        parts.append(f"AS ({unwrap(column.generated.expr)}) {kind}")
        if not column.nullable:
            parts.append("NOT NULL")  # MySQL only: MariaDB reports every generated column nullable
    else:
        parts.append("NULL" if column.nullable else "NOT NULL")
        if column.default is not None:
            parts.append("DEFAULT " + default_sql(column.default))
    if on_update := column.attrs.get("on_update"):
        parts.append(f"ON UPDATE {on_update}")
    if column.auto_increment:
        parts.append("AUTO_INCREMENT")
    if column.attrs.get("invisible"):
        parts.append("INVISIBLE")
    if column.comment:
        parts.append("COMMENT " + quote_string(column.comment))
    if check is not None:
        parts.append(f"CHECK ({unwrap(check.expr)})")
    return " ".join(parts)


def default_sql(default: str) -> str:
    """A DEFAULT both servers accept: literals and CURRENT_TIMESTAMP as is, expressions in parentheses."""
    text = default.strip()
    if _LITERAL.fullmatch(text) or now_keyword(text) is not None or is_wrapped(text):
        return text
    return f"({text})"


def index_definition(index: Index) -> str:
    if index.unique:
        kind = "UNIQUE INDEX"
    elif index.method in ("FULLTEXT", "SPATIAL"):
        kind = f"{index.method} INDEX"
    else:
        kind = "INDEX"
    sql = f"{kind} {quote_ident(index.name or '')}"
    if index.method == "HASH":
        sql += " USING HASH"
    sql += " (" + ", ".join(_index_part(p) for p in index.parts) + ")"
    if index.comment:
        sql += " COMMENT " + quote_string(index.comment)
    return sql


def _index_part(part: IndexPart) -> str:
    if part.column is not None:
        sql = quote_ident(part.column)
        if part.prefix:
            sql += f"({part.prefix})"
    else:
        sql = f"({unwrap(part.expr or '')})"
    if part.desc:
        sql += " DESC"
    return sql


def foreign_key_definition(fk: ForeignKey) -> str:
    sql = f"CONSTRAINT {quote_ident(fk.name)} " if fk.name else ""
    target = quote_ident(fk.ref_table)
    if fk.ref_schema:
        target = f"{quote_ident(fk.ref_schema)}.{target}"
    return (
        sql + f"FOREIGN KEY {_columns(fk.columns)} REFERENCES {target} {_columns(fk.ref_columns)}"
        f" ON UPDATE {fk.on_update} ON DELETE {fk.on_delete}"
    )


def _drop_fk(fk: ForeignKey) -> str:
    return f"DROP FOREIGN KEY {quote_ident(fk.name or '')}"


def check_definition(check: Check) -> str:
    sql = f"CONSTRAINT {quote_ident(check.name)} " if check.name else ""
    sql += f"CHECK ({unwrap(check.expr)})"
    if check.attrs.get("enforced") is False:
        sql += " NOT ENFORCED"
    return sql


def is_column_check(check: Check) -> bool:
    return check.attrs.get("level") == "column"


def _takes_collation(column: Column) -> bool:
    return base_type(column.type) in STRING_TYPES


def _columns(names: Iterable[str]) -> str:
    return "(" + ", ".join(quote_ident(n) for n in names) + ")"


def _q(name: str) -> str:
    """A name as Atlas shows it in comments (Go's %q)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
