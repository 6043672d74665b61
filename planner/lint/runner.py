"""Run the files under lint statement by statement on the dev database and let the analyzers judge each step.

The base (the files already in the directory before the linted ones) is replayed first. Then each statement of
each linted file runs alone, the dev database is inspected after it, and the analyzers see the statement, the
schema before and after, and the diff between them. Inspecting after every statement is what lets a
diagnostic point at the line that caused it.

SQLite changes a table by rebuilding it (create ``new_t``, copy, drop ``t``, rename ``new_t`` to ``t``,
recreate the indexes). Seen one statement at a time that is a dropped table and a renamed one; the runner
analyzes such a sequence as one step from its first statement, so the analyzers see the real change (a column
dropped, a column made NOT NULL) as Atlas reports it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

import sqlglot
from sqlglot import exp

from ..changes import AddColumn, AddTable, Change, DropTable, ModifyTable
from ..drivers import Connection, Driver
from ..errors import GraticuleError
from ..migrate.directives import parse_directive, parse_directives
from ..migrate.split import SQLGLOT_DIALECTS, FileStatement, split_statements
from ..schema import Schema
from .analyzers import Analyzer
from .analyzers.base import object_name
from .analyzers.postgres_concurrency import ONCE_PER_FILE
from .context import StatementContext
from .data import DataProbe
from .diagnostics import Diagnostic
from .policy import LintPolicy
from .renames import column_renames, table_renames, without_renames
from .report import FileReport, LintReport, PositionedDiagnostic, Report

# Dialects whose DDL does not run inside a transaction (each statement commits on its own).
NON_TRANSACTIONAL_DDL = frozenset({"mysql", "mariadb"})
# Statements that write rows and cannot change the schema (a trigger running DDL aside).
DATA_ONLY = (exp.Insert, exp.Update, exp.Delete)


class DevDatabase(Protocol):
    """What the linter needs of the dev database (``planner.devdb.DevDatabase`` provides it); a protocol, so
    lint/ does not import the floor above it."""

    driver: Driver
    session: Connection

    def run_sql(self, text: str, label: str) -> None: ...

    def execute(self, sql: str, where: str) -> None: ...

    def inspect(self) -> Schema: ...

    def diff(self, current: Schema, desired: Schema) -> list[Change]: ...


@dataclass
class _Step:
    """One unit of analysis: a statement, or a SQLite table rebuild (several statements, reported at the
    first one)."""

    stmt: FileStatement
    expr: exp.Expression | None
    before: Schema
    after: Schema
    in_transaction: bool
    nolint: frozenset[str] | None
    """Checks skipped for this statement by an ``atlas:nolint`` comment just above it; empty = all."""
    changes: list[Change] | None = None
    """The statement's changes when known without diffing ``before`` and ``after`` (a run inspected once)."""
    index: int = 0
    """Position in the file of the (last) statement the step covers."""


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning for every statement it keeps as an opaque command (``RENAME TABLE``)."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    if level >= logging.ERROR:
        yield  # already quiet (the whole lint is): setLevel clears logging's caches, costly per statement
        return
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@_quiet_sqlglot()  # once for the whole lint: sqlglot warns on every statement it keeps as a command
def lint_files(
    dev: DevDatabase,
    base: Sequence[tuple[str, str]],
    files: Sequence[tuple[str, str]],
    policy: LintPolicy | None = None,
    positions: Mapping[str, str] | None = None,
    data: DataProbe | None = None,
    *,
    base_replayed: bool = False,
) -> LintReport:
    """Lint ``files`` (``(name, text)``) on top of ``base``; the dev database must be clean on entry, or
    already hold ``base`` when ``base_replayed`` (``migrate diff`` lints on the database it planned with)."""
    started = time.perf_counter()
    policy = policy or LintPolicy()
    dialect, version = server_flavour(dev)
    report = LintReport(base=[name for name, _ in base], dialect=dialect)
    if not base_replayed:
        for name, text in base:
            dev.run_sql(text, name)
    schema = dev.inspect()
    new_tables: set[str] = set()
    new_columns: set[tuple[str, str]] = set()
    new_schemas: set[str] = set()
    analyzers = policy.active(dialect)
    for name, text in files:
        file_started = time.perf_counter()
        file_report = FileReport(name=name, text=text)
        report.files.append(file_report)
        try:
            directives = parse_directives(text, name)
            statements = split_statements(text, dev.driver.name, name)
        except GraticuleError as e:
            file_report.error = str(e)
            continue
        file_start = schema
        steps, schema, file_report.error = _run_file(
            dev, dialect, name, statements, schema, directives.txmode, new_tables
        )
        file_report.statements = len(steps)
        file_nolint = frozenset(directives.nolint) if directives.nolint is not None else None
        file_report.ignored = file_nolint == frozenset()
        found: dict[tuple[str, str], Report] = {}
        reported_once: set[str] = set()
        grouped = _group_rebuilds(steps, dev)
        exprs = [step.expr for step in steps]
        for step in grouped:
            changes = step.changes if step.changes is not None else changed_diff(dev, step.before, step.after)
            ctx = StatementContext(
                dialect=dialect,
                file=name,
                stmt=step.stmt,
                expr=step.expr,
                before=step.before,
                after=step.after,
                changes=changes,
                in_transaction=step.in_transaction,
                new_tables=frozenset(new_tables),
                server_version=version,
                new_columns=frozenset(new_columns),
                file_start=file_start,
                file_end=schema,
                data=data,
                new_schemas=frozenset(new_schemas),
                following=_Tail(exprs, step.index + 1),
            )
            ctx.table_renames = table_renames(ctx)
            ctx.column_renames = column_renames(ctx)
            # A renamed table diffs as a drop and an add; Atlas counts the rename once.
            file_report.changes += len(changes) - len(ctx.table_renames)
            ctx.changes = without_renames(ctx)
            if file_nolint != frozenset():
                for analyzer in analyzers:
                    for diag in analyzer.analyze(ctx, policy.options(analyzer)):
                        if _skipped(diag, analyzer, file_nolint) or _skipped(diag, analyzer, step.nolint):
                            continue
                        if diag.code in ONCE_PER_FILE:
                            if diag.code in reported_once:
                                continue
                            reported_once.add(diag.code)
                        _add(found, analyzer, policy, step.stmt, name, text, diag, positions)
            _remember_new(ctx, new_tables, new_columns)
            new_schemas.update(created_schemas(ctx))
        order = {a.name: i for i, a in enumerate(reversed(analyzers))}
        # Atlas runs one analyzer after the other over a file: reports come in the analyzers' order.
        file_report.reports = sorted(found.values(), key=lambda r: -order.get(r.analyzer, 0))
        file_report.duration = time.perf_counter() - file_started
        if file_report.error is not None:
            break  # the dev database no longer holds what later files expect
    report.duration = time.perf_counter() - started
    return report


