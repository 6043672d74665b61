"""The revisions table as Atlas shapes and fills it (interop both ways), ``migrate set``, where the table
lives, and the apply lock."""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from graticule.planner.apply.dialects import open_target
from graticule.planner.urls import parse_url

from .helpers import Database, Workspace

FIRST = "CREATE TABLE users (id int);\n"
SECOND = "CREATE TABLE pets (id int);\nCREATE TABLE owners (id int);\n"
THIRD = "CREATE TABLE vets (id int);\n"

# The table exactly as Atlas's ent schema creates it (atlas schema inspect output of real Atlas databases).
ATLAS_DDL = {
    "sqlite": (
        "CREATE TABLE `atlas_schema_revisions` (`version` text NOT NULL, `description` text NOT NULL, "
        "`type` integer NOT NULL DEFAULT 2, `applied` integer NOT NULL DEFAULT 0, `total` integer NOT NULL "
        "DEFAULT 0, `executed_at` datetime NOT NULL, `execution_time` integer NOT NULL, `error` text NULL, "
        "`error_stmt` text NULL, `hash` text NOT NULL, `partial_hashes` json NULL, `operator_version` text "
        "NOT NULL, PRIMARY KEY (`version`))"
    ),
    "postgres": (
        'CREATE TABLE "atlas_schema_revisions"."atlas_schema_revisions" ('
        '"version" character varying NOT NULL, '
        '"description" character varying NOT NULL, "type" bigint NOT NULL DEFAULT 2, "applied" bigint '
        'NOT NULL DEFAULT 0, "total" bigint NOT NULL DEFAULT 0, "executed_at" timestamptz NOT NULL, '
        '"execution_time" bigint NOT NULL, "error" text NULL, "error_stmt" text NULL, '
        '"hash" character varying NOT NULL, '
        '"partial_hashes" jsonb NULL, "operator_version" character varying NOT NULL, PRIMARY KEY ("version"))'
    ),
    "mysql": (
        "CREATE TABLE `atlas_schema_revisions` (`version` varchar(255) NOT NULL, `description` varchar(255) "
        "NOT NULL, `type` bigint unsigned NOT NULL DEFAULT 2, `applied` bigint NOT NULL DEFAULT 0, `total` "
        "bigint NOT NULL DEFAULT 0, `executed_at` timestamp NULL, `execution_time` bigint NOT NULL, `error` "
        "longtext NULL, `error_stmt` longtext NULL, `hash` varchar(255) NOT NULL, `partial_hashes` json "
        "NULL, `operator_version` varchar(255) NOT NULL, PRIMARY KEY (`version`)) CHARSET utf8mb4 "
        "COLLATE utf8mb4_bin"
    ),
}


def _atlas_partial_hash(*statements: str) -> str:
    running = hashlib.sha256()
    for s in statements:
        running.update(s.encode())
    return "h1:" + base64.b64encode(running.digest()).decode()


def _columns(db: Database) -> list[tuple]:
    if db.engine == "sqlite":
        return [tuple(r[1:]) for r in db.query("PRAGMA table_info(atlas_schema_revisions)")]
    schema = "atlas_schema_revisions" if db.engine == "postgres" else db.name
    return db.query(
        "SELECT column_name, column_type, is_nullable, column_default, collation_name "
        "FROM information_schema.columns WHERE table_schema = %s AND table_name = 'atlas_schema_revisions' "
        "ORDER BY ordinal_position"
        if db.engine == "mysql"
        else "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = 'atlas_schema_revisions' ORDER BY ordinal_position",
        (schema,),
    )


def test_table_shape_matches_atlas(ws: Workspace, db: Database, tmp_path: Path) -> None:
    ws.write("1_first.sql", FIRST)
    assert ws.apply().code == 0
    if db.engine == "sqlite":
        (tmp_path / "atlas").mkdir()
    theirs = Database(db.engine, tmp_path / "atlas")
    try:
        if db.engine == "postgres":
            theirs.query('CREATE SCHEMA "atlas_schema_revisions"')
        theirs.query(ATLAS_DDL[db.engine])
        assert _columns(db) == _columns(theirs)
    finally:
        theirs.drop()


