"""``migrate apply`` on SQLite, PostgreSQL and MariaDB: the log, revisions rows, amount/to-version, dry run,
clean-database rules, baseline, execution orders and checksum refusal."""

from __future__ import annotations

import json
import re

import pytest

from .helpers import Database, Workspace

FIRST = "CREATE TABLE users (id int);\n"
SECOND = "ALTER TABLE users ADD COLUMN age int;\nCREATE INDEX users_age ON users (age);\n"
THIRD = "CREATE TABLE pets (id int);\n"


def three(ws: Workspace) -> None:
    ws.write("1_first.sql", FIRST)
    ws.write("2_second.sql", SECOND)
    ws.write("3_third.sql", THIRD)


def test_apply_all_logs_like_atlas_and_records_revisions(ws: Workspace, db: Database) -> None:
    three(ws)
    result = ws.apply()
    assert result.code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Migrating to version 3 (3 migrations in total):\n\n  -- migrating version 1\n")
    assert "    -> CREATE TABLE users (id int);\n  -- ok (" in out
    assert "  -- migrating version 2\n    -> ALTER TABLE users ADD COLUMN age int;\n" in out
    assert "    -> CREATE INDEX users_age ON users (age);\n" in out
    assert re.search(r"\n\n  -------------------------\n  -- [\d.]+(µs|ms|s)\n  -- 3 migrations\n"
                     r"  -- 4 sql statements\n$", out), out  # fmt: skip
    assert db.tables() == {"users", "pets"}
    revs = db.revisions()
    assert [(r["version"], r["description"], r["type"], r["applied"], r["total"]) for r in revs] == [
        ("1", "first", 2, 1, 1),
        ("2", "second", 2, 2, 2),
        ("3", "third", 2, 1, 1),
    ]
    for rev in revs:
        assert rev["hash"] == ws.sum_hash(f"{rev['version']}_{rev['description']}.sql")
        assert rev["partial_hashes"] is None
        assert rev["error"] == "" and rev["error_stmt"] == ""
        assert rev["operator_version"].startswith("graticule v")
        assert rev["execution_time"] > 0
    again = ws.apply()
    assert again.code == 0 and again.stdout == "No migration files to execute\n"


def test_amount_and_to_version(ws: Workspace, db: Database) -> None:
    three(ws)
    one = ws.apply("1")
    assert one.stdout.startswith("Migrating to version 1 (1 migrations in total):"), one.stdout
    assert db.tables() == {"users"}
    two = ws.apply("--to-version", "2")
    assert two.stdout.startswith("Migrating to version 2 from 1 (1 migrations in total):"), two.stdout
    assert [r["version"] for r in db.revisions()] == ["1", "2"]
    assert ws.apply("--to-version", "2").stdout == "No migration files to execute\n"
    missing = ws.apply("--to-version", "9")
    assert missing.code == 1 and missing.stderr == 'Error: migration with version "9" not found\n'
    typo = ws.apply("--to-version", "31")
    assert typo.stderr == 'Error: migration with version "31" not found. Did you mean "3"?\n'
    rest = ws.apply("5")
    assert rest.stdout.startswith("Migrating to version 3 from 2 (1 migrations in total):")
    bad = ws.apply("zero")
    assert bad.code == 1 and 'invalid amount argument "zero"' in bad.stderr
    assert "cannot apply '0' migration files" in ws.apply("0").stderr


def test_dry_run_prints_without_executing_or_recording(ws: Workspace, db: Database) -> None:
    three(ws)
    assert ws.apply("1").code == 0
    dry = ws.apply("--dry-run")
    assert dry.code == 0, dry.stderr
    assert dry.stdout.startswith("Migrating to version 3 from 1 (2 migrations in total):")
    assert "-> CREATE TABLE pets (id int);" in dry.stdout
    assert db.tables() == {"users"}
    assert [r["version"] for r in db.revisions()] == ["1"]


def test_dry_run_on_fresh_database_creates_nothing(ws: Workspace, db: Database) -> None:
    three(ws)
    dry = ws.apply("--dry-run")
    assert dry.code == 0, dry.stderr
    assert "-- migrating version 3" in dry.stdout
    assert db.tables() == set()
    assert "atlas_schema_revisions" not in {r[0] for r in _all_tables(db)}


def _all_tables(db: Database) -> list[tuple]:
    if db.engine == "sqlite":
        return db.query("SELECT name FROM sqlite_master WHERE type = 'table'")
    # information_schema spans the whole MySQL server (other tests' databases): stay in this one.
    where = "table_schema = DATABASE()" if db.engine == "mysql" else "table_catalog = current_database()"
    return db.query(
        "SELECT table_name FROM information_schema.tables "
        f"WHERE table_name = 'atlas_schema_revisions' AND {where}"
    )


