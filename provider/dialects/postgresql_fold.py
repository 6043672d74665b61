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
    words,
)
from graticule.provider.dialects.postgresql_catalog import PostgreSQLCatalog, make_object_name


@dataclass
class _Column:
    name: str
    head: str
    """The type, and its COLLATE clause, as Django wrote them."""
    default: str | None
    tail: str
    """`NOT NULL`, `NULL` or `GENERATED ALWAYS AS (…) STORED`."""
    identity: str | None = None
    comment: str | None = None


@dataclass
class _Constraint:
    kind: str  # "p" primary key, "u" unique, "c" check, "x" exclusion, "f" foreign key
    columns: list[str]
    text: str = ""
    """CHECK (…) / EXCLUDE …: the clause; p, u and f: what follows the column lists (DEFERRABLE …)."""
    target: int | None = None
    target_columns: list[str] = field(default_factory=list)


@dataclass
class _Table(FoldedTable):
    columns: dict[str, _Column] = field(default_factory=dict)
    constraints: dict[str, _Constraint] = field(default_factory=dict)
    indexes: dict[str, str] = field(default_factory=dict)
    comment: str | None = None
    sequences: dict[str, str] = field(default_factory=dict)

    def object_names(self) -> set[str]:
        return set(self.constraints) | set(self.indexes) | set(self.sequences.values())


_CREATE_TABLE = re.compile(rf"CREATE TABLE (?:IF NOT EXISTS )?(?P<table>{IDENTIFIER}) ?\(", re.I)
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
_DROP_TABLE = re.compile(rf"DROP TABLE (?:IF EXISTS )?(?P<table>{IDENTIFIER})(?: CASCADE)?\Z", re.I)
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
_KEY = re.compile(r"(?P<rest>.*) (?P<key>PRIMARY KEY|UNIQUE)\Z", re.I | re.S)
_NULLABILITY = re.compile(r"(?P<rest>.*?) (?P<tail>NOT NULL|NULL)\Z", re.I | re.S)
_TABLE_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|EXCLUDE)\b", re.I)


def quote(name: str) -> str:
    return quote_identifier(name, '"')


