"""`graticule migrate diff` end to end on SQLite through the installed CLI, on copies of the example."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from clitools import Project, run_cli

SYNCED = "The migration directory is synced with the desired state, no changes to be made"


def apply_dir(db: Path, files: list[Path]) -> None:
    """Apply migration files to a SQLite database file, as a deployment would."""
    conn = sqlite3.connect(db)
    try:
        for f in files:
            conn.executescript(f.read_text())
    finally:
        conn.close()


def test_first_diff_creates_every_table_then_synced(project: Project) -> None:
    first = project.diff()
    assert first.code == 0, first.stderr
    files = project.files()
    assert len(files) == 1
    assert len(files[0].stem) == 14 and files[0].stem.isdigit()  # UTC YYYYMMDDHHMMSS, no name given
    sql = files[0].read_text()
    for table in (
        "polls_question",
        "polls_choice",
        "blog_post",
        "blog_feedbackoption",
        "blog_postfeedback",
        "auth_user",
        "auth_group",
        "auth_permission",
        "auth_user_groups",
        "django_content_type",
    ):
        assert f'-- Create "{table}" table\nCREATE TABLE `{table}` (\n  ' in sql
    # Referenced tables are created before the tables that reference them.
    assert sql.index('Create "polls_question"') < sql.index('Create "polls_choice"')
    assert sql.index('Create "auth_user" table') < sql.index('Create "blog_postfeedback"')
    assert (project.migrations / "atlas.sum").read_text().startswith("h1:")

    again = project.diff()
    assert again.code == 0, again.stderr
    assert again.stdout.strip() == SYNCED
    assert project.files() == files


def test_added_field_gives_add_column(project: Project) -> None:
    assert project.diff().code == 0
    project.edit(
        "polls/models.py",
        "    pub_date = ",
        "    question_type = models.CharField(max_length=20, null=True)\n    pub_date = ",
    )
    result = project.diff("add_question_type")
    assert result.code == 0, result.stderr
    files = project.files()
    assert len(files) == 2
    assert files[1].name.endswith("_add_question_type.sql")
    assert files[1].read_text() == (
        # Atlas's SQLite planner comments an in-place ADD COLUMN so (its MySQL one: `Modify "t" table`).
        '-- Add column "question_type" to table: "polls_question"\n'
        "ALTER TABLE `polls_question` ADD COLUMN `question_type` varchar(20) NULL;\n"
    )
    assert project.diff().stdout.strip() == SYNCED


def test_rebuild_keeps_rows(project: Project, tmp_path: Path) -> None:
    assert project.diff().code == 0
    db = tmp_path / "prod.db"
    apply_dir(db, project.files())
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO polls_question (id, question_text, pub_date) VALUES (1, 'What?', '2024-01-01')")
    conn.execute("INSERT INTO polls_choice (id, question_id, choice_text, votes) VALUES (7, 1, 'Yes', 3)")
    conn.commit()
    conn.close()

    # Dropping a column and making another one nullable: SQLite needs a table rebuild for both.
    project.edit("polls/models.py", "    votes = models.IntegerField(default=0)\n", "")
    project.edit(
        "polls/models.py",
        "choice_text = models.CharField(max_length=200)",
        "choice_text = models.TextField(null=True)",
    )
    result = project.diff()
    assert result.code == 0, result.stderr
    new = project.files()[-1]
    text = new.read_text()
    assert "PRAGMA foreign_keys = off" in text and "PRAGMA foreign_keys = on" in text
    assert 'Copy rows from old table "polls_choice" to new temporary table "new_polls_choice"' in text

    apply_dir(db, [new])
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT id, question_id, choice_text FROM polls_choice").fetchall() == [(7, 1, "Yes")]
    columns = [r[1] for r in conn.execute("PRAGMA table_info(polls_choice)")]
    assert "votes" not in columns
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    assert project.diff().stdout.strip() == SYNCED


def test_index_model_and_fk_changes(project: Project) -> None:
    assert project.diff().code == 0
    models = project.root / "polls/models.py"
    original = models.read_text()
    project.append(
        "polls/models.py",
        "\n\nclass Tag(models.Model):\n"
        "    name = models.CharField(max_length=30, unique=True)\n"
        "    question = models.ForeignKey(Question, null=True, on_delete=models.SET_NULL)\n\n"
        "    class Meta:\n"
        "        indexes = [\n"
        "            models.Index(\n"
        "                fields=['name'], name='tag_name_idx', condition=models.Q(question__isnull=False)\n"
        "            )\n"
        "        ]\n",
    )
    result = project.diff()
    assert result.code == 0, result.stderr
    text = project.files()[-1].read_text()
    assert '-- Create "polls_tag" table' in text
    # on_delete is emulated by Django in Python: the database FK stays NO ACTION, as `migrate` builds it.
    assert (
        "FOREIGN KEY (`question_id`) REFERENCES `polls_question` (`id`) "
        "ON UPDATE NO ACTION ON DELETE NO ACTION" in text
    )
    assert '-- Create index "tag_name_idx" to table: "polls_tag"' in text
    assert "WHERE" in text

    # Remove the model again: its table is dropped.
    models.write_text(original)
    result = project.diff()
    assert result.code == 0, result.stderr
    # As Atlas does on SQLite, drops run with foreign-key enforcement off.
    assert project.files()[-1].read_text() == (
        "-- Disable the enforcement of foreign-keys constraints\n"
        "PRAGMA foreign_keys = off;\n"
        '-- Drop "polls_tag" table\n'
        "DROP TABLE `polls_tag`;\n"
        "-- Enable back the enforcement of foreign-keys constraints\n"
        "PRAGMA foreign_keys = on;\n"
    )


def test_check_flag_detects_drift_without_writing(project: Project) -> None:
    assert project.diff("--check").code == 1  # nothing planned yet: drift
    assert project.files() == []
    assert project.diff().code == 0
    synced = project.diff("--check")
    assert synced.code == 0 and synced.stdout.strip() == SYNCED
    project.edit(
        "blog/models.py", "title = models.CharField(max_length=50)", "title = models.CharField(max_length=80)"
    )
    drift = project.diff("--check")
    assert drift.code == 1
    assert "not in sync" in drift.stderr
    assert len(project.files()) == 1


def test_tampered_directory_is_refused(project: Project) -> None:
    assert project.diff().code == 0
    f = project.files()[0]
    f.write_text(f.read_text() + "-- edited by hand\n")
    result = project.diff()
    assert result.code == 1
    assert "You have a checksum error in your migration directory." in result.stderr
    assert "Error: checksum mismatch" in result.stderr
    assert len(project.files()) == 1


def test_dirty_dev_database_is_never_touched(project: Project, tmp_path: Path) -> None:
    dev = tmp_path / "dev.db"
    conn = sqlite3.connect(dev)
    conn.execute("CREATE TABLE keep_me (id integer)")
    conn.execute("INSERT INTO keep_me VALUES (42)")
    conn.commit()
    conn.close()
    result = project.diff("--dev-url", f"sqlite://{dev}")
    assert result.code == 1
    assert 'connected database is not clean: found table "keep_me" in schema "main"' in result.stderr
    conn = sqlite3.connect(dev)
    assert conn.execute("SELECT * FROM keep_me").fetchall() == [(42,)]
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["keep_me"]
    conn.close()


def test_clean_dev_database_file_works(project: Project, tmp_path: Path) -> None:
    dev = tmp_path / "dev.db"
    result = project.diff("--dev-url", f"sqlite://{dev}")
    assert result.code == 0, result.stderr
    assert len(project.files()) == 1


def test_provider_failure_shows_its_stderr(project: Project) -> None:
    project.append("polls/models.py", "\ndef broken(:\n")
    result = project.diff()
    assert result.code == 1
    assert "Error: data.external_schema.django: program exited with status" in result.stderr
    assert "SyntaxError" in result.stderr and "models.py" in result.stderr
    assert project.files() == []


def test_missing_config_and_env(project: Project) -> None:
    (project.root / "atlas.hcl").unlink()
    missing = project.diff()
    assert missing.code == 1
    assert missing.stderr.startswith("Error: ") and "atlas.hcl" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1

    (project.root / "atlas.hcl").write_text('env "other" {\n  dev = "sqlite://dev?mode=memory"\n}\n')
    unknown = project.diff()
    assert unknown.code == 1
    assert unknown.stderr.strip() == 'Error: env "django" not defined in config file'


def test_to_file_without_config(tmp_path: Path) -> None:
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL DEFAULT 'x');\n")
    args = [
        "migrate",
        "diff",
        "--to",
        f"file://{schema}",
        "--dev-url",
        "sqlite://dev?mode=memory",
        "--dir",
        "file://m",
    ]
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 0, result.stderr
    files = sorted((tmp_path / "m").glob("*.sql"))
    assert len(files) == 1
    assert files[0].read_text().startswith('-- Create "t" table\nCREATE TABLE `t` (')
    assert run_cli(*args, cwd=tmp_path).stdout.strip() == SYNCED


def test_broken_migration_file_names_file_and_line(project: Project) -> None:
    assert project.diff().code == 0
    bad = project.migrations / "20990101000000_bad.sql"
    bad.write_text("-- a comment\n\nCREATE TABLE ok_table (id integer);\nCREATE TABLE broken (;\n")
    assert run_cli("migrate", "hash", "--env", "django", cwd=project.root).code == 0
    result = project.diff()
    assert result.code == 1
    assert "20990101000000_bad.sql:4" in result.stderr


def _long_directory(tmp_path: Path, files: int) -> list[str]:
    mdir = tmp_path / "m"
    mdir.mkdir()
    for i in range(files):
        (mdir / f"2024010100{i // 60:02d}{i % 60:02d}.sql").write_text(f"CREATE TABLE t{i} (id integer);\n")
    assert run_cli("migrate", "hash", "--dir", "file://m", cwd=tmp_path).code == 0
    schema = tmp_path / "schema.sql"
    schema.write_text("".join(f"CREATE TABLE t{i} (id integer);\n" for i in range(files)))
    return [
        "migrate",
        "diff",
        "--to",
        "file://schema.sql",
        "--dev-url",
        "sqlite://dev?mode=memory",
        "--dir",
        "file://m",
    ]


def test_long_replay_announces_itself_off_a_terminal(tmp_path: Path) -> None:
    result = run_cli(*_long_directory(tmp_path, 120), cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert "Replaying the migration directory on the dev database: 120 files" in result.stderr
    assert result.stdout.strip() == SYNCED


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import shlex
    import shutil
    import subprocess
    import sys

    if shutil.which("script") is None:
        pytest.skip("util-linux `script` (to run the CLI under a pseudo-terminal) is not installed")
    args = _long_directory(tmp_path, 30)
    command = shlex.join([str(Path(sys.executable).parent / "graticule"), *args])
    proc = subprocess.run(
        ["script", "-qec", command, "/dev/null"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout
    assert SYNCED in proc.stdout
    assert "Replaying migrations" in proc.stdout  # the bar was drawn (and erased: it is transient)
    assert "files" not in proc.stdout  # the plain announcement is for non-terminals only
