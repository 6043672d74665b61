"""Shared fixtures; helpers live in ``clitools`` (a unique module name: test folders have conftests too)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import servers
from clitools import EXAMPLE_CONFIG, REPO, Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(
        REPO / "example", root, ignore=shutil.ignore_patterns("migrations", "__pycache__", "*.sqlite3")
    )
    (root / "atlas.hcl").write_text(EXAMPLE_CONFIG)
    return Project(root)


@pytest.fixture(scope="session")
def postgres_server() -> dict:
    """Connection arguments (psycopg) for the test PostgreSQL server; skip locally, fail in CI, if down."""
    import psycopg

    kwargs = servers.postgres_connect_kwargs()
    try:
        psycopg.connect(**kwargs, connect_timeout=5).close()
    except psycopg.Error as e:
        servers.unavailable(f"PostgreSQL at {servers.POSTGRES_URL}", e)
    return kwargs


@pytest.fixture(scope="session")
def mysql_server() -> dict:
    """Connection arguments (PyMySQL) for the test MySQL/MariaDB server; skip locally, fail in CI, if down."""
    import pymysql

    kwargs = servers.mysql_connect_kwargs()
    try:
        pymysql.connect(**kwargs, connect_timeout=5).close()
    except pymysql.MySQLError as e:
        servers.unavailable(f"MySQL/MariaDB at {servers.MYSQL_URL}", e)
    return kwargs
