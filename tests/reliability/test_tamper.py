"""A migration file changed after ``atlas.sum`` was written is refused, and the database is left untouched."""

from __future__ import annotations

import time
from pathlib import Path

import servers

from graticule.planner.urls import parse_url

from .harness import Engine, Workload, apply, database, spawn_apply


def snapshot(engine: Engine, workload: Workload, url: str) -> tuple:
    return engine.revisions(url), workload.log_counts(url), engine.inspect(url)


def test_tampered_files_are_refused_and_nothing_is_touched(engine: Engine, tmp_path: Path) -> None:
    workload = Workload(engine, tmp_path / "migrations", files=8)
    mdir = workload.write()
    files = mdir.files()
    with database(engine, tmp_path) as url:
        first = apply(url, workload.url, "4")
        assert first.code == 0, first.output
        workload.check_applied_once(url, upto=4)
        before = snapshot(engine, workload, url)
        # A pending file and an applied one, edited by hand; then atlas.sum itself edited.
        for victim in (files[5].path, files[1].path, mdir.sum_path):
            original = victim.read_text()
            if victim == mdir.sum_path:
                victim.write_text(original.replace("h1:", "h1:A", 2))
            else:
                victim.write_text(
                    original + "INSERT INTO applied_log (version, step) VALUES ('tamper', 9);\n"
                )
            try:
                refused = apply(url, workload.url)
                assert refused.code == 1, refused.output
                assert "You have a checksum error in your migration directory." in refused.stderr
                assert refused.stderr.rstrip().endswith("Error: checksum mismatch"), refused.stderr
                assert "Traceback" not in refused.stderr
                assert snapshot(engine, workload, url) == before, (
                    f"database touched after editing {victim.name}"
                )
            finally:
                victim.write_text(original)
        rest = apply(url, workload.url)
        assert rest.code == 0, rest.output
        workload.check_applied_once(url)


def test_file_changed_while_waiting_for_the_lock_is_not_applied(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    """The check against atlas.sum must cover what is executed: an applier waiting for the lock (here held by
    the test itself) while a file is edited must not execute the edited text."""
    import psycopg

    from graticule.planner.apply.dialects.postgres import lock_key

    engine = postgres_engine
    workload = Workload(engine, tmp_path / "migrations", files=4)
    mdir = workload.write()
    with database(engine, tmp_path) as url:
        kwargs = {**servers.postgres_connect_kwargs(), "dbname": parse_url(url).path}
        with psycopg.connect(**kwargs, autocommit=True) as holder:
            holder.execute("SELECT pg_advisory_lock(%s)", (lock_key(),))
            proc = spawn_apply(url, workload.url, "--lock-timeout", "60s", log=tmp_path / "waiting.log")
            # The applier has read and checked the directory once its session shows up on the server.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                sessions = holder.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                ).fetchone()[0]
                if sessions:
                    break
                time.sleep(0.05)
            victim = mdir.files()[2].path
            victim.write_text(
                victim.read_text() + "INSERT INTO applied_log (version, step) VALUES ('tamper', 9);\n"
            )
            holder.execute("SELECT pg_advisory_unlock(%s)", (lock_key(),))
            proc.wait(timeout=60)
        output = (tmp_path / "waiting.log").read_text()
        assert ("tamper", 9) not in workload.log_counts(url), f"the edited file was executed:\n{output}"
        assert proc.returncode == 1, output
        assert "checksum" in output, output
