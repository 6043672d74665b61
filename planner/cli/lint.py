"""``graticule migrate lint``: run the new migration files on the dev database and report what they risk."""

from __future__ import annotations

import sys

import click
from click.core import ParameterSource

from ..errors import GraticuleError
from .common import (
    DEFAULT_DIR,
    EnvSettings,
    config_option,
    config_path,
    dir_option,
    env_option,
    load_config,
    parse_var_flags,
    user_errors,
    var_option,
)
from .groups import migrate


@migrate.command("lint")
@env_option
@config_option
@var_option
@dir_option
@click.option("--dev-url", help="Dev database URL (sqlite://dev?mode=memory).")
@click.option(
    "--url", help="A real database to look at the data (opened read-only): counts duplicates, NULLs."
)
@click.option("--latest", type=int, help="Lint the latest N migration files.")
@click.option("--git-base", help="Lint the files added since the merge base of HEAD and this branch.")
@click.option("--git-dir", help="The git working directory for --git-base [default: .].")
@click.option(
    "--format", "fmt", help="Go template ('{{ json . }}'), or 'github' for GitHub Actions annotations."
)
@user_errors
def lint_cmd(
    env: str | None,
    config: str,
    variables: tuple[str, ...],
    dir_url: str | None,
    dev_url: str | None,
    url: str | None,
    latest: int | None,
    git_base: str | None,
    git_dir: str | None,
    fmt: str | None,
) -> None:
    """Analyze new migration files: destructive, data-dependent, blocking and incompatible changes."""
    from ..lint.output import atlas_env, github_report, template_report, text_report
    from ..lint.policy import LintPolicy
    from ..lint_workflow import LintOptions, migrate_lint

    settings = EnvSettings(config, env, variables)
    dev = dev_url or settings.dev
    if not dev:
        raise GraticuleError("no dev database: set `dev` in the env or pass --dev-url")
    lint = settings.lint
    if env is None and click.get_current_context().get_parameter_source("config") != ParameterSource.DEFAULT:
        # Atlas reads the top-level lint block when a config file is named without an env.
        lint = load_config(str(config_path(config)), variables=parse_var_flags(variables)).lint
        settings.lint_format = lint.format
    if latest is None and git_base is None and lint is not None:
        # The env's change detector applies only when no flag chose one (Atlas's precedence).
        latest, git_base = lint.latest, lint.git.base
        git_dir = git_dir or lint.git.dir
    dir_url = dir_url or settings.dir or DEFAULT_DIR
    report = migrate_lint(
        LintOptions(
            dir_url=dir_url,
            dev_url=dev,
            latest=latest,
            git_base=git_base,
            git_dir=git_dir,
            url=url,
            src=settings.src,
            sources=settings.sources,
            policy=LintPolicy.from_config(lint),
            warn=lambda line: click.echo(f"Warning: {line}", err=True),
        )
    )
    fmt = fmt or settings.lint_format
    if fmt == "github":
        click.echo(github_report(report, _dir_path(dir_url)), nl=False)
    elif fmt:
        click.echo(template_report(report, fmt, atlas_env(dev, _dir_path(dir_url))))
    else:
        click.echo(text_report(report), nl=False)
    if report.has_errors:
        sys.exit(1)


def _dir_path(dir_url: str) -> str:
    return dir_url.removeprefix("file://").split("?", 1)[0]
