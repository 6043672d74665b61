"""Real processes against real databases: the harness of the reliability tests of ``graticule migrate apply``.

An :class:`Engine` makes throwaway target databases (a SQLite file, a database on the PostgreSQL or MariaDB
test server), reads them back (rows, the revisions table, the schema through graticule's own inspector) and
writes migration files in its dialect. A :class:`Workload` is a migration directory built so that each file
proves it ran exactly once: every file INSERTs rows ``(version, step)`` into ``applied_log``, a table without
a key, so a repeated statement shows up as a second row instead of an error.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import servers
from clitools import BIN

from graticule.planner.diff import diff_schemas
from graticule.planner.drivers import get_driver
from graticule.planner.migrate.directory import MigrationDir
from graticule.planner.migrate.split import split_statements
from graticule.planner.schema import Schema
from graticule.planner.urls import parse_url

REVISIONS = "atlas_schema_revisions"
GRATICULE = str(BIN / "graticule")
# The CLI as a user runs it: the venv's bin first on PATH, no terminal (plain output), no colour.
CLI_ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1"}


# ---- engines -----------------------------------------------------------------------------------------------


class Engine:
    """One kind of target database; ``create`` gives a fresh, empty one and its URL."""

    name: str
    dialect: str
    transactional_ddl: bool

    def create(self, tmp: Path) -> str:
        raise NotImplementedError

    def drop(self, url: str) -> None:
        raise NotImplementedError

    def rows(self, url: str, sql: str) -> list[tuple]:
        raise NotImplementedError

    # Dialect pieces of the workload.
    def slow(self) -> str:
        """A DML statement that takes some ten milliseconds, so kills land inside files, not between them."""
        raise NotImplementedError

    def if_not_exists(self) -> str:
        """``IF NOT EXISTS`` where DDL is not transactional (see :class:`Workload`)."""
        return "" if self.transactional_ddl else " IF NOT EXISTS"

    def revisions_table(self, url: str) -> str | None:
        """The qualified revisions table, or None before the first apply created it."""
        raise NotImplementedError

    def revisions(self, url: str) -> list[dict[str, Any]]:
        table = self.revisions_table(url)
        if table is None:
            return []
        cols = ("version", "description", "type", "applied", "total", "error", "error_stmt", "hash")
        found = self.rows(url, f"SELECT {', '.join(cols)} FROM {table} ORDER BY version")
        return [dict(zip(cols, row, strict=True)) for row in found]

    def table_exists(self, url: str, table: str) -> bool:
        raise NotImplementedError

    def inspect(self, url: str) -> Schema:
        parsed = parse_url(url)
        driver = get_driver(parsed.dialect)
        target = driver.connect(parsed)
        try:
            return driver.inspect(target.conn, target.schema)
        finally:
            target.close()

    def schema_diff(self, url: str, reference: Schema) -> list[Any]:
        """Changes between the database's schema and ``reference``, both ways (empty when equal)."""
        driver = get_driver(parse_url(url).dialect)
        actual = self.inspect(url)
        there = diff_schemas(actual, reference, driver.normalizer, lazy_fk_targets=driver.lazy_fk_targets)
        back = diff_schemas(reference, actual, driver.normalizer, lazy_fk_targets=driver.lazy_fk_targets)
        return there + back


