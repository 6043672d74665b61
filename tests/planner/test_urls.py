from __future__ import annotations

import pytest

from graticule.planner.errors import GraticuleError
from graticule.planner.urls import parse_url, redact


def test_sqlite_memory_and_file() -> None:
    mem = parse_url("sqlite://dev?mode=memory")
    assert (mem.dialect, mem.path, mem.query) == ("sqlite", "dev", {"mode": "memory"})
    rel = parse_url("sqlite://path/to/file.db")
    assert rel.path == "path/to/file.db"
    absolute = parse_url("sqlite:///tmp/x.db")
    assert absolute.path == "/tmp/x.db"


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("postgres://u:p@localhost:5432/db?sslmode=disable", "postgresql"),
        ("postgresql://localhost/db", "postgresql"),
        ("mysql://root@127.0.0.1:3306/app", "mysql"),
        ("mariadb://root@127.0.0.1/app", "mariadb"),
        ("maria://root@127.0.0.1/app", "mariadb"),
    ],
)
def test_server_schemes(url: str, dialect: str) -> None:
    assert parse_url(url).dialect == dialect


def test_server_parts() -> None:
    u = parse_url("postgres://alice:s3cret@db.local:6543/shop?sslmode=disable")
    assert (u.user, u.password, u.host, u.port, u.path) == ("alice", "s3cret", "db.local", 6543, "shop")
    assert u.query == {"sslmode": "disable"}


def test_redaction_hides_passwords_only() -> None:
    assert redact("postgres://alice:s3cret@db:5432/x?a=b") == "postgres://alice:xxxxx@db:5432/x?a=b"
    assert redact("sqlite://dev?mode=memory") == "sqlite://dev?mode=memory"
    assert redact("mysql://root@localhost/x") == "mysql://root@localhost/x"


@pytest.mark.parametrize(
    "url", ["nonsense", "oracle://u:topsecret@h/db", "postgres://u:topsecret@h:notaport/db"]
)
def test_bad_urls_are_user_errors_without_password(url: str) -> None:
    with pytest.raises(GraticuleError) as err:
        parse_url(url)
    assert "topsecret" not in str(err.value)
