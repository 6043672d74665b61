"""SQLite planner: changes → SQL statements, mirroring Atlas's SQLite planner (statements and comments).

SQLite's ALTER TABLE can add a column (with restrictions) and nothing else that matters here, so every other
table change goes through the procedure of https://www.sqlite.org/lang_altertable.html#otheralter, as Atlas
does: create ``new_<t>`` with the desired definition, copy the rows, drop ``<t>``, rename ``new_<t>`` to
``<t>``, create its indexes again. Dropping a table (also the old one in a rebuild) would run its foreign
keys' ON DELETE actions and checks, so such plans run with foreign-key enforcement off: one
``PRAGMA foreign_keys`` off/on pair around the whole plan, as Atlas writes it.

Identifiers are quoted with backticks, as in Atlas's SQLite output. Expressions (defaults, checks, index
parts and predicates, generated columns) are the SQL text the inspector read from SQLite and are written back
verbatim; only the parentheses SQLite requires are added.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...changes import (
    AddColumn,
    AddForeignKey,
    AddIndex,
    AddTable,
    Change,
    ColumnChange,
    DropIndex,
    DropTable,
    ModifyColumn,
    ModifyTable,
    ModifyTableComment,
)
from ...plan import Statement
from ...schema import Check, Column, ForeignKey, Index, IndexPart, Table
from ...sqltext import is_parenthesised

# A rebuilt table is created under this prefix, then renamed (Atlas's name for the temporary table).
TEMP_PREFIX = "new_"


def plan_changes(changes: list[Change]) -> list[Statement]:
    """The statements that apply ``changes`` (already ordered by the diff) on SQLite."""
    statements: list[Statement] = []
    needs_fk_off = False
    for change in changes:
        if isinstance(change, AddTable):
            statements += create_table(change.table)
        elif isinstance(change, DropTable):
            needs_fk_off = True
            statements.append(drop_table(change.table))
        elif isinstance(change, ModifyTable):
            if alterable(change):
                statements += alter_table(change)
            else:
                needs_fk_off = True
                statements += rebuild_table(change)
        else:
            raise TypeError(f"sqlite: unsupported change {type(change).__name__}")
    if needs_fk_off:
        # PRAGMA foreign_keys is a no-op inside a transaction; the executor runs such files accordingly.
        statements = [
            Statement(
                "PRAGMA foreign_keys = off", comment="Disable the enforcement of foreign-keys constraints"
            ),
            *statements,
            Statement(
                "PRAGMA foreign_keys = on", comment="Enable back the enforcement of foreign-keys constraints"
            ),
        ]
    return statements


# ---- tables ------------------------------------------------------------------------------------------------


def create_table(table: Table, name: str | None = None) -> list[Statement]:
    """CREATE TABLE (as ``name`` when given) followed by the table's CREATE INDEX statements."""
    name = name or table.name
    inline_pk = _autoincrement_column(table)
    items = [column_definition(c, inline_pk=c.name == inline_pk) for c in table.columns]
    if table.primary_key is not None and inline_pk is None:
        items.append(
            _constraint_name(table.primary_key.name) + "PRIMARY KEY " + _columns(table.primary_key.columns)
        )
    items += [_unique_constraint(i) for i in table.indexes if i.constraint]
    items += [_foreign_key(fk) for fk in table.foreign_keys]
    items += [_check(c) for c in table.checks]
    create = Statement(
        f"CREATE TABLE {quote(name)}", comment=f"Create {_q(name)} table", items=items, tail=_options(table)
    )
    return [create, *(create_index(name, i) for i in table.indexes if not i.constraint)]


def drop_table(table: Table) -> Statement:
    return Statement(f"DROP TABLE {quote(table.name)}", comment=f"Drop {_q(table.name)} table")


def rebuild_table(modify: ModifyTable) -> list[Statement]:
    """Atlas's table rebuild: create ``new_<t>``, copy the rows, drop ``<t>``, rename, create the indexes."""
    name = modify.new.name
    temp = TEMP_PREFIX + name
    statements = create_table(_without_plain_indexes(modify.new), name=temp)
    copy = _copy_rows(modify, temp)
    if copy is not None:
        statements.append(copy)
    drop = drop_table(modify.old)
    drop.comment += " after copying rows" if copy is not None else " without copying rows (no columns)"
    statements.append(drop)
    statements.append(
        Statement(
            f"ALTER TABLE {quote(temp)} RENAME TO {quote(name)}",
            comment=f"Rename temporary table {_q(temp)} to {_q(name)}",
        )
    )
    statements += [create_index(name, i) for i in modify.new.indexes if not i.constraint]
    return statements


