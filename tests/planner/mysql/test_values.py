"""How catalog rows read into the model, per flavour — MySQL 8 included, fed with the rows it reports.

No MySQL server runs here (the suite's server is MariaDB), so MySQL 8's spellings are pinned as data: the
rows below are what MySQL 8.0 returns for the DDL next to them. The same DDL read from MariaDB must compare
equal (see ``test_mysql8_rows_equal_mariadb_inspection`` in test_normalize.py).
"""

from __future__ import annotations

import pytest

from graticule.planner.drivers.mysql.server import Server
from graticule.planner.drivers.mysql.sql import quote_string, unquote_string, unwrap
from graticule.planner.drivers.mysql.values import (
    Extra,
    column_default,
    column_type,
    expression,
    foreign_key_action,
    now_keyword,
    parse_extra,
)

MYSQL8 = Server.from_version("8.0.36")
MARIADB = Server.from_version("10.11.6-MariaDB-0+deb12u1")


def test_server_flavour_and_version():
    assert (MYSQL8.flavour, MYSQL8.version) == ("mysql", (8, 0, 36))
    assert (MARIADB.flavour, MARIADB.version) == ("mariadb", (10, 11, 6))
    # Old MariaDB releases prefix their version for replication clients that expect MySQL 5.
    assert Server.from_version("5.5.5-10.3.39-MariaDB-log").version == (10, 3, 39)
    assert str(MARIADB) == "MariaDB 10.11.6"
    assert MYSQL8.functional_indexes and not MARIADB.functional_indexes
    assert not Server.from_version("8.0.12").functional_indexes
    assert MYSQL8.check_enforcement and not MARIADB.check_enforcement
    assert not Server.from_version("5.7.44").checks and Server.from_version("10.2.1-MariaDB").checks


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", Extra()),
        ("auto_increment", Extra(auto_increment=True)),
        # MySQL 8 lists several flags in one EXTRA value.
        (
            "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(6)",
            Extra(on_update="CURRENT_TIMESTAMP(6)", default_generated=True),
        ),
        ("DEFAULT_GENERATED", Extra(default_generated=True)),
        ("VIRTUAL GENERATED", Extra(generated="VIRTUAL")),
        ("STORED GENERATED", Extra(generated="STORED")),
        ("PERSISTENT GENERATED", Extra(generated="STORED")),
        ("auto_increment INVISIBLE", Extra(auto_increment=True, invisible=True)),
        # MariaDB's spelling.
        ("on update current_timestamp()", Extra(on_update="CURRENT_TIMESTAMP")),
        ("on update current_timestamp(3)", Extra(on_update="CURRENT_TIMESTAMP(3)")),
    ],
)
def test_parse_extra(extra, expected):
    assert parse_extra(extra) == expected


def test_column_type_lowercases_keywords_not_enum_values():
    assert column_type("INT(11) UNSIGNED ZEROFILL") == "int(11) unsigned zerofill"
    assert column_type("enum('Small','LARGE','it''s')") == "enum('Small','LARGE','it''s')"
    assert column_type("time /* mariadb-5.3 */") == "time"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
        ("current_timestamp()", "CURRENT_TIMESTAMP"),
        ("current_timestamp(0)", "CURRENT_TIMESTAMP"),
        ("CURRENT_TIMESTAMP(6)", "CURRENT_TIMESTAMP(6)"),
        ("now(3)", "CURRENT_TIMESTAMP(3)"),
        ("localtimestamp", "CURRENT_TIMESTAMP"),
        ("'CURRENT_TIMESTAMP'", None),
        ("current_date()", None),
    ],
)
def test_now_keyword(text, expected):
    assert now_keyword(text) == expected


# (DDL, COLUMN_TYPE, COLUMN_DEFAULT, EXTRA) as MySQL 8.0 reports them → the model's default.
MYSQL8_DEFAULTS = [
    ("c varchar(10) DEFAULT 'x'", "varchar(10)", "x", "", "'x'"),
    ("c varchar(10) DEFAULT 'it''s'", "varchar(10)", "it's", "", "'it''s'"),
    ("c varchar(10) DEFAULT 'a\\\\b'", "varchar(10)", "a\\b", "", "'a\\\\b'"),
    ("c varchar(5) DEFAULT 'NULL'", "varchar(5)", "NULL", "", "'NULL'"),
    ("c varchar(5) DEFAULT ''", "varchar(5)", "", "", "''"),
    ("c varchar(5) DEFAULT NULL", "varchar(5)", None, "", None),
    ("c int DEFAULT 1", "int", "1", "", "1"),
    ("c int DEFAULT -1", "int", "-1", "", "-1"),
    ("c decimal(10,2) DEFAULT 1.5", "decimal(10,2)", "1.50", "", "1.50"),
    ("c tinyint(1) DEFAULT true", "tinyint(1)", "1", "", "1"),
    ("c bit(3) DEFAULT b'101'", "bit(3)", "b'101'", "", "b'101'"),
    ("c binary(2) DEFAULT 'ab'", "binary(2)", "0x6162", "", "0x6162"),
    ("c date DEFAULT '2020-01-01'", "date", "2020-01-01", "", "'2020-01-01'"),
    (
        "c datetime DEFAULT CURRENT_TIMESTAMP",
        "datetime",
        "CURRENT_TIMESTAMP",
        "DEFAULT_GENERATED",
        "CURRENT_TIMESTAMP",
    ),
    (
        "c datetime(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)",
        "datetime(6)",
        "CURRENT_TIMESTAMP(6)",
        "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(6)",
        "CURRENT_TIMESTAMP(6)",
    ),
    # MySQL 5.7 reported CURRENT_TIMESTAMP without DEFAULT_GENERATED.
    ("c timestamp DEFAULT CURRENT_TIMESTAMP", "timestamp", "CURRENT_TIMESTAMP", "", "CURRENT_TIMESTAMP"),
    ("c double DEFAULT (rand())", "double", "rand()", "DEFAULT_GENERATED", "(rand())"),
    # Expression defaults come back with their string literals escaped and charset-introduced.
    (
        "c varchar(10) DEFAULT (concat('a','b'))",
        "varchar(10)",
        "concat(_utf8mb4\\'a\\',_utf8mb4\\'b\\')",
        "DEFAULT_GENERATED",
        "(concat(_utf8mb4'a',_utf8mb4'b'))",
    ),
    ("c text DEFAULT ('x')", "text", "_utf8mb4\\'x\\'", "DEFAULT_GENERATED", "(_utf8mb4'x')"),
    ("c json DEFAULT (json_array())", "json", "json_array()", "DEFAULT_GENERATED", "(json_array())"),
]


