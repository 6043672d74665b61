"""The planner's side of ``composite_schema``: its URL expands to the members' sources, in block order,
each loaded as on its own (programs run, files read), nested composites included."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from graticule.planner.desired import ExternalProgram, SourceContext, load_desired
from graticule.planner.errors import GraticuleError


def test_members_load_in_order_and_nest(tmp_path: Path) -> None:
    (tmp_path / "types.sql").write_text("CREATE TABLE kinds (id integer);\n")
    (tmp_path / "views").mkdir()
    (tmp_path / "views" / "1.sql").write_text("CREATE VIEW v1 AS SELECT 1;\n")
    orm = ExternalProgram("orm", [sys.executable, "-c", "print('CREATE TABLE items (kind integer);')"])
    ctx = SourceContext(
        programs={"orm": orm},
        composites={
            "base": ["file://types.sql", "external_schema://orm"],
            "app": ["composite_schema://base", "file://views"],
        },
        base_dir=tmp_path,
    )
    loaded = load_desired(["composite_schema://app"], ctx)
    assert [s.label for s in loaded] == [
        "types.sql",
        "data.external_schema.orm",
        str(Path("views") / "1.sql"),
    ]
    assert loaded[1].sql.strip() == "CREATE TABLE items (kind integer);"


def test_unknown_and_self_including_composites(tmp_path: Path) -> None:
    with pytest.raises(GraticuleError, match='data source "composite_schema" "nope" is not defined'):
        load_desired(["composite_schema://nope"], SourceContext(base_dir=tmp_path))
    looping = SourceContext(composites={"a": ["composite_schema://a"]}, base_dir=tmp_path)
    with pytest.raises(GraticuleError, match='composite_schema "a" includes itself'):
        load_desired(["composite_schema://a"], looping)
