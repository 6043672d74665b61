"""Fixtures for the provider tests; helpers live in django_projects.py and sqlite_catalog.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django_projects import PROJECTS


@pytest.fixture
def project_copy(tmp_path: Path):
    """A scratch copy of a test project (migrations may be generated into it)."""

    def copy(name: str) -> Path:
        copies = len(list(tmp_path.glob(f"{name}-copy*")))
        target = tmp_path / f"{name}-copy{copies}"
        shutil.copytree(PROJECTS / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
        return target

    return copy
