"""``graticule migrate new``: an empty migration file to write statements in by hand."""

from __future__ import annotations

import click

from .common import DEFAULT_DIR, EnvSettings, config_option, dir_option, env_option, user_errors, var_option
from .groups import migrate


@migrate.command("new")
@click.argument("name", required=False, default="")
@env_option
@config_option
@var_option
@dir_option
@user_errors
def new_cmd(name: str, env: str | None, config: str, variables: tuple[str, ...], dir_url: str | None) -> None:
    """Create an empty migration file <UTC version>[_NAME].sql and rehash atlas.sum.

    The path of the new file is printed, so a script can open it: vim "$(graticule migrate new add_view)".
    """
    from ..migrate.newfile import new_migration

    settings = EnvSettings(config, env, variables)
    path = new_migration(dir_url or settings.dir or DEFAULT_DIR, name)
    click.echo(str(path))
