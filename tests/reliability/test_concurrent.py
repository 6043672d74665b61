"""Eight ``migrate apply`` processes started together on one database: one applies, the others wait for the
lock (then find nothing pending) or, with ``--lock-timeout 0s``, give up with a message about the lock; every
file runs exactly once."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .harness import (
    CLI_ENV,
    GRATICULE,
    LOCK_WORDS,
    Engine,
    Workload,
    apply,
    apply_args,
    database,
    one_error_line,
    spawn_apply,
)

APPLIERS = 8


def test_concurrent_appliers_apply_each_file_once(engine: Engine, tmp_path: Path) -> None:
    workload = Workload(engine, tmp_path / "migrations", files=6)
    workload.write()
    with database(engine, tmp_path) as ref:
        clean = apply(ref, workload.url)
        assert clean.code == 0, clean.output
        reference = engine.inspect(ref)
    with database(engine, tmp_path) as url:
        logs = [tmp_path / f"applier{i}.log" for i in range(APPLIERS)]
        # Half wait for the lock (the default 10s), half give up at once: both paths must be clean.
        procs = [
            spawn_apply(url, workload.url, *(("--lock-timeout", "0s") if i % 2 else ()), log=log)
            for i, log in enumerate(logs)
        ]
        codes = [proc.wait(timeout=120) for proc in procs]
        outputs = [log.read_text() for log in logs]
        assert 0 in codes, "\n---\n".join(outputs)
        for i, (code, output) in enumerate(zip(codes, outputs, strict=True)):
            if i % 2 == 0:
                assert code == 0, f"an applier that waits for the lock failed:\n{output}"
            if code != 0:
                assert code == 1, output
                line = one_error_line(output)
                assert LOCK_WORDS.search(line), f"a concurrent applier failed for another reason: {line}"
        workload.check_applied_once(url)
        assert engine.schema_diff(url, reference) == []
        # And a late applier finds nothing to do.
        late = apply(url, workload.url)
        assert late.code == 0, late.output
        workload.check_applied_once(url)


def test_sqlite_appliers_with_different_temp_dirs_still_exclude_each_other(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """The SQLite apply lock must follow the database file, not the applier's environment: a service with
    a private /tmp (systemd PrivateTmp) and an operator's shell on the same host apply to the same file."""
    engine = sqlite_engine
    workload = Workload(engine, tmp_path / "migrations", files=6)
    workload.write()
    with database(engine, tmp_path) as url:
        procs = []
        for i in range(4):
            tmpdir = tmp_path / f"tmp{i}"
            tmpdir.mkdir()
            procs.append(
                subprocess.Popen(
                    [GRATICULE, *apply_args(url, workload.url, ())],
                    env={**CLI_ENV, "TMPDIR": str(tmpdir)},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        outputs = [proc.communicate(timeout=120)[0] for proc in procs]
        codes = [proc.returncode for proc in procs]
        for code, output in zip(codes, outputs, strict=True):
            assert code == 0, f"an applier failed:\n{output}"
        workload.check_applied_once(url)
