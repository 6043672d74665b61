"""Run the test projects' Django in subprocesses, one per call, so no settings leak between tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECTS = Path(__file__).parent / "projects"


def django_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(extra)
    return env


def manage(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python manage.py …` in the project directory."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        env=django_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def standalone(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The `graticule-django` console script, run from `cwd`."""
    script = Path(sys.executable).parent / "graticule-django"
    return subprocess.run(
        [str(script), *args], cwd=cwd, env=django_env(**env), capture_output=True, text=True, timeout=300
    )


def schema(project: Path, *args: str, **env: str) -> str:
    """The provider's output for a project, asserting it succeeded without noise on stderr."""
    result = manage(project, "graticule-schema", *args, **env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


REPO = Path(__file__).resolve().parents[2]

# Settings for running `migrate` on a generated project (bench/generate.py) against a server: the generated
# settings name SQLite; these take the database from the same variables as the test projects' settings.
SERVER_SETTINGS = """\
import os

from benchsite.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": os.environ["GRATICULE_TEST_ENGINE"],
        "NAME": os.environ["GRATICULE_TEST_DB"],
        "HOST": os.environ.get("GRATICULE_TEST_HOST", ""),
        "PORT": os.environ.get("GRATICULE_TEST_PORT", ""),
        "USER": os.environ.get("GRATICULE_TEST_USER", ""),
    }
}
if "mysql" in DATABASES["default"]["ENGINE"]:
    import pymysql

    pymysql.install_as_MySQLdb()
"""


def generate_project(target: Path, models: int, apps: int, seed: int) -> Path:
    """A project from bench/generate.py (every app with an empty migrations package), with settings
    `benchsite.server_settings` for running `migrate` against a server."""
    options = ["--models", str(models), "--apps", str(apps), "--seed", str(seed)]
    command = [sys.executable, "bench/generate.py", str(target), *options]
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    (target / "benchsite" / "server_settings.py").write_text(SERVER_SETTINGS)
    return target
