"""Read a SQLite schema into the schema model, with a fixed number of catalog queries.

Four statements whatever the number of tables: ``sqlite_master``, then the pragma table-valued functions
(``table_xinfo``, ``index_list`` with ``index_xinfo``, ``foreign_key_list``) each joined against it. What the
pragmas do not expose (checks, generated expressions, constraint names, DEFERRABLE, collations, partial-index
predicates, expression key parts) comes from the stored CREATE statements, read in :mod:`.ddl`.

How SQLite features land in the model:

- column ``type``: the declared type, lower-cased, spelled as declared (affinity depends on that text);
- column ``default``: text ready to follow ``DEFAULT`` (see :func:`.ddl.render_default`);
- ``UNIQUE`` written in CREATE TABLE (inline or table-level): an :class:`Index` with ``unique`` and
  ``constraint`` set, named after ``CONSTRAINT "x"`` when there is one, else ``None``;
- ``AUTOINCREMENT``: ``PrimaryKey.auto_increment``; ``WITHOUT ROWID`` / ``STRICT``: ``Table.options``
  ``{"without_rowid": True}`` / ``{"strict": True}`` (absent when not set);
- expression text (checks, generated columns, predicates, key expressions): sqlglot's SQLite rendering.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

from ...errors import NotCleanError
from ...schema import (
    NO_ACTION,
    Column,
    ForeignKey,
    Generated,
    Index,
    IndexPart,
    PrimaryKey,
    Schema,
    Table,
)
from .ddl import (
    TableClauses,
    UniqueClause,
    UnreadableDDLError,
    canonical_collation,
    read_create_index,
    read_create_table,
    render_default,
)

# SQLite reserves every name starting with "sqlite_" (case-insensitively) for itself; `_` is a LIKE wildcard.
_USER_OBJECT = r"m.name NOT LIKE 'sqlite\_%' ESCAPE '\'"

_OBJECTS = """
SELECT m.type, m.name, m.tbl_name, m.sql FROM {master} AS m
WHERE m.type IN ('table', 'index') AND {user}
"""

_COLUMNS = """
SELECT m.name, c.name, c.type, c."notnull", c.dflt_value, c.pk, c.hidden
FROM {master} AS m JOIN pragma_table_xinfo(m.name, :schema) AS c
WHERE m.type = 'table' AND {user}
ORDER BY m.name, c.cid
"""

# Only key columns (x.key = 1): the rest of index_xinfo lists the rowid / primary key SQLite appends.
_INDEX_KEYS = """
SELECT m.name, l.name, l."unique", l.origin, l.partial, x.cid, x.name, x."desc", x.coll
FROM {master} AS m
JOIN pragma_index_list(m.name, :schema) AS l
JOIN pragma_index_xinfo(l.name, :schema) AS x
WHERE m.type = 'table' AND {user} AND x.key = 1
ORDER BY m.name, l.name, x.seqno
"""

# Ids count down from the last declared key; ordering by id DESC walks them in declaration order.
_FOREIGN_KEYS = """
SELECT m.name, f.id, f."table", f."from", f."to", f.on_update, f.on_delete
FROM {master} AS m JOIN pragma_foreign_key_list(m.name, :schema) AS f
WHERE m.type = 'table' AND {user}
ORDER BY m.name, f.id DESC, f.seq
"""

_CLEAN_CHECK = """
SELECT m.type, m.name FROM {master} AS m
WHERE m.type IN ('table', 'view', 'trigger', 'index') AND {user}
ORDER BY CASE m.type WHEN 'table' THEN 0 WHEN 'view' THEN 1 WHEN 'trigger' THEN 2 ELSE 3 END, m.name
LIMIT 1
"""


def inspect_schema(conn: sqlite3.Connection, schema: str = "main") -> Schema:
    """Every user table of ``schema`` (``main``, ``temp`` or an attached database), ordered by name."""
    catalog = _read_catalog(conn, schema)
    tables = [_build_table(name, catalog) for name in sorted(catalog.table_sql)]
    _resolve_implicit_ref_columns(tables)
    return Schema(name=schema, tables=tables)


def check_clean(conn: sqlite3.Connection, schema: str = "main") -> None:
    """Raise :class:`NotCleanError` (in Atlas's wording) if ``schema`` holds any table, view or trigger."""
    row = conn.execute(_CLEAN_CHECK.format(master=_master(schema), user=_USER_OBJECT)).fetchone()
    if row is not None:
        kind, name = row
        raise NotCleanError(f'connected database is not clean: found {kind} "{name}" in schema "{schema}"')


# ---- catalog -----------------------------------------------------------------------------------------------


@dataclass
class _Catalog:
    table_sql: dict[str, str] = field(default_factory=dict)
    index_sql: dict[str, str | None] = field(default_factory=dict)
    columns: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    index_keys: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    foreign_keys: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))


