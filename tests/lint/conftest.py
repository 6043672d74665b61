"""Fixtures of the lint tests: a dev database URL per engine (servers skipped locally when down)."""

from __future__ import annotations

import pytest
from lintkit import DEV_URLS


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        request.getfixturevalue("postgres_server")
    elif request.param == "mariadb":
        request.getfixturevalue("mysql_server")
    return request.param


@pytest.fixture
def dev_url(engine: str) -> str:
    return DEV_URLS[engine]


@pytest.fixture
def server_engine(request: pytest.FixtureRequest) -> str:
    """Parametrized indirectly with "postgresql" or "mariadb"."""
    request.getfixturevalue("postgres_server" if request.param == "postgresql" else "mysql_server")
    return request.param
