"""Fixtures: ``db`` is a scratch database on each engine (SQLite file, PostgreSQL, MariaDB), dropped after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import ENGINES, Database, Workspace


def _database(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> Iterator[Database]:
    if engine == "postgres":
        request.getfixturevalue("postgres_server")
    elif engine == "mysql":
        request.getfixturevalue("mysql_server")
    db = Database(engine, tmp_path)
    try:
        yield db
    finally:
        db.drop()


@pytest.fixture(params=ENGINES)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from _database(request, request.param, tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def tx_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Engines whose DDL is transactional."""
    yield from _database(request, request.param, tmp_path)


@pytest.fixture
def pg(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from _database(request, "postgres", tmp_path)


@pytest.fixture
def maria(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from _database(request, "mysql", tmp_path)


@pytest.fixture
def ws(db: Database, tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "project", db)
