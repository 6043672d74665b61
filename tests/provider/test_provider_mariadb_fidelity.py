"""MariaDB: the provider's DDL, computed offline, builds the same database as `manage.py migrate`.

Needs the MariaDB server of the development environment (127.0.0.1:3306, user root); skipped without it.
Databases are read with information_schema queries written in tests/provider/mariadb_catalog.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django_projects import PROJECTS, generate_project, manage, schema
from mariadb_catalog import execute_script, read_catalog, scratch_database, server_version

VERSION = server_version()
pytestmark = pytest.mark.skipif(
    VERSION is None or "mariadb" not in VERSION.lower(), reason="no MariaDB server at 127.0.0.1:3306"
)

PROJECT_APPS = {
    "mysite": ["polls", "blog", "kitchen", "shop", "inventory", "history"],
    "swapped": ["accounts", "blog"],
}


def mariadb_env(database: str) -> dict[str, str]:
    return {
        "GRATICULE_TEST_ENGINE": "django.db.backends.mysql",
        "GRATICULE_TEST_DB": database,
        "GRATICULE_TEST_HOST": "127.0.0.1",
        "GRATICULE_TEST_PORT": "3306",
        "GRATICULE_TEST_USER": "root",
        "GRATICULE_TEST_COLLATION": "utf8mb4_bin",
    }


@pytest.mark.parametrize("name", sorted(PROJECT_APPS))
def test_provider_builds_what_migrate_builds(name: str, project_copy) -> None:
    copy: Path = project_copy(name)
    server = VERSION.split("-")[0]
    with scratch_database() as migrated, scratch_database() as provided:
        env = mariadb_env(migrated)
        made = manage(copy, "makemigrations", *PROJECT_APPS[name], **env)
        assert made.returncode == 0, made.stderr + made.stdout
        result = manage(copy, "migrate", "--no-input", **env)
        assert result.returncode == 0, result.stderr + result.stdout
        expected = read_catalog(migrated)

        # The provider never connects: its settings point at a database that does not exist.
        ddl = schema(
            PROJECTS / name,
            "--dialect",
            "mariadb",
            "--server-version",
            server,
            **mariadb_env("no_such_database"),
        )
        assert execute_script(provided, ddl) > 0
        actual = read_catalog(provided)

    assert sorted(actual["tables"]) == sorted(expected["tables"])
    for table, facts in expected["tables"].items():
        assert actual["tables"][table] == facts, table
    assert actual == expected


def test_generated_project_builds_what_migrate_builds(tmp_path: Path) -> None:
    """A generated project: cross-app cycles, every common field and index kind, mostly fresh runs."""
    project = generate_project(tmp_path / "generated", models=60, apps=6, seed=3)
    server = VERSION.split("-")[0]
    with scratch_database() as migrated, scratch_database() as provided:
        env = {**mariadb_env(migrated), "DJANGO_SETTINGS_MODULE": "benchsite.server_settings"}
        made = manage(project, "makemigrations", **env)
        assert made.returncode == 0, made.stderr + made.stdout
        result = manage(project, "migrate", "--no-input", **env)
        assert result.returncode == 0, result.stderr + result.stdout
        expected = read_catalog(migrated)
        for migrations in project.glob("*/migrations"):  # the provider plans from the models, as at first
            for written in migrations.glob("0*.py"):
                written.unlink()
        ddl = schema(project, "--dialect", "mariadb", "--server-version", server)
        assert execute_script(provided, ddl) > 0
        actual = read_catalog(provided)
    assert len(expected["tables"]) > 60
    assert actual == expected
