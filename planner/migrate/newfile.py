"""``migrate new``: an empty migration file for statements written by hand, with ``atlas.sum`` rehashed.

Atlas writes the file with its default formatter and a plan holding no changes, which renders to nothing: the
file is empty. The directory is checked against ``atlas.sum`` first (a directory already out of sync would
otherwise be silently re-blessed by the rehash), and created when missing, as ``migrate diff`` does.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .directory import MigrationDir


def new_migration(dir_url: str, name: str = "", *, now: datetime | None = None) -> Path:
    """Write ``<UTC version>[_<name>].sql`` (empty) into the directory and rewrite ``atlas.sum``."""
    mdir = MigrationDir.open(dir_url, create=True)
    mdir.validate()
    path = mdir.write_migration("", name, now=now)
    mdir.write_sum()
    return path
