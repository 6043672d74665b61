"""The text ``migrate apply``, ``status`` and ``set`` print: Atlas's default templates, line for line.

Apply (streamed as it happens, so a long run shows its progress and a killed run shows how far it got)::

    Migrating to version 20240102000000 from 20240101000000 (2 migrations in total):

      -- migrating version 20240101000000
        -> CREATE TABLE t (a int);
      -- ok (1.234ms)

      -------------------------
      -- 12.5ms
      -- 2 migrations
      -- 3 sql statements

A failing statement prints the database's error in place of ``-- ok``, and the footer counts
``1 migration ok, 1 with errors`` / ``2 sql statements ok, 1 with errors``. Atlas colours these on a
terminal; graticule prints them plain.

A custom ``--format`` is a Go template over the report's JSON fields (:mod:`.report`), rendered once at the
end, with Atlas's template functions ``json``, ``json_merge``, ``add``, ``upper``, ``indent_ln`` and the
colour functions (which leave text as is).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..errors import GraticuleError
from ..gotemplate import Template, go_sprintf
from .durations import format_duration
from .report import AppliedFile, ApplyReport, StatusReport, to_json
from .revisions import Revision

Write = Callable[[str], None]
SEPARATOR = "-------------------------"
NO_PENDING = "No migration files to execute"


def _ns(start: datetime, end: datetime | None) -> int:
    end = end or datetime.now(UTC)
    return int((end - start).total_seconds() * 1e9)


def indent_ln(text: str, indent: int) -> str:
    return text.replace("\n", "\n" + " " * indent)


def header(report: ApplyReport) -> str:
    if not report.pending:
        return NO_PENDING
    since = f" from {report.current}" if report.current else ""
    return f"Migrating to version {report.target}{since} ({len(report.pending)} migrations in total):"


class ApplyLog:
    """Atlas's default apply log, written piece by piece through ``write``."""

    def __init__(self, write: Write) -> None:
        self.write = write

    def intro(self, report: ApplyReport) -> None:
        self.write(header(report) + "\n")

    def file_started(self, applied: AppliedFile) -> None:
        self.write(f"\n  -- migrating version {applied.file.version}\n")

    def statement(self, text: str) -> None:
        self.write(f"    -> {indent_ln(text, 7)}\n")

    def file_done(self, applied: AppliedFile) -> None:
        if applied.error is not None:
            self.write(f"    {applied.error.text}\n")
        else:
            self.write(f"  -- ok ({format_duration(_ns(applied.start, applied.end))})\n")

    def done(self, report: ApplyReport) -> None:
        if not report.pending:
            return
        lines = summary_lines(report)
        self.write("\n  " + SEPARATOR + "\n  " + "\n  ".join(f"-- {line}" for line in lines) + "\n")


def summary_lines(report: ApplyReport) -> list[str]:
    passed_files = sum(1 for a in report.applied if a.error is None)
    failed_files = len(report.applied) - passed_files
    statements = sum(len(a.applied) for a in report.applied)
    failed_statements = failed_files
    passed_statements = statements - failed_statements
    lines = [format_duration(_ns(report.start, report.end))]
    lines += _counts(passed_files, failed_files, "migration", "migration{s} ok, {f} with errors")
    lines += _counts(
        passed_statements, failed_statements, "sql statement", "sql statement{s} ok, {f} with errors"
    )
    return lines


def _counts(passed: int, failed: int, noun: str, mixed: str) -> list[str]:
    def plural(n: int) -> str:
        return "s" if n > 1 else ""

    if passed and failed:
        return [f"{passed} " + mixed.format(s=plural(passed), f=failed)]
    if passed:
        return [f"{passed} {noun}{plural(passed)}"]
    if failed:
        return [f"{failed} {noun}{plural(failed)} with errors"]
    return []


def status_text(report: StatusReport) -> str:
    """Atlas's default ``migrate status`` template."""
    out = [f"Migration Status: {report.status}"]
    current = f"  -- Current Version: {report.current}"
    next_ = f"  -- Next Version:    {report.next or 'UNKNOWN'}"
    if report.next and report.from_checkpoint:
        next_ += " (checkpoint)"
    executed = f"  -- Executed Files:  {len(report.applied)}"
    if report.total > 0:
        current += f" ({report.count} statements applied)"
        next_ += f" ({report.total - report.count} statements left)"
        executed += " (last one partially)"
    pending = f"  -- Pending Files:   {len(report.pending) + len(report.out_of_order)}"
    if report.out_of_order:
        pending += f" ({len(report.out_of_order)} out of order)" if report.pending else " (out of order)"
    out += [current, next_, executed, pending]
    if report.total > 0:
        out += [
            "",
            "Last migration attempt had errors:",
            f"  -- SQL:   {report.sql}",
            f"  -- ERROR: {report.error}",
        ]
    elif report.out_of_order and report.error:
        out += ["", f"  ERROR: {report.error}"]
    return "\n".join(out) + "\n"


def set_text(current: Revision | None, changes: list[tuple[str, Revision]]) -> str:
    """Atlas's ``migrate set`` template: what was set (``+``) or removed (``-``), then the current version."""
    if not changes:
        return ""
    if current is None:
        head = f"All revisions deleted ({len(changes)} in total):\n"
    else:
        set_count = sum(1 for op, _ in changes if op == "set")
        removed = len(changes) - set_count
        parts = ([f"{set_count} set"] if set_count else []) + ([f"{removed} removed"] if removed else [])
        head = f"Current version is {current.version} ({', '.join(parts)}):\n"
    lines = []
    for op, rev in sorted(changes, key=lambda change: change[1].version.encode("utf-8")):
        text = ("+ " if op == "set" else "- ") + rev.version
        if rev.description:
            text += f" ({rev.description})"
        lines.append(f"  {text}\n")
    return head + "\n" + "".join(lines) + "\n"


def _json_merge(*objects: str) -> str:
    merged: dict[str, Any] = {}
    for text in objects:
        try:
            merged.update(json.loads(text))
        except ValueError as e:
            raise GraticuleError(f"json_merge: {e}") from e
    return json.dumps(merged, separators=(",", ":"))


def _identity(text: Any, *args: Any) -> str:
    return go_sprintf(str(text), *args) if args else str(text)


TEMPLATE_FUNCS: dict[str, Callable[..., Any]] = {
    "json": to_json,
    "json_merge": _json_merge,
    "add": lambda a, b: a + b,
    "upper": lambda s: str(s).upper(),
    "indent_ln": indent_ln,
    **{name: _identity for name in ("cyan", "green", "red", "redBgWhiteFg", "yellow")},
}


def render_format(text: str, data: Any) -> str:
    """Run a user's ``--format`` template (Atlas's functions available) on a report's data."""
    return Template(text, "format", TEMPLATE_FUNCS).execute(data)
