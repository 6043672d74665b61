"""Failing statements: rollback inside transactions, partial records without them (txmode none, MariaDB DDL),
resuming at the failed statement, refusing edited applied statements, ``--tx-mode all``, directives, and the
status report in each state."""

from __future__ import annotations

from pathlib import Path

from .helpers import Database, Workspace

GOOD = "CREATE TABLE users (id int);\n"
BROKEN = "CREATE TABLE broken (id int);\nTHIS IS A FAILING STATEMENT;\n"
FIXED = "CREATE TABLE broken (id int);\nCREATE TABLE fixed (id int);\n"


def test_failing_statement_rolls_the_file_back(tx_db: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", tx_db)
    ws.write("1_first.sql", GOOD)
    ws.write("2_broken.sql", BROKEN)
    result = ws.apply()
    assert result.code == 1
    assert result.stderr.startswith(
        f'Error: {ws.migrations}/2_broken.sql:2: executing statement "THIS IS A FAILING STATEMENT;" from '
        'version "2": '
    )
    assert "  -- migrating version 2\n    -> CREATE TABLE broken (id int);\n" in result.stdout
    assert "    -> THIS IS A FAILING STATEMENT;\n    " in result.stdout
    assert result.stdout.endswith(
        "  -- 1 migration ok, 1 with errors\n  -- 2 sql statements ok, 1 with errors\n"
    )
    assert tx_db.tables() == {"users"}
    # The file's row is rolled back with it, then written again to record the error: nothing applied.
    rev = tx_db.revisions()[-1]
    assert (rev["version"], rev["applied"], rev["total"], rev["partial_hashes"]) == ("2", 0, 2, None)
    assert rev["error_stmt"] == "THIS IS A FAILING STATEMENT;" and rev["error"]
    status = ws.status()
    assert status.stdout.startswith(
        "Migration Status: PENDING\n  -- Current Version: 2 (0 statements applied)\n"
        "  -- Next Version:    2 (2 statements left)\n"
    ), status.stdout
    assert "  -- SQL:   THIS IS A FAILING STATEMENT;\n" in status.stdout
    ws.write("2_broken.sql", FIXED)
    fixed = ws.apply()
    assert fixed.code == 0
    assert "    -> CREATE TABLE broken (id int);\n" in fixed.stdout  # the whole file runs again
    assert tx_db.tables() == {"users", "broken", "fixed"}
    assert tx_db.revisions()[-1]["error"] == ""


def test_tx_mode_all_rolls_every_file_back(tx_db: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", tx_db)
    ws.write("1_first.sql", GOOD)
    ws.write("2_broken.sql", BROKEN)
    result = ws.apply("--tx-mode", "all")
    assert result.code == 1 and 'from version "2"' in result.stderr
    assert tx_db.tables() == set()
    assert tx_db.revisions() == []
    ws.write("2_broken.sql", FIXED)
    ok = ws.apply("--tx-mode", "all")
    assert ok.code == 0, ok.stderr
    assert [r["version"] for r in tx_db.revisions()] == ["1", "2"]


def test_partial_record_resume_and_edit_refusal(ws: Workspace, db: Database) -> None:
    """txmode none on every engine: the row says how far the file got; the fixed file resumes there."""
    ws.write("1_first.sql", GOOD)
    ws.write("2_broken.sql", BROKEN)
    failed = ws.apply("--tx-mode", "none")
    assert failed.code == 1
    assert db.tables() == {"users", "broken"}
    rev = db.revisions()[-1]
    assert (rev["version"], rev["type"], rev["applied"], rev["total"]) == ("2", 2, 1, 2)
    assert rev["error_stmt"] == "THIS IS A FAILING STATEMENT;"
    assert rev["error"]
    assert len(rev["partial_hashes"]) == 1 and rev["partial_hashes"][0].startswith("h1:")
    _assert_partial_status(ws, rev["error"])

    # Editing a statement that already ran is refused, whatever the fix.
    ws.write("2_broken.sql", "CREATE TABLE renamed (id int);\nCREATE TABLE fixed (id int);\n")
    refused = ws.apply()
    assert refused.code == 1
    assert 'Error: history changed: statement 1 from file "2_broken.sql" changed' in refused.stderr
    assert db.tables() == {"users", "broken"}

    ws.write("2_broken.sql", FIXED)
    resumed = ws.apply()
    assert resumed.code == 0, resumed.stderr
    assert resumed.stdout.startswith("Migrating to version 2 from 2 (1 migrations in total):")
    assert "-> CREATE TABLE broken" not in resumed.stdout
    assert "    -> CREATE TABLE fixed (id int);\n" in resumed.stdout
    assert db.tables() == {"users", "broken", "fixed"}
    rev = db.revisions()[-1]
    assert (rev["applied"], rev["total"], rev["error"], rev["error_stmt"]) == (2, 2, "", "")
    assert rev["partial_hashes"] is None
    assert rev["hash"] == ws.sum_hash("2_broken.sql")
    assert ws.status().stdout.startswith("Migration Status: OK\n  -- Current Version: 2\n")


def _assert_partial_status(ws: Workspace, error: str) -> None:
    status = ws.status()
    assert status.code == 0, status.stderr
    assert status.stdout == (
        "Migration Status: PENDING\n"
        "  -- Current Version: 2 (1 statements applied)\n"
        "  -- Next Version:    2 (1 statements left)\n"
        "  -- Executed Files:  2 (last one partially)\n"
        "  -- Pending Files:   1\n"
        "\n"
        "Last migration attempt had errors:\n"
        "  -- SQL:   THIS IS A FAILING STATEMENT;\n"
        f"  -- ERROR: {error}\n"
    )


def test_mariadb_ddl_commits_so_the_row_records_the_partial_file(maria: Database, tmp_path: Path) -> None:
    """The default txmode (file): MariaDB commits before each DDL statement, and the row says so."""
    ws = Workspace(tmp_path / "project", maria)
    ws.write("1_first.sql", GOOD)
    ws.write("2_broken.sql", BROKEN)
    failed = ws.apply()
    assert failed.code == 1
    assert maria.tables() == {"users", "broken"}
    rev = maria.revisions()[-1]
    assert (rev["applied"], rev["total"], rev["error_stmt"]) == (1, 2, "THIS IS A FAILING STATEMENT;")
    assert "You have an error in your SQL syntax" in rev["error"]
    ws.write("2_broken.sql", FIXED)
    assert ws.apply().code == 0
    assert maria.tables() == {"users", "broken", "fixed"}


def test_mariadb_dml_only_file_rolls_back(maria: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", maria)
    ws.write("1_first.sql", GOOD)
    assert ws.apply().code == 0
    ws.write("2_rows.sql", "INSERT INTO users VALUES (1);\nINSERT INTO nowhere VALUES (2);\n")
    failed = ws.apply()
    assert failed.code == 1
    assert maria.query("SELECT COUNT(*) FROM users")[0][0] == 0
    rev = maria.revisions()[-1]
    assert (rev["version"], rev["applied"], rev["total"]) == ("2", 0, 2)


def test_mariadb_dml_after_ddl_runs_exactly_once(maria: Database, tmp_path: Path) -> None:
    """After an implicit commit a new transaction keeps each DML statement and the row update counting it
    together: the failed run rolls the INSERT back, the resumed run inserts it once."""
    ws = Workspace(tmp_path / "project", maria)
    ws.write(
        "1_mixed.sql", "CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\nINSERT INTO nowhere VALUES (2);\n"
    )
    assert ws.apply().code == 1
    assert maria.query("SELECT COUNT(*) FROM t")[0][0] == 0
    rev = maria.revisions()[0]
    assert (rev["applied"], rev["total"], len(rev["partial_hashes"])) == (1, 3, 1)
    ws.write("1_mixed.sql", "CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n")
    resumed = ws.apply()
    assert resumed.code == 0, resumed.stderr
    assert maria.query("SELECT a FROM t ORDER BY a") == [(1,), (2,)]


def test_mariadb_tx_mode_all_warns(maria: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", maria)
    ws.write("1_first.sql", GOOD)
    result = ws.apply("--tx-mode", "all")
    assert result.code == 0
    assert (
        "Warning: mysql commits every DDL statement implicitly: --tx-mode all cannot roll back"
        in result.stderr
    )


def test_postgres_partial_then_transactional_retry_keeps_the_record(pg: Database, tmp_path: Path) -> None:
    """A partial file retried in a transaction that fails again: the row keeps its count, new error."""
    ws = Workspace(tmp_path / "project", pg)
    ws.write("1_broken.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nSELECT nope;\n")
    assert ws.apply("--tx-mode", "none").code == 1
    assert pg.revisions()[0]["applied"] == 2
    ws.write("1_broken.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nSELECT still_nope;\n")
    again = ws.apply()
    assert again.code == 1
    rev = pg.revisions()[0]
    assert (rev["applied"], rev["total"], rev["error_stmt"]) == (2, 3, "SELECT still_nope;")
    assert "still_nope" in rev["error"]


def test_txmode_directive(tx_db: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", tx_db)
    ws.write("1_none.sql", "-- atlas:txmode none\n\nCREATE TABLE kept (id int);\nSELECT * FROM nowhere;\n")
    failed = ws.apply()
    assert failed.code == 1
    assert tx_db.tables() == {"kept"}  # no transaction: the first statement stays
    assert tx_db.revisions()[0]["applied"] == 1
    conflict = ws.apply("--tx-mode", "all")
    assert conflict.code == 1
    assert (
        'cannot set txmode directive to "none" in "1_none.sql" when txmode "all" is set globally'
        in conflict.stderr
    )


def test_postgres_function_trigger_and_delimiter(pg: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", pg)
    ws.write(
        "1_func.sql",
        "CREATE TABLE t (a int, note text);\n"
        "CREATE FUNCTION stamp() RETURNS trigger AS $$\nBEGIN\n  NEW.note := 'x;y';\n  RETURN NEW;\nEND;\n$$"
        " LANGUAGE plpgsql;\n"
        "CREATE TRIGGER t_stamp BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION stamp();\n",
    )
    ws.write(
        "2_delim.sql",
        "-- atlas:delimiter //\n\nINSERT INTO t (a) VALUES (1)//\nINSERT INTO t (a) VALUES (2)//\n",
    )
    result = ws.apply()
    assert result.code == 0, result.stderr
    assert pg.query("SELECT a, note FROM t ORDER BY a") == [(1, "x;y"), (2, "x;y")]
    assert [(r["version"], r["total"]) for r in pg.revisions()] == [("1", 3), ("2", 2)]


def test_mariadb_trigger_and_procedure(maria: Database, tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", maria)
    ws.write(
        "1_trigger.sql",
        "CREATE TABLE t (a int, note varchar(10));\n"
        "CREATE TRIGGER t_stamp BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.note = 'x;y';\nEND;\n",
    )
    ws.write(
        "2_proc.sql",
        "-- atlas:delimiter //\n\nCREATE PROCEDURE fill()\nBEGIN\n  INSERT INTO t (a) VALUES (1);\n"
        "  INSERT INTO t (a) VALUES (2);\nEND//\nCALL fill()//\n",
    )
    result = ws.apply()
    assert result.code == 0, result.stderr
    assert maria.query("SELECT a, note FROM t ORDER BY a") == [(1, "x;y"), (2, "x;y")]
    assert [(r["version"], r["total"]) for r in maria.revisions()] == [("1", 2), ("2", 2)]


def test_sqlite_trigger(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "project", Database("sqlite", tmp_path))
    ws.write(
        "1_trigger.sql",
        "CREATE TABLE t (a int, note text);\nCREATE TRIGGER t_stamp AFTER INSERT ON t BEGIN\n"
        "  UPDATE t SET note = 'x;y' WHERE a = NEW.a;\nEND;\nINSERT INTO t (a) VALUES (1);\n",
    )
    assert ws.apply().code == 0
    assert ws.db.query("SELECT a, note FROM t") == [(1, "x;y")]


def test_status_states(ws: Workspace, db: Database) -> None:
    ws.write("1_first.sql", GOOD)
    ws.write("2_second.sql", "CREATE TABLE pets (id int);\n")
    fresh = ws.status()
    assert fresh.code == 0, fresh.stderr
    assert fresh.stdout == (
        "Migration Status: PENDING\n  -- Current Version: No migration applied yet\n"
        "  -- Next Version:    1\n  -- Executed Files:  0\n  -- Pending Files:   2\n"
    )
    assert db.tables() == set()
    assert ws.apply("1").code == 0
    assert ws.status().stdout == (
        "Migration Status: PENDING\n  -- Current Version: 1\n  -- Next Version:    2\n"
        "  -- Executed Files:  1\n  -- Pending Files:   1\n"
    )
    assert ws.apply().code == 0
    assert ws.status().stdout == (
        "Migration Status: OK\n  -- Current Version: 2\n  -- Next Version:    Already at latest version\n"
        "  -- Executed Files:  2\n  -- Pending Files:   0\n"
    )
    data = ws.status("--format", "{{ json . }}").stdout
    assert '"Status":"OK"' in data and '"Type":"applied"' in data and '"Env":{"Driver":' in data


def test_error_line_names_file_and_line(ws: Workspace, db: Database) -> None:
    """The failure is one ``Error:`` line starting with ``file:line`` of the failed statement, even when the
    statement spans lines (quoted as Atlas quotes it: Go's %q)."""
    ws.write(
        "1_first.sql",
        "-- first\nCREATE TABLE a (id int);\n\nINSERT INTO a VALUES (1);\n\n-- broken one\n"
        "CREAT TABLE b (\n  id int\n);\nCREATE TABLE c (id int);\n",
    )
    result = ws.apply()
    assert result.code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(
        f'Error: {ws.migrations}/1_first.sql:7: executing statement "CREAT TABLE b (\\n  id int\\n);" '
        'from version "1": '
    ), result.stderr
    json_error = ws.apply("--format", "{{ .Error }}")
    assert json_error.stdout.startswith('executing statement "CREAT TABLE b (\\n  id int\\n);"')
