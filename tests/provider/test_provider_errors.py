"""Bad input: one `Error: …` line on stderr, a non-zero exit, nothing on stdout, no traceback."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest
from django_projects import PROJECTS, manage, standalone

MYSITE = PROJECTS / "mysite"


def assert_one_error_line(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_settings_that_fail_to_import() -> None:
    result = standalone(PROJECTS / "broken", "--settings", "broken.settings", "--dialect", "sqlite")
    assert_one_error_line(result, "cannot load settings 'broken.settings'", "NameError", "UNDEFINED_APP")


def test_settings_module_that_does_not_exist() -> None:
    result = standalone(MYSITE, "--settings", "nowhere.settings", "--dialect", "sqlite")
    assert_one_error_line(result, "cannot load settings 'nowhere.settings'", "No module named 'nowhere'")


def test_no_settings_at_all() -> None:
    assert_one_error_line(standalone(MYSITE, "--dialect", "sqlite"), "--settings")


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--dialect", "oracle"], ["unknown dialect 'oracle'", "sqlite"]),
        ([], ["--dialect is required"]),
        (["--dialect", "sqlite", "--apps", "polls", "nope"], ["unknown app label 'nope'", "polls"]),
        (
            ["--dialect", "sqlite", "--apps", "blog"],
            ["blog.PostFeedback.user references auth.User", "'auth' is not selected"],
        ),
        (
            ["--dialect", "sqlite", "--apps", "shop"],
            ["shop.Order.item references inventory.Item", "add it to --apps"],
        ),
        (["--dialect", "sqlite", "--database", "replica"], ["unknown database alias 'replica'", "default"]),
        (["--dialect", "sqlite", "--server-version", "3.40"], ["--server-version does not apply to sqlite"]),
    ],
)
def test_bad_flags(args: list[str], fragments: list[str]) -> None:
    assert_one_error_line(manage(MYSITE, "graticule-schema", *args), *fragments)
    assert_one_error_line(standalone(MYSITE, "--settings", "mysite.settings", *args), *fragments)


def test_many_to_many_outside_the_subset_is_named_by_its_field() -> None:
    result = manage(PROJECTS / "swapped", "graticule-schema", "--dialect", "sqlite", "--apps", "blog")
    assert_one_error_line(result, "blog.Post.authors references accounts.User")


def test_project_without_models_is_an_error_not_an_empty_schema() -> None:
    result = manage(PROJECTS / "empty", "graticule-schema", "--dialect", "sqlite")
    assert_one_error_line(result, "no tables to create")


def test_subset_without_tables_is_an_error() -> None:
    result = manage(MYSITE, "graticule-schema", "--dialect", "sqlite", "--apps", "graticule_provider")
    assert_one_error_line(result, "no tables to create", "graticule_provider")


def test_unknown_flag_of_the_standalone_script() -> None:
    result = standalone(MYSITE, "--settings", "mysite.settings", "--dialect", "sqlite", "--bogus")
    assert_one_error_line(result, "--bogus")


@pytest.mark.skipif(importlib.util.find_spec("mssql") is not None, reason="mssql-django is installed")
def test_mssql_without_its_backend() -> None:
    result = manage(MYSITE, "graticule-schema", "--dialect", "mssql")
    assert_one_error_line(result, "mssql-django")


def test_model_that_django_refuses(project_copy) -> None:
    project: Path = project_copy("mysite")
    models = project / "blog" / "models.py"
    broken = "\n\nclass Broken(models.Model):\n    other = models.ForeignKey('Nowhere', models.CASCADE)\n"
    models.write_text(models.read_text() + broken)
    result = manage(project, "graticule-schema", "--dialect", "sqlite")
    # Django 5.x reports the lazy reference (fields.E307); 4.2 the missing model (fields.E300).
    assert_one_error_line(result, "system check failed", "blog.Broken.other", "(fields.E3")


def test_conflicting_migrations(project_copy) -> None:
    project: Path = project_copy("mysite")
    (project / "polls" / "migrations" / "0002_other.py").write_text(
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        "    dependencies = [('polls', '0001_initial')]\n"
        "    operations = []\n"
    )
    result = manage(project, "graticule-schema", "--dialect", "sqlite")
    assert_one_error_line(result, "conflicting migrations", "polls: 0002_history, 0002_other", "--merge")


def test_failing_run_sql_names_the_migration(project_copy) -> None:
    project: Path = project_copy("mysite")
    history = project / "polls" / "migrations" / "0002_history.py"
    history.write_text(
        history.read_text().replace("ON polls_question (pub_date", "ON polls_nowhere (pub_date")
    )
    result = manage(project, "graticule-schema", "--dialect", "sqlite")
    assert_one_error_line(result, "migration polls.0002_history failed on sqlite", "polls_nowhere")
