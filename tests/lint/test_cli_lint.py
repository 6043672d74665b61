"""`graticule migrate lint` and the lint inside `migrate diff`, through the installed CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from clitools import Project, run_cli

DEV = "sqlite://dev?mode=memory"


def write_dir(root: Path, files: dict[str, str]) -> Path:
    migrations = root / "migrations"
    migrations.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (migrations / name).write_text(text)
    assert run_cli("migrate", "hash", "--dir", "file://migrations", cwd=root).code == 0
    return migrations


def lint_cli(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("migrate", "lint", "--dir", "file://migrations", "--dev-url", DEV, *args, cwd=root)
    return result.code, result.stdout, result.stderr


FILES = {
    "1_init.sql": "CREATE TABLE users (id int PRIMARY KEY, name text);\nCREATE TABLE pets (id int);\n",
    "2_drop.sql": "DROP TABLE pets;\n",
    "3_index.sql": "CREATE UNIQUE INDEX users_name ON users (name);\n",
}


def test_latest_and_exit_codes(tmp_path: Path) -> None:
    write_dir(tmp_path, FILES)
    code, out, _ = lint_cli(tmp_path, "--latest", "1")
    assert code == 0  # data_depend warns
    assert out.startswith("Analyzing changes from version 2 to 3 (1 migration in total):\n")
    assert "#MF101" in out and "DS102" not in out
    code, out, _ = lint_cli(tmp_path, "--latest", "2")
    assert code == 1  # destructive is an error
    assert "Analyzing changes from version 1 to 3 (2 migrations in total):" in out
    assert "  -- 1 version with warnings, 1 with errors\n" in out
    code, out, _ = lint_cli(tmp_path, "--latest", "5")
    assert "Analyzing changes until version 3 (3 migrations in total):" in out


def test_json_and_github_formats(tmp_path: Path) -> None:
    write_dir(tmp_path, FILES)
    code, out, _ = lint_cli(tmp_path, "--latest", "2", "--format", "{{ json . }}")
    assert code == 1
    data = json.loads(out)
    assert data["Env"]["Driver"] == "sqlite" and data["Env"]["Dir"] == "migrations"
    assert [f["Name"] for f in data["Files"]] == ["2_drop.sql", "3_index.sql"]
    assert data["Files"][0]["Reports"][0]["Diagnostics"][0]["Code"] == "DS102"
    code, out, _ = lint_cli(tmp_path, "--latest", "2", "--format", "github")
    assert code == 1
    assert out.splitlines()[0].startswith("::error file=migrations/2_drop.sql,line=1,title=DS102::")
    assert out.splitlines()[1].startswith("::warning file=migrations/3_index.sql,line=1,title=MF101::")


def test_env_lint_block_latest_policy_and_format(tmp_path: Path) -> None:
    write_dir(tmp_path, FILES)
    (tmp_path / "atlas.hcl").write_text(
        'env "ci" {\n  dev = "sqlite://dev?mode=memory"\n  migration {\n    dir = "file://migrations"\n  }\n'
        "  lint {\n    latest = 2\n    destructive {\n      error = false\n    }\n"
        '    format = "{{ range .Files }}{{ .Name }} {{ end }}"\n  }\n}\n'
    )
    result = run_cli("migrate", "lint", "--env", "ci", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == "2_drop.sql 3_index.sql"
    # A flag wins over the env's change detector.
    result = run_cli(
        "migrate", "lint", "--env", "ci", "--latest", "1", "--format", "{{ len .Files }}", cwd=tmp_path
    )
    assert result.stdout.strip() == "1"


def test_env_data_depend_error(tmp_path: Path) -> None:
    write_dir(tmp_path, FILES)
    (tmp_path / "atlas.hcl").write_text(
        'env "ci" {\n  dev = "sqlite://dev?mode=memory"\n  migration {\n    dir = "file://migrations"\n  }\n'
        "  lint {\n    data_depend {\n      error = true\n    }\n  }\n}\n"
    )
    result = run_cli("migrate", "lint", "--env", "ci", "--latest", "1", cwd=tmp_path)
    assert result.code == 1
    assert "  -- 1 version with errors" in result.stdout


def test_url_reports_the_data(tmp_path: Path) -> None:
    write_dir(tmp_path, FILES)
    db = tmp_path / "prod.db"
    conn = sqlite3.connect(db)
    conn.executescript(FILES["1_init.sql"] + "INSERT INTO users VALUES (1, 'a'), (2, 'a'), (3, 'b');")
    conn.close()
    code, out, err = lint_cli(tmp_path, "--latest", "1", "--url", f"sqlite://{db}")
    assert code == 0, err
    assert "(1 duplicate row found in the --url database)" in out.replace("\n         ", " ")


def test_user_errors_are_one_line(tmp_path: Path) -> None:
    write_dir(tmp_path, FILES)
    code, out, err = lint_cli(tmp_path)
    assert code == 1 and out == ""
    assert err.startswith("Error: nothing to lint: pass --latest N or --git-base BRANCH")
    assert len(err.strip().splitlines()) == 1
    code, _, err = lint_cli(tmp_path, "--latest", "1", "--git-base", "main")
    assert err.strip() == "Error: --latest and --git-base cannot be used together"
    code, _, err = lint_cli(tmp_path, "--latest", "1", "--url", "postgres://u:secret@127.0.0.1:1/x")
    assert code == 1 and "secret" not in err and err.startswith("Error: --url is a postgresql database")
    (tmp_path / "migrations" / "3_index.sql").write_text("-- edited\n")
    code, _, err = lint_cli(tmp_path, "--latest", "1")
    assert code == 1 and "Error: checksum mismatch" in err


def test_a_failing_file_fails_the_lint(tmp_path: Path) -> None:
    write_dir(tmp_path, {**FILES, "4_bad.sql": "ALTER TABLE nope ADD COLUMN x int;\n"})
    code, out, _ = lint_cli(tmp_path, "--latest", "1")
    assert code == 1
    assert "  Error: 4_bad.sql:1: executing statement: no such table: nope\n" in out


def test_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    write_dir(tmp_path, {**FILES, "4_bad.sql": "-- a comment\n\nCREATE TABLE t (a int;\n"})
    code, out, err = lint_cli(tmp_path, "--latest", "1")
    assert code == 1 and err == ""
    assert '  Error: 4_bad.sql:3: executing statement: near ";": syntax error\n' in out


@pytest.mark.parametrize("value", ["0", "-1"])
def test_latest_must_be_positive(tmp_path: Path, value: str) -> None:
    write_dir(tmp_path, FILES)
    code, out, err = lint_cli(tmp_path, "--latest", value)
    assert (code, out) == (1, "")
    assert err == f"Error: --latest must be a positive number, got {value}\n"


def test_nonexistent_directory_and_unreachable_dev(tmp_path: Path) -> None:
    result = run_cli(
        "migrate", "lint", "--dir", "file://nowhere", "--dev-url", DEV, "--latest", "1", cwd=tmp_path
    )
    assert result.code == 1 and result.stderr == "Error: migration directory 'nowhere' does not exist\n"
    write_dir(tmp_path, FILES)
    result = run_cli(
        "migrate",
        "lint",
        "--dir",
        "file://migrations",
        "--dev-url",
        "postgres://u:pw@127.0.0.1:1/x",
        "--latest",
        "1",
        cwd=tmp_path,
    )
    assert result.code == 1 and result.stderr.startswith("Error: ") and "pw" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_json_env_is_atlas_s(tmp_path: Path) -> None:
    write_dir(tmp_path, FILES)
    _, out, _ = lint_cli(tmp_path, "--latest", "1", "--format", "{{ json .Env }}")
    env = json.loads(out)
    assert env["Driver"] == "sqlite" and env["Dir"] == "migrations"
    assert (env["URL"]["Scheme"], env["URL"]["Host"], env["URL"]["RawQuery"]) == (
        "sqlite",
        "dev",
        "mode=memory",
    )
    assert env["URL"]["Schema"] == "main"
    _, out, _ = lint_cli(tmp_path, "--latest", "1", "--format", "{{ range .Steps }}{{ .Name }};{{ end }}")
    assert out.startswith("Migration Integrity Check;Detect New Migration Files;")


def test_top_level_lint_block_read_with_an_explicit_config(tmp_path: Path) -> None:
    """Atlas: ``-c`` without ``--env`` applies the file's top-level lint block (not read without ``-c``)."""
    write_dir(tmp_path, FILES)
    (tmp_path / "atlas.hcl").write_text("lint {\n  latest = 2\n  destructive {\n    error = false\n  }\n}\n")
    code, out, _ = lint_cli(tmp_path, "-c", "file://atlas.hcl")
    assert code == 0 and "from version 1 to 3" in out and "#DS102" in out
    code, _, err = lint_cli(tmp_path)
    assert code == 1 and err.startswith("Error: nothing to lint")


