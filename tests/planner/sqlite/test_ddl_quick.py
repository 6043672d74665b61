"""The quick CREATE TABLE / CREATE INDEX reader gives exactly what the full sqlglot reader gives, or stands
aside.

Statements are generated from a grammar that covers what the quick reader handles and much of what it must
refuse (comments, keyword names, key options, ON CONFLICT, odd literals, expressions everywhere). Whenever the
quick reader answers, the full reader must succeed with the same answer. Realistic DDL (Django's, the
planner's own, read back from SQLite) must take the quick path.
"""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graticule.planner.drivers.sqlite import ddl
from graticule.planner.drivers.sqlite.inspect import inspect_schema
from graticule.planner.drivers.sqlite.plan import create_table

from .helpers import connect

# ---- grammar -----------------------------------------------------------------------------------------------

names = st.sampled_from(
    [
        '"id"',
        '"a"',
        '"B"',
        '"we""ird"',
        '"with space"',
        '"check"',
        "`tick`",
        "`x``y`",
        "plain",
        "Mixed_Case",
        "key",
        "primary",
        "text",
        "order",
        "asc",
        "nocase",
        "strict",
        "rowid",
    ]
)
literals = st.sampled_from(
    ["0", "1", "-1", "+2", "1.5", "1e5", "0x1F", "'x'", "'it''s'", "''", "NULL", "TRUE", "CURRENT_TIMESTAMP"]
)
atoms = st.one_of(names, literals)


