"""Shared fixtures; helpers live in ``clitools`` (a unique module name: test folders have conftests too)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clitools import EXAMPLE_CONFIG, REPO, Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(
        REPO / "example", root, ignore=shutil.ignore_patterns("migrations", "__pycache__", "*.sqlite3")
    )
    (root / "atlas.hcl").write_text(EXAMPLE_CONFIG)
    return Project(root)
