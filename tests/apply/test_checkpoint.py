"""Checkpoint files (``-- atlas:checkpoint [tag]``, written by ``atlas migrate checkpoint``): a new database
starts at the last checkpoint and skips the files before it; a database with history ignores checkpoints;
``--to-version`` before a checkpoint starts from the beginning; a partially applied checkpoint resumes."""

from __future__ import annotations

from pathlib import Path

from .helpers import Database, Workspace

FIRST = "CREATE TABLE users (id int);\n"
SECOND = "ALTER TABLE users ADD COLUMN age int;\n"
CHECKPOINT = "-- atlas:checkpoint v1\n\nCREATE TABLE users (id int, age int);\n"
AFTER = "CREATE TABLE pets (id int);\n"


def _directory(ws: Workspace) -> None:
    ws.write("1_first.sql", FIRST)
    ws.write("2_second.sql", SECOND)
    ws.write("3_checkpoint.sql", CHECKPOINT)
    ws.write("4_after.sql", AFTER)


def test_new_database_starts_at_the_last_checkpoint(ws: Workspace, db: Database) -> None:
    _directory(ws)
    status = ws.status()
    assert status.stdout == (
        "Migration Status: PENDING\n  -- Current Version: No migration applied yet\n"
        "  -- Next Version:    3 (checkpoint)\n  -- Executed Files:  0\n  -- Pending Files:   2\n"
    )
    applied = ws.apply()
    assert applied.code == 0, applied.stderr
    assert applied.stdout.startswith("Migrating to version 4 (2 migrations in total):\n")
    assert "-- migrating version 1" not in applied.stdout
    assert [(r["version"], r["type"]) for r in db.revisions()] == [("3", 2), ("4", 2)]
    assert db.tables() == {"users", "pets"}
    assert ws.apply().stdout == "No migration files to execute\n"
    ws.write("5_more.sql", "CREATE TABLE toys (id int);\n")
    assert ws.apply().stdout.startswith("Migrating to version 5 from 4 (1 migrations in total):")


def test_database_with_history_ignores_checkpoints(ws: Workspace, db: Database) -> None:
    ws.write("1_first.sql", FIRST)
    ws.write("2_second.sql", SECOND)
    assert ws.apply().code == 0
    ws.write("3_checkpoint.sql", CHECKPOINT)
    ws.write("4_after.sql", AFTER)
    status = ws.status()
    assert "  -- Next Version:    4\n" in status.stdout and "(checkpoint)" not in status.stdout
    applied = ws.apply()
    assert applied.code == 0, applied.stderr
    assert applied.stdout.startswith("Migrating to version 4 from 2 (1 migrations in total):")
    assert [r["version"] for r in db.revisions()] == ["1", "2", "4"]


def test_to_version_before_a_checkpoint_starts_from_the_first_file(ws: Workspace, db: Database) -> None:
    _directory(ws)
    applied = ws.apply("--to-version", "2")
    assert applied.code == 0, applied.stderr
    assert [r["version"] for r in db.revisions()] == ["1", "2"]
    assert ws.apply().stdout.startswith("Migrating to version 4 from 2 (1 migrations in total):")


def test_partially_applied_checkpoint_resumes(db: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", db)
    ws.write("1_first.sql", FIRST)
    broken = "-- atlas:checkpoint\n-- atlas:txmode none\n\nCREATE TABLE users (id int);\nNOT SQL;\n"
    ws.write("2_checkpoint.sql", broken)
    ws.write("3_after.sql", AFTER)
    assert ws.apply().code == 1
    assert [(r["version"], r["applied"], r["total"]) for r in db.revisions()] == [("2", 1, 2)]
    ws.write("2_checkpoint.sql", broken.replace("NOT SQL;", "CREATE TABLE toys (id int);"))
    assert "  -- Next Version:    2 (1 statements left)\n" in ws.status().stdout
    resumed = ws.apply()
    assert resumed.code == 0, resumed.stderr
    assert resumed.stdout.startswith("Migrating to version 3 from 2 (2 migrations in total):")
    assert [(r["version"], r["applied"], r["total"]) for r in db.revisions()] == [("2", 2, 2), ("3", 1, 1)]
    assert db.tables() == {"users", "toys", "pets"}
