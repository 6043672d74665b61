"""The SQLite inspector against real in-memory databases: every schema feature, Django's DDL, query counts."""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass

import pytest

from graticule.planner.drivers.sqlite.ddl import UnreadableDDLError
from graticule.planner.drivers.sqlite.inspect import check_clean, inspect_schema
from graticule.planner.errors import NotCleanError
from graticule.planner.schema import (
    CASCADE,
    NO_ACTION,
    RESTRICT,
    SET_DEFAULT,
    SET_NULL,
    Check,
    ForeignKey,
    Generated,
    Index,
    IndexPart,
    PrimaryKey,
    Table,
)

# What `python manage.py sqlmigrate polls 0001` prints for the tutorial's polls app on SQLite.
DJANGO_POLLS = """
CREATE TABLE "polls_question" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "question_text" varchar(200) NOT NULL, "pub_date" datetime NOT NULL);
CREATE TABLE "polls_choice" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "choice_text" varchar(200) NOT NULL, "votes" integer NOT NULL,
    "question_id" bigint NOT NULL REFERENCES "polls_question" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "polls_choice_question_id_c5b4b260" ON "polls_choice" ("question_id");
"""


@pytest.fixture
def conn() -> sqlite3.Connection:
    return sqlite3.connect(":memory:")


def inspect(conn: sqlite3.Connection, ddl: str) -> list[Table]:
    conn.executescript(ddl)
    return inspect_schema(conn).tables


def table(conn: sqlite3.Connection, ddl: str) -> Table:
    (only,) = inspect(conn, ddl)
    return only


# ---- Django's DDL ------------------------------------------------------------------------------------------


def test_django_polls_tables(conn):
    choice, question = inspect(conn, DJANGO_POLLS)

    assert [t.name for t in (choice, question)] == ["polls_choice", "polls_question"]
    assert [(c.name, c.type, c.nullable) for c in choice.columns] == [
        ("id", "integer", False),
        ("choice_text", "varchar(200)", False),
        ("votes", "integer", False),
        ("question_id", "bigint", False),
    ]
    assert question.column("pub_date").type == "datetime"
    assert choice.primary_key == PrimaryKey(columns=["id"], name=None, auto_increment=True)
    assert choice.foreign_keys == [
        ForeignKey(
            name=None,
            columns=["question_id"],
            ref_table="polls_question",
            ref_columns=["id"],
            on_update=NO_ACTION,
            on_delete=NO_ACTION,
            deferrable=True,
            initially_deferred=True,
        )
    ]
    assert choice.indexes == [
        Index(name="polls_choice_question_id_c5b4b260", parts=[IndexPart(column="question_id")])
    ]
    assert choice.checks == [] and choice.options == {}


def test_django_inline_unique_is_an_unnamed_unique_constraint(conn):
    t = table(conn, 'CREATE TABLE "blog_post" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
              '"slug" varchar(50) NOT NULL UNIQUE)')  # fmt: skip

    assert t.indexes == [Index(name=None, parts=[IndexPart(column="slug")], unique=True, constraint=True)]


def test_django_named_unique_and_check_constraints(conn):
    t = table(
        conn,
        'CREATE TABLE "blog_feedback" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
        '"a" integer NOT NULL, "b" integer NOT NULL, "votes" integer unsigned NOT NULL CHECK ("votes" >= 0), '
        'CONSTRAINT "x" UNIQUE ("a", "b"), CONSTRAINT "c" CHECK ("votes" >= 0))',
    )

    assert t.column("votes").type == "integer unsigned"
    assert t.indexes == [
        Index(name="x", parts=[IndexPart(column="a"), IndexPart(column="b")], unique=True, constraint=True)
    ]
    # Django writes a PositiveIntegerField's check inline and a Meta.constraints check as a named constraint.
    assert t.checks == [Check(name=None, expr='"votes" >= 0'), Check(name="c", expr='"votes" >= 0')]


