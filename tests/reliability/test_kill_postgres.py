"""kill -9 during ``migrate apply`` on PostgreSQL, 20 times at seeded random moments (see kills.py).

A file runs in one transaction (tx-mode file), so a kill rolls the file back: its revision and its rows
appear together or not at all, and the next run applies it from its first statement.
"""

from __future__ import annotations

from pathlib import Path

from .harness import Engine
from .kills import KILLS, kill_campaign


def test_kill_9_then_resume_applies_every_file_once(postgres_engine: Engine, tmp_path: Path) -> None:
    stats = kill_campaign(postgres_engine, tmp_path, seed=6102)
    print(stats)
    assert stats.kills == KILLS
    # The delays must mostly land while the run is working, or the test proves little.
    assert stats.mid_run >= KILLS // 4, str(stats)


def test_kill_9_under_tx_mode_all_leaves_nothing(postgres_engine: Engine, tmp_path: Path) -> None:
    """``--tx-mode all``: one transaction for the whole run, so a killed run leaves no file and no row."""
    stats = kill_campaign(postgres_engine, tmp_path, seed=6104, kills=5, files=10, args=("--tx-mode", "all"))
    print(stats)
    assert stats.kills == 5
    # No killed run changed the revisions (each was rolled back whole), yet the last run applied everything.
    assert stats.mid_run == 0, str(stats)
