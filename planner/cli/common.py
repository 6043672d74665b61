"""What every command shares: the user-error wrapper, env settings from atlas.hcl, common options."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..desired import ExternalProgram, SourceContext
from ..errors import ChecksumError, GraticuleError
from ..progress import plain_progress, terminal_progress

if TYPE_CHECKING:
    from ..workflow import ProgressCallback

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

    def __init__(
        self, config: str, env: str | None, variables: tuple[str, ...], *, multi_target: bool = False
    ) -> None:
        self.dev: str | None = None
        self.src: list[str] = []
        self.dir: str | None = None
        self.diff_format: str | None = None
        self.sources = SourceContext()
        self.url: str | None = None
        self.lint: Any | None = None
        """The env's ``lint`` block (graticule.hcl ``Lint``), None without an env."""
        self.lint_format: str | None = None
        self.migration: Any | None = None
        """The env's ``migration`` block (graticule.hcl ``Migration``: baseline, exec_order, ...)."""
        self.format_migrate: dict[str, str] = {}
        """The env's ``format { migrate { apply, status, ... } }`` templates."""
        self.envs: list[Any] = []
        """Every env block selected (several for a multi-target env; ``multi_target`` commands run each)."""
        if env is None:
            return
        path = config_path(config)
        if not path.is_file():
            raise GraticuleError(f"config file {path} not found (pass -c file://<path>)")
        loaded = load_config(str(path), env=env, variables=parse_var_flags(variables))
        self.envs = list(loaded.envs)
        if len(loaded.envs) > 1 and not multi_target:
            # A multi-target env (several blocks, or for_each) runs per target in `migrate apply`; one
            # directory cannot be planned for several targets at once.
            raise GraticuleError(f'multiple envs found for "{env}"')
        selected = loaded.envs[0]
        self.dev = selected.dev
        self.src = list(selected.src)
        self.dir = selected.migration_dir
        self.diff_format = selected.diff_format
        self.url = selected.url
        self.lint = selected.lint
        self.lint_format = selected.lint.format or selected.format.migrate.get("lint")
        self.migration = selected.migration
        self.format_migrate = dict(selected.format.migrate)
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
