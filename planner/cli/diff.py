"""``graticule migrate diff``: plan the next migration file."""

from __future__ import annotations

import click

from ..errors import GraticuleError
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
@click.option(
    "--lint/--no-lint", "lint", default=True, show_default=True, help="Lint the written file (stderr)."
)
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
    lint: bool,
) -> None:
    """Plan the next migration file from the desired state and write it with atlas.sum."""
    from ..lint.output import text_report
    from ..lint.policy import LintPolicy
    from ..workflow import SYNCED_MESSAGE, DiffOptions, migrate_diff

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
                lint=LintPolicy.from_config(settings.lint) if lint else None,
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
    if result.lint is not None and (result.lint.diagnostics or result.lint.has_errors):
        # Advice, not a verdict: the file is written; `migrate lint` in CI decides.
        click.echo(text_report(result.lint), err=True, nl=False)
