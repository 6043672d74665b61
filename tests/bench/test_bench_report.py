"""The docs/benchmarks.md writer: it owns one section and leaves the rest of the page alone."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

from benchmarks_doc import SECTION_HEADING, RunContext, SizeResult, render_section, replace_section
from checkout import checkout_state
from measure import Summary

CTX = RunContext(
    command="make bench",
    date="2026-01-01 00:00 UTC",
    nproc=2,
    python="3.11.7",
    django="5.2",
    platform="Linux",
    commit="abc1234",
    checkout_changes=[],
    repeats=3,
    seed=0,
)


def _section(marker: str) -> str:
    return f"{SECTION_HEADING}\n\n{marker}\n"


def test_replaces_only_its_own_section() -> None:
    page = (
        "# Benchmarks\n\nIntro.\n\n"
        "## Provider vs django.setup()\n\nprovider table\n\n"
        f"{SECTION_HEADING}\n\nold table\n\n### its own detail\n\nold detail\n\n"
        "## Later section\n\n```sh\n# not a heading\n```\nlater text\n"
    )
    updated = replace_section(page, SECTION_HEADING, _section("new table"))
    assert updated == (
        "# Benchmarks\n\nIntro.\n\n"
        "## Provider vs django.setup()\n\nprovider table\n\n"
        f"{SECTION_HEADING}\n\nnew table\n\n"
        "## Later section\n\n```sh\n# not a heading\n```\nlater text\n"
    )
    assert replace_section(updated, SECTION_HEADING, _section("new table")) == updated


def test_section_at_end_of_page_is_replaced() -> None:
    page = f"# Benchmarks\n\n## Other\n\ntext\n\n{SECTION_HEADING}\n\nold\n"
    assert replace_section(page, SECTION_HEADING, _section("new")) == (
        f"# Benchmarks\n\n## Other\n\ntext\n\n{SECTION_HEADING}\n\nnew\n"
    )


def test_appends_when_missing_and_creates_a_page() -> None:
    assert replace_section("# Benchmarks\n\n## Other\n\ntext\n", SECTION_HEADING, _section("t")) == (
        f"# Benchmarks\n\n## Other\n\ntext\n\n{SECTION_HEADING}\n\nt\n"
    )
    assert replace_section("", SECTION_HEADING, _section("t")) == f"# Benchmarks\n\n{SECTION_HEADING}\n\nt\n"


def test_heading_inside_a_code_fence_is_not_the_section() -> None:
    page = f"# Benchmarks\n\n```md\n{SECTION_HEADING}\n```\n"
    assert replace_section(page, SECTION_HEADING, _section("t")) == page + f"\n{SECTION_HEADING}\n\nt\n"


def test_table_rows_ratio_and_goal() -> None:
    results = [
        SizeResult(50, 2, Summary(1.0, 0.9, 80 * 1024, 3), Summary(0.5, 0.4, 40 * 1024, 3)),
        SizeResult(500, 20, Summary(2.0, 1.9, 200 * 1024, 3), Summary(4.0, 3.9, 70 * 1024, 3)),
    ]
    section = render_section(results, CTX)
    assert section.startswith(SECTION_HEADING + "\n")
    assert "| 50 | 2 | 1.00 (0.90) | 0.50 (0.40) | 2.00 | 80 | 40 |" in section
    assert "| 500 | 20 | 2.00 (1.90) | 4.00 (3.90) | 0.50 | 200 | 70 |" in section
    assert "ratio 0.50 at 500 models, goal met" in section
    assert "`make bench`" in section and "2 CPUs" in section and "Django 5.2" in section
    assert "noisy" in section
    assert "Warning" not in section


def test_a_checkout_changed_mid_run_is_flagged() -> None:
    results = [SizeResult(50, 2, Summary(1.0, 0.9, 1024, 3), Summary(0.5, 0.4, 1024, 3))]
    changes = ["planner/diff.py", "provider/applying.py"]
    section = render_section(results, dataclasses.replace(CTX, checkout_changes=changes))
    assert "changed while this ran: `planner/diff.py`, `provider/applying.py`;" in section


def test_a_failed_tool_is_shown_not_hidden() -> None:
    failed = SizeResult(500, 20, None, Summary(4.0, 3.9, 70 * 1024, 3), error="graticule: exit 1\nboom")
    section = render_section([failed], CTX)
    assert "| 500 | 20 | failed | 4.00 (3.90) | n/a | n/a | 70 |" in section
    assert "  boom" in section
    assert "Not measured at 500 models" in section


def test_checkout_state_sees_package_edits_not_commits_or_other_folders(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        identity = ["-c", "user.name=t", "-c", "user.email=t@t"]
        subprocess.run(["git", *identity, *args], cwd=tmp_path, check=True, capture_output=True)

    for path in ("planner/diff.py", "tests/test_x.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("one\n")
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "a")
    start = checkout_state(tmp_path)
    assert set(start.files) == {"planner/diff.py"}
    (tmp_path / "planner" / "diff.py").write_text("two\n")
    (tmp_path / "provider").mkdir()
    (tmp_path / "provider" / "new.py").write_text("")
    (tmp_path / "tests" / "test_x.py").write_text("two\n")
    edited = checkout_state(tmp_path)
    assert edited.changes_since(start) == ["planner/diff.py", "provider/new.py"]
    git("add", ".")
    git("commit", "-q", "-m", "b")
    after_commit = checkout_state(tmp_path)
    assert after_commit.commit != start.commit
    assert after_commit.changes_since(edited) == []
    (tmp_path / "planner" / "diff.py").unlink()
    assert checkout_state(tmp_path).changes_since(after_commit) == ["planner/diff.py"]
