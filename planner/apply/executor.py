"""``migrate apply``: run the pending migration files on a database, recording each in the revisions table.

Order of work, every step before the first statement runs so that a refusal never leaves anything behind:

1. The directory must match ``atlas.sum`` (checksum error otherwise).
2. Connect and take the apply lock (``--lock-timeout``; see :mod:`.dialects`). A second applier waits, then
   fails with ``acquiring database lock``.
3. Read the files once and check them against ``atlas.sum`` again (a file edited while the run waited for
   the lock is refused); those bytes are what runs and what the rows record. Read the revisions.
4. Compute the pending files (:mod:`.pending`: clean-database rule, ``--baseline``, ``--exec-order``), keep
   the first ``N`` (the amount argument) and stop at ``--to-version``.
5. Split every pending file into statements (sqlglot-based splitter, ``atlas:delimiter``), read its
   ``atlas:txmode``, and check that a partially applied file's already-run statements are unchanged
   (``partial_hashes``); any problem refuses the whole run.
6. Only then (not on ``--dry-run``) create the revisions table if missing and write the ``--baseline`` row.
   A refused run has written nothing; on SQLite, a database file the run created is removed again.

Then each file runs statement by statement, its revision row written before the first statement (a start
marker), after every statement (``applied``, ``partial_hashes``) and at the end (complete: partial hashes
cleared). Transactions (``--tx-mode``, overridden per file by ``-- atlas:txmode``):

- ``file`` (default): one transaction per file, the revision writes inside it, so a file and its row commit
  together or not at all.
- ``all``: one transaction for the whole run; any failure rolls every file of the run back.
- ``none``: every statement commits on its own; the row tracks exactly how far the file got.

When a statement fails, the file's row ends up saying exactly what the database holds:

- inside a transaction that is still open, the transaction is rolled back (on PostgreSQL and SQLite the
  database is as before the file), then the row is written again in autocommit with ``applied`` = the
  statements committed before the transaction (0, or a resumed file's earlier count), ``error`` and
  ``error_stmt``: ``migrate status`` explains the failure and the next run starts at that statement. (Under
  ``--tx-mode all`` the row is only written when the failed file was the run's first: the earlier files were
  rolled back too.)
- without a transaction, or when the database ended it (MySQL/MariaDB commit before every DDL statement), the
  statements before the failing one stay applied and the row records them (``applied``/``total``,
  ``partial_hashes``).

On MySQL/MariaDB, after each implicit commit the executor writes the row (autocommit) and opens a new
transaction, so a DML statement and the row update that counts it commit together: resuming never runs a DML
statement twice. A DDL statement killed after the server committed it but before its row update can run
again on resume (MySQL offers no way to commit DDL with anything else).

The next apply resumes a partially applied file at statement ``applied + 1`` once it is fixed and re-hashed,
and refuses if an already-applied statement was edited (``partial_hashes`` compare).
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from ..errors import GraticuleError
from ..migrate.checksum import HashFile
from ..migrate.checksum import validate as validate_sum
from ..migrate.directives import parse_directives
from ..migrate.directory import MigrationDir, MigrationFile
from ..migrate.split import split_statements
from ..urls import parse_url
from .dialects import LockedError, StatementError, Target, open_target
from .pending import is_checkpoint, pending_files
from .report import AppliedFile, ApplyReport, Env, StmtError
from .revisions import (
    TYPE_BASELINE,
    TYPE_EXECUTE,
    Revision,
    first_changed_statement,
    operator_version,
    statement_hashes,
)

TX_MODES = ("file", "all", "none")
DEFAULT_LOCK_TIMEOUT = 10.0


@dataclass
class ApplyOptions:
    url: str
    dir_url: str = "file://migrations"
    amount: int = 0
    """Apply at most this many files (0: all)."""
    to_version: str | None = None
    dry_run: bool = False
    baseline: str | None = None
    allow_dirty: bool = False
    tx_mode: str = "file"
    exec_order: str = "linear"
    revisions_schema: str | None = None
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    base_dir: Path | None = None


class ApplyEvents(Protocol):
    """What the executor reports while it works (the CLI streams the log and drives a progress bar)."""

    def warning(self, text: str) -> None: ...

    def intro(self, report: ApplyReport) -> None: ...

    def file_started(self, applied: AppliedFile) -> None: ...

    def statement(self, text: str) -> None: ...

    def file_done(self, applied: AppliedFile) -> None: ...

    def done(self, report: ApplyReport) -> None: ...


class NoEvents:
    def warning(self, text: str) -> None: ...

    def intro(self, report: ApplyReport) -> None: ...

    def file_started(self, applied: AppliedFile) -> None: ...

    def statement(self, text: str) -> None: ...

    def file_done(self, applied: AppliedFile) -> None: ...

    def done(self, report: ApplyReport) -> None: ...


@dataclass
class PreparedFile:
    file: MigrationFile
    statements: list[str]
    hashes: list[str]
    txmode: str
    hash: str
    lines: list[int] = field(default_factory=list)
    """1-based line of each statement in the file (error messages say ``file:line``)."""
    revision: Revision | None = None
    """The file's existing row (a partially applied file being resumed)."""