class SQLiteEngine(Engine):
    name = "sqlite"
    dialect = "sqlite"
    transactional_ddl = True

    def create(self, tmp: Path) -> str:
        path = tmp / f"target_{secrets.token_hex(4)}.db"
        sqlite3.connect(path).close()
        return f"sqlite://{path}"

    def drop(self, url: str) -> None:
        path = Path(parse_url(url).path)
        for p in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")):
            p.unlink(missing_ok=True)

    def rows(self, url: str, sql: str) -> list[tuple]:
        # A normal (writable) connection: after a kill -9 a hot journal must be rolled back before reading.
        conn = sqlite3.connect(parse_url(url).path, timeout=30)
        try:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
        finally:
            conn.close()

    def slow(self) -> str:
        return (
            "INSERT INTO filler (v) SELECT count(*) FROM (WITH RECURSIVE c(x) AS "
            "(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 40000) SELECT x FROM c)"
        )

    def revisions_table(self, url: str) -> str | None:
        return REVISIONS if self.table_exists(url, REVISIONS) else None

    def table_exists(self, url: str, table: str) -> bool:
        found = self.rows(url, f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
        return bool(found)


class PostgresEngine(Engine):
    name = "postgres"
    dialect = "postgresql"
    transactional_ddl = True

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(**servers.postgres_connect_kwargs(), autocommit=True)

    def create(self, tmp: Path) -> str:
        name = f"graticule_rel_{secrets.token_hex(5)}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(servers.POSTGRES_URL)
        return urlunsplit(("postgres", parts.netloc, f"/{name}", "sslmode=disable", ""))

    def drop(self, url: str) -> None:
        name = parse_url(url).path
        with self._admin() as conn:
            # FORCE: a killed applier's backend may still be winding down.
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def rows(self, url: str, sql: str) -> list[tuple]:
        import psycopg

        kwargs = {**servers.postgres_connect_kwargs(), "dbname": parse_url(url).path}
        with psycopg.connect(**kwargs, autocommit=True) as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]

    def slow(self) -> str:
        return "INSERT INTO filler (v) SELECT 1 FROM pg_sleep(0.01)"

    def revisions_table(self, url: str) -> str | None:
        found = self.rows(
            url, f"SELECT table_schema FROM information_schema.tables WHERE table_name = '{REVISIONS}'"
        )
        if not found:
            return None
        assert len(found) == 1, f"several revisions tables: {found}"
        return f'"{found[0][0]}"."{REVISIONS}"'

    def table_exists(self, url: str, table: str) -> bool:
        return bool(
            self.rows(url, f"SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = '{table}'")
        )


