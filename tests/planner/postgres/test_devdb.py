"""PostgreSQL dev databases on the test server: a scratch database per run, dropped on success, error and
Ctrl-C; a borrowed database where the user may not create one, used only when clean."""

from __future__ import annotations

import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest
import servers

from graticule.planner.devdb import open_dev
from graticule.planner.drivers.postgres import DRIVER
from graticule.planner.drivers.postgres.devdb import SCRATCH_PREFIX
from graticule.planner.errors import ExecutionError, GraticuleError, NotCleanError
from graticule.planner.urls import parse_url

from .helpers import DEV_URL, dev_url, inspect, rows, run


def server_databases() -> set[str]:
    with psycopg.connect(**servers.postgres_connect_kwargs(), autocommit=True) as conn:
        return {name for (name,) in conn.execute("SELECT datname FROM pg_database")}


def scratch_databases() -> set[str]:
    return {name for name in server_databases() if name.startswith(SCRATCH_PREFIX)}


def connected_databases() -> set[str]:
    with psycopg.connect(**servers.postgres_connect_kwargs(), autocommit=True) as conn:
        rows = conn.execute("SELECT DISTINCT datname FROM pg_stat_activity WHERE datname IS NOT NULL")
        return {name for (name,) in rows}


def assert_no_scratch_left(before: set[str], timeout: float = 60.0) -> None:
    """Every scratch database that appeared since ``before`` must go away.

    Other test workers (and other suites sharing the server) create and drop scratch databases concurrently,
    so a new name may be theirs, mid-run: wait for those to be dropped. Some live for a whole test session
    (the property tests keep one open); a database still in use by a session is not a leak. A database leaked
    by the code under test is never dropped and nobody is connected to it, so it still fails the test.
    """
    deadline = time.monotonic() + timeout
    while (left := scratch_databases() - before) and time.monotonic() < deadline:
        if not left - connected_databases():
            return
        time.sleep(0.5)
    left -= connected_databases()
    assert not left, f"scratch databases left behind: {sorted(left)}"


# ---- scratch databases -------------------------------------------------------------------------------------


def test_scratch_database_lives_for_the_run_only():
    before = scratch_databases()
    with open_dev(DEV_URL) as dev:
        name = dev.session.scratch
        assert name is not None and name.startswith(SCRATCH_PREFIX) and name not in before
        assert name in scratch_databases()
        assert rows(dev.session, "SELECT current_database()") == [(name,)]
        dev.run_sql("CREATE TABLE t (a int);", "schema.sql")
    assert name not in server_databases()


def test_scratch_database_is_dropped_on_error_and_interrupt():
    names = []
    for failure in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(failure)), open_dev(DEV_URL) as dev:
            names.append(dev.session.scratch)
            dev.run_sql("CREATE TABLE t (a int);", "schema.sql")
            raise failure
    assert not set(names) & server_databases()


CTRL_C_SCRIPT = """
import sys
from graticule.planner.devdb import open_dev
with open_dev(sys.argv[1]) as dev:
    print(dev.session.scratch, flush=True)
    dev.run_sql("SELECT pg_sleep(60);", "slow.sql")
"""


def test_ctrl_c_during_a_statement_still_drops_the_scratch_database():
    process = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_SCRIPT, DEV_URL],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    name = process.stdout.readline().strip()
    time.sleep(0.5)  # inside pg_sleep by now
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0 and "KeyboardInterrupt" in stderr
    assert name.startswith(SCRATCH_PREFIX) and name not in server_databases()


def test_a_failing_statement_names_its_file_line_and_the_servers_message():
    with open_dev(DEV_URL) as dev:
        with pytest.raises(GraticuleError) as e:
            dev.run_sql("CREATE TABLE t (a int);\nCREATE TABLE t (b int);\n", "schema.sql")
        assert str(e.value) == 'schema.sql:2: executing statement: relation "t" already exists'
        dev.run_sql("CREATE TABLE u (a int);", "again.sql")  # autocommit: nothing was left half-open
        assert [t.name for t in dev.inspect().tables] == ["t", "u"]
        name = dev.session.scratch
    assert name not in server_databases()


def test_execution_error_carries_the_detail_line(db):
    run(db, "CREATE TABLE t (a int); INSERT INTO t VALUES (1), (1)")
    with pytest.raises(ExecutionError) as e:
        db.execute("CREATE UNIQUE INDEX i ON t (a)")
    assert str(e.value) == 'could not create unique index "i" (Key (a)=(1) is duplicated.)'


def test_close_ends_sessions_left_on_the_scratch_database():
    dev = DRIVER.open_dev(parse_url(DEV_URL))
    name = dev.scratch
    kwargs = {**servers.postgres_connect_kwargs(), "dbname": name}
    lingering = psycopg.connect(**kwargs, autocommit=True)
    try:
        dev.close()
        assert name not in server_databases()
    finally:
        lingering.close()