@dataclass
class _Run:
    target: Target
    options: ApplyOptions
    report: ApplyReport
    events: ApplyEvents
    operator: str = field(default_factory=operator_version)


def migrate_apply(options: ApplyOptions, events: ApplyEvents | None = None) -> ApplyReport:
    """Apply pending files; returns the report. A failed run returns with ``report.error`` set (the log
    is complete); refusals before anything ran raise GraticuleError."""
    events = events or NoEvents()
    if options.tx_mode not in TX_MODES:
        raise GraticuleError(f'unknown tx-mode "{options.tx_mode}" (expected file, all or none)')
    if options.amount < 0:
        raise GraticuleError(f"cannot apply '{options.amount}' migration files")
    directory = MigrationDir.open(options.dir_url, base=options.base_dir)
    directory.validate()
    url = parse_url(options.url)
    target = open_target(url, options.revisions_schema or None, create=not options.dry_run)
    refused = True
    try:
        report = ApplyReport(
            Env(target.driver_name, url, target.url_schema, options.dir_url), dry_run=options.dry_run
        )
        target.lock(options.lock_timeout)
        try:
            report = _apply(_Run(target, options, report, events), directory)
        finally:
            target.unlock()
        refused = False
        return report
    finally:
        target.close()
        if refused:
            # A refused first run on an SQLite file this run created leaves no empty database file behind.
            target.discard_if_created()


def prepare_revisions_table(target: Target, revisions_schema_flag: str | None, *, create: bool) -> bool:
    """Atlas's revisions-table checks; creates the table when ``create``. Returns whether it exists."""
    if not revisions_schema_flag and target.legacy_revisions_table():
        raise GraticuleError(
            "ambiguous revision table: the connected schema has no revisions table but the schema "
            "'atlas_schema_revisions' has one; pass --revisions-schema atlas_schema_revisions to keep using "
            "it, or --revisions-schema <connected schema> to start a new one there (or drop the unused "
            "'atlas_schema_revisions' schema)"
        )
    if target.revisions_table_exists():
        return True
    if create:
        target.create_revisions_table()
        return True
    return False


def _apply(run: _Run, directory: MigrationDir) -> ApplyReport:
    target, options, report = run.target, run.options, run.report
    # The table is created only once something is about to be written, so that a refused run (not clean, bad
    # baseline, history changed, a file that cannot be split) leaves the database exactly as it found it.
    exists = prepare_revisions_table(target, options.revisions_schema, create=False)
    revisions = target.read_revisions() if exists else []
    files = _locked_files(directory)
    dirty = target.first_object() if not revisions and not options.allow_dirty else None
    plan = pending_files(
        _files_up_to(files, options.to_version),
        revisions,
        exec_order=options.exec_order,
        baseline=options.baseline or None,
        dirty_reason=dirty,
        allow_dirty=options.allow_dirty,
    )
    baseline = None
    if plan.baseline is not None:
        baseline = Revision(
            version=plan.baseline.version,
            description=plan.baseline.description,
            type=TYPE_BASELINE,
            operator_version=run.operator,
        )
        revisions = [*revisions, baseline]
    pending = _select(plan.files, options, revisions)
    report.current = revisions[-1].version if revisions else ""
    prepared = _prepare(run, files, pending, {r.version: r for r in revisions}) if pending else []
    if not options.dry_run and (pending or baseline is not None or not exists):
        if not exists:
            target.create_revisions_table()
        if baseline is not None:
            target.write_revision(baseline)
    if not pending:
        report.end = datetime.now(UTC)
        run.events.intro(report)
        return report
    if options.tx_mode == "all" and not target.transactional_ddl and not options.dry_run:
        run.events.warning(
            f"{target.driver_name} commits every DDL statement implicitly: --tx-mode all cannot roll back "
            "DDL that already ran if a later statement fails (the revisions table records how far it got)"
        )
    report.pending = pending
    report.target = pending[-1].version
    run.events.intro(report)
    _execute(run, prepared)
    report.end = datetime.now(UTC)
    run.events.done(report)
    return report


def _did_you_mean(version: str, files: list[MigrationFile]) -> str:
    """Atlas's hint for a mistyped ``--to-version``: a pending version containing it (or contained in it)."""
    for f in reversed(files):
        if f.version in version or (version in f.version and len(f.version) - len(version) > 1):
            return f'. Did you mean "{f.version}"?'
    return ""