class _Tail(Sequence[exp.Expression | None]):
    """The statements after one of a file, without copying them for every statement (quadratic on a file
    of thousands)."""

    def __init__(self, items: list[exp.Expression | None], start: int) -> None:
        self._items = items
        self._start = start

    def __len__(self) -> int:
        return max(len(self._items) - self._start, 0)

    def __getitem__(self, index: Any) -> Any:
        return self._items[self._start :][index]

    def __iter__(self) -> Iterator[exp.Expression | None]:
        return islice(self._items, self._start, None)


def changed_diff(dev: DevDatabase, before: Schema, after: Schema) -> list[Change]:
    """The statement's changes: the dialect's diff of the tables that differ between the two states.

    A statement touches a table or two; diffing the hundreds it left equal was most of a long file's lint
    time. Tables left out cannot gain changes the statement did not make (the planner's re-attachment of
    foreign keys around a replaced key is for writing a plan, not for describing one statement)."""
    if before is after:
        return []
    old = {t.name: t for t in before.tables}
    new = {t.name: t for t in after.tables}
    differ = {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)}
    if len(differ) == len(old.keys() | new.keys()):
        return dev.diff(before, after)

    def only(schema: Schema) -> Schema:
        return Schema(schema.name, [t for t in schema.tables if t.name in differ], schema.attrs)

    return dev.diff(only(before), only(after))


