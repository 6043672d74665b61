"""Random pairs of SQLite schemas: every plan reaches the desired schema and keeps the rows."""

from __future__ import annotations

from hypothesis import given

from graticule.planner.devdb import DevDatabase

from .dialects import SQLite
from .roundtrip import SETTINGS, check_pair
from .schemas import Schema, schema_pairs

DIALECT = SQLite()


@SETTINGS
@given(pair=schema_pairs(DIALECT.palette))
def test_plans_between_random_schemas_converge(sqlite_dev: DevDatabase, pair: tuple[Schema, Schema]) -> None:
    check_pair(sqlite_dev, DIALECT, *pair)