def expressions(depth: int = 2) -> st.SearchStrategy[str]:
    if depth == 0:
        return atoms
    inner = expressions(depth - 1)
    return st.one_of(
        atoms,
        st.tuples(
            inner,
            st.sampled_from(["+", "-", "*", "/", "%", "||", "=", "==", "!=", "<>", ">=", "<", "AND", "OR"]),
            inner,
        ).map(" ".join),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"NOT {e}"),
        inner.map(lambda e: f"{e} IS NULL"),
        inner.map(lambda e: f"{e} IS NOT NULL"),
        st.tuples(st.sampled_from(["lower", "length", "JSON_VALID", "mod", "substr", "coalesce"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        st.tuples(inner, inner).map(lambda t: f"mod({t[0]}, {t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]} IN ({t[1]}, 2)"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]} BETWEEN {t[1]} AND 3"),
        inner.map(lambda e: f"CAST({e} AS integer)"),
        inner.map(lambda e: f"CASE WHEN {e} THEN 1 ELSE 0 END"),
        inner.map(lambda e: f"{e} COLLATE nocase"),
        inner.map(lambda e: f"{e} DESC"),
    )


types = st.sampled_from(
    [
        "",
        "integer",
        "int",
        "varchar(100)",
        "decimal(10, 2)",
        "unsigned big int",
        "double precision",
        '"quoted type"',
        "text",
        "datetime",
        "bool",
        "blob",
    ]
)
actions = st.sampled_from(["CASCADE", "RESTRICT", "NO ACTION", "SET NULL", "SET DEFAULT"])
key_options = st.lists(
    st.one_of(
        actions.map(lambda a: f"ON DELETE {a}"),
        actions.map(lambda a: f"ON UPDATE {a}"),
        st.sampled_from(
            [
                "DEFERRABLE",
                "DEFERRABLE INITIALLY DEFERRED",
                "DEFERRABLE INITIALLY IMMEDIATE",
                "NOT DEFERRABLE",
                "NOT DEFERRABLE INITIALLY DEFERRED",
                "MATCH FULL",
                "INITIALLY DEFERRED",
            ]
        ),
    ),
    max_size=3,
).map(" ".join)
references = st.tuples(names, st.lists(names, max_size=2), key_options).map(
    lambda t: f"REFERENCES {t[0]}" + (f" ({', '.join(t[1])})" if t[1] else "") + (f" {t[2]}" if t[2] else "")
)
defaults = st.one_of(
    literals.map(lambda v: f"DEFAULT {v}"),
    expressions(1).map(lambda e: f"DEFAULT ({e})"),
    st.sampled_from(["DEFAULT x'00'", "DEFAULT N'n'", "DEFAULT abc", "DEFAULT 'a' 'b'", "DEFAULT -'x'"]),
)
column_constraints = st.one_of(
    st.sampled_from(
        [
            "NOT NULL",
            "NULL",
            "PRIMARY KEY",
            "PRIMARY KEY AUTOINCREMENT",
            "PRIMARY KEY DESC",
            "UNIQUE",
            "NOT NULL ON CONFLICT ABORT",
            "UNIQUE ON CONFLICT REPLACE",
            "COLLATE nocase",
            'COLLATE "NOCASE"',
            "COLLATE rtrim",
            "COLLATE binary",
            "COLLATE my_coll",
            "AUTOINCREMENT",
            "STORED",
        ]
    ),
    expressions().map(lambda e: f"CHECK ({e})"),
    defaults,
    references,
    st.tuples(expressions(1), st.sampled_from(["", " STORED", " VIRTUAL"])).map(
        lambda t: f"GENERATED ALWAYS AS ({t[0]}){t[1]}"
    ),
    st.tuples(expressions(1), st.sampled_from(["", " STORED", " VIRTUAL"])).map(
        lambda t: f"AS ({t[0]}){t[1]}"
    ),
)
named = st.tuples(st.one_of(st.just(""), names.map(lambda n: f"CONSTRAINT {n} ")), column_constraints).map(
    "".join
)
columns = st.tuples(names, types, st.lists(named, max_size=4)).map(
    lambda t: " ".join(filter(None, [t[0], t[1], *t[2]]))
)
ordered_names = st.tuples(names, st.sampled_from(["", " ASC", " DESC", " COLLATE nocase"])).map("".join)
table_constraints = st.tuples(
    st.one_of(st.just(""), names.map(lambda n: f"CONSTRAINT {n} ")),
    st.one_of(
        st.lists(ordered_names, min_size=1, max_size=3).map(lambda c: f"PRIMARY KEY ({', '.join(c)})"),
        st.lists(ordered_names, min_size=1, max_size=3).map(lambda c: f"UNIQUE ({', '.join(c)})"),
        expressions().map(lambda e: f"CHECK ({e})"),
        st.tuples(st.lists(names, min_size=1, max_size=2), references).map(
            lambda t: f"FOREIGN KEY ({', '.join(t[0])}) {t[1]}"
        ),
        st.sampled_from(
            ["PRIMARY KEY (a) ON CONFLICT FAIL", "CHECK (a) CHECK (b)", "UNIQUE (a) ON CONFLICT IGNORE"]
        ),
    ),
).map("".join)
blanks = st.sampled_from([" ", "  ", "\n  ", "\t", " -- note\n ", " /* note */ "])


@st.composite
def create_tables(draw: st.DrawFn) -> str:
    definitions = draw(st.lists(columns, min_size=1, max_size=4)) + draw(
        st.lists(table_constraints, max_size=3)
    )
    sep = draw(blanks)
    options = draw(st.sampled_from(["", " WITHOUT ROWID", " STRICT", " WITHOUT ROWID, STRICT", " strict"]))
    name = draw(names)
    return f"CREATE TABLE {name} ({sep}{(',' + sep).join(definitions)}){options}"


@st.composite
def create_indexes(draw: st.DrawFn) -> str:
    unique = draw(st.sampled_from(["", "UNIQUE "]))
    parts = draw(st.lists(st.one_of(ordered_names, expressions(1)), min_size=1, max_size=3))
    where = draw(st.one_of(st.just(""), expressions().map(lambda e: f" WHERE {e}")))
    return f"CREATE {unique}INDEX {draw(names)} ON {draw(names)} ({', '.join(parts)}){where}"


# The part of the grammar the quick reader must take: every statement built from it is read quickly, and the
# same way as the full reader reads it.
plain_names = st.sampled_from(
    [
        '"id"',
        '"a"',
        '"B"',
        '"we""ird"',
        '"with space"',
        '"check"',
        "`tick`",
        "`x``y`",
        "plain",
        "Mixed_Case",
        "strict",
    ]
)
plain_literals = st.sampled_from(
    ["0", "1", "-1", "+2", "1.5", "1e5", "'x'", "'it''s'", "''", "NULL", "TRUE", "CURRENT_TIMESTAMP"]
)


def plain_expressions(depth: int = 2) -> st.SearchStrategy[str]:
    if depth == 0:
        return st.one_of(plain_names, plain_literals)
    inner = plain_expressions(depth - 1)
    operators = st.sampled_from(["+", "*", "||", "=", "<>", ">=", "<", "AND", "OR"])
    return st.one_of(
        inner,
        st.tuples(inner, operators, inner).map(" ".join),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"{e} IS NOT NULL"),
        st.tuples(st.sampled_from(["lower", "JSON_VALID", "length"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"mod({t[0]}, {t[1]})"),
        inner.map(lambda e: f"CAST({e} AS integer)"),
        inner.map(lambda e: f"CASE WHEN {e} THEN 1 ELSE 0 END"),
    )


plain_references = st.tuples(
    plain_names,
    st.lists(plain_names, max_size=2),
    st.lists(
        st.one_of(
            actions.map(lambda a: f"ON DELETE {a}"),
            actions.map(lambda a: f"ON UPDATE {a}"),
            st.sampled_from(
                ["DEFERRABLE", "DEFERRABLE INITIALLY DEFERRED", "DEFERRABLE INITIALLY IMMEDIATE"]
            ),
        ),
        max_size=3,
    ),
).map(
    lambda t: (
        f"REFERENCES {t[0]}" + (f" ({', '.join(t[1])})" if t[1] else "") + "".join(f" {o}" for o in t[2])
    )
)
plain_column_constraints = st.one_of(
    *(
        st.just(c)
        for c in [
            "NOT NULL",
            "NULL",
            "PRIMARY KEY",
            "PRIMARY KEY AUTOINCREMENT",
            "PRIMARY KEY DESC",
            "UNIQUE",
            "COLLATE nocase",
            'COLLATE "NOCASE"',
            "COLLATE rtrim",
            "COLLATE my_coll",
        ]
    ),
    plain_expressions().map(lambda e: f"CHECK ({e})"),
    plain_literals.map(lambda v: f"DEFAULT {v}"),
    plain_references,
    st.tuples(
        st.sampled_from(["GENERATED ALWAYS AS", "AS"]),
        plain_expressions(1),
        st.sampled_from(["", " STORED", " VIRTUAL"]),
    ).map(lambda t: f"{t[0]} ({t[1]}){t[2]}"),
)
plain_named = st.tuples(
    st.one_of(st.just(""), plain_names.map(lambda n: f"CONSTRAINT {n} ")), plain_column_constraints
).map("".join)
plain_columns = st.tuples(plain_names, types, st.lists(plain_named, min_size=1, max_size=4)).map(
    lambda t: " ".join(filter(None, [t[0], t[1], *t[2]]))
)
plain_table_constraints = st.tuples(
    st.one_of(st.just(""), plain_names.map(lambda n: f"CONSTRAINT {n} ")),
    st.one_of(
        st.lists(
            st.tuples(plain_names, st.sampled_from(["", " ASC", " DESC"])).map("".join),
            min_size=1,
            max_size=3,
        ).map(lambda c: f"PRIMARY KEY ({', '.join(c)})"),
        st.lists(plain_names, min_size=1, max_size=3).map(lambda c: f"UNIQUE ({', '.join(c)})"),
        plain_expressions().map(lambda e: f"CHECK ({e})"),
        st.tuples(st.lists(plain_names, min_size=1, max_size=2), plain_references).map(
            lambda t: f"FOREIGN KEY ({', '.join(t[0])}) {t[1]}"
        ),
    ),
).map("".join)


@st.composite
def plain_create_tables(draw: st.DrawFn) -> str:
    definitions = draw(st.lists(plain_columns, min_size=1, max_size=4)) + draw(
        st.lists(plain_table_constraints, max_size=3)
    )
    sep = draw(st.sampled_from([" ", "\n  ", "\t"]))
    options = draw(st.sampled_from(["", " WITHOUT ROWID", " STRICT", " WITHOUT ROWID, STRICT"]))
    return f"CREATE TABLE {draw(plain_names)} ({sep}{(',' + sep).join(definitions)}){options}"


@st.composite
def plain_create_indexes(draw: st.DrawFn) -> str:
    unique = draw(st.sampled_from(["", "UNIQUE "]))
    part = st.tuples(
        plain_names, st.sampled_from(["", " ASC", " DESC", " COLLATE nocase", ' COLLATE "x" DESC'])
    )
    parts = draw(st.lists(part.map("".join), min_size=1, max_size=3))
    where = draw(st.one_of(st.just(""), plain_expressions().map(lambda e: f" WHERE {e}")))
    return f"CREATE {unique}INDEX {draw(plain_names)} ON {draw(plain_names)} ({', '.join(parts)}){where}"


# ---- equivalence -------------------------------------------------------------------------------------------


def full_table(sql: str) -> ddl.TableClauses | ddl.UnreadableDDLError:
    try:
        return ddl._full_read_create_table(sql, "t")
    except ddl.UnreadableDDLError as e:
        return e


def full_index(sql: str) -> ddl.IndexClauses | ddl.UnreadableDDLError:
    try:
        return ddl._full_read_create_index(sql, "i")
    except ddl.UnreadableDDLError as e:
        return e


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(create_tables())
def test_quick_table_reading_equals_the_full_reading_or_stands_aside(sql: str) -> None:
    quick = ddl._quick_read_create_table(sql)
    if quick is not None:
        assert quick == full_table(sql), sql


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(create_indexes())
def test_quick_index_reading_equals_the_full_reading_or_stands_aside(sql: str) -> None:
    quick = ddl._quick_read_create_index(sql)
    if quick is not None:
        assert quick == full_index(sql), sql


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_create_tables())
def test_quick_table_reading_takes_its_grammar(sql: str) -> None:
    quick = ddl._quick_read_create_table(sql)
    assert quick is not None, sql
    assert quick == full_table(sql), sql


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_create_indexes())
def test_quick_index_reading_takes_its_grammar(sql: str) -> None:
    quick = ddl._quick_read_create_index(sql)
    assert quick is not None, sql
    assert quick == full_index(sql), sql


