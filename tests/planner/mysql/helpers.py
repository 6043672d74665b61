"""Helpers for the MySQL/MariaDB tests: scratch databases on the test server and verified round trips."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import servers

from graticule.planner.changes import Change
from graticule.planner.diff import diff_schemas
from graticule.planner.drivers.mysql import DRIVER
from graticule.planner.drivers.mysql.devdb import MySQLDevDatabase
from graticule.planner.migrate.split import split_statements
from graticule.planner.plan import Statement
from graticule.planner.schema import Schema
from graticule.planner.urls import parse_url

DEV_URL = servers.MYSQL_URL

# What Django's MySQL backend emits for the polls tutorial (``sqlmigrate polls 0001`` on MariaDB).
DJANGO_POLLS = (
    "CREATE TABLE `polls_question` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, "
    "`question_text` varchar(200) NOT NULL, `pub_date` datetime(6) NOT NULL);\n"
    "CREATE TABLE `polls_choice` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, "
    "`choice_text` varchar(200) NOT NULL, `votes` integer NOT NULL, `question_id` bigint NOT NULL);\n"
    "ALTER TABLE `polls_choice` ADD CONSTRAINT `polls_choice_question_id_c5b4b260_fk_polls_question_id` "
    "FOREIGN KEY (`question_id`) REFERENCES `polls_question` (`id`);\n"
)


@contextmanager
def scratch(sql: str = "") -> Iterator[MySQLDevDatabase]:
    """A fresh scratch database on the test server holding ``sql``; dropped afterwards."""
    db = MySQLDevDatabase(parse_url(DEV_URL))
    try:
        run(db, sql)
        yield db
    finally:
        db.close()


def run(db: MySQLDevDatabase, sql: str) -> None:
    """Execute a multi-statement SQL text, statement by statement (as a migration file is run)."""
    for stmt in split_statements(sql, "mysql"):
        db.execute(stmt.text)


def inspect(db: MySQLDevDatabase) -> Schema:
    return DRIVER.inspect(db.conn, db.schema)


def rows(db: MySQLDevDatabase, query: str) -> list[tuple]:
    with db.conn.cursor() as cur:
        cur.execute(query)
        return [tuple(r) for r in cur.fetchall()]


def diff(current: Schema, desired: Schema) -> list[Change]:
    return diff_schemas(current, desired, DRIVER.normalizer, lazy_fk_targets=DRIVER.lazy_fk_targets)


def script(statements: list[Statement], indent: str = "") -> str:
    """The plan as Atlas's migration file layout writes it."""
    return "".join(f"-- {s.comment}\n{s.sql(indent)};\n" for s in statements)


@dataclass
class Migration:
    db: MySQLDevDatabase
    """The database that held the current state and now holds the migrated one."""
    changes: list[Change]
    statements: list[Statement]

    @property
    def script(self) -> str:
        return script(self.statements)

    def rows(self, query: str) -> list[tuple]:
        return rows(self.db, query)


@contextmanager
def migrate(current_sql: str, desired_sql: str, rows_sql: str = "") -> Iterator[Migration]:
    """Build both states in scratch databases, plan current → desired, run the plan statement by statement
    on the current one and require that it now inspects equal to the desired one (graticule's verify step)."""
    with scratch(current_sql) as db, scratch(desired_sql) as target:
        run(db, rows_sql)
        desired = inspect(target)
        changes = diff(inspect(db), desired)
        statements = DRIVER.plan(changes)
        for statement in statements:
            try:
                db.execute(statement.sql())
            except Exception as e:
                raise AssertionError(f"{e}\nin plan:\n{script(statements)}") from e
        residual = diff(inspect(db), desired)
        assert residual == [], f"plan did not converge:\n{script(statements)}\n{residual}"
        yield Migration(db, changes, statements)
