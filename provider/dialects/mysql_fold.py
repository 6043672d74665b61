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
from dataclasses import dataclass, field
from typing import Any

from graticule.provider.dialects.catalog import (
    IDENTIFIER,
    identifiers,
    parenthesised,
    split_top_level,
    top_level_keyword,
    unquote,
)
from graticule.provider.dialects.fold import (
    Entry,
    FoldedTable,
    Folder,
    Unfoldable,
    bare_words,
    quote_identifier,
    replace_identifier,
    trailing_check,
    uses_identifier,
)
from graticule.provider.dialects.mysql_catalog import MySQLCatalog


@dataclass
class _Column:
    name: str
    head: str
    """The type (with AUTO_INCREMENT, UNSIGNED), COLLATE and COMMENT clauses, as Django wrote them."""
    default: str | None
    tail: str
    """`NOT NULL`, `NULL` or `GENERATED ALWAYS AS (…) STORED|VIRTUAL`."""
    check: str | None = None
    """MariaDB: the column's own CHECK clause."""


@dataclass
class _Constraint:
    kind: str  # "p" primary key, "u" unique, "c" check, "f" foreign key
    columns: list[str]
    text: str = ""
    """CHECK: the clause; f: what follows the referenced columns."""
    target: int | None = None
    target_columns: list[str] = field(default_factory=list)


@dataclass
class _Table(FoldedTable):
    columns: dict[str, _Column] = field(default_factory=dict)
    constraints: dict[str, _Constraint] = field(default_factory=dict)
    indexes: dict[str, str] = field(default_factory=dict)
    comment: str | None = None

    def object_names(self) -> set[str]:
        # Index and key names (PRIMARY, a unique column's name) belong to their table; foreign keys and
        # checks are named per database: only those could meet a name of another table's statements.
        return {name for name, constraint in self.constraints.items() if constraint.kind in {"c", "f"}}


_CREATE_TABLE = re.compile(rf"CREATE TABLE (?:IF NOT EXISTS )?(?P<table>{IDENTIFIER}) ?\(", re.I)
_ALTER_TABLE = re.compile(rf"ALTER TABLE (?P<table>{IDENTIFIER}) (?P<actions>.*)\Z", re.I | re.S)
_CREATE_INDEX = re.compile(
    rf"CREATE (?:UNIQUE |FULLTEXT |SPATIAL )?INDEX (?P<name>{IDENTIFIER}) ON (?P<table>{IDENTIFIER}) ?\(",
    re.I,
)
_DROP_INDEX = re.compile(rf"DROP INDEX (?P<name>{IDENTIFIER}) ON (?P<table>{IDENTIFIER})\Z", re.I)
_RENAME_TABLE = re.compile(rf"RENAME TABLE (?P<old>{IDENTIFIER}) TO (?P<new>{IDENTIFIER})\Z", re.I)
_DROP_TABLE = re.compile(rf"DROP TABLE (?:IF EXISTS )?(?P<table>{IDENTIFIER})(?: CASCADE)?\Z", re.I)
_UPDATE = re.compile(rf"UPDATE (?P<table>{IDENTIFIER}) SET ", re.I)
_KEY = re.compile(r"(?P<rest>.*) (?P<key>PRIMARY KEY|UNIQUE)\Z", re.I | re.S)
_NULLABILITY = re.compile(r"(?P<rest>.*?) (?P<tail>NOT NULL|NULL)\Z", re.I | re.S)
_GENERATED = re.compile(r"GENERATED ALWAYS AS \(.*\) (?:STORED|VIRTUAL)", re.I | re.S)
_TABLE_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|INDEX|KEY)\b", re.I)


def quote(name: str) -> str:
    return quote_identifier(name, "`")