def _copy_rows(modify: ModifyTable, temp: str) -> Statement | None:
    """INSERT … SELECT of the columns both versions share; generated columns are computed, not copied."""
    old_columns = {c.name for c in modify.old.columns}
    changed = {c.new.name: c.change for c in modify.changes if isinstance(c, ModifyColumn)}
    targets, sources = [], []
    for column in modify.new.columns:
        if column.generated is not None or column.name not in old_columns:
            continue
        targets.append(quote(column.name))
        change = changed.get(column.name, ColumnChange.NONE)
        # Atlas's rule: a NOT NULL column whose nullability or default changed takes the default for NULLs,
        # so rows that were NULL survive the new constraint.
        if (
            not column.nullable
            and column.default is not None
            and change & (ColumnChange.NULL | ColumnChange.DEFAULT)
        ):
            sources.append(
                f"IFNULL({quote(column.name)}, {default_sql(column.default)}) AS {quote(column.name)}"
            )
        else:
            sources.append(quote(column.name))
    if not targets:
        return None
    select = f"SELECT {', '.join(sources)} FROM {quote(modify.old.name)}"
    return Statement(
        f"INSERT INTO {quote(temp)} ({', '.join(targets)}) {select}",
        comment=f"Copy rows from old table {_q(modify.old.name)} to new temporary table {_q(temp)}",
    )


def _without_plain_indexes(table: Table) -> Table:
    """The table as CREATE TABLE declares it; its CREATE INDEX statements follow the rename (real name)."""
    return Table(
        name=table.name,
        columns=table.columns,
        primary_key=table.primary_key,
        indexes=[i for i in table.indexes if i.constraint],
        foreign_keys=table.foreign_keys,
        checks=table.checks,
        comment=table.comment,
        options=table.options,
    )


# ---- in-place changes --------------------------------------------------------------------------------------


def alterable(modify: ModifyTable) -> bool:
    """Whether SQLite's ALTER TABLE / CREATE INDEX / DROP INDEX can apply every change without a rebuild."""
    added = {c.column.name: c.column for c in modify.changes if isinstance(c, AddColumn)}
    for change in modify.changes:
        match change:
            case AddIndex(index=index) | DropIndex(index=index):
                # A UNIQUE constraint lives in CREATE TABLE; only CREATE INDEX objects can come and go alone.
                if index.constraint:
                    return False
            case AddColumn(column=column):
                if not _can_add_column(column, modify.new):
                    return False
            case AddForeignKey(foreign_key=fk):
                # ADD COLUMN may carry a REFERENCES clause, so a new foreign key on exactly one new column
                # rides along with it; SQLite requires that column to default to NULL.
                if len(fk.columns) != 1 or fk.columns[0] not in added:
                    return False
                if not _is_null_default(added[fk.columns[0]].default):
                    return False
                if sum(1 for f in modify.new.foreign_keys if f.columns == fk.columns) != 1:
                    return False
            case ModifyTableComment():
                pass  # SQLite stores no comments; nothing to do.
            case ModifyColumn(change=ColumnChange.COMMENT):
                pass
            case _:
                return False
    return True


def alter_table(modify: ModifyTable) -> list[Statement]:
    """In-place statements for an :func:`alterable` modification, in the diff's order."""
    name = modify.new.name
    new_fks = {
        fk.columns[0]: fk for c in modify.changes if isinstance(c, AddForeignKey) for fk in [c.foreign_key]
    }
    statements = []
    for change in modify.changes:
        if isinstance(change, DropIndex):
            statements.append(drop_index(name, change.index))
        elif isinstance(change, AddIndex):
            statements.append(create_index(name, change.index))
        elif isinstance(change, AddColumn):
            column = change.column
            definition = column_definition(column)
            if (fk := new_fks.get(column.name)) is not None:
                definition += " " + _constraint_name(fk.name) + _references(fk)
            statements.append(
                Statement(
                    f"ALTER TABLE {quote(name)} ADD COLUMN {definition}",
                    comment=f"Add column {_q(column.name)} to table: {_q(name)}",
                )
            )
    return statements


def _can_add_column(column: Column, table: Table) -> bool:
    """SQLite's documented ADD COLUMN restrictions (https://www.sqlite.org/lang_altertable.html#altertabaddcol)."""
    if column.generated is not None:
        # Only VIRTUAL generated columns can be added: a STORED one would have to be computed for every row.
        return not column.generated.stored
    if table.primary_key is not None and column.name in table.primary_key.columns:
        return False
    if column.default is not None and not is_literal(column.default):
        return False  # CURRENT_TIMESTAMP and expressions are not constant.
    return column.nullable or not _is_null_default(column.default)


def _is_null_default(default: str | None) -> bool:
    return default is None or default.strip().upper() == "NULL"


# ---- indexes -----------------------------------------------------------------------------------------------


def create_index(table: str, index: Index) -> Statement:
    name = _index_name(table, index)
    sql = "CREATE UNIQUE INDEX " if index.unique else "CREATE INDEX "
    sql += f"{quote(name)} ON {quote(table)} ({', '.join(_index_part(p) for p in index.parts)})"
    if index.predicate:
        sql += f" WHERE {index.predicate}"
    return Statement(sql, comment=f"Create index {_q(name)} to table: {_q(table)}")