# ---- columns -----------------------------------------------------------------------------------------------


def test_declared_types_are_lower_cased_as_declared(conn):
    t = table(
        conn,
        "CREATE TABLE t (a VARCHAR(200), b INTEGER, c BigInt, d DATETIME, e bool, f decimal, g REAL, h Text, "
        'i smallint unsigned, j varchar ( 200 ), k unsigned big int, l decimal(10, 2), m, n "my type", '
        "o double precision)",
    )

    assert [c.type for c in t.columns] == [
        "varchar(200)",
        "integer",
        "bigint",
        "datetime",
        "bool",
        "decimal",
        "real",
        "text",
        "smallint unsigned",
        "varchar ( 200 )",  # spacing is the normaliser's business, the model keeps the declaration
        "unsigned big int",
        "decimal(10, 2)",
        "",
        "my type",  # SQLite drops the quotes of a quoted type name
        "double precision",
    ]


def test_nullability(conn):
    t = table(conn, "CREATE TABLE t (a int NOT NULL, b int NULL, c int, d int CONSTRAINT nn NOT NULL)")

    assert [c.nullable for c in t.columns] == [False, True, True, False]


@pytest.mark.parametrize(
    ("declared", "model"),
    [
        ("0", "0"),
        ("(0)", "0"),
        ("42", "42"),
        ("-1", "-1"),
        ("+1", "1"),
        ("(-1)", "-1"),
        ("1.5", "1.5"),
        ("-2.5e3", "-2.5e3"),
        ("0x1F", "31"),
        ("'x'", "'x'"),
        ("('x')", "'x'"),
        ("'it''s'", "'it''s'"),
        ("''", "''"),
        ("X'00ff'", "x'00ff'"),
        ("NULL", "NULL"),
        ("null", "NULL"),
        ("TRUE", "TRUE"),
        ("false", "FALSE"),
        ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
        ("current_date", "CURRENT_DATE"),
        ("CURRENT_TIME", "CURRENT_TIME"),
        ("(datetime('now'))", "(DATETIME('now'))"),
        ("(1 + 1)", "(1 + 1)"),
        ("(replace('ab', 'b', 'c'))", "(REPLACE('ab', 'b', 'c'))"),
        ("abc", "'abc'"),  # SQLite reads a bare word after DEFAULT as a string
        ('"dq"', "'dq'"),
    ],
)
def test_defaults_are_text_ready_to_follow_default(conn, declared, model):
    t = table(conn, f"CREATE TABLE t (c DEFAULT {declared})")

    assert t.columns[0].default == model
    # The model text is valid after DEFAULT and reads back unchanged.
    again = sqlite3.connect(":memory:")
    assert table(again, f"CREATE TABLE t (c DEFAULT {model})").columns[0].default == model


def test_no_default_is_none(conn):
    assert table(conn, "CREATE TABLE t (c int)").columns[0].default is None


@pytest.mark.parametrize("generated", ["GENERATED ALWAYS AS", "AS"])
def test_generated_columns(conn, generated):
    t = table(
        conn,
        f'CREATE TABLE t ("a" integer, "v" integer {generated} ("a" + 1) STORED, '
        f"w {generated} ((a * 2)) VIRTUAL, x int {generated} (a || 'x'))",
    )

    assert [c.generated for c in t.columns] == [
        None,
        Generated(expr='"a" + 1', stored=True),
        Generated(expr="a * 2", stored=False),
        Generated(expr="a || 'x'", stored=False),
    ]
    assert [c.type for c in t.columns] == ["integer", "integer", "", "int"]
    assert all(c.default is None for c in t.columns)


