"""The SQLite normaliser, checked against what SQLite itself stores and computes.

Defaults: two literal defaults get the same key exactly when SQLite stores the same value (type and bytes) in
columns of every affinity. Expressions: pairs the normaliser calls equal evaluate the same on sample rows, and
pairs it calls different really do evaluate differently somewhere.
"""

from __future__ import annotations

import itertools
import sqlite3

import pytest

from graticule.planner.drivers.sqlite.inspect import inspect_schema
from graticule.planner.drivers.sqlite.normalize import SQLiteNormalizer
from graticule.planner.schema import Column

N = SQLiteNormalizer()


def type_key(declared: str) -> str:
    return N.type_key(Column(name="c", type=declared))


def default_key(default: str | None) -> str | None:
    return N.default_key(Column(name="c", type="", default=default))


# ---- types -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["varchar(200)", "VARCHAR(200)", "varchar ( 200 )", " Varchar(200)  "],
        ["decimal(10,2)", "DECIMAL(10, 2)", "decimal ( 10 , 2 )"],
        ["double precision", "DOUBLE   PRECISION", "double\tprecision"],
        ["smallint unsigned", "SMALLINT UNSIGNED"],
        ["", "  "],
    ],
)
def test_type_spellings_that_are_equal(spellings):
    assert len({type_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("int", "integer"),  # same affinity, but only INTEGER PRIMARY KEY aliases the rowid
        ("varchar(100)", "varchar(200)"),  # SQLite ignores the length; the user asked for a change
        ("bigint", "integer"),
        ("", "blob"),
        ("unsigned big int", "big int"),
        ("varchar(10)", "varchar"),
    ],
)
def test_types_that_differ(a, b):
    assert type_key(a) != type_key(b)


# ---- defaults ----------------------------------------------------------------------------------------------

LITERAL_DEFAULTS = [
    None,  # no DEFAULT clause
    "NULL",
    "(NULL)",
    "0",
    "(0)",
    "+0",
    "-0",
    "0x0",
    "FALSE",
    "(false)",
    "0.0",
    "-0.0",
    "1",
    "TRUE",
    "+1",
    "0x1",
    "(1)",
    "'1'",
    "1.0",
    "1e0",
    "1.",
    "'1.0'",
    "1.5",
    "'1.5'",
    "-1",
    "(-1)",
    "- 1",
    "-1.0",
    "0xFFFFFFFFFFFFFFFF",
    "9223372036854775807",
    "9223372036854775808",
    "9.223372036854775808e18",
    "-9223372036854775808",
    "'x'",
    "('x')",
    "x",
    '"x"',
    "'X'",
    "''",
    "'it''s'",
    "X''",
    "X'01'",
    "x'01'",
    "X'0a'",
    "X'0A'",
    "'TRUE'",
    "'NULL'",
]
AFFINITIES = ["integer", "real", "text", "blob", "numeric"]


def _stored(default: str | None) -> tuple:
    """(typeof, quote) of what SQLite stores for ``default`` in a column of each affinity."""
    conn = sqlite3.connect(":memory:")
    clause = "" if default is None else f" DEFAULT {default}"
    conn.execute("CREATE TABLE t (" + ", ".join(f"c_{a} {a}{clause}" for a in AFFINITIES) + ")")
    conn.execute("INSERT INTO t DEFAULT VALUES")
    row = conn.execute("SELECT " + ", ".join(f"typeof(c_{a}), quote(c_{a})" for a in AFFINITIES) + " FROM t")
    return row.fetchone()


def test_literal_defaults_are_equal_exactly_when_sqlite_stores_the_same_value():
    stored = {d: _stored(d) for d in LITERAL_DEFAULTS}
    wrong = [
        (a, b, default_key(a), default_key(b))
        for a, b in itertools.combinations(LITERAL_DEFAULTS, 2)
        if (default_key(a) == default_key(b)) != (stored[a] == stored[b])
    ]
    assert wrong == []


def test_the_ground_truth_separates_what_the_brief_calls_different():
    # The check above is only as strong as the stored values are distinct; these must be.
    assert _stored("'1'") != _stored("1")
    assert _stored("1") != _stored("1.0")
    assert _stored("TRUE") == _stored("1")
    assert default_key("'1'") != default_key("1")
    assert default_key("TRUE") == default_key("1")


@pytest.mark.parametrize(
    "spellings",
    [
        ["CURRENT_TIMESTAMP", "current_timestamp", "(CURRENT_TIMESTAMP)"],
        ["CURRENT_DATE", "current_date"],
        ["(datetime('now'))", "datetime( 'now' )", "(DATETIME('now'))", "((datetime('now')))"],
        ["(lower('X') || 'y')", "(LOWER('X')||'y')"],
    ],
)
def test_time_and_expression_defaults_that_are_equal(spellings):
    assert len({default_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("CURRENT_TIMESTAMP", "CURRENT_DATE"),
        ("CURRENT_TIMESTAMP", "(datetime('now'))"),  # same text today, but different SQL
        ("(datetime('now'))", "'now'"),
        ("(lower('X'))", "(upper('X'))"),
        # Constant expressions are not folded: equal values, but kept apart on purpose (a needless rebuild is
        # safe, a missed change is not).
        ("(1 + 1)", "2"),
    ],
)
def test_time_and_expression_defaults_that_differ(a, b):
    assert default_key(a) != default_key(b)


# ---- expressions -------------------------------------------------------------------------------------------

SAMPLE_ROWS = [
    (None, None, None),
    (0, "x", "1"),
    (1, "X", 1),
    (2, "1", 1.5),
    (-3, "abc", "x"),
    (5, "1.0", b"\x01"),
    (16, "it's", 0),
]


