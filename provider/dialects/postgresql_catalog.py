"""PostgreSQL's catalog rules for the DDL Django emits, including the names PostgreSQL chooses itself.

An unnamed PRIMARY KEY, UNIQUE or CHECK written inside CREATE TABLE / ADD COLUMN gets a name from the
server (`t_pkey`, `t_col_key`, `t_col_check`, …), shortened to 63 bytes and numbered on collision exactly as
PostgreSQL's makeObjectName / ChooseRelationName / ChooseConstraintName do. Django later finds those names by
introspection, so they must be the server's.
"""

from __future__ import annotations

import re

from graticule.provider.dialects.catalog import (
    IDENTIFIER,
    Catalog,
    Constraint,
    Table,
    identifiers,
    parenthesised,
    split_top_level,
    top_level_keyword,
    unquote,
)

NAME_BYTES = 63  # NAMEDATALEN - 1

_CREATE_TABLE = re.compile(rf"CREATE TABLE (?:IF NOT EXISTS )?(?P<table>{IDENTIFIER}) ?\(", re.I)
_ALTER_TABLE = re.compile(
    rf"ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(?P<table>{IDENTIFIER}) (?P<actions>.*)", re.I
)
_CREATE_INDEX = re.compile(
    rf"CREATE (?P<unique>UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?(?P<name>{IDENTIFIER}) "
    rf"ON (?:ONLY )?(?P<table>{IDENTIFIER})(?: USING (?P<method>\w+))? ?\(",
    re.I,
)
_DROP_INDEX = re.compile(rf"DROP INDEX (?:CONCURRENTLY )?(?:IF EXISTS )?(?P<name>{IDENTIFIER})", re.I)
_ALTER_INDEX = re.compile(
    rf"ALTER INDEX (?:IF EXISTS )?(?P<old>{IDENTIFIER}) RENAME TO (?P<new>{IDENTIFIER})", re.I
)
_DROP_TABLE = re.compile(rf"DROP TABLE (?:IF EXISTS )?(?P<table>{IDENTIFIER})", re.I)
_IDENTIFIER = re.compile(IDENTIFIER)
_TABLE_CONSTRAINT_START = re.compile(r"(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|EXCLUDE)\b", re.I)
_ELEMENT_COLUMN = re.compile(rf"(?P<column>{IDENTIFIER})(?P<rest>(?: .*)?)$")


