"""Migration file content: Atlas's default layout, the indent format, and custom templates."""

from __future__ import annotations

import json

import pytest

from graticule.planner.errors import GraticuleError
from graticule.planner.gotemplate import render
from graticule.planner.migrate.writer import TEMPLATE_FUNCS, render_plan, template_plan
from graticule.planner.plan import Statement

STATEMENTS = [
    Statement(
        head='CREATE TABLE "polls_question"',
        comment='create "polls_question" table',
        items=['"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT', '"question_text" varchar(200) NOT NULL'],
    ),
    Statement(
        head='CREATE INDEX "q_idx" ON "polls_question" ("question_text")', comment='create index "q_idx"'
    ),
    Statement(head="PRAGMA foreign_keys = on"),
]

# Atlas's DefaultFormatter content template (sql/migrate/dir.go), verbatim.
ATLAS_DEFAULT_TEMPLATE = (
    "{{ directives . }}{{ range .Changes }}{{ with .Comment }}"
    '{{ printf "-- %s%s\\n" (slice . 0 1 | upper ) (slice . 1) }}{{ end }}'
    '{{ printf "%s%s\\n" .Cmd (or $.Delimiter ";") }}{{ end }}'
)


def test_default_layout() -> None:
    assert render_plan(STATEMENTS) == (
        '-- Create "polls_question" table\n'
        'CREATE TABLE "polls_question" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
        '"question_text" varchar(200) NOT NULL);\n'
        '-- Create index "q_idx"\n'
        'CREATE INDEX "q_idx" ON "polls_question" ("question_text");\n'
        "PRAGMA foreign_keys = on;\n"
    )


def test_indent_format() -> None:
    assert render_plan(STATEMENTS, template='{{ sql . "  " }}') == (
        '-- Create "polls_question" table\n'
        'CREATE TABLE "polls_question" (\n'
        '  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,\n'
        '  "question_text" varchar(200) NOT NULL\n'
        ");\n"
        '-- Create index "q_idx"\n'
        'CREATE INDEX "q_idx" ON "polls_question" ("question_text");\n'
        "PRAGMA foreign_keys = on;\n"
    )


def test_sql_without_indent_is_the_default_layout() -> None:
    assert render_plan(STATEMENTS, template="{{ sql . }}") == render_plan(STATEMENTS)
    assert render_plan(STATEMENTS, template='{{ sql $ "\\t" }}').count("\n\t") == 2


def test_atlas_default_template_matches_default_layout() -> None:
    """Atlas's own template, run by our evaluator, gives exactly our default layout."""
    assert render(ATLAS_DEFAULT_TEMPLATE, template_plan(STATEMENTS), TEMPLATE_FUNCS) == render_plan(
        STATEMENTS
    )
    with_delimiter = template_plan(STATEMENTS, delimiter="\n\n", directives=["-- atlas:txmode none"])
    assert render(ATLAS_DEFAULT_TEMPLATE, with_delimiter, TEMPLATE_FUNCS) == render_plan(
        STATEMENTS, delimiter="\n\n", directives=["-- atlas:txmode none"]
    )


def test_delimiter_and_directives_header() -> None:
    text = render_plan(STATEMENTS[1:2], delimiter="//", directives=["-- atlas:nolint DS103"])
    assert text == (
        "-- atlas:delimiter //\n-- atlas:nolint DS103\n\n"
        '-- Create index "q_idx"\nCREATE INDEX "q_idx" ON "polls_question" ("question_text")//\n'
    )


def test_invalid_directives() -> None:
    with pytest.raises(GraticuleError, match="invalid directive"):
        render_plan(STATEMENTS, directives=["-- not a directive"])
    with pytest.raises(GraticuleError, match="duplicate directive"):
        render_plan(STATEMENTS, delimiter="//", directives=["-- atlas:delimiter $$"])


def test_custom_template_sees_atlas_fields() -> None:
    template = "{{ .Name }}:{{ range .Changes }}\n{{ .Comment }} => {{ .Cmd }}{{ end }}\n"
    assert render_plan(STATEMENTS[1:], name="add_index", template=template) == (
        'add_index:\ncreate index "q_idx" => CREATE INDEX "q_idx" ON "polls_question" ("question_text")\n'
        " => PRAGMA foreign_keys = on\n"
    )


def test_json_of_the_plan() -> None:
    data = json.loads(render_plan(STATEMENTS[1:2], name="x", template="{{ json . }}"))
    assert data == {
        "Version": "",
        "Name": "x",
        "Changes": [
            {
                "Cmd": 'CREATE INDEX "q_idx" ON "polls_question" ("question_text")',
                "Comment": 'create index "q_idx"',
            }
        ],
        "Delimiter": "",
        "Directives": None,
    }


def test_template_errors_are_user_errors() -> None:
    with pytest.raises(GraticuleError, match='function "nope" not defined'):
        render_plan(STATEMENTS, template="{{ nope . }}")
    with pytest.raises(GraticuleError, match="can't evaluate field Statements"):
        render_plan(STATEMENTS, template="{{ .Statements }}")
    with pytest.raises(GraticuleError, match="sql expects the plan"):
        render_plan(STATEMENTS, template="{{ range .Changes }}{{ sql . }}{{ end }}")
