"""Folding the statements `migrate` would run into the final shape of each table (server dialects).

Django's migrations build a table over many statements (CREATE TABLE, then ADD COLUMN, ALTER COLUMN, ADD
CONSTRAINT, CREATE INDEX, …). The provider prints the table as it is at the end instead: one CREATE TABLE
with the final columns and constraints, its indexes and comments, and foreign keys once every table exists.
A dialect's folder (postgresql_fold.py, mysql_fold.py) interprets each statement into a model of its table;
this module holds that model (Table, Column, Constraint), what both dialects read and print alike (CREATE
TABLE, DROP TABLE, renames, CREATE TABLE and FOREIGN KEY text, through hooks for each dialect's own parts),
decides what may be folded and in which order everything is printed.

A table is *folded* only when every statement that touches it is understood exactly. It is *kept* — its
statements printed as `migrate` runs them, in their original order — when:
- one of its own statements is not understood (a form the folder does not know, or a change whose folded
  result could differ from the history, e.g. a column type changed under a default);
- a statement that is not understood at all (RunSQL: views, functions, data) mentions the table, one of its
  former names, or one of its indexes, constraints or sequences;
- a kept statement refers to it (a foreign key of a kept table) while its name or columns changed over its
  history (the kept statement is printed after the folded table, so it must find it as it was then);
- a kept or not-understood statement mentions a name the folded table would create.
These rules are applied until nothing changes. Statements without any effect on the schema (Django's
`SET CONSTRAINTS … IMMEDIATE`, its backfill `UPDATE … WHERE … IS NULL` on a folded, hence empty, table) are
dropped.

Output order: prelude (extensions), statements that are not understood and mention no table (in their
order), folded tables by name (CREATE TABLE, comments, indexes), kept statements in their original order,
foreign keys of folded tables (by table and name). Names the server chose during the history (PostgreSQL's
`t_pkey`, `t_col_key`, identity sequences; MySQL's `col`, `t_chk_1`) are kept by writing them explicitly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graticule.provider.dialects.catalog import (
    IDENTIFIER,
    parenthesised,
    split_top_level,
    top_level_keyword,
    unquote,
)

# Words of a statement: quoted identifiers, string literals and bare words, wherever they are.
_WORD = re.compile(r'"(?:[^"]|"")*"|`(?:[^`]|``)*`|\'(?:[^\'\\]|\'\'|\\.)*\'|[A-Za-z_][\w$]*')


def words(text: str) -> set[str]:
    """Every identifier-like word of `text`, unquoted, including the words inside string literals."""
    found: set[str] = set()
    for token in _WORD.findall(text):
        if token[0] == "'":
            found.update(re.findall(r"[A-Za-z_][\w$]*", token))
        else:
            found.add(unquote(token))
    return found


@dataclass
class Entry:
    """One statement of the history, as the folder understood it."""

    text: str
    owner: int | None = None
    """The table it changes (None: it changes no table the folder knows)."""
    mentions: set[int] = field(default_factory=set)
    """Other tables it refers to (a foreign key's target)."""
    understood: bool = True
    noop: bool = False
    """Without effect on the schema: never printed."""
    prelude: bool = False


@dataclass
class FoldedTable:
    id: int
    name: str
    names: set[str]
    alive: bool = True
    folded: bool = True
    pure: bool = True
    """Never renamed, and its columns never renamed, dropped or retyped."""
    entries: list[int] = field(default_factory=list)
    ever_object_names: set[str] = field(default_factory=set)
    """Every name its indexes, constraints and sequences had that is unique in the database, beyond the
    table (subclasses add to it)."""

    def object_names(self) -> set[str]:
        """The database-wide names of its indexes, constraints and sequences at the end (subclasses)."""
        return set()


@dataclass
class Column:
    """A column of a folded table; a dialect's column adds what only it has (identity, comment, CHECK)."""

    name: str
    head: str
    """The type and the clauses that follow it (COLLATE, …), as Django wrote them."""
    default: str | None
    tail: str
    """`NOT NULL`, `NULL` or `GENERATED ALWAYS AS (…) …`."""


@dataclass
class Constraint:
    kind: str  # "p" primary key, "u" unique, "c" check, "x" exclusion (PostgreSQL), "f" foreign key
    columns: list[str]
    text: str = ""
    """CHECK (…) / EXCLUDE …: the clause; p, u and f: what follows the column lists (PostgreSQL's
    DEFERRABLE …; empty on MySQL)."""
    target: int | None = None
    target_columns: list[str] = field(default_factory=list)


@dataclass
class Table(FoldedTable):
    """A folded table of a server dialect: its columns, constraints and indexes (their CREATE INDEX text)
    by name."""

    columns: dict[str, Any] = field(default_factory=dict)
    constraints: dict[str, Constraint] = field(default_factory=dict)
    indexes: dict[str, str] = field(default_factory=dict)
    comment: str | None = None


# Statement and clause forms both server dialects read the same way (a dialect's own forms are in its folder).
CREATE_TABLE = re.compile(rf"CREATE TABLE (?:IF NOT EXISTS )?(?P<table>{IDENTIFIER}) ?\(", re.I)
DROP_TABLE = re.compile(rf"DROP TABLE (?:IF EXISTS )?(?P<table>{IDENTIFIER})(?: CASCADE)?\Z", re.I)
COLUMN_KEY = re.compile(r"(?P<rest>.*) (?P<key>PRIMARY KEY|UNIQUE)\Z", re.I | re.S)
_NULLABILITY = re.compile(r"(?P<rest>.*?) (?P<tail>NOT NULL|NULL)\Z", re.I | re.S)


def constraint_parts(element: str) -> tuple[str | None, str, str]:
    """A table constraint's name (None without `CONSTRAINT name`), the clause after it, and the clause's
    first word in upper case (CHECK, PRIMARY, UNIQUE, FOREIGN, …)."""
    name = None
    if match := re.match(rf"CONSTRAINT (?P<name>{IDENTIFIER}) (?P<rest>.*)\Z", element, re.I | re.S):
        name, element = unquote(match["name"]), match["rest"]
    return name, element, element.split()[0].upper()


def check_constraint(clause: str) -> Constraint:
    """A `CHECK (…)` clause that is nothing else."""
    check = trailing_check(" " + clause)
    if check is None or check[0].strip():
        raise Unfoldable
    return Constraint("c", [], check[1])


def column_parts(
    rest: str, generated: re.Pattern[str], forbidden: tuple[str, ...]
) -> tuple[str, str | None, str]:
    """Split what follows a column's name (its keys and CHECK already taken off) into the head, the default
    and the tail (nullability or a generated expression of the `generated` form). A `forbidden` keyword left
    in the head is a clause the folder does not model: Unfoldable."""
    position = top_level_keyword(rest, "GENERATED")
    if position >= 0:
        tail = rest[position:]
        if not generated.fullmatch(tail):
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
    if not rest or any(top_level_keyword(rest, word) >= 0 for word in forbidden):
        raise Unfoldable
    return rest, default, tail


class Folder:
    """Interpret statements one by one (subclasses, with the shared steps below), then print the final
    shape."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.tables: dict[int, FoldedTable] = {}
        self.current: dict[str, int] = {}  # live table name -> id
        self.history_names: dict[str, set[int]] = {}  # every name a table had -> ids

    # -- bookkeeping for subclasses --------------------------------------------------------------------

    def new_table(self, table: FoldedTable) -> None:
        self.tables[table.id] = table
        self.current[table.name] = table.id
        self.history_names.setdefault(table.name, set()).add(table.id)

    def next_id(self) -> int:
        return len(self.tables)

    def rename_table(self, table: FoldedTable, new: str) -> None:
        del self.current[table.name]
        table.name = new
        table.names.add(new)
        table.pure = False
        self.current[new] = table.id
        self.history_names.setdefault(new, set()).add(table.id)

    def drop_table(self, table: FoldedTable) -> None:
        del self.current[table.name]
        table.alive = False

    def record(self, entry: Entry) -> None:
        index = len(self.entries)
        self.entries.append(entry)
        if entry.owner is not None:
            self.tables[entry.owner].entries.append(index)

    def keep(self, table_id: int | None) -> None:
        if table_id is not None:
            self.tables[table_id].folded = False

    # -- what subclasses implement ---------------------------------------------------------------------

    quote_char = '"'
    table_class: type[Table] = Table
    create_index: re.Pattern[str]
    """CREATE INDEX with groups `name` and `table`."""
    table_constraint: re.Pattern[str]
    """What starts a table constraint (rather than a column) in a CREATE TABLE body."""
    expression_kinds = frozenset({"c"})
    """The kinds of constraints whose text holds column names (CHECK; PostgreSQL's EXCLUDE)."""

    def feed(self, statement: str) -> None:
        raise NotImplementedError

    def _snapshot(self, text: str) -> dict[str, Any]:
        """What the catalog knows of the table a statement touches, before the catalog applies it."""
        raise NotImplementedError

    def _interpret(self, text: str, entry: Entry, before: dict[str, Any]) -> None:
        """Apply one statement to the folded tables; raise Unfoldable when its table must be kept."""
        raise NotImplementedError

    def _add_column(self, table: Any, definition: str, entry: Entry) -> list[tuple[str, list[str], str]]:
        """Add a column from its definition; return its unnamed constraints (kind, columns, text)."""
        raise NotImplementedError

    def _add_table_constraint(
        self, table: Any, element: str, entry: Entry
    ) -> list[tuple[str, list[str], str]]:
        raise NotImplementedError

    def _name_unnamed(self, table: Any, unnamed: list[tuple[str, list[str], str]], before: dict) -> None:
        """Name unnamed constraints as the server did (the catalog's names)."""
        raise NotImplementedError

    def _renamed_column(self, table: Any, column: Any, old: str, new: str) -> None:
        """What else of the dialect's column and table follows a column's new name."""

    def _column_extras(self, table: Any, column: Any) -> list[str]:
        """What follows a column's nullability in its definition."""
        return []

    def _constraint_definition(self, name: str, constraint: Constraint) -> str:
        raise NotImplementedError

    def _comment_statements(self, table: Any) -> list[str]:
        raise NotImplementedError

    # -- reading statements (shared by the server dialects) ----------------------------------------------

    def quote(self, name: str) -> str:
        return quote_identifier(name, self.quote_char)

    def _feed_one(self, text: str) -> None:
        entry = Entry(text)
        before = self._snapshot(text)
        # The catalog splits and reads whole strings (its own way); here, one statement at a time.
        self.catalog.apply(text)  # type: ignore[attr-defined]
        try:
            self._interpret(text, entry, before)
        except Unfoldable:
            self.keep(entry.owner)
        self.record(entry)

    def _table(self, quoted: str, entry: Entry) -> Any:
        name = unquote(quoted)
        if name not in self.current:
            entry.understood = False  # a table the history did not create
            raise Unfoldable
        table = self.tables[self.current[name]]
        entry.owner = table.id
        return table

    def _live_tables(self) -> list[Any]:
        return [table for table in self.tables.values() if table.alive]

    def _drop_table(self, table: Table) -> None:
        """DROP TABLE: the table, and the foreign keys of other tables to it, are gone."""
        self.drop_table(table)
        for other in self._live_tables():
            for name, constraint in list(other.constraints.items()):
                if constraint.target == table.id:
                    del other.constraints[name]

    def _create_table(self, match: re.Match[str], text: str, entry: Entry, before: dict) -> None:
        name = unquote(match["table"])
        if name in self.current:  # created twice: the history is not one we can follow
            entry.understood = False
            raise Unfoldable
        table = self.table_class(self.next_id(), name, {name})
        self.new_table(table)
        entry.owner = table.id
        body, end = parenthesised(text, match.end() - 1)
        if text[end:].strip():
            raise Unfoldable  # table options: ENGINE=…, INHERITS, PARTITION BY, WITH (…), …
        unnamed: list[tuple[str, list[str], str]] = []
        elements = split_top_level(body, ",")
        for element in elements:
            if not self.table_constraint.match(element):
                unnamed += self._add_column(table, element, entry)
        for element in elements:
            if self.table_constraint.match(element):
                unnamed += self._add_table_constraint(table, element, entry)
        self._name_unnamed(table, unnamed, before)

    def _rename_column(self, table: Table, old: str, new: str) -> None:
        if old not in table.columns or new in table.columns:
            raise Unfoldable
        # Statements of the table that use the old name unquoted cannot be rewritten safely.
        for index in table.entries:
            if old in bare_words(self.entries[index].text, self.quote_char):
                raise Unfoldable
        table.columns = {(new if name == old else name): column for name, column in table.columns.items()}
        column = table.columns[new]
        column.name = new
        self._renamed_column(table, column, old, new)
        table.pure = False
        for constraint in table.constraints.values():
            constraint.columns = [new if c == old else c for c in constraint.columns]
            if constraint.kind in self.expression_kinds:
                constraint.text = replace_identifier(constraint.text, old, new, self.quote_char)
        for name, text in table.indexes.items():
            head, rest = text.split(" ON ", 1)
            rest = replace_identifier(rest, old, new, self.quote_char, skip_first=True)
            table.indexes[name] = head + " ON " + rest
        for other in self._live_tables():
            for constraint in other.constraints.values():
                if constraint.target == table.id:
                    constraint.target_columns = [new if c == old else c for c in constraint.target_columns]

    def _rename_table(self, table: Table, new: str) -> None:
        old = table.name
        if new in self.current:
            raise Unfoldable
        self.rename_table(table, new)
        for name, text in table.indexes.items():
            match = self.create_index.match(text)
            if match is None or unquote(match["table"]) != old:
                raise Unfoldable
            table.indexes[name] = text[: match.start("table")] + self.quote(new) + text[match.end("table") :]

    # -- printing (shared by the server dialects) ------------------------------------------------------

    def render_table(self, table: Any) -> list[str]:
        """CREATE TABLE, comments and indexes of a folded table."""
        definitions = []
        for column in table.columns.values():
            parts = [self.quote(column.name), column.head]
            if column.default is not None:
                parts.append(f"DEFAULT {column.default}")
            parts.append(column.tail)
            parts += self._column_extras(table, column)
            definitions.append(" ".join(parts))
        order = {"p": 0, "u": 1, "c": 2, "x": 3}
        for name, constraint in sorted(
            ((n, c) for n, c in table.constraints.items() if c.kind != "f"),
            key=lambda item: (order[item[1].kind], item[0]),
        ):
            definitions.append(self._constraint_definition(name, constraint))
        statements = [f"CREATE TABLE {self.quote(table.name)} ({', '.join(definitions)})"]
        statements += self._comment_statements(table)
        statements += [table.indexes[name] for name in sorted(table.indexes)]
        return statements

    def render_foreign_keys(self, table: Any) -> list[str]:
        quote = self.quote
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

    # -- deciding and printing -------------------------------------------------------------------------

    def _words(self, index: int) -> set[str]:
        found = self._word_cache.get(index)
        if found is None:
            found = self._word_cache[index] = words(self.entries[index].text)
        return found

    def _settle(self) -> None:
        """Apply the rules of the module docstring until nothing changes."""
        self._word_cache: dict[int, set[str]] = {}
        for ids in self.history_names.values():
            if len(ids) > 1:  # a name used by several tables over time: their histories must keep their order
                for table_id in ids:
                    self.keep(table_id)
        by_object: dict[str, set[int]] = {}
        for table in self.tables.values():
            for name in table.ever_object_names:
                by_object.setdefault(name, set()).add(table.id)
        unknown = [
            index for index, entry in enumerate(self.entries) if not entry.understood and not entry.noop
        ]
        for index in unknown:
            for word in self._words(index):
                for table_id in self.history_names.get(word, set()) | by_object.get(word, set()):
                    self.keep(table_id)
        changed = True
        while changed:
            changed = False
            kept_words: set[str] = set()
            for index in unknown:
                kept_words |= self._words(index)
            for index, entry in enumerate(self.entries):
                if entry.noop or entry.prelude or entry.owner is None or self.tables[entry.owner].folded:
                    continue
                kept_words |= self._words(index)
                for target in entry.mentions:
                    table = self.tables[target]
                    if table.folded and (not table.pure or not table.alive):
                        table.folded = False
                        changed = True
            for table in self.tables.values():
                if table.folded and table.alive and table.object_names() & kept_words:
                    table.folded = False
                    changed = True

    def _mentions_tables(self, index: int) -> bool:
        found = self._words(index)
        return any(word in self.history_names or word in self._all_object_names for word in found)

    def kept_table_names(self) -> set[str]:
        """The names (at the end) of the live tables printed as their history."""
        return {table.name for table in self.tables.values() if table.alive and not table.folded}

    def render(self) -> list[str]:
        self._settle()
        self._all_object_names = set().union(*(t.ever_object_names for t in self.tables.values()))
        prelude, early, kept = [], [], []
        for index, entry in enumerate(self.entries):
            if entry.noop:
                continue
            if entry.prelude:
                prelude.append(entry.text)
            elif not entry.understood:
                (kept if self._mentions_tables(index) else early).append(entry.text)
            elif entry.owner is not None and not self.tables[entry.owner].folded:
                kept.append(entry.text)
        folded = sorted(
            (table for table in self.tables.values() if table.folded and table.alive), key=lambda t: t.name
        )
        body = [statement for table in folded for statement in self.render_table(table)]
        foreign_keys = [statement for table in folded for statement in self.render_foreign_keys(table)]
        return list(dict.fromkeys(prelude)) + early + body + kept + foreign_keys


class Unfoldable(Exception):
    """A statement the folder cannot fold exactly: its table keeps its history."""


# -- reading Django's SQL text (quote: `"` on PostgreSQL, a backtick on MySQL) ---------------------------


def _literal(quote: str) -> str:
    # MySQL escapes quotes in literals with a backslash as well as by doubling them.
    return r"'(?:[^'\\]|''|\\.)*'" if quote == "`" else r"'(?:[^']|'')*'"


def _quoted(quote: str) -> str:
    return f"{quote}(?:[^{quote}]|{quote}{quote})*{quote}"


def quote_identifier(name: str, quote: str) -> str:
    return quote + name.replace(quote, quote * 2) + quote


def replace_identifier(text: str, old: str, new: str, quote: str, skip_first: bool = False) -> str:
    """`text` with the quoted identifier `old` replaced by `new` (literals left alone); `skip_first` leaves
    the first quoted identifier (a table name) as it is."""
    out, position, seen_first = [], 0, False
    for token in re.finditer(_literal(quote) + "|" + _quoted(quote), text):
        if token.group().startswith(quote):
            if skip_first and not seen_first:
                seen_first = True
                continue
            if unquote(token.group()) == old:
                out.append(text[position : token.start()] + quote_identifier(new, quote))
                position = token.end()
    out.append(text[position:])
    return "".join(out)


def bare_words(text: str, quote: str) -> set[str]:
    """The words of `text` outside literals and quoted identifiers."""
    without = re.sub(_literal(quote) + "|" + _quoted(quote), " ", text)
    return set(re.findall(r"[A-Za-z_][\w$]*", without))


def uses_identifier(text: str, column: str, quote: str, skip_first: bool = False) -> bool:
    """Whether SQL text refers to the column. Quoted, it does; a bare word of that name may be anything
    else (a function, an operator class), which cannot be decided: Unfoldable."""
    without_literals = re.sub(_literal(quote), "''", text)
    quoted = [unquote(token) for token in re.findall(_quoted(quote), without_literals)]
    if skip_first:
        quoted = quoted[1:]
    if column in quoted:
        return True
    if column in bare_words(text, quote):
        raise Unfoldable
    return False


def at_top_level(text: str, index: int) -> bool:
    """Whether `text[index]` is outside quotes and parentheses."""
    depth, closing = 0, None
    for found in re.finditer(r"""["`'\[\]()]""", text[:index]):
        char = found.group()
        if closing:
            closing = None if char == closing else closing
        elif char in _QUOTE_PAIRS:
            closing = _QUOTE_PAIRS[char]
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
    return depth == 0 and closing is None


_QUOTE_PAIRS = {'"': '"', "`": "`", "'": "'", "[": "]"}


def trailing_check(text: str) -> tuple[str, str] | None:
    """(what precedes, `CHECK (…)`) when `text` ends with a top-level CHECK clause."""
    position = text.upper().rfind(" CHECK ")
    while position >= 0:
        opening = text.find("(", position)
        if opening >= 0 and text[position + len(" CHECK ") : opening].strip() == "":
            try:
                _, end = parenthesised(text, opening)
            except ValueError:
                return None
            if end == len(text) and at_top_level(text, position):
                return text[:position], text[position + 1 :]
        position = text.upper().rfind(" CHECK ", 0, position)
    return None