def test_generated_columns_in_atlas_short_form_after_nullability(conn):
    # Atlas's SQLite planner writes the short form after NOT NULL or NULL; sqlglot read it only after a type.
    t = table(
        conn,
        "CREATE TABLE t (a int NOT NULL, b int NULL AS (a+1) STORED, c int NOT NULL AS (a*2), "
        "d int AS (a) VIRTUAL, e int GENERATED ALWAYS AS (a) STORED)",
    )

    assert [(c.name, c.nullable, c.generated) for c in t.columns] == [
        ("a", False, None),
        ("b", True, Generated(expr="a + 1", stored=True)),
        ("c", False, Generated(expr="a * 2", stored=False)),
        ("d", True, Generated(expr="a", stored=False)),
        ("e", True, Generated(expr="a", stored=True)),
    ]


def test_generated_expressions_over_columns_named_like_identity_options(conn):
    # sqlglot's GENERATED grammar (identity columns of other dialects) reads a leading `cycle` or `minvalue`
    # as an option, and read `(cycle + 1)` as the expression `1`.
    t = table(
        conn,
        "CREATE TABLE t (cycle int, minvalue int, a int GENERATED ALWAYS AS (cycle + 1), "
        "b int GENERATED ALWAYS AS (minvalue * 2) STORED, c AS (cycle))",
    )

    assert [c.generated for c in t.columns[2:]] == [
        Generated(expr="cycle + 1", stored=False),
        Generated(expr="minvalue * 2", stored=True),
        Generated(expr="cycle", stored=False),
    ]


@pytest.mark.parametrize(
    "ddl",
    [
        # The COLLATE after a default or a generated expression is the column's, not part of the expression.
        "CREATE TABLE t (a int, c text DEFAULT 'x' COLLATE nocase)",
        "CREATE TABLE t (a int, c text DEFAULT -1 COLLATE nocase)",
        "CREATE TABLE t (a int, c text AS (a) COLLATE nocase)",
        "CREATE TABLE t (a int, c text GENERATED ALWAYS AS (a) COLLATE nocase)",
        "CREATE TABLE t (a int, c text AS (CAST(a AS text)) COLLATE nocase)",
    ],
)
def test_collation_after_a_default_or_generated_expression(conn, ddl):
    assert table(conn, ddl).column("c").collation == "NOCASE"


def test_column_collation(conn):
    conn.create_collation("MyColl", lambda a, b: (a > b) - (a < b))
    t = table(
        conn,
        'CREATE TABLE t (a text COLLATE nocase, b text COLLATE "RTRIM", c text COLLATE BINARY, d text, '
        "e text COLLATE MyColl)",
    )

    # Built-in names are spelled upper-case (SQLite compares them case-insensitively); BINARY is the default.
    assert [c.collation for c in t.columns] == ["NOCASE", "RTRIM", None, None, "MyColl"]


def test_quoted_and_odd_identifiers(conn):
    t = table(conn, 'CREATE TABLE "we""ird" ([a b] int, `c` int CHECK (`c` > 0), "D" int UNIQUE)')

    assert t.name == 'we"ird'
    assert [c.name for c in t.columns] == ["a b", "c", "D"]
    assert t.checks == [Check(name=None, expr='"c" > 0')]
    assert t.indexes[0].parts == [IndexPart(column="D")]


def test_comments_inside_create_table(conn):
    t = table(
        conn,
        "CREATE TABLE t (\n  a int, -- the first column\n  b int /* second */ CHECK (b > 0) -- done\n)",
    )

    assert [c.name for c in t.columns] == ["a", "b"]
    assert t.checks == [Check(name=None, expr="b > 0")]


# ---- column constraints in every order ---------------------------------------------------------------------
#
# SQLite reads a column's constraints in any order, and each writer has its own: Atlas puts `AS (...) STORED`
# after NOT NULL, Django `PRIMARY KEY AUTOINCREMENT` after NOT NULL and `DEFERRABLE INITIALLY DEFERRED` last.
# Every order of the clauses below is executed on SQLite (so only forms it accepts are used), inspected, and
# compared with what the definition says. The variants (NOT NULL or NULL, every clause named with CONSTRAINT
# or none, the default's and the generated clause's spellings, the collation) rotate across the orders.

