"""The MySQL/MariaDB normaliser: pairs that must compare equal and pairs that must not, as pure keys, as
spellings the server stores, and across flavours (MySQL 8's catalog rows against MariaDB's for one DDL)."""

from __future__ import annotations

import pytest

from graticule.planner.drivers.mysql.inspect import inspect_schema
from graticule.planner.drivers.mysql.normalize import default_key, expr_key, type_key
from graticule.planner.schema import Column

from .helpers import DJANGO_POLLS, diff, inspect, scratch

# ---- keys --------------------------------------------------------------------------------------------------

EQUAL_TYPES = [
    ("int", "int(11)"),  # MariaDB adds the default width, MySQL 8 drops it
    ("int unsigned", "int(10) unsigned"),
    ("bigint", "bigint(20)"),
    ("bigint unsigned", "BIGINT(20) UNSIGNED"),
    ("tinyint", "tinyint(4)"),
    ("smallint(6)", "smallint"),
    ("mediumint(9)", "mediumint"),
    ("bool", "tinyint(1)"),
    ("boolean", "tinyint(1)"),
    ("integer", "int"),
    ("int signed", "int"),
    ("decimal", "decimal(10,0)"),
    ("numeric(8)", "decimal(8,0)"),
    ("double precision", "double"),
    ("real", "double"),
    ("char", "char(1)"),
    ("character varying(5)", "varchar(5)"),
    ("datetime(0)", "datetime"),
    ("int zerofill", "int unsigned zerofill"),
    ("enum('a', 'b')", "ENUM('a','b')"),
    ("enum('it''s')", "enum('it\\'s')"),
]

UNEQUAL_TYPES = [
    ("int(5)", "int"),  # a width someone wrote is kept on MariaDB (MySQL 8 never reports one)
    ("int(11) unsigned", "int unsigned"),  # 11 is not the unsigned default
    ("tinyint(1)", "tinyint"),  # the boolean marker
    ("int", "int unsigned"),
    ("int", "bigint"),
    ("varchar(10)", "varchar(20)"),
    ("decimal(10,2)", "decimal(10,3)"),
    ("datetime", "datetime(6)"),
    ("int(5) zerofill", "int zerofill"),
    ("enum('a','b')", "enum('a','B')"),
    ("enum('a','b')", "enum('b','a')"),
    ("json", "longtext"),
    ("text", "mediumtext"),
    ("float", "double"),
    ("char(32)", "varchar(32)"),
]


@pytest.mark.parametrize(("a", "b"), EQUAL_TYPES)
def test_equal_types(a, b):
    assert type_key(a) == type_key(b)


@pytest.mark.parametrize(("a", "b"), UNEQUAL_TYPES)
def test_unequal_types(a, b):
    assert type_key(a) != type_key(b)


EQUAL_DEFAULTS = [
    ("int", "1", "'1'"),
    ("int", "1", "(1)"),
    ("int", "0", "-0"),
    ("tinyint(1)", "1", "TRUE"),
    ("decimal(10,2)", "1.50", "1.5"),
    ("double", "1e3", "1000"),
    ("bit(3)", "b'101'", "5"),
    ("varchar(10)", "'x'", "('x')"),
    ("varchar(10)", "'x'", "_utf8mb4'x'"),
    ("varchar(10)", "'it''s'", "'it\\'s'"),
    ("varchar(10)", "'1'", "1"),
    ("binary(2)", "'ab'", "0x6162"),
    ("binary(2)", "'ab'", "X'6162'"),
    ("datetime", "CURRENT_TIMESTAMP", "now()"),
    ("datetime", "CURRENT_TIMESTAMP", "current_timestamp()"),
    ("datetime(6)", "CURRENT_TIMESTAMP(6)", "(now(6))"),
    ("double", "(rand())", "rand()"),
    ("varchar(10)", "(concat('a','b'))", "(concat(_utf8mb4'a',_utf8mb4'b'))"),
    ("varchar(10)", None, "NULL"),
]