class PostgreSQLCatalog(Catalog):
    def __init__(self) -> None:
        super().__init__()
        # Every name a relation or constraint has had (a superset of the names in use), so that choosing a
        # name rarely needs to look through every table; and the table the current statement changes.
        self._seen: set[str] = set()
        self._changing: str | None = None

    def apply_statement(self, statement: str) -> None:
        if match := _CREATE_TABLE.match(statement):
            self._changing = unquote(match["table"])
            body, _ = parenthesised(statement, match.end() - 1)
            self._create_table(self._changing, body)
        elif match := _ALTER_TABLE.match(statement):
            table = self._changing = unquote(match["table"])
            for action in split_top_level(match["actions"], ","):
                self._alter_table(table, action)
        elif match := _CREATE_INDEX.match(statement):
            self._changing = unquote(match["table"])
            elements, end = parenthesised(statement, match.end() - 1)
            self._create_index(match, elements, statement[end:])
        elif match := _DROP_INDEX.match(statement):
            self.drop_constraint(unquote(match["name"]))
        elif match := _ALTER_INDEX.match(statement):
            self.rename_constraint(unquote(match["old"]), unquote(match["new"]))
            self._seen.add(unquote(match["new"]))
        elif match := _DROP_TABLE.match(statement):
            self.drop_table(unquote(match["table"]))
        if self._changing is not None:
            self._seen |= self._names_of(self._changing)
            self._changing = None

    def rename_table(self, old: str, new: str) -> None:
        super().rename_table(old, new)
        self._seen |= self._names_of(new)

    def _names_of(self, table_name: str) -> set[str]:
        table = self.tables.get(table_name)
        if table is None:
            return {table_name}
        return {table_name} | set(table.constraints) | set(table.sequences.values())

    # -- tables and columns -------------------------------------------------------------------------------

    def _create_table(self, table_name: str, body: str) -> None:
        self.tables[table_name] = Table()
        elements = split_top_level(body, ",")
        for element in elements:  # columns first: table constraints may refer to any of them
            if not _is_table_constraint(element):
                self.tables[table_name].columns.append(unquote(_IDENTIFIER.match(element).group(0)))
        for element in elements:
            if _is_table_constraint(element):
                self._add_table_constraint(table_name, element)
            else:
                self._add_column(table_name, element, already_listed=True)

    def _alter_table(self, table_name: str, action: str) -> None:
        words = action.split()
        keyword = " ".join(words[:2]).upper()
        if keyword in {
            "ADD CONSTRAINT",
            "ADD PRIMARY",
            "ADD UNIQUE",
            "ADD CHECK",
            "ADD FOREIGN",
            "ADD EXCLUDE",
        }:
            self._add_table_constraint(table_name, action[len(words[0]) + 1 :])
        elif keyword.startswith("ADD"):
            column = re.sub(r"^ADD (?:COLUMN )?(?:IF NOT EXISTS )?", "", action, flags=re.I)
            self._add_column(table_name, column)
        elif keyword == "DROP CONSTRAINT":
            name = re.sub(r"^DROP CONSTRAINT (?:IF EXISTS )?", "", action, flags=re.I).split()[0]
            self.drop_constraint(unquote(name), table_name)
        elif keyword.startswith("DROP") and keyword != "DROP CONSTRAINT":
            column = re.sub(r"^DROP (?:COLUMN )?(?:IF EXISTS )?", "", action, flags=re.I).split()[0]
            self.drop_column(table_name, unquote(column))
        elif match := re.match(rf"RENAME CONSTRAINT ({IDENTIFIER}) TO ({IDENTIFIER})", action, re.I):
            self.rename_constraint(unquote(match[1]), unquote(match[2]))
        elif match := re.match(rf"RENAME TO ({IDENTIFIER})", action, re.I):
            self.rename_table(table_name, unquote(match[1]))
        elif match := re.match(rf"RENAME (?:COLUMN )?({IDENTIFIER}) TO ({IDENTIFIER})", action, re.I):
            self.rename_column(table_name, unquote(match[1]), unquote(match[2]))
        elif match := re.match(rf"ALTER (?:COLUMN )?({IDENTIFIER}) (.*)", action, re.I):
            column, change = unquote(match[1]), match[2].upper()
            if re.match(r"ADD GENERATED .*AS IDENTITY", change):
                self._add_identity(table_name, column)
            elif change.startswith("DROP IDENTITY"):
                self.table(table_name).sequences.pop(column, None)

    def _add_column(self, table_name: str, definition: str, already_listed: bool = False) -> None:
        column = unquote(_IDENTIFIER.match(definition).group(0))
        table = self.table(table_name)
        if not already_listed:
            table.columns.append(column)
        rest = definition[len(_IDENTIFIER.match(definition).group(0)) :]
        if top_level_keyword(rest, "PRIMARY KEY") >= 0:
            name = self._choose_relation_name(table_name, None, "pkey")
            table.constraints[name] = Constraint([column], primary_key=True, unique=True)
        if top_level_keyword(rest, "UNIQUE") >= 0:
            name = self._choose_relation_name(table_name, column, "key")
            table.constraints[name] = Constraint([column], unique=True)
        check = top_level_keyword(rest, "CHECK")
        if check >= 0:
            expression, _ = parenthesised(rest, rest.index("(", check))
            self._add_check(table_name, None, expression)
        if top_level_keyword(rest, "AS IDENTITY") >= 0:
            self._add_identity(table_name, column)
        references = top_level_keyword(rest, "REFERENCES")
        if references >= 0:
            named = re.search(rf"CONSTRAINT ({IDENTIFIER}) REFERENCES", rest, re.I)
            target = re.match(rf"REFERENCES ({IDENTIFIER}) ?\(({IDENTIFIER})\)", rest[references:], re.I)
            name = unquote(named[1]) if named else self._choose_constraint_name(table_name, column, "fkey")
            table.constraints[name] = Constraint(
                [column], foreign_key=(unquote(target[1]), unquote(target[2]))
            )

    def _add_identity(self, table_name: str, column: str) -> None:
        self.table(table_name).sequences[column] = self._choose_relation_name(table_name, column, "seq")

    # -- constraints and indexes ---------------------------------------------------------------------

    def _add_table_constraint(self, table_name: str, element: str) -> None:
        name = None
        if match := re.match(rf"CONSTRAINT ({IDENTIFIER}) (.*)", element, re.I | re.S):
            name, element = unquote(match[1]), match[2]
        table = self.table(table_name)
        kind = element.split()[0].upper()
        if kind == "CHECK":
            expression, _ = parenthesised(element, element.index("("))
            self._add_check(table_name, name, expression)
            return
        columns_text, _ = parenthesised(element, element.index("("))
        columns = identifiers(columns_text) if kind != "EXCLUDE" else _referenced_columns(table, columns_text)
        if kind == "PRIMARY":
            name = name or self._choose_relation_name(table_name, None, "pkey")
            table.constraints[name] = Constraint(columns, primary_key=True, unique=True)
        elif kind == "UNIQUE":
            name = name or self._choose_relation_name(table_name, _name_addition(columns), "key")
            table.constraints[name] = Constraint(columns, unique=True)
        elif kind == "FOREIGN":
            target = re.search(rf"REFERENCES ({IDENTIFIER}) ?\(({IDENTIFIER})", element, re.I)
            name = name or self._choose_constraint_name(table_name, _name_addition(columns), "fkey")
            table.constraints[name] = Constraint(
                columns, foreign_key=(unquote(target[1]), unquote(target[2]))
            )
        elif kind == "EXCLUDE":
            name = name or self._choose_relation_name(table_name, _name_addition(columns), "excl")
            table.constraints[name] = Constraint(columns)

    def _add_check(self, table_name: str, name: str | None, expression: str) -> None:
        table = self.table(table_name)
        columns = _referenced_columns(table, expression)
        if name is None:
            name = self._choose_constraint_name(
                table_name, columns[0] if len(columns) == 1 else None, "check"
            )
        table.constraints[name] = Constraint(columns, check=True)

    def _create_index(self, match: re.Match[str], elements: str, rest: str) -> None:
        name, table_name = unquote(match["name"]), unquote(match["table"])
        method = (match["method"] or "btree").lower()
        columns: list[str | None] = []
        orders: list[str | None] = []
        for element in split_top_level(elements, ","):
            column = _ELEMENT_COLUMN.match(element)
            if column and not column["rest"].lstrip().startswith("("):
                columns.append(unquote(column["column"]))
                orders.append("DESC" if re.search(r"\bDESC\b", column["rest"], re.I) else "ASC")
            else:
                columns.append(None)
                orders.append("DESC" if re.search(r"\bDESC\s*$", element, re.I) else "ASC")
        include = re.match(r"\s*INCLUDE ?\(", rest, re.I)
        if include:
            included, _ = parenthesised(rest, include.end() - 1)
            columns += identifiers(included)
            orders += ["ASC"] * len(identifiers(included))
        has_options = re.search(r"\bWITH ?\(", rest, re.I) is not None
        basic = method == "btree" and not name.endswith("_btree") and not has_options
        self.table(table_name).constraints[name] = Constraint(
            [] if columns == [None] else columns,  # type: ignore[arg-type]
            unique=bool(match["unique"]),
            index=True,
            type="idx" if basic else method,
            orders=(orders if method == "btree" else []),  # type: ignore[arg-type]
            definition=None if None not in columns else f"CREATE INDEX {name}",
        )

    # -- PostgreSQL's own names ------------------------------------------------------------------------

    def _choose_relation_name(self, name1: str, name2: str | None, label: str) -> str:
        """ChooseRelationName(…, isconstraint=true): free among relations and constraint names."""
        return self._numbered(name1, name2, label, relations=True)

    def _choose_constraint_name(self, name1: str, name2: str | None, label: str) -> str:
        return self._numbered(name1, name2, label, relations=False)

    def _numbered(self, name1: str, name2: str | None, label: str, *, relations: bool) -> str:
        """PostgreSQL's choice: `name1_name2_label`, then with label1, label2, … until the name is free."""
        attempt, modified = 0, label
        while True:
            name = make_object_name(name1, name2, modified)
            if not self._taken(name, relations=relations):
                if attempt:
                    self.numbered_names += 1
                return name
            attempt += 1
            modified = f"{label}{attempt}"

    def _taken(self, name: str, *, relations: bool) -> bool:
        # Looked up name by name: building the sets of every name for each choice is quadratic.
        if name not in self._seen and (self._changing is None or name not in self._names_of(self._changing)):
            return False
        for table_name, table in self.tables.items():
            if name in table.constraints:
                return True
            if relations and (name == table_name or name in table.sequences.values()):
                return True
        return False


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """PostgreSQL's makeObjectName: `name1_name2_label`, the longer of name1/name2 shortened to fit."""
    first, second = name1.encode(), (name2 or "").encode()
    overhead = (1 if name2 is not None else 0) + (len(label.encode()) + 1 if label else 0)
    available = NAME_BYTES - overhead
    first_length, second_length = len(first), len(second)
    while first_length + second_length > available:
        if first_length > second_length:
            first_length -= 1
        else:
            second_length -= 1
    name = _clip(first, first_length)
    if name2 is not None:
        name += "_" + _clip(second, second_length)
    if label:
        name += "_" + label
    return name


def _clip(encoded: bytes, length: int) -> str:
    """Cut at a character boundary, as pg_mbcliplen does."""
    return encoded[:length].decode("utf-8", errors="ignore")


def _name_addition(columns: list[str]) -> str:
    """ChooseIndexNameAddition: the column names joined by underscores, cut once long enough."""
    addition = ""
    for column in columns:
        if addition:
            addition += "_"
        addition += column
        if len(addition.encode()) >= NAME_BYTES + 1:
            break
    return addition


def _is_table_constraint(element: str) -> bool:
    return _TABLE_CONSTRAINT_START.match(element) is not None


def _referenced_columns(table: Table, expression: str) -> list[str]:
    """The table's columns an expression mentions, in column order (as pg_constraint.conkey lists them)."""
    mentioned = {
        unquote(token) for token in re.findall(IDENTIFIER, re.sub(r"'(?:[^']|'')*'", "", expression))
    }
    return [column for column in table.columns if column in mentioned]