_ORDINARY_CLAUSES = ("null", "default", "collate", "check", "references", "unique", "primary_key")
# A generated column cannot have a default or be part of the primary key.
_GENERATED_CLAUSES = ("null", "collate", "check", "references", "unique", "generated")

_DEFAULTS = [
    ("7", "7"),
    ("-1", "-1"),
    ("'x'", "'x'"),
    ("(1 + 2)", "(1 + 2)"),
    ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
]
_COLLATIONS = [("nocase", "NOCASE"), ('"RTRIM"', "RTRIM")]
_GENERATED_FORMS = [
    f"{always}AS (k + 1){storage}"
    for always in ("GENERATED ALWAYS ", "")
    for storage in (" STORED", " VIRTUAL", "")
]


@dataclass(frozen=True)
class _Variant:
    not_null: bool
    named: bool
    default: tuple[str, str]
    """(as written, as the model holds it)"""
    collation: tuple[str, str]
    generated: str


_VARIANTS = [
    _Variant(*values)
    for values in itertools.product((True, False), (True, False), _DEFAULTS, _COLLATIONS, _GENERATED_FORMS)
]


def _column_definition(order: tuple[str, ...], v: _Variant) -> str:
    sql = {
        "null": "NOT NULL" if v.not_null else "NULL",
        "default": f"DEFAULT {v.default[0]}",
        "collate": f"COLLATE {v.collation[0]}",
        "check": "CHECK (c <> 0)",
        "references": "REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED",
        "unique": "UNIQUE",
        "primary_key": "PRIMARY KEY AUTOINCREMENT",
        "generated": v.generated,
    }
    clauses = [f"CONSTRAINT {kind}_name {sql[kind]}" if v.named else sql[kind] for kind in order]
    return "c integer " + " ".join(clauses)


def _written(order: tuple[str, ...], v: _Variant) -> dict:
    """What the model must hold for column c of ``CREATE TABLE (k integer, <definition>)``."""

    def name(kind: str) -> str | None:
        return f"{kind}_name" if v.named else None

    fk = ForeignKey(name("references"), ["c"], "p", ["id"], deferrable=True, initially_deferred=True)
    return {
        "nullable": not v.not_null,
        "default": v.default[1] if "default" in order else None,
        "collation": v.collation[1],
        "generated": Generated("k + 1", stored="STORED" in v.generated) if "generated" in order else None,
        "checks": [Check(name("check"), "c <> 0")],
        "foreign_keys": [fk],
        "indexes": [Index(name("unique"), [IndexPart("c")], unique=True, constraint=True)],
        "primary_key": PrimaryKey(["c"], name("primary_key"), auto_increment=True)
        if "primary_key" in order
        else None,
    }


def _read(t: Table) -> dict:
    c = t.column("c")
    return {
        "nullable": c.nullable,
        "default": c.default,
        "collation": c.collation,
        "generated": c.generated,
        "checks": t.checks,
        "foreign_keys": t.foreign_keys,
        "indexes": t.indexes,
        "primary_key": t.primary_key,
    }


@pytest.mark.parametrize(
    ("clauses", "first"),
    [(_ORDINARY_CLAUSES, first) for first in _ORDINARY_CLAUSES]
    + [(_GENERATED_CLAUSES, first) for first in _GENERATED_CLAUSES],
    ids=lambda value: (
        value if isinstance(value, str) else "generated" if "generated" in value else "ordinary"
    ),
)
def test_column_constraints_in_every_order(conn, clauses, first):
    rest = [kind for kind in clauses if kind != first]
    orders = [(first, *others) for others in itertools.permutations(rest)]
    cases = [(order, _VARIANTS[i % len(_VARIANTS)]) for i, order in enumerate(orders)]
    definitions = [_column_definition(order, v) for order, v in cases]
    conn.executescript(
        "CREATE TABLE p (id integer PRIMARY KEY);"
        + "".join(f'CREATE TABLE "t{i}" (k integer, {d});' for i, d in enumerate(definitions))
    )

    tables = {t.name: t for t in inspect_schema(conn).tables}

    wrong = [
        (definition, _read(tables[f"t{i}"]), _written(order, v))
        for i, ((order, v), definition) in enumerate(zip(cases, definitions, strict=True))
        if _read(tables[f"t{i}"]) != _written(order, v)
    ]
    assert wrong == [], f"{len(wrong)} of {len(cases)} definitions misread, first: {wrong[0]}"


