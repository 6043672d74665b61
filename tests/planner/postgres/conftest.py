"""Every test here talks to the test PostgreSQL server: skipped locally (failed in CI) when it is down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .helpers import Pair, open_scratch


@pytest.fixture(autouse=True)
def _server(postgres_server: dict) -> dict:
    return postgres_server


@pytest.fixture(scope="session")
def pair(postgres_server: dict) -> Iterator[Pair]:
    """Two scratch databases for the whole session, emptied before each use: opening one takes a CREATE
    DATABASE (a quarter of a second), emptying it a DROP SCHEMA."""
    current, desired = open_scratch(), open_scratch()
    try:
        yield Pair(current, desired)
    finally:
        current.close()
        desired.close()


@pytest.fixture
def db(pair: Pair) -> Iterator:
    """One empty scratch database."""
    pair.current.reset()
    yield pair.current
