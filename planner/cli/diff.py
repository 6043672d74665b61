"""``graticule migrate diff``: plan the next migration file."""

from __future__ import annotations

import click

from ..errors import GraticuleError
from ..workflow import SYNCED_MESSAGE, DiffOptions, migrate_diff
from .common import (
    DEFAULT_DIR,
    EnvSettings,
    config_option,
    dir_option,
    env_option,
    replay_progress,
    user_errors,
    var_option,
)
from .groups import migrate


@migrate.command("diff")
@click.argument("name", required=False, default="")
@env_option
@config_option
@var_option
@click.option("--to", multiple=True, help="Desired state URL (file://schema.sql); overrides the env's src.")
@click.option("--dev-url", help="Dev database URL (sqlite://dev?mode=memory).")
@dir_option
@click.option("--format", "fmt", help="Go template for the file, e.g. '{{ sql . \"  \" }}'.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the models drifted from the directory.")
@user_errors
def diff_cmd(
    name: str,
    env: str | None,
    config: str,
    variables: tuple[str, ...],
    to: tuple[str, ...],
    dev_url: str | None,
    dir_url: str | None,
    fmt: str | None,
    check: bool,
) -> None:
    """Plan the next migration file from the desired state and write it with atlas.sum."""
    settings = EnvSettings(config, env, variables)
    dev = dev_url or settings.dev
    if not dev:
        raise GraticuleError("no dev database: set `dev` in the env or pass --dev-url")
    with replay_progress() as progress:
        result = migrate_diff(
            DiffOptions(
                dir_url=dir_url or settings.dir or DEFAULT_DIR,
                dev_url=dev,
                to=list(to) or settings.src,
                sources=settings.sources,
                name=name,
                format=fmt or settings.diff_format,
                check=check,
                progress=progress,
            )
        )
    if result.synced:
        click.echo(SYNCED_MESSAGE)
        return
    if check:
        click.echo(result.content, nl=False)
        raise GraticuleError(
            "the migration directory is not in sync with the desired state "
            f"({len(result.statements)} statements pending); run `graticule migrate diff` to write them"
        )
    assert result.path is not None
    click.echo(f"Wrote {result.path} ({len(result.statements)} statements)", err=True)