# ---- --git-base -------------------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_git_base_lints_the_files_new_since_the_merge_base(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    write_dir(repo, {"1_init.sql": FILES["1_init.sql"]})
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    write_dir(repo, {"2_drop.sql": FILES["2_drop.sql"]})
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "feature")
    write_dir(repo, {"3_index.sql": FILES["3_index.sql"]})  # not committed: new as well
    code, out, err = lint_cli(repo, "--git-base", "main")
    assert code == 1, err
    assert "Analyzing changes from version 1 to 3 (2 migrations in total):" in out
    assert "#DS102" in out and "#MF101" in out


def test_git_base_reads_base_files_from_the_base_commit(tmp_path: Path) -> None:
    """A base file edited on the branch is replayed as the target branch holds it."""
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    git(repo, "init", "-q")
    write_dir(repo / "sub", {"1_init.sql": "CREATE TABLE users (id int);\n"})
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    write_dir(repo / "sub", {"1_init.sql": "CREATE TABLE users (id int);\nCREATE TABLE pets (id int);\n"})
    write_dir(repo / "sub", {"2_drop.sql": "DROP TABLE pets;\n"})
    result = run_cli(
        "migrate", "lint", "--dir", "file://sub/migrations", "--dev-url", DEV, "--git-base", "main", cwd=repo
    )
    assert result.code == 1
    assert "2_drop.sql:1: executing statement:" in result.stdout and "pets" in result.stdout