@pytest.mark.parametrize(
    "sql",
    [
        'CREATE TABLE "t" ("a" integer NOT NULL ON CONFLICT FAIL)',  # refused by the full reader
        'CREATE TABLE "t" ("a" integer REFERENCES "p" NOT DEFERRABLE)',  # dropped by the full reader
        'CREATE TABLE "t" ("a" integer -- note\n CHECK ("a" > 0))',
        'CREATE TABLE "t" ([a] integer UNIQUE)',
        'CREATE TABLE "t" ("a" integer DEFAULT x\'00\' UNIQUE)',
        'CREATE TABLE "t" ("a" integer REFERENCES "p" MATCH FULL)',
        'CREATE TABLE "t" ("a" integer, CHECK ("a" > 0) CHECK ("a" < 9))',
        'CREATE TABLE "t" ("é" integer UNIQUE)',
        'CREATE TABLE "t" (text integer UNIQUE)',  # a keyword of sqlglot's as a plain name
        'CREATE TABLE "t" ("a" integer CHECK (\'unterminated)',
        # PRIMARY anywhere in a table constraint makes the full reader drop ASC/DESC inside it
        'CREATE TABLE "t" ("a" int, CONSTRAINT primary CHECK ("a" IN (SELECT 1 FROM "t" ORDER BY 1 DESC)))',
    ],
)
def test_statements_left_to_the_full_reader(sql: str) -> None:
    assert ddl._quick_read_create_table(sql) is None