# ---- keys --------------------------------------------------------------------------------------------------


def test_composite_primary_key_in_key_order(conn):
    t = table(conn, "CREATE TABLE t (a int, b int, c int, CONSTRAINT pk PRIMARY KEY (c, a))")

    assert t.primary_key == PrimaryKey(columns=["c", "a"], name="pk", auto_increment=False)
    assert t.indexes == []  # the key's own index is the primary key, not an extra index


def test_primary_key_without_autoincrement_and_named_inline(conn):
    t = table(conn, "CREATE TABLE t (id integer CONSTRAINT t_pk PRIMARY KEY, v text)")

    assert t.primary_key == PrimaryKey(columns=["id"], name="t_pk", auto_increment=False)


def test_no_primary_key(conn):
    assert table(conn, "CREATE TABLE t (a int)").primary_key is None


def test_primary_key_order_words_are_accepted(conn):
    t = table(conn, "CREATE TABLE t (a int, b int, PRIMARY KEY (a DESC, b ASC)) WITHOUT ROWID")

    assert t.primary_key == PrimaryKey(columns=["a", "b"])


def test_table_options(conn):
    tables = inspect(
        conn,
        "CREATE TABLE a (k int PRIMARY KEY) WITHOUT ROWID;"
        "CREATE TABLE b (k integer PRIMARY KEY) STRICT;"
        "CREATE TABLE c (k int PRIMARY KEY) STRICT, WITHOUT ROWID;"
        "CREATE TABLE d (k int PRIMARY KEY);",
    )

    assert [t.options for t in tables] == [
        {"without_rowid": True},
        {"strict": True},
        {"without_rowid": True, "strict": True},
        {},
    ]


def test_unique_constraints_named_unnamed_inline_and_table_level(conn):
    t = table(
        conn,
        "CREATE TABLE t (a int UNIQUE, b int CONSTRAINT b_uq UNIQUE, c int, d int, e int COLLATE nocase, "
        'UNIQUE (c, d), CONSTRAINT "d_e" UNIQUE (d, e))',
    )

    assert [(i.name, i.columns, i.unique, i.constraint) for i in t.indexes] == [
        (None, ["a"], True, True),
        ("b_uq", ["b"], True, True),
        (None, ["c", "d"], True, True),
        ("d_e", ["d", "e"], True, True),  # in declaration order
    ]
    # e's key part inherits the column's collation: nothing to write on the part.
    assert t.indexes[3].parts[1] == IndexPart(column="e")


# ---- indexes -----------------------------------------------------------------------------------------------


