"""Ctrl-C in the middle of a long statement: the statement stops at once, the command exits 130 with one
``Error: interrupted`` line, and the revisions table says exactly what the database holds, so that the next
apply resumes at the interrupted statement."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import Database, Workspace

SLOW = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) "
    "SELECT count(*) FROM c;",
    "postgres": "SELECT pg_sleep(30);",
    "mysql": "SELECT SLEEP(30);",
}


def _interrupted_apply(ws: Workspace, *args: str) -> tuple[int, str, str]:
    command = [str(Path(sys.executable).parent / "graticule"), "migrate", "apply", "--url", ws.db.url]
    proc = subprocess.Popen(
        [*command, "--dir", ws.dir_url, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.strip() == "-> " + SLOW[ws.db.engine]:
            break
    # The statement is printed just before it is sent: give it time to reach the server, so that the test
    # exercises a running statement (not a query cut half-way through being sent).
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    return proc.returncode, "".join(seen) + out, err


@pytest.mark.parametrize("tx_mode", ["none", "file"])
def test_ctrl_c_stops_the_statement_and_leaves_a_true_record(
    ws: Workspace, db: Database, tx_mode: str
) -> None:
    ws.write("1_a.sql", f"CREATE TABLE t1 (id int);\nINSERT INTO t1 VALUES (1);\n{SLOW[db.engine]}\n")
    code, out, err = _interrupted_apply(ws, "--tx-mode", tx_mode)
    assert (code, err) == (130, "Error: interrupted\n"), out
    [rev] = db.revisions()
    if tx_mode == "none":
        assert db.tables() == {"t1"} and db.query("SELECT id FROM t1") == [(1,)]
        assert (rev["applied"], rev["total"]) == (2, 3)
    elif db.engine == "mysql":
        # The CREATE committed (with the row saying so); the server rolled back the INSERT and its row
        # update together when the connection was dropped.
        assert db.tables() == {"t1"} and db.query("SELECT id FROM t1") == []
        assert (rev["applied"], rev["total"]) == (1, 3)
    else:
        assert db.tables() == set()  # the file's transaction rolled back
        assert (rev["applied"], rev["total"]) == (0, 3)
    if db.engine != "mysql":  # MariaDB's connection is dropped mid-statement: nothing more can be written
        assert (rev["error"], rev["error_stmt"]) == ("interrupted by the user (Ctrl-C)", SLOW[db.engine])
        assert "  -- ERROR: interrupted by the user (Ctrl-C)\n" in ws.status().stdout
    # Resumed: the interrupted statement (now quick) and what follows run once.
    ws.write("1_a.sql", "CREATE TABLE t1 (id int);\nINSERT INTO t1 VALUES (1);\nSELECT 1;\n")
    resumed = ws.apply()
    assert resumed.code == 0, resumed.stderr
    assert db.query("SELECT id FROM t1") == [(1,)]
    assert db.revisions()[0]["error"] == ""


def test_deferred_interrupt_raises_after_the_block() -> None:
    from graticule.planner.apply.executor import deferred_interrupt

    done = []
    with pytest.raises(KeyboardInterrupt), deferred_interrupt():
        signal.raise_signal(signal.SIGINT)
        done.append("the block finished first")
    assert done == ["the block finished first"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