UNEQUAL_DEFAULTS = [
    ("varchar(10)", "'x'", "'X'"),
    ("varchar(10)", "'x'", "'x '"),
    ("varchar(10)", "'NULL'", None),  # the string NULL is a value
    ("varchar(10)", "''", None),
    ("int", "0", None),
    ("int", "1", "2"),
    ("decimal(10,2)", "1.5", "1.51"),
    ("datetime(6)", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP(6)"),
    ("varchar(10)", "'1'", "'1.0'"),
    ("binary(2)", "'ab'", "0x6163"),
    ("double", "(rand())", "(pi())"),
]


@pytest.mark.parametrize(("type_text", "a", "b"), EQUAL_DEFAULTS)
def test_equal_defaults(type_text, a, b):
    assert default_key(type_text, a) == default_key(type_text, b)


@pytest.mark.parametrize(("type_text", "a", "b"), UNEQUAL_DEFAULTS)
def test_unequal_defaults(type_text, a, b):
    assert default_key(type_text, a) != default_key(type_text, b)


EQUAL_EXPRESSIONS = [
    ("`a` + 1", "(a+1)"),
    ("`A` > 0", "a > 0"),  # column names are case-insensitive in MySQL
    ("((a > 0))", "a > 0"),
    ("`a` < 100 and `b` is not null", "(a < 100) AND (b IS NOT NULL)"),
    ("json_valid(`j`)", "JSON_VALID(j)"),
    ("concat(_utf8mb4'a',`b`)", "concat('a', b)"),  # MySQL 8 shows literals with their charset
    ("a + (b * c)", "a + b * c"),
    ("now()", "CURRENT_TIMESTAMP()"),
    ("a > 1.0", "a > 1"),
]

UNEQUAL_EXPRESSIONS = [
    ("a + b * c", "(a + b) * c"),
    ("a > 0", "a >= 0"),
    ("a = 'x'", "a = 'X'"),
    ("lower(a)", "upper(a)"),
    ("a - b", "b - a"),
]


@pytest.mark.parametrize(("a", "b"), EQUAL_EXPRESSIONS)
def test_equal_expressions(a, b):
    assert expr_key(a) == expr_key(b)


@pytest.mark.parametrize(("a", "b"), UNEQUAL_EXPRESSIONS)
def test_unequal_expressions(a, b):
    assert expr_key(a) != expr_key(b)


def test_normalizer_keys_use_the_column():
    from graticule.planner.drivers.mysql import DRIVER

    n = DRIVER.normalizer
    assert n.type_key(Column("a", "int(11)")) == n.type_key(Column("a", "int"))
    assert n.default_key(Column("a", "int", default="'1'")) == n.default_key(Column("a", "int", default="1"))
    assert n.expr_key(None) is None


# ---- spellings the server stores ---------------------------------------------------------------------------

SAME_ON_SERVER = [
    ("a bool", "a tinyint(1)"),
    ("a int", "a integer"),
    ("a int", "a int(11)"),
    ("a int DEFAULT '1'", "a int DEFAULT 1"),
    ("a varchar(5) DEFAULT 'x'", "a varchar(5) DEFAULT ('x')"),
    ("a varchar(5) DEFAULT 1", "a varchar(5) DEFAULT '1'"),
    ("a datetime DEFAULT now()", "a datetime DEFAULT CURRENT_TIMESTAMP"),
    ("a datetime(6) DEFAULT now(6)", "a datetime(6) DEFAULT current_timestamp(6)"),
    ("a decimal", "a numeric(10,0)"),
    ("a int, b int AS ((a + 1))", "a int, b int AS (a+1) VIRTUAL"),
    ("a int, CONSTRAINT c CHECK ((a > 0))", "a int, CONSTRAINT c CHECK (a>0)"),
    ("a int DEFAULT NULL", "a int NULL"),
    ("a json", "a longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin CHECK (json_valid(`a`))"),
]

DIFFERENT_ON_SERVER = [
    ("a int(5)", "a int"),
    ("a tinyint(1)", "a tinyint"),
    ("a varchar(5) DEFAULT 'x'", "a varchar(5) DEFAULT 'X'"),
    ("a varchar(5) DEFAULT 'NULL'", "a varchar(5) DEFAULT NULL"),
    ("a int, CONSTRAINT c CHECK (a > 0)", "a int, CONSTRAINT c CHECK (a >= 0)"),
    ("a varchar(5)", "a varchar(5) COLLATE utf8mb4_bin"),
    ("a json", "a longtext"),
    # A longtext that only looks like MariaDB's JSON (another collation) stays what it is.
    ("a json", "a longtext CHECK (json_valid(`a`))"),
]


@pytest.mark.parametrize(("a", "b"), SAME_ON_SERVER)
def test_server_spellings_of_one_table_diff_empty(mysql_server, a, b):
    with scratch(f"CREATE TABLE t ({a})") as one, scratch(f"CREATE TABLE t ({b})") as two:
        assert diff(inspect(one), inspect(two)) == []


@pytest.mark.parametrize(("a", "b"), DIFFERENT_ON_SERVER)
def test_server_keeps_different_tables_different(mysql_server, a, b):
    with scratch(f"CREATE TABLE t ({a})") as one, scratch(f"CREATE TABLE t ({b})") as two:
        assert diff(inspect(one), inspect(two)) != []


# ---- across flavours ---------------------------------------------------------------------------------------

POLLS_AND_KITCHEN = (
    DJANGO_POLLS
    + """
CREATE TABLE `kitchen` (
  `id` int unsigned NOT NULL PRIMARY KEY,
  `flag` bool NOT NULL DEFAULT true,
  `name` varchar(20) NOT NULL DEFAULT 'it''s',
  `price` decimal(10,2) NOT NULL DEFAULT 1.5,
  `bits` bit(3) NOT NULL DEFAULT b'101',
  `made` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `noise` double NOT NULL DEFAULT (rand()),
  `label` varchar(10) NOT NULL DEFAULT (concat('a','b')),
  `data` json NULL,
  `total` int AS (`id` + 1) VIRTUAL,
  `code` varchar(10) COLLATE utf8mb4_bin NULL COMMENT 'shown',
  CONSTRAINT `kitchen_positive` CHECK (`price` > 0),
  UNIQUE INDEX `kitchen_name` (`name`(5) DESC)
) COMMENT 'kitchen sink';
"""
)


def mysql8_rows(db: str, charset: str, collation: str) -> dict[str, list[tuple]]:
    """What MySQL 8.0.36 answers to the inspector's queries for POLLS_AND_KITCHEN (in database ``db`` whose
    default charset/collation are given): bare string defaults, no integer display widths, DEFAULT_GENERATED
    expressions with escaped quotes and charset introducers, parenthesised check clauses."""
    t = ("InnoDB", collation, charset)
    return {
        "SCHEMATA": [("8.0.36", "InnoDB", charset, collation)],
        "TABLES": [("kitchen", *t, "kitchen sink"), ("polls_choice", *t, ""), ("polls_question", *t, "")],
        "COLUMNS": [
            ("kitchen", "id", "int unsigned", "NO", None, "", None, "", ""),
            ("kitchen", "flag", "tinyint(1)", "NO", "1", "", None, "", ""),
            ("kitchen", "name", "varchar(20)", "NO", "it's", "", collation, "", ""),
            ("kitchen", "price", "decimal(10,2)", "NO", "1.50", "", None, "", ""),
            ("kitchen", "bits", "bit(3)", "NO", "b'101'", "", None, "", ""),
            (
                "kitchen",
                "made",
                "datetime(6)",
                "NO",
                "CURRENT_TIMESTAMP(6)",
                "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(6)",
                None,
                "",
                "",
            ),
            ("kitchen", "noise", "double", "NO", "rand()", "DEFAULT_GENERATED", None, "", ""),
            (
                "kitchen",
                "label",
                "varchar(10)",
                "NO",
                "concat(_utf8mb4\\'a\\',_utf8mb4\\'b\\')",
                "DEFAULT_GENERATED",
                collation,
                "",
                "",
            ),
            ("kitchen", "data", "json", "YES", None, "", None, "", ""),
            ("kitchen", "total", "int", "YES", None, "VIRTUAL GENERATED", None, "", "(`id` + 1)"),
            ("kitchen", "code", "varchar(10)", "YES", None, "", "utf8mb4_bin", "shown", ""),
            ("polls_choice", "id", "bigint", "NO", None, "auto_increment", None, "", ""),
            ("polls_choice", "choice_text", "varchar(200)", "NO", None, "", collation, "", ""),
            ("polls_choice", "votes", "int", "NO", None, "", None, "", ""),
            ("polls_choice", "question_id", "bigint", "NO", None, "", None, "", ""),
            ("polls_question", "id", "bigint", "NO", None, "auto_increment", None, "", ""),
            ("polls_question", "question_text", "varchar(200)", "NO", None, "", collation, "", ""),
            ("polls_question", "pub_date", "datetime(6)", "NO", None, "", None, "", ""),
        ],
        "STATISTICS": [
            ("kitchen", "kitchen_name", 0, "name", "D", 5, "BTREE", "", None),
            ("kitchen", "PRIMARY", 0, "id", "A", None, "BTREE", "", None),
            ("polls_choice", "PRIMARY", 0, "id", "A", None, "BTREE", "", None),
            (
                "polls_choice",
                "polls_choice_question_id_c5b4b260_fk_polls_question_id",
                1,
                "question_id",
                "A",
                None,
                "BTREE",
                "",
                None,
            ),
            ("polls_question", "PRIMARY", 0, "id", "A", None, "BTREE", "", None),
        ],
        "KEY_COLUMN_USAGE": [
            (
                "polls_choice",
                "polls_choice_question_id_c5b4b260_fk_polls_question_id",
                "question_id",
                db,
                "polls_question",
                "id",
                "NO ACTION",
                "NO ACTION",
            )
        ],
        "TABLE_CONSTRAINTS": [("kitchen", "kitchen_positive", "(`price` > 0)", "YES", "Table")],
    }


class FakeMySQL8:
    """A PyMySQL-shaped connection answering the inspector's queries with canned MySQL 8 rows."""

    def __init__(self, rows: dict[str, list[tuple]]) -> None:
        self.rows = rows
        self.queries: list[str] = []

    def cursor(self) -> FakeMySQL8:
        return self

    def __enter__(self) -> FakeMySQL8:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def execute(self, sql: str, args: object = None) -> None:
        self.queries.append(sql)
        # The most specific catalog table a query reads decides the answer.
        for key in ("KEY_COLUMN_USAGE", "TABLE_CONSTRAINTS", "STATISTICS", "SCHEMATA", "COLUMNS", "TABLES"):
            if f"information_schema.{key}" in sql:
                self.result = self.rows[key]
                return
        raise AssertionError(f"unexpected query {sql}")

    def fetchall(self) -> list[tuple]:
        return self.result


def test_mysql8_rows_equal_mariadb_inspection(mysql_server):
    with scratch(POLLS_AND_KITCHEN) as maria:
        on_maria = inspect(maria)
        charset, collation = on_maria.attrs["charset"], on_maria.attrs["collation"]
        conn = FakeMySQL8(mysql8_rows(maria.schema, charset, collation))
        on_mysql = inspect_schema(conn, maria.schema)

    # MySQL 8 catalogs: functional key parts and ENFORCED are asked for.
    assert any("EXPRESSION" in q and "STATISTICS" in q for q in conn.queries)
    assert any("t.ENFORCED" in q for q in conn.queries)
    kitchen = on_mysql.table("kitchen")
    assert kitchen.column("name").default == "'it''s'"
    assert kitchen.column("label").default == "(concat(_utf8mb4'a',_utf8mb4'b'))"
    assert kitchen.column("made").attrs == {"on_update": "CURRENT_TIMESTAMP(6)"}
    assert kitchen.checks[0].expr == "`price` > 0"
    assert on_maria.table("kitchen").column("id").type == "int(10) unsigned"
    assert kitchen.column("id").type == "int unsigned"
    # Spelled differently by the two servers, the same schema.
    assert diff(on_mysql, on_maria) == []
    assert diff(on_maria, on_mysql) == []


def test_mysql8_rows_that_differ_are_a_difference(mysql_server):
    with scratch(POLLS_AND_KITCHEN) as maria:
        on_maria = inspect(maria)
        rows = mysql8_rows(maria.schema, on_maria.attrs["charset"], on_maria.attrs["collation"])
        name = rows["COLUMNS"][2]
        rows["COLUMNS"][2] = (*name[:4], "its", *name[5:])  # DEFAULT 'its' instead of 'it''s'
        on_mysql = inspect_schema(FakeMySQL8(rows), maria.schema)
    assert [type(c).__name__ for c in diff(on_mysql, on_maria)] == ["ModifyTable"]


def test_mysql8_functional_key_parts_and_unenforced_checks():
    rows = mysql8_rows("app", "utf8mb4", "utf8mb4_0900_ai_ci")
    rows["STATISTICS"].append(("kitchen", "kitchen_lower", 1, None, "A", None, "BTREE", "", "lower(`code`)"))
    rows["TABLE_CONSTRAINTS"].append(("kitchen", "kitchen_soft", "(`price` < 100)", "NO", "Table"))
    kitchen = inspect_schema(FakeMySQL8(rows), "app").table("kitchen")
    lower = next(i for i in kitchen.indexes if i.name == "kitchen_lower")
    assert (lower.parts[0].column, lower.parts[0].expr) == (None, "lower(`code`)")
    soft = next(c for c in kitchen.checks if c.name == "kitchen_soft")
    assert soft.attrs == {"enforced": False}