def drop_index(table: str, index: Index) -> Statement:
    name = _index_name(table, index)
    return Statement(f"DROP INDEX {quote(name)}", comment=f"Drop index {_q(name)} from table: {_q(table)}")


def _index_name(table: str, index: Index) -> str:
    # Atlas's name for an index that has none: <table>_<columns>.
    return index.name or "_".join([table, *(p.column or "expr" for p in index.parts)])


def _index_part(part: IndexPart) -> str:
    sql = quote(part.column) if part.column is not None else str(part.expr)
    if part.collation:
        sql += f" COLLATE {_collation(part.collation)}"
    if part.desc:
        sql += " DESC"
    return sql


def _unique_constraint(index: Index) -> str:
    return _constraint_name(index.name) + "UNIQUE (" + ", ".join(_index_part(p) for p in index.parts) + ")"


# ---- columns and constraints -------------------------------------------------------------------------------


def column_definition(column: Column, *, inline_pk: bool = False) -> str:
    """``name type [NOT] NULL [DEFAULT d] [COLLATE c] [PRIMARY KEY AUTOINCREMENT | GENERATED …]``."""
    parts = [quote(column.name)]
    if column.type:
        parts.append(column.type)
    parts.append("NULL" if column.nullable else "NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {default_sql(column.default)}")
    if column.collation:
        parts.append(f"COLLATE {_collation(column.collation)}")
    if inline_pk:
        parts.append("PRIMARY KEY AUTOINCREMENT")
    elif column.generated is not None:
        kind = "STORED" if column.generated.stored else "VIRTUAL"
        # Atlas writes the short ``AS (...)``; the full form reads unambiguously after ``[NOT] NULL``.
        parts.append(f"GENERATED ALWAYS AS ({column.generated.expr}) {kind}")
    return " ".join(parts)


def _autoincrement_column(table: Table) -> str | None:
    """The column declared ``PRIMARY KEY AUTOINCREMENT`` (SQLite has it only as a column constraint)."""
    pk = table.primary_key
    if pk is not None and pk.auto_increment and len(pk.columns) == 1:
        return pk.columns[0]
    return None


def _foreign_key(fk: ForeignKey) -> str:
    return _constraint_name(fk.name) + f"FOREIGN KEY {_columns(fk.columns)} " + _references(fk)


def _references(fk: ForeignKey) -> str:
    sql = f"REFERENCES {quote(fk.ref_table)}"
    if fk.ref_columns:
        sql += f" {_columns(fk.ref_columns)}"
    sql += f" ON UPDATE {fk.on_update} ON DELETE {fk.on_delete}"
    if fk.deferrable:
        sql += " DEFERRABLE INITIALLY " + ("DEFERRED" if fk.initially_deferred else "IMMEDIATE")
    return sql


def _check(check: Check) -> str:
    return _constraint_name(check.name) + f"CHECK ({check.expr})"


def _constraint_name(name: str | None) -> str:
    return f"CONSTRAINT {quote(name)} " if name else ""


def _options(table: Table) -> str:
    options = [
        sql
        for key, sql in (("without_rowid", "WITHOUT ROWID"), ("strict", "STRICT"))
        if table.options.get(key)
    ]
    return " " + ", ".join(options) if options else ""


def _columns(names: Iterable[str]) -> str:
    return "(" + ", ".join(quote(n) for n in names) + ")"


# ---- SQL text helpers --------------------------------------------------------------------------------------

_LITERAL = re.compile(
    r"""[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?   # number
      | [+-]?0[xX][0-9a-fA-F]+                     # hex integer
      | '([^']|'')*'                               # string
      | [xX]'[0-9a-fA-F]*'                         # blob
      | NULL | TRUE | FALSE""",
    re.VERBOSE | re.IGNORECASE,
)
_TIME_KEYWORD = re.compile(r"CURRENT_(TIME|DATE|TIMESTAMP)", re.IGNORECASE)
_BARE_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def quote(name: str) -> str:
    """A backtick-quoted identifier (the quoting Atlas's SQLite output uses)."""
    return "`" + name.replace("`", "``") + "`"


def is_literal(sql: str) -> bool:
    """A constant literal: number, string, blob, NULL, TRUE or FALSE."""
    return _LITERAL.fullmatch(sql.strip()) is not None


def default_sql(default: str) -> str:
    """A DEFAULT as SQLite accepts it: literals and CURRENT_* bare, any other expression parenthesised."""
    text = default.strip()
    if is_literal(text) or _TIME_KEYWORD.fullmatch(text) or _is_parenthesised(text):
        return text
    return f"({text})"


def _is_parenthesised(sql: str) -> bool:
    return is_parenthesised(sql, "sqlite")


def _collation(name: str) -> str:
    return name if _BARE_IDENTIFIER.fullmatch(name) else quote(name)


def _q(name: str) -> str:
    """A name as Atlas shows it in comments (Go's %q)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
