"""Which migration files are pending on a database: Atlas's ``Executor.Pending``, rule for rule.

Given the directory's files and the revisions table (ordered by version):

- **No revisions yet** (first apply): the database must be clean (nothing but the revisions table), unless
  ``--allow-dirty``; with ``--baseline V`` a type-1 row for V is written and the files after V are pending.
  Without a baseline, every file is pending from the last checkpoint file, if any: a checkpoint file
  (``-- atlas:checkpoint [tag]``, written by ``atlas migrate checkpoint``) holds the whole schema up to it,
  so a new database starts there and the files before it are skipped. Everywhere else checkpoint files are
  ignored (a database with history has run the files they summarise), except a checkpoint that is itself the
  partially applied last revision: it resumes first.
- **Otherwise**: the files after the last revision are pending; if the last revision is partially applied
  (``applied != total`` and not resolved by ``migrate set``) its file is pending first, and resumes at its
  first unapplied statement. A file whose version lies between the first and the last revision but has no
  row was *added out of order*: ``linear`` (the default) refuses the run, naming it; ``linear-skip`` leaves
  it alone; ``non-linear`` applies it first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import GraticuleError
from ..migrate.directives import parse_directives
from ..migrate.directory import MigrationFile
from .revisions import Revision

EXEC_ORDERS = ("linear", "linear-skip", "non-linear")
NON_LINEAR_HINT = "See: https://atlasgo.io/versioned/apply#non-linear-error"


class NotCleanError(GraticuleError):
    """First apply on a database holding objects, without --baseline or --allow-dirty."""


class HistoryNonLinearError(GraticuleError):
    """Files were added with versions below the last applied one (``--exec-order linear``)."""

    def __init__(self, out_of_order: list[MigrationFile], pending: list[MigrationFile]) -> None:
        self.out_of_order = out_of_order
        self.pending = pending
        names = ", ".join(f.name for f in out_of_order)
        which = f"file {names} was" if len(out_of_order) == 1 else f"files {names} were"
        super().__init__(f"migration {which} added out of order. {NON_LINEAR_HINT}")


@dataclass
class PendingPlan:
    files: list[MigrationFile] = field(default_factory=list)
    baseline: MigrationFile | None = None
    """The file a first run with ``--baseline`` marks as applied (a type-1 row is written for it)."""


def is_checkpoint(f: MigrationFile) -> bool:
    return any(name == "checkpoint" for name, _ in parse_directives(f.text, str(f.path)).other)


def pending_files(
    files: list[MigrationFile],
    revisions: list[Revision],
    *,
    exec_order: str = "linear",
    baseline: str | None = None,
    dirty_reason: str | None = None,
    allow_dirty: bool = False,
) -> PendingPlan:
    """The pending files; ``dirty_reason`` says why the database is not clean (None when clean).

    Raises :class:`NotCleanError`, :class:`HistoryNonLinearError` or a GraticuleError for a baseline or a
    partially applied revision whose file is missing.
    """
    if exec_order not in EXEC_ORDERS:
        raise GraticuleError(f'unknown execution order: "{exec_order}" (expected {", ".join(EXEC_ORDERS)})')
    if baseline and allow_dirty:
        raise GraticuleError("baseline and allow-dirty are mutually exclusive")
    checkpoints = {f.name for f in files if is_checkpoint(f)}
    migrations = [f for f in files if f.name not in checkpoints]
    if not revisions:
        if dirty_reason is not None and not allow_dirty and not baseline:
            raise NotCleanError(
                f"connected database is not clean: {dirty_reason}. "
                "baseline version or allow-dirty is required"
            )
        if baseline:
            index = _last_index(migrations, lambda f: f.version == baseline)
            if index == -1:
                raise GraticuleError(f'baseline version "{baseline}" not found')
            return PendingPlan(migrations[index + 1 :], baseline=migrations[index])
        start = _last_index(files, lambda f: f.name in checkpoints)
        if start == -1:
            return PendingPlan(migrations)
        return PendingPlan([files[start]] + [f for f in files[start + 1 :] if f.name not in checkpoints])
    last = revisions[-1]
    partially = last.partially_applied
    if partially:
        # A checkpoint file that failed part-way (it is the first file a database runs, so nothing else has
        # run): it resumes, then every migration after it follows.
        index = _last_index(files, lambda f: f.version == last.version)
        if index != -1 and files[index].name in checkpoints:
            return PendingPlan([files[index]] + [f for f in files[index + 1 :] if f.name not in checkpoints])
    if not migrations:
        return PendingPlan()
    if partially:
        index = _last_index(migrations, lambda f: f.version == last.version)
        if index == -1:
            name = f"{last.version}_{last.description}.sql" if last.description else f"{last.version}.sql"
            raise GraticuleError(
                f'missing migration: revision "{name}" is partially applied but migration file was not found'
            )
    else:
        index = _last_index(migrations, lambda f: f.version <= last.version)
        if index == -1:
            # Every file is newer than the whole history: all of them are pending.
            return PendingPlan(list(migrations))
        index += 1
    pending = migrations[index:]
    first = next((i for i, f in enumerate(migrations[:index]) if f.version >= revisions[0].version), -1)
    if first != -1 and exec_order != "linear-skip":
        applied = {r.version for r in revisions}
        skipped = [f for f in migrations[first:index] if f.version not in applied]
        if skipped and exec_order == "non-linear":
            pending = skipped + pending
        elif skipped:
            raise HistoryNonLinearError(skipped, pending)
    return PendingPlan(pending)


def _last_index(files: list[MigrationFile], match) -> int:
    for i in range(len(files) - 1, -1, -1):
        if match(files[i]):
            return i
    return -1