def test_first_apply_needs_a_clean_database(ws: Workspace, db: Database) -> None:
    three(ws)
    db.query("CREATE TABLE manual (id int)")
    refused = ws.apply()
    assert refused.code == 1
    assert refused.stderr == (
        f'Error: connected database is not clean: found table "manual" in schema "{db.schema}". '
        "baseline version or allow-dirty is required\n"
    )
    assert db.tables() == {"manual"}
    # A refused run writes nothing, not even the revisions table.
    assert "atlas_schema_revisions" not in {r[0] for r in _all_tables(db)}
    dirty = ws.apply("--allow-dirty")
    assert dirty.code == 0, dirty.stderr
    assert db.tables() == {"manual", "users", "pets"}


def test_baseline_marks_versions_applied(ws: Workspace, db: Database) -> None:
    three(ws)
    db.query("CREATE TABLE users (id int, age int)")  # the database already has what 1 and 2 build
    db.query("CREATE INDEX users_age ON users (age)")
    both = ws.apply("--baseline", "2", "--allow-dirty")
    assert both.code == 1 and "baseline and allow-dirty are mutually exclusive" in both.stderr
    unknown = ws.apply("--baseline", "7")
    assert unknown.code == 1 and 'baseline version "7" not found' in unknown.stderr
    result = ws.apply("--baseline", "2")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Migrating to version 3 from 2 (1 migrations in total):")
    revs = db.revisions()
    assert [(r["version"], r["type"], r["applied"], r["total"], r["hash"]) for r in revs] == [
        ("2", 1, 0, 0, ""),
        ("3", 2, 1, 1, ws.sum_hash("3_third.sql")),
    ]
    # The baseline only matters on a first run: later runs ignore it.
    assert ws.apply("--baseline", "1").stdout == "No migration files to execute\n"


def test_out_of_order_files_per_execution_order(ws: Workspace, db: Database) -> None:
    ws.write("1_first.sql", FIRST)
    ws.write("3_third.sql", THIRD)
    assert ws.apply().code == 0
    ws.write("2_second.sql", SECOND)
    linear = ws.apply()
    assert linear.code == 1
    assert linear.stderr == (
        "Error: migration file 2_second.sql was added out of order. "
        "See: https://atlasgo.io/versioned/apply#non-linear-error\n"
    )
    status = ws.status()
    assert status.stdout == (
        "Migration Status: PENDING\n"
        "  -- Current Version: 3\n"
        "  -- Next Version:    UNKNOWN\n"
        "  -- Executed Files:  2\n"
        "  -- Pending Files:   1 (out of order)\n"
        "\n"
        "  ERROR: migration file 2_second.sql was added out of order. "
        "See: https://atlasgo.io/versioned/apply#non-linear-error\n"
    )
    skip = ws.apply("--exec-order", "linear-skip")
    assert skip.code == 0 and skip.stdout == "No migration files to execute\n"
    assert "age" not in _columns(db, "users")
    ws.write("4_fourth.sql", "CREATE TABLE owners (id int);\n")
    skip = ws.apply("--exec-order", "linear-skip")
    assert skip.stdout.startswith("Migrating to version 4 from 3 (1 migrations in total):")
    bad = ws.apply("--exec-order", "sideways")
    assert bad.code == 1 and 'unknown execution order: "sideways"' in bad.stderr
    non_linear = ws.apply("--exec-order", "non-linear")
    assert non_linear.code == 0, non_linear.stderr
    assert non_linear.stdout.startswith("Migrating to version 2 from 4 (1 migrations in total):")
    assert "age" in _columns(db, "users")
    assert [r["version"] for r in db.revisions()] == ["1", "2", "3", "4"]


def _columns(db: Database, table: str) -> set[str]:
    if db.engine == "sqlite":
        return {r[1] for r in db.query(f"PRAGMA table_info({table})")}
    rows = db.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
        (db.schema, table),
    )
    return {r[0] for r in rows}


def test_checksum_mismatch_refuses_before_connecting(ws: Workspace, db: Database) -> None:
    three(ws)
    (ws.migrations / "2_second.sql").write_text(SECOND + "CREATE TABLE sneaky (id int);\n")
    result = ws.apply()
    assert result.code == 1
    assert "You have a checksum error in your migration directory." in result.stderr
    assert "L3: 2_second.sql was edited" in result.stderr
    assert result.stderr.rstrip().endswith("Error: checksum mismatch")
    assert db.tables() == set()


