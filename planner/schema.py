"""The one schema model every room of the planner speaks.

Inspectors build it from a live database, the diff compares two of them, planners render changes to it as
SQL. It is deliberately plain: names, declared types and SQL expression *text* exactly as the database
reports them. Comparing two values for equality is not the model's job — that needs dialect knowledge
(``int4`` is ``integer`` on PostgreSQL, ``'x'::text`` is ``'x'``) and lives in each driver's ``normalize``
module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Referential actions as SQL spells them. Inspectors normalise to these upper-case forms.
NO_ACTION = "NO ACTION"
RESTRICT = "RESTRICT"
CASCADE = "CASCADE"
SET_NULL = "SET NULL"
SET_DEFAULT = "SET DEFAULT"


@dataclass
class Generated:
    """A generated (computed) column: ``GENERATED ALWAYS AS (expr) STORED|VIRTUAL``."""

    expr: str
    stored: bool = False


@dataclass
class Column:
    name: str
    type: str
    """Declared type as the database reports it, lower-cased (``varchar(200)``, ``integer``, ``bigint``)."""
    nullable: bool = True
    default: str | None = None
    """Default as SQL expression text (``0``, ``'x'``, ``CURRENT_TIMESTAMP``), or None for no default."""
    generated: Generated | None = None
    collation: str | None = None
    comment: str | None = None
    auto_increment: bool = False
    """MySQL AUTO_INCREMENT; PostgreSQL serial/identity columns set it too (``attrs`` hold the detail)."""
    attrs: dict[str, Any] = field(default_factory=dict)
    """Dialect-specific extras the diff compares as opaque values (e.g. ``{"identity": "BY DEFAULT"}``)."""


@dataclass
class IndexPart:
    """One key part of an index: a column, or an expression. Exactly one of ``column`` / ``expr`` is set."""

    column: str | None = None
    expr: str | None = None
    desc: bool = False
    collation: str | None = None
    opclass: str | None = None
    prefix: int | None = None
    """MySQL prefix length (``KEY (name(10))``)."""
    nulls: str | None = None
    """``FIRST`` / ``LAST`` when it differs from the dialect's default ordering, else None."""


@dataclass
class Index:
    name: str | None
    """Index name; None for an unnamed UNIQUE constraint declared inside CREATE TABLE (SQLite autoindex)."""
    parts: list[IndexPart]
    unique: bool = False
    constraint: bool = False
    """True when the index backs a UNIQUE *constraint* declared in the table, rather than CREATE INDEX."""
    predicate: str | None = None
    """Partial index WHERE clause, as SQL text without the WHERE keyword."""
    method: str | None = None
    include: list[str] = field(default_factory=list)
    nulls_distinct: bool = True
    comment: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """Column names of the plain-column parts, in order (expression parts are skipped)."""
        return [p.column for p in self.parts if p.column is not None]


@dataclass
class PrimaryKey:
    columns: list[str]
    name: str | None = None
    auto_increment: bool = False
    """SQLite ``INTEGER PRIMARY KEY AUTOINCREMENT``."""


@dataclass
class ForeignKey:
    name: str | None
    """Constraint name; None where the database keeps none (SQLite inline REFERENCES)."""
    columns: list[str]
    ref_table: str
    ref_columns: list[str]
    ref_schema: str | None = None
    on_update: str = NO_ACTION
    on_delete: str = NO_ACTION
    deferrable: bool = False
    initially_deferred: bool = False


@dataclass
class Check:
    name: str | None
    expr: str
    """The boolean expression as SQL text, without the CHECK keyword and outer parentheses."""
    attrs: dict[str, Any] = field(default_factory=dict)
    """E.g. ``{"not_valid": True}`` on PostgreSQL, ``{"enforced": False}`` on MySQL."""


@dataclass
class Table:
    name: str
    columns: list[Column] = field(default_factory=list)
    primary_key: PrimaryKey | None = None
    indexes: list[Index] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    comment: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    """Table options: MySQL ``engine``/``charset``/``collation``, SQLite ``without_rowid``/``strict``."""

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


@dataclass
class Schema:
    name: str
    """``main`` on SQLite, the schema name on PostgreSQL, the database name on MySQL/MariaDB."""
    tables: list[Table] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    """Schema-level facts: charset/collation, PostgreSQL enums and extensions."""

    def table(self, name: str) -> Table | None:
        for t in self.tables:
            if t.name == name:
                return t
        return None
