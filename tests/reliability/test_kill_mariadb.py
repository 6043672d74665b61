"""kill -9 during ``migrate apply`` on MariaDB, 20 times at seeded random moments (see kills.py).

MariaDB commits every DDL statement on its own, so a file cannot be rolled back as a whole: a kill inside a
file leaves it partially applied, and the revision says how far (``applied`` of ``total`` statements). What
"exactly once" means here:

- a DML statement commits together with the revision update that counts it (the transaction that the next
  DDL statement, or the end of the file, commits): after any kill, a file's INSERTs have taken effect exactly
  when its revision counts them, never twice (:meth:`Workload.check_atomic`);
- the next run resumes the partial file at the first statement the revision does not count, not at the
  top of the file;
- the one statement a kill can repeat is a DDL statement killed after MariaDB committed it and before its
  revision update was written (the two cannot be made atomic on this server); the workload writes DDL
  ``IF NOT EXISTS`` so that repetition is harmless, as migrations for such databases should be.
"""

from __future__ import annotations

from pathlib import Path

from .harness import Engine
from .kills import KILLS, kill_campaign


def test_kill_9_leaves_resumable_partial_revisions(mariadb_engine: Engine, tmp_path: Path) -> None:
    stats = kill_campaign(mariadb_engine, tmp_path, seed=6103)
    print(stats)
    assert stats.kills == KILLS
    assert stats.mid_run >= KILLS // 4, str(stats)
    # Kills inside files left partial revisions, and the runs after them resumed correctly (checked after
    # every kill and at the end).
    assert stats.partial >= 1, str(stats)
