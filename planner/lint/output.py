"""Writing a lint report: Atlas's default text, Atlas's JSON shape for ``--format`` templates, and GitHub
Actions annotations.

The text layout is Atlas's (``migrate lint`` without ``--format``)::

    Analyzing changes from version 1 to 2 (1 migration in total):

      -- analyzing version 2
        -- destructive changes detected:
          -- L1: Dropping table "users" https://atlasgo.io/lint/analyzers#DS102
        -- suggested fix:
          -> Add a pre-migration check to ensure table "users" is empty before dropping it
      -- ok (1.2ms)

      -------------------------
      -- 3.4ms
      -- 1 version with errors
      -- 1 schema change
      -- 1 diagnostic

graticule adds one line under a diagnostic that concerns a Django model: where the model is declared and what
to change there (``django: polls/models.py:12: add db_default= to the field``).
"""

from __future__ import annotations

import textwrap
from typing import Any

from ..gotemplate import Template, go_json
from .report import FileReport, LintReport, PositionedDiagnostic

DOCS_URL = "https://atlasgo.io/lint/analyzers#"
# Atlas wraps a diagnostic ("L<line>: <text> <url>") at 80 columns, continuation lines under the text.
WRAP = 80
CONTINUATION = " " * 9


def text_report(report: LintReport) -> str:
    lines = [_heading(report), ""]
    for file in report.files:
        lines.append(f"  -- analyzing version {file.version}")
        lines.extend(_file_lines(file))
    lines += ["", "  -------------------------", f"  -- {go_duration(report.duration)}"]
    lines.append(f"  -- {_versions_summary(report)}")
    statements = sum(f.statements for f in report.files)
    lines.append(f"  -- {_plural(statements, 'schema change')}")
    diagnostics = len(report.diagnostics)
    if diagnostics:
        lines.append(f"  -- {_plural(diagnostics, 'diagnostic')}")
    return "\n".join(lines) + "\n"


def _heading(report: LintReport) -> str:
    total = _plural(len(report.files), "migration")
    if report.from_version is None:
        return f"Analyzing changes until version {report.to_version} ({total} in total):"
    return f"Analyzing changes from version {report.from_version} to {report.to_version} ({total} in total):"


def _file_lines(file: FileReport) -> list[str]:
    lines: list[str] = []
    if not file.reports and file.error is None:
        lines.append("    -- no diagnostics found")
    fixes: list[str] = []
    for report in file.reports:
        lines.append(f"    -- {report.text}:")
        for diag in report.diagnostics:
            lines.extend(_diagnostic_lines(diag))
            if diag.fix:
                fixes.append(diag.fix)
    if fixes:
        lines.append(f"    -- suggested {'fix' if len(fixes) == 1 else 'fixes'}:")
        lines.extend(f"      -> {fix}" for fix in fixes)
    if file.error is not None:
        lines.append(f"    -- Error: {file.error}")
    else:
        lines.append(f"  -- ok ({go_duration(file.duration)})")
    return lines


def _diagnostic_lines(diag: PositionedDiagnostic) -> list[str]:
    wrapped = textwrap.wrap(f"L{diag.line}: {diag.text} {DOCS_URL}{diag.code}", WRAP, break_long_words=False)
    lines = [f"      -- {wrapped[0]}"] + [CONTINUATION + rest for rest in wrapped[1:]]
    django = django_note(diag)
    if django:
        lines.append(f"{CONTINUATION}django: {django}")
    return lines


def django_note(diag: PositionedDiagnostic) -> str | None:
    """``models.py:12: <hint>`` for a diagnostic whose table maps to a model (None otherwise)."""
    if not diag.model_pos:
        return None
    return f"{diag.model_pos}: {diag.hint}" if diag.hint else diag.model_pos


def _versions_summary(report: LintReport) -> str:
    errors = sum(1 for f in report.files if f.has_errors)
    warnings = sum(1 for f in report.files if not f.has_errors and f.reports)
    ok = len(report.files) - errors - warnings
    parts = []
    for count, what in ((ok, "ok"), (warnings, "with warnings"), (errors, "with errors")):
        if count:
            parts.append(f"{count} {what}" if parts else f"{_plural(count, 'version')} {what}")
    return ", ".join(parts) or "0 versions"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def go_duration(seconds: float) -> str:
    """A duration as Go's ``time.Duration.String`` prints it (``1.5ms``, ``2.003s``, ``90µs``)."""
    ns = round(seconds * 1e9)
    if ns == 0:
        return "0s"
    if ns < 1_000:
        return f"{ns}ns"
    if ns < 1_000_000:
        return f"{_trim(ns / 1_000)}µs"
    if ns < 1_000_000_000:
        return f"{_trim(ns / 1_000_000)}ms"
    minutes, rest = divmod(ns, 60_000_000_000)
    text = f"{_trim(rest / 1e9)}s"
    if minutes:
        hours, minutes = divmod(minutes, 60)
        text = (f"{hours}h" if hours else "") + f"{minutes}m" + text
    return text


