"""``graticule schema inspect``: what graticule sees in a database."""

from __future__ import annotations

import click

from .common import user_errors
from .groups import schema


@schema.command("inspect")
@click.option(
    "-u", "--url", required=True, help="Database to inspect (sqlite://file.db, postgres://…, mysql://…)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["sql", "json"]),
    default="sql",
    show_default=True,
    help="Output form.",
)
@user_errors
def inspect_cmd(url: str, fmt: str) -> None:
    """Print what graticule sees in a database: its schema as DDL, or the schema model as JSON."""
    from ..inspection import inspect_url, schema_json, schema_sql  # its drivers load only for this command

    found, driver = inspect_url(url)
    click.echo(schema_sql(found, driver) if fmt == "sql" else schema_json(found), nl=False)