def test_created_indexes_unique_partial_expression_desc_collation(conn):
    t = table(
        conn,
        "CREATE TABLE t (a int, b text, c text COLLATE nocase);"
        "CREATE UNIQUE INDEX t_a ON t (a);"
        "CREATE INDEX t_partial ON t (a) WHERE a > 0 AND (b IS NOT NULL);"
        'CREATE INDEX t_expr ON t (lower("b") DESC, a + 1, (b || c) COLLATE rtrim);'
        "CREATE INDEX t_desc ON t (a DESC, b COLLATE nocase, c COLLATE NOCASE, c COLLATE binary);"
        "CREATE INDEX t_paren ON t ((a));",
    )

    by_name = {i.name: i for i in t.indexes}
    assert [i.name for i in t.indexes] == ["t_a", "t_desc", "t_expr", "t_paren", "t_partial"]
    assert by_name["t_paren"].parts == [IndexPart(column="a")]  # SQLite keys (a) as the column
    assert by_name["t_a"] == Index(name="t_a", parts=[IndexPart(column="a")], unique=True)
    assert by_name["t_partial"].predicate == "a > 0 AND (NOT b IS NULL)"
    assert by_name["t_partial"].unique is False and by_name["t_partial"].constraint is False
    assert by_name["t_expr"].parts == [
        IndexPart(expr='LOWER("b")', desc=True),
        IndexPart(expr="a + 1"),
        IndexPart(expr="b || c", collation="RTRIM"),
    ]
    assert by_name["t_desc"].parts == [
        IndexPart(column="a", desc=True),
        IndexPart(column="b", collation="NOCASE"),
        IndexPart(column="c"),  # NOCASE is already c's collation
        IndexPart(column="c", collation="BINARY"),  # overrides c's NOCASE
    ]


# ---- foreign keys ------------------------------------------------------------------------------------------


def test_foreign_keys_actions_names_deferrable_and_declaration_order(conn):
    tables = inspect(
        conn,
        "CREATE TABLE p (a int PRIMARY KEY, b int UNIQUE, c int, UNIQUE (b, c));"
        "CREATE TABLE t (x int REFERENCES p (a) ON DELETE cascade, y int, z int, w int,"
        " CONSTRAINT t_yz FOREIGN KEY (y, z) REFERENCES p (b, c) ON UPDATE SET NULL ON DELETE set default"
        "  DEFERRABLE INITIALLY IMMEDIATE,"
        " FOREIGN KEY (w) REFERENCES p ON DELETE RESTRICT NOT DEFERRABLE,"
        " CONSTRAINT t_z FOREIGN KEY (z) REFERENCES p (a) DEFERRABLE)",
    )
    t = tables[1]

    assert t.foreign_keys == [
        ForeignKey(name=None, columns=["x"], ref_table="p", ref_columns=["a"], on_delete=CASCADE),
        ForeignKey(
            name="t_yz",
            columns=["y", "z"],
            ref_table="p",
            ref_columns=["b", "c"],
            on_update=SET_NULL,
            on_delete=SET_DEFAULT,
            deferrable=True,
            initially_deferred=False,
        ),
        # `REFERENCES p` means p's primary key; the model spells it out.
        ForeignKey(name=None, columns=["w"], ref_table="p", ref_columns=["a"], on_delete=RESTRICT),
        ForeignKey(name="t_z", columns=["z"], ref_table="p", ref_columns=["a"], deferrable=True),
    ]


def test_foreign_key_to_a_missing_table_keeps_what_was_written(conn):
    t = table(conn, "CREATE TABLE t (a int REFERENCES gone (id), b int REFERENCES gone)")

    assert [(fk.ref_table, fk.ref_columns) for fk in t.foreign_keys] == [("gone", ["id"]), ("gone", [])]


def test_implicit_reference_to_a_composite_key_is_not_spelled_out(conn):
    tables = inspect(
        conn, "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b)); CREATE TABLE t (x int REFERENCES p)"
    )

    # One column cannot reference a two-column key: SQLite accepts the DDL until rows are written, and
    # `REFERENCES p (a, b)` would be DDL it refuses. The model keeps what was written.
    assert tables[1].foreign_keys[0].ref_columns == []


def test_self_reference(conn):
    t = table(conn, "CREATE TABLE node (id integer PRIMARY KEY, parent_id int REFERENCES node (id))")

    assert t.foreign_keys == [
        ForeignKey(name=None, columns=["parent_id"], ref_table="node", ref_columns=["id"])
    ]


# ---- checks ------------------------------------------------------------------------------------------------


