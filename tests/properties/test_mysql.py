"""Random pairs of MySQL/MariaDB schemas: every plan reaches the desired schema and keeps the rows."""

from __future__ import annotations

from hypothesis import given

from graticule.planner.devdb import DevDatabase

from .dialects import MySQL
from .roundtrip import SETTINGS, check_pair
from .schemas import Schema, schema_pairs

DIALECT = MySQL()


@SETTINGS
@given(pair=schema_pairs(DIALECT.palette))
def test_plans_between_random_schemas_converge(mysql_dev: DevDatabase, pair: tuple[Schema, Schema]) -> None:
    check_pair(mysql_dev, DIALECT, *pair)
