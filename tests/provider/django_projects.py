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
