"""`graticule migrate validate` through the installed CLI: checksum, statements, replay on a dev database."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
import servers
from clitools import run_cli

from graticule.planner.drivers.postgres.devdb import SCRATCH_PREFIX
from graticule.planner.migrate.directory import MigrationDir

SQLITE_DEV = "sqlite://dev?mode=memory"
FIRST = "CREATE TABLE users (id int PRIMARY KEY, name varchar(100) NOT NULL);\n"
SECOND = (
    "-- Add the email column\n"
    "ALTER TABLE users ADD COLUMN email varchar(200);\n"
    "\n"
    "CREATE INDEX users_email ON users (email);\n"
)


def make_dir(root: Path, *contents: str) -> Path:
    """A migration directory with one file per content, versions 1..n, and its atlas.sum."""
    d = root / "m"
    d.mkdir(exist_ok=True)
    for i, content in enumerate(contents, 1):
        (d / f"2024010100000{i}_step{i}.sql").write_text(content)
    MigrationDir(d).write_sum()
    return d


def scratch_databases() -> set[str]:
    with psycopg.connect(**servers.postgres_connect_kwargs(), autocommit=True) as conn:
        names = {name for (name,) in conn.execute("SELECT datname FROM pg_database")}
    return {n for n in names if n.startswith(SCRATCH_PREFIX)}


def validate(root: Path, *args: str):
    return run_cli("migrate", "validate", "--dir", "file://m", *args, cwd=root)


def test_valid_directory_without_and_with_a_dev_database(tmp_path: Path) -> None:
    make_dir(tmp_path, FIRST, SECOND)
    result = validate(tmp_path)
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert "valid: 2 files, 3 statements (checksum and statements checked)" in result.stderr
    replayed = validate(tmp_path, "--dev-url", SQLITE_DEV)
    assert replayed.code == 0, replayed.stderr
    assert "valid: 2 files, 3 statements (replayed on the dev database)" in replayed.stderr


def test_empty_directory_is_valid(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    result = validate(tmp_path, "--dev-url", SQLITE_DEV)
    assert result.code == 0, result.stderr


def test_checksum_mismatch_in_atlas_wording(tmp_path: Path) -> None:
    d = make_dir(tmp_path, FIRST, SECOND)
    (d / "20240101000001_step1.sql").write_text(FIRST.replace("100", "150"))
    result = validate(tmp_path, "--dev-url", SQLITE_DEV)
    assert result.code == 1
    assert result.stderr.startswith("You have a checksum error in your migration directory.\n")
    assert "L2: 20240101000001_step1.sql was edited" in result.stderr
    assert "'graticule migrate hash'" in result.stderr
    assert result.stderr.rstrip().endswith("Error: checksum mismatch")


def test_missing_sum_file(tmp_path: Path) -> None:
    d = make_dir(tmp_path, FIRST)
    (d / "atlas.sum").unlink()
    result = validate(tmp_path)
    assert result.code == 1
    assert result.stderr.rstrip().endswith("Error: checksum file not found")


def test_unreadable_statement_is_located(tmp_path: Path) -> None:
    broken = "CREATE TABLE t (a int);\n\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES ('oops);\n"
    make_dir(tmp_path, FIRST, broken)
    for args in ((), ("--dev-url", SQLITE_DEV)):
        result = validate(tmp_path, *args)
        assert result.code == 1, args
        line = result.stderr.strip()
        assert line.startswith("Error: m/20240101000002_step2.sql:4:23: cannot read SQL near \"'oops);")
        assert "\n" not in line and "Traceback" not in result.stderr


def test_later_broken_file_is_reported_before_any_replay(tmp_path: Path) -> None:
    # The first file fails on the database; the second cannot be read: reading every file comes first.
    make_dir(tmp_path, "INSERT INTO missing VALUES (1);\n", "SELECT 'x;\n")
    result = validate(tmp_path, "--dev-url", SQLITE_DEV)
    assert result.code == 1
    assert result.stderr.startswith("Error: m/20240101000002_step2.sql:1:8: cannot read SQL")


def test_invalid_directive_is_reported_with_the_file(tmp_path: Path) -> None:
    make_dir(tmp_path, "-- atlas:txmode sometimes\n\n" + FIRST)
    result = validate(tmp_path)
    assert result.code == 1
    assert result.stderr.strip() == (
        "Error: m/20240101000001_step1.sql:1: unknown txmode 'sometimes' (expected none or file)"
    )


def test_dialect_specific_quoting_passes_without_a_dev_database(tmp_path: Path) -> None:
    # A PostgreSQL function body in dollar quotes holds a lone quote; MySQL backticks; both must read.
    pg = "CREATE FUNCTION f() RETURNS text AS $$ SELECT 'it''s' || ' ' $$ LANGUAGE sql;\n"
    my = "CREATE TABLE `order` (`key` int);\n"
    make_dir(tmp_path, pg, my)
    result = validate(tmp_path)
    assert result.code == 0, result.stderr


def test_replay_failure_on_sqlite_names_file_line_and_error(tmp_path: Path) -> None:
    bad = "ALTER TABLE users ADD COLUMN email varchar(200);\n\n-- typo\nCREATE INDEX i ON users (emial);\n"
    make_dir(tmp_path, FIRST, bad)
    result = validate(tmp_path, "--dev-url", SQLITE_DEV)
    assert result.code == 1
    assert result.stderr.strip() == (
        "Error: m/20240101000002_step2.sql:4: executing statement: no such column: emial"
    )


def test_env_dev_database_is_used(tmp_path: Path) -> None:
    (tmp_path / "atlas.hcl").write_text(
        'env "local" {\n  dev = "sqlite://dev?mode=memory"\n  migration {\n    dir = "file://m"\n  }\n}\n'
    )
    make_dir(tmp_path, FIRST, "INSERT INTO nope VALUES (1);\n")
    result = run_cli("migrate", "validate", "--env", "local", cwd=tmp_path)
    assert result.code == 1
    assert (
        result.stderr.strip()
        == "Error: m/20240101000002_step2.sql:1: executing statement: no such table: nope"
    )


def test_replay_failure_on_postgres(tmp_path: Path, postgres_server: dict) -> None:
    before = scratch_databases()
    ok = "CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n int NOT NULL);\n"
    bad = "ALTER TABLE t ADD COLUMN m int;\n\nALTER TABLE t ADD CONSTRAINT c CHECK (m > n + nope);\n"
    make_dir(tmp_path, ok, bad)
    result = validate(tmp_path, "--dev-url", servers.POSTGRES_URL)
    assert result.code == 1
    assert result.stderr.strip() == (
        'Error: m/20240101000002_step2.sql:3: executing statement: column "nope" does not exist'
    )
    make_dir(tmp_path, ok)
    for stale in (tmp_path / "m").glob("*step2.sql"):
        stale.unlink()
    MigrationDir(tmp_path / "m").write_sum()
    assert validate(tmp_path, "--dev-url", servers.POSTGRES_URL).code == 0
    # The scratch databases of both runs are gone (other workers' may come and go meanwhile).
    deadline = time.monotonic() + 60
    while (left := scratch_databases() - before) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not left, f"scratch databases left behind: {sorted(left)}"


def test_replay_failure_on_mariadb(tmp_path: Path, mysql_server: dict) -> None:
    bad = "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN a int;\n"
    make_dir(tmp_path, bad)
    result = validate(tmp_path, "--dev-url", servers.MYSQL_URL)
    assert result.code == 1
    assert result.stderr.strip() == (
        "Error: m/20240101000001_step1.sql:2: executing statement: Duplicate column name 'a'"
    )


@pytest.mark.parametrize("url", ["file://nowhere"])
def test_missing_directory(tmp_path: Path, url: str) -> None:
    result = run_cli("migrate", "validate", "--dir", url, cwd=tmp_path)
    assert result.code == 1
    assert result.stderr.strip() == "Error: migration directory 'nowhere' does not exist"
