"""One dev database per dialect and test module, emptied by ``reset()`` between examples: opening a scratch
database on a server costs a CREATE DATABASE, emptying it a DROP SCHEMA (PostgreSQL) or a DROP and CREATE
DATABASE (MySQL), much cheaper."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import servers

from graticule.planner.devdb import DevDatabase, open_dev


@pytest.fixture(scope="module")
def sqlite_dev() -> Iterator[DevDatabase]:
    with open_dev("sqlite://dev?mode=memory") as db:
        yield db


@pytest.fixture(scope="module")
def postgres_dev(postgres_server: dict) -> Iterator[DevDatabase]:
    with open_dev(servers.POSTGRES_URL) as db:
        yield db


@pytest.fixture(scope="module")
def mysql_dev(mysql_server: dict) -> Iterator[DevDatabase]:
    with open_dev(servers.MYSQL_URL) as db:
        yield db