def _master(schema: str) -> str:
    return '"{}".sqlite_master'.format(schema.replace('"', '""'))


def _read_catalog(conn: sqlite3.Connection, schema: str) -> _Catalog:
    def query(template: str) -> list[tuple]:
        sql = template.format(master=_master(schema), user=_USER_OBJECT)
        return conn.execute(sql, {"schema": schema}).fetchall()

    catalog = _Catalog()
    for kind, name, _table, sql in query(_OBJECTS):
        if kind == "index":
            catalog.index_sql[name] = sql
        elif sql.lstrip()[:14].upper().startswith("CREATE VIRTUAL"):
            # Checked before the pragma queries: those fail outright when the module is not loaded.
            raise UnreadableDDLError(f'virtual table "{name}" is not supported')
        else:
            catalog.table_sql[name] = sql
    for row in query(_COLUMNS):
        catalog.columns[row[0]].append(row[1:])
    for row in query(_INDEX_KEYS):
        catalog.index_keys[row[0]].append(row[1:])
    for row in query(_FOREIGN_KEYS):
        catalog.foreign_keys[row[0]].append(row[1:])
    return catalog


# ---- tables ------------------------------------------------------------------------------------------------


def _build_table(name: str, catalog: _Catalog) -> Table:
    clauses = read_create_table(catalog.table_sql[name], name)
    table = Table(name=name, columns=[_build_column(name, row, clauses) for row in catalog.columns[name]])
    pk_columns = sorted((row[4], row[0]) for row in catalog.columns[name] if row[4])
    if pk_columns:
        table.primary_key = PrimaryKey(
            columns=[column for _, column in pk_columns],
            name=clauses.primary_key_name,
            auto_increment=clauses.autoincrement,
        )
    table.indexes = _build_indexes(table, catalog, clauses)
    table.foreign_keys = _build_foreign_keys(catalog.foreign_keys[name], clauses)
    table.checks = clauses.checks
    if clauses.without_rowid:
        table.options["without_rowid"] = True
    if clauses.strict:
        table.options["strict"] = True
    return table


def _build_column(table: str, row: tuple, clauses: TableClauses) -> Column:
    name, declared_type, notnull, default, _pk, hidden = row
    text = clauses.columns.get(name.lower())
    column = Column(
        name=name,
        type=(declared_type or "").lower(),
        nullable=not notnull,
        collation=text.collation if text else None,
    )
    # table_xinfo's hidden: 2 = generated VIRTUAL, 3 = generated STORED.
    if hidden in (2, 3):
        if text is None or text.generated is None:
            raise UnreadableDDLError(f'cannot read the expression of generated column "{table}"."{name}"')
        column.generated = Generated(expr=text.generated, stored=hidden == 3)
    else:
        column.default = render_default(default)
    return column


# ---- indexes -----------------------------------------------------------------------------------------------


