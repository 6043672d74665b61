"""Random pairs of PostgreSQL schemas: every plan reaches the desired schema and keeps the rows."""

from __future__ import annotations

from hypothesis import given

from graticule.planner.devdb import DevDatabase

from .dialects import PostgreSQL
from .roundtrip import SETTINGS, check_pair
from .schemas import Schema, schema_pairs

DIALECT = PostgreSQL()


@SETTINGS
@given(pair=schema_pairs(DIALECT.palette))
def test_plans_between_random_schemas_converge(
    postgres_dev: DevDatabase, pair: tuple[Schema, Schema]
) -> None:
    check_pair(postgres_dev, DIALECT, *pair)
