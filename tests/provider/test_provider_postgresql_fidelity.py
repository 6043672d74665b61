"""PostgreSQL: the provider's DDL, computed offline, builds the same database as `manage.py migrate`.

Needs the PostgreSQL server of the development environment (127.0.0.1:5432, user postgres); skipped
without it. Databases are read with pg_catalog queries written in tests/provider/postgres_catalog.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django_projects import PROJECTS, generate_project, manage, schema
from postgres_catalog import execute_script, read_catalog, scratch_database, server_available

pytestmark = pytest.mark.skipif(not server_available(), reason="no PostgreSQL server at 127.0.0.1:5432")

PROJECT_APPS = {
    "mysite": ["polls", "blog", "kitchen", "shop", "inventory", "history"],
    "swapped": ["accounts", "blog"],
    "pgsite": ["search", "tags"],
}
# Extensions a DBA installed before `migrate` (no migration creates them); the provider infers them.
PREINSTALLED = {"pgsite": ["btree_gin", "btree_gist"]}


def postgres_env(database: str) -> dict[str, str]:
    return {
        "GRATICULE_TEST_ENGINE": "django.db.backends.postgresql",
        "GRATICULE_TEST_DB": database,
        "GRATICULE_TEST_HOST": "127.0.0.1",
        "GRATICULE_TEST_PORT": "5432",
        "GRATICULE_TEST_USER": "postgres",
        "GRATICULE_TEST_COLLATION": "C",
    }


@pytest.mark.parametrize("name", sorted(PROJECT_APPS))
def test_provider_builds_what_migrate_builds(name: str, project_copy) -> None:
    copy: Path = project_copy(name)
    with scratch_database() as migrated, scratch_database() as provided:
        env = postgres_env(migrated)
        for extension in PREINSTALLED.get(name, []):
            execute_script(migrated, f"CREATE EXTENSION {extension};\n")
        made = manage(copy, "makemigrations", *PROJECT_APPS[name], **env)
        assert made.returncode == 0, made.stderr + made.stdout
        result = manage(copy, "migrate", "--no-input", **env)
        assert result.returncode == 0, result.stderr + result.stdout
        expected = read_catalog(migrated)

        # The provider never connects: its settings point at a database that does not exist.
        offline = {**postgres_env("no_such_database"), "GRATICULE_TEST_PORT": "1"}
        ddl = schema(PROJECTS / name, "--dialect", "postgresql", **offline)
        assert execute_script(provided, ddl) > 0
        actual = read_catalog(provided)

    assert sorted(actual["tables"]) == sorted(expected["tables"])
    for table, facts in expected["tables"].items():
        assert actual["tables"][table] == facts, table
    assert actual == expected


def test_generated_project_builds_what_migrate_builds(tmp_path: Path) -> None:
    """A generated project: cross-app cycles, every common field and index kind, mostly fresh runs."""
    project = generate_project(tmp_path / "generated", models=60, apps=6, seed=3)
    with scratch_database() as migrated, scratch_database() as provided:
        env = {**postgres_env(migrated), "DJANGO_SETTINGS_MODULE": "benchsite.server_settings"}
        made = manage(project, "makemigrations", **env)
        assert made.returncode == 0, made.stderr + made.stdout
        result = manage(project, "migrate", "--no-input", **env)
        assert result.returncode == 0, result.stderr + result.stdout
        expected = read_catalog(migrated)
        for migrations in project.glob("*/migrations"):  # the provider plans from the models, as at first
            for written in migrations.glob("0*.py"):
                written.unlink()
        ddl = schema(project, "--dialect", "postgresql")
        assert execute_script(provided, ddl) > 0
        actual = read_catalog(provided)
    assert len(expected["tables"]) > 60
    assert actual == expected
