"""Catalog queries sent ahead of need: the server runs one batch while the inspector builds the model from the
previous one.

On a two-core machine the backend and the client then work at the same time instead of in turns. This needs
libpq's pipeline mode (libpq 14 and later; psycopg's binary package bundles a recent one): queries go out as
soon as they are sent, and results come back in order. Without it each query runs when its rows are asked
for, one after the other, as before.

JIT is switched off for every query (see :func:`.catalog.without_jit` for why). In a pipeline the statements
up to its final Sync form one transaction (an implicit one on an autocommit connection, else the caller's), so
one ``SET LOCAL jit = off`` sent first covers them all; outside a pipeline the SET goes in the same
simple-protocol message as each query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import psycopg
from psycopg.rows import tuple_row

from . import catalog


class Pending(Protocol):
    def wait(self) -> None:
        """Wait until the query's result (and every result sent before it) is in, without reading rows:
        the next batch can then be sent before this one's rows are converted."""
        ...

    def rows(self) -> list[tuple[Any, ...]]:
        """The query's rows; waits for them (and for every query sent before them) if need be."""
        ...


class CatalogReader(Protocol):
    def send(self, *queries: str) -> list[Pending]:
        """Send ``queries`` now (in a pipeline) or when their rows are asked for (without one)."""
        ...


@contextmanager
def open_reader(conn: psycopg.Connection, params: dict[str, Any]) -> Iterator[CatalogReader]:
    version = conn.info.server_version
    if not psycopg.Pipeline.is_supported():
        yield _SequentialReader(conn, params, version)
        return
    with conn.pipeline():
        reader = _PipelinedReader(conn, params)
        if version >= catalog.JIT_VERSION:
            reader.execute(catalog.NO_JIT, None)
        yield reader


class _PipelinedPending:
    def __init__(self, cursor: psycopg.Cursor[tuple[Any, ...]]) -> None:
        self._cursor = cursor
        self._first: list[tuple[Any, ...]] | None = None

    def wait(self) -> None:
        # Any fetch waits for every result sent so far (psycopg reads a pipeline's results in order, all of
        # them); one row is the least that a fetch converts.
        if self._first is None:
            self._first = self._cursor.fetchmany(1)

    def rows(self) -> list[tuple[Any, ...]]:
        self.wait()
        assert self._first is not None
        return self._first + self._cursor.fetchall()


class _PipelinedReader:
    def __init__(self, conn: psycopg.Connection, params: dict[str, Any]) -> None:
        self._conn = conn
        self._params = params

    def send(self, *queries: str) -> list[Pending]:
        return [_PipelinedPending(self.execute(query, self._params)) for query in queries]

    def execute(self, query: str, params: dict[str, Any] | None) -> psycopg.Cursor[tuple[Any, ...]]:
        # A plain Cursor (server-side binding: pipelines use the extended protocol) with tuple rows whatever
        # the connection's row factory; never prepared, so that repeated inspections on one connection leave
        # no prepared statements behind.
        cursor = psycopg.Cursor(self._conn, row_factory=tuple_row)
        cursor.execute(query, params, prepare=False)
        return cursor


class _SequentialPending:
    def __init__(self, cursor: psycopg.ClientCursor[tuple[Any, ...]], query: str, params: dict[str, Any]):
        self._cursor, self._query, self._params = cursor, query, params

    def wait(self) -> None:
        pass  # sent when its rows are asked for

    def rows(self) -> list[tuple[Any, ...]]:
        self._cursor.execute(self._query, self._params)
        while self._cursor.nextset():
            pass  # past the SET's empty result, to the query's
        return self._cursor.fetchall()


class _SequentialReader:
    def __init__(self, conn: psycopg.Connection, params: dict[str, Any], version: int) -> None:
        # Client-side binding sends a query and the SET LOCAL before it as one message.
        self._cursor = psycopg.ClientCursor(conn, row_factory=tuple_row)
        self._params = params
        self._version = version

    def send(self, *queries: str) -> list[Pending]:
        return [
            _SequentialPending(self._cursor, catalog.without_jit(query, self._version), self._params)
            for query in queries
        ]
