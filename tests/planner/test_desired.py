from __future__ import annotations

import sys
from pathlib import Path

import pytest

from graticule.planner.desired import ExternalProgram, SourceContext, load_desired
from graticule.planner.errors import GraticuleError


def ctx(tmp_path: Path, **programs: list[str]) -> SourceContext:
    return SourceContext(
        programs={name: ExternalProgram(name=name, argv=argv) for name, argv in programs.items()},
        base_dir=tmp_path,
    )


def test_external_program_stdout_is_the_desired_sql(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "print('CREATE TABLE t (id int);')"]
    [sql] = load_desired(["external_schema://django"], ctx(tmp_path, django=argv))
    assert sql.sql.strip() == "CREATE TABLE t (id int);"
    assert sql.label == "data.external_schema.django"


def test_program_failure_carries_stderr(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "import sys; sys.stderr.write('Error: no settings\\n'); sys.exit(3)"]
    with pytest.raises(GraticuleError) as err:
        load_desired(["external_schema://django"], ctx(tmp_path, django=argv))
    assert "exited with status 3" in str(err.value) and "Error: no settings" in str(err.value)


def test_empty_output_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GraticuleError, match="printed no schema"):
        load_desired(["external_schema://django"], ctx(tmp_path, django=[sys.executable, "-c", "pass"]))


def test_missing_program_and_unknown_source(tmp_path: Path) -> None:
    with pytest.raises(GraticuleError, match="not found"):
        load_desired(["external_schema://django"], ctx(tmp_path, django=["no-such-program-xyz"]))
    with pytest.raises(GraticuleError, match="not defined"):
        load_desired(["external_schema://other"], ctx(tmp_path))


def test_program_argv_is_not_run_through_a_shell(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "import sys; print(sys.argv[1])", "$(echo hi); rm -rf /"]
    [sql] = load_desired(["external_schema://d"], ctx(tmp_path, d=argv))
    assert sql.sql.strip() == "$(echo hi); rm -rf /"


def test_file_and_directory_sources(tmp_path: Path) -> None:
    (tmp_path / "one.sql").write_text("CREATE TABLE a (id int);")
    d = tmp_path / "schema"
    d.mkdir()
    (d / "2.sql").write_text("CREATE TABLE c (id int);")
    (d / "1.sql").write_text("CREATE TABLE b (id int);")
    out = load_desired(["file://one.sql", "file://schema"], ctx(tmp_path))
    assert [s.sql for s in out] == [
        "CREATE TABLE a (id int);",
        "CREATE TABLE b (id int);",
        "CREATE TABLE c (id int);",
    ]
    with pytest.raises(GraticuleError, match="no such file"):
        load_desired(["file://missing.sql"], ctx(tmp_path))
    with pytest.raises(GraticuleError, match="no desired state"):
        load_desired([], ctx(tmp_path))
