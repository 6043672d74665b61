"""MySQL and MariaDB: the statements Django emits, folded into each table's final shape (see fold.py).

Names the server chose during the history are written out: a UNIQUE column's key (`col`, `col_2`, …) as a
named UNIQUE constraint, the primary key as PRIMARY KEY; on MySQL an unnamed column CHECK (`t_chk_1`, …)
as a named table CHECK — MySQL keeps every CHECK at table level anyway. On MariaDB a column CHECK stays in
its column's definition: MariaDB names it after the column and keeps it with the column (a MODIFY drops it).
Foreign keys come last, once every index exists, so InnoDB adds the index of its own that a foreign key
needs exactly when no other index can serve it — as it is after the history, where such an index is
dropped again when an index that can serve the key is created. The catalog (mysql_catalog.py) reads the
server's names off the history.

What folds, and what keeps the table's history (besides the rules of fold.py):
- ADD COLUMN (its backfill DEFAULT dropped again by DROP DEFAULT, its foreign key), SET/DROP DEFAULT,
  ADD/DROP CONSTRAINT, DROP FOREIGN KEY, CREATE/DROP INDEX, DROP INDEX of a unique key, RENAME COLUMN,
  RENAME TABLE, table COMMENT, DROP TABLE: folded.
- MODIFY (a new definition of the column: type, default, NULL, comment, collation) is folded unless the
  column has a CHECK before or after it (MariaDB drops a column CHECK on MODIFY, MySQL numbers a new one).
- DROP COLUMN is folded when no index, key or CHECK uses the column (MySQL would narrow a multi-column
  index, changing its definition); CHANGE, ADD/DROP PRIMARY KEY, RENAME INDEX and forms not in Django's
  usual shape keep the table's history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graticule.provider.dialects.catalog import IDENTIFIER, identifiers, split_top_level, unquote
from graticule.provider.dialects.fold import (
    COLUMN_KEY,
    CREATE_TABLE,
    DROP_TABLE,
    Column,
    Constraint,
    Entry,
    Folder,
    Table,
    Unfoldable,
    check_constraint,
    column_parts,
    constraint_parts,
    quote_identifier,
    replace_identifier,
    trailing_check,
    uses_identifier,
)
from graticule.provider.dialects.mysql_catalog import MySQLCatalog


@dataclass
class _Column(Column):
    """`head` holds the type (with AUTO_INCREMENT, UNSIGNED), COLLATE and COMMENT clauses; `tail` may be
    `GENERATED ALWAYS AS (…) STORED|VIRTUAL`."""

    check: str | None = None
    """MariaDB: the column's own CHECK clause."""


@dataclass
class _Table(Table):
    def object_names(self) -> set[str]:
        # Index and key names (PRIMARY, a unique column's name) belong to their table; foreign keys and
        # checks are named per database: only those could meet a name of another table's statements.
        return {name for name, constraint in self.constraints.items() if constraint.kind in {"c", "f"}}


_ALTER_TABLE = re.compile(rf"ALTER TABLE (?P<table>{IDENTIFIER}) (?P<actions>.*)\Z", re.I | re.S)
_CREATE_INDEX = re.compile(
    rf"CREATE (?:UNIQUE |FULLTEXT |SPATIAL )?INDEX (?P<name>{IDENTIFIER}) ON (?P<table>{IDENTIFIER}) ?\(",
    re.I,
)
_DROP_INDEX = re.compile(rf"DROP INDEX (?P<name>{IDENTIFIER}) ON (?P<table>{IDENTIFIER})\Z", re.I)
_RENAME_TABLE = re.compile(rf"RENAME TABLE (?P<old>{IDENTIFIER}) TO (?P<new>{IDENTIFIER})\Z", re.I)
_UPDATE = re.compile(rf"UPDATE (?P<table>{IDENTIFIER}) SET ", re.I)
_GENERATED = re.compile(r"GENERATED ALWAYS AS \(.*\) (?:STORED|VIRTUAL)", re.I | re.S)
_TABLE_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|INDEX|KEY)\b", re.I)


