"""MySQL/MariaDB dev databases: a scratch database per run, dropped on success, error and Ctrl-C; the URL's
own database as a fallback for users who may not create databases, only when clean."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit, urlunsplit

import pymysql
import pytest

from graticule.planner.devdb import open_dev
from graticule.planner.drivers.mysql.devdb import SCRATCH_PREFIX, MySQLDevDatabase
from graticule.planner.errors import ExecutionError, GraticuleError, NotCleanError
from graticule.planner.urls import parse_url

from .helpers import DEV_URL, inspect

pytestmark = pytest.mark.usefixtures("mysql_server")


def databases(mysql_server: dict) -> set[str]:
    conn = pymysql.connect(**{**mysql_server, "database": None})
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW DATABASES")
            return {row[0] for row in cur.fetchall()}
    finally:
        conn.close()


def with_user(url: str, user: str, password: str, database: str = "") -> str:
    parts = urlsplit(url)
    netloc = f"{user}:{password}@{parts.hostname}:{parts.port or 3306}"
    return urlunsplit((parts.scheme, netloc, "/" + database, parts.query, ""))


# Other runs may share the test server, so each test follows its own scratch database by name.


def test_scratch_database_lives_for_the_run(mysql_server):
    with open_dev(DEV_URL) as dev:
        name = dev.session.schema
        assert name.startswith(SCRATCH_PREFIX)
        assert name in databases(mysql_server)
        dev.run_sql("CREATE TABLE t (a int);", "schema.sql")
        assert [t.name for t in dev.inspect().tables] == ["t"]
    assert name not in databases(mysql_server)


def test_scratch_database_dropped_on_error(mysql_server):
    with pytest.raises(GraticuleError) as e, open_dev(DEV_URL) as dev:
        name = dev.session.schema
        dev.run_sql("CREATE TABLE t (a int);\nCREATE TABLE t (a int);", "schema.sql")
    assert str(e.value).startswith("schema.sql:2: executing statement: Table 't' already exists")
    assert name not in databases(mysql_server)


def test_scratch_database_dropped_on_ctrl_c(mysql_server):
    with pytest.raises(KeyboardInterrupt), open_dev(DEV_URL) as dev:
        name = dev.session.schema
        raise KeyboardInterrupt
    assert name not in databases(mysql_server)


def test_close_recovers_from_a_dead_connection(mysql_server):
    """Ctrl-C in the middle of a statement leaves the session unusable; cleanup runs on a new connection."""
    dev = MySQLDevDatabase(parse_url(DEV_URL))
    name = dev.schema
    killer = pymysql.connect(**{**mysql_server, "database": None})
    try:
        with killer.cursor() as cur:
            cur.execute(f"KILL {dev.conn.thread_id()}")
    finally:
        killer.close()
    dev.close()
    dev.close()  # idempotent
    assert name not in databases(mysql_server)


def test_reset_empties_the_scratch_database(mysql_server):
    dev = MySQLDevDatabase(parse_url(DEV_URL))
    try:
        dev.execute("CREATE TABLE p (id int PRIMARY KEY)")
        dev.execute("CREATE TABLE c (pid int, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id))")
        dev.execute("CREATE VIEW v AS SELECT id FROM p")
        name = dev.schema
        dev.reset()
        assert dev.schema == name
        assert inspect(dev).tables == []
        dev.execute("CREATE TABLE again (a int)")  # the session is in the new database
        assert [t.name for t in inspect(dev).tables] == ["again"]
    finally:
        dev.close()


def test_execute_raises_the_server_message(mysql_server):
    dev = MySQLDevDatabase(parse_url(DEV_URL))
    try:
        with pytest.raises(ExecutionError) as e:
            dev.execute("ALTER TABLE missing ADD COLUMN a int")
        assert str(e.value) == f"Table '{dev.schema}.missing' doesn't exist"
    finally:
        dev.close()


def test_wrong_password_is_not_printed(mysql_server):
    url = with_user(DEV_URL, "root", "s3cr3t-pw", "mysql")
    with pytest.raises(GraticuleError) as e, open_dev(url):
        pass
    assert "s3cr3t-pw" not in str(e.value)
    assert "xxxxx" in str(e.value)


@pytest.fixture
def limited_user(mysql_server):
    """A user who may use one database but not create any: (user, password, database)."""
    user, password, database = (
        f"gr_{secrets.token_hex(4)}",
        secrets.token_hex(8),
        f"gr_borrowed_{secrets.token_hex(4)}",
    )
    root = pymysql.connect(**{**mysql_server, "database": None}, autocommit=True)
    try:
        with root.cursor() as cur:
            try:
                cur.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'")
            except pymysql.MySQLError as e:
                pytest.skip(f"the test server refuses CREATE USER: {e}")
            cur.execute(f"CREATE DATABASE `{database}`")
            cur.execute(f"GRANT ALL ON `{database}`.* TO '{user}'@'%'")
        yield user, password, database
    finally:
        with root.cursor() as cur:
            cur.execute(f"DROP USER IF EXISTS '{user}'@'%'")
            cur.execute(f"DROP DATABASE IF EXISTS `{database}`")
        root.close()


def test_user_without_create_plans_in_a_clean_named_database(mysql_server, limited_user):
    user, password, database = limited_user
    with open_dev(with_user(DEV_URL, user, password, database)) as dev:
        assert dev.session.schema == database and not dev.session.scratch
        dev.run_sql(
            "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p (id));", "s.sql"
        )
        dev.reset()
        assert dev.inspect().tables == []
        dev.run_sql("CREATE TABLE left_behind (a int); CREATE VIEW v AS SELECT a FROM left_behind;", "s.sql")
    # Borrowed, not dropped: emptied of what graticule made in it.
    assert database in databases(mysql_server)
    with open_dev(with_user(DEV_URL, user, password, database)) as dev:
        assert dev.inspect().tables == []


def test_user_without_create_never_touches_a_database_in_use(mysql_server, limited_user):
    user, password, database = limited_user
    root = pymysql.connect(**{**mysql_server, "database": database}, autocommit=True)
    try:
        with root.cursor() as cur:
            cur.execute("CREATE TABLE precious (a int)")
    finally:
        root.close()
    with pytest.raises(NotCleanError) as e, open_dev(with_user(DEV_URL, user, password, database)):
        pass
    assert str(e.value) == f'connected database is not clean: found table "precious" in schema "{database}"'
    root = pymysql.connect(**{**mysql_server, "database": database})
    try:
        with root.cursor() as cur:
            cur.execute("SHOW TABLES")
            assert cur.fetchall() == (("precious",),)
    finally:
        root.close()


def test_user_without_create_and_no_database_in_the_url(mysql_server, limited_user):
    user, password, _ = limited_user
    with pytest.raises(GraticuleError) as e, open_dev(with_user(DEV_URL, user, password)):
        pass
    assert "cannot create a dev database" in str(e.value)
    assert "the URL names no database to use instead" in str(e.value)
    assert password not in str(e.value)
