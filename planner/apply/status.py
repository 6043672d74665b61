"""``migrate status``: how the database's revisions compare with the migration directory (Atlas's report).

Nothing is written: a database without a revisions table reports every file pending. ``Current Version``
is the last revision's version (``No migration applied yet`` while every file is pending); ``Next
Version`` the first pending file (``Already at latest version`` when none; ``UNKNOWN`` when files were added
out of order). When the last revision is partially applied and not resolved by ``migrate set``, the report
counts its statements (``Count`` applied of ``Total``) and shows the failed statement and the database's error
recorded in the row; the next ``migrate apply`` resumes at that statement.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import GraticuleError
from ..migrate.directory import MigrationDir
from ..migrate.split import split_statements
from ..urls import parse_url
from .dialects import open_target
from .executor import prepare_revisions_table
from .pending import HistoryNonLinearError, is_checkpoint, pending_files
from .report import Env, StatusReport

OK = "OK"
PENDING = "PENDING"


def migrate_status(
    url: str, dir_url: str, revisions_schema: str | None = None, base_dir: Path | None = None
) -> StatusReport:
    directory = MigrationDir.open(dir_url, base=base_dir)
    directory.validate()
    parsed = parse_url(url)
    # A missing SQLite file is refused (Atlas's driver would create it): a mistyped path must not pass for a
    # new database with every file pending, nor leave an empty file behind.
    target = open_target(parsed, revisions_schema or None, create=False)
    try:
        report = StatusReport(Env(target.driver_name, parsed, target.url_schema, dir_url))
        files = directory.files()
        exists = prepare_revisions_table(target, revisions_schema, create=False)
        revisions = target.read_revisions() if exists else []
        if not revisions:
            report.available = report.pending = _from_last_checkpoint(files)
        else:
            report.applied = revisions
            try:
                report.pending = pending_files(files, revisions, allow_dirty=True).files
            except HistoryNonLinearError as e:
                report.error = str(e)
                report.status = PENDING
                report.pending = e.pending
                report.out_of_order = e.out_of_order
                report.current = revisions[-1].version
                return report
            report.available = files
        if len(report.pending) == len(report.available):
            report.current = "No migration applied yet"
        else:
            report.current = revisions[-1].version
        if report.pending:
            report.status, report.next = PENDING, report.pending[0].version
            report.from_checkpoint = not revisions and is_checkpoint(report.pending[0])
        else:
            report.status, report.next = OK, "Already at latest version"
        if revisions and revisions[-1].partially_applied and revisions[-1].applied < revisions[-1].total:
            last = revisions[-1]
            found = [f for f in report.available if f.version == last.version]
            if not found:
                raise GraticuleError(f'migration file with version "{last.version}" not found')
            report.count = last.applied
            report.total = len(split_statements(found[-1].text, target.dialect, found[-1].name))
            report.sql = last.error_stmt.replace("\n", " ")
            report.error = last.error.replace("\n", " ") or (
                f"no error was recorded: the run stopped after statement {last.applied} of {last.total} "
                "(interrupted?)"
            )
        return report
    finally:
        target.close()


def _from_last_checkpoint(files: list) -> list:
    for i in range(len(files) - 1, -1, -1):
        if is_checkpoint(files[i]):
            return [files[i]] + [f for f in files[i + 1 :] if not is_checkpoint(f)]
    return list(files)
