"""Change objects: what the diff finds and what a driver's planner turns into SQL.

The shape follows Atlas's ``schema.Changes``: table-level changes at the top (add, drop, modify), and a
``ModifyTable`` carrying the list of changes inside one table. Each change holds the *whole* objects it
concerns (not just names) so a planner can render it without going back to the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Flag, auto

from .schema import Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table


class ColumnChange(Flag):
    """What differs between two versions of a column; a planner picks ALTER forms (or a rebuild) from it."""

    NONE = 0
    TYPE = auto()
    NULL = auto()
    DEFAULT = auto()
    GENERATED = auto()
    COLLATION = auto()
    COMMENT = auto()
    AUTO_INCREMENT = auto()
    ATTRS = auto()


# ---- changes inside one table ---------------------------------------------------------------------------


@dataclass
class AddColumn:
    column: Column


@dataclass
class DropColumn:
    column: Column


@dataclass
class ModifyColumn:
    old: Column
    new: Column
    change: ColumnChange


@dataclass
class AddIndex:
    index: Index


@dataclass
class DropIndex:
    index: Index


@dataclass
class AddForeignKey:
    foreign_key: ForeignKey


@dataclass
class DropForeignKey:
    foreign_key: ForeignKey


@dataclass
class AddCheck:
    check: Check


@dataclass
class DropCheck:
    check: Check


@dataclass
class ModifyPrimaryKey:
    old: PrimaryKey | None
    new: PrimaryKey | None


@dataclass
class ModifyTableComment:
    old: str | None
    new: str | None


@dataclass
class ModifyTableOptions:
    old: dict
    new: dict


TableChange = (
    AddColumn
    | DropColumn
    | ModifyColumn
    | AddIndex
    | DropIndex
    | AddForeignKey
    | DropForeignKey
    | AddCheck
    | DropCheck
    | ModifyPrimaryKey
    | ModifyTableComment
    | ModifyTableOptions
)


# ---- schema-level changes -------------------------------------------------------------------------------


@dataclass
class AddTable:
    table: Table


@dataclass
class DropTable:
    table: Table


@dataclass
class ModifyTable:
    old: Table
    new: Table
    changes: list[TableChange] = field(default_factory=list)


@dataclass
class ModifySchema:
    """The schema-level attributes differ (``Schema.attrs``: PostgreSQL enums and extensions).

    The diff puts it before every table change; a driver plans what it creates (types the new tables use)
    ahead of the table changes and what it removes after them. Dialects that keep no schema attributes never
    see it.
    """

    old: Schema
    new: Schema


Change = AddTable | DropTable | ModifyTable | ModifySchema
