"""The provider's shortcuts (see applying.py and dialects/sqlite.py) change its speed, never its output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django_projects import PROJECTS, manage, schema
from sqlite_catalog import execute_script, read_catalog
from synthetic import write_project


@pytest.fixture(scope="module")
def synthetic_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("synthetic")
    return root, write_project(root)


@pytest.mark.parametrize("name", ["mysite", "swapped"])
def test_same_bytes_as_djangos_own_path(name: str) -> None:
    fast = schema(PROJECTS / name, "--dialect", "sqlite")
    assert fast == schema(PROJECTS / name, "--dialect", "sqlite", GRATICULE_PROVIDER_NO_SHORTCUTS="1")


def test_same_bytes_on_a_generated_project_with_fk_cycles(synthetic_project: tuple[Path, list[str]]) -> None:
    project, _ = synthetic_project
    fast = schema(project, "--dialect", "sqlite")
    assert fast == schema(project, "--dialect", "sqlite", GRATICULE_PROVIDER_NO_SHORTCUTS="1")
    # the project exercises what the shortcuts replace: rebuilds after cycles, constraints added later
    assert fast.count("CREATE TABLE") > 40


def test_generated_project_matches_migrate(synthetic_project: tuple[Path, list[str]], tmp_path: Path) -> None:
    project, labels = synthetic_project
    database = tmp_path / "a.sqlite3"
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    made = manage(copy, "makemigrations", *labels, GRATICULE_TEST_DB=str(database))
    assert made.returncode == 0, made.stderr + made.stdout
    migrated = manage(copy, "migrate", "--no-input", GRATICULE_TEST_DB=str(database))
    assert migrated.returncode == 0, migrated.stderr + migrated.stdout

    provided = tmp_path / "b.sqlite3"
    execute_script(provided, schema(project, "--dialect", "sqlite"))
    assert read_catalog(provided) == read_catalog(database)