@pytest.mark.parametrize(("ddl", "type_text", "reported", "extra", "expected"), MYSQL8_DEFAULTS)
def test_mysql8_defaults(ddl, type_text, reported, extra, expected):
    assert column_default(MYSQL8, type_text, reported, parse_extra(extra)) == expected, ddl


# (DDL, COLUMN_DEFAULT as MariaDB ≥ 10.2.7 reports it) → the model's default.
MARIADB_DEFAULTS = [
    ("c varchar(10) DEFAULT 'x'", "'x'", "'x'"),
    ("c varchar(10) DEFAULT 'it''s'", "'it\\'s'", "'it''s'"),
    ("c varchar(5) DEFAULT 'NULL'", "'NULL'", "'NULL'"),
    ("c varchar(5) DEFAULT NULL", "NULL", None),
    ("c varchar(5) NOT NULL", None, None),
    ("c int DEFAULT 1", "1", "1"),
    ("c decimal(10,2) DEFAULT 1.5", "1.50", "1.50"),
    ("c bit(3) DEFAULT b'101'", "b'101'", "b'101'"),
    ("c binary(4) DEFAULT 'ab'", "'ab\\0\\0'", "'ab\\0\\0'"),
    ("c datetime(6) DEFAULT current_timestamp(6)", "current_timestamp(6)", "CURRENT_TIMESTAMP(6)"),
    ("c double DEFAULT rand()", "rand()", "(rand())"),
    ("c varchar(10) DEFAULT concat('a','b')", "concat('a','b')", "(concat('a','b'))"),
]


@pytest.mark.parametrize(("ddl", "reported", "expected"), MARIADB_DEFAULTS)
def test_mariadb_defaults(ddl, reported, expected):
    type_text = ddl.split()[1]
    assert column_default(MARIADB, type_text, reported, parse_extra("")) == expected, ddl


def test_expressions_lose_outer_parentheses_and_mysql_escapes():
    # MySQL 8: CHECK_CLAUSE "(`a` > 0)"; GENERATION_EXPRESSION with escaped quotes.
    assert expression(MYSQL8, "(`a` > 0)") == "`a` > 0"
    assert expression(MYSQL8, "concat(`a`,_utf8mb4\\'-\\')") == "concat(`a`,_utf8mb4'-')"
    assert expression(MARIADB, "`a` + 1") == "`a` + 1"
    # Parentheses that group only a part stay.
    assert expression(MARIADB, "(`a` > 0) and (`b` > 0)") == "(`a` > 0) and (`b` > 0)"


def test_restrict_and_no_action_are_one_behaviour():
    assert foreign_key_action("RESTRICT") == foreign_key_action("NO ACTION") == "NO ACTION"
    assert foreign_key_action(None) == "NO ACTION"
    assert foreign_key_action("CASCADE") == "CASCADE"
    assert foreign_key_action("SET NULL") == "SET NULL"


@pytest.mark.parametrize("value", ["x", "it's", "a\\b", "", "NULL", "line\nbreak", "nul\0", "tab\tq'\"%_"])
def test_string_literals_round_trip(value):
    assert unquote_string(quote_string(value)) == value


def test_unquote_reads_both_quote_escapes_and_refuses_non_literals():
    assert unquote_string("'it''s'") == unquote_string("'it\\'s'") == "it's"
    assert unquote_string("'100\\%'") == "100\\%"  # \% keeps its backslash outside LIKE
    assert unquote_string("'a' 'b'") is None
    assert unquote_string("x") is None
    assert unquote_string("'open") is None


def test_unwrap_only_whole_wrapping_parentheses():
    assert unwrap("((a + b))") == "a + b"
    assert unwrap("(a) + (b)") == "(a) + (b)"
    assert unwrap("(')' + a)") == "')' + a"
