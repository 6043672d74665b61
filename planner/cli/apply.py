"""``graticule migrate apply``, ``migrate status`` and ``migrate set``: the database side of the workflow.

Values come from the flags, else from the env (``url``, ``migration { dir, baseline, exec_order,
lock_timeout, revisions_schema }``, ``format { migrate { apply, status } }``). A multi-target env (several
env blocks of one name, or ``for_each``) runs the command on each target in turn, stopping at the first error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import click

from ..errors import GraticuleError
from .common import DEFAULT_DIR, EnvSettings, config_option, dir_option, env_option, user_errors, var_option
from .groups import migrate

url_option = click.option(
    "-u", "--url", help="URL of the database to migrate (sqlite://file.db, postgres://…)."
)
revisions_schema_option = click.option(
    "--revisions-schema",
    help="Schema of the revisions table (default: the URL's schema, else atlas_schema_revisions).",
)
format_option = click.option("--format", "fmt", help="Go template for the output, e.g. '{{ json . }}'.")


@dataclass
class Target:
    """One database to work on, with its settings resolved (flags over env attributes over defaults)."""

    url: str
    dir_url: str
    baseline: str | None
    exec_order: str
    lock_timeout: str
    revisions_schema: str | None
    formats: dict[str, str]


def _targets(
    settings: EnvSettings, url: str | None, dir_url: str | None, revisions_schema: str | None
) -> Iterator[Target]:
    for env in settings.envs or [None]:
        migration = env.migration if env is not None else None
        target_url = url or (env.url if env is not None else None)
        if not target_url:
            raise GraticuleError('required flag "url" not set (pass --url or set `url` in the env)')
        yield Target(
            url=target_url,
            dir_url=dir_url or (env.migration_dir if env is not None else None) or DEFAULT_DIR,
            baseline=migration.baseline if migration else None,
            exec_order=(migration.exec_order if migration else None) or "linear",
            lock_timeout=(migration.lock_timeout if migration else None) or "10s",
            revisions_schema=revisions_schema or (migration.revisions_schema if migration else None),
            formats=dict(env.format.migrate) if env is not None else {},
        )


def _amount(text: str | None) -> int:
    if text is None:
        return 0
    try:
        count = int(text)
    except ValueError:
        raise GraticuleError(
            f'invalid amount argument "{text}" (invalid syntax). Omit the argument or pass a valid integer '
            "instead"
        ) from None
    if count < 1:
        raise GraticuleError(f"cannot apply '{count}' migration files")
    return count


class _CliEvents:
    """Streams Atlas's apply log to stdout (unless a --format renders it at the end) and feeds a progress
    bar on a terminal."""

    def __init__(self, stream_log: bool, progress: Any) -> None:
        from ..apply.log import ApplyLog

        self.log = ApplyLog(self._write) if stream_log else None
        self.progress = progress
        self.files_done = 0
        self.files_total = 0

    @staticmethod
    def _write(text: str) -> None:
        click.echo(text, nl=False)
        sys.stdout.flush()

    def warning(self, text: str) -> None:
        click.echo(f"Warning: {text}", err=True)

    def intro(self, report: Any) -> None:
        self.files_total = len(report.pending)
        if self.log:
            self.log.intro(report)

    def file_started(self, applied: Any) -> None:
        if self.log:
            self.log.file_started(applied)
        if self.progress and self.files_total:
            self.progress(self.files_done, self.files_total, f"version {applied.file.version}")

    def statement(self, text: str) -> None:
        if self.log:
            self.log.statement(text)

    def file_done(self, applied: Any) -> None:
        self.files_done += 1
        if self.log:
            self.log.file_done(applied)
        if self.progress and self.files_total:
            self.progress(self.files_done, self.files_total, f"version {applied.file.version}")

    def done(self, report: Any) -> None:
        if self.log:
            self.log.done(report)


def _progress(enabled: bool) -> AbstractContextManager[Any]:
    if enabled and sys.stderr.isatty():
        from ..progress import terminal_progress

        return terminal_progress("Applying migrations")
    return nullcontext(None)


@migrate.command("apply")
@click.argument("amount", required=False)
@env_option
@config_option
@var_option
@url_option
@dir_option
@format_option
@revisions_schema_option
@click.option("--dry-run", is_flag=True, help="Print the SQL without executing it or writing revisions.")
@click.option("--lock-timeout", help="How long to wait for the database lock (Go duration) [default: 10s].")
@click.option("--baseline", help="On the first apply, mark this version (and all before it) as applied.")
@click.option("--allow-dirty", is_flag=True, help="Allow the first apply on a database that is not clean.")
@click.option("--tx-mode", default="file", show_default=True, help="Transaction mode: file, all or none.")
@click.option(
    "--exec-order", help="File execution order: linear, linear-skip or non-linear [default: linear]."
)
@click.option("--to-version", help="Apply pending files up to and including this version.")
@user_errors
def apply_cmd(
    amount: str | None,
    env: str | None,
    config: str,
    variables: tuple[str, ...],
    url: str | None,
    dir_url: str | None,
    fmt: str | None,
    revisions_schema: str | None,
    dry_run: bool,
    lock_timeout: str | None,
    baseline: str | None,
    allow_dirty: bool,
    tx_mode: str,
    exec_order: str | None,
    to_version: str | None,
) -> None:
    """Apply pending migration files to the database (Atlas's `migrate apply`); AMOUNT limits the files."""
    from ..apply.durations import parse_duration
    from ..apply.executor import ApplyOptions, migrate_apply
    from ..apply.log import render_format
    from ..apply.report import ApplyReport

    count = _amount(amount)
    settings = EnvSettings(config, env, variables, multi_target=True)
    targets = list(_targets(settings, url, dir_url, revisions_schema))
    for i, target in enumerate(targets):
        template = fmt or target.formats.get("apply")
        options = ApplyOptions(
            url=target.url,
            dir_url=target.dir_url,
            amount=count,
            to_version=to_version,
            dry_run=dry_run,
            baseline=baseline or target.baseline,
            allow_dirty=allow_dirty,
            tx_mode=tx_mode,
            exec_order=(exec_order or target.exec_order).lower().replace("_", "-"),
            revisions_schema=target.revisions_schema,
            lock_timeout=parse_duration(lock_timeout or target.lock_timeout),
        )
        # The bar (stderr) is for when the log is not scrolling by on the same terminal: a log redirected to a
        # file, or a --format rendered at the end. Drawn between streamed log lines, a bar's redraws would
        # erase them.
        with _progress(bool(template) or not sys.stdout.isatty()) as progress:
            events = _CliEvents(stream_log=not template, progress=progress)
            report: ApplyReport = migrate_apply(options, events)
        if template:
            out = render_format(template, report.to_data())
            if i < len(targets) - 1 and not out.endswith("\n"):
                out += "\n"
            click.echo(out, nl=False)
        if report.error:
            where = f"{report.error_location}: " if report.error_location else ""
            # One line: a database's message may span lines (MySQL quotes the statement near the error).
            raise GraticuleError(where + report.error.replace("\r\n", " ").replace("\n", " "))


@migrate.command("status")
@env_option
@config_option
@var_option
@url_option
@dir_option
@format_option
@revisions_schema_option
@user_errors
def status_cmd(
    env: str | None,
    config: str,
    variables: tuple[str, ...],
    url: str | None,
    dir_url: str | None,
    fmt: str | None,
    revisions_schema: str | None,
) -> None:
    """Show which migration files the database has applied and which are pending."""
    from ..apply.log import render_format, status_text
    from ..apply.status import migrate_status

    settings = EnvSettings(config, env, variables, multi_target=True)
    for target in _targets(settings, url, dir_url, revisions_schema):
        report = migrate_status(target.url, target.dir_url, target.revisions_schema)
        template = fmt or target.formats.get("status")
        click.echo(render_format(template, report.to_data()) if template else status_text(report), nl=False)


@migrate.command("set")
@click.argument("version", nargs=-1)
@env_option
@config_option
@var_option
@url_option
@dir_option
@revisions_schema_option
@user_errors
def set_cmd(
    version: tuple[str, ...],
    env: str | None,
    config: str,
    variables: tuple[str, ...],
    url: str | None,
    dir_url: str | None,
    revisions_schema: str | None,
) -> None:
    """Mark the database as migrated to VERSION in the revisions table, without running any statement."""
    from ..apply.log import set_text
    from ..apply.setrev import migrate_set

    settings = EnvSettings(config, env, variables, multi_target=True)
    for target in _targets(settings, url, dir_url, revisions_schema):
        result = migrate_set(target.url, target.dir_url, version, target.revisions_schema)
        click.echo(set_text(result.current, result.changes), nl=False)
