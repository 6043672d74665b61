"""kill -9 at random moments during ``migrate apply``, then run it to completion: every file exactly once.

The campaign is seeded. Most kills are aimed by the run's own output, which ``migrate apply`` prints line by
line as it goes (one line per statement): the kill comes a random number of lines into the work left, plus a
few random milliseconds, so it lands inside a file whatever the machine's load; some kills are aimed by time
at the start of a run (lock, revisions table, reading the directory). Each killed run is followed by the
atomicity check of :meth:`Workload.check_atomic`; a run that finishes before its kill closes a chain: the
database is checked completely and a fresh one starts.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .harness import CLI_ENV, GRATICULE, Engine, Workload, apply, apply_args, database

KILLS = 20
FILES = 24


@dataclass
class Campaign:
    kills: int = 0
    mid_run: int = 0
    """Kills of a run that had changed the database and had not finished the directory."""
    partial: int = 0
    """Kills after which a file's revision was partial (0 < applied < total): MariaDB's resumable state."""
    completed_chains: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        t = ", ".join(f"{k} {v:.2f}s" for k, v in self.timings.items())
        return (
            f"{self.kills} kills: {self.mid_run} mid-run, {self.partial} left a partial revision; "
            f"{self.completed_chains} runs finished before their kill; {t}"
        )


def reference_apply(
    engine: Engine, workload: Workload, tmp: Path, args: tuple[str, ...] = ()
) -> tuple[object, float, float]:
    """A clean, uninterrupted apply: its schema, its duration, and the duration of a run with nothing left."""
    with database(engine, tmp) as url:
        start = time.monotonic()
        first = apply(url, workload.url, *args)
        full = time.monotonic() - start
        assert first.code == 0, first.output
        workload.check_applied_once(url)
        start = time.monotonic()
        again = apply(url, workload.url, *args)
        noop = time.monotonic() - start
        assert again.code == 0, again.output
        return engine.inspect(url), full, noop


def kill_campaign(
    engine: Engine,
    tmp: Path,
    *,
    seed: int,
    kills: int = KILLS,
    files: int = FILES,
    args: tuple[str, ...] = (),
) -> Campaign:
    """``args`` are extra flags of every ``migrate apply`` run (``--tx-mode all``)."""
    workload = Workload(engine, tmp / "migrations", files=files)
    workload.write()
    reference, full, noop = reference_apply(engine, workload, tmp, args)
    stats = Campaign(timings={"clean apply": full, "no-op apply": noop})
    rng = random.Random(seed)
    url = engine.create(tmp)
    try:
        while stats.kills < kills:
            before = progress(engine, url)
            proc = subprocess.Popen(
                [GRATICULE, *apply_args(url, workload.url, args)],
                env=CLI_ENV,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            if rng.random() < EARLY_KILLS:
                # Before or while the run takes the lock, creates the revisions table, reads the directory.
                killed, output = kill_after(proc, rng.uniform(0.2, 1.0) * noop)
            else:
                # After a random number of the lines the remaining work prints (one per statement, a few per
                # file), and a little more: the kill lands inside a statement or between two, in any file,
                # however loaded the machine is.
                lines = rng.randint(1, min(expected_lines(workload, engine, url), KILL_WINDOW))
                killed, output = kill_after_lines(proc, lines, rng.uniform(0, 0.03))
            if not killed:
                assert proc.returncode == 0, f"apply failed before its kill:\n{output}"
                workload.check_applied_once(url)
                assert engine.schema_diff(url, reference) == []
                stats.completed_chains += 1
                engine.drop(url)
                url = engine.create(tmp)
                continue
            stats.kills += 1
            applied = workload.check_atomic(url)
            after = progress(engine, url)
            totals = {workload.version(i): workload.statements(i) for i in range(1, workload.files + 1)}
            finished = sum(1 for v, a in applied.items() if a == totals[v]) == workload.files
            if after != before and not finished:
                stats.mid_run += 1
            if any(0 < a < totals[v] for v, a in applied.items()):
                stats.partial += 1
        final = apply(url, workload.url, *args)
        assert final.code == 0, final.output
        workload.check_applied_once(url)
        assert engine.schema_diff(url, reference) == []
    finally:
        engine.drop(url)
    return stats


# Share of kills aimed at the start of a run rather than at its statements.
EARLY_KILLS = 0.15
# Output lines of the work left within which a kill lands: about three files. A kill far into a long run
# proves no more than one near its start, and costs the whole run's time; twenty short runs walk the
# directory from its first file to its last instead.
KILL_WINDOW = 30


def expected_lines(workload: Workload, engine: Engine, url: str) -> int:
    """About how many lines a run prints for the work left: a header, and per file its statements plus a
    blank line, ``-- migrating version`` and ``-- ok``."""
    done = {str(r["version"]): int(r["applied"]) for r in engine.revisions(url)}
    left = 0
    for i in range(1, workload.files + 1):
        n = workload.statements(i)
        if done.get(workload.version(i), 0) < n:
            left += n - done.get(workload.version(i), 0) + 3
    return max(left + 2, 1)


def kill_after_lines(
    proc: subprocess.Popen, lines: int, extra: float, timeout: float = 60
) -> tuple[bool, str]:
    """SIGKILL ``proc`` once it has printed ``lines`` lines, ``extra`` seconds later; (killed, its output).

    Not killed when it finished first."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    out = b""
    deadline = time.monotonic() + timeout
    while out.count(b"\n") < lines:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            raise AssertionError(f"apply printed nothing for {timeout}s:\n{out.decode(errors='replace')}")
        chunk = os.read(fd, 65536)
        if not chunk:  # the run ended before printing that much
            proc.wait()
            return False, out.decode(errors="replace")
        out += chunk
    time.sleep(extra)
    return _kill(proc, out)


def kill_after(proc: subprocess.Popen, delay: float) -> tuple[bool, str]:
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        return _kill(proc, b"")
    assert proc.stdout is not None
    return False, proc.stdout.read().decode(errors="replace")


def _kill(proc: subprocess.Popen, out: bytes) -> tuple[bool, str]:
    assert proc.stdout is not None
    if proc.poll() is None:
        proc.kill()  # SIGKILL: no cleanup handler of ours runs
    proc.wait()
    rest = proc.stdout.read()
    proc.stdout.close()
    return proc.returncode == -signal.SIGKILL, (out + rest).decode(errors="replace")


def workload_total(workload: Workload, version: str) -> int:
    return workload.statements(int(version[8:]))


def progress(engine: Engine, url: str) -> Counter:
    """What the revisions table says: version → statements applied (a killed run may not have moved it)."""
    return Counter({str(r["version"]): int(r["applied"]) for r in engine.revisions(url)})
