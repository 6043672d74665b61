"""A scratch database per test on each engine, a migration directory, and the CLI run in-process."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import servers
from click.testing import CliRunner

from graticule.planner.cli import main
from graticule.planner.migrate.directory import MigrationDir

ENGINES = ("sqlite", "postgres", "mysql")
LOCKED = "Error: acquiring database lock: lock is held by other session\n"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


class Database:
    """One scratch database; ``query`` runs SQL on a fresh autocommit connection."""

    def __init__(self, engine: str, tmp_path: Path) -> None:
        self.engine = engine
        self.name = f"grat_apply_{uuid.uuid4().hex[:10]}"
        if engine == "sqlite":
            self.path = tmp_path / "db.sqlite"
            self.url = f"sqlite://{self.path}"
            sqlite3.connect(self.path).close()  # an existing, empty database, as on the servers
        elif engine == "postgres":
            self._admin(f'CREATE DATABASE "{self.name}"')
            parts = urlsplit(servers.POSTGRES_URL)
            self.url = urlunsplit((parts.scheme, parts.netloc, "/" + self.name, "", ""))
        else:
            self._admin(f"CREATE DATABASE `{self.name}`")
            parts = urlsplit(servers.MYSQL_URL)
            self.url = urlunsplit((parts.scheme, parts.netloc, "/" + self.name, "", ""))

    @property
    def schema(self) -> str:
        """Where user tables go (the connected schema)."""
        return {"sqlite": "main", "postgres": "public", "mysql": self.name}[self.engine]

    @property
    def revisions_table(self) -> str:
        return {
            "sqlite": "atlas_schema_revisions",
            "postgres": "atlas_schema_revisions.atlas_schema_revisions",
            "mysql": f"`{self.name}`.atlas_schema_revisions",
        }[self.engine]

    def connect(self) -> Any:
        if self.engine == "sqlite":
            return sqlite3.connect(self.path, isolation_level=None)
        if self.engine == "postgres":
            import psycopg

            return psycopg.connect(
                **{**servers.postgres_connect_kwargs(), "dbname": self.name}, autocommit=True
            )
        import pymysql

        return pymysql.connect(**{**servers.mysql_connect_kwargs(), "database": self.name}, autocommit=True)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = self.connect()
        try:
            cur = conn.cursor()
            cur.execute(sql, params or None) if self.engine != "sqlite" else cur.execute(sql, params)
            return list(cur.fetchall()) if cur.description else []
        finally:
            conn.close()

    def tables(self) -> set[str]:
        if self.engine == "sqlite":
            rows = self.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
            )
        else:
            ph = "%s"
            rows = self.query(
                f"SELECT table_name FROM information_schema.tables WHERE table_schema = {ph}", (self.schema,)
            )
        return {r[0] for r in rows} - {"atlas_schema_revisions"}

    def revisions(self) -> list[dict]:
        cols = (
            "version, description, type, applied, total, executed_at, execution_time, error, error_stmt, "
            "hash, partial_hashes, operator_version"
        )
        rows = self.query(f"SELECT {cols} FROM {self.revisions_table} ORDER BY version")
        out = []
        for row in rows:
            rev = dict(zip([c.strip() for c in cols.split(",")], row, strict=True))
            partial = rev["partial_hashes"]
            rev["partial_hashes"] = json.loads(partial) if isinstance(partial, str) else partial
            out.append(rev)
        return out

    def _admin(self, sql: str) -> None:
        if self.engine == "postgres":
            import psycopg

            with psycopg.connect(**servers.postgres_connect_kwargs(), autocommit=True) as conn:
                conn.execute(sql)
        else:
            import pymysql

            conn = pymysql.connect(**servers.mysql_connect_kwargs(), autocommit=True)
            try:
                conn.cursor().execute(sql)
            finally:
                conn.close()

    def drop(self) -> None:
        if self.engine == "postgres":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        elif self.engine == "mysql":
            self._admin(f"DROP DATABASE IF EXISTS `{self.name}`")


class Workspace:
    """A migration directory next to a database; commands run in-process through click's runner."""

    def __init__(self, root: Path, db: Database) -> None:
        self.root = root
        self.db = db
        self.migrations = root / "migrations"
        self.migrations.mkdir(parents=True, exist_ok=True)
        self.dir_url = f"file://{self.migrations}"

    def write(self, name: str, content: str, *, rehash: bool = True) -> None:
        (self.migrations / name).write_text(content)
        if rehash:
            self.rehash()

    def remove(self, name: str) -> None:
        (self.migrations / name).unlink()
        self.rehash()

    def rehash(self) -> None:
        MigrationDir(self.migrations).write_sum()

    def sum_hash(self, name: str) -> str:
        return next(e.hash for e in MigrationDir(self.migrations).checksum().entries if e.name == name)

    def run(self, *args: str) -> Result:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    def apply(self, *args: str) -> Result:
        return self.run("migrate", "apply", "--url", self.db.url, "--dir", self.dir_url, *args)

    def status(self, *args: str) -> Result:
        return self.run("migrate", "status", "--url", self.db.url, "--dir", self.dir_url, *args)

    def set(self, *args: str) -> Result:
        result = self.run("migrate", "set", "--url", self.db.url, "--dir", self.dir_url, *args)
        # `set` does not wait for the apply lock (Atlas's rule), and MariaDB's lock is server-wide: an apply
        # on another test's database makes it fail at once. Retry that case only.
        deadline = time.monotonic() + 30
        while self.db.engine == "mysql" and result.stderr == LOCKED and time.monotonic() < deadline:
            time.sleep(0.2)
            result = self.run("migrate", "set", "--url", self.db.url, "--dir", self.dir_url, *args)
        return result