def _trim(value: float) -> str:
    return f"{value:.9f}".rstrip("0").rstrip(".")


# ---- Atlas's JSON shape ---------------------------------------------------------------------------------


def atlas_data(report: LintReport, env: dict[str, str]) -> dict[str, Any]:
    """The value ``--format`` templates see: Atlas's ``SummaryReport`` (``Env``, ``Steps``, ``Files``), empty
    fields left out as Go's ``omitempty`` does. Diagnostics carry graticule's extras ``Line``, ``Model``,
    ``Hint`` next to Atlas's ``Pos``, ``Text``, ``Code``, ``SuggestedFixes``."""
    files = [_file_data(f) for f in report.files]
    steps: list[dict[str, Any]] = [
        {
            "Name": "Detect New Migration Files",
            "Text": f"Found {len(report.files)} new migration files (from "
            f"{len(report.files) + len(report.base)} total)",
        },
        {"Name": "Replay Migration Files", "Text": f"Loaded {len(report.files)} changes on dev database"},
    ]
    for file, data in zip(report.files, files, strict=True):
        steps.append(
            _omit(
                {
                    "Name": f"Analyze {file.name}",
                    "Text": f"{len(file.reports)} reports were found in analysis",
                    "Result": data,
                }
            )
        )
    return _omit({"Env": _omit(env), "Steps": steps, "Files": files})


def _file_data(file: FileReport) -> dict[str, Any]:
    reports = []
    for report in file.reports:
        reports.append(
            _omit(
                {
                    "Text": report.text,
                    "Diagnostics": [
                        {
                            "Pos": d.pos,
                            "Text": d.text,
                            "Code": d.code,
                            **_omit(
                                {
                                    "SuggestedFixes": [{"Message": d.fix}] if d.fix else None,
                                    "Line": d.line,
                                    "Model": d.model_pos,
                                    "Hint": d.hint,
                                }
                            ),
                        }
                        for d in report.diagnostics
                    ],
                }
            )
        )
    errors = [r.text for r in file.reports if r.error]
    if file.error is not None:
        errors.insert(0, file.error)
    return _omit({"Name": file.name, "Text": file.text, "Reports": reports, "Error": "; ".join(errors)})


def _omit(value: dict[str, Any]) -> dict[str, Any]:
    """Go's ``omitempty``: zero values are left out (``Pos`` 0 included, as Atlas's JSON does)."""
    return {k: v for k, v in value.items() if v not in (None, "", [], {}, 0) or isinstance(v, bool)}


def template_report(report: LintReport, template: str, env: dict[str, str]) -> str:
    """Run a ``--format`` Go template (``{{ json . }}``) on Atlas's report shape."""
    return Template(template, "format", {"json": go_json}).execute(atlas_data(report, env))


# ---- GitHub Actions -------------------------------------------------------------------------------------


def github_report(report: LintReport, directory: str) -> str:
    """One workflow command per diagnostic (``::error file=...,line=...,title=DS103::...``): GitHub shows
    them on the pull request's diff. Errors for analyzers set to fail, warnings for the others."""
    lines = []
    for file in report.files:
        path = f"{directory.rstrip('/')}/{file.name}" if directory else file.name
        if file.error is not None:
            lines.append(f"::error file={_prop(path)},title=migrate lint::{_data(file.error)}")
        for diag in file.diagnostics:
            level = "error" if diag.error else "warning"
            message = f"{diag.text} ({DOCS_URL}{diag.code})"
            if diag.fix:
                message += f"\nSuggested fix: {diag.fix}"
            django = django_note(diag)
            if django:
                message += f"\nDjango: {django}"
            lines.append(f"::{level} file={_prop(path)},line={diag.line},title={diag.code}::{_data(message)}")
    return "".join(line + "\n" for line in lines)


def _data(text: str) -> str:
    """GitHub's escaping of a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