def _files_up_to(files: list[MigrationFile], version: str | None) -> list[MigrationFile]:
    """Atlas's ``ExecuteTo``: when ``--to-version`` lies before a checkpoint file, the pending files are
    computed as if the directory ended at that version, so a new database is not started from a checkpoint
    beyond the version asked for."""
    if not version:
        return files
    index = next((i for i in range(len(files) - 1, -1, -1) if files[i].version == version), -1)
    if index != -1 and any(is_checkpoint(f) for f in files[index + 1 :]):
        return files[: index + 1]
    return files


def _select(
    files: list[MigrationFile], options: ApplyOptions, revisions: list[Revision]
) -> list[MigrationFile]:
    if options.to_version:
        index = next((i for i in range(len(files) - 1, -1, -1) if files[i].version == options.to_version), -1)
        if index == -1:
            if any(r.version == options.to_version for r in revisions):
                return []  # already applied: nothing to do up to it
            raise GraticuleError(
                f'migration with version "{options.to_version}" not found'
                + _did_you_mean(options.to_version, files)
            )
        files = files[: index + 1]
    if options.amount:
        files = files[: options.amount]
    return files


def _locked_files(directory: MigrationDir) -> list[MigrationFile]:
    """The files this run executes, read once under the apply lock and checked against ``atlas.sum`` again.

    The check before connecting gives a fast refusal; this one covers a file edited while the run waited for
    the lock (a deploy still running). The returned objects keep the bytes just validated
    (``MigrationFile.content`` is read once), so the statements run and the hashes recorded are exactly the
    ones ``atlas.sum`` vouches for, whatever happens to the files on disk afterwards.
    """
    files = directory.files()
    validate_sum([(f.name, f.content) for f in files], directory.read_sum())
    return files


def _prepare(
    run: _Run, files: list[MigrationFile], pending: list[MigrationFile], rows: dict[str, Revision]
) -> list[PreparedFile]:
    """Everything that can refuse the run, checked before any statement executes."""
    sums = HashFile.compute((f.name, f.content) for f in files)
    hashes = {entry.name: entry.hash for entry in sums.entries}
    prepared = []
    for f in pending:
        directives = parse_directives(f.text, str(f.path))
        txmode = directives.txmode or run.options.tx_mode
        if run.options.tx_mode == "all" and directives.txmode and directives.txmode != "all":
            raise GraticuleError(
                f'cannot set txmode directive to "{directives.txmode}" in "{f.name}" when txmode "all" is '
                "set globally"
            )
        split = split_statements(f.text, run.target.dialect, f.name)
        statements = [s.text for s in split]
        lines = [s.line for s in split]
        sum_hash = hashes.get(f.name, "")
        item = PreparedFile(f, statements, statement_hashes(statements), txmode, sum_hash, lines)
        row = rows.get(f.version)
        if row is not None and row.partially_applied:
            changed = first_changed_statement(row, item.hashes)
            if changed is not None:
                raise GraticuleError(
                    f'history changed: statement {changed} from file "{f.name}" changed (it was applied by '
                    f"an earlier run that stopped at statement {row.applied + 1} of {row.total}); "
                    "restore the applied statements and only fix the failed one"
                )
            item.revision = row
        prepared.append(item)
    return prepared


