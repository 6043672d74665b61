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

from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from ..gotemplate import Template, go_json
from .report import FileReport, LintReport, PositionedDiagnostic

DOCS_URL = "https://atlasgo.io/lint/analyzers#"
# Atlas's template gives a diagnostic or a fix ``85 - len(prefix)`` columns (its ``maxWidth`` counts the
# words' lengths only, not the spaces between them); continuation lines are indented by 9 spaces.
WIDTH = 85
CONTINUATION = " " * 9


def text_report(report: LintReport) -> str:
    if not report.files:
        return ""  # Atlas prints nothing when there is nothing new to lint
    lines = [_heading(report), ""]
    for file in report.reported:
        lines.extend(_file_lines(file))
        lines.append("")
    lines += ["  -------------------------", f"  -- {go_duration(report.duration)}"]
    lines.append(f"  -- {_versions_summary(report)}")
    changes = sum(f.changes for f in report.reported)
    if changes:
        lines.append(f"  -- {_plural(changes, 'schema change')}")
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
    if file.error is not None and not file.reports:
        # Atlas's layout for a file that could not be loaded: the error alone, no version heading.
        return [f"  Error: {file.error}"]
    lines = [f"  -- analyzing version {file.version}"]
    if not file.reports:
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
        for fix in fixes:
            lines.extend(_wrapped("      -> ", fix))
    if file.error is not None:
        # The statements before the failing one were analyzed; then the file stopped.
        lines.append(f"  Error: {file.error}")
    else:
        lines.append(f"  -- ok ({go_duration(file.duration)})")
    return lines


def _diagnostic_lines(diag: PositionedDiagnostic) -> list[str]:
    lines = _wrapped(f"      -- L{diag.line}: ", f"{diag.text} {DOCS_URL}{diag.code}")
    django = django_note(diag)
    if django:
        lines.extend(_wrapped(CONTINUATION, f"django: {django}"))
    return lines


def _wrapped(prefix: str, text: str) -> list[str]:
    """``prefix`` + the text cut as Atlas's ``maxWidth`` cuts it, continuation lines under it."""
    cut = max_width(text, WIDTH - len(prefix))
    return [prefix + cut[0]] + [CONTINUATION + line for line in cut[1:]]


def max_width(text: str, n: int) -> list[str]:
    """Atlas's ``maxWidth`` template function: lines of words whose lengths (spaces not counted) stay within
    ``n``; a first word longer than ``n`` yields an empty first line, as Atlas's does."""
    words = text.split()
    lines: list[str] = []
    start = length = 0
    for i, word in enumerate(words):
        if length + len(word) > n:
            lines.append(" ".join(words[start:i]))
            start, length = i, 0
        length += len(word)
    lines.append(" ".join(words[start:]))
    return lines


def django_note(diag: PositionedDiagnostic) -> str | None:
    """``models.py:12: <hint>`` for a diagnostic whose table maps to a model (None otherwise)."""
    if not diag.model_pos:
        return None
    return f"{diag.model_pos}: {diag.hint}" if diag.hint else diag.model_pos


def _versions_summary(report: LintReport) -> str:
    errors = sum(1 for f in report.reported if f.has_errors)
    warnings = sum(1 for f in report.reported if not f.has_errors and f.reports)
    ok = len(report.reported) - errors - warnings
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


def atlas_env(dev_url: str, directory: str) -> dict[str, Any]:
    """Atlas's ``Env``: the driver's registered name, the dev URL as Go marshals Atlas's ``sqlclient.URL`` (a
    ``net/url.URL`` plus the connected ``Schema``; user info is an object without fields, so no password
    shows), and the directory's path."""
    parts = urlsplit(dev_url)
    scheme = parts.scheme.lower()
    query = parts.query
    if scheme.startswith("sqlite"):
        driver, schema = "sqlite", "main"
    elif scheme.startswith("postgres"):
        driver, schema = "postgres", parse_qs(query).get("search_path", [""])[-1]
    else:
        # Atlas's MySQL driver adds parseTime=true to the query (Go's Values.Encode sorts the keys).
        driver = "maria" if scheme.startswith("maria") else "mysql"
        values = parse_qs(query, keep_blank_values=True)
        values["parseTime"] = ["true"]
        query = urlencode(sorted(values.items()), doseq=True)
        schema = unquote(parts.path).removeprefix("/")
    url = {
        "Scheme": parts.scheme,
        "Opaque": "",
        "User": {} if "@" in parts.netloc else None,
        "Host": parts.netloc.rpartition("@")[2],
        "Path": unquote(parts.path),
        "RawPath": "",
        "OmitHost": False,
        "ForceQuery": False,
        "RawQuery": query,
        "Fragment": unquote(parts.fragment),
        "RawFragment": "",
        "Schema": schema,
    }
    return _omit({"Driver": driver, "URL": url, "Dir": directory})


def atlas_data(report: LintReport, env: dict[str, Any]) -> dict[str, Any]:
    """The value ``--format`` templates see: Atlas's ``SummaryReport`` (``Env``, ``Steps``, ``Files``), empty
    fields left out as Go's ``omitempty`` does. Diagnostics carry graticule's extras ``Line``, ``Model``,
    ``Hint`` next to Atlas's ``Pos``, ``Text``, ``Code``, ``SuggestedFixes``."""
    files = [_file_data(f) for f in report.reported]
    steps: list[dict[str, Any]] = []
    if report.sum_checked:
        steps.append({"Name": "Migration Integrity Check", "Text": "File atlas.sum is valid"})
    steps += [
        {
            "Name": "Detect New Migration Files",
            "Text": f"Found {len(report.files)} new migration files (from "
            f"{len(report.files) + len(report.base)} total)",
        },
        {"Name": "Replay Migration Files", "Text": f"Loaded {len(report.files)} changes on dev database"},
    ]
    for file, data in zip(report.reported, files, strict=True):
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


def template_report(report: LintReport, template: str, env: dict[str, Any]) -> str:
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
