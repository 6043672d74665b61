"""The ``graticule`` command line: click commands that parse flags, resolve the env and call a workflow."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .desired import ExternalProgram, SourceContext
from .errors import ChecksumError, GraticuleError
from .progress import plain_progress, terminal_progress
from .workflow import SYNCED_MESSAGE, DiffOptions, ProgressCallback, migrate_diff, migrate_hash

F = TypeVar("F", bound=Callable[..., Any])


# graticule.hcl (python-hcl2, lark) takes a tenth of a second to import: only the commands that read atlas.hcl
# load it, not `migrate diff --to ... --dev-url ...`. Before it is loaded nothing can raise ConfigError.
def load_config(*args: Any, **kwargs: Any) -> Any:
    from graticule.hcl import load_config

    return load_config(*args, **kwargs)


def parse_var_flags(*args: Any, **kwargs: Any) -> Any:
    from graticule.hcl import parse_var_flags

    return parse_var_flags(*args, **kwargs)


def _config_error() -> type[Exception]:
    errors = sys.modules.get("graticule.hcl.errors")
    return errors.ConfigError if errors is not None else GraticuleError


DEFAULT_CONFIG = "file://atlas.hcl"
DEFAULT_DIR = "file://migrations"
# Directories at least this long announce their replay when stderr is not a terminal.
LONG_REPLAY = 100
CHECKSUM_HINT = """\
This happens if you manually create or edit a migration file.
Please check your migration files and run

'graticule migrate hash'

to re-hash the contents and resolve the error
"""


def user_errors(fn: F) -> F:
    """Report user errors as one ``Error:`` line on stderr and exit 1; tracebacks only with ``--debug``."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ChecksumError as e:
            # Atlas's wording, so the message teams already know (and search for) is the same.
            where = f"{e.location}\n" if e.location else ""
            click.echo(f"{e}\n{where}{CHECKSUM_HINT}\nError: {e.error_line}", err=True)
        except (GraticuleError, _config_error()) as e:
            if click.get_current_context().find_root().params.get("debug"):
                traceback.print_exc()
            click.echo(f"Error: {e}", err=True)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            sys.exit(130)
        sys.exit(1)

    return wrapper  # type: ignore[return-value]


def config_path(url: str) -> Path:
    """The file of a ``-c/--config`` URL, worded as Atlas words its refusals."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise GraticuleError(f"missing scheme for config file. Did you mean file://{url}?")
    if scheme != "file":
        raise GraticuleError(f"unsupported config file driver {scheme!r} (expected file://<path>)")
    return Path(rest)


class EnvSettings:
    """The values a command uses: env attributes from atlas.hcl, overridden by explicit flags."""

    def __init__(self, config: str, env: str | None, variables: tuple[str, ...]) -> None:
        self.dev: str | None = None
        self.src: list[str] = []
        self.dir: str | None = None
        self.diff_format: str | None = None
        self.sources = SourceContext()
        if env is None:
            return
        path = config_path(config)
        if not path.is_file():
            raise GraticuleError(f"config file {path} not found (pass -c file://<path>)")
        loaded = load_config(str(path), env=env, variables=parse_var_flags(variables))
        if len(loaded.envs) > 1:
            # A multi-target env (several blocks, or for_each) runs per target in `migrate apply`; one
            # directory cannot be planned for several targets at once.
            raise GraticuleError(f'multiple envs found for "{env}"')
        selected = loaded.envs[0]
        self.dev = selected.dev
        self.src = list(selected.src)
        self.dir = selected.migration_dir
        self.diff_format = selected.diff_format
        self.sources = SourceContext(
            programs={
                p.name: ExternalProgram(name=p.name, argv=list(p.program), working_dir=p.working_dir)
                for p in loaded.external_schemas.values()
            },
            composites={c.name: c.urls for c in loaded.composite_schemas.values()},
            base_dir=Path.cwd(),
        )


def replay_progress() -> AbstractContextManager[ProgressCallback]:
    """A progress bar on a terminal; otherwise one plain line, and only when the replay is long."""
    if sys.stderr.isatty():
        return terminal_progress("Replaying migrations")
    title = "Replaying the migration directory on the dev database"
    return plain_progress(lambda line: click.echo(line, err=True), title, LONG_REPLAY)


config_option = click.option(
    "-c", "--config", default=DEFAULT_CONFIG, show_default=True, help="Config file URL (file://atlas.hcl)."
)
env_option = click.option("--env", help="The env block of the config file to use.")
var_option = click.option("--var", "variables", multiple=True, help="Input variable key=value (repeatable).")
dir_option = click.option("--dir", "dir_url", help="Migration directory URL [default: file://migrations].")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def main(debug: bool) -> None:
    """graticule: schema-as-code migrations for Django, compatible with Atlas's versioned workflow."""


@main.group()
def migrate() -> None:
    """Manage versioned migration directories."""


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


@main.group()
def schema() -> None:
    """Work with database schemas directly."""


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
    from .inspection import inspect_url, schema_json, schema_sql  # its drivers load only for this command

    found, driver = inspect_url(url)
    click.echo(schema_sql(found, driver) if fmt == "sql" else schema_json(found), nl=False)


@migrate.command("hash")
@env_option
@config_option
@var_option
@dir_option
@user_errors
def hash_cmd(env: str | None, config: str, variables: tuple[str, ...], dir_url: str | None) -> None:
    """Recompute atlas.sum from the migration files (after editing one by hand)."""
    settings = EnvSettings(config, env, variables)
    migrate_hash(dir_url or settings.dir or DEFAULT_DIR)
