"""Engines for the reliability tests; a server engine skips locally (fails in CI) when its server is down."""

from __future__ import annotations

import pytest

from .harness import ENGINES, Engine


@pytest.fixture
def sqlite_engine() -> Engine:
    return ENGINES["sqlite"]


@pytest.fixture
def postgres_engine(postgres_server: dict) -> Engine:
    return ENGINES["postgres"]


@pytest.fixture
def mariadb_engine(mysql_server: dict) -> Engine:
    return ENGINES["mariadb"]


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def engine(request: pytest.FixtureRequest) -> Engine:
    return request.getfixturevalue(f"{request.param}_engine")
