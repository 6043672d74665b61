"""A statement failing in the middle of a file on MariaDB, where the statements before it stay committed.

``migrate apply`` exits 1 and records a partial revision (applied/total, the error, the statement);
``migrate status`` explains it; after the file is fixed and rehashed, the next apply resumes at the failed
statement. Editing a statement that was already applied is refused, with the database untouched.
"""

from __future__ import annotations

from pathlib import Path

from graticule.planner.migrate.directory import MigrationDir

from .harness import Engine, apply, cli, database, one_error_line

FIRST = "CREATE TABLE applied_log (version varchar(20) NOT NULL, step int NOT NULL);\n"
BROKEN_STMT = "ALTER TABLE b ADD COLUMN c int AFTER nope;"
FIXED_STMT = "ALTER TABLE b ADD COLUMN c int AFTER id;"
SECOND = (
    "INSERT INTO applied_log (version, step) VALUES ('b', 1);\n"
    # Deliberately not IF NOT EXISTS: executing it a second time would fail.
    "CREATE TABLE b (id int NOT NULL PRIMARY KEY);\n"
    f"{BROKEN_STMT}\n"
    "INSERT INTO applied_log (version, step) VALUES ('b', 2);\n"
    "CREATE INDEX b_c ON b (c);\n"
)
THIRD = "INSERT INTO applied_log (version, step) VALUES ('c', 1);\nCREATE TABLE c (id int PRIMARY KEY);\n"
V1, V2, V3 = "20240101000001", "20240101000002", "20240101000003"


def write_dir(d: Path, second: str) -> None:
    d.mkdir(exist_ok=True)
    (d / f"{V1}_log.sql").write_text(FIRST)
    (d / f"{V2}_b.sql").write_text(second)
    (d / f"{V3}_c.sql").write_text(THIRD)
    MigrationDir(d).write_sum()


def log_rows(engine: Engine, url: str) -> list[tuple]:
    return sorted(engine.rows(url, "SELECT version, step FROM applied_log"))


def test_failed_statement_is_recorded_explained_and_resumed(mariadb_engine: Engine, tmp_path: Path) -> None:
    engine = mariadb_engine
    d = tmp_path / "migrations"
    dir_url = f"file://{d}"
    write_dir(d, SECOND)
    with database(engine, tmp_path) as url:
        failed = apply(url, dir_url)
        assert failed.code == 1, failed.output
        line = one_error_line(failed.stderr)
        # The failing statement's file:line, the statement and the database's error, on one line.
        assert line.startswith(f"Error: {d / (V2 + '_b.sql')}:3: "), line
        assert BROKEN_STMT in line and "Unknown column 'nope'" in line, line

        revisions = {r["version"]: r for r in engine.revisions(url)}
        assert sorted(revisions) == [V1, V2]
        partial = revisions[V2]
        assert (partial["applied"], partial["total"]) == (2, 5), partial
        assert "nope" in partial["error"]
        assert partial["error_stmt"].strip().rstrip(";") == BROKEN_STMT.rstrip(";")
        # The two statements before the failure took effect (MariaDB committed them), once.
        assert log_rows(engine, url) == [("b", 1)]
        assert engine.table_exists(url, "b")

        status = cli("migrate", "status", "--url", url, "--dir", dir_url)
        explained = status.output
        assert "nope" in explained, explained  # the database's error
        assert "AFTER nope" in explained, explained  # the failing statement
        assert V2 in explained, explained
        # Atlas's wording for a partial file: applied and left add up to the file's 5 statements.
        assert f"Current Version: {V2} (2 statements applied)" in explained, explained
        assert f"Next Version:    {V2} (3 statements left)" in explained, explained
        assert "Executed Files:  2 (last one partially)" in explained, explained

        # Editing a statement that already ran (and fixing the broken one) is refused: the database holds
        # the old statement's effect, and nothing can make it match the new text.
        tampered = SECOND.replace("VALUES ('b', 1)", "VALUES ('b', 7)").replace(BROKEN_STMT, FIXED_STMT)
        write_dir(d, tampered)
        before = engine.revisions(url), log_rows(engine, url), engine.inspect(url)
        refused = apply(url, dir_url)
        assert refused.code == 1, refused.output
        one_error_line(refused.stderr)
        assert (engine.revisions(url), log_rows(engine, url), engine.inspect(url)) == before

        # Fixing only the failed statement, rehashed: the run resumes at statement 3.
        write_dir(d, SECOND.replace(BROKEN_STMT, FIXED_STMT))
        resumed = apply(url, dir_url)
        assert resumed.code == 0, resumed.output
        revisions = {r["version"]: r for r in engine.revisions(url)}
        assert sorted(revisions) == [V1, V2, V3]
        done = revisions[V2]
        assert (done["applied"], done["total"]) == (5, 5), done
        assert not done["error"] and not done["error_stmt"], done
        assert log_rows(engine, url) == [("b", 1), ("b", 2), ("c", 1)]
        columns = engine.rows(
            url,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = DATABASE() AND table_name = 'b' ORDER BY ordinal_position",
        )
        assert [c for (c,) in columns] == ["id", "c"]
        assert engine.rows(
            url,
            "SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() "
            "AND table_name = 'b' AND index_name = 'b_c'",
        )

        settled = cli("migrate", "status", "--url", url, "--dir", dir_url)
        assert settled.code == 0, settled.output
