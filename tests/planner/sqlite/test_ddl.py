"""Reading SQLite's stored CREATE statements: what the pragmas do not say."""

from __future__ import annotations

import sqlite3

import pytest

from graticule.planner.drivers.sqlite import ddl
from graticule.planner.drivers.sqlite.inspect import inspect_schema
from graticule.planner.drivers.sqlite.plan import create_table
from graticule.planner.schema import Check

from .helpers import connect

DJANGO_DDL = """
CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL,
    "last_login" datetime NULL, "username" varchar(150) NOT NULL UNIQUE);
CREATE TABLE "shop_item" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "code" varchar(20) NULL,
    "meta" text NOT NULL CHECK ((JSON_VALID("meta") OR "meta" IS NULL)), "price" decimal NOT NULL,
    "score" integer unsigned NOT NULL CHECK ("score" >= 0), "ref" char(32) NOT NULL UNIQUE,
    "name" varchar(40) NOT NULL COLLATE NOCASE DEFAULT 'x',
    "owner_id" integer NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED,
    "parent_id" bigint NULL REFERENCES "shop_item" ("id") DEFERRABLE INITIALLY DEFERRED,
    "total" integer GENERATED ALWAYS AS ("score" * 2) STORED,
    CONSTRAINT "item_price_nonneg" CHECK ("price" >= '0'));
CREATE INDEX "shop_item_owner_id_1a2b3c4d" ON "shop_item" ("owner_id");
CREATE UNIQUE INDEX "item_code_when_set" ON "shop_item" ("code") WHERE "code" IS NOT NULL;
CREATE INDEX "item_name_desc" ON "shop_item" ("name" COLLATE RTRIM DESC, "score");
"""


def readings(conn: sqlite3.Connection) -> dict[str, ddl.TableClauses | ddl.IndexClauses]:
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    return {
        name: ddl.read_create_table(sql, name) if kind == "table" else ddl.read_create_index(sql, name)
        for kind, name, sql in rows
    }


def test_django_ddl_reading() -> None:
    read = readings(connect(DJANGO_DDL))
    item = read["shop_item"]
    assert isinstance(item, ddl.TableClauses)
    assert item.autoincrement
    assert item.checks == [
        Check(name=None, expr='JSON_VALID("meta") OR "meta" IS NULL'),
        Check(name=None, expr='"score" >= 0'),
        Check(name="item_price_nonneg", expr="\"price\" >= '0'"),
    ]
    assert item.uniques == [ddl.UniqueClause(name=None, columns=["ref"])]
    assert [(fk.columns, fk.ref_table, fk.deferrable, fk.initially_deferred) for fk in item.foreign_keys] == [
        (["owner_id"], "auth_user", True, True),
        (["parent_id"], "shop_item", True, True),
    ]
    assert item.columns["name"].collation == "NOCASE"
    assert item.columns["total"].generated == '"score" * 2'
    assert read["item_code_when_set"] == ddl.IndexClauses(
        keys=[ddl.IndexKeyClause(expr=None)], predicate='NOT "code" IS NULL'
    )
    assert read["item_name_desc"] == ddl.IndexClauses(
        keys=[ddl.IndexKeyClause(expr=None, collation="RTRIM"), ddl.IndexKeyClause(expr=None)]
    )


@pytest.mark.parametrize("indent", ["", "  "], ids=["compact", "pretty"])
def test_planner_ddl_reads_like_django_ddl(indent: str) -> None:
    django = connect(DJANGO_DDL)
    planned = connect()
    for table in inspect_schema(django).tables:
        for statement in create_table(table):
            planned.execute(statement.sql(indent))
    assert meaning(readings(planned)) == meaning(readings(django))


def meaning(read: dict[str, ddl.TableClauses | ddl.IndexClauses]) -> dict[str, object]:
    """Readings without the empty column entries a column-level constraint leaves (the planner writes UNIQUE
    at table level, Django on the column)."""
    for clauses in read.values():
        if isinstance(clauses, ddl.TableClauses):
            clauses.columns = {name: c for name, c in clauses.columns.items() if c != ddl.ColumnClauses()}
    return dict(read)