class MySQLFolder(Folder):
    def __init__(self, catalog: MySQLCatalog) -> None:
        """`catalog` is fed through the folder: each statement is applied to it, then folded."""
        super().__init__()
        self.catalog = catalog
        self.mariadb = catalog.mariadb

    # -- reading statements ----------------------------------------------------------------------------

    def feed(self, statement: str) -> None:
        self._feed_one(statement.strip().rstrip(";").strip())

    def _feed_one(self, text: str) -> None:
        entry = Entry(text)
        before = self._names_before(text)
        self.catalog.apply(text)
        try:
            self._interpret(text, entry, before)
        except Unfoldable:
            self.keep(entry.owner)
        self.record(entry)

    def _names_before(self, text: str) -> dict[str, Any]:
        """What the catalog knows of the table a CREATE/ALTER TABLE touches, before it runs."""
        match = _CREATE_TABLE.match(text) or _ALTER_TABLE.match(text)
        if match is None:
            return {}
        table = self.catalog.tables.get(unquote(match["table"]))
        if table is None:
            return {"keys": set(), "checks": set()}
        return {"keys": set(table.keys), "checks": set(table.checks)}

    def _table(self, quoted: str, entry: Entry) -> _Table:
        name = unquote(quoted)
        if name not in self.current:
            entry.understood = False
            raise Unfoldable
        table = self.tables[self.current[name]]
        entry.owner = table.id
        return table  # type: ignore[return-value]

    def _interpret(self, text: str, entry: Entry, before: dict[str, Any]) -> None:
        if match := _CREATE_TABLE.match(text):
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
        elif match := _DROP_TABLE.match(text):
            table = self._table(match["table"], entry)
            self.drop_table(table)
            for other in self._live_tables():
                for name, constraint in list(other.constraints.items()):
                    if constraint.target == table.id:
                        del other.constraints[name]
        elif match := _UPDATE.match(text):
            self._table(match["table"], entry)  # data only: printed with the table's history, if kept
        else:
            entry.understood = False

    def _live_tables(self) -> list[_Table]:
        return [table for table in self.tables.values() if table.alive]  # type: ignore[misc]

    # -- CREATE TABLE and columns ------------------------------------------------------------------------

    def _create_table(self, match: re.Match[str], text: str, entry: Entry, before: dict[str, Any]) -> None:
        name = unquote(match["table"])
        if name in self.current:
            entry.understood = False
            raise Unfoldable
        table = _Table(self.next_id(), name, {name})
        self.new_table(table)
        entry.owner = table.id
        body, end = parenthesised(text, match.end() - 1)
        if text[end:].strip():
            raise Unfoldable  # ENGINE=…, table options
        unnamed: list[tuple[str, list[str], str]] = []
        elements = split_top_level(body, ",")
        for element in elements:
            if not _TABLE_CONSTRAINT.match(element):
                unnamed += self._add_column(table, element)
        for element in elements:
            if _TABLE_CONSTRAINT.match(element):
                unnamed += self._add_table_constraint(table, element, entry)
        self._name_unnamed(table, unnamed, before)

    def _parse_column(self, definition: str) -> tuple[_Column, list[tuple[str, list[str], str]]]:
        match = re.match(rf"(?P<name>{IDENTIFIER}) (?P<rest>.*)\Z", definition, re.S)
        if match is None:
            raise Unfoldable
        name, rest = unquote(match["name"]), match["rest"].rstrip()
        unnamed: list[tuple[str, list[str], str]] = []
        column_check = None
        while True:
            if found := _KEY.match(rest):
                kind = "p" if found["key"].upper() == "PRIMARY KEY" else "u"
                unnamed.append((kind, [name], ""))
                rest = found["rest"]
            elif (check := trailing_check(rest)) is not None:
                if column_check is not None:
                    raise Unfoldable
                rest, column_check = check
            else:
                break
        position = top_level_keyword(rest, "GENERATED")
        if position >= 0:
            tail = rest[position:]
            if not _GENERATED.fullmatch(tail):
                raise Unfoldable
            rest = rest[:position].rstrip()
        elif found := _NULLABILITY.match(rest):
            rest, tail = found["rest"], found["tail"]
        else:
            raise Unfoldable
        default = None
        position = top_level_keyword(rest, "DEFAULT")
        if position >= 0:
            rest, default = rest[:position].rstrip(), rest[position + len("DEFAULT ") :]
        if not rest or any(top_level_keyword(rest, word) >= 0 for word in ("REFERENCES", "CHECK", "KEY")):
            raise Unfoldable
        column = _Column(name, rest, default, tail)
        if column_check is not None:
            if self.mariadb:
                column.check = column_check
            else:
                unnamed.append(("c", [name], column_check))
        return column, unnamed

    def _add_column(self, table: _Table, definition: str) -> list[tuple[str, list[str], str]]:
        column, unnamed = self._parse_column(definition)
        if column.name in table.columns:
            raise Unfoldable
        table.columns[column.name] = column
        return unnamed

    def _add_table_constraint(
        self, table: _Table, element: str, entry: Entry
    ) -> list[tuple[str, list[str], str]]:
        name = None
        if match := re.match(rf"CONSTRAINT (?P<name>{IDENTIFIER}) (?P<rest>.*)\Z", element, re.I | re.S):
            name, element = unquote(match["name"]), match["rest"]
        kind_word = element.split()[0].upper()
        if kind_word == "CHECK":
            check = trailing_check(" " + element)
            if check is None or check[0].strip():
                raise Unfoldable
            constraint = _Constraint("c", [], check[1])
        elif kind_word in {"PRIMARY", "UNIQUE"}:
            found = re.fullmatch(r"(?:PRIMARY KEY|UNIQUE) ?\((?P<columns>[^()]*)\)", element, re.I)
            if found is None:
                raise Unfoldable
            constraint = _Constraint("p" if kind_word == "PRIMARY" else "u", identifiers(found["columns"]))
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
            constraint = _Constraint(
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
            table.constraints[candidates[0]] = _Constraint(kind, columns, text)
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
            return self._add_column(table, re.sub(r"^ADD (?:COLUMN )?", "", action, flags=re.I))
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

    def _rename_column(self, table: _Table, old: str, new: str) -> None:
        if old not in table.columns or new in table.columns:
            raise Unfoldable
        for index in table.entries:
            if old in bare_words(self.entries[index].text, "`"):
                raise Unfoldable
        table.columns = {(new if name == old else name): column for name, column in table.columns.items()}
        column = table.columns[new]
        column.name = new
        if column.check is not None:
            column.check = replace_identifier(column.check, old, new, "`")
        table.pure = False
        for constraint in table.constraints.values():
            constraint.columns = [new if c == old else c for c in constraint.columns]
            if constraint.kind == "c":
                constraint.text = replace_identifier(constraint.text, old, new, "`")
        for name, text in table.indexes.items():
            head, rest = text.split(" ON ", 1)
            table.indexes[name] = head + " ON " + replace_identifier(rest, old, new, "`", skip_first=True)
        for other in self._live_tables():
            for constraint in other.constraints.values():
                if constraint.target == table.id:
                    constraint.target_columns = [new if c == old else c for c in constraint.target_columns]

    def _rename_table(self, table: _Table, new: str) -> None:
        old = table.name
        if new in self.current:
            raise Unfoldable
        self.rename_table(table, new)
        for name, text in table.indexes.items():
            match = _CREATE_INDEX.match(text)
            if match is None or unquote(match["table"]) != old:
                raise Unfoldable
            table.indexes[name] = text[: match.start("table")] + quote(new) + text[match.end("table") :]

    # -- printing ----------------------------------------------------------------------------------------

    def render_table(self, table: _Table) -> list[str]:  # type: ignore[override]
        definitions = []
        for column in table.columns.values():
            parts = [quote(column.name), column.head]
            if column.default is not None:
                parts.append(f"DEFAULT {column.default}")
            parts.append(column.tail)
            if column.check is not None:
                parts.append(column.check)
            definitions.append(" ".join(parts))
        order = {"p": 0, "u": 1, "c": 2}
        for name, constraint in sorted(
            ((n, c) for n, c in table.constraints.items() if c.kind != "f"),
            key=lambda item: (order[item[1].kind], item[0]),
        ):
            columns = ", ".join(map(quote, constraint.columns))
            if constraint.kind == "p":
                definitions.append(f"PRIMARY KEY ({columns})")
            elif constraint.kind == "u":
                definitions.append(f"CONSTRAINT {quote(name)} UNIQUE ({columns})")
            else:
                definitions.append(f"CONSTRAINT {quote(name)} {constraint.text}")
        statements = [f"CREATE TABLE {quote(table.name)} ({', '.join(definitions)})"]
        if table.comment is not None:
            statements.append(f"ALTER TABLE {quote(table.name)} COMMENT = {table.comment}")
        statements += [table.indexes[name] for name in sorted(table.indexes)]
        return statements

    def render_foreign_keys(self, table: _Table) -> list[str]:  # type: ignore[override]
        statements = []
        for name in sorted(table.constraints):
            constraint = table.constraints[name]
            if constraint.kind == "f":
                target = self.tables[constraint.target]
                statements.append(
                    f"ALTER TABLE {quote(table.name)} ADD CONSTRAINT {quote(name)} FOREIGN KEY "
                    f"({', '.join(map(quote, constraint.columns))}) REFERENCES {quote(target.name)} "
                    f"({', '.join(map(quote, constraint.target_columns))})"
                )
        return statements