class MariaDBEngine(Engine):
    name = "mariadb"
    dialect = "mysql"
    transactional_ddl = False

    def _connect(self, database: str | None = None) -> Any:
        import pymysql

        kwargs = {**servers.mysql_connect_kwargs(), "database": database, "autocommit": True}
        return pymysql.connect(**kwargs)

    def create(self, tmp: Path) -> str:
        name = f"graticule_rel_{secrets.token_hex(5)}"
        conn = self._connect()
        try:
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE `{name}`")
        finally:
            conn.close()
        parts = urlsplit(servers.MYSQL_URL)
        return urlunsplit(("mysql", parts.netloc, f"/{name}", "", ""))

    def drop(self, url: str) -> None:
        conn = self._connect()
        try:
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{parse_url(url).path}`")
        finally:
            conn.close()

    def rows(self, url: str, sql: str) -> list[tuple]:
        conn = self._connect(parse_url(url).path)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return [tuple(r) for r in cur.fetchall()]
        finally:
            conn.close()

    def slow(self) -> str:
        return "INSERT INTO filler (v) SELECT SLEEP(0.01)"

    def revisions_table(self, url: str) -> str | None:
        db = parse_url(url).path
        found = self.rows(
            url,
            "SELECT table_schema FROM information_schema.tables "
            f"WHERE table_name = '{REVISIONS}' AND table_schema IN ('{db}', '{REVISIONS}')",
        )
        if not found:
            return None
        assert len(found) == 1, f"several revisions tables: {found}"
        return f"`{found[0][0]}`.`{REVISIONS}`"

    def table_exists(self, url: str, table: str) -> bool:
        return bool(
            self.rows(
                url,
                "SELECT 1 FROM information_schema.tables "
                f"WHERE table_schema = DATABASE() AND table_name = '{table}'",
            )
        )


ENGINES: dict[str, Engine] = {e.name: e for e in (SQLiteEngine(), PostgresEngine(), MariaDBEngine())}


@contextmanager
def database(engine: Engine, tmp: Path) -> Iterator[str]:
    url = engine.create(tmp)
    try:
        yield url
    finally:
        engine.drop(url)


# ---- the workload ------------------------------------------------------------------------------------------

STEPS = (1, 2, 3)
# 1-based position in a file (after the first) of each step's INSERT, and of the slow statement.
STEP_AT = {1: 1, 2: 4, 3: 7}
SLOW_AT = 3


@dataclass
class Workload:
    """A migration directory whose files each prove, by their rows in ``applied_log``, that they ran once.

    File 1 creates ``applied_log`` (no key: a repeated INSERT is a second row, not an error) and ``filler``.
    Every other file interleaves three INSERTs into ``applied_log`` with DDL on a table of its own and one
    slow statement, so that a kill at a random moment mostly lands inside a file.

    Where DDL is not transactional (MariaDB) it is written ``IF NOT EXISTS``: MariaDB commits each DDL
    statement on its own, and the revision row that records it can only be written afterwards; a kill in
    that instant leaves a DDL statement done but not recorded, which the resumed run executes again. That is
    the one statement a kill can repeat on such a database; idempotent DDL makes the repetition harmless, and
    the INSERTs (which commit together with their revision update) must still appear exactly once.
    """

    engine: Engine
    path: Path
    files: int = 30

    def write(self) -> MigrationDir:
        self.path.mkdir(parents=True, exist_ok=True)
        for i in range(1, self.files + 1):
            (self.path / f"{self.version(i)}_step{i}.sql").write_text(self.content(i))
        mdir = MigrationDir(self.path)
        mdir.write_sum()
        return mdir

    @staticmethod
    def version(i: int) -> str:
        return f"20240101{i:06d}"

    @property
    def url(self) -> str:
        return f"file://{self.path}"

    def content(self, i: int) -> str:
        v = self.version(i)
        if i == 1:
            return (
                "CREATE TABLE applied_log (version varchar(20) NOT NULL, step int NOT NULL);\n"
                "CREATE TABLE filler (v int);\n"
            )
        ine = self.engine.if_not_exists()
        return (
            f"INSERT INTO applied_log (version, step) VALUES ('{v}', 1);\n"
            f"CREATE TABLE{ine} t{i} (id int NOT NULL PRIMARY KEY, a varchar(20));\n"
            f"{self.engine.slow()};\n"
            f"INSERT INTO applied_log (version, step) VALUES ('{v}', 2);\n"
            f"ALTER TABLE t{i} ADD COLUMN{ine} b int;\n"
            f"CREATE INDEX{ine} t{i}_b ON t{i} (b);\n"
            f"INSERT INTO applied_log (version, step) VALUES ('{v}', 3);\n"
        )

    def statements(self, i: int) -> int:
        return len(split_statements(self.content(i), self.engine.dialect))

    def sums(self) -> dict[str, str]:
        """Version → the file's hash in atlas.sum (without ``h1:``)."""
        entries = MigrationDir(self.path).checksum().entries
        return {e.name.split("_", 1)[0]: e.hash for e in entries}

    # ---- what the database says -------------------------------------------------------------------------

    def log_counts(self, url: str) -> Counter[tuple[str, int]]:
        if not self.engine.table_exists(url, "applied_log"):
            return Counter()
        return Counter(
            (str(v), int(s)) for v, s in self.engine.rows(url, "SELECT version, step FROM applied_log")
        )

    def complete_versions(self, url: str) -> list[str]:
        return [
            str(r["version"])
            for r in self.engine.revisions(url)
            if r["applied"] == r["total"] and not r["error"]
        ]

    def check_atomic(self, url: str) -> dict[str, int]:
        """After any kill: each INSERT took effect exactly when the revision counts it as applied.

        An INSERT and the revision update that follows it commit together (in one transaction, which on
        MariaDB the next DDL statement commits implicitly), so ``applied_log`` must hold a file's step row iff
        the file's revision says the INSERT's statement was applied, never twice. Where DDL is transactional
        a file is all or nothing: its revision is absent, at 0, or complete. Returns version → applied.
        """
        applied = {str(r["version"]): int(r["applied"]) for r in self.engine.revisions(url)}
        counts = self.log_counts(url)
        want = Counter(
            {
                (self.version(i), step): 1
                for i in range(2, self.files + 1)
                for step, at in STEP_AT.items()
                if applied.get(self.version(i), 0) >= at
            }
        )
        assert counts == want, f"rows not in step with the revisions: {diff_counts(counts, want)}"
        filler = self.engine.rows(url, "SELECT count(*) FROM filler")[0][0] if self.has_filler(url) else 0
        slow_done = sum(1 for i in range(2, self.files + 1) if applied.get(self.version(i), 0) >= SLOW_AT)
        assert filler == slow_done, f"filler has {filler} rows, the revisions count {slow_done}"
        if self.engine.transactional_ddl:
            totals = {self.version(i): self.statements(i) for i in range(1, self.files + 1)}
            partial = {v: a for v, a in applied.items() if a not in (0, totals[v])}
            assert not partial, f"partial revisions on a transactional database: {partial}"
        return applied

    def has_filler(self, url: str) -> bool:
        return self.engine.table_exists(url, "filler")

    def check_applied_once(self, url: str, upto: int | None = None) -> None:
        """Every file up to ``upto`` (default: all) recorded as fully applied, exactly once, with its hash."""
        upto = self.files if upto is None else upto
        revisions = {str(r["version"]): r for r in self.engine.revisions(url)}
        sums = self.sums()
        expected = [self.version(i) for i in range(1, upto + 1)]
        assert sorted(revisions) == expected, f"revisions {sorted(revisions)} != files {expected}"
        for i in range(1, upto + 1):
            r = revisions[self.version(i)]
            n = self.statements(i)
            assert (r["applied"], r["total"]) == (n, n), f"file {i}: revision {r}"
            assert not r["error"] and not r["error_stmt"], f"file {i}: revision {r}"
            assert int(r["type"]) == 2, f"file {i}: revision type {r['type']} (2 = applied)"
            assert str(r["hash"]).removeprefix("h1:") == sums[self.version(i)], f"file {i}: hash {r['hash']}"
        counts = self.log_counts(url)
        want = Counter({(self.version(i), s): 1 for i in range(2, upto + 1) for s in STEPS})
        assert counts == want, f"applied_log is not exactly once: {diff_counts(counts, want)}"
        filler = self.engine.rows(url, "SELECT count(*) FROM filler")[0][0]
        assert filler == upto - 1, f"filler has {filler} rows, expected {upto - 1}"


def diff_counts(actual: Counter, want: Counter) -> dict:
    keys = set(actual) | set(want)
    return {k: (actual.get(k, 0), want.get(k, 0)) for k in sorted(keys) if actual.get(k, 0) != want.get(k, 0)}


# ---- running the CLI ---------------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> Run:
    proc = subprocess.run(
        [GRATICULE, *args], cwd=cwd, env=CLI_ENV, capture_output=True, text=True, timeout=timeout
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


# MySQL/MariaDB's apply lock is server-wide (GET_LOCK, as Atlas takes it): appliers of other tests on other
# databases of the same server take turns with ours. A generous default keeps a busy suite from failing on a
# lock that is only ever held for seconds; tests about the lock pass their own --lock-timeout.
LOCK_TIMEOUT = ("--lock-timeout", "60s")


def apply_args(url: str, dir_url: str, args: tuple[str, ...]) -> list[str]:
    wait = () if "--lock-timeout" in args else LOCK_TIMEOUT
    return ["migrate", "apply", "--url", url, "--dir", dir_url, *wait, *args]


def apply(url: str, dir_url: str, *args: str) -> Run:
    return cli(*apply_args(url, dir_url, args))


def spawn_apply(url: str, dir_url: str, *args: str, log: Path) -> subprocess.Popen:
    """Start ``migrate apply`` in the background; its output goes to ``log`` (read after it ends)."""
    out = log.open("w")
    try:
        return subprocess.Popen(
            [GRATICULE, *apply_args(url, dir_url, args)],
            env=CLI_ENV,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    finally:
        out.close()


def one_error_line(stderr: str) -> str:
    """The ``Error:`` line of a failed command; it must be the only error and no traceback."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    return errors[0]


LOCK_WORDS = re.compile(r"lock", re.IGNORECASE)
