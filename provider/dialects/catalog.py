"""An offline stand-in for a server's catalog, kept up to date from the DDL Django emits.

Django's schema editor asks the database which constraints exist before it alters or drops something
(`_constraint_names` → `introspection.get_constraints`). Without a server, the answers come from here: every
collected statement is interpreted by the dialect's rules (subclasses), which know the server's implicit
naming. Only the facts `get_constraints` reports are kept: columns, and named constraints and indexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Constraint:
    columns: list[str]
    primary_key: bool = False
    unique: bool = False
    foreign_key: tuple[str, str] | None = None
    check: bool = False
    index: bool = False
    type: str | None = None
    orders: list[str] = field(default_factory=list)
    definition: str | None = None

    def introspected(self) -> dict[str, Any]:
        """The dictionary Django's `get_constraints` returns for this constraint."""
        info: dict[str, Any] = {
            "columns": list(self.columns),
            "primary_key": self.primary_key,
            "unique": self.unique,
            "foreign_key": self.foreign_key,
            "check": self.check,
            "index": self.index,
            "definition": self.definition,
            "options": None,
        }
        if self.index:
            info["orders"] = list(self.orders)
            info["type"] = self.type
        return info


@dataclass
class Table:
    columns: list[str] = field(default_factory=list)
    constraints: dict[str, Constraint] = field(default_factory=dict)
    sequences: dict[str, str] = field(default_factory=dict)
    """column -> the name of the sequence that feeds it (identity and serial columns)"""


class Catalog:
    """Tables and their constraints; subclasses interpret one dialect's statements."""

    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.numbered_names = 0
        """How many names the server had to number to avoid a name in use (`t_col_key1`, `col_2`)."""

    # -- what Django's introspection asks -------------------------------------------------------------

    def get_constraints(self, table: str) -> dict[str, dict[str, Any]]:
        found = self.tables.get(table)
        return {} if found is None else {name: c.introspected() for name, c in found.constraints.items()}

    def get_sequences(self, table: str) -> list[dict[str, str]]:
        found = self.tables.get(table)
        if found is None:
            return []
        return [{"name": name, "table": table, "column": column} for column, name in found.sequences.items()]

    # -- statements -------------------------------------------------------------------------------------

    def apply(self, sql: str) -> None:
        """Interpret one collected string (it may hold several statements)."""
        for statement in split_top_level(sql, ";"):
            if statement.strip():
                self.apply_statement(" ".join(statement.split()))

    def apply_statement(self, statement: str) -> None:
        raise NotImplementedError

    # -- changes shared by every dialect ------------------------------------------------------------------

    def table(self, name: str) -> Table:
        return self.tables.setdefault(name, Table())

    def constraint_names(self) -> set[str]:
        return {name for table in self.tables.values() for name in table.constraints}

    def drop_table(self, name: str) -> None:
        self.tables.pop(name, None)
        for table in self.tables.values():  # CASCADE: foreign keys to it go too
            for constraint_name, constraint in list(table.constraints.items()):
                if constraint.foreign_key and constraint.foreign_key[0] == name:
                    del table.constraints[constraint_name]

    def rename_table(self, old: str, new: str) -> None:
        if old in self.tables:
            self.tables[new] = self.tables.pop(old)
        for table in self.tables.values():
            for constraint in table.constraints.values():
                if constraint.foreign_key and constraint.foreign_key[0] == old:
                    constraint.foreign_key = (new, constraint.foreign_key[1])

    def rename_column(self, table_name: str, old: str, new: str) -> None:
        table = self.table(table_name)
        table.columns = [new if column == old else column for column in table.columns]
        for constraint in table.constraints.values():
            constraint.columns = [new if column == old else column for column in constraint.columns]
        if old in table.sequences:
            table.sequences[new] = table.sequences.pop(old)
        for other in self.tables.values():
            for constraint in other.constraints.values():
                if constraint.foreign_key == (table_name, old):
                    constraint.foreign_key = (table_name, new)

    def drop_column(self, table_name: str, column: str) -> None:
        """Dropping a column drops every constraint and index on it, and foreign keys to it (CASCADE)."""
        table = self.table(table_name)
        table.columns = [c for c in table.columns if c != column]
        table.sequences.pop(column, None)
        for name, constraint in list(table.constraints.items()):
            if column in constraint.columns:
                del table.constraints[name]
        for other in self.tables.values():
            for name, constraint in list(other.constraints.items()):
                if constraint.foreign_key == (table_name, column):
                    del other.constraints[name]

    def drop_constraint(self, name: str, table_name: str | None = None) -> None:
        tables = [self.table(table_name)] if table_name is not None else list(self.tables.values())
        for table in tables:
            table.constraints.pop(name, None)

    def rename_constraint(self, old: str, new: str) -> None:
        for table in self.tables.values():
            if old in table.constraints:
                table.constraints = {new if k == old else k: v for k, v in table.constraints.items()}


