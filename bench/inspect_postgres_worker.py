"""One timed inspection in a process of its own; `bench/inspect_postgres.py` runs it per repeat and tool.

    python bench/inspect_postgres_worker.py graticule|schemainspect SCHEMA

The database comes from libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), which psycopg 3
and psycopg2 both read, so no password travels on a command line. Prints one JSON object: the seconds the
inspection took, the queries it sent and what it found.

Both tools get the same treatment: a fresh interpreter and a fresh server backend (cold catalog caches), the
imports and the connection (SQLAlchemy's first-connect dialect queries included) made before the clock starts,
and only the inspection call inside it. Queries are counted on the client around that call alone.

This file runs under two interpreters: the project's venv (graticule, psycopg 3) and the migra venv
(schemainspect, SQLAlchemy < 2, psycopg2). It imports neither at the top, nor anything of graticule's bench.
"""

from __future__ import annotations

import json
import sys
import time


def inspect_graticule(schema: str) -> dict:
    import psycopg

    # The driver package loads its inspector on first use: imported here, so that imports stay off the clock.
    import graticule.planner.drivers.postgres.inspect  # noqa: F401
    from graticule.planner.drivers.postgres import DRIVER

    # Counted at the class level: the inspector makes its own cursors (plain Cursors in a pipeline, or
    # ClientCursors where libpq has no pipeline mode) rather than go through the connection's cursor_factory.
    queries = 0

    def counting(method):
        def counted(self, *args, **kwargs):
            nonlocal queries
            queries += 1
            return method(self, *args, **kwargs)

        return counted

    for cls in (psycopg.Cursor, psycopg.ServerCursor):
        cls.execute = counting(cls.execute)
    psycopg.Cursor.executemany = counting(psycopg.Cursor.executemany)

    with psycopg.connect("", autocommit=True) as conn:
        queries = 0  # connecting sends none through a cursor, but start from a clean count anyway
        start = time.perf_counter()
        result = DRIVER.inspect(conn, schema)
        seconds = time.perf_counter() - start
    tables = result.tables
    unique_constraints = sum(1 for t in tables for i in t.indexes if i.constraint)
    primary_keys = sum(1 for t in tables if t.primary_key is not None)
    foreign_keys = sum(len(t.foreign_keys) for t in tables)
    checks = sum(len(t.checks) for t in tables)
    return {
        "seconds": seconds,
        "queries": queries,
        "counts": {
            "tables": len(tables),
            "columns": sum(len(t.columns) for t in tables),
            # The model keeps a primary key's index in Table.primary_key, not in Table.indexes.
            "indexes": sum(len(t.indexes) for t in tables) + primary_keys,
            "constraints": primary_keys + unique_constraints + foreign_keys + checks,
            "foreign_keys": foreign_keys,
        },
    }


def inspect_schemainspect(schema: str) -> dict:
    from schemainspect import get_inspector
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    # An empty URL: psycopg2 reads the connection from libpq's environment, like the graticule side.
    engine = create_engine("postgresql+psycopg2://", poolclass=NullPool)
    queries = 0
    with engine.connect() as conn:

        @event.listens_for(engine, "before_cursor_execute")
        def count(*_args) -> None:
            nonlocal queries
            queries += 1

        start = time.perf_counter()
        result = get_inspector(conn, schema=schema)
        seconds = time.perf_counter() - start
    engine.dispose()
    tables = list(result.tables.values())
    constraints = list(result.constraints.values())
    return {
        "seconds": seconds,
        "queries": queries,
        "counts": {
            "tables": len(tables),
            "columns": sum(len(t.columns) for t in tables),
            "indexes": len(result.indexes),
            "constraints": len(constraints),
            "foreign_keys": sum(1 for c in constraints if c.constraint_type == "FOREIGN KEY"),
        },
    }


TOOLS = {"graticule": inspect_graticule, "schemainspect": inspect_schemainspect}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in TOOLS:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    tool, schema = argv
    print(json.dumps({"tool": tool, **TOOLS[tool](schema)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