def test_each_caller_gets_its_own_copy() -> None:
    sql = 'CREATE TABLE "t" ("a" integer UNIQUE CHECK ("a" > 0) REFERENCES "p" ("id"))'
    first = ddl.read_create_table(sql, "t")
    expected = ddl.read_create_table(sql, "t")
    first.checks[0].expr = "changed"
    first.uniques[0].columns.append("b")
    first.foreign_keys[0].ref_columns.clear()
    first.columns["a"].collation = "NOCASE"
    assert ddl.read_create_table(sql, "t") == expected
    index = ddl.read_create_index('CREATE INDEX "i" ON "t" ("a" COLLATE NOCASE)', "i")
    index.keys[0].collation = None
    assert (
        ddl.read_create_index('CREATE INDEX "i" ON "t" ("a" COLLATE NOCASE)', "i").keys[0].collation
        == "NOCASE"
    )


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # A bare word after DEFAULT is a string (SQLite's grammar), even a word that opens a constraint.
        (
            "CREATE TABLE t (a text DEFAULT generated COLLATE nocase)",
            ddl.TableClauses(columns={"a": ddl.ColumnClauses(collation="NOCASE")}),
        ),
        # SET NULL and SET DEFAULT are actions of the key, not a NULL or DEFAULT constraint of the column.
        (
            "CREATE TABLE t (a int REFERENCES p ON DELETE SET NULL NOT NULL,"
            " b int REFERENCES p ON UPDATE SET DEFAULT DEFAULT 3 CONSTRAINT u UNIQUE)",
            ddl.TableClauses(
                columns={"a": ddl.ColumnClauses(), "b": ddl.ColumnClauses()},
                uniques=[ddl.UniqueClause(name="u", columns=["b"])],
                foreign_keys=[
                    ddl.ForeignKeyClause(None, ["a"], "p", []),
                    ddl.ForeignKeyClause(None, ["b"], "p", []),
                ],
            ),
        ),
        # Of two names in a row, SQLite gives the constraint the second.
        (
            "CREATE TABLE t (a int CONSTRAINT x CONSTRAINT y UNIQUE)",
            ddl.TableClauses(columns={"a": ddl.ColumnClauses()}, uniques=[ddl.UniqueClause("y", ["a"])]),
        ),
        (
            "CREATE TABLE t (a integer NOT NULL CONSTRAINT pk PRIMARY KEY ASC AUTOINCREMENT)",
            ddl.TableClauses(columns={"a": ddl.ColumnClauses()}, primary_key_name="pk", autoincrement=True),
        ),
    ],
)
def test_column_constraints_are_read_one_by_one(sql: str, expected: ddl.TableClauses) -> None:
    connect(f"CREATE TABLE p (id int PRIMARY KEY); {sql}")
    assert ddl.read_create_table(sql, "t") == expected


def test_mod_stays_a_function_and_a_name() -> None:
    # sqlglot reads mod(x, y) as x % y, which SQLite computes differently; a table may be called mod too.
    sql = 'CREATE TABLE t (a real CHECK (mod(a, 2) = 0.5 AND a % 2 = 0), b int REFERENCES "mod" ("id"))'
    connect(f'CREATE TABLE "mod" ("id" int PRIMARY KEY); {sql}')
    read = ddl.read_create_table(sql, "t")
    assert [check.expr for check in read.checks] == ["MOD(a, 2) = 0.5 AND a % 2 = 0"]
    assert [(fk.ref_table, fk.ref_columns) for fk in read.foreign_keys] == [("mod", ["id"])]
    index = ddl.read_create_index('CREATE INDEX "i" ON "mod" (mod("id", 3))', "i")
    assert index.keys == [ddl.IndexKeyClause(expr='MOD("id", 3)')]
