"""Start-up cost: the CLI imports heavy libraries only for the commands that use them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from graticule.planner import progress


def test_cli_import_leaves_config_language_and_rich_unloaded() -> None:
    # `migrate diff --to ... --dev-url ...` reads no atlas.hcl and draws no bar off a terminal.
    code = (
        "import sys, graticule.planner.cli; "
        "print(' '.join(m for m in ('rich', 'graticule.hcl', 'lark', 'hcl2', 'graticule.planner.inspection') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.split() == []


HEAVY = ("psycopg", "pymysql", "sqlglot", "graticule.planner.lint", "graticule.planner.apply", "django")


def test_help_loads_no_workflow_parser_or_database_client() -> None:
    # Every command module is imported to list the commands; their workflows load only when they run.
    code = (
        "import sys\n"
        "from graticule.planner.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(' '.join(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m.startswith({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1].split() == []


def test_sqlite_lint_policy_loads_no_server_client() -> None:
    # The lint analyzers read the PostgreSQL and MySQL drivers' type tables, not their clients.
    code = (
        "import sys; from graticule.planner.lint.policy import LintPolicy; "
        "print(' '.join(m for m in ('psycopg', 'pymysql') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.split() == []


class FakeBar:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def start(self) -> None:
        self.calls.append("start")

    def add_task(self, title: str, total: int, item: str) -> int:
        self.calls.append(f"add {title} {total} {item}")
        return 7

    def update(self, task: int, completed: int, item: str) -> None:
        self.calls.append(f"update {task} {completed} {item}")

    def stop(self) -> None:
        self.calls.append("stop")


def test_terminal_progress_draws_nothing_without_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[FakeBar] = []
    monkeypatch.setattr(progress, "_bar", lambda: made.append(FakeBar()) or made[-1])
    with progress.terminal_progress("Replaying"):
        pass
    assert made == []


def test_terminal_progress_starts_on_the_first_update_and_stops_on_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[FakeBar] = []
    monkeypatch.setattr(progress, "_bar", lambda: made.append(FakeBar()) or made[-1])
    with pytest.raises(RuntimeError), progress.terminal_progress("Replaying") as update:
        update(1, 2, "a.sql")
        update(2, 2, "b.sql")
        raise RuntimeError
    (bar,) = made
    assert bar.calls == [
        "start",
        "add Replaying 2 a.sql",
        "update 7 1 a.sql",
        "update 7 2 b.sql",
        "stop",
    ]