def test_json_format(ws: Workspace, db: Database) -> None:
    three(ws)
    assert ws.apply("1").code == 0
    result = ws.apply("--format", "{{ json . }}")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["Driver"] == {"sqlite": "sqlite3", "postgres": "postgres", "mysql": "mysql"}[db.engine]
    assert data["URL"]["Scheme"] == db.url.split("://")[0]
    assert data["Dir"] == ws.dir_url
    assert data["Current"] == "1" and data["Target"] == "3"
    assert [f["Name"] for f in data["Pending"]] == ["2_second.sql", "3_third.sql"]
    assert data["Pending"][0] == {"Name": "2_second.sql", "Version": "2", "Description": "second"}
    assert data["Applied"][0]["Applied"] == [
        "ALTER TABLE users ADD COLUMN age int;",
        "CREATE INDEX users_age ON users (age);",
    ]
    assert "Error" not in data["Applied"][0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", data["Start"])
    assert data["Message"] == "Migrated to version 3 from 1 (2 migrations in total)"
    assert set(data) == {"Driver", "URL", "Dir", "Pending", "Applied", "Current", "Target", "Start", "End",
                         "Message"}  # fmt: skip
    nothing = json.loads(ws.apply("--format", "{{ json . }}").stdout)
    assert nothing["Message"] == "No migration files to execute" and "Applied" not in nothing
    template = ws.apply("--format", "{{ .Message }}|{{ len .Pending }}")
    assert template.stdout == "No migration files to execute|0"


def test_missing_url_and_bad_tx_mode(ws: Workspace, db: Database) -> None:
    three(ws)
    no_url = ws.run("migrate", "apply", "--dir", ws.dir_url)
    assert no_url.code == 1 and 'required flag "url" not set' in no_url.stderr
    bad = ws.apply("--tx-mode", "invalid")
    assert bad.code == 1 and 'unknown tx-mode "invalid"' in bad.stderr


def test_env_settings_from_atlas_hcl(ws: Workspace, db: Database, tmp_path) -> None:
    three(ws)
    config = ws.root / "atlas.hcl"
    config.write_text(
        f'env "prod" {{\n  url = "{db.url}"\n  migration {{\n    dir = "{ws.dir_url}"\n'
        '    lock_timeout = "2s"\n    exec_order = LINEAR_SKIP\n  }\n'
        '  format {\n    migrate {\n      apply = "{{ .Target }}"\n'
        '      status = "{{ .Status }}"\n    }\n  }\n}\n'
    )
    applied = ws.run("migrate", "apply", "-c", f"file://{config}", "--env", "prod")
    assert applied.code == 0, applied.stderr
    assert applied.stdout == "3"
    status = ws.run("migrate", "status", "-c", f"file://{config}", "--env", "prod")
    assert status.stdout == "OK"


@pytest.mark.parametrize("flag", ["--tx-mode", "--exec-order"])
def test_flags_are_validated_before_touching_the_database(ws: Workspace, db: Database, flag: str) -> None:
    three(ws)
    result = ws.apply(flag, "bogus")
    assert result.code == 1
    assert db.tables() == set()


def test_sqlite_missing_file_only_apply_creates_it(tmp_path) -> None:
    """status, set and --dry-run refuse a missing SQLite file (a mistyped path must not pass for an empty
    database, nor leave a file behind); apply creates it, and removes it again when the run is refused."""
    from pathlib import Path

    from .helpers import Database

    db = Database("sqlite", tmp_path)
    ws = Workspace(tmp_path / "project", db)
    three(ws)
    db.path.unlink()
    refusal = (
        f"Error: {db.url}: no such database file '{db.path}'"
        " (only migrate apply, without --dry-run, creates one)\n"
    )
    for result in (ws.status(), ws.set("1"), ws.apply("--dry-run")):
        assert (result.code, result.stderr) == (1, refusal)
        assert not db.path.exists()
    bad_baseline = ws.apply("--baseline", "7")
    assert bad_baseline.stderr == 'Error: baseline version "7" not found\n'
    assert not db.path.exists()
    (ws.migrations / "2_second.sql").write_text("-- atlas:txmode all\n\n" + SECOND)
    ws.rehash()
    assert "txmode" in ws.apply().stderr  # refused while preparing the files: nothing written
    assert not db.path.exists()
    missing_dir = ws.run(
        "migrate", "apply", "--url", f"sqlite://{tmp_path}/nope/db.sqlite", "--dir", ws.dir_url
    )
    assert (
        missing_dir.stderr
        == f"Error: sqlite://{tmp_path}/nope/db.sqlite: directory '{tmp_path}/nope' does not exist\n"
    )
    assert not Path(tmp_path, "nope").exists()
    ws.write("2_second.sql", SECOND)
    applied = ws.apply()
    assert applied.code == 0, applied.stderr
    assert db.tables() == {"users", "pets"}