def test_checks_column_and_table_level_with_and_without_names(conn):
    t = table(
        conn,
        "CREATE TABLE t (a int CHECK (a > 0) CONSTRAINT a_small CHECK (a < 10), b text,"
        " CHECK ((length(b) > 2)), CONSTRAINT b_fmt CHECK (b GLOB '[a-z]*' OR b IS NULL),"
        " CHECK (replace(b, 'x', '') <> ''))",
    )

    assert t.checks == [
        Check(name=None, expr="a > 0"),
        Check(name="a_small", expr="a < 10"),
        Check(name=None, expr="LENGTH(b) > 2"),
        Check(name="b_fmt", expr="b GLOB '[a-z]*' OR b IS NULL"),
        Check(name=None, expr="REPLACE(b, 'x', '') <> ''"),
    ]


def test_expressions_keep_sqlite_functions_that_sqlglot_would_rewrite(conn):
    t = table(conn, "CREATE TABLE t (a real CHECK (mod(a, 2) = 0.5), b text CHECK (substr(b, 1, 1) = 'x'))")

    # mod() keeps fractions where `%` truncates; SUBSTR exists on every SQLite, SUBSTRING only since 3.34.
    assert [c.expr for c in t.checks] == ["MOD(a, 2) = 0.5", "SUBSTR(b, 1, 1) = 'x'"]


# ---- whole schema ------------------------------------------------------------------------------------------


def test_tables_sorted_internals_and_views_skipped(conn):
    tables = inspect(
        conn,
        "CREATE TABLE zeta (id integer PRIMARY KEY AUTOINCREMENT);"
        "CREATE TABLE Alpha (id int);"
        "CREATE TABLE beta (id int);"
        "CREATE VIEW v AS SELECT 1;"
        "CREATE TRIGGER tr AFTER INSERT ON beta BEGIN SELECT 1; END;"
        "INSERT INTO zeta DEFAULT VALUES;",  # creates sqlite_sequence
    )

    assert [t.name for t in tables] == ["Alpha", "beta", "zeta"]


def test_other_schemas(conn):
    conn.execute("ATTACH ':memory:' AS other")
    conn.executescript(
        "CREATE TABLE main.m (a int); CREATE TABLE other.o (b int); CREATE TEMP TABLE tt (c int)"
    )

    assert [t.name for t in inspect_schema(conn, "other").tables] == ["o"]
    assert [t.name for t in inspect_schema(conn, "temp").tables] == ["tt"]
    assert inspect_schema(conn, "other").name == "other"
    assert [t.name for t in inspect_schema(conn).tables] == ["m"]


def test_each_inspection_returns_its_own_objects(conn):
    conn.execute("CREATE TABLE t (a int CHECK (a > 0) REFERENCES p (a), b int UNIQUE)")
    first = inspect_schema(conn)
    first.tables[0].checks[0].expr = "changed"
    first.tables[0].checks.append(Check(name="x", expr="1"))
    first.tables[0].foreign_keys[0].columns.append("b")

    second = inspect_schema(conn).tables[0]

    assert second.checks == [Check(name=None, expr="a > 0")]
    assert second.foreign_keys[0].columns == ["a"]


def test_empty_database(conn):
    assert inspect_schema(conn).tables == []


def test_on_conflict_clauses_are_refused_not_lost(conn):
    conn.execute("CREATE TABLE t (a int NOT NULL ON CONFLICT REPLACE)")

    with pytest.raises(UnreadableDDLError, match='table "t": ON CONFLICT clauses are not supported'):
        inspect_schema(conn)


def test_virtual_tables_are_refused(conn):
    try:
        conn.execute("CREATE VIRTUAL TABLE docs USING fts5(body)")
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no FTS5")

    with pytest.raises(UnreadableDDLError, match='virtual table "docs" is not supported'):
        inspect_schema(conn)


# ---- query count -------------------------------------------------------------------------------------------


