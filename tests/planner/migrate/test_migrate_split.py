"""Splitting migration files into statements with sqlglot's tokenizer."""

from __future__ import annotations

import pytest

from graticule.planner.errors import GraticuleError
from graticule.planner.migrate.split import split_statements


def texts(sql: str, dialect: str = "sqlite") -> list[str]:
    return [s.text for s in split_statements(sql, dialect)]


def test_simple_statements_keep_their_semicolon() -> None:
    assert texts("CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n") == [
        "CREATE TABLE a (x int);",
        "CREATE TABLE b (y int);",
    ]


def test_last_statement_without_semicolon() -> None:
    assert texts("SELECT 1;\nSELECT 2") == ["SELECT 1;", "SELECT 2"]


def test_empty_and_comment_only_input() -> None:
    assert texts("") == []
    assert texts("-- nothing\n/* here */\n") == []
    assert texts(";;\n;") == []


@pytest.mark.parametrize("dialect", ["sqlite", "postgres", "mysql"])
def test_semicolons_in_strings_and_comments(dialect: str) -> None:
    sql = "INSERT INTO t VALUES ('a;b', 'it''s;'); -- no; split\n/* nor; here */ SELECT 2;\n"
    assert texts(sql, dialect) == ["INSERT INTO t VALUES ('a;b', 'it''s;');", "SELECT 2;"]


def test_quoted_identifiers_with_semicolons() -> None:
    assert texts('CREATE TABLE "a;b" ([c;d] int, `e;f` int);\nSELECT 1;') == [
        'CREATE TABLE "a;b" ([c;d] int, `e;f` int);',
        "SELECT 1;",
    ]


def test_mysql_backslash_escapes_and_hash_comments() -> None:
    sql = "INSERT INTO t VALUES ('a\\';b', \"c;\"); # hash; comment\nSELECT 1;"
    assert texts(sql, "mysql") == ["INSERT INTO t VALUES ('a\\';b', \"c;\");", "SELECT 1;"]


def test_postgres_dollar_quoted_bodies_stay_whole() -> None:
    body = (
        "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.x := 'a;b';\n  RETURN NEW;\nEND;\n$$ "
        "LANGUAGE plpgsql;"
    )
    tagged = "CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $$ still $$; $body$ LANGUAGE sql;"
    assert texts(f"{body}\n{tagged}\nSELECT E'x\\';y';\nSELECT 3;", "postgres") == [
        body,
        tagged,
        "SELECT E'x\\';y';",
        "SELECT 3;",
    ]


def test_postgres_nested_block_comments() -> None:
    assert texts("/* outer /* inner; */ still; */ SELECT 1; SELECT 2;", "postgres") == [
        "SELECT 1;",
        "SELECT 2;",
    ]


def test_sqlite_trigger_body_stays_whole() -> None:
    trigger = (
        "CREATE TRIGGER t_audit AFTER UPDATE ON t\nBEGIN\n"
        "  UPDATE t SET n = CASE WHEN new.n > 0 THEN 1 ELSE 0 END;\n"
        "  INSERT INTO log VALUES ('x;y');\nEND;"
    )
    assert texts(f"CREATE TABLE t (n int);\n{trigger}\nSELECT 1;") == [
        "CREATE TABLE t (n int);",
        trigger,
        "SELECT 1;",
    ]


def test_mysql_procedure_with_inner_blocks() -> None:
    proc = (
        "CREATE PROCEDURE p()\nBEGIN\n  DECLARE x INT;\n  IF x > 0 THEN\n    SELECT 1;\n  END IF;\n"
        "  BEGIN\n    SELECT 2;\n  END;\nEND;"
    )
    assert texts(f"{proc}\nSELECT 3;", "mysql") == [proc, "SELECT 3;"]


def test_postgres_begin_atomic() -> None:
    fn = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;"
    assert texts(f"{fn}\nSELECT 3;", "postgres") == [fn, "SELECT 3;"]


def test_transaction_begin_is_not_a_block() -> None:
    # Atlas's scanner would swallow all of this into one statement (the final END; closes a "block").
    sql = "BEGIN TRANSACTION;\nCREATE TABLE t (x int);\nCOMMIT;\nBEGIN;\nSELECT 1;\nEND;"
    assert texts(sql) == [
        "BEGIN TRANSACTION;",
        "CREATE TABLE t (x int);",
        "COMMIT;",
        "BEGIN;",
        "SELECT 1;",
        "END;",
    ]