class PostgreSQLFolder(Folder):
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

    def _feed_one(self, text: str) -> None:
        entry = Entry(text)
        before = self._constraint_snapshot(text)
        # The catalog splits and reads whole strings (its own way); here, one statement at a time.
        self.catalog.apply(text)
        try:
            self._interpret(text, entry, before)
        except Unfoldable:
            self.keep(entry.owner)
        self.record(entry)

    def _constraint_snapshot(self, text: str) -> dict[str, set[str]]:
        """The constraint names of the table a CREATE/ALTER TABLE touches, before it runs."""
        match = _CREATE_TABLE.match(text) or _ALTER_TABLE.match(text)
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

    def _table(self, quoted: str, entry: Entry) -> _Table:
        name = unquote(quoted)
        if name not in self.current:
            entry.understood = False  # a table the history did not create
            raise Unfoldable
        table = self.tables[self.current[name]]
        entry.owner = table.id
        return table  # type: ignore[return-value]

    def _interpret(self, text: str, entry: Entry, before: dict[str, set[str]]) -> None:
        if re.match(r"CREATE EXTENSION ", text, re.I):
            entry.prelude = True
        elif _SET_CONSTRAINTS.match(text):
            entry.noop = True
        elif match := _CREATE_TABLE.match(text):
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
        elif match := _DROP_TABLE.match(text):
            table = self._table(match["table"], entry)
            self.drop_table(table)
            for other in self._live_tables():
                for name, constraint in list(other.constraints.items()):
                    if constraint.target == table.id:
                        del other.constraints[name]
        elif match := _BACKFILL.match(text):
            self._table(match["table"], entry)  # data only: printed with the table's history, if kept
        else:
            entry.understood = False

    def _live_tables(self) -> list[_Table]:
        return [table for table in self.tables.values() if table.alive]  # type: ignore[misc]

    # -- CREATE TABLE and columns ------------------------------------------------------------------------

    def _create_table(self, match: re.Match[str], text: str, entry: Entry, before: dict) -> None:
        name = unquote(match["table"])
        table = _Table(self.next_id(), name, {name})
        if name in self.current:  # created twice: the history is not one we can follow
            entry.understood = False
            raise Unfoldable
        self.new_table(table)
        entry.owner = table.id
        body, end = parenthesised(text, match.end() - 1)
        if text[end:].strip():
            raise Unfoldable  # INHERITS, PARTITION BY, WITH (…), …
        unnamed: list[tuple[str, list[str], str]] = []
        elements = split_top_level(body, ",")
        for element in elements:
            if not _TABLE_CONSTRAINT.match(element):
                unnamed += self._add_column(table, element, entry)
        for element in elements:
            if _TABLE_CONSTRAINT.match(element):
                unnamed += self._add_table_constraint(table, element, entry)
        self._name_unnamed(table, unnamed, before)

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
                table.constraints[fk_name] = _Constraint(
                    "f", [name], found["suffix"], target, [unquote(found["column"])]
                )
                table.ever_object_names.add(fk_name)
                rest = found["rest"]
            elif found := _KEY.match(rest):
                kind = "p" if found["key"].upper() == "PRIMARY KEY" else "u"
                unnamed.append((kind, [name], ""))
                rest = found["rest"]
            elif (check := trailing_check(rest)) is not None:
                rest, clause = check
                unnamed.append(("c", [name], clause))
            else:
                break
        if top_level_keyword(rest, "GENERATED") >= 0:
            position = top_level_keyword(rest, "GENERATED")
            tail = rest[position:]
            if not re.fullmatch(r"GENERATED ALWAYS AS \(.*\) STORED", tail, re.I | re.S):
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
        if not rest or any(top_level_keyword(rest, word) >= 0 for word in ("REFERENCES", "CHECK", "USING")):
            raise Unfoldable
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
        name = None
        if match := re.match(rf"CONSTRAINT (?P<name>{IDENTIFIER}) (?P<rest>.*)\Z", element, re.I | re.S):
            name, element = unquote(match["name"]), match["rest"]
        kind_word = element.split()[0].upper()
        if kind_word == "CHECK":
            check = trailing_check(" " + element)
            if check is None or check[0].strip():
                raise Unfoldable
            constraint = _Constraint("c", [], check[1])
        elif kind_word == "EXCLUDE":
            if re.search(r"\bNOT VALID\b", element, re.I):
                raise Unfoldable
            constraint = _Constraint("x", [], element)
        elif kind_word in {"PRIMARY", "UNIQUE"}:
            found = re.fullmatch(
                r"(?:PRIMARY KEY|UNIQUE) ?\((?P<columns>[^()]*)\)"
                r"(?P<suffix>(?: DEFERRABLE INITIALLY DEFERRED)?)",
                element,
                re.I,
            )
            if found is None:
                raise Unfoldable
            constraint = _Constraint(
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
            constraint = _Constraint(
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
                table.constraints[candidates[0]] = _Constraint("c", [], text)
            else:
                table.constraints[candidates[0]] = _Constraint(kind, columns, "")
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

    def _rename_column(self, table: _Table, old: str, new: str) -> None:
        if old not in table.columns or new in table.columns:
            raise Unfoldable
        # Statements of the table that use the old name unquoted cannot be rewritten safely.
        for index in table.entries:
            if old in _bare(self.entries[index].text):
                raise Unfoldable
        table.columns = {(new if name == old else name): column for name, column in table.columns.items()}
        table.columns[new].name = new
        if old in table.sequences:
            table.sequences[new] = table.sequences.pop(old)
        table.pure = False
        for constraint in table.constraints.values():
            constraint.columns = [new if c == old else c for c in constraint.columns]
            if constraint.kind in {"c", "x"}:
                constraint.text = _replace(constraint.text, old, new)
        for name, text in table.indexes.items():
            head, rest = text.split(" ON ", 1)
            table.indexes[name] = head + " ON " + _replace(rest, old, new, skip_first=True)
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
            if column.identity is not None:
                parts.append(column.identity)
                sequence = table.sequences[column.name]
                if sequence != make_object_name(table.name, column.name, "seq"):
                    parts.append(f"(SEQUENCE NAME {quote(sequence)})")
            definitions.append(" ".join(parts))
        order = {"p": 0, "u": 1, "c": 2, "x": 3}
        for name, constraint in sorted(
            ((n, c) for n, c in table.constraints.items() if c.kind != "f"),
            key=lambda nc: (order[nc[1].kind], nc[0]),
        ):
            definitions.append(f"CONSTRAINT {quote(name)} {_constraint_clause(constraint)}")
        statements = [f"CREATE TABLE {quote(table.name)} ({', '.join(definitions)})"]
        if table.comment is not None:
            statements.append(f"COMMENT ON TABLE {quote(table.name)} IS {table.comment}")
        for column in table.columns.values():
            if column.comment is not None:
                statements.append(
                    f"COMMENT ON COLUMN {quote(table.name)}.{quote(column.name)} IS {column.comment}"
                )
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
                    f"({', '.join(map(quote, constraint.target_columns))}){constraint.text}"
                )
        return statements


def _constraint_clause(constraint: _Constraint) -> str:
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


def _bare(text: str) -> set[str]:
    return bare_words(text, '"')
