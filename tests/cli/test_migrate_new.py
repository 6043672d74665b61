"""`graticule migrate new` through the installed CLI: an empty file, a version after the others, atlas.sum."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from clitools import run_cli

from graticule.planner.migrate.directory import MigrationDir

CONFIG = """\
env "local" {
  migration {
    dir = "file://db/migrations"
  }
}
"""


def new(tmp_path: Path, *args: str):
    return run_cli("migrate", "new", *args, cwd=tmp_path)


def test_new_writes_an_empty_named_file_and_rehashes(tmp_path: Path) -> None:
    before = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    result = new(tmp_path, "add_view", "--dir", "file://m")
    assert result.code == 0, result.stderr
    (path,) = (tmp_path / "m").glob("*.sql")
    assert re.fullmatch(r"\d{14}_add_view\.sql", path.name)
    assert path.name[:14] >= before
    assert path.read_bytes() == b""
    assert result.stdout.strip() == str(Path("m") / path.name)
    # atlas.sum is exactly what the directory calls for, so the next command accepts it.
    mdir = MigrationDir(tmp_path / "m")
    assert (tmp_path / "m" / "atlas.sum").read_text() == mdir.checksum().text()
    mdir.validate()


def test_new_without_name_and_after_existing_versions(tmp_path: Path) -> None:
    d = tmp_path / "m"
    d.mkdir()
    # A teammate's file stamped in the future: the new one must still sort after it.
    (d / "29990101000000_future.sql").write_text("CREATE TABLE t (a int);\n")
    MigrationDir(d).write_sum()
    result = new(tmp_path, "--dir", "file://m")
    assert result.code == 0, result.stderr
    names = sorted(p.name for p in d.glob("*.sql"))
    assert names == ["29990101000000_future.sql", "29990101000001.sql"]
    second = new(tmp_path, "--dir", "file://m")
    assert second.code == 0, second.stderr
    assert sorted(p.name for p in d.glob("*.sql"))[-1] == "29990101000002.sql"
    MigrationDir(d).validate()


def test_new_uses_the_env_directory_and_creates_it(tmp_path: Path) -> None:
    (tmp_path / "atlas.hcl").write_text(CONFIG)
    result = new(tmp_path, "first", "--env", "local")
    assert result.code == 0, result.stderr
    assert len(list((tmp_path / "db" / "migrations").glob("*_first.sql"))) == 1
    assert (tmp_path / "db" / "migrations" / "atlas.sum").is_file()


def test_new_refuses_a_directory_out_of_sync_with_its_sum(tmp_path: Path) -> None:
    d = tmp_path / "m"
    d.mkdir()
    (d / "20240101000000.sql").write_text("CREATE TABLE t (a int);\n")
    MigrationDir(d).write_sum()
    (d / "20240101000000.sql").write_text("CREATE TABLE t (a bigint);\n")
    sum_before = (d / "atlas.sum").read_text()
    result = new(tmp_path, "x", "--dir", "file://m")
    assert result.code == 1
    assert "You have a checksum error in your migration directory." in result.stderr
    assert result.stderr.rstrip().endswith("Error: checksum mismatch")
    # Nothing written: rehashing here would have blessed the hand edit.
    assert [p.name for p in d.glob("*.sql")] == ["20240101000000.sql"]
    assert (d / "atlas.sum").read_text() == sum_before


def test_new_refuses_a_name_with_a_path_separator(tmp_path: Path) -> None:
    result = new(tmp_path, "../evil", "--dir", "file://m")
    assert result.code == 1
    assert (
        result.stderr.strip()
        == "Error: invalid migration name '../evil': it must not contain a path separator"
    )
    assert not list((tmp_path / "m").glob("*.sql"))
