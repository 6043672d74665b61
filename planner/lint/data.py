"""Read-only questions to a real database (``migrate lint --url``): how many rows a data-dependent change
would trip on. The dev database is empty, so only a real one can say whether "might fail" will fail.

Queries are built with sqlglot (quoting each dialect's way) and run on a connection opened read-only by the
driver (``Driver.connect(url, readonly=True)``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from ..migrate.split import SQLGLOT_DIALECTS


class DataProbe:
    def __init__(self, conn: Any, schema: str | None, dialect: str) -> None:
        self.conn = conn
        self.schema = schema
        self.dialect = SQLGLOT_DIALECTS[dialect]

    def rows(self, table: str) -> str | None:
        count = self._count(self._table(table))
        if count is None:
            return None
        return (
            "the table is empty in the --url database"
            if count == 0
            else f"{_n(count, 'row')} found in the --url database"
        )

    def nulls(self, table: str, column: str) -> str | None:
        col = exp.column(exp.to_identifier(column, quoted=True))
        count = self._count(self._table(table), exp.Is(this=col, expression=exp.Null()))
        if count is None:
            return None
        return (
            "no NULL values in the --url database"
            if count == 0
            else f"{_n(count, 'NULL value')} found in the --url database"
        )

    def duplicates(self, table: str, columns: Sequence[str]) -> str | None:
        """Rows beyond the first of each group of equal non-NULL keys (what the unique index would refuse)."""
        if not columns:
            return None
        cols = [exp.column(exp.to_identifier(c, quoted=True)) for c in columns]
        not_null = exp.and_(*[exp.Not(this=exp.Is(this=c.copy(), expression=exp.Null())) for c in cols])
        groups = (
            exp.select(exp.alias_(exp.Count(this=exp.Star()), "n"))
            .from_(self._table(table))
            .where(not_null)
            .group_by(*cols)
            .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)))
        )
        query = exp.select(
            exp.func("SUM", exp.Sub(this=exp.column("n"), expression=exp.Literal.number(1)))
        ).from_(groups.subquery("d"))
        value = self._scalar(query)
        if value is _FAILED:
            return None
        count = int(value or 0)
        return (
            "no duplicates in the --url database"
            if count == 0
            else f"{_n(count, 'duplicate row')} found in the --url database"
        )

    def _table(self, name: str) -> exp.Table:
        if self.dialect == "sqlite" or not self.schema:
            return exp.to_table(exp.to_identifier(name, quoted=True).sql(self.dialect), dialect=self.dialect)
        return exp.Table(
            this=exp.to_identifier(name, quoted=True), db=exp.to_identifier(self.schema, quoted=True)
        )

    def _count(self, table: exp.Table, where: exp.Expression | None = None) -> int | None:
        query = exp.select(exp.Count(this=exp.Star())).from_(table)
        if where is not None:
            query = query.where(where)
        value = self._scalar(query)
        return None if value is _FAILED else int(value or 0)

    def _scalar(self, query: exp.Expression) -> Any:
        sql = query.sql(dialect=self.dialect)
        cursor = self.conn.cursor()
        try:
            cursor.execute(sql)
            row = cursor.fetchone()
        except Exception:
            rollback = getattr(self.conn, "rollback", None)
            if rollback is not None:
                rollback()
            return _FAILED
        finally:
            cursor.close()
        return row[0] if row else None


_FAILED = object()


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
