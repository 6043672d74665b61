"""What a SQLite database holds, read with sqlite_master and PRAGMAs only (independent of graticule's code).

Columns and table constraints are also taken from the stored CREATE TABLE text, split at top-level commas,
because SQLite exposes collations, generated expressions, CHECKs and DEFERRABLE only there.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

INTERNAL_TABLES = {"django_migrations", "sqlite_sequence"}


def execute_script(database: Path, ddl: str) -> int:
    """Execute DDL statement by statement, as the planner does; return how many statements ran."""
    connection = sqlite3.connect(database)
    statement, count = "", 0
    try:
        for line in ddl.splitlines(keepends=True):
            if not statement and (line.startswith("--") or not line.strip()):
                continue
            statement += line
            if sqlite3.complete_statement(statement):
                connection.execute(statement)
                statement, count = "", count + 1
        assert not statement.strip(), f"unterminated statement: {statement!r}"
        connection.commit()
    finally:
        connection.close()
    return count


def read_catalog(database: Path) -> dict[str, Any]:
    connection = sqlite3.connect(database)
    try:
        objects = connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%'"
        ).fetchall()
        tables = sorted(
            name for kind, name, _, _ in objects if kind == "table" and name not in INTERNAL_TABLES
        )
        return {
            "tables": {table: _table(connection, table) for table in tables},
            "views": sorted((name, _normal(sql)) for kind, name, _, sql in objects if kind == "view"),
            "triggers": sorted((name, _normal(sql)) for kind, name, _, sql in objects if kind == "trigger"),
        }
    finally:
        connection.close()


def _table(connection: sqlite3.Connection, table: str) -> dict[str, Any]:
    (sql,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    definitions = _split_top_level(sql[sql.index("(") + 1 : sql.rindex(")")])
    columns_text = {}
    constraints = []
    for definition in definitions:
        if re.match(r"\s*(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY)\b", definition, re.I):
            constraints.append(_normal(definition))
        else:
            name = re.match(r'\s*"([^"]+)"|\s*(\S+)', definition)
            columns_text[name.group(1) or name.group(2)] = _normal(definition)
    return {
        # cid, name, type, notnull, default, pk, hidden (1 hidden, 2 virtual generated, 3 stored generated)
        "columns": connection.execute(f'PRAGMA table_xinfo("{table}")').fetchall(),
        "column_definitions": columns_text,
        "constraints": sorted(constraints),
        # table, from, to, on_update, on_delete, match — per key, in column order
        "foreign_keys": sorted(row[2:] for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')),
        "indexes": _indexes(connection, table),
        "strict_or_without_rowid": connection.execute(f'PRAGMA table_list("{table}")').fetchone()[3:],
    }


def _indexes(connection: sqlite3.Connection, table: str) -> dict[Any, Any]:
    indexes = {}
    for _, name, unique, origin, partial in connection.execute(f'PRAGMA index_list("{table}")'):
        # seqno, cid, column name, desc, collation, key — key columns only
        columns = [row[1:] for row in connection.execute(f'PRAGMA index_xinfo("{name}")') if row[5]]
        row = connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        ).fetchone()
        # Automatic indexes (UNIQUE / PRIMARY KEY in the table) are numbered by position: key them by columns.
        key = (
            ("automatic", tuple(column[1] for column in columns))
            if name.startswith("sqlite_autoindex")
            else name
        )
        indexes[key] = {
            "unique": unique,
            "origin": origin,
            "partial": partial,
            "columns": columns,
            "sql": _normal(row[0]) if row and row[0] else None,
        }
    return indexes


def _split_top_level(body: str) -> list[str]:
    parts, depth, current, quote = [], 0, "", None
    for char in body:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def _normal(sql: str | None) -> str | None:
    return None if sql is None else " ".join(sql.split())