def _run_file(
    dev: DevDatabase,
    dialect: str,
    name: str,
    statements: list[FileStatement],
    schema: Schema,
    txmode: str | None,
    new_tables: set[str],
) -> tuple[list[_Step], Schema, str | None]:
    """Execute each statement, inspecting after it; stop at the first failure (reported as the file's
    error, with ``file:line``).

    Statements that only build tables the linted files create (``CREATE TABLE`` of a new name, ``CREATE
    INDEX`` / ``ALTER TABLE ... ADD`` on such a table) cannot break existing rows; a run of them is inspected
    once at its end, which keeps an initial migration of hundreds of tables linear rather than quadratic.
    Each change of the run is attributed to the statement that built its table."""
    steps: list[_Step] = []
    run: list[_Pending] = []
    run_tables: set[str] = set()
    known = {t.name for t in schema.tables}
    file_tx = txmode != "none" and dialect not in NON_TRANSACTIONAL_DDL
    explicit_tx = False

    def flush() -> None:
        nonlocal schema
        if not run:
            return
        after = dev.inspect()
        attributed = _attribute(changed_diff(dev, schema, after), run)
        for pending, changes in zip(run, attributed, strict=True):
            steps.append(
                _Step(
                    pending.stmt, pending.expr, schema, after, pending.in_transaction, pending.nolint, changes
                )
            )
        schema = after
        run.clear()
        run_tables.clear()

    for position, stmt in enumerate(statements):
        expr = parse_statement(stmt.text, dialect)
        if isinstance(expr, exp.Transaction):
            explicit_tx = True
        elif isinstance(expr, (exp.Commit, exp.Rollback)):
            explicit_tx = False
        in_tx = file_tx or explicit_tx
        built = _builds_new(expr, known, new_tables, run_tables)
        if built is None:
            flush()
        try:
            dev.execute(stmt.text, f"{name}:{stmt.line}")
        except GraticuleError as e:
            flush()
            return steps, schema, str(e)
        if built is not None:
            known.add(built)
            run_tables.add(built)
            run.append(_Pending(stmt, expr, in_tx, statement_nolint(stmt), built, position))
            continue
        # Rows written (a backfill, a rebuild's copy) leave the schema as it was: no inspection needed.
        after = schema if isinstance(expr, DATA_ONLY) else dev.inspect()
        steps.append(_Step(stmt, expr, schema, after, in_tx, statement_nolint(stmt), index=position))
        schema = after
        known = {t.name for t in schema.tables}
    flush()
    return steps, schema, None


@dataclass
class _Pending:
    """A statement of a run inspected together (see :func:`_run_file`)."""

    stmt: FileStatement
    expr: exp.Expression | None
    in_transaction: bool
    nolint: frozenset[str] | None
    table: str
    index: int


def _builds_new(
    expr: exp.Expression | None, known: set[str], new_tables: set[str], run_tables: set[str]
) -> str | None:
    """The table a statement builds, when it only creates a new table or adds to one the linted files
    created (earlier, or in the current run); None for anything else."""

    def new(name: str) -> bool:
        return name in new_tables or name in run_tables

    if isinstance(expr, exp.Create):
        kind = str(expr.args.get("kind") or "").upper()
        target = expr.find(exp.Table)
        if target is None or expr.args.get("exists"):
            return None
        if kind == "TABLE" and target.name not in known and expr.args.get("expression") is None:
            return target.name
        if kind == "INDEX" and new(target.name):
            return target.name
        return None
    if isinstance(expr, exp.Alter) and expr.this is not None and new(expr.this.name):
        actions = expr.args.get("actions") or []
        if actions and all(isinstance(a, (exp.AddConstraint, exp.ColumnDef)) for a in actions):
            return expr.this.name
    return None