def test_continues_a_database_migrated_by_atlas(ws: Workspace, db: Database) -> None:
    """Rows written as Atlas writes them (Go time text, JSON null, '' errors, the cloud identifier row, a
    partially applied file with Atlas's statement hashes) are read, kept and continued."""
    ws.write("1_first.sql", FIRST)
    ws.write("2_second.sql", SECOND)
    ws.write("3_third.sql", THIRD)
    if db.engine == "postgres":
        db.query('CREATE SCHEMA "atlas_schema_revisions"')
    db.query(ATLAS_DDL[db.engine])
    db.query("CREATE TABLE users (id int)")
    db.query("CREATE TABLE pets (id int)")  # Atlas ran statement 1 of file 2, then failed (txmode none)
    when = "2024-01-12 07:08:06.123456789+02:00" if db.engine == "sqlite" else "2024-01-12 05:08:06"
    ph = "?" if db.engine == "sqlite" else "%s"
    insert = f"INSERT INTO {db.revisions_table} VALUES ({', '.join([ph] * 12)})"
    atlas = "Atlas CLI v0.29.1"
    db.query(insert, (".atlas_cloud_identifier", "0b7c7a9e-3c1f-4c54-9b1e-5f0d3a8c2f11", 2, 0, 0, when, 0,
                      None, None, "", None, atlas))  # fmt: skip
    db.query(
        insert, ("1", "first", 2, 1, 1, when, 1200000, "", "", ws.sum_hash("1_first.sql"), "null", atlas)
    )
    partial = f'["{_atlas_partial_hash("CREATE TABLE pets (id int);")}"]'
    db.query(insert, ("2", "second", 2, 1, 2, when, 900000, "boom", "CREATE TABLE owners (id int);",
                      ws.sum_hash("2_second.sql"), partial, atlas))  # fmt: skip
    status = ws.status()
    assert "  -- Current Version: 2 (1 statements applied)\n" in status.stdout, status.stdout
    assert "  -- ERROR: boom\n" in status.stdout
    result = ws.apply()
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Migrating to version 3 from 2 (2 migrations in total):")
    assert "-> CREATE TABLE pets" not in result.stdout and "-> CREATE TABLE owners (id int);" in result.stdout
    assert db.tables() == {"users", "pets", "owners", "vets"}
    revs = {r["version"]: r for r in db.revisions()}
    assert set(revs) == {".atlas_cloud_identifier", "1", "2", "3"}
    assert revs["1"]["operator_version"] == atlas and revs["1"]["execution_time"] == 1200000
    assert (revs["2"]["applied"], revs["2"]["total"], revs["2"]["error"]) == (2, 2, "")
    assert revs["2"]["partial_hashes"] is None
    assert revs["3"]["operator_version"].startswith("graticule v")


def test_set(ws: Workspace, db: Database) -> None:
    ws.write("1_first.sql", FIRST)
    ws.write("2_second.sql", SECOND)
    ws.write("3_third.sql", THIRD)
    assert ws.set().stderr == "Error: accepts 1 arg(s), received 0\n"
    assert ws.set("1", "2").stderr == "Error: accepts 1 arg(s), received 2\n"
    assert ws.set("9").stderr == 'Error: migration with version "9" not found\n'
    two = ws.set("2")
    assert two.code == 0, two.stderr
    assert two.stdout == "Current version is 2 (2 set):\n\n  + 1 (first)\n  + 2 (second)\n\n"
    revs = db.revisions()
    assert [(r["version"], r["type"], r["applied"], r["total"]) for r in revs] == [
        ("1", 4, 0, 0),
        ("2", 4, 0, 0),
    ]
    assert revs[1]["hash"] == ws.sum_hash("2_second.sql")
    assert db.tables() == set()
    assert ws.apply("--dry-run").stdout.startswith("Migrating to version 3 from 2 (1 migrations in total):")
    down = ws.set("1")
    assert down.stdout == "Current version is 1 (1 removed):\n\n  - 2 (second)\n\n"
    assert ws.set("1").stdout == ""
    latest = ws.set()
    assert latest.stdout == "Current version is 3 (2 set):\n\n  + 2 (second)\n  + 3 (third)\n\n"
    assert [r["version"] for r in db.revisions()] == ["1", "2", "3"]


def test_set_resolves_a_partially_applied_file(ws: Workspace, db: Database) -> None:
    ws.write("1_first.sql", FIRST)
    ws.write("2_broken.sql", "CREATE TABLE pets (id int);\nTHIS FAILS;\n")
    assert ws.apply("--tx-mode", "none").code == 1
    db.query("CREATE TABLE fixed_by_hand (id int)")
    result = ws.set("2")
    assert result.stdout == "Current version is 2 (1 set):\n\n  + 2 (broken)\n\n"
    rev = db.revisions()[-1]
    assert (rev["type"], rev["applied"], rev["total"]) == (6, 2, 2)
    assert ws.apply().stdout == "No migration files to execute\n"
    assert ws.status().stdout.startswith("Migration Status: OK\n")


def _hold_lock(db: Database) -> Callable[[], None]:
    """Take the apply lock the way another applier (Atlas or graticule) would; returns a release function."""
    if db.engine == "sqlite":
        other = open_target(parse_url(db.url))
        other.lock(0)
        return other.unlock  # the connection belongs to this thread: only the lock is let go
    conn = db.connect()
    cur = conn.cursor()
    if db.engine == "postgres":
        key = 0x811C9DC5
        for byte in b"atlas_migrate_execute":  # Go's fnv.New32 (FNV-1), Atlas's advisory key
            key = (key * 0x01000193) & 0xFFFFFFFF
            key ^= byte
        cur.execute("SELECT pg_advisory_lock(%s)", (key,))
    else:
        # MariaDB's named locks are server-wide: wait for appliers of other tests' databases to finish.
        cur.execute("SELECT GET_LOCK('atlas_migrate_execute', 60)")
        assert cur.fetchone()[0] == 1

    def release_server() -> None:
        conn.close()  # the server drops a session's locks with the session

    return release_server


