"""The example project evolved through the steps of ``steps.py`` on SQLite, PostgreSQL and MySQL/MariaDB.

After each step `graticule migrate diff --env …` (the envs of the example's atlas.hcl) writes exactly one file
named after the step, and a second run finds the directory synced. At the end the whole directory, run on an
empty database, must hold what Django's own `migrate` builds for the final models (migrations generated with
`makemigrations` in a separate copy), compared through the engine's catalog (see ``catalogs.py``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import servers
from clitools import REPO, run_cli

from .catalogs import ENGINES, Engine
from .steps import STEPS

SYNCED = "The migration directory is synced with the desired state, no changes to be made"

SERVER_FIXTURES = {"postgresql": "postgres_server", "mysql": "mysql_server"}
DEV_URLS = {
    "GRATICULE_POSTGRES_DEV_URL": servers.POSTGRES_URL,
    "GRATICULE_MYSQL_DEV_URL": servers.MYSQL_URL,
}


def copy_example(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("migrations*", "__pycache__", "*.sqlite3"))
    return target


class Evolution:
    """A copy of the repository's example and atlas.hcl, planned with one env."""

    def __init__(self, root: Path, engine: Engine) -> None:
        self.root = root
        self.engine = engine
        copy_example(REPO / "example", root / "example")
        shutil.copy(REPO / "atlas.hcl", root / "atlas.hcl")
        self.directory = root / engine.directory

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.sql"))

    def diff(self, *name: str) -> str:
        result = run_cli("migrate", "diff", "--env", self.engine.env, *name, cwd=self.root, env=DEV_URLS)
        assert result.code == 0, f"migrate diff {' '.join(name)}: {result.stderr}"
        return result.stdout

    def step(self, name: str) -> None:
        """Plan the models as they now are: one new file named after the step, then nothing more to do."""
        before = self.files()
        self.diff(name)
        after = self.files()
        assert after[: len(before)] == before and len(after) == len(before) + 1, (before, after)
        assert after[-1].name.endswith(f"_{name}.sql"), after[-1].name
        assert after[-1].read_text().strip(), f"{name}: empty migration"
        assert self.diff().strip() == SYNCED, f"{name}: a second run is not synced"
        assert self.files() == after


def django_migrate(project: Path, engine: Engine, database: str) -> None:
    """Build the database with Django itself: makemigrations for the project's apps (in this copy only),
    then migrate every app."""
    settings = project / "mysite" / "evolution_settings.py"
    settings.write_text(
        "from mysite.settings import *  # noqa: F403\n\n"
        f"DATABASES = {{'default': {engine.django_database(database)!r}}}\n"
        # Django's MySQL backend imports mysqlclient; PyMySQL stands in for it, as in the provider's tests.
        + ("import pymysql\n\npymysql.install_as_MySQLdb()\n" if engine.name == "mysql" else "")
    )
    for command in (["makemigrations", "polls", "blog"], ["migrate"]):
        proc = subprocess.run(
            [sys.executable, "manage.py", *command, "--settings", "mysite.evolution_settings"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, f"manage.py {' '.join(command)}:\n{proc.stdout}\n{proc.stderr}"


@pytest.mark.parametrize("engine_name", list(ENGINES))
def test_evolved_migrations_build_what_django_migrate_builds(
    engine_name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if engine_name in SERVER_FIXTURES:
        request.getfixturevalue(SERVER_FIXTURES[engine_name])  # skip locally, fail in CI, if it is down
    engine = ENGINES[engine_name]
    evolution = Evolution(tmp_path / "repo", engine)
    evolution.step("initial")
    for step in STEPS:
        step.apply(evolution.root / "example")
        evolution.step(step.name)
    assert len(evolution.files()) == len(STEPS) + 1

    # The final models, in a copy of their own: makemigrations writes migration packages into its apps.
    django_copy = copy_example(evolution.root / "example", tmp_path / "django")
    with engine.fresh(tmp_path) as ours, engine.fresh(tmp_path) as theirs:
        for migration in evolution.files():
            engine.run(ours, migration.read_text())
        django_migrate(django_copy, engine, theirs)
        # Both sides must hold the final models' tables, with nothing left of the dropped or renamed ones.
        ours_catalog, theirs_catalog = engine.catalog(ours), engine.catalog(theirs)
        assert "blog_tags" in ours_catalog and "blog_post_tags" in ours_catalog
        assert "blog_tag" not in ours_catalog and "blog_postfeedback" not in ours_catalog
        assert ours_catalog == theirs_catalog
