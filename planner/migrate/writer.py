"""Render a plan into the text of a migration file, as Atlas's ``migrate diff`` does.

The default layout is Atlas's ``DefaultFormatter``: optional directives, then for each statement a
``-- <Comment>`` line (first letter capitalised) and the statement followed by ``;``. A ``format`` template
(``format { migrate { diff = ... } }`` or ``--format``) is evaluated by the Go-template subset with the data
Atlas passes, a ``migrate.Plan``: ``.Version``, ``.Name``, ``.Changes`` (each ``.Cmd``, ``.Comment``),
``.Delimiter``, ``.Directives``. ``{{ sql . "  " }}`` renders the default layout with each statement
pretty-printed under that indent, which is what Atlas produces for that template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import GraticuleError
from ..gotemplate import Template, go_json
from ..plan import Statement
from .directives import parse_directive

DEFAULT_DELIMITER = ";"


# Field names are Atlas's (Go's exported fields), because templates address them by those names.
@dataclass
class Change:
    Cmd: str
    Comment: str
    statement: Statement = field(repr=False)
    """The structured statement, for ``sql`` to re-render with an indent; lower case keeps it out of reach
    of templates, as an unexported Go field would be."""


@dataclass
class Plan:
    Version: str
    Name: str
    Changes: list[Change]
    Delimiter: str = ""
    Directives: list[str] | None = None


def template_plan(
    statements: Sequence[Statement],
    name: str = "",
    delimiter: str = "",
    directives: Sequence[str] = (),
) -> Plan:
    """The data a ``format`` template sees. ``Version`` is empty: the directory picks it when writing."""
    changes = [Change(Cmd=s.sql(), Comment=s.comment, statement=s) for s in statements]
    # No directives is a nil slice in Go, which json renders as null.
    return Plan("", name, changes, delimiter, list(directives) or None)


def default_layout(plan: Plan, indent: str = "") -> str:
    """Atlas's default file content, statements rendered with ``indent`` (empty: on one line)."""
    out = [_directives(plan)]
    for change in plan.Changes:
        if change.Comment:
            out.append(f"-- {change.Comment[:1].upper()}{change.Comment[1:]}\n")
        out.append(f"{change.statement.sql(indent)}{plan.Delimiter or DEFAULT_DELIMITER}\n")
    return "".join(out)


def _directives(plan: Plan) -> str:
    lines = []
    if plan.Delimiter:
        # Escaped so a multi-line delimiter ("\n\n") fits on the directive line; the reader unescapes it.
        escaped = plan.Delimiter.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        lines.append(f"-- atlas:delimiter {escaped}")
    for directive in plan.Directives or ():
        parsed = parse_directive(directive)
        if parsed is None:
            raise GraticuleError(f"invalid directive: {directive!r}")
        if parsed[0] == "delimiter" and plan.Delimiter:
            raise GraticuleError(f"duplicate directive: {directive!r}: the delimiter is already set")
        lines.append(directive)
    return "\n".join(lines) + "\n\n" if lines else ""


def _sql(plan: Any, indent: str = "") -> str:
    if not isinstance(plan, Plan):
        raise GraticuleError('sql expects the plan: write {{ sql . }} or {{ sql . "  " }}')
    return default_layout(plan, indent)


def _upper(value: str) -> str:
    return value.upper()


def _template_directives(plan: Plan) -> str:
    return _directives(plan)


TEMPLATE_FUNCS = {"sql": _sql, "json": go_json, "upper": _upper, "directives": _template_directives}


def render_plan(
    statements: Sequence[Statement],
    name: str = "",
    template: str | None = None,
    *,
    delimiter: str = "",
    directives: Sequence[str] = (),
) -> str:
    """The content of the migration file for ``statements``; ``template`` is a ``format`` value or None."""
    plan = template_plan(statements, name, delimiter, directives)
    if not template:
        return default_layout(plan)
    return Template(template, "format", TEMPLATE_FUNCS).execute(plan)