def test_lock_contention(ws: Workspace, db: Database) -> None:
    ws.write("1_first.sql", FIRST)
    if db.engine == "sqlite":
        db.query("CREATE TABLE t (a int)")
        db.query("DROP TABLE t")
    release = _hold_lock(db)
    try:
        started = time.monotonic()
        refused = ws.apply("--lock-timeout", "1s")
        assert time.monotonic() - started >= 0.9
        assert refused.code == 1
        assert refused.stderr == "Error: acquiring database lock: lock is held by other session\n"
        assert db.tables() == set()
        held = ws.run("migrate", "set", "--url", db.url, "--dir", ws.dir_url, "1")  # no retry, unlike ws.set
        assert held.stderr == "Error: acquiring database lock: lock is held by other session\n"
    finally:
        release()
    # A waiting applier proceeds as soon as the holder lets go.
    release = _hold_lock(db)
    timer = threading.Timer(1.0, release)
    timer.start()
    try:
        started = time.monotonic()
        waited = ws.apply("--lock-timeout", "20s")
        assert waited.code == 0, waited.stderr
        assert time.monotonic() - started >= 0.9
    finally:
        timer.join()
    assert db.tables() == {"users"}


def test_postgres_revisions_schema_rules(pg: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", pg)
    ws.write("1_first.sql", FIRST)
    ws.write("2_second.sql", SECOND)
    bound = pg.url + "?search_path=public"
    # Atlas's default without a schema in the URL: a schema of its own.
    assert ws.apply("1").code == 0
    assert pg.query("SELECT table_schema FROM information_schema.tables WHERE table_name = %s",
                    ("atlas_schema_revisions",)) == [("atlas_schema_revisions",)]  # fmt: skip
    ambiguous = ws.run("migrate", "apply", "--url", bound, "--dir", ws.dir_url)
    assert ambiguous.code == 1 and "ambiguous revision table" in ambiguous.stderr
    explicit = ws.run(
        "migrate",
        "apply",
        "--url",
        bound,
        "--dir",
        ws.dir_url,
        "--revisions-schema",
        "atlas_schema_revisions",
    )
    assert explicit.code == 0, explicit.stderr
    assert explicit.stdout.startswith("Migrating to version 2 from 1")


def test_postgres_search_path_and_custom_schema(pg: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", pg)
    ws.write("1_first.sql", FIRST)
    bound = ws.run("migrate", "apply", "--url", pg.url + "?search_path=public", "--dir", ws.dir_url)
    assert bound.code == 0, bound.stderr
    assert pg.query("SELECT table_schema FROM information_schema.tables WHERE table_name = %s",
                    ("atlas_schema_revisions",)) == [("public",)]  # fmt: skip
    pg.query("CREATE SCHEMA app")
    ws2 = Workspace(tmp_path / "project2", pg)
    ws2.write("1_first.sql", "CREATE TABLE app.things (id int);\n")
    custom = ws2.run(
        "migrate",
        "apply",
        "--url",
        pg.url + "?search_path=app",
        "--dir",
        ws2.dir_url,
        "--revisions-schema",
        "ops",
    )
    assert custom.code == 0, custom.stderr
    rows = pg.query("SELECT version FROM ops.atlas_schema_revisions")
    assert rows == [("1",)]


def test_postgres_realm_clean_check_sees_other_schemas(pg: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", pg)
    ws.write("1_first.sql", FIRST)
    pg.query("CREATE SCHEMA reporting")
    refused = ws.apply()
    assert refused.code == 1 and 'connected database is not clean: found schema "reporting"' in refused.stderr


def test_sqlite_refuses_a_revisions_schema(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", Database("sqlite", tmp_path))
    ws.write("1_first.sql", FIRST)
    result = ws.apply("--revisions-schema", "other")
    assert result.code == 1
    assert 'cannot store revisions-table in a separate schema ("other") with SQLite driver' in result.stderr


@pytest.mark.parametrize("engine", ["sqlite"])
def test_sqlite_lock_is_released_when_the_holder_dies(engine: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    db = Database(engine, tmp_path)
    ws = Workspace(tmp_path / "project", db)
    ws.write("1_first.sql", FIRST)
    db.query("CREATE TABLE t (a int)")
    db.query("DROP TABLE t")
    other_tmp = tmp_path / "other_tmp"
    other_tmp.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom graticule.planner.apply.dialects import open_target\n"
         "from graticule.planner.urls import parse_url\n"
         f"t = open_target(parse_url({db.url!r})); t.lock(0); print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(other_tmp)},
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        # The lock belongs to the database file, not to a temp dir: a holder with another TMPDIR excludes us.
        assert ws.apply("--lock-timeout", "0s").code == 1
        # ... and it never blocks the application using the database (SQLite's own locks are separate).
        db.query("CREATE TABLE app_table (a int)")
        db.query("DROP TABLE app_table")
        holder.kill()  # kill -9: no cleanup runs in the holder
        holder.wait()
        assert ws.apply("--lock-timeout", "2s").code == 0
    finally:
        holder.kill()