# ---- realistic DDL takes the quick path --------------------------------------------------------------------

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


def stored(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
    ).fetchall()


def assert_quick_and_equal(rows: list[tuple[str, str, str]]) -> None:
    for kind, name, sql in rows:
        if kind == "table":
            quick, full = ddl._quick_read_create_table(sql), ddl._full_read_create_table(sql, name)
        else:
            quick, full = ddl._quick_read_create_index(sql), ddl._full_read_create_index(sql, name)
        assert quick is not None, sql
        assert quick == full, sql


def test_django_ddl_takes_the_quick_path() -> None:
    assert_quick_and_equal(stored(connect(DJANGO_DDL)))


@pytest.mark.parametrize("indent", ["", "  "], ids=["compact", "pretty"])
def test_planner_ddl_takes_the_quick_path(indent: str) -> None:
    desired = inspect_schema(connect(DJANGO_DDL))
    planned = connect()
    for table in desired.tables:
        for statement in create_table(table):
            planned.execute(statement.sql(indent))
    assert_quick_and_equal(stored(planned))


def test_each_caller_gets_its_own_copy() -> None:
    sql = 'CREATE TABLE "t" ("a" integer UNIQUE CHECK ("a" > 0) REFERENCES "p" ("id"))'
    first = ddl.read_create_table(sql, "t")
    first.checks[0].expr = "changed"
    first.uniques[0].columns.append("b")
    first.foreign_keys[0].ref_columns.clear()
    first.columns["a"].collation = "NOCASE"
    assert ddl.read_create_table(sql, "t") == ddl._full_read_create_table(sql, "t")