def _attribute(changes: list[Change], run: list[_Pending]) -> list[list[Change]]:
    """Each change of a run goes to the statement that created its table (else the last one touching it)."""
    out: list[list[Change]] = [[] for _ in run]
    by_table: dict[str, list[int]] = {}
    for i, pending in enumerate(run):
        by_table.setdefault(pending.table, []).append(i)
    for change in changes:
        table = _change_table(change)
        touching = by_table.get(table, []) if table is not None else []
        creating = [i for i in touching if _is_create_table(run[i].expr)]
        index = creating[0] if creating else (touching[-1] if touching else 0)
        out[index].append(change)
    return out


def _is_create_table(expr: exp.Expression | None) -> bool:
    return _created_table(expr) is not None


def parse_statement(sql: str, dialect: str) -> exp.Expression | None:
    """The statement as sqlglot reads it in the dialect; None when it cannot (analyzers then rely on the
    schema changes alone)."""
    with _quiet_sqlglot():
        try:
            return sqlglot.parse_one(sql.strip().removesuffix(";"), read=SQLGLOT_DIALECTS[dialect])
        except sqlglot.errors.SqlglotError:
            return None


def statement_nolint(stmt: FileStatement) -> frozenset[str] | None:
    """``-- atlas:nolint [checks]`` in the comments directly above a statement: None without one, an empty set
    for every check."""
    found: set[str] | None = None
    for comment in stmt.comments:
        for line in comment.splitlines():
            parsed = parse_directive(line.strip())
            if parsed is not None and parsed[0] == "nolint":
                found = found or set()
                words = parsed[1].split()
                if not words:
                    return frozenset()
                found.update(words)
    return frozenset(found) if found is not None else None


def _skipped(diag: Diagnostic, analyzer: Analyzer, nolint: frozenset[str] | None) -> bool:
    if nolint is None:
        return False
    return not nolint or diag.code in nolint or analyzer.name in nolint


def _add(
    found: dict[tuple[str, str], Report],
    analyzer: Analyzer,
    policy: LintPolicy,
    stmt: FileStatement,
    file: str,
    text: str,
    diag: Diagnostic,
    positions: Mapping[str, str] | None,
) -> None:
    heading = getattr(analyzer, "report", None) or f"{analyzer.name} changes detected"
    error = policy.is_error(analyzer)
    report = found.setdefault(
        (analyzer.name, heading), Report(text=heading, analyzer=analyzer.name, error=error)
    )
    table = getattr(diag, "table", None)
    report.diagnostics.append(
        PositionedDiagnostic(
            code=diag.code,
            text=diag.text,
            file=file,
            line=stmt.line,
            pos=len(text[: stmt.offset].encode("utf-8")),
            fix=diag.fix,
            hint=diag.hint,
            model_pos=positions.get(table) if positions and table else None,
            table=table,
            analyzer=analyzer.name,
            error=error,
        )
    )


def _remember_new(ctx: StatementContext, new_tables: set[str], new_columns: set[tuple[str, str]]) -> None:
    """Record what the statement created; a renamed table or column is new only if it was new already."""
    for change in ctx.changes:
        if isinstance(change, AddTable):
            new_tables.add(change.table.name)
        elif isinstance(change, ModifyTable):
            for inner in change.changes:
                if isinstance(inner, AddColumn):
                    new_columns.add((change.new.name, inner.column.name))
    for old, new in ctx.table_renames:
        if old in new_tables:
            new_tables.add(new)
        new_columns.update((new, column) for table, column in list(new_columns) if table == old)
    for table, old, new in ctx.column_renames:
        if (table, old) in new_columns or table in new_tables:
            new_columns.add((table, new))


def created_schemas(ctx: StatementContext) -> list[str]:
    expr = ctx.expr
    if isinstance(expr, exp.Create) and str(expr.args.get("kind") or "").upper() in ("SCHEMA", "DATABASE"):
        target = expr.find(exp.Table)
        if target is not None:
            return [object_name(target.args.get("db") or target.this, ctx.dialect)]
    return []


