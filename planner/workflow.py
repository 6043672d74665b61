"""Use cases composed from the rooms below: ``migrate diff`` and ``migrate hash``.

``migrate diff`` follows DESIGN.md §1: load the desired SQL, normalise it through the dev database, replay the
migration directory, diff, plan, *verify* the plan on the dev database, and only then write the new file and
``atlas.sum``. The desired state is read first so that the dev database can be reused for the current state
and the verification without being emptied between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .changes import Change
from .desired import SourceContext, load_desired
from .devdb import DevDatabase, open_dev
from .errors import PlanVerificationError
from .lint.policy import LintPolicy
from .lint.positions import parse_positions
from .lint.report import LintReport
from .lint.runner import lint_files
from .migrate.directory import MigrationDir
from .migrate.writer import render_plan
from .plan import Statement
from .schema import Schema

# Called with (items done, items in all, name of the item just finished) during long work.
ProgressCallback = Callable[[int, int, str], None]

SYNCED_MESSAGE = "The migration directory is synced with the desired state, no changes to be made"


@dataclass
class DiffOptions:
    dir_url: str
    dev_url: str
    to: list[str]
    sources: SourceContext = field(default_factory=SourceContext)
    name: str = ""
    format: str | None = None
    check: bool = False
    """Plan only: report whether a file would be written, write nothing (``migrate diff --check``)."""
    progress: ProgressCallback | None = None
    lint: LintPolicy | None = None
    """Lint the written file with this policy (None: no lint)."""


@dataclass
class DiffResult:
    statements: list[Statement]
    content: str = ""
    path: Path | None = None
    """The file written; None when nothing changed or under ``--check``."""
    lint: LintReport | None = None
    """The lint of the written file, when ``DiffOptions.lint`` asked for it."""

    @property
    def synced(self) -> bool:
        return not self.statements


def migrate_diff(opts: DiffOptions) -> DiffResult:
    mdir = MigrationDir.open(opts.dir_url, create=not opts.check)
    mdir.validate()
    sources = load_desired(opts.to, opts.sources)
    with open_dev(opts.dev_url) as dev:
        for source in sources:
            dev.run_sql(source.sql, source.label)
        desired = dev.inspect()
        dev.reset()
        replay(dev, mdir, opts.progress)
        current = dev.inspect()
        changes = dev.diff(current, desired)
        if not changes:
            return DiffResult(statements=[])
        statements = dev.driver.plan(changes)
        content = render_plan(statements, name=opts.name, template=opts.format)
        base = [(f.name, f.text) for f in mdir.files()]
        # A first migration creates every table: no existing row or deployed code can be hurt, and only a
        # naming policy has anything to say. Skipping it keeps the initial diff of a large project fast.
        lint = opts.lint is not None and not opts.check and (bool(base) or "naming" in opts.lint.analyzers)
        report = None
        now = datetime.now(UTC)
        if lint:
            # The dev database holds the replayed directory: the new file runs on it statement by statement
            # as `migrate lint --latest 1` would run it, and the state it leaves is the verification.
            assert opts.lint is not None
            positions = parse_positions("\n".join(source.sql for source in sources))
            name = mdir.new_file_name(opts.name, now)
            report = lint_files(dev, base, [(name, content)], opts.lint, positions, base_replayed=True)
            failed = report.files[0].error if report.files else None
            if failed:
                raise PlanVerificationError(
                    f"the planned migration failed on the dev database ({failed}); this is a graticule bug, "
                    "nothing was written"
                )
            require_desired(dev, desired)
        else:
            verify_plan(dev, statements, desired)
        if opts.check:
            return DiffResult(statements=statements, content=content)
        path = mdir.write_migration(content, name=opts.name, now=now)
        mdir.write_sum()
    return DiffResult(statements=statements, content=content, path=path, lint=report)


def replay(dev: DevDatabase, mdir: MigrationDir, progress: ProgressCallback | None = None) -> None:
    """Execute every migration file in order on the dev database."""
    files = mdir.files()
    for done, migration in enumerate(files, 1):
        dev.run_sql(migration.text, str(migration.path))
        if progress:
            progress(done, len(files), migration.name)


def verify_plan(dev: DevDatabase, statements: list[Statement], desired: Schema) -> None:
    """Apply the plan on the dev database (holding the current state) and require the desired state."""
    for stmt in statements:
        dev.execute(stmt.sql(), f"planned statement {stmt.comment!r}")
    require_desired(dev, desired)


def require_desired(dev: DevDatabase, desired: Schema) -> None:
    """The dev database must now hold the desired state, or the plan is wrong and nothing may be written."""
    residual = dev.diff(dev.inspect(), desired)
    if residual:
        raise PlanVerificationError(
            "the planned migration does not reach the desired state on the dev database "
            f"(remaining: {describe_changes(residual)}); this is a graticule bug, nothing was written"
        )


def describe_changes(changes: list[Change]) -> str:
    parts = []
    for change in changes:
        table = getattr(change, "table", None) or change.new  # type: ignore[union-attr]
        inner = getattr(change, "changes", None)
        what = ", ".join(type(c).__name__ for c in inner) if inner else ""
        parts.append(f"{type(change).__name__} {table.name}" + (f" [{what}]" if what else ""))
    return "; ".join(parts)


def migrate_hash(dir_url: str) -> Path:
    """Rewrite ``atlas.sum`` from the directory's files (``migrate hash``)."""
    mdir = MigrationDir.open(dir_url, create=False)
    return mdir.write_sum()
