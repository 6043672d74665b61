"""A migration plan: the ordered SQL statements a driver produced for a list of changes.

A statement keeps its structure (``head ( item, item ) tail``) rather than only a string, so the same
plan can be written compactly (Atlas's default file layout) or pretty-printed with an indent
(``{{ sql . "  " }}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Statement:
    head: str
    """Everything before the parenthesised item list, or the whole statement when there are no items."""
    comment: str = ""
    """Human summary written above the statement as ``-- <comment>`` (first letter capitalised)."""
    items: list[str] = field(default_factory=list)
    """Column/constraint definitions of a CREATE TABLE; empty for a plain statement."""
    tail: str = ""
    """Text after the closing parenthesis (table options)."""

    def sql(self, indent: str = "") -> str:
        """The statement without the trailing ``;``. With ``indent``, one item a line, indented."""
        if not self.items:
            return self.head
        if indent:
            body = (",\n" + indent).join(self.items)
            return f"{self.head} (\n{indent}{body}\n){self.tail}"
        return f"{self.head} ({', '.join(self.items)}){self.tail}"


@dataclass
class Plan:
    statements: list[Statement] = field(default_factory=list)
    name: str = ""

    def __bool__(self) -> bool:
        return bool(self.statements)
