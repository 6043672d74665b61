"""atlas.sum: Atlas's test vectors byte for byte, and detection of every kind of tampering."""

from __future__ import annotations

from pathlib import Path

import pytest

from graticule.planner.errors import ChecksumError
from graticule.planner.migrate.checksum import HashFile
from graticule.planner.migrate.directory import MigrationDir

VECTOR_A = (
    "h1:vefBQWShy7/4OI7C1NqFH9y2PtGtOUS5zFQ1492XitE=\n"
    "20240112070806.sql h1:nhoPxDs1H3UH6aEpy1qJ6Bj6zbFRt61sB4ndi0sx7zw=\n"
)
VECTOR_B = (
    "h1:GMi7mvWSIHv0I/Wrc2NCGVt9Z5hWZbPa6wL986t7Z2o=\n"
    "20220318104614_initial.sql h1:FifWjY2X0g2YVnb18Qm+QBPvoldDOOob7bS0LrFuCXc=\n"
    "20220318104615_second.sql h1:wbPDlODOQeixCiopAhlT7W4xOO9TgJxzjYjxf4TA2f4=\n"
)
B_FILES = {
    "20220318104614_initial.sql": '-- create "tbl" table\nCREATE TABLE tbl (`col` int NOT NULL);\n',
    "20220318104615_second.sql": "ALTER TABLE `tbl` ADD `col_2` bigint;\n",
}


def pairs(files: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(name, content.encode()) for name, content in files.items()]


def make_dir(root: Path, files: dict[str, str], sum_text: str | None = None) -> MigrationDir:
    for name, content in files.items():
        (root / name).write_bytes(content.encode())
    if sum_text is not None:
        (root / "atlas.sum").write_bytes(sum_text.encode())
    return MigrationDir(root)


def test_vector_a(tmp_path: Path) -> None:
    mdir = make_dir(tmp_path, {"20240112070806.sql": "CREATE TABLE t1(c1 int);\n"})
    mdir.write_sum()
    assert (tmp_path / "atlas.sum").read_bytes() == VECTOR_A.encode()


def test_vector_b(tmp_path: Path) -> None:
    mdir = make_dir(tmp_path, B_FILES)
    mdir.write_sum()
    assert (tmp_path / "atlas.sum").read_bytes() == VECTOR_B.encode()
    mdir.validate()


def test_empty_directory_sum() -> None:
    assert HashFile.compute([]).text() == "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"


def test_parse_roundtrip() -> None:
    parsed = HashFile.parse(VECTOR_B)
    assert [e.name for e in parsed.entries] == list(B_FILES)
    assert parsed.text() == VECTOR_B


def test_entries_are_cumulative() -> None:
    """Editing the first file changes the second file's line too."""
    edited = {**B_FILES, "20220318104614_initial.sql": "CREATE TABLE tbl (`col` int);\n"}
    before = HashFile.compute(pairs(B_FILES)).entries
    after = HashFile.compute(pairs(edited)).entries
    assert before[0].hash != after[0].hash
    assert before[1].hash != after[1].hash


def checksum_error(mdir: MigrationDir) -> ChecksumError:
    with pytest.raises(ChecksumError) as info:
        mdir.validate()
    assert str(info.value) == "You have a checksum error in your migration directory."
    return info.value


def test_edited_file(tmp_path: Path) -> None:
    mdir = make_dir(tmp_path, B_FILES, VECTOR_B)
    (tmp_path / "20220318104615_second.sql").write_text("ALTER TABLE `tbl` ADD `col_3` bigint;\n")
    err = checksum_error(mdir)
    assert err.error_line == "checksum mismatch"
    assert err.location == "L3: 20220318104615_second.sql was edited"


def test_added_file_at_the_end(tmp_path: Path) -> None:
    mdir = make_dir(tmp_path, {**B_FILES, "20220318104616_third.sql": "SELECT 1;\n"}, VECTOR_B)
    err = checksum_error(mdir)
    assert (err.line, err.file, err.reason) == (4, "20220318104616_third.sql", "added")


def test_added_file_in_the_middle(tmp_path: Path) -> None:
    mdir = make_dir(tmp_path, {**B_FILES, "20220318104614_z.sql": "SELECT 1;\n"}, VECTOR_B)
    err = checksum_error(mdir)
    assert (err.line, err.file, err.reason) == (3, "20220318104614_z.sql", "added")


def test_removed_file(tmp_path: Path) -> None:
    mdir = make_dir(tmp_path, B_FILES, VECTOR_B)
    (tmp_path / "20220318104614_initial.sql").unlink()
    err = checksum_error(mdir)
    assert err.location == "L2: 20220318104614_initial.sql was removed"


def test_edited_sum_first_line(tmp_path: Path) -> None:
    tampered = VECTOR_B.replace("h1:GMi7", "h1:XMi7", 1)
    err = checksum_error(make_dir(tmp_path, B_FILES, tampered))
    assert err.error_line == "checksum mismatch"


def test_edited_sum_entry(tmp_path: Path) -> None:
    tampered = VECTOR_B.replace("h1:wbPD", "h1:xbPD")
    err = checksum_error(make_dir(tmp_path, B_FILES, tampered))
    assert err.error_line == "checksum mismatch"


def test_malformed_sum(tmp_path: Path) -> None:
    err = checksum_error(make_dir(tmp_path, B_FILES, VECTOR_B + "garbage line\n"))
    assert err.error_line == "checksum file format invalid"


def test_missing_sum_with_files(tmp_path: Path) -> None:
    err = checksum_error(make_dir(tmp_path, B_FILES))
    assert err.error_line == "checksum file not found"
    assert err.location is None


def test_missing_sum_in_empty_dir_is_fine(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("not a migration")
    MigrationDir(tmp_path).validate()


def test_sum_ignore_hashes_name_only(tmp_path: Path) -> None:
    ignored = "-- atlas:sum ignore\nSELECT 1;\n"
    files = {"20220318104614_initial.sql": B_FILES["20220318104614_initial.sql"]}
    files["20220318104615_x.sql"] = ignored
    computed = HashFile.compute(pairs(files))
    assert [e.name for e in computed.entries] == ["20220318104614_initial.sql"]
    # Its content is not hashed: editing it changes nothing ...
    edited = {**files, "20220318104615_x.sql": "-- atlas:sum ignore\nSELECT 2;\n"}
    assert HashFile.compute(pairs(edited)).text() == computed.text()
    # ... but its name is: a later file's entry depends on it.
    later = {**files, "20220318104616_y.sql": "SELECT 3;\n"}
    renamed = {**B_FILES, "20220318104615_renamed.sql": ignored, "20220318104616_y.sql": "SELECT 3;\n"}
    renamed.pop("20220318104615_second.sql")
    assert HashFile.compute(pairs(later)).entries[-1] != HashFile.compute(pairs(renamed)).entries[-1]


def test_sum_ignore_only_on_first_line() -> None:
    """Atlas looks for the directive on the first line only, whatever the header holds."""
    second_line = "-- atlas:txmode none\n-- atlas:sum ignore\n\nSELECT 1;\n"
    assert len(HashFile.compute([("1.sql", second_line.encode())]).entries) == 1
    assert len(HashFile.compute([("1.sql", b"# atlas:sum ignore\nSELECT 1;\n")]).entries) == 0
    assert len(HashFile.compute([("1.sql", b"-- atlas:sum ignored\nSELECT 1;\n")]).entries) == 1
