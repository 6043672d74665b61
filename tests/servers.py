"""The database servers the suite talks to, and what to do when one does not answer.

URLs come from GRATICULE_TEST_POSTGRES_URL / GRATICULE_TEST_MYSQL_URL, defaulting to this machine's servers.
Locally an unreachable server skips its tests with the reason; in CI (CI=true) it fails them, so a broken
server can never pass as a green run.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

POSTGRES_URL = os.environ.get("GRATICULE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
MYSQL_URL = os.environ.get("GRATICULE_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str, error: Exception) -> None:
    message = f"{what} is not reachable: {error}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a server the suite needs must be up)")
    pytest.skip(message)


def postgres_connect_kwargs(url: str = POSTGRES_URL) -> dict:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or None,
        "dbname": parts.path.lstrip("/") or "postgres",
    }


def mysql_connect_kwargs(url: str = MYSQL_URL) -> dict:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 3306,
        "user": parts.username or "root",
        "password": parts.password or "",
        "database": parts.path.lstrip("/") or None,
    }
