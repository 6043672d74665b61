"""Read a MySQL/MariaDB database into the schema model with a fixed number of information_schema queries.

Six queries whatever the number of tables: server and database facts, tables, columns, index key parts,
foreign key columns, checks. Rows are grouped by table in Python. What a row *means* differs between the
flavours and is decided in :mod:`.values`.

How MySQL/MariaDB features land in the model:

- ``Column.type``: ``COLUMN_TYPE`` with keywords lower-cased (``int(11)`` on MariaDB, ``int`` on MySQL 8,
  ``bigint(20) unsigned``, ``enum('a','B')``); a MariaDB ``longtext`` column carrying the ``json_valid`` check
  MariaDB adds for ``JSON`` (named after the column, utf8mb4_bin) reads as ``json``, without that check;
- ``Column.default``: see :mod:`.values`; ``Column.auto_increment``: ``AUTO_INCREMENT``;
  ``Column.attrs``: ``{"on_update": "CURRENT_TIMESTAMP(6)"}``, ``{"invisible": True}``;
- ``Column.collation``: only where it differs from the table's (as Atlas records it); the charset follows
  from the collation;
- ``Generated(expr, stored)`` for ``VIRTUAL``/``STORED`` columns;
- ``PrimaryKey(columns)`` (MySQL names it ``PRIMARY`` always, so the model keeps no name);
- ``Index``: ``unique``, parts with ``desc``, ``prefix`` (``SUB_PART``) or ``expr`` (MySQL ≥ 8.0.13 functional
  parts), ``method`` ``FULLTEXT``/``SPATIAL``/``HASH`` (None for the default BTREE), ``comment``;
- ``ForeignKey`` with actions (``RESTRICT`` reads as ``NO ACTION``: one behaviour in MySQL); ``ref_schema``
  only for a table in another database;
- ``Check(name, expr)``, ``attrs={"enforced": False}`` for MySQL's ``NOT ENFORCED``; a MariaDB check
  written on a column (``b int CHECK (b > 0)``) is named after the column and lives and dies with its
  definition, so it carries ``attrs={"level": "column"}`` (DROP CONSTRAINT cannot drop it, only a
  redefinition of the column can);
- ``Table.options``: ``engine``, ``charset``, ``collation`` always, ``engine_default: True`` when the engine
  is the server's default (so a plan names it only when it is not); ``Table.comment``;
- ``Schema.attrs``: the database's default ``charset`` and ``collation``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ...errors import GraticuleError, NotCleanError
from ...schema import Check, Column, ForeignKey, Generated, Index, IndexPart, PrimaryKey, Schema, Table
from .server import Server
from .sql import quote_ident
from .values import (
    base_type,
    column_default,
    column_type,
    expression,
    foreign_key_action,
    parse_extra,
)

_SERVER = """
SELECT VERSION(), @@default_storage_engine, s.DEFAULT_CHARACTER_SET_NAME, s.DEFAULT_COLLATION_NAME
FROM information_schema.SCHEMATA AS s WHERE s.SCHEMA_NAME = %s
"""

_TABLES = """
SELECT t.TABLE_NAME, t.ENGINE, t.TABLE_COLLATION, c.CHARACTER_SET_NAME, t.TABLE_COMMENT
FROM information_schema.TABLES AS t
LEFT JOIN information_schema.COLLATIONS AS c ON c.COLLATION_NAME = t.TABLE_COLLATION
WHERE t.TABLE_SCHEMA = %s AND t.TABLE_TYPE = 'BASE TABLE'
"""

_COLUMNS = """
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLLATION_NAME,
       COLUMN_COMMENT, GENERATION_EXPRESSION
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s
ORDER BY TABLE_NAME, ORDINAL_POSITION
"""

# EXPRESSION (functional key parts) exists on MySQL ≥ 8.0.13 only.
_INDEXES = """
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, COLLATION, SUB_PART, INDEX_TYPE, INDEX_COMMENT,
       {expression}
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %s
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
"""

_FOREIGN_KEYS = """
SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME,
       k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
FROM information_schema.KEY_COLUMN_USAGE AS k
JOIN information_schema.REFERENTIAL_CONSTRAINTS AS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
 AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = %s AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION
