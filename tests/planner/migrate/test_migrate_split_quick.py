"""The quick statement scan gives exactly what sqlglot's tokenizer path gives, or stands aside.

``split_statements`` takes a regular-expression scan when a text has nothing that needs the full tokenizer.
These tests compare the two paths on generated texts built from the constructs that matter for statement
boundaries (quotes, escapes, comments, parentheses, BEGIN, commands, hex strings, odd whitespace), and check
that realistic files (Django's DDL, the planner's own output) do take the quick path.
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graticule.planner.errors import GraticuleError
from graticule.planner.migrate import split
from graticule.planner.migrate.split import split_statements

SQLITE_TOKENIZER = split._dialect("sqlite").tokenizer_class


def tokenizer_split(text: str, dialect: str = "sqlite") -> list[split.FileStatement] | GraticuleError:
    """The reference: split_statements with the quick scan switched off (an error is a result too)."""
    quick = split._quick_scan
    split._quick_scan = lambda text, tokenizer_class: None
    try:
        return split_statements(text, dialect)
    except GraticuleError as e:
        return e
    finally:
        split._quick_scan = quick


def quick_taken(text: str) -> bool:
    return split._quick_scan(text, SQLITE_TOKENIZER) is not None


def assert_same_split(text: str) -> None:
    expected = tokenizer_split(text)
    if isinstance(expected, GraticuleError):
        # The tokenizer reports the error (with its position); the quick scan must not read past it.
        assert not quick_taken(text), text
        return
    assert split_statements(text, "sqlite") == expected, text


# Pieces that decide statement boundaries, or decide whether the quick scan may be used at all.
FRAGMENTS = [
    "CREATE TABLE t (a int);",
    "SELECT 1",
    "x",
    "1",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    ";",
    "(",
    ")",
    ",",
    "'",
    "''",
    "'a;b'",
    "'it''s; fine'",
    "'--not a comment'",
    "'(;'",
    '"',
    '""',
    '"a;b"',
    '"q""uote"',
    "`",
    "`x;`",
    "``",
    "[",
    "]",
    "[a;b]",
    "[a]]b]",
    "-- comment; here\n",
    "-- trailing",
    "--",
    "-",
    "- -",
    "1e-5",
    "1e--5",
    "a--b\n",
    "/* c; */",
    "/*",
    "*/",
    "/*+ hint */",
    "{#",
    "#}",
    "{{-",
    "{%-",
    "-|-",
    "->",
    "<->",
    "\r",
    "\r\n",
    "\rSELECT 2;",
    "-- c\rSELECT 3;\n",
    "\x0c",
    "\x0b",
    "\x1c",
    "\u00a0",
    "\u2028",
    "\x85",
    "é",
    "x'41'",
    "X'zz'",
    "'box'",
    "N'n'",
    "0x1F",
    "0x'",
    "begin",
    "BEGIN ",
    " Begin ",
    "begin_date",
    "1begin ",
    "beg\u0131n ",  # dotless i: upper-cases to BEGIN
    "END",
    "END;",
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;",
    "BEGIN TRANSACTION;",
    "EXPLAIN ",
    "explain_x ",
    "VACUUM",
    "REPLACE INTO t VALUES (';');",
    "show ",
    "\u017fhow ",  # long s: upper-cases to SHOW
    "SHOWCASE ",
    "CALL",
    "rename ",
    "ALTER TABLE a RENAME TO b;",
]

texts = st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_quick_scan_matches_the_tokenizer_on_generated_texts(text: str) -> None:
    assert_same_split(text)


def test_quick_scan_matches_the_tokenizer_on_every_pair_of_fragments() -> None:
    for first in FRAGMENTS:
        for second in FRAGMENTS:
            assert_same_split(first + second)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab1 \n\t;()'\"`[]-x/*{}#"), max_size=60))
def test_quick_scan_matches_the_tokenizer_on_random_characters(text: str) -> None:
    assert_same_split(text)


def test_python_regex_blanks_are_the_tokenizer_blanks() -> None:
    # The quick scan's \s must be exactly what sqlglot skips with str.isspace(), for every character.
    blank = re.compile(r"\s")
    assert all(bool(blank.match(chr(c))) == chr(c).isspace() for c in range(sys.maxunicode + 1))


@pytest.mark.parametrize(
    "text",
    [
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;",  # a block
        "SELECT 1; BEGIN;",  # BEGIN as a transaction statement: still left to the tokenizer
        "SELECT /* c */ 1;",
        "EXPLAIN SELECT 1 ; SELECT 2;",  # sqlglot reads a command's rest up to a ';' glued to a token
        "SELECT x'41';",
        "SELECT 'unterminated;",
        "SELECT ((((((((((1)))))))));",  # nested deeper than the quick pattern
        "SELECT 1; -- {# jinja\n",
    ],
)
def test_texts_left_to_the_tokenizer(text: str) -> None:
    assert not quick_taken(text)
    assert_same_split(text)


DJANGO_DDL = """\
-- atlas:pos polls_question[type=table] polls/models.py:4
-- atlas:pos polls_choice[type=table] polls/models.py:12

CREATE TABLE "polls_question" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "question_text" varchar(200) NOT NULL, "pub_date" datetime NOT NULL,
    "meta" text NOT NULL CHECK ((JSON_VALID("meta") OR "meta" IS NULL)),
    "score" integer NOT NULL, CONSTRAINT "score_nonneg" CHECK ("score" >= 0));
CREATE TABLE "polls_choice" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "choice_text" varchar(200) NOT NULL, "votes" integer NOT NULL DEFAULT 0,
    "label" varchar(20) NOT NULL DEFAULT 'it''s; ok',
    "question_id" bigint NOT NULL REFERENCES "polls_question" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "polls_choice_question_id_c5b4b260" ON "polls_choice" ("question_id");
CREATE UNIQUE INDEX "choice_votes_when_active" ON "polls_choice" ("votes") WHERE "votes" > 0;
"""

PLANNER_OUTPUT = """\
-- Create "polls_question" table
CREATE TABLE `polls_question` (
  `id` integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  `question_text` varchar(200) NOT NULL,
  CHECK (JSON_VALID("meta") OR "meta" IS NULL),
  CONSTRAINT `score_nonneg` CHECK ("score" >= 0)
);
-- Create index "polls_choice_question_id_c5b4b260" to table: "polls_choice"
CREATE INDEX `polls_choice_question_id_c5b4b260` ON `polls_choice` (`question_id`);
-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Rename temporary table "new_polls_choice" to "polls_choice"
ALTER TABLE `new_polls_choice` RENAME TO `polls_choice`;
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
"""


@pytest.mark.parametrize(
    "text",
    [DJANGO_DDL, PLANNER_OUTPUT, PLANNER_OUTPUT.replace("\n", "\r\n")],
    ids=["django", "planner", "planner-crlf"],
)
def test_realistic_files_take_the_quick_scan(text: str) -> None:
    assert quick_taken(text)
    assert_same_split(text)
    # Comments attach as the tokenizer path attaches them (the planner's "-- Create ..." lines).
    assert split_statements(text, "sqlite")[0].comments == tokenizer_split(text)[0].comments


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_other_dialects_always_use_the_tokenizer(dialect: str) -> None:
    assert split._quick_scan_profile(split._dialect(dialect).tokenizer_class) is None
