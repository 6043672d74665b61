"""The PostgreSQL normaliser: equal things compare equal, unequal things stay unequal, checked against what
the server itself stores."""

from __future__ import annotations

import pytest

from graticule.planner.drivers.postgres import DRIVER
from graticule.planner.drivers.postgres.normalize import default_key, expr_key
from graticule.planner.drivers.postgres.types import canonical, needs_using
from graticule.planner.schema import Column, Schema

from .helpers import diff, rows, run, table

# Spellings people write → what format_type prints.
TYPE_ALIASES = [
    "int4",
    "int",
    "integer",
    "int8",
    "int2",
    "smallint",
    "varchar(20)",
    "character varying(20)",
    "VARCHAR ( 20 )",
    "varchar",
    "char",
    "char(3)",
    "character(3)",
    "bpchar",
    "timestamptz",
    "timestamp with time zone",
    "timestamptz(3)",
    "timestamp(3) with time zone",
    "timestamp",
    "timestamp(0)",
    "time",
    "timetz",
    "time(2) with time zone",
    "float",
    "float(10)",
    "float(30)",
    "float4",
    "float8",
    "real",
    "double precision",
    "decimal(10,2)",
    "numeric(10, 2)",
    "numeric",
    "bool",
    "bit",
    "bit(3)",
    "varbit(3)",
    "bit varying(3)",
    "int4[]",
    "_int4",
    "integer ARRAY",
    "text[][]",
    "varchar(5)[]",
    "interval year to month",
    "interval(3)",
    "jsonb",
    "uuid",
]


def test_type_spellings_canonicalise_to_what_the_server_prints(db):
    run(db, "CREATE TABLE t (" + ", ".join(f"c{i} {t}" for i, t in enumerate(TYPE_ALIASES)) + ")")
    printed = rows(
        db,
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum",
    )
    assert [canonical(t) for t in TYPE_ALIASES] == [p for (p,) in printed]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("integer", "bigint"),
        ("character varying(20)", "character varying(21)"),
        ("character varying", "text"),
        ("character(1)", "bpchar"),
        ("bit(3)", "bit varying(3)"),
        ("timestamp without time zone", "timestamp with time zone"),
        ("timestamp(3) with time zone", "timestamp with time zone"),
        ("integer[]", "integer"),
        ("serial", "integer"),
        ('"Mood"', "mood"),
        ("numeric(10,2)", "numeric"),
    ],
)
def test_different_types_stay_different(a, b):
    assert canonical(a) != canonical(b)


def test_type_keys_come_from_the_column_type():
    normalizer = DRIVER.normalizer
    assert normalizer.type_key(Column("a", "int4")) == normalizer.type_key(Column("a", "integer"))
    assert normalizer.type_key(Column("a", "int4")) != normalizer.type_key(Column("a", "int8"))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("'x'::character varying", "'x'"),
        ("'x'::text", "'x'::character varying"),
        ("(a + b)", "a + b"),
        ("((a > 0))", "a > 0"),
        ("(a > 0) AND (b > 0)", "a > 0 AND b > 0"),
        ("x::int4", "x::integer"),
        ("x::timestamptz", "x::timestamp with time zone"),
        ("nextval('t_id_seq'::regclass)", "nextval('t_id_seq')"),
        ('"name" > 0', "NAME > 0"),
        ("LOWER(name)", "lower(name)"),
        ("lower((name)::text)", "lower(name::text)"),
        (
            "((v)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
            "v::text = ANY (ARRAY['a', 'b']::text[])",
        ),
    ],
)
def test_equal_expressions(a, b):
    assert expr_key(a) == expr_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("(a + b) * c", "a + b * c"),
        ('"Name" > 0', "name > 0"),
        ("'a'", "'A'"),
        ("'x'::character varying(3)", "'x'"),  # a cast to varchar(3) truncates
        ("1", "1.0"),
        ("x::numeric(10,2)", "x::numeric(12,2)"),
        ("x::bit varying(3)", "x::bit varying(4)"),  # text sqlglot cannot read compares as text
        ("a > 0", "a >= 0"),
        ("nextval('a_seq')", "nextval('b_seq')"),
    ],
)
def test_unequal_expressions(a, b):
    assert expr_key(a) != expr_key(b)


def test_null_default_is_no_default():
    assert default_key("NULL") is None
    assert default_key(None) is None
    assert default_key("'NULL'") is not None


def test_server_spellings_of_one_schema_compare_equal(db):
    """Two spellings of the same columns, read back from the server, give no difference."""
    a = table(
        db,
        """CREATE TABLE t (a varchar(10) DEFAULT 'x', b int4 DEFAULT (1 + 2), c timestamptz DEFAULT now(),
        d text CHECK ((d <> ''::text)))""",
    )
    b = table(
        db,
        """CREATE TABLE t (a character varying(10) DEFAULT 'x'::character varying, b integer DEFAULT 1 + 2,
        c timestamp with time zone DEFAULT CURRENT_TIMESTAMP, d text CHECK (d <> ''))""",
    )
    assert diff(Schema("public", [a]), Schema("public", [b])) == []


@pytest.mark.parametrize(
    ("old", "new", "using"),
    [
        ("character varying(20)", "integer", True),
        ("integer", "boolean", True),
        ("text", "mood", True),
        ("integer", "integer[]", True),
        ("integer", "bigint", False),
        ("character varying(10)", "character varying(5)", False),  # must fail on long values, not truncate
        ("integer", "text", False),
        ("timestamp without time zone", "timestamp with time zone", False),
        ("serial", "bigint", False),
        ("json", "jsonb", False),
    ],
)
def test_using_only_without_an_assignment_cast(old, new, using):
    assert needs_using(old, new) is using
