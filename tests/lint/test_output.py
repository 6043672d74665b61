"""Report formats: Atlas's text layout, Atlas's JSON shape through Go templates, GitHub annotations."""

from __future__ import annotations

import json

import pytest
from lintkit import lint

from graticule.planner.errors import GraticuleError
from graticule.planner.lint.output import github_report, go_duration, template_report, text_report
from graticule.planner.lint.report import LintReport

BASE = "CREATE TABLE users (id int);\nCREATE TABLE pets (id int);\n"


def fixed(report: LintReport) -> LintReport:
    """Durations pinned, so the text can be compared whole."""
    report.duration = 0.0123
    for f in report.files:
        f.duration = 0.000090668
    return report


def test_text_matches_atlas_layout_for_grouped_fixes() -> None:
    report = fixed(lint(BASE, "DROP TABLE users;\nDROP TABLE pets;\n"))
    assert text_report(report) == (
        "Analyzing changes from version 1 to 2 (1 migration in total):\n"
        "\n"
        "  -- analyzing version 2\n"
        "    -- destructive changes detected:\n"
        '      -- L1: Dropping table "users" https://atlasgo.io/lint/analyzers#DS102\n'
        '      -- L2: Dropping table "pets" https://atlasgo.io/lint/analyzers#DS102\n'
        "    -- suggested fixes:\n"
        '      -> Add a pre-migration check to ensure table "users" is empty before dropping it\n'
        '      -> Add a pre-migration check to ensure table "pets" is empty before dropping it\n'
        "  -- ok (90.668µs)\n"
        "\n"
        "  -------------------------\n"
        "  -- 12.3ms\n"
        "  -- 1 version with errors\n"
        "  -- 2 schema changes\n"
        "  -- 2 diagnostics\n"
    )


def test_text_clean_file_without_base() -> None:
    report = fixed(lint([], "CREATE TABLE users (id int);\n"))
    assert text_report(report) == (
        "Analyzing changes until version 1 (1 migration in total):\n"
        "\n"
        "  -- analyzing version 1\n"
        "    -- no diagnostics found\n"
        "  -- ok (90.668µs)\n"
        "\n"
        "  -------------------------\n"
        "  -- 12.3ms\n"
        "  -- 1 version ok\n"
        "  -- 1 schema change\n"
    )


def test_text_wraps_long_diagnostics_and_shows_the_model() -> None:
    report = fixed(
        lint(
            "CREATE TABLE users (id int PRIMARY KEY, name text);\n",
            "CREATE TABLE `new_users` (`id` int PRIMARY KEY, `name` text, `age` int NOT NULL);\n"
            "INSERT INTO `new_users` (`id`, `name`) SELECT `id`, `name` FROM `users`;\n"
            "DROP TABLE `users`;\nALTER TABLE `new_users` RENAME TO `users`;\n",
            positions={"users": "accounts/models.py:12"},
        )
    )
    text = text_report(report)
    assert (
        '      -- L1: Adding a non-nullable "int" column "age" will fail in case table "users" is\n'
        "         not empty https://atlasgo.io/lint/analyzers#MF103\n"
        "         django: accounts/models.py:12: add db_default= to the field" in text
    )
    assert "  -- 1 version with warnings\n" in text


def test_text_reports_a_failing_file() -> None:
    report = fixed(lint(BASE, "ALTER TABLE nope ADD COLUMN x int;\n"))
    text = text_report(report)
    assert "    -- Error: 2.sql:1: executing statement:" in text
    assert "  -- 1 version with errors\n" in text


def test_json_has_atlas_shape_and_graticule_extras() -> None:
    report = lint(BASE, "CREATE TABLE n (id int);\nDROP TABLE pets;\n", positions={"pets": "zoo/models.py:3"})
    out = json.loads(template_report(report, "{{ json . }}", {"Driver": "sqlite", "Dir": "migrations"}))
    assert out["Env"] == {"Driver": "sqlite", "Dir": "migrations"}
    assert [s["Name"] for s in out["Steps"]] == [
        "Detect New Migration Files",
        "Replay Migration Files",
        "Analyze 2.sql",
    ]
    (file,) = out["Files"]
    assert file["Name"] == "2.sql" and file["Text"].startswith("CREATE TABLE n")
    assert file["Error"] == "destructive changes detected"
    (rep,) = file["Reports"]
    assert rep["Text"] == "destructive changes detected"
    (diag,) = rep["Diagnostics"]
    assert diag["Pos"] == len("CREATE TABLE n (id int);\n")
    assert (diag["Text"], diag["Code"]) == ('Dropping table "pets"', "DS102")
    assert diag["SuggestedFixes"] == [
        {"Message": 'Add a pre-migration check to ensure table "pets" is empty before dropping it'}
    ]
    assert (diag["Line"], diag["Model"]) == (2, "zoo/models.py:3")
    assert "two deploys" in diag["Hint"]


def test_templates_walk_the_report() -> None:
    report = lint(BASE, "DROP TABLE pets;\n")
    template = (
        "{{ range .Files }}{{ .Name }}:{{ range .Reports }}{{ range .Diagnostics }} {{ .Code }}"
        "{{ end }}{{ end }}{{ end }}"
    )
    assert template_report(report, template, {}) == "2.sql: DS102"


def test_template_errors_are_user_errors() -> None:
    with pytest.raises(GraticuleError, match="template"):
        template_report(lint(BASE, "DROP TABLE pets;\n"), "{{ .Files", {})


def test_github_annotations() -> None:
    report = lint(
        BASE,
        "DROP TABLE pets;\nCREATE UNIQUE INDEX users_id ON users (id);\n",
        positions={"users": "accounts/models.py:12"},
    )
    lines = github_report(report, "migrations").splitlines()
    assert lines[0] == (
        '::error file=migrations/2.sql,line=1,title=DS102::Dropping table "pets" '
        "(https://atlasgo.io/lint/analyzers#DS102)%0ASuggested fix: Add a pre-migration check to ensure "
        'table "pets" is empty before dropping it'
    )
    assert lines[1].startswith("::warning file=migrations/2.sql,line=2,title=MF101::Adding a unique index")
    assert lines[1].endswith(
        "%0ADjango: accounts/models.py:12: deduplicate the rows in a data migration before the one that adds"
        " unique=True"
    )


def test_github_escapes_properties_and_messages() -> None:
    report = lint(BASE, "ALTER TABLE nope ADD COLUMN x int;\n")
    (line,) = github_report(report, "dir,with:odd").splitlines()
    assert line.startswith(
        "::error file=dir%2Cwith%3Aodd/2.sql,title=migrate lint::2.sql:1: executing statement:"
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (0.0000005, "500ns"),
        (0.000090668, "90.668µs"),
        (0.0123, "12.3ms"),
        (2.5, "2.5s"),
        (61.25, "1m1.25s"),
    ],
)
def test_go_durations(seconds: float, text: str) -> None:
    assert go_duration(seconds) == text
