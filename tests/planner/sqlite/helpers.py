"""Shared helpers for the SQLite diff and planner tests."""

from __future__ import annotations

from graticule.planner.schema import Column


class PlainNormalizer:
    """A stand-in dialect normaliser for hand-built schemas: types compare case-insensitively and expressions
    and defaults ignore case and spacing, so a test can tell whether the diff asked the normaliser or compared
    raw text."""

    def type_key(self, column: Column) -> str:
        return column.type.lower()

    def default_key(self, column: Column) -> str | None:
        return None if column.default is None else _squash(column.default)

    def expr_key(self, sql: str | None) -> str | None:
        return None if sql is None else _squash(sql)


def _squash(sql: str) -> str:
    return "".join(sql.lower().split())
