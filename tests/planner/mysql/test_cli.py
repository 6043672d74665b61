"""``graticule migrate diff`` and ``schema inspect`` on MySQL/MariaDB, end to end through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from clitools import run_cli

from .helpers import DEV_URL, DJANGO_POLLS, scratch

pytestmark = pytest.mark.usefixtures("mysql_server")

SYNCED = "The migration directory is synced with the desired state, no changes to be made"


def diff(tmp_path: Path, *args: str):
    return run_cli(
        "migrate", "diff", *args, "--to", "file://schema.sql", "--dev-url", DEV_URL, "--dir", "file://m",
        cwd=tmp_path,
    )  # fmt: skip


def test_migrate_diff_writes_then_reports_synced(tmp_path):
    (tmp_path / "schema.sql").write_text(DJANGO_POLLS)
    first = diff(tmp_path, "--format", '{{ sql . "  " }}')
    assert first.code == 0, first.stderr
    (written,) = sorted((tmp_path / "m").glob("*.sql"))
    sql = written.read_text()
    assert sql.startswith('-- Create "polls_question" table\nCREATE TABLE `polls_question` (\n  `id` bigint')
    assert '-- Create "polls_choice" table\n' in sql
    assert "  CONSTRAINT `polls_choice_question_id_c5b4b260_fk_polls_question_id` FOREIGN KEY" in sql
    assert (tmp_path / "m" / "atlas.sum").read_text().startswith("h1:")

    again = diff(tmp_path)
    assert again.code == 0, again.stderr
    assert again.stdout.strip() == SYNCED

    (tmp_path / "schema.sql").write_text(
        DJANGO_POLLS.replace("`votes` integer NOT NULL", "`votes` integer NOT NULL DEFAULT 0")
    )
    third = diff(tmp_path, "votes_default")
    assert third.code == 0, third.stderr
    (added,) = (tmp_path / "m").glob("*_votes_default.sql")
    assert added.read_text() == (
        '-- Modify "polls_choice" table\n'
        "ALTER TABLE `polls_choice` MODIFY COLUMN `votes` int(11) NOT NULL DEFAULT 0;\n"
    )


def test_migrate_diff_error_names_the_statement(tmp_path):
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (a int);\nCREATE TABLE t (b int);\n")
    result = diff(tmp_path)
    assert result.code == 1
    assert result.stderr.strip() == "Error: schema.sql:2: executing statement: Table 't' already exists"


def test_schema_inspect_on_mysql(tmp_path):
    with scratch(DJANGO_POLLS) as db:
        url = DEV_URL.rsplit("/", 1)[0] + "/" + db.schema
        result = run_cli("schema", "inspect", "--url", url, cwd=tmp_path)
        assert result.code == 0, result.stderr
        assert result.stdout.startswith('-- Create "polls_question" table\nCREATE TABLE `polls_question` (\n')
        # Read-only: inspecting changed nothing.
        with db.conn.cursor() as cur:
            cur.execute("SHOW TABLES")
            assert len(cur.fetchall()) == 2
