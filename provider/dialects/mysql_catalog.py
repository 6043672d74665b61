"""MySQL's and MariaDB's catalog rules for the DDL Django emits, as Django's introspection reports them.

What the server decides by itself, and Django later finds by introspection:
- the primary key is called PRIMARY; an unnamed UNIQUE is named after its first column (`col`, `col_2`, …);
- a FOREIGN KEY without a usable index gets one, named like the constraint, and InnoDB drops that implicit
  index again once another index can serve the key;
- a column-level CHECK is named `<table>_chk_<n>` on MySQL, and after its column on MariaDB, where a MODIFY of
  the column removes it;
- dropping a column removes it from multi-column indexes (an index left without columns disappears).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graticule.provider.dialects.catalog import (
    IDENTIFIER,
    Catalog,
    identifiers,
    parenthesised,
    split_top_level,
    top_level_keyword,
    unquote,
)

_CREATE_TABLE = re.compile(rf"CREATE TABLE (?:IF NOT EXISTS )?(?P<table>{IDENTIFIER}) ?\(", re.I)
_ALTER_TABLE = re.compile(rf"ALTER TABLE (?P<table>{IDENTIFIER}) (?P<actions>.*)", re.I)
_CREATE_INDEX = re.compile(
    rf"CREATE (?P<kind>UNIQUE |FULLTEXT |SPATIAL )?INDEX (?P<name>{IDENTIFIER}) "
    rf"ON (?P<table>{IDENTIFIER}) ?\(",
    re.I,
)
_DROP_INDEX = re.compile(rf"DROP INDEX (?P<name>{IDENTIFIER}) ON (?P<table>{IDENTIFIER})", re.I)
_RENAME_TABLE = re.compile(rf"RENAME TABLE (?P<old>{IDENTIFIER}) TO (?P<new>{IDENTIFIER})", re.I)
_DROP_TABLE = re.compile(rf"DROP TABLE (?:IF EXISTS )?(?P<table>{IDENTIFIER})", re.I)
_IDENTIFIER = re.compile(IDENTIFIER)
_TABLE_CONSTRAINT_START = re.compile(r"(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|INDEX|KEY)\b", re.I)
_ELEMENT_COLUMN = re.compile(rf"(?P<column>{IDENTIFIER})(?P<rest>(?: .*)?)$")


@dataclass
class _Index:
    columns: list[str | None]
    orders: list[str]
    unique: bool = False
    type: str = "idx"
    implicit: bool = False
    """Created by InnoDB for a foreign key; dropped again when another index can serve the key."""


@dataclass
class _Key:
    kind: str  # PRIMARY KEY, UNIQUE or FOREIGN KEY
    columns: list[str]
    references: tuple[str, str] | None = None


@dataclass
class _Check:
    clause: str
    column_level: bool = False


@dataclass
class _Table:
    columns: list[str] = field(default_factory=list)
    indexes: dict[str, _Index] = field(default_factory=dict)
    keys: dict[str, _Key] = field(default_factory=dict)
    checks: dict[str, _Check] = field(default_factory=dict)
    check_number: int = 0


class MySQLCatalog(Catalog):
    def __init__(self, *, mariadb: bool, supports_index_orders: bool) -> None:
        super().__init__()
        self.mariadb = mariadb
        self.supports_index_orders = supports_index_orders
        self.tables: dict[str, _Table] = {}  # type: ignore[assignment]

    # -- what Django's introspection reports ---------------------------------------------------------------

    def get_constraints(self, table_name: str) -> dict[str, dict[str, Any]]:
        table = self.tables.get(table_name)
        if table is None:
            return {}
        constraints: dict[str, dict[str, Any]] = {}
        for name, key in table.keys.items():
            constraints[name] = {
                "columns": list(key.columns),
                "primary_key": key.kind == "PRIMARY KEY",
                "unique": key.kind in {"PRIMARY KEY", "UNIQUE"},
                "index": False,
                "check": False,
                "foreign_key": key.references,
            }
        unnamed = 0
        for name, check in table.checks.items():
            columns = _mentioned_columns(check.clause, table.columns)
            if set(columns) == {name}:  # named after its column: Django renames it, as it cannot drop it
                unnamed += 1
                name = f"__unnamed_constraint_{unnamed}__"
            constraints[name] = {
                "columns": columns,
                "primary_key": False,
                "unique": False,
                "index": False,
                "check": True,
                "foreign_key": None,
            }
        for name, index in table.indexes.items():
            entry = constraints.setdefault(
                name,
                {
                    "columns": [],
                    "primary_key": False,
                    "unique": index.unique,
                    "check": False,
                    "foreign_key": None,
                },
            )
            entry["index"] = True
            entry["type"] = index.type
            entry["columns"] = list(dict.fromkeys(index.columns))
            if self.supports_index_orders:
                entry["orders"] = list(index.orders)
        for entry in constraints.values():
            if self.supports_index_orders:
                entry.setdefault("orders", [])
        return constraints

    def get_sequences(self, table: str) -> list[dict[str, str]]:
        return []

    # -- statements -------------------------------------------------------------------------------------

    def apply_statement(self, statement: str) -> None:
        if match := _CREATE_TABLE.match(statement):
            body, _ = parenthesised(statement, match.end() - 1)
            self._create_table(unquote(match["table"]), body)
        elif match := _ALTER_TABLE.match(statement):
            table = unquote(match["table"])
            for action in split_top_level(match["actions"], ","):
                self._alter_table(table, action)
        elif match := _CREATE_INDEX.match(statement):
            elements, _ = parenthesised(statement, match.end() - 1)
            kind = (match["kind"] or "").strip().upper()
            self._add_index(
                unquote(match["table"]),
                unquote(match["name"]),
                elements,
                unique=kind == "UNIQUE",
                type_=kind.lower() if kind in {"FULLTEXT", "SPATIAL"} else "idx",
            )
        elif match := _DROP_INDEX.match(statement):
            self._table(unquote(match["table"])).indexes.pop(unquote(match["name"]), None)
        elif match := _RENAME_TABLE.match(statement):
            self._rename_table(unquote(match["old"]), unquote(match["new"]))
        elif match := _DROP_TABLE.match(statement):
            self.tables.pop(unquote(match["table"]), None)

    def _table(self, name: str) -> _Table:
        return self.tables.setdefault(name, _Table())

    def _create_table(self, table_name: str, body: str) -> None:
        self.tables[table_name] = _Table()
        elements = split_top_level(body, ",")
        for element in elements:
            if not _is_table_constraint(element):
                self.tables[table_name].columns.append(unquote(_IDENTIFIER.match(element).group(0)))
        for element in elements:
            if _is_table_constraint(element):
                self._add_table_constraint(table_name, element)
            else:
                self._add_column(table_name, element, already_listed=True)

    def _alter_table(self, table_name: str, action: str) -> None:
        table = self._table(table_name)
        words = action.split()
        first, second = words[0].upper(), (words[1].upper() if len(words) > 1 else "")
        if first == "ADD" and second in {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}:
            self._add_table_constraint(table_name, action[4:])
        elif first == "ADD":
            self._add_column(table_name, re.sub(r"^ADD (?:COLUMN )?", "", action, flags=re.I))
        elif first == "DROP" and second == "FOREIGN":
            table.keys.pop(unquote(words[3]), None)  # its index stays
        elif first == "DROP" and second in {"INDEX", "KEY"}:
            name = unquote(words[2])
            table.indexes.pop(name, None)
            if name in table.keys and table.keys[name].kind == "UNIQUE":
                del table.keys[name]
        elif first == "DROP" and second == "PRIMARY":
            table.keys.pop("PRIMARY", None)
            table.indexes.pop("PRIMARY", None)
        elif first == "DROP" and second in {"CHECK", "CONSTRAINT"}:
            name = unquote(
                re.sub(r"^DROP (?:CHECK|CONSTRAINT) (?:IF EXISTS )?", "", action, flags=re.I).split()[0]
            )
            table.checks.pop(name, None)
            if second == "CONSTRAINT" and name in table.keys and table.keys[name].kind == "UNIQUE":
                del table.keys[name]
                table.indexes.pop(name, None)
        elif first == "DROP":
            column = re.sub(r"^DROP (?:COLUMN )?", "", action, flags=re.I).split()[0]
            self._drop_column(table_name, unquote(column))
        elif first == "RENAME" and second == "INDEX":
            match = re.match(rf"RENAME INDEX ({IDENTIFIER}) TO ({IDENTIFIER})", action, re.I)
            old, new = unquote(match[1]), unquote(match[2])
            table.indexes = {new if k == old else k: v for k, v in table.indexes.items()}
            table.keys = {new if k == old else k: v for k, v in table.keys.items()}
        elif first == "RENAME" and second in {"TO", "AS"}:
            self._rename_table(table_name, unquote(words[2]))
        elif first == "RENAME":
            match = re.match(rf"RENAME (?:COLUMN )?({IDENTIFIER}) TO ({IDENTIFIER})", action, re.I)
            self._rename_column(table_name, unquote(match[1]), unquote(match[2]))
        elif first == "CHANGE":
            match = re.match(rf"CHANGE (?:COLUMN )?({IDENTIFIER}) ({IDENTIFIER}) ?(.*)", action, re.I)
            old, new = unquote(match[1]), unquote(match[2])
            self._redefine_column(table_name, old, match[3])
            self._rename_column(table_name, old, new)
        elif first == "MODIFY":
            match = re.match(rf"MODIFY (?:COLUMN )?({IDENTIFIER}) ?(.*)", action, re.I)
            self._redefine_column(table_name, unquote(match[1]), match[2])

    def _add_column(self, table_name: str, definition: str, already_listed: bool = False) -> None:
        column = unquote(_IDENTIFIER.match(definition).group(0))
        table = self._table(table_name)
        if not already_listed:
            table.columns.append(column)
        rest = definition[len(_IDENTIFIER.match(definition).group(0)) :]
        if top_level_keyword(rest, "PRIMARY KEY") >= 0:
            table.keys["PRIMARY"] = _Key("PRIMARY KEY", [column])
            table.indexes["PRIMARY"] = _Index([column], ["ASC"], unique=True)
        elif top_level_keyword(rest, "UNIQUE") >= 0:
            name = self._free_index_name(table, column)
            table.keys[name] = _Key("UNIQUE", [column])
            table.indexes[name] = _Index([column], ["ASC"], unique=True)
        check = top_level_keyword(rest, "CHECK")
        if check >= 0:
            clause, _ = parenthesised(rest, rest.index("(", check))
            self._add_check(table, None, clause, column_level_of=column)

    def _redefine_column(self, table_name: str, column: str, definition: str) -> None:
        """MODIFY / CHANGE restate a column: on MariaDB its column-level CHECK goes unless restated."""
        table = self._table(table_name)
        if self.mariadb:
            check = table.checks.get(column)
            if check is not None and check.column_level:
                del table.checks[column]
        position = top_level_keyword(definition, "CHECK")
        if position >= 0:
            clause, _ = parenthesised(definition, definition.index("(", position))
            self._add_check(table, None, clause, column_level_of=column)

    def _add_table_constraint(self, table_name: str, element: str) -> None:
        table = self._table(table_name)
        name = None
        if match := re.match(rf"CONSTRAINT ({IDENTIFIER}) (.*)", element, re.I | re.S):
            name, element = unquote(match[1]), match[2]
        kind = element.split()[0].upper()
        if kind == "CHECK":
            clause, _ = parenthesised(element, element.index("("))
            self._add_check(table, name, clause)
            return
        columns_text, _ = parenthesised(element, element.index("("))
        if kind == "PRIMARY":
            table.keys["PRIMARY"] = _Key("PRIMARY KEY", identifiers(columns_text))
            self._add_index(table_name, "PRIMARY", columns_text, unique=True)
        elif kind == "UNIQUE":
            columns = identifiers(columns_text)
            name = name or self._free_index_name(table, columns[0])
            table.keys[name] = _Key("UNIQUE", columns)
            self._add_index(table_name, name, columns_text, unique=True)
        elif kind == "FOREIGN":
            columns = identifiers(columns_text)
            target = re.search(rf"REFERENCES ({IDENTIFIER}) ?\(({IDENTIFIER})", element, re.I)
            name = (
                name or f"{table_name}_ibfk_{sum(k.kind == 'FOREIGN KEY' for k in table.keys.values()) + 1}"
            )
            table.keys[name] = _Key("FOREIGN KEY", columns, (unquote(target[1]), unquote(target[2])))
            if not any(index.columns[: len(columns)] == columns for index in table.indexes.values()):
                table.indexes[name] = _Index(list(columns), ["ASC"] * len(columns), implicit=True)

    def _add_check(
        self, table: _Table, name: str | None, clause: str, column_level_of: str | None = None
    ) -> None:
        if name is None:
            if column_level_of is not None and self.mariadb:
                name = column_level_of
            elif self.mariadb:
                name = f"CONSTRAINT_{len(table.checks) + 1}"
            else:
                table.check_number += 1
                name = f"{self._name_of(table)}_chk_{table.check_number}"
        table.checks[name] = _Check(clause, column_level=column_level_of is not None)

    def _add_index(
        self, table_name: str, name: str, elements: str, *, unique: bool, type_: str = "idx"
    ) -> None:
        table = self._table(table_name)
        columns: list[str | None] = []
        orders: list[str] = []
        for element in split_top_level(elements, ","):
            column = _ELEMENT_COLUMN.match(element)
            if column and not column["rest"].lstrip().startswith("("):
                columns.append(unquote(column["column"]))
                orders.append("DESC" if re.search(r"\bDESC\b", column["rest"], re.I) else "ASC")
            else:
                columns.append(None)
                orders.append("DESC" if re.search(r"\bDESC\s*$", element, re.I) else "ASC")
        # InnoDB lets a new index take over from the implicit index of a foreign key it can serve.
        for other_name, other in list(table.indexes.items()):
            if other.implicit and columns[: len(other.columns)] == other.columns:
                del table.indexes[other_name]
        table.indexes[name] = _Index(columns, orders, unique=unique, type=type_)

    def _drop_column(self, table_name: str, column: str) -> None:
        table = self._table(table_name)
        table.columns = [c for c in table.columns if c != column]
        for store in (table.indexes, table.keys):
            for name, entry in list(store.items()):
                if column in entry.columns:
                    keep = [i for i, c in enumerate(entry.columns) if c != column]
                    entry.columns = [entry.columns[i] for i in keep]
                    if isinstance(entry, _Index):
                        entry.orders = [entry.orders[i] for i in keep]
                    if not entry.columns:
                        del store[name]
        for name, check in list(table.checks.items()):
            if column in _mentioned_columns(check.clause, [column]):
                del table.checks[name]

    def _rename_column(self, table_name: str, old: str, new: str) -> None:
        table = self._table(table_name)
        table.columns = [new if c == old else c for c in table.columns]
        for entry in [*table.indexes.values(), *table.keys.values()]:
            entry.columns = [new if c == old else c for c in entry.columns]
        for other in self.tables.values():
            for key in other.keys.values():
                if key.references == (table_name, old):
                    key.references = (table_name, new)
        for check in table.checks.values():
            check.clause = re.sub(rf"`{re.escape(old)}`", f"`{new}`", check.clause)

    def _rename_table(self, old: str, new: str) -> None:
        if old in self.tables:
            self.tables[new] = self.tables.pop(old)
        for table in self.tables.values():
            for key in table.keys.values():
                if key.references and key.references[0] == old:
                    key.references = (new, key.references[1])

    def _free_index_name(self, table: _Table, base: str) -> str:
        """MySQL names an unnamed key after its first column, numbering from _2 on collision."""
        taken = set(table.indexes) | set(table.keys)
        if base not in taken and base.upper() != "PRIMARY":
            return base
        self.numbered_names += 1
        number = 2
        while f"{base}_{number}" in taken:
            number += 1
        return f"{base}_{number}"

    def _name_of(self, table: _Table) -> str:
        return next(name for name, candidate in self.tables.items() if candidate is table)


def _is_table_constraint(element: str) -> bool:
    return _TABLE_CONSTRAINT_START.match(element) is not None


def _mentioned_columns(clause: str, columns: list[str]) -> list[str]:
    """The table's columns a CHECK clause mentions, in order of appearance (as Django parses them)."""
    mentioned = [
        unquote(token) for token in re.findall(IDENTIFIER, re.sub(r"'(?:[^'\\]|\\.|'')*'", "", clause))
    ]
    return list(dict.fromkeys(token for token in mentioned if token in columns))
