"""The ``schema inspect`` use case: what graticule sees in a database, as DDL or as JSON."""

from __future__ import annotations

import dataclasses
import json

from .diff import diff_schemas
from .drivers import Driver, get_driver
from .errors import GraticuleError
from .migrate.writer import render_plan
from .schema import Schema
from .urls import parse_url


def inspect_url(url: str) -> tuple[Schema, Driver]:
    """Inspect the database a URL names, read-only, with the driver of its dialect."""
    parsed = parse_url(url)
    if parsed.dialect == "docker":
        raise GraticuleError(
            f"{parsed.redacted}: a docker:// URL starts an empty dev database; inspect a server URL"
        )
    driver = get_driver(parsed.dialect)
    target = driver.connect(parsed, readonly=True)
    try:
        return driver.inspect(target.conn, target.schema), driver
    finally:
        target.close()


def schema_sql(schema: Schema, driver: Driver) -> str:
    """The schema as the DDL that creates it: the plan from an empty schema, so tables come in FK order."""
    empty = Schema(name=schema.name)
    changes = diff_schemas(empty, schema, driver.normalizer, lazy_fk_targets=driver.lazy_fk_targets)
    return render_plan(driver.plan(changes), template='{{ sql . "  " }}')


def schema_json(schema: Schema) -> str:
    """The schema model as JSON: field names and order are those of ``graticule.planner.schema``."""
    return json.dumps(dataclasses.asdict(schema), indent=2) + "\n"