class _FileFailed(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _execute(run: _Run, prepared: list[PreparedFile]) -> None:
    target, options = run.target, run.options
    dry = options.dry_run
    run_tx = options.tx_mode == "all" and not dry
    if run_tx:
        target.begin()
    try:
        for index, item in enumerate(prepared):
            file_tx = item.txmode == "file" and not run_tx and not dry
            if file_tx:
                target.begin()
            try:
                # After a rollback the failed file's row is rewritten with the error, unless earlier files
                # of the same transaction (--tx-mode all) were rolled back with it: a row for this file
                # alone would then read as history with holes in it.
                _run_file(run, item, in_tx=file_tx or run_tx, record_rollback=file_tx or index == 0)
            except _FileFailed as failed:
                run.report.error = failed.error
                return
            if file_tx:
                target.commit()
        if run_tx:
            target.commit()
    except BaseException:
        # Interrupted (Ctrl-C) or a bookkeeping error: never leave a transaction open behind us. Best effort:
        # the original error matters more, and a connection dropped mid-statement (MySQL after Ctrl-C) has
        # had its transaction rolled back by the server already.
        with contextlib.suppress(Exception):
            if target.usable and target.in_transaction(refresh=True):
                target.rollback()
        raise


def _run_file(run: _Run, item: PreparedFile, *, in_tx: bool, record_rollback: bool) -> None:
    target, report, dry = run.target, run.report, run.options.dry_run
    rev = item.revision.copy() if item.revision else Revision(item.file.version, item.file.description)
    rev.type = (rev.type | TYPE_EXECUTE) if item.revision else TYPE_EXECUTE
    rev.total = len(item.statements)
    rev.hash = item.hash
    rev.operator_version = run.operator
    durable = rev.applied
    """Statements of this file known to be committed: the database keeps them whatever happens next."""
    applied = AppliedFile(item.file, datetime.now(UTC), skipped=rev.applied)
    report.applied.append(applied)
    run.events.file_started(applied)
    clock = time.monotonic()
    if not dry:
        target.write_revision(rev)
    for index in range(rev.applied, len(item.statements)):
        text = item.statements[index]
        try:
            run.events.statement(text)
            applied.applied.append(text)
            if dry:
                continue
            target.execute(text)
        except KeyboardInterrupt:
            # Ctrl-C before or during the statement: it was cancelled (PostgreSQL, SQLite) or killed on the
            # server (MySQL). Where the connection survived, the row records the interruption like a failure,
            # so that `migrate status` explains it; then the run stops as interrupted.
            if not dry and target.usable:
                rev.error, rev.error_stmt = INTERRUPTED, text
                rev.execution_time = int((time.monotonic() - clock) * 1e9)
                with contextlib.suppress(Exception):
                    _record_failure(target, rev, durable, in_tx=in_tx, record_rollback=record_rollback)
            raise
        except StatementError as e:
            rev.error, rev.error_stmt = e.message, text
            rev.execution_time = int((time.monotonic() - clock) * 1e9)
            applied.error = StmtError(text, e.message)
            applied.end = datetime.now(UTC)
            _record_failure(target, rev, durable, in_tx=in_tx, record_rollback=record_rollback)
            run.events.file_done(applied)
            report.error_location = f"{_display_path(item.file.path)}:{item.lines[index]}"
            # Atlas's text (its %q quoting keeps a multi-line statement on one line).
            raise _FileFailed(
                f"executing statement {go_quote(text)} from version {go_quote(rev.version)}: {e.message}"
            ) from e
        rev.partial_hashes = [*(rev.partial_hashes or [])[: rev.applied], "h1:" + item.hashes[rev.applied]]
        rev.applied += 1
        rev.error = rev.error_stmt = ""
        with deferred_interrupt():
            # Without a transaction the statement is committed: Ctrl-C now must not cost its row update
            # (the next run would execute it a second time).
            target.write_revision(rev)
        if in_tx and not target.in_transaction():
            # MySQL/MariaDB committed implicitly (DDL): the statement and the row write after it, which
            # ran in autocommit, are durable. Open a new transaction so that the DML statements that follow
            # commit together with the row updates that count them.
            durable = rev.applied
            target.begin()
    rev.partial_hashes = None
    rev.execution_time = int((time.monotonic() - clock) * 1e9)
    if not dry:
        target.write_revision(rev)
    applied.end = datetime.now(UTC)
    run.events.file_done(applied)


INTERRUPTED = "interrupted by the user (Ctrl-C)"
"""The ``error`` a row records for a statement cancelled by Ctrl-C."""


@contextlib.contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) until the block is done, then raise it; a no-op outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        if callable(previous):
            previous(signal.SIGINT, None)  # Python's default handler raises KeyboardInterrupt
        elif previous != signal.SIG_IGN:
            raise KeyboardInterrupt


def go_quote(text: str) -> str:
    """Go's ``%q`` for the text of a statement: double quotes, backslash escapes, one line."""
    return json.dumps(text, ensure_ascii=False)


def _display_path(path: Path) -> str:
    """The file's path relative to the working directory when it lies below it (as the user typed it)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _record_failure(
    target: Target, rev: Revision, durable: int, *, in_tx: bool, record_rollback: bool
) -> None:
    """Leave the revisions table telling the truth about the database after a failed statement."""
    if in_tx and (target.in_transaction(refresh=True) or target.transactional_ddl):
        # Everything since the last commit point is undone, this file's row writes included: the database
        # holds the first `durable` statements of the file (none, on PostgreSQL and SQLite). A transaction
        # that is no longer open was rolled back by the database itself where DDL is transactional (SQLite
        # aborts the whole transaction on some errors and on an interrupt); only MySQL ends one by committing.
        target.rollback()
        if not record_rollback:
            return
        rev.applied = durable
        rev.partial_hashes = (rev.partial_hashes or [])[:durable] or None
    # Written in autocommit: no transaction, the database ended it (implicit commit before a DDL statement),
    # or it was just rolled back. `migrate status` then explains the failure and the next run resumes at
    # statement `applied + 1`.
    target.write_revision(rev)


ProgressCallback = Callable[[int, int, str], None]
__all__ = ["ApplyEvents", "ApplyOptions", "LockedError", "migrate_apply"]