"""

# MariaDB lists the table with each check; MySQL keeps it (and ENFORCED) in TABLE_CONSTRAINTS.
_MARIA_CHECKS = """
SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, 'YES', LEVEL
FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %s
"""

_MYSQL_CHECKS = """
SELECT t.TABLE_NAME, t.CONSTRAINT_NAME, c.CHECK_CLAUSE, {enforced}, 'Table'
FROM information_schema.TABLE_CONSTRAINTS AS t
JOIN information_schema.CHECK_CONSTRAINTS AS c
  ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
WHERE t.TABLE_SCHEMA = %s AND t.CONSTRAINT_TYPE = 'CHECK'
"""

# Everything that makes a database "not clean", first by kind then by name (tables before views, …); the
# schema name is its three parameters. `migrate apply` lists them all (it passes over its revisions table).
SCHEMA_OBJECTS = """
SELECT kind, name FROM (
  SELECT CASE TABLE_TYPE WHEN 'VIEW' THEN 'view' WHEN 'SEQUENCE' THEN 'sequence' ELSE 'table' END AS kind,
         TABLE_NAME AS name, CASE TABLE_TYPE WHEN 'VIEW' THEN 1 WHEN 'SEQUENCE' THEN 2 ELSE 0 END AS ord
  FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s
  UNION ALL
  SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME, 3 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s
  UNION ALL
  SELECT 'event', EVENT_NAME, 4 FROM information_schema.EVENTS WHERE EVENT_SCHEMA = %s
) AS objects ORDER BY ord, name
"""
_CLEAN = SCHEMA_OBJECTS + "LIMIT 1\n"

# MariaDB implements JSON as LONGTEXT with this collation plus a column check json_valid(`<column>`).
_MARIA_JSON_COLLATION = "utf8mb4_bin"


def inspect_schema(conn: Any, schema: str) -> Schema:
    """Every base table of database ``schema``, ordered by name."""
    server_row = _query(conn, _SERVER, schema)
    if not server_row:
        raise GraticuleError(f'mysql: database "{schema}" does not exist')
    version, default_engine, charset, collation = server_row[0]
    server = Server.from_version(version)
    tables = {row[0]: _table(row, default_engine) for row in _query(conn, _TABLES, schema)}

    collations: dict[str, dict[str, str | None]] = defaultdict(dict)
    for row in _query(conn, _COLUMNS, schema):
        table = tables.get(row[0])
        if table is not None:  # views have columns too
            column, raw_collation = _column(server, table, row)
            table.columns.append(column)
            collations[table.name][column.name] = raw_collation

    expression_column = "EXPRESSION" if server.functional_indexes else "NULL"
    _add_indexes(server, tables, _query(conn, _INDEXES.format(expression=expression_column), schema))
    _add_foreign_keys(tables, _query(conn, _FOREIGN_KEYS, schema), schema)
    if server.checks:
        query = _MARIA_CHECKS
        if not server.maria:
            query = _MYSQL_CHECKS.format(enforced="t.ENFORCED" if server.check_enforcement else "'YES'")
        _add_checks(server, tables, collations, _query(conn, query, schema))

    for table in tables.values():
        table.indexes.sort(key=lambda i: i.name or "")
        table.foreign_keys.sort(key=lambda f: f.name or "")
        table.checks.sort(key=lambda c: c.name or "")
    return Schema(
        name=schema,
        tables=[tables[name] for name in sorted(tables)],
        attrs={"charset": charset, "collation": collation},
    )


def check_clean(conn: Any, schema: str) -> None:
    """Raise :class:`NotCleanError` (Atlas's wording) if database ``schema`` holds any object."""
    rows = _query(conn, _CLEAN, schema, schema, schema)
    if rows:
        kind, name = rows[0]
        raise NotCleanError(f'connected database is not clean: found {kind} "{name}" in schema "{schema}"')


def server_of(conn: Any) -> Server:
    rows = _query(conn, "SELECT VERSION()")
    return Server.from_version(rows[0][0])


def _query(conn: Any, sql: str, *args: Any) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(sql, args or None)
        return list(cur.fetchall())


# ---- rows → model ------------------------------------------------------------------------------------------


def _table(row: tuple, default_engine: str | None) -> Table:
    name, engine, collation, charset, comment = row
    options: dict[str, Any] = {"charset": charset, "collation": collation, "engine": engine}
    if engine is not None and default_engine is not None and engine.lower() == default_engine.lower():
        options["engine_default"] = True
    return Table(name=name, comment=comment or None, options=options)


def _column(server: Server, table: Table, row: tuple) -> tuple[Column, str | None]:
    """The column, and its collation as reported (before comparing it with the table's)."""
    _, name, reported_type, nullable, reported_default, reported_extra, collation, comment, generation = row
    extra = parse_extra(reported_extra)
    type_text = column_type(reported_type)
    attrs: dict[str, Any] = {}
    if extra.on_update:
        attrs["on_update"] = extra.on_update
    if extra.invisible:
        attrs["invisible"] = True
    generated = None
    if extra.generated and generation:
        generated = Generated(expression(server, generation), stored=extra.generated == "STORED")
    column = Column(
        name=name,
        type=type_text,
        nullable=nullable == "YES",
        # A generated column has no default; MariaDB still reports NULL for it.
        default=None if generated else column_default(server, type_text, reported_default, extra),
        generated=generated,
        collation=collation if collation and collation != table.options.get("collation") else None,
        comment=comment or None,
        auto_increment=extra.auto_increment,
        attrs=attrs,
    )
    return column, collation


def _add_indexes(server: Server, tables: dict[str, Table], rows: list[tuple]) -> None:
    indexes: dict[tuple[str, str], Index] = {}
    for table_name, index_name, non_unique, column, collation, sub_part, index_type, comment, expr in rows:
        table = tables.get(table_name)
        if table is None:
            continue
        if index_name == "PRIMARY":
            if table.primary_key is None:
                table.primary_key = PrimaryKey(columns=[])
            table.primary_key.columns.append(column)
            continue
        index = indexes.get((table_name, index_name))
        if index is None:
            method = (index_type or "BTREE").upper()
            index = Index(
                name=index_name,
                parts=[],
                unique=not int(non_unique),
                method=None if method == "BTREE" else method,
                comment=comment or None,
            )
            indexes[(table_name, index_name)] = index
            table.indexes.append(index)
        part = IndexPart(desc=(collation or "").upper() == "D")
        if expr is not None and column is None:
            part.expr = expression(server, expr)
        else:
            part.column = column
            # SPATIAL keys report the full width of their geometry; it is not a prefix anyone wrote.
            if sub_part is not None and index.method != "SPATIAL":
                part.prefix = int(sub_part)
        index.parts.append(part)


def _add_foreign_keys(tables: dict[str, Table], rows: list[tuple], schema: str) -> None:
    fks: dict[tuple[str, str], ForeignKey] = {}
    for table_name, name, column, ref_schema, ref_table, ref_column, on_update, on_delete in rows:
        table = tables.get(table_name)
        if table is None:
            continue
        fk = fks.get((table_name, name))
        if fk is None:
            fk = ForeignKey(
                name=name,
                columns=[],
                ref_table=ref_table,
                ref_columns=[],
                ref_schema=None if ref_schema == schema else ref_schema,
                on_update=foreign_key_action(on_update),
                on_delete=foreign_key_action(on_delete),
            )
            fks[(table_name, name)] = fk
            table.foreign_keys.append(fk)
        fk.columns.append(column)
        fk.ref_columns.append(ref_column)


def _add_checks(
    server: Server,
    tables: dict[str, Table],
    collations: dict[str, dict[str, str | None]],
    rows: list[tuple],
) -> None:
    for table_name, name, clause, enforced, level in rows:
        table = tables.get(table_name)
        if table is None:
            continue
        expr = expression(server, clause)
        column_level = (level or "").lower() == "column"
        if column_level and _is_maria_json(table, collations[table_name], name, expr):
            continue
        attrs: dict[str, Any] = {"enforced": False} if (enforced or "YES").upper() == "NO" else {}
        if column_level:
            attrs["level"] = "column"
        table.checks.append(Check(name=name, expr=expr, attrs=attrs))


def _is_maria_json(table: Table, collations: dict[str, str | None], name: str, expr: str) -> bool:
    """MariaDB's JSON: ``LONGTEXT`` in utf8mb4_bin with check ``json_valid(`c`)`` named ``c``. Such a column
    becomes type ``json`` (re-creating it as ``json`` brings the check back) and the check is not listed.
    Django writes ``CHECK (JSON_VALID(`c`))`` for a JSONField itself; MariaDB stores it as that same check."""
    column = table.column(name)
    if column is None or base_type(column.type) != "longtext":
        return False
    if expr.lower() != f"json_valid({quote_ident(name)})".lower():
        return False
    if collations.get(name) != _MARIA_JSON_COLLATION:
        return False
    column.type = "json"
    column.collation = None
    return True