def test_reset_empties_schemas_types_and_extensions(db):
    run(
        db,
        """CREATE EXTENSION citext; CREATE TYPE mood AS ENUM ('a'); CREATE SCHEMA other;
        CREATE TABLE other.t (a int); CREATE TABLE t (m mood, c citext); CREATE SEQUENCE s""",
    )
    db.reset()
    DRIVER.check_clean(db.conn, "public")
    assert rows(db, "SELECT extname FROM pg_extension") == [("plpgsql",)]
    assert rows(db, "SELECT nspname FROM pg_namespace WHERE nspname = 'other'") == []


def test_search_path_names_the_schema():
    with open_dev(dev_url("search_path=app&sslmode=disable")) as dev:
        assert dev.session.schema == "app"
        dev.run_sql("CREATE TABLE t (a int);", "schema.sql")
        assert rows(dev.session, "SELECT schemaname FROM pg_tables WHERE tablename = 't'") == [("app",)]
        schema = dev.inspect()
        assert (schema.name, [t.name for t in schema.tables]) == ("app", ["t"])
        dev.reset()
        assert dev.inspect().tables == []
        dev.run_sql("CREATE TABLE t (a int);", "schema.sql")  # the schema is back after the reset


def test_unknown_connection_parameters_and_unreachable_servers_are_one_line_errors():
    with pytest.raises(GraticuleError, match="invalid connection option"):
        DRIVER.open_dev(parse_url(dev_url("no_such_option=1")))
    url = "postgres://postgres:secret@127.0.0.1:1/postgres?connect_timeout=2"
    with pytest.raises(GraticuleError) as e:
        DRIVER.open_dev(parse_url(url))
    assert "secret" not in str(e.value) and "xxxxx" in str(e.value)
    assert "\n" not in str(e.value)


# ---- borrowed databases: no right to create one ------------------------------------------------------------


@pytest.fixture
def limited_url() -> Iterator[str]:
    """A role that may not create databases, owning a database of its own; both removed afterwards."""
    suffix = secrets.token_hex(4)
    role, database, password = f"graticule_limited_{suffix}", f"graticule_owned_{suffix}", "limited-pw"
    with psycopg.connect(**servers.postgres_connect_kwargs(), autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN NOCREATEDB PASSWORD '{password}'")
        admin.execute(f"CREATE DATABASE {database} OWNER {role}")
        try:
            parts = urlsplit(servers.POSTGRES_URL)
            netloc = f"{role}:{quote(password)}@{parts.hostname}:{parts.port or 5432}"
            yield urlunsplit(("postgres", netloc, f"/{database}", "", ""))
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            admin.execute(f"DROP ROLE IF EXISTS {role}")


def test_a_clean_named_database_is_borrowed_and_left_clean(limited_url):
    before = scratch_databases()
    with open_dev(limited_url) as dev:
        assert dev.session.scratch is None
        dev.run_sql(
            "CREATE TYPE mood AS ENUM ('a'); CREATE TABLE t (id serial PRIMARY KEY, m mood); "
            "CREATE VIEW v AS SELECT id FROM t; CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
            "schema.sql",
        )
        assert [t.name for t in dev.inspect().tables] == ["t"]
        dev.reset()
        DRIVER.check_clean(dev.session.conn, "public")
        dev.run_sql("CREATE TABLE u (a int);", "again.sql")
    assert_no_scratch_left(before)
    target = DRIVER.connect(parse_url(limited_url))
    try:
        DRIVER.check_clean(target.conn, "public")  # closing dropped what the run created
    finally:
        target.close()


def test_a_named_database_that_is_not_clean_is_refused_untouched(limited_url):
    target = DRIVER.connect(parse_url(limited_url), readonly=False)
    target.conn.execute("CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
    with pytest.raises(NotCleanError) as e, open_dev(limited_url):
        pass
    assert str(e.value) == 'connected database is not clean: found table "t" in schema "public"'
    assert target.conn.execute("SELECT a FROM t").fetchall() == [(1,)]
    target.close()


def test_a_missing_search_path_schema_is_created_in_a_borrowed_database_and_removed(limited_url):
    with open_dev(limited_url + "?search_path=work") as dev:
        dev.run_sql("CREATE TABLE t (a int);", "schema.sql")
        assert [t.name for t in dev.inspect().tables] == ["t"]
    target = DRIVER.connect(parse_url(limited_url))
    try:
        assert target.conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'work'").fetchall() == []
    finally:
        target.close()


# ---- named databases (schema inspect) ----------------------------------------------------------------------


def test_connect_reads_without_writing(db):
    run(db, "CREATE TABLE t (a int)")
    url = dev_url().rsplit("/", 1)[0] + f"/{db.scratch}"  # the scratch database, by name
    target = DRIVER.connect(parse_url(url))
    try:
        assert [t.name for t in DRIVER.inspect(target.conn, target.schema).tables] == ["t"]
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            target.conn.execute("CREATE TABLE u (a int)")
    finally:
        target.close()
    assert [t.name for t in inspect(db).tables] == ["t"]
