"""`graticule schema inspect`: what graticule sees, as DDL that rebuilds the schema, or as JSON."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from clitools import run_cli

SCHEMA = """
CREATE TABLE child (id integer PRIMARY KEY AUTOINCREMENT, parent_id bigint NOT NULL REFERENCES parent (id)
    DEFERRABLE INITIALLY DEFERRED, note text DEFAULT 'n/a', CHECK (length(note) < 100));
CREATE TABLE parent (id integer PRIMARY KEY, name varchar(50) NOT NULL UNIQUE);
CREATE INDEX child_parent ON child (parent_id) WHERE parent_id > 0;
"""


def make_db(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()


def dump(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def test_sql_output_rebuilds_the_same_schema(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    make_db(db, SCHEMA)
    before = dump(db)
    result = run_cli("schema", "inspect", "--url", f"sqlite://{db}", cwd=tmp_path)
    assert result.code == 0, result.stderr
    sql = result.stdout
    # Referenced tables first, whatever the order they were created in.
    assert sql.index('-- Create "parent" table') < sql.index('-- Create "child" table')
    assert "CREATE INDEX `child_parent` ON `child` (`parent_id`) WHERE" in sql
    assert dump(db) == before  # inspected read-only

    copy = tmp_path / "copy.db"
    make_db(copy, sql)
    again = run_cli("schema", "inspect", "--url", f"sqlite://{copy}", cwd=tmp_path)
    assert again.code == 0 and again.stdout == sql


def test_json_output_is_the_schema_model(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    make_db(db, SCHEMA)
    result = run_cli("schema", "inspect", "--url", f"sqlite://{db}", "--format", "json", cwd=tmp_path)
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["name"] == "main"
    tables = {t["name"]: t for t in data["tables"]}
    assert set(tables) == {"child", "parent"}
    [fk] = tables["child"]["foreign_keys"]
    assert (fk["columns"], fk["ref_table"], fk["deferrable"]) == (["parent_id"], "parent", True)
    assert tables["child"]["primary_key"]["auto_increment"] is True
    assert [c["name"] for c in tables["child"]["columns"]] == ["id", "parent_id", "note"]


def test_missing_file_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    result = run_cli("schema", "inspect", "--url", "sqlite://nope.db", cwd=tmp_path)
    assert result.code == 1
    assert result.stderr.strip() == "Error: sqlite://nope.db: no such database file 'nope.db'"
    assert not (tmp_path / "nope.db").exists()


def test_credentials_are_never_echoed(tmp_path: Path) -> None:
    result = run_cli("schema", "inspect", "--url", "oracle://scott:tiger@db/x", cwd=tmp_path)
    assert result.code == 1
    assert "tiger" not in result.stderr and "xxxxx" in result.stderr