def _many_tables(conn: sqlite3.Connection, n: int) -> None:
    for i in range(n):
        conn.executescript(
            f'CREATE TABLE "t{i}" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,'
            f' "name" varchar(50) NOT NULL UNIQUE,'
            f' "parent_id" bigint NULL REFERENCES "t{max(i - 1, 0)}" ("id") DEFERRABLE INITIALLY DEFERRED,'
            f' "n" integer DEFAULT (0) CHECK ("n" >= 0));'
            f'CREATE INDEX "t{i}_parent" ON "t{i}" ("parent_id");'
            f'CREATE INDEX "t{i}_lower" ON "t{i}" (lower("name")) WHERE "n" > 0;'
        )


def _trace(conn: sqlite3.Connection, fn) -> tuple[list[str], list[str]]:
    """Statements run while ``fn`` runs: (ours, nested). SQLite traces the PRAGMA each pragma table-valued
    function runs inside a statement as ``-- PRAGMA ...``; those are not round trips from Python."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        fn()
    finally:
        conn.set_trace_callback(None)
    nested = [s for s in statements if s.startswith("--")]
    return [s for s in statements if not s.startswith("--")], nested


@pytest.mark.parametrize("n", [10, 50])
def test_inspection_takes_four_statements_whatever_the_table_count(n):
    conn = sqlite3.connect(":memory:")
    _many_tables(conn, n)
    schemas = []

    ours, nested = _trace(conn, lambda: schemas.append(inspect_schema(conn)))

    # sqlite_master, table_xinfo, index_list+index_xinfo, foreign_key_list: each joined across all tables.
    assert len(ours) == 4
    # Inside those four, SQLite evaluates per table: table_xinfo, index_list, foreign_key_list and one
    # index_xinfo per index (3 here) -- 6 in-process pragma evaluations per table, no extra round trips.
    assert len(nested) == 6 * n
    assert len(schemas[0].tables) == n
    assert all(len(t.indexes) == 3 and t.foreign_keys and t.checks for t in schemas[0].tables)


def test_clean_check_takes_one_statement(conn):
    _many_tables(conn, 10)

    def run() -> None:
        with pytest.raises(NotCleanError):
            check_clean(conn)

    ours, nested = _trace(conn, run)
    assert (len(ours), len(nested)) == (1, 0)


# ---- clean check -------------------------------------------------------------------------------------------


def test_clean_database_passes(conn):
    check_clean(conn)


def test_internal_tables_do_not_make_a_database_dirty(conn):
    conn.executescript("CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT); INSERT INTO t DEFAULT VALUES;")
    conn.execute("DROP TABLE t")  # sqlite_sequence stays behind

    check_clean(conn)


@pytest.mark.parametrize(
    ("ddl", "found"),
    [
        ("CREATE TABLE t (a int)", 'found table "t"'),
        ("CREATE VIEW v AS SELECT 1", 'found view "v"'),
        ("CREATE TABLE b (a int); CREATE VIEW a AS SELECT 1", 'found table "b"'),  # tables first
    ],
)
def test_dirty_database_is_reported_in_atlas_wording(conn, ddl, found):
    conn.executescript(ddl)

    with pytest.raises(NotCleanError) as e:
        check_clean(conn)
    assert str(e.value) == f'connected database is not clean: {found} in schema "main"'


def test_trigger_in_temp_schema_is_reported(conn):
    conn.executescript(
        "CREATE TABLE main.t (a int); CREATE TEMP TRIGGER tr AFTER INSERT ON main.t BEGIN SELECT 1; END;"
    )

    with pytest.raises(NotCleanError, match='found trigger "tr" in schema "temp"'):
        check_clean(conn, "temp")


def test_clean_check_looks_only_at_its_schema(conn):
    conn.execute("ATTACH ':memory:' AS other")
    conn.execute("CREATE TABLE other.t (a int)")

    check_clean(conn)
    with pytest.raises(NotCleanError, match='found table "t" in schema "other"'):
        check_clean(conn, "other")
