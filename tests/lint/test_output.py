"""Report formats: Atlas's text layout, Atlas's JSON shape through Go templates, GitHub annotations."""

from __future__ import annotations

import json

import pytest
from lintkit import lint

from graticule.planner.errors import GraticuleError
from graticule.planner.lint.output import (
    atlas_env,
    github_report,
    go_duration,
    max_width,
    template_report,
    text_report,
)
from graticule.planner.lint.report import LintReport

DEV = "sqlite://dev?mode=memory"
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
    # Atlas's maxWidth: 85 - len("      -- L1: ") = 72 columns of word lengths (spaces not counted).
    assert (
        '      -- L1: Adding a non-nullable "int" column "age" will fail in case table "users" is not empty\n'
        "         https://atlasgo.io/lint/analyzers#MF103\n"
        "         django: accounts/models.py:12: add db_default= to the field" in text
    )
    assert "  -- 1 version with warnings\n" in text


def test_text_reports_a_failing_file() -> None:
    """Atlas's layout for a file that could not be loaded: the error without a version heading, and no
    "schema changes" line when nothing changed."""
    report = fixed(lint(BASE, "ALTER TABLE nope ADD COLUMN x int;\n"))
    assert text_report(report) == (
        "Analyzing changes from version 1 to 2 (1 migration in total):\n"
        "\n"
        "  Error: 2.sql:1: executing statement: no such table: nope\n"
        "\n"
        "  -------------------------\n"
        "  -- 12.3ms\n"
        "  -- 1 version with errors\n"
    )


def test_text_failing_file_after_diagnostics_keeps_them() -> None:
    report = fixed(lint(BASE, "DROP TABLE pets;\nALTER TABLE nope ADD COLUMN x int;\n"))
    text = text_report(report)
    assert "  -- analyzing version 2\n    -- destructive changes detected:\n" in text
    assert "  Error: 2.sql:2: executing statement: no such table: nope\n\n  ------" in text
    assert "-- ok" not in text


def test_text_separates_versions_with_a_blank_line() -> None:
    report = fixed(lint(BASE, "CREATE TABLE a (id int);\n", "CREATE TABLE b (id int);\n"))
    assert "  -- ok (90.668µs)\n\n  -- analyzing version 3\n" in text_report(report)


def test_a_file_ignored_by_nolint_is_left_out_as_atlas_does() -> None:
    report = fixed(lint(BASE, "-- atlas:nolint\n\nDROP TABLE pets;\n", "DROP TABLE users;\n"))
    text = text_report(report)
    assert text.startswith("Analyzing changes from version 1 to 3 (2 migrations in total):\n\n")
    assert "analyzing version 2" not in text and "  -- analyzing version 3\n" in text
    assert "  -- 1 version with errors\n  -- 1 schema change\n  -- 1 diagnostic\n" in text
    data = json.loads(template_report(report, "{{ json . }}", {}))
    assert [f["Name"] for f in data["Files"]] == ["3.sql"]
    assert [s["Name"] for s in data["Steps"]][-1:] == ["Analyze 3.sql"]


def test_text_of_nothing_to_lint_is_empty() -> None:
    assert text_report(LintReport()) == ""


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("a bb ccc", 6, ["a bb ccc"]),
        ("a bb ccc dd", 6, ["a bb ccc", "dd"]),
        ("toolongword x", 4, ["", "toolongword", "x"]),
        ("", 10, [""]),
    ],
)
def test_max_width_is_atlas_s(text: str, width: int, lines: list[str]) -> None:
    assert max_width(text, width) == lines


def test_long_fixes_wrap_like_diagnostics() -> None:
    name = "a_table_with_a_rather_long_name_for_wrapping"
    report = fixed(lint(f"CREATE TABLE {name} (id int);\n", f"DROP TABLE {name};\n"))
    text = text_report(report)
    assert (
        "      -> Add a pre-migration check to ensure table\n"
        f'         "{name}" is empty before dropping it\n' in text
    )


def test_pos_counts_bytes() -> None:
    """Atlas's Pos is a Go byte offset: a non-ASCII comment before the statement counts its UTF-8 bytes."""
    first = "-- été ☃\nCREATE TABLE n (id int);\n"
    report = lint(BASE, first + "DROP TABLE pets;\n")
    (diag,) = report.diagnostics
    assert diag.pos == len(first.encode("utf-8")) and diag.pos != len(first)
    assert diag.line == 3


def test_json_has_atlas_shape_and_graticule_extras() -> None:
    report = lint(BASE, "CREATE TABLE n (id int);\nDROP TABLE pets;\n", positions={"pets": "zoo/models.py:3"})
    out = json.loads(template_report(report, "{{ json . }}", atlas_env(DEV, "migrations")))
    assert out["Env"] == {
        "Driver": "sqlite",
        "URL": go_url("sqlite", "dev", "", "mode=memory"),
        "Dir": "migrations",
    }
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


def go_url(scheme: str, host: str, path: str, query: str, schema: str = "main", user: bool = False) -> dict:
    """Atlas's ``sqlclient.URL`` as Go's encoding/json writes it (``net/url.URL`` fields, then ``Schema``)."""
    return {
        "Scheme": scheme,
        "Opaque": "",
        "User": {} if user else None,
        "Host": host,
        "Path": path,
        "RawPath": "",
        "OmitHost": False,
        "ForceQuery": False,
        "RawQuery": query,
        "Fragment": "",
        "RawFragment": "",
        "Schema": schema,
    }


def test_env_urls_are_atlas_s_url_objects_without_passwords() -> None:
    env = atlas_env("postgres://u:secret@127.0.0.1:5432/db?sslmode=disable&search_path=app", "m")
    assert env["Driver"] == "postgres"
    assert env["URL"] == go_url(
        "postgres", "127.0.0.1:5432", "/db", "sslmode=disable&search_path=app", "app", user=True
    )
    assert "secret" not in json.dumps(env)
    env = atlas_env("mysql://root@localhost:3306/shop?tls=false", "m")
    assert env["Driver"] == "mysql"
    assert env["URL"] == go_url("mysql", "localhost:3306", "/shop", "parseTime=true&tls=false", "shop", True)
    assert atlas_env("mariadb://root@h/x", "m")["Driver"] == "maria"
    assert atlas_env("postgres://h/db", "m")["URL"]["Schema"] == ""


def test_json_integrity_step_when_the_sum_was_checked() -> None:
    report = lint(BASE, "DROP TABLE pets;\n")
    report.sum_checked = True
    steps = json.loads(template_report(report, "{{ json . }}", {}))["Steps"]
    assert steps[0] == {"Name": "Migration Integrity Check", "Text": "File atlas.sum is valid"}


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
