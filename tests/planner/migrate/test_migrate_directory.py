"""The migration directory: URLs, listing and ordering, naming, and writing new files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from graticule.planner.errors import GraticuleError
from graticule.planner.migrate.directory import MigrationDir, MigrationFile, dir_path

NOW = datetime(2024, 1, 12, 7, 8, 6, 500000, tzinfo=UTC)


def test_dir_url_forms(tmp_path: Path) -> None:
    assert dir_path("file://migrations") == Path("migrations")
    assert dir_path("file://a/b?format=atlas") == Path("a/b")
    assert dir_path("file:///abs/dir") == Path("/abs/dir")
    assert dir_path("migrations", base=tmp_path) == tmp_path / "migrations"
    assert dir_path("file:///abs/dir", base=tmp_path) == Path("/abs/dir")


@pytest.mark.parametrize("url", ["file://m?format=flyway", "mem://m", "s3://bucket/m"])
def test_unsupported_dir_urls(url: str) -> None:
    with pytest.raises(GraticuleError):
        dir_path(url)


def test_open_creates_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(GraticuleError, match="does not exist"):
        MigrationDir.open(f"file://{tmp_path}/missing")
    mdir = MigrationDir.open(f"file://{tmp_path}/missing", create=True)
    assert mdir.path.is_dir()
    (tmp_path / "file").write_text("")
    with pytest.raises(GraticuleError, match="not a directory"):
        MigrationDir.open(str(tmp_path / "file"))


def test_files_are_top_level_sql_sorted_bytewise(tmp_path: Path) -> None:
    for name in ["b.sql", "B.sql", "a_x.sql", "a.sql", "notes.txt", "atlas.sum", "_.sql"]:
        (tmp_path / name).write_text("")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "0.sql").write_text("")
    (tmp_path / "dir.sql").mkdir()
    names = [f.name for f in MigrationDir(tmp_path).files()]
    # Byte order: uppercase before "_" before lowercase; "a.sql" < "a_x.sql" because "." < "_".
    assert names == ["B.sql", "_.sql", "a.sql", "a_x.sql", "b.sql"]


@pytest.mark.parametrize(
    ("name", "version", "description"),
    [
        ("20240112070806.sql", "20240112070806", ""),
        ("20240112070806_init.sql", "20240112070806", "init"),
        ("20240112070806_add_user_table.sql", "20240112070806", "add_user_table"),
        ("1_initial.sql", "1", "initial"),
    ],
)
def test_version_and_description(name: str, version: str, description: str) -> None:
    migration = MigrationFile(Path(name))
    assert (migration.version, migration.description) == (version, description)


def test_write_migration_names(tmp_path: Path) -> None:
    mdir = MigrationDir(tmp_path)
    path = mdir.write_migration("SELECT 1;\n", now=NOW)
    assert path.name == "20240112070806.sql"
    assert path.read_text() == "SELECT 1;\n"
    named = mdir.write_migration("SELECT 2;\n", "add_users", now=NOW)
    # Same second: the version moves on instead of clashing.
    assert named.name == "20240112070807_add_users.sql"


def test_new_version_never_sorts_before_existing(tmp_path: Path) -> None:
    (tmp_path / "20300101000000_future.sql").write_text("")
    (tmp_path / "1_legacy.sql").write_text("")
    assert MigrationDir(tmp_path).next_version(NOW) == "20300101000001"


def test_version_uses_utc(tmp_path: Path) -> None:
    from datetime import timedelta, timezone

    local = NOW.astimezone(timezone(timedelta(hours=5)))
    assert MigrationDir(tmp_path).next_version(local) == "20240112070806"


def test_name_with_separator_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GraticuleError, match="path separator"):
        MigrationDir(tmp_path).write_migration("", "../escape", now=NOW)


def test_write_then_hash_validates(tmp_path: Path) -> None:
    mdir = MigrationDir(tmp_path)
    mdir.write_migration("CREATE TABLE t1(c1 int);\n", now=NOW)
    mdir.write_sum()
    mdir.validate()
    assert mdir.read_sum() == (
        "h1:vefBQWShy7/4OI7C1NqFH9y2PtGtOUS5zFQ1492XitE=\n"
        "20240112070806.sql h1:nhoPxDs1H3UH6aEpy1qJ6Bj6zbFRt61sB4ndi0sx7zw=\n"
    )
