"""PostgreSQL: the statements Django emits, folded into each table's final shape (see fold.py).

Every constraint is written as a named table constraint, with the name PostgreSQL gave it during the history
(`t_pkey`, `t_col_key`, `t_col_check`, or the name Django chose); the catalog (postgresql_catalog.py) reads
those names off the history exactly as the server picks them. A constraint PostgreSQL keeps is the same
whether it was declared on the column or on the table, at CREATE TABLE or by a later ALTER TABLE. An identity
column gets its sequence's name written out when the history left it with another name than PostgreSQL
would choose for the final table (e.g. after the table was renamed).

What folds, and what keeps the table's history (besides the rules of fold.py):
- ADD COLUMN (its backfill DEFAULT dropped again by DROP DEFAULT), SET/DROP NOT NULL, SET/DROP DEFAULT,
  ADD/DROP identity, DROP COLUMN (with what depends on it), RENAME COLUMN, RENAME TO, ADD/DROP CONSTRAINT,
  CREATE/DROP/RENAME INDEX, COMMENT ON, DROP TABLE: folded.
- ALTER COLUMN … TYPE: folded unless the column has a default or a generated expression, or a CHECK,
  exclusion constraint or index expression/predicate uses it (PostgreSQL re-parses those for the new type,
  which can print differently from declaring them on it); kept otherwise.
- A column or constraint clause that is not in Django's form (e.g. RunSQL's `serial`, a constraint
  `NOT VALID`, a tablespace), an unnamed index, a RENAME COLUMN whose old name a statement of the table uses
  unquoted: kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graticule.provider.dialects.catalog import (
    IDENTIFIER,
    identifiers,
    parenthesised,
    split_top_level,
    unquote,
)
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
    words,
)
from graticule.provider.dialects.postgresql_catalog import PostgreSQLCatalog, make_object_name


@dataclass
class _Column(Column):
    """`head` holds the type and its COLLATE clause; `tail` may be `GENERATED ALWAYS AS (…) STORED`."""

    identity: str | None = None
    comment: str | None = None


@dataclass
class _Table(Table):
    sequences: dict[str, str] = field(default_factory=dict)

    def object_names(self) -> set[str]:
        return set(self.constraints) | set(self.indexes) | set(self.sequences.values())


_ALTER_TABLE = re.compile(
    rf"ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(?P<table>{IDENTIFIER}) (?P<actions>.*)\Z", re.I | re.S
)
_CREATE_INDEX = re.compile(
    rf"CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?(?P<name>{IDENTIFIER}) "
    rf"ON (?:ONLY )?(?P<table>{IDENTIFIER})",
    re.I,
)
_DROP_INDEX = re.compile(
    rf"DROP INDEX (?:CONCURRENTLY )?(?:IF EXISTS )?(?P<name>{IDENTIFIER})(?: CASCADE| RESTRICT)?\Z", re.I
)
_RENAME_INDEX = re.compile(
    rf"ALTER INDEX (?:IF EXISTS )?(?P<old>{IDENTIFIER}) RENAME TO (?P<new>{IDENTIFIER})\Z", re.I
)
_COMMENT_TABLE = re.compile(rf"COMMENT ON TABLE (?P<table>{IDENTIFIER}) IS (?P<comment>.*)\Z", re.I | re.S)
_COMMENT_COLUMN = re.compile(
    rf"COMMENT ON COLUMN (?P<table>{IDENTIFIER})\.(?P<column>{IDENTIFIER}) IS (?P<comment>.*)\Z", re.I | re.S
)
_SET_CONSTRAINTS = re.compile(r"SET CONSTRAINTS .* (?:IMMEDIATE|DEFERRED)\Z", re.I | re.S)
_BACKFILL = re.compile(
    rf"UPDATE (?P<table>{IDENTIFIER}) SET (?P<column>{IDENTIFIER}) = .* WHERE (?P=column) IS NULL\Z",
    re.I | re.S,
)
_IDENTITY = re.compile(
    r"(?P<rest>.*) (?P<identity>GENERATED (?:BY DEFAULT|ALWAYS) AS IDENTITY)\Z", re.I | re.S
)
_INLINE_FK = re.compile(
    rf"(?P<rest>.*) CONSTRAINT (?P<name>{IDENTIFIER}) REFERENCES (?P<table>{IDENTIFIER}) ?"
    rf"\((?P<column>{IDENTIFIER})\)(?P<suffix>(?: DEFERRABLE INITIALLY DEFERRED)?)\Z",
    re.I | re.S,
)
_GENERATED = re.compile(r"GENERATED ALWAYS AS \(.*\) STORED", re.I | re.S)
_TABLE_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|EXCLUDE)\b", re.I)


def quote(name: str) -> str:
    return quote_identifier(name, '"')


class PostgreSQLFolder(Folder):
    table_class = _Table
    create_index = _CREATE_INDEX
    table_constraint = _TABLE_CONSTRAINT
    expression_kinds = frozenset({"c", "x"})

    def __init__(self, catalog: PostgreSQLCatalog) -> None:
        """`catalog` is fed through the folder: each statement is applied to it, then folded."""
        super().__init__()
        self.catalog = catalog

    # -- reading statements ----------------------------------------------------------------------------

    def feed(self, statement: str) -> None:
        """Take one string Django collected (it may hold several statements, as in `…; SET CONSTRAINTS …`).

        Text with dollar quoting (function bodies from RunSQL) is taken whole: it is not Django's own.
        """
        parts = [statement] if "$" in statement else split_top_level(statement, ";")
        for part in parts:
            if part.strip():
                self._feed_one(part.strip())

    def _snapshot(self, text: str) -> dict[str, set[str]]:
        """The constraint names of the table a CREATE/ALTER TABLE touches, before it runs."""
        match = CREATE_TABLE.match(text) or _ALTER_TABLE.match(text)
        if match is None:
            return {}
        name = unquote(match["table"])
        table = self.catalog.tables.get(name)
        return {name: set() if table is None else set(table.constraints)}

    def _new_constraints(self, table_name: str, before: dict[str, set[str]]) -> dict[str, object]:
        table = self.catalog.tables.get(table_name)
        if table is None:
            return {}
        old = before.get(table_name, set())
        return {name: c for name, c in table.constraints.items() if name not in old}

    def _interpret(self, text: str, entry: Entry, before: dict[str, set[str]]) -> None:
        if re.match(r"CREATE EXTENSION ", text, re.I):
            entry.prelude = True
        elif _SET_CONSTRAINTS.match(text):
            entry.noop = True
        elif match := CREATE_TABLE.match(text):
            self._create_table(match, text, entry, before)
        elif match := _ALTER_TABLE.match(text):
            table = self._table(match["table"], entry)
            for action in split_top_level(match["actions"], ","):
                self._alter(table, action, entry, before)
        elif match := _CREATE_INDEX.match(text):
            table = self._table(match["table"], entry)
            name = unquote(match["name"])
            table.indexes[name] = text
            table.ever_object_names.add(name)
        elif match := _DROP_INDEX.match(text):
            name = unquote(match["name"])
            owner = next((t for t in self.tables.values() if t.alive and name in t.indexes), None)
            if owner is None:
                entry.understood = False
                raise Unfoldable
            entry.owner = owner.id
            del owner.indexes[name]
        elif match := _RENAME_INDEX.match(text):
            old, new = unquote(match["old"]), unquote(match["new"])
            owner = next((t for t in self.tables.values() if t.alive and old in t.indexes), None)
            if owner is None:
                entry.understood = False
                raise Unfoldable
            entry.owner = owner.id
            owner.indexes[new] = _replace(owner.indexes.pop(old), old, new)
            owner.ever_object_names.add(new)
        elif match := _COMMENT_TABLE.match(text):
            self._table(match["table"], entry).comment = _comment(match["comment"])
        elif match := _COMMENT_COLUMN.match(text):
            table = self._table(match["table"], entry)
            column = table.columns.get(unquote(match["column"]))
            if column is None:
                raise Unfoldable
            column.comment = _comment(match["comment"])
        elif match := DROP_TABLE.match(text):
            self._drop_table(self._table(match["table"], entry))
        elif match := _BACKFILL.match(text):
            self._table(match["table"], entry)  # data only: printed with the table's history, if kept
        else:
            entry.understood = False

    # -- columns and constraints ---------------------------------------------------------------------------

    def _add_column(self, table: _Table, definition: str, entry: Entry) -> list[tuple[str, list[str], str]]:
        """Add a column from its definition; return its unnamed constraints (kind, columns, text)."""
        match = re.match(rf"(?P<name>{IDENTIFIER}) (?P<rest>.*)\Z", definition, re.S)
        if match is None:
            raise Unfoldable
        name, rest = unquote(match["name"]), match["rest"]
        unnamed: list[tuple[str, list[str], str]] = []
        identity = None
        while True:
            if found := _IDENTITY.match(rest):
                if identity is not None:
                    raise Unfoldable
                identity, rest = found["identity"], found["rest"]
            elif found := _INLINE_FK.match(rest):
                target = self.current.get(unquote(found["table"]))
                if target is None:
                    raise Unfoldable
                fk_name = unquote(found["name"])
                entry.mentions.add(target)
                table.constraints[fk_name] = Constraint(
                    "f", [name], found["suffix"], target, [unquote(found["column"])]
                )
                table.ever_object_names.add(fk_name)
                rest = found["rest"]
            elif found := COLUMN_KEY.match(rest):
                kind = "p" if found["key"].upper() == "PRIMARY KEY" else "u"
                unnamed.append((kind, [name], ""))
                rest = found["rest"]
            elif (check := trailing_check(rest)) is not None:
                rest, clause = check
                unnamed.append(("c", [name], clause))
            else:
                break
        rest, default, tail = column_parts(rest, _GENERATED, ("REFERENCES", "CHECK", "USING"))
        if name in table.columns:
            raise Unfoldable
        table.columns[name] = _Column(name, rest, default, tail, identity)
        if identity is not None:
            sequence = self.catalog.tables[table.name].sequences.get(name)
            if sequence is None:
                raise Unfoldable
            table.sequences[name] = sequence
            table.ever_object_names.add(sequence)
        return unnamed

    def _add_table_constraint(
        self, table: _Table, element: str, entry: Entry
    ) -> list[tuple[str, list[str], str]]:
        name, element, kind_word = constraint_parts(element)
        if kind_word == "CHECK":
            constraint = check_constraint(element)
        elif kind_word == "EXCLUDE":
            if re.search(r"\bNOT VALID\b", element, re.I):
                raise Unfoldable
            constraint = Constraint("x", [], element)
        elif kind_word in {"PRIMARY", "UNIQUE"}:
            found = re.fullmatch(
                r"(?:PRIMARY KEY|UNIQUE) ?\((?P<columns>[^()]*)\)"
                r"(?P<suffix>(?: DEFERRABLE INITIALLY DEFERRED)?)",
                element,
                re.I,
            )
            if found is None:
                raise Unfoldable
            constraint = Constraint(
                "p" if kind_word == "PRIMARY" else "u", identifiers(found["columns"]), found["suffix"]
            )
        elif kind_word == "FOREIGN":
            found = re.fullmatch(
                rf"FOREIGN KEY ?\((?P<columns>[^()]*)\) REFERENCES (?P<table>{IDENTIFIER}) ?"
                r"\((?P<targets>[^()]*)\)(?P<suffix>(?: DEFERRABLE INITIALLY DEFERRED)?)",
                element,
                re.I,
            )
            target = None if found is None else self.current.get(unquote(found["table"]))
            if found is None or target is None:
                raise Unfoldable
            entry.mentions.add(target)
            constraint = Constraint(
                "f", identifiers(found["columns"]), found["suffix"], target, identifiers(found["targets"])
            )
        else:
            raise Unfoldable
        if name is None:
            if constraint.kind in {"f", "x"}:
                raise Unfoldable
            return [(constraint.kind, constraint.columns, constraint.text)]
        if name in table.constraints:
            raise Unfoldable
        table.constraints[name] = constraint
        table.ever_object_names.add(name)
        return []

    def _name_unnamed(self, table: _Table, unnamed: list[tuple[str, list[str], str]], before: dict) -> None:
        """Name unnamed constraints as PostgreSQL did (the catalog's names), matched by kind and columns."""
        if not unnamed:
            return
        created = self._new_constraints(table.name, before)
        for kind, columns, text in unnamed:
            candidates = [
                name
                for name, c in created.items()
                if name not in table.constraints
                and _kind(c) == kind
                and (kind == "c" or list(c.columns) == columns)
                and (kind != "c" or set(c.columns) == set(_check_columns(table, text)))
            ]
            if len(candidates) != 1:
                raise Unfoldable
            if kind == "c":
                table.constraints[candidates[0]] = Constraint("c", [], text)
            else:
                table.constraints[candidates[0]] = Constraint(kind, columns, "")
            table.ever_object_names.add(candidates[0])

    # -- ALTER TABLE -----------------------------------------------------------------------------------------

    def _alter(self, table: _Table, action: str, entry: Entry, before: dict) -> None:
        words_ = action.split()
        first = " ".join(words_[:2]).upper()
        if first.startswith("ADD ") and words_[1].upper() in {
            "CONSTRAINT",
            "PRIMARY",
            "UNIQUE",
            "CHECK",
            "FOREIGN",
            "EXCLUDE",
        }:
            unnamed = self._add_table_constraint(table, action[4:], entry)
            self._name_unnamed(table, unnamed, before)
        elif first.startswith("ADD "):
            column = re.sub(r"^ADD (?:COLUMN )?(?:IF NOT EXISTS )?", "", action, flags=re.I)
            unnamed = self._add_column(table, column, entry)
            self._name_unnamed(table, unnamed, before)
        elif first == "DROP CONSTRAINT":
            name = unquote(re.sub(r"^DROP CONSTRAINT (?:IF EXISTS )?", "", action, flags=re.I).split()[0])
            if name not in table.constraints:
                raise Unfoldable
            del table.constraints[name]
        elif first.startswith("DROP "):
            column = unquote(re.sub(r"^DROP (?:COLUMN )?(?:IF EXISTS )?", "", action, flags=re.I).split()[0])
            self._drop_column(table, column)
        elif match := re.fullmatch(rf"RENAME TO (?P<new>{IDENTIFIER})", action, re.I):
            self._rename_table(table, unquote(match["new"]))
        elif match := re.fullmatch(
            rf"RENAME (?:COLUMN )?(?P<old>{IDENTIFIER}) TO (?P<new>{IDENTIFIER})", action, re.I
        ):
            self._rename_column(table, unquote(match["old"]), unquote(match["new"]))
        elif match := re.fullmatch(
            rf"ALTER (?:COLUMN )?(?P<column>{IDENTIFIER}) (?P<change>.*)", action, re.I | re.S
        ):
            column = table.columns.get(unquote(match["column"]))
            if column is None:
                raise Unfoldable
            self._alter_column(table, column, match["change"])
        else:
            raise Unfoldable

    def _alter_column(self, table: _Table, column: _Column, change: str) -> None:
        upper = change.upper()
        if upper == "SET NOT NULL" and column.tail.upper() in {"NULL", "NOT NULL"}:
            column.tail = "NOT NULL"
        elif upper == "DROP NOT NULL" and column.tail.upper() in {"NULL", "NOT NULL"}:
            column.tail = "NULL"
        elif upper.startswith("SET DEFAULT "):
            column.default = change[len("SET DEFAULT ") :]
        elif upper == "DROP DEFAULT":
            column.default = None
        elif (
            re.fullmatch(r"ADD GENERATED (BY DEFAULT|ALWAYS) AS IDENTITY", upper) and column.identity is None
        ):
            column.identity = change[len("ADD ") :]
            sequence = self.catalog.tables[table.name].sequences.get(column.name)
            if sequence is None:
                raise Unfoldable
            table.sequences[column.name] = sequence
            table.ever_object_names.add(sequence)
        elif upper in {"DROP IDENTITY", "DROP IDENTITY IF EXISTS"}:
            column.identity = None
            table.sequences.pop(column.name, None)
        elif match := re.fullmatch(r"(?:SET DATA )?TYPE (?P<type>.*?)(?: USING .*)?", change, re.I | re.S):
            if column.default is not None or not column.tail.upper().endswith("NULL"):
                raise Unfoldable
            if self._used_in_expressions(table, column.name):
                raise Unfoldable
            column.head = match["type"]
            table.pure = False
        else:
            raise Unfoldable

    def _used_in_expressions(self, table: _Table, column: str) -> bool:
        for constraint in table.constraints.values():
            if constraint.kind in {"c", "x"} and _uses(constraint.text, column):
                return True
        for text in table.indexes.values():
            elements, after = _index_parts(text)
            if _uses(after, column):
                return True
            for element in split_top_level(elements, ","):
                plain = re.fullmatch(rf"(?P<column>{IDENTIFIER})(?: \w+)*", element)
                if plain is None and _uses(element, column):
                    return True
        return False

    def _drop_column(self, table: _Table, column: str) -> None:
        if column not in table.columns:
            raise Unfoldable
        del table.columns[column]
        table.sequences.pop(column, None)
        table.pure = False
        for name, constraint in list(table.constraints.items()):
            if column in constraint.columns or (
                constraint.kind in {"c", "x"} and _uses(constraint.text, column)
            ):
                del table.constraints[name]
        for name, text in list(table.indexes.items()):
            if _uses(text.split(" ON ", 1)[1], column, skip_first=True):
                del table.indexes[name]
        for other in self._live_tables():
            for name, constraint in list(other.constraints.items()):
                if constraint.target == table.id and column in constraint.target_columns:
                    del other.constraints[name]

    def _renamed_column(self, table: _Table, column: _Column, old: str, new: str) -> None:
        if old in table.sequences:
            table.sequences[new] = table.sequences.pop(old)

    # -- printing ----------------------------------------------------------------------------------------

    def _column_extras(self, table: _Table, column: _Column) -> list[str]:
        if column.identity is None:
            return []
        extras = [column.identity]
        sequence = table.sequences[column.name]
        if sequence != make_object_name(table.name, column.name, "seq"):
            extras.append(f"(SEQUENCE NAME {quote(sequence)})")
        return extras

    def _constraint_definition(self, name: str, constraint: Constraint) -> str:
        return f"CONSTRAINT {quote(name)} {_constraint_clause(constraint)}"

    def _comment_statements(self, table: _Table) -> list[str]:
        statements = []
        if table.comment is not None:
            statements.append(f"COMMENT ON TABLE {quote(table.name)} IS {table.comment}")
        for column in table.columns.values():
            if column.comment is not None:
                statements.append(
                    f"COMMENT ON COLUMN {quote(table.name)}.{quote(column.name)} IS {column.comment}"
                )
        return statements


def _constraint_clause(constraint: Constraint) -> str:
    if constraint.kind in {"c", "x"}:
        return constraint.text
    keyword = "PRIMARY KEY" if constraint.kind == "p" else "UNIQUE"
    return f"{keyword} ({', '.join(map(quote, constraint.columns))}){constraint.text}"


def _kind(constraint: object) -> str:
    if getattr(constraint, "index", False):
        return "i"
    if getattr(constraint, "primary_key", False):
        return "p"
    if getattr(constraint, "check", False):
        return "c"
    if getattr(constraint, "foreign_key", None):
        return "f"
    if getattr(constraint, "unique", False):
        return "u"
    return "x"


def _check_columns(table: _Table, clause: str) -> list[str]:
    mentioned = words(re.sub(r"'(?:[^']|'')*'", "", clause))
    return [column for column in table.columns if column in mentioned]


def _comment(literal: str) -> str | None:
    return None if literal.strip().upper() == "NULL" else literal


def _index_parts(text: str) -> tuple[str, str]:
    """The element list of a CREATE INDEX, and what follows it (INCLUDE, WITH, WHERE)."""
    match = _CREATE_INDEX.match(text)
    opening = text.index("(", match.end())
    elements, end = parenthesised(text, opening)
    return elements, text[end:]


def _replace(text: str, old: str, new: str, skip_first: bool = False) -> str:
    return replace_identifier(text, old, new, '"', skip_first)


def _uses(text: str, column: str, skip_first: bool = False) -> bool:
    return uses_identifier(text, column, '"', skip_first)