@pytest.fixture(scope="module")
def sample() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE s (a integer, b text, c)")
    conn.executemany("INSERT INTO s VALUES (?, ?, ?)", SAMPLE_ROWS)
    return conn


def evaluate(conn: sqlite3.Connection, expr: str) -> list:
    return [row[0] for row in conn.execute(f"SELECT {expr} FROM s ORDER BY rowid")]


EQUAL_EXPRESSIONS = [
    ['"a" >= 0', "a>=0", '((("A")) >= (0))', "(a >= 0)"],
    ["a == 1", "a = 1", "A=1"],
    ["a <> 1", "a != 1"],
    ["lower(b) = 'x'", "LOWER(\"B\") = 'x'", "Lower( b )='x'"],
    ["(a + 1) * 2", "((a + 1)) * (2)"],
    ["a + 1 * 2", "a + (1 * 2)"],
    ["a IS NOT NULL", "a NOT NULL", "a NOTNULL", "NOT (a IS NULL)"],
    ["ifnull(a, 0)", "coalesce(a, 0)", "IFNULL(a,0)"],
    ["a IN (1, 2)", "a in(1,2)"],
    ["b COLLATE NOCASE = 'x'", "b collate nocase = 'x'", "(b COLLATE nocase) = 'x'"],
    ["1e3 < a", "1000.0 < a", "(1000.) < a"],
    ["0x10 = a", "16 = a"],
    ["CASE WHEN a > 0 THEN 'p' ELSE 'n' END", "case when (a > 0) then 'p' else 'n' end"],
    ["substr(b, 1, 1)", "substring(b, 1, 1)", "SUBSTR(b,1,1)"],
    ["a BETWEEN 1 AND 3", "a between (1) and (3)"],
    ["NOT a > 1", "NOT (a > 1)"],
    ["b || 'x'", "(b) || ('x')"],
    ["replace(b, 'x', 'y')", "REPLACE(b,'x','y')"],
]


@pytest.mark.parametrize("spellings", EQUAL_EXPRESSIONS, ids=lambda s: s[0])
def test_expression_spellings_that_are_equal(sample, spellings):
    assert len({N.expr_key(s) for s in spellings}) == 1
    # Sanity of the claim: SQLite computes the same for every spelling.
    results = [evaluate(sample, s) for s in spellings]
    assert all(r == results[0] for r in results)


DIFFERENT_EXPRESSIONS = [
    ("(a + 2) * 3", "a + 2 * 3"),
    ("-(a + 1)", "-a + 1"),
    ("NOT (a AND b)", "NOT a AND b"),
    ("c = '1'", "c = 1"),
    ("b = 1.0", "b = 1"),
    ("b = 'X'", "b = 'x'"),
    ("a IS TRUE", "a IS 1"),  # IS TRUE holds for any non-zero number
    ("b COLLATE NOCASE = 'x'", "b = 'x'"),
    ('length("b")', "length('b')"),  # a column, a string
    ("a % 2", "a - 2"),
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT_EXPRESSIONS)
def test_expressions_that_differ(sample, a, b):
    assert N.expr_key(a) != N.expr_key(b)
    # And they really differ: SQLite computes something else for at least one sample row.
    assert evaluate(sample, a) != evaluate(sample, b)


def test_mod_function_is_not_the_modulo_operator(sample):
    # sqlglot would read mod(x, y) as x % y; SQLite's mod() keeps the fraction, % truncates to integers.
    assert N.expr_key("mod(c, 1)") != N.expr_key("c % 1")
    try:
        assert evaluate(sample, "mod(c, 1)") != evaluate(sample, "c % 1")
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no math functions")


def test_string_literals_are_compared_exactly():
    assert N.expr_key("b = 'a  b'") != N.expr_key("b = 'a b'")
    assert N.expr_key("b = 'ABC'") != N.expr_key("b = 'abc'")


def test_no_expression_is_none():
    assert N.expr_key(None) is None


# ---- inspector and normaliser together ---------------------------------------------------------------------


def test_two_spellings_of_one_table_read_back_as_equal(sample):
    a = sqlite3.connect(":memory:")
    b = sqlite3.connect(":memory:")
    a.executescript(
        'CREATE TABLE "t" ("n" VARCHAR(10) NOT NULL DEFAULT (\'x\') CHECK (("n" <> \'\')), '
        '"m" integer DEFAULT (0), "g" integer GENERATED ALWAYS AS (("m" + 1)) VIRTUAL);'
        'CREATE INDEX "t_i" ON "t" (lower("n")) WHERE ("m" > 0);'
    )
    b.executescript(
        "create table t (n varchar ( 10 ) not null default 'x' check (N != ''), m INTEGER default 0,"
        " g INTEGER as (m+1));"
        "create index t_i on t (LOWER(n)) where m>0;"
    )
    (ta,) = inspect_schema(a).tables
    (tb,) = inspect_schema(b).tables

    for ca, cb in zip(ta.columns, tb.columns, strict=True):
        assert N.type_key(ca) == N.type_key(cb)
        assert N.default_key(ca) == N.default_key(cb)
        generated = [c.generated.expr if c.generated else None for c in (ca, cb)]
        assert N.expr_key(generated[0]) == N.expr_key(generated[1])
    assert N.expr_key(ta.checks[0].expr) == N.expr_key(tb.checks[0].expr)
    assert N.expr_key(ta.indexes[0].parts[0].expr) == N.expr_key(tb.indexes[0].parts[0].expr)
    assert N.expr_key(ta.indexes[0].predicate) == N.expr_key(tb.indexes[0].predicate)
    # The raw text differs; only the keys agree.
    assert ta.checks[0].expr != tb.checks[0].expr
