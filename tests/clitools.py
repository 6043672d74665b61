"""Test helpers: run the installed console scripts, and throwaway copies of the example project."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Run the installed ``graticule`` console script as a user would (venv bin first on PATH)."""
    full_env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **(env or {})}
    proc = subprocess.run(
        [str(BIN / "graticule"), *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


EXAMPLE_CONFIG = """\
data "external_schema" "django" {
  program = ["python", "manage.py", "graticule-schema", "--dialect", "sqlite"]
}

env "django" {
  src = data.external_schema.django.url
  dev = "sqlite://dev?mode=memory"
  migration {
    dir = "file://migrations"
  }
  format {
    migrate {
      diff = "{{ sql . \\"  \\" }}"
    }
  }
}
"""


class Project:
    """A copy of the example Django project with its own atlas.hcl and migration directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.migrations = root / "migrations"

    def diff(self, *args: str) -> Result:
        return run_cli("migrate", "diff", "--env", "django", *args, cwd=self.root)

    def files(self) -> list[Path]:
        return sorted(self.migrations.glob("*.sql"))

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text()
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1))

    def append(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.write_text(path.read_text() + text)