# -- small SQL reading helpers (Django's own DDL is regular; these do not aim at SQL in general) ------------

_QUOTES = {'"': '"', "`": "`", "'": "'", "[": "]"}
_SPECIAL = r"""["`'\[\]()]"""
_SPECIAL_PATTERN = re.compile(_SPECIAL)


def split_top_level(text: str, separator: str) -> list[str]:
    """Split at `separator` outside quotes and parentheses."""
    if separator not in text:
        stripped = text.strip()
        return [stripped] if stripped else []
    scanner = _SPLITTERS.get(separator)
    if scanner is None:
        scanner = _SPLITTERS[separator] = re.compile(_SPECIAL + "|" + re.escape(separator))
    parts, depth, start, closing = [], 0, 0, None
    # Only quotes, parentheses and the separator change anything: jump from one to the next.
    for found in scanner.finditer(text):
        char = found.group()
        if closing:
            closing = None if char == closing else closing
        elif char in _QUOTES:
            closing = _QUOTES[char]
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start : found.start()].strip())
            start = found.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]


_SPLITTERS: dict[str, re.Pattern[str]] = {}


def parenthesised(text: str, start: int) -> tuple[str, int]:
    """The text inside the parentheses opening at `text[start]`, and the index after the closing one."""
    assert text[start] == "("
    depth, closing = 0, None
    # Only quotes and parentheses change anything: jump from one to the next.
    for found in _SPECIAL_PATTERN.finditer(text, start):
        char = found.group()
        if closing:
            closing = None if char == closing else closing
        elif char in _QUOTES:
            closing = _QUOTES[char]
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : found.start()], found.end()
    raise ValueError(f"unbalanced parentheses in {text!r}")


IDENTIFIER = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|[A-Za-z_][\w$]*)'


def unquote(identifier: str) -> str:
    identifier = identifier.strip()
    if identifier[:1] in ('"', "`") and identifier[-1:] == identifier[:1]:
        quote = identifier[0]
        return identifier[1:-1].replace(quote * 2, quote)
    if identifier[:1] == "[" and identifier[-1:] == "]":
        return identifier[1:-1]
    return identifier


def identifiers(text: str) -> list[str]:
    """The identifiers of a comma-separated list like `"a", "b"`."""
    return [unquote(part) for part in split_top_level(text, ",")]


def top_level_keyword(text: str, keyword: str) -> int:
    """Where `keyword` (a regex) first occurs outside quotes and parentheses, or -1."""
    patterns = _KEYWORDS.get(keyword)
    if patterns is None:
        patterns = _KEYWORDS[keyword] = (
            re.compile(rf"\b(?:{keyword})\b", re.I),
            re.compile(rf"(?P<keyword>\b(?:{keyword})\b)|{_SPECIAL}", re.I),
        )
    if patterns[0].search(text) is None:
        return -1
    depth, closing = 0, None
    # Quotes and parentheses change the state; a keyword counts where the state is the top level.
    for found in patterns[1].finditer(text):
        char, index = found.group(), found.start()
        if found.group("keyword") is not None:
            if not closing and depth == 0 and (index == 0 or not text[index - 1].isalnum()):
                return index
        elif closing:
            closing = None if char == closing else closing
        elif char in _QUOTES:
            closing = _QUOTES[char]
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
    return -1


_KEYWORDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}
