"""A migration file changed after ``atlas.sum`` was written is refused, and the database is left untouched."""

from __future__ import annotations

from pathlib import Path

from .harness import Engine, Workload, apply, database


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
