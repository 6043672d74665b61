"""The desired state: SQL text from an external_schema program or a file (``src`` / ``--to``), or from several
such sources composed by a composite_schema, in order."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GraticuleError

EXTERNAL_SCHEME = "external_schema://"
COMPOSITE_SCHEME = "composite_schema://"


@dataclass(frozen=True)
class ExternalProgram:
    """A ``data "external_schema"`` block: a program (argv, no shell) whose stdout is the desired schema."""

    name: str
    argv: list[str]
    working_dir: str | None = None


@dataclass
class DesiredSQL:
    """One source of desired-state SQL, with a label used in error messages (``file.sql``, ``data.…``)."""

    label: str
    sql: str


@dataclass
class SourceContext:
    """What a ``src`` URL may refer to: the config's external programs and composite schemas (each the
    ordered URLs of its members), and the base of relative paths."""

    programs: dict[str, ExternalProgram] = field(default_factory=dict)
    composites: dict[str, list[str]] = field(default_factory=dict)
    base_dir: Path = field(default_factory=Path.cwd)


def load_desired(urls: list[str], ctx: SourceContext) -> list[DesiredSQL]:
    """Read every source of the desired state, in order."""
    if not urls:
        raise GraticuleError("no desired state: set `src` in the env or pass --to")
    return [sql for url in urls for sql in _load_one(url, ctx)]


def _load_one(url: str, ctx: SourceContext, within: tuple[str, ...] = ()) -> list[DesiredSQL]:
    if url.startswith(COMPOSITE_SCHEME):
        name = url.removeprefix(COMPOSITE_SCHEME)
        members = ctx.composites.get(name)
        if members is None:
            raise GraticuleError(f'data source "composite_schema" "{name}" is not defined in the config file')
        if name in within:
            raise GraticuleError(f'composite_schema "{name}" includes itself')
        # One desired state: every member's SQL runs on the same dev database, in block order.
        return [sql for member in members for sql in _load_one(member, ctx, (*within, name))]
    if url.startswith(EXTERNAL_SCHEME):
        name = url.removeprefix(EXTERNAL_SCHEME)
        program = ctx.programs.get(name)
        if program is None:
            raise GraticuleError(f'data source "external_schema" "{name}" is not defined in the config file')
        return [run_external_program(program, ctx.base_dir)]
    if url.startswith("file://"):
        return _read_sql_files(Path(url.removeprefix("file://")), ctx.base_dir)
    if "://" not in url:
        raise GraticuleError(f"invalid desired-state URL {url!r}: expected file://… or a data source URL")
    raise GraticuleError(
        f"unsupported desired-state URL {url.split('://')[0]!r}:// "
        "(supported: file://, external_schema://, composite_schema://)"
    )


def run_external_program(program: ExternalProgram, base_dir: Path) -> DesiredSQL:
    label = f"data.external_schema.{program.name}"
    if not program.argv:
        raise GraticuleError(f"{label}: program is empty")
    cwd = base_dir / program.working_dir if program.working_dir else None
    try:
        proc = subprocess.run(program.argv, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GraticuleError(f"{label}: program {program.argv[0]!r} not found") from None
    except OSError as e:
        raise GraticuleError(f"{label}: cannot run {program.argv[0]!r}: {e.strerror}") from None
    if proc.returncode != 0:
        stderr = proc.stderr.strip() or "(no output on stderr)"
        raise GraticuleError(f"{label}: program exited with status {proc.returncode}:\n{stderr}")
    if not proc.stdout.strip():
        # An empty desired state would plan dropping every table: never take it silently.
        raise GraticuleError(f"{label}: program printed no schema")
    return DesiredSQL(label=label, sql=proc.stdout)


def _read_sql_files(path: Path, base_dir: Path) -> list[DesiredSQL]:
    """A file, or every top-level ``*.sql`` of a directory in byte-wise name order."""
    full = path if path.is_absolute() else base_dir / path
    if full.is_dir():
        files = sorted(full.glob("*.sql"), key=lambda f: f.name.encode())
        if not files:
            raise GraticuleError(f"{path}: directory holds no .sql files")
        return [DesiredSQL(label=str(path / f.name), sql=f.read_text()) for f in files]
    try:
        return [DesiredSQL(label=str(path), sql=full.read_text())]
    except FileNotFoundError:
        raise GraticuleError(f"{path}: no such file") from None
    except OSError as e:
        raise GraticuleError(f"{path}: {e.strerror}") from None
