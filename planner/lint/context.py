"""Everything an analyzer may look at for one statement of a file under lint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlglot import exp

from ..changes import Change
from ..migrate.split import FileStatement
from ..schema import Schema

if TYPE_CHECKING:
    from .data import DataProbe


@dataclass
class StatementContext:
    dialect: str
    """``sqlite``, ``postgresql``, ``mysql`` or ``mariadb`` (the server's flavour, not just the driver)."""
    file: str
    """The migration file's name."""
    stmt: FileStatement
    expr: exp.Expression | None
    """The statement parsed by sqlglot in the dialect; None when sqlglot cannot parse it."""
    before: Schema
    """The dev database inspected just before the statement ran."""
    after: Schema
    """... and just after."""
    changes: list[Change]
    """``diff_schemas(before, after)`` by the dialect's rules."""
    in_transaction: bool
    """The statement runs inside a transaction (the file's txmode and the dialect's transactional DDL)."""
    new_tables: frozenset[str] = field(default_factory=frozenset)
    """Tables created by the files under lint (empty, so nothing in them can break existing rows)."""
    server_version: str | None = None
    new_columns: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    """``(table, column)`` pairs added by the files under lint."""
    file_start: Schema | None = None
    """The schema when the statement's file began (a change undone later in the file is not reported)."""
    file_end: Schema | None = None
    """The schema when the statement's file ended."""
    data: DataProbe | None = None
    """Read-only access to a real database (``--url``): counts the rows a data-dependent change would
    trip on. None when linting on the dev database alone."""
    table_renames: list[tuple[str, str]] = field(default_factory=list)
    """``(old, new)`` tables the statement renames; their drop-plus-add is not in ``changes``."""
    column_renames: list[tuple[str, str, str]] = field(default_factory=list)
    """``(table, old, new)`` columns the statement renames; likewise left out of ``changes``."""
    new_schemas: frozenset[str] = field(default_factory=frozenset)
    """Schemas created by the files under lint (``CREATE SCHEMA``)."""
    following: Sequence[exp.Expression | None] = ()
    """The parsed statements after this one in the same file (a view recreated under an old name)."""
