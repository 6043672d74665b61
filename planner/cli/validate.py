"""``graticule migrate validate``: checksum, statements, and (with a dev database) a full replay."""

from __future__ import annotations

import click

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


@migrate.command("validate")
@env_option
@config_option
@var_option
@dir_option
@click.option("--dev-url", help="Dev database to replay the directory on; overrides the env's dev.")
@user_errors
def validate_cmd(
    env: str | None, config: str, variables: tuple[str, ...], dir_url: str | None, dev_url: str | None
) -> None:
    """Check atlas.sum and every file's statements; with a dev database, execute the whole directory."""
    from ..validate import migrate_validate

    settings = EnvSettings(config, env, variables)
    with replay_progress() as progress:
        result = migrate_validate(dir_url or settings.dir or DEFAULT_DIR, dev_url or settings.dev, progress)
    how = "replayed on the dev database" if result.replayed else "checksum and statements checked"
    click.echo(
        f"The migration directory is valid: {_count(result.files, 'file')}, "
        f"{_count(result.statements, 'statement')} ({how})",
        err=True,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
