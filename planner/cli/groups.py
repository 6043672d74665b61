"""The command groups; each command module registers itself on one of them."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def main(debug: bool) -> None:
    """graticule: schema-as-code migrations for Django, compatible with Atlas's versioned workflow."""


@main.group()
def migrate() -> None:
    """Manage versioned migration directories."""


@main.group()
def schema() -> None:
    """Work with database schemas directly."""