def quote(name: str) -> str:
    return quote_identifier(name, "`")


class MySQLFolder(Folder):
    quote_char = "`"
    table_class = _Table
    create_index = _CREATE_INDEX
    table_constraint = _TABLE_CONSTRAINT

    def __init__(self, catalog: MySQLCatalog) -> None:
        """`catalog` is fed through the folder: each statement is applied to it, then folded."""
        super().__init__()
        self.catalog = catalog
        self.mariadb = catalog.mariadb

    # -- reading statements ----------------------------------------------------------------------------

    def feed(self, statement: str) -> None:
        self._feed_one(statement.strip().rstrip(";").strip())

    def _snapshot(self, text: str) -> dict[str, Any]:
        """The key and check names of the table a CREATE/ALTER TABLE touches, before it runs."""
        match = CREATE_TABLE.match(text) or _ALTER_TABLE.match(text)
        if match is None:
            return {}
        table = self.catalog.tables.get(unquote(match["table"]))
        if table is None:
            return {"keys": set(), "checks": set()}
        return {"keys": set(table.keys), "checks": set(table.checks)}

    def _interpret(self, text: str, entry: Entry, before: dict[str, Any]) -> None:
        if match := CREATE_TABLE.match(text):
            self._create_table(match, text, entry, before)
        elif match := _ALTER_TABLE.match(text):
            table = self._table(match["table"], entry)
            actions = split_top_level(match["actions"], ",")
            unnamed: list[tuple[str, list[str], str]] = []
            for action in actions:
                unnamed += self._alter(table, action, entry)
            self._name_unnamed(table, unnamed, before)
        elif match := _CREATE_INDEX.match(text):
            table = self._table(match["table"], entry)
            name = unquote(match["name"])
            if name in table.indexes or name in table.constraints:
                raise Unfoldable
            table.indexes[name] = text
        elif match := _DROP_INDEX.match(text):
            table = self._table(match["table"], entry)
            self._drop_index(table, unquote(match["name"]))
        elif match := _RENAME_TABLE.match(text):
            self._rename_table(self._table(match["old"], entry), unquote(match["new"]))
        elif match := DROP_TABLE.match(text):
            self._drop_table(self._table(match["table"], entry))
        elif match := _UPDATE.match(text):
            self._table(match["table"], entry)  # data only: printed with the table's history, if kept
        else:
            entry.understood = False

    # -- columns and constraints ---------------------------------------------------------------------------

    def _parse_column(self, definition: str) -> tuple[_Column, list[tuple[str, list[str], str]]]:
        match = re.match(rf"(?P<name>{IDENTIFIER}) (?P<rest>.*)\Z", definition, re.S)
        if match is None:
            raise Unfoldable
        name, rest = unquote(match["name"]), match["rest"].rstrip()
        unnamed: list[tuple[str, list[str], str]] = []
        column_check = None
        while True:
            if found := COLUMN_KEY.match(rest):
                kind = "p" if found["key"].upper() == "PRIMARY KEY" else "u"
                unnamed.append((kind, [name], ""))
                rest = found["rest"]
            elif (check := trailing_check(rest)) is not None:
                if column_check is not None:
                    raise Unfoldable
                rest, column_check = check
            else:
                break
        column = _Column(name, *column_parts(rest, _GENERATED, ("REFERENCES", "CHECK", "KEY")))
        if column_check is not None:
            if self.mariadb:
                column.check = column_check
            else:
                unnamed.append(("c", [name], column_check))
        return column, unnamed

    def _add_column(self, table: _Table, definition: str, entry: Entry) -> list[tuple[str, list[str], str]]:
        column, unnamed = self._parse_column(definition)
        if column.name in table.columns:
            raise Unfoldable
        table.columns[column.name] = column
        return unnamed

    def _add_table_constraint(
        self, table: _Table, element: str, entry: Entry
    ) -> list[tuple[str, list[str], str]]:
        name, element, kind_word = constraint_parts(element)
        if kind_word == "CHECK":
            constraint = check_constraint(element)
        elif kind_word in {"PRIMARY", "UNIQUE"}:
            found = re.fullmatch(r"(?:PRIMARY KEY|UNIQUE) ?\((?P<columns>[^()]*)\)", element, re.I)
            if found is None:
                raise Unfoldable
            constraint = Constraint("p" if kind_word == "PRIMARY" else "u", identifiers(found["columns"]))
            if kind_word == "PRIMARY":
                name = "PRIMARY"
        elif kind_word == "FOREIGN":
            found = re.fullmatch(
                rf"FOREIGN KEY ?\((?P<columns>[^()]*)\) REFERENCES (?P<table>{IDENTIFIER}) ?"
                r"\((?P<targets>[^()]*)\)(?P<suffix>.*)",
                element,
                re.I | re.S,
            )
            target = None if found is None else self.current.get(unquote(found["table"]))
            if found is None or target is None or name is None or found["suffix"].strip():
                raise Unfoldable
            entry.mentions.add(target)
            constraint = Constraint(
                "f", identifiers(found["columns"]), "", target, identifiers(found["targets"])
            )
        else:
            raise Unfoldable
        if name is None:
            return [(constraint.kind, constraint.columns, constraint.text)]
        if name in table.constraints or name in table.indexes:
            raise Unfoldable
        table.constraints[name] = constraint
        if constraint.kind in {"c", "f"}:
            table.ever_object_names.add(name)
        return []

    def _name_unnamed(self, table: _Table, unnamed: list[tuple[str, list[str], str]], before: dict) -> None:
        """Name unnamed keys and checks as the server did (the catalog's names)."""
        if not unnamed:
            return
        catalog_table = self.catalog.tables.get(table.name)
        if catalog_table is None:
            raise Unfoldable
        new_keys = [n for n in catalog_table.keys if n not in before.get("keys", set())]
        new_checks = [n for n in catalog_table.checks if n not in before.get("checks", set())]
        for kind, columns, text in unnamed:
            if kind == "c":
                candidates = [
                    n
                    for n in new_checks
                    if n not in table.constraints
                    and catalog_table.checks[n].clause == text[len("CHECK (") : -1]
                ]
            else:
                wanted = "PRIMARY KEY" if kind == "p" else "UNIQUE"
                candidates = [
                    n
                    for n in new_keys
                    if n not in table.constraints
                    and catalog_table.keys[n].kind == wanted
                    and list(catalog_table.keys[n].columns) == columns
                ]
            if len(candidates) != 1:
                raise Unfoldable
            table.constraints[candidates[0]] = Constraint(kind, columns, text)
            if kind == "c":
                table.ever_object_names.add(candidates[0])

    # -- ALTER TABLE ---------------------------------------------------------------------------------------

    def _alter(self, table: _Table, action: str, entry: Entry) -> list[tuple[str, list[str], str]]:
        words_ = action.split()
        first = words_[0].upper()
        second = words_[1].upper() if len(words_) > 1 else ""
        if first == "ADD" and second in {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}:
            return self._add_table_constraint(table, action[4:], entry)
        if first == "ADD" and second not in {"INDEX", "KEY", "FULLTEXT", "SPATIAL"}:
            return self._add_column(table, re.sub(r"^ADD (?:COLUMN )?", "", action, flags=re.I), entry)
        if first == "DROP" and second == "FOREIGN":
            self._drop_constraint(table, unquote(words_[3]), "f")
        elif first == "DROP" and second in {"INDEX", "KEY"}:
            self._drop_index(table, unquote(words_[2]))
        elif first == "DROP" and second in {"CHECK", "CONSTRAINT"}:
            name = unquote(
                re.sub(r"^DROP (?:CHECK|CONSTRAINT) (?:IF EXISTS )?", "", action, flags=re.I).split()[0]
            )
            self._drop_check_or_constraint(table, name)
        elif first == "DROP" and second not in {"PRIMARY"}:
            self._drop_column(
                table, unquote(re.sub(r"^DROP (?:COLUMN )?", "", action, flags=re.I).split()[0])
            )
        elif match := re.fullmatch(
            rf"RENAME (?:COLUMN )?(?P<old>{IDENTIFIER}) TO (?P<new>{IDENTIFIER})", action, re.I
        ):
            if second == "INDEX" or second in {"TO", "AS"}:
                raise Unfoldable
            self._rename_column(table, unquote(match["old"]), unquote(match["new"]))
        elif match := re.fullmatch(
            rf"MODIFY (?:COLUMN )?(?P<definition>{IDENTIFIER} .*)", action, re.I | re.S
        ):
            self._modify(table, match["definition"])
        elif match := re.fullmatch(
            rf"ALTER (?:COLUMN )?(?P<column>{IDENTIFIER}) (?P<change>SET DEFAULT .*|DROP DEFAULT)",
            action,
            re.I | re.S,
        ):
            column = table.columns.get(unquote(match["column"]))
            if column is None:
                raise Unfoldable
            change = match["change"]
            column.default = None if change.upper() == "DROP DEFAULT" else change[len("SET DEFAULT ") :]
        elif match := re.fullmatch(r"COMMENT ?= ?(?P<comment>'.*')", action, re.I | re.S):
            table.comment = match["comment"]
        else:
            raise Unfoldable
        return []

    def _modify(self, table: _Table, definition: str) -> None:
        column, unnamed = self._parse_column(definition)
        old = table.columns.get(column.name)
        if old is None or unnamed or column.check is not None or old.check is not None:
            raise Unfoldable
        if any(c.kind == "c" and column.name in c.columns for c in table.constraints.values()):
            raise Unfoldable  # a MySQL column CHECK on it
        if old.head != column.head:
            table.pure = False
        table.columns[column.name] = column

    def _drop_constraint(self, table: _Table, name: str, kind: str) -> None:
        constraint = table.constraints.get(name)
        if constraint is None or constraint.kind != kind:
            raise Unfoldable
        del table.constraints[name]

    def _drop_check_or_constraint(self, table: _Table, name: str) -> None:
        constraint = table.constraints.get(name)
        if constraint is None or constraint.kind not in {"c", "u"}:
            raise Unfoldable
        del table.constraints[name]

    def _drop_index(self, table: _Table, name: str) -> None:
        if name in table.indexes:
            del table.indexes[name]
        elif name in table.constraints and table.constraints[name].kind == "u":
            del table.constraints[name]
        else:
            raise Unfoldable

    def _drop_column(self, table: _Table, column: str) -> None:
        if column not in table.columns or table.columns[column].check is not None:
            raise Unfoldable
        for constraint in table.constraints.values():
            if column in constraint.columns or (
                constraint.kind == "c" and uses_identifier(constraint.text, column, "`")
            ):
                raise Unfoldable
        for text in table.indexes.values():
            if uses_identifier(text.split(" ON ", 1)[1], column, "`", skip_first=True):
                raise Unfoldable
        for other in self._live_tables():
            if any(c.target == table.id and column in c.target_columns for c in other.constraints.values()):
                raise Unfoldable
        del table.columns[column]
        table.pure = False

    def _renamed_column(self, table: _Table, column: _Column, old: str, new: str) -> None:
        if column.check is not None:
            column.check = replace_identifier(column.check, old, new, "`")

    # -- printing ----------------------------------------------------------------------------------------

    def _column_extras(self, table: _Table, column: _Column) -> list[str]:
        return [] if column.check is None else [column.check]

    def _constraint_definition(self, name: str, constraint: Constraint) -> str:
        if constraint.kind == "p":
            return f"PRIMARY KEY ({', '.join(map(quote, constraint.columns))})"
        if constraint.kind == "u":
            return f"CONSTRAINT {quote(name)} UNIQUE ({', '.join(map(quote, constraint.columns))})"
        return f"CONSTRAINT {quote(name)} {constraint.text}"

    def _comment_statements(self, table: _Table) -> list[str]:
        if table.comment is None:
            return []
        return [f"ALTER TABLE {quote(table.name)} COMMENT = {table.comment}"]
