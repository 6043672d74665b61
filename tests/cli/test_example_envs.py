"""The root atlas.hcl's `postgres` and `mysql` envs plan the example project against the real servers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import servers
from clitools import REPO, run_cli

SYNCED = "The migration directory is synced with the desired state, no changes to be made"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(
        REPO / "example", root / "example", ignore=shutil.ignore_patterns("migrations*", "__pycache__")
    )
    shutil.copy(REPO / "atlas.hcl", root / "atlas.hcl")
    return root


def plan_and_evolve(
    root: Path, env: str, dev_env: dict[str, str], directory: str, expected_alter: str
) -> None:
    first = run_cli("migrate", "diff", "--env", env, cwd=root, env=dev_env)
    assert first.code == 0, first.stderr
    [initial] = sorted((root / directory).glob("*.sql"))
    text = initial.read_text()
    assert '-- Create "polls_question" table' in text and '-- Create "blog_postfeedback" table' in text
    assert run_cli("migrate", "diff", "--env", env, cwd=root, env=dev_env).stdout.strip() == SYNCED

    models = root / "example/polls/models.py"
    models.write_text(
        models.read_text().replace(
            "    pub_date = ",
            "    question_type = models.CharField(max_length=20, null=True)\n    pub_date = ",
        )
    )
    second = run_cli("migrate", "diff", "--env", env, "add_question_type", cwd=root, env=dev_env)
    assert second.code == 0, second.stderr
    latest = sorted((root / directory).glob("*.sql"))[-1]
    assert latest.name.endswith("_add_question_type.sql")
    assert latest.read_text() == expected_alter


def test_postgres_env(example: Path, postgres_server: dict) -> None:
    plan_and_evolve(
        example,
        "postgres",
        {"GRATICULE_POSTGRES_DEV_URL": servers.POSTGRES_URL},
        "example/migrations_postgres",
        '-- Modify "polls_question" table\n'
        'ALTER TABLE "polls_question" ADD COLUMN "question_type" character varying(20) NULL;\n',
    )


def test_mysql_env(example: Path, mysql_server: dict) -> None:
    plan_and_evolve(
        example,
        "mysql",
        {"GRATICULE_MYSQL_DEV_URL": servers.MYSQL_URL},
        "example/migrations_mysql",
        '-- Modify "polls_question" table\n'
        "ALTER TABLE `polls_question` ADD COLUMN `question_type` varchar(20) NULL;\n",
    )