def _group_rebuilds(steps: list[_Step], dev: DevDatabase) -> list[_Step]:
    """Fold each table rebuild (``CREATE TABLE tmp``, ..., ``DROP TABLE t``, ``ALTER TABLE tmp RENAME TO t``,
    then the ``CREATE INDEX ... ON t`` that follow) into one step, from the CREATE's state to the last
    one's."""
    out: list[_Step] = []
    i = 0
    while i < len(steps):
        end = _rebuild_end(steps, i)
        if end is None:
            out.append(steps[i])
            i += 1
            continue
        first, last = steps[i], steps[end]
        nolints = [s.nolint for s in steps[i : end + 1] if s.nolint is not None]
        rebuilt = _renamed(steps[_rename_index(steps, i, end)].expr)
        # Only the rebuilt table's changes: the CREATE may share its "before" with other new tables.
        changes = [
            c
            for c in changed_diff(dev, first.before, last.after)
            if _change_table(c) == (rebuilt or ("", ""))[1]
        ]
        out.append(
            _Step(
                stmt=first.stmt,
                expr=first.expr,
                before=first.before,
                after=last.after,
                in_transaction=first.in_transaction,
                nolint=frozenset().union(*nolints) if nolints else None,
                changes=changes,
                index=last.index,
            )
        )
        i = end + 1
    return out


def _rename_index(steps: list[_Step], start: int, end: int) -> int:
    for j in range(start, end + 1):
        if _renamed(steps[j].expr) is not None:
            return j
    return end


def _change_table(change: Change) -> str | None:
    if isinstance(change, (AddTable, DropTable)):
        return change.table.name
    if isinstance(change, ModifyTable):
        return change.new.name
    return None


def _rebuild_end(steps: list[_Step], start: int) -> int | None:
    created = _created_table(steps[start].expr)
    if created is None:
        return None
    dropped: str | None = None
    for j in range(start + 1, len(steps)):
        expr = steps[j].expr
        if isinstance(expr, exp.Drop) and str(expr.args.get("kind") or "").upper() == "TABLE":
            target = expr.find(exp.Table)
            dropped = target.name if target is not None else None
            continue
        rename = _renamed(expr)
        if rename is not None and dropped is not None:
            old, new = rename
            if old != created or new != dropped:
                return None
            end = j
            while end + 1 < len(steps) and _creates_index_on(steps[end + 1].expr, dropped):
                end += 1
            return end
        if isinstance(expr, (exp.Insert, exp.Command)) or expr is None:
            continue
        if _created_table(expr) is not None or isinstance(expr, exp.Alter):
            return None
    return None


def _created_table(expr: exp.Expression | None) -> str | None:
    if isinstance(expr, exp.Create) and str(expr.args.get("kind") or "").upper() == "TABLE":
        target = expr.find(exp.Table)
        return target.name if target is not None else None
    return None


def _renamed(expr: exp.Expression | None) -> tuple[str, str] | None:
    if isinstance(expr, exp.Alter) and expr.this is not None:
        actions = expr.args.get("actions") or []
        if len(actions) == 1 and isinstance(actions[0], exp.AlterRename) and actions[0].this is not None:
            return expr.this.name, actions[0].this.name
    return None


def _creates_index_on(expr: exp.Expression | None, table: str) -> bool:
    if not isinstance(expr, exp.Create) or str(expr.args.get("kind") or "").upper() != "INDEX":
        return False
    target = expr.find(exp.Table)
    return target is not None and target.name == table


def server_flavour(dev: DevDatabase) -> tuple[str, str | None]:
    """The lint dialect (``mariadb`` told apart from ``mysql`` by the server) and the server's version."""
    name = dev.driver.name
    query = "SELECT sqlite_version()" if name == "sqlite" else "SELECT VERSION()"
    cursor = dev.session.conn.cursor()
    try:
        cursor.execute(query)
        row = cursor.fetchone()
    finally:
        cursor.close()
    version = str(row[0]) if row else None
    if name == "mysql" and version and "mariadb" in version.lower():
        return "mariadb", version
    return name, version