def _build_indexes(table: Table, catalog: _Catalog, clauses: TableClauses) -> list[Index]:
    keys_by_index: dict[str, list[tuple]] = defaultdict(list)
    for row in catalog.index_keys[table.name]:
        keys_by_index[row[0]].append(row)
    constraints: list[tuple[int | None, str, Index]] = []
    created: list[Index] = []
    unmatched_uniques = list(enumerate(clauses.uniques))
    columns = {column.name: column for column in table.columns}
    for index_name, rows in keys_by_index.items():
        _, unique, origin, partial = rows[0][:4]
        if origin == "pk":  # the primary key's own index, already in Table.primary_key
            continue
        index = Index(name=index_name, parts=[], unique=bool(unique))
        expression_keys = None
        if origin == "c" and (partial or any(row[4] == -2 for row in rows)):
            written = read_create_index(catalog.index_sql[index_name], index_name)
            expression_keys = written.keys
            index.predicate = written.predicate
        for position, (_, _, _, _, cid, column, desc, collation) in enumerate(rows):
            if cid == -2:  # an expression key part
                assert expression_keys is not None
                key = expression_keys[position]
                index.parts.append(IndexPart(expr=key.expr, desc=bool(desc), collation=key.collation))
            else:
                part_collation = _key_collation(columns.get(column), collation)
                index.parts.append(IndexPart(column=column, desc=bool(desc), collation=part_collation))
        if origin == "u":
            index.constraint = True
            order = _claim_unique_clause(index, unmatched_uniques)
            constraints.append((order, index_name, index))
        else:
            created.append(index)
    constraints.sort(key=lambda item: (item[0] is None, item[0] or 0, item[1]))
    return [index for _, _, index in constraints] + sorted(created, key=lambda index: index.name or "")


def _key_collation(column: Column | None, collation: str | None) -> str | None:
    """A key part's collation, or None when it is the one the column already has (what no COLLATE means)."""
    inherited = (column.collation if column else None) or "BINARY"
    collation = canonical_collation(collation)
    return None if collation is None or collation.upper() == inherited.upper() else collation


def _claim_unique_clause(index: Index, unmatched: list[tuple[int, UniqueClause]]) -> int | None:
    """Name an autoindex after the UNIQUE clause with the same columns; return that clause's position.

    SQLite names these indexes ``sqlite_autoindex_<table>_<n>``, an internal detail that would make two
    equal tables differ; the model keeps the constraint's own name (or None when it has none).
    """
    columns = [c.lower() for c in index.columns]
    for i, (order, clause) in enumerate(unmatched):
        if [c.lower() for c in clause.columns] == columns:
            del unmatched[i]
            index.name = clause.name
            return order
    index.name = None
    return None


# ---- foreign keys ------------------------------------------------------------------------------------------


def _build_foreign_keys(rows: list[tuple], clauses: TableClauses) -> list[ForeignKey]:
    grouped: dict[int, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    unmatched = list(enumerate(clauses.foreign_keys))
    keys: list[tuple[int, ForeignKey]] = []
    for group in grouped.values():  # in declaration order, see _FOREIGN_KEYS
        _, ref_table, _, _, on_update, on_delete = group[0]
        columns = [row[2] for row in group]
        ref_columns = [row[3] for row in group]
        fk = ForeignKey(
            name=None,
            columns=columns,
            ref_table=ref_table,
            ref_columns=ref_columns if None not in ref_columns else [],
            on_update=(on_update or NO_ACTION).upper(),
            on_delete=(on_delete or NO_ACTION).upper(),
        )
        order = len(clauses.foreign_keys) + len(keys)
        for i, (position, clause) in enumerate(unmatched):
            if _same_key(clause.columns, columns) and clause.ref_table.lower() == ref_table.lower():
                del unmatched[i]
                order = position
                fk.name = clause.name
                fk.deferrable = clause.deferrable
                fk.initially_deferred = clause.initially_deferred
                break
        keys.append((order, fk))
    return [fk for _, fk in sorted(keys, key=lambda item: item[0])]


def _same_key(a: list[str], b: list[str]) -> bool:
    return [c.lower() for c in a] == [c.lower() for c in b]


def _resolve_implicit_ref_columns(tables: list[Table]) -> None:
    """``REFERENCES parent`` without columns means the parent's primary key; spell it out when that is
    unambiguous. A key whose column count does not match stays as written: SQLite accepts it until rows are
    written, and spelling it out would turn it into DDL that SQLite refuses."""
    by_name = {table.name.lower(): table for table in tables}
    for table in tables:
        for fk in table.foreign_keys:
            parent = by_name.get(fk.ref_table.lower())
            key = parent.primary_key if parent is not None else None
            if not fk.ref_columns and key is not None and len(key.columns) == len(fk.columns):
                fk.ref_columns = list(key.columns)