def test_git_base_errors(tmp_path: Path) -> None:
    write_dir(tmp_path, FILES)
    code, _, err = lint_cli(tmp_path, "--git-base", "main")
    assert code == 1 and err.startswith("Error: git merge-base HEAD main: ")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    write_dir(repo, FILES)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "all")
    code, out, err = lint_cli(repo, "--git-base", "main")
    assert (code, out, err) == (0, "", "")  # no new files (a pull request without migrations): as Atlas
    code, out, _ = lint_cli(repo, "--git-base", "main", "--format", "{{ json . }}")
    assert code == 0 and json.loads(out)["Steps"][1]["Text"] == "Found 0 new migration files (from 3 total)"
    code, _, err = lint_cli(repo, "--git-base", "nosuchbranch")
    assert err.startswith("Error: git merge-base HEAD nosuchbranch: ")


# ---- Django: model positions, and migrate diff ------------------------------------------------------------


def test_lint_points_at_models_from_the_envs_src(project: Project) -> None:
    assert project.diff().code == 0
    project.edit("polls/models.py", '    pub_date = models.DateTimeField("date published")\n', "")
    assert project.diff("--no-lint").code == 0
    result = run_cli("migrate", "lint", "--env", "django", "--latest", "1", cwd=project.root)
    assert result.code == 1, result.stderr
    assert 'Dropping non-virtual column "pub_date"' in result.stdout
    assert "         django: polls/models.py:4: remove the field in two deploys" in result.stdout


def test_migrate_diff_lints_the_written_file(project: Project) -> None:
    assert project.diff().code == 0
    project.edit("polls/models.py", "    pub_date = ", "    rank = models.IntegerField()\n    pub_date = ")
    result = project.diff("rank")
    assert result.code == 0  # advice only: the file is written
    assert len(project.files()) == 2
    assert 'Adding a non-nullable "integer" column "rank" will fail in case table' in result.stderr
    assert "django: polls/models.py:4: add db_default= to the field" in result.stderr
    assert result.stdout == ""


def test_migrate_diff_no_lint(project: Project) -> None:
    assert project.diff().code == 0
    project.edit("polls/models.py", "    pub_date = ", "    rank = models.IntegerField()\n    pub_date = ")
    result = project.diff("--no-lint")
    assert result.code == 0
    assert "MF103" not in result.stderr


@pytest.mark.parametrize("flag", ["--check"])
def test_migrate_diff_check_does_not_lint(project: Project, flag: str) -> None:
    result = project.diff(flag)
    assert result.code == 1 and "analyzers" not in result.stderr