def test_begin_as_column_name_is_not_a_block() -> None:
    assert texts("CREATE TABLE t (begin int);\nSELECT 1;") == ["CREATE TABLE t (begin int);", "SELECT 1;"]


def test_line_numbers_and_offsets() -> None:
    sql = "-- header\n\nCREATE TABLE a (\n  x int\n);\n\n\n  SELECT 'multi\nline'; SELECT 3;\n"
    statements = split_statements(sql, "sqlite")
    assert [s.line for s in statements] == [3, 8, 9]
    assert [sql[s.offset : s.offset + 6] for s in statements] == ["CREATE", "SELECT", "SELECT"]


def test_attached_comments() -> None:
    sql = (
        "-- atlas:txmode none\n\n-- first\n/* block */\nSELECT 1;\n"
        "-- detached\n\nSELECT 2; -- next\nSELECT 3;"
    )
    statements = split_statements(sql, "sqlite")
    assert [s.comments for s in statements] == [("-- first", "/* block */"), (), ("-- next",)]


def test_comment_inside_statement_is_not_attached_to_the_next() -> None:
    statements = split_statements("SELECT 1 -- inside\n;\nSELECT 2;", "sqlite")
    assert [s.text for s in statements] == ["SELECT 1 -- inside\n;", "SELECT 2;"]
    assert statements[1].comments == ()


def test_delimiter_directive() -> None:
    sql = (
        "-- atlas:delimiter //\n\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT '//'; END//\n"
        "-- a comment with // inside\n"
        "SELECT (1 // 2)//\n"
        "SELECT 3"
    )
    statements = split_statements(sql, "sqlite")
    assert [s.text for s in statements] == [
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT '//'; END",
        "SELECT (1 // 2)",
        "SELECT 3",
    ]
    assert [s.line for s in statements] == [3, 5, 6]


def test_escaped_newline_delimiter() -> None:
    sql = "-- atlas:delimiter \\n\\n\n\nCREATE TABLE a (x int);\nSELECT 1;\n\nSELECT 'a\n\nb'\n\n\n"
    assert texts(sql) == ["CREATE TABLE a (x int);\nSELECT 1;", "SELECT 'a\n\nb'"]


def test_mysql_dollar_delimiter_glued_to_end() -> None:
    sql = "-- atlas:delimiter $$\n\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nCALL p()$$\n"
    assert texts(sql, "mysql") == ["CREATE PROCEDURE p() BEGIN SELECT 1; END", "CALL p()"]


def test_delimiter_directive_must_be_first_line() -> None:
    # Atlas honours the delimiter only on the first line; elsewhere the file splits on ";".
    sql = "-- atlas:txmode none\n-- atlas:delimiter //\n\nSELECT 1; SELECT 2//"
    assert texts(sql) == ["SELECT 1;", "SELECT 2//"]


def test_unterminated_string_reports_position() -> None:
    with pytest.raises(GraticuleError, match=r"^m\.sql:2:8: cannot read SQL near \"'oops\""):
        split_statements("SELECT 1;\nSELECT 'oops", "sqlite", label="m.sql")


def test_unknown_dialect() -> None:
    with pytest.raises(GraticuleError, match="unsupported SQL dialect 'oracle'"):
        split_statements("SELECT 1", "oracle")


PLANNER_OUTPUT = """\
-- Create "polls_question" table
CREATE TABLE `polls_question` (
  `id` integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  `label` varchar(20) NOT NULL DEFAULT 'it''s; ok',
  CONSTRAINT `score_nonneg` CHECK ("score" >= 0)
);
-- Create index "polls_choice_question_id_c5b4b260" to table: "polls_choice"
CREATE INDEX `polls_choice_question_id_c5b4b260` ON `polls_choice` (`question_id`);
-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_planner_output_splits_with_its_comments(newline: str) -> None:
    statements = split_statements(PLANNER_OUTPUT.replace("\n", newline), "sqlite")
    assert [s.text.split(newline)[0] for s in statements] == [
        "CREATE TABLE `polls_question` (",
        "CREATE INDEX `polls_choice_question_id_c5b4b260` ON `polls_choice` (`question_id`);",
        "PRAGMA foreign_keys = off;",
    ]
    assert [s.line for s in statements] == [2, 8, 10]
    assert [tuple(c.rstrip("\r") for c in s.comments) for s in statements] == [
        ('-- Create "polls_question" table',),
        ('-- Create index "polls_choice_question_id_c5b4b260" to table: "polls_choice"',),
        ("-- Disable the enforcement of foreign-keys constraints",),
    ]
