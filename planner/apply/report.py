"""What ``migrate apply`` and ``migrate status`` report, and its JSON as Atlas marshals it.

The JSON (``--format '{{ json . }}'``) keeps Atlas's field names and ``omitempty`` rules so scripts written
against Atlas's output read graticule's unchanged:

- apply: ``Driver``, ``URL`` (Go's ``url.URL`` fields plus ``Schema``; the password is never included),
  ``Dir``, ``Pending`` (``[{Name, Version, Description}]``), ``Applied`` (``[{Name, Version, Description,
  Start, End, Skipped, Applied: [statements], Error: {Stmt, Text}}]``), ``Current``, ``Target``, ``Start``,
  ``End``, ``Error``, ``Message``.
- status: ``Env {Driver, URL, Dir}``, ``Available``, ``OutOfOrder``, ``Pending``, ``Applied`` (revisions:
  ``Version, Description, Type, Applied, Total, ExecutedAt, ExecutionTime, Error, ErrorStmt,
  OperatorVersion``), ``Current``, ``Next``, ``Count``, ``Total``, ``Status``, ``Error``, ``SQL``.

Times are RFC 3339 with nanoseconds in UTC (``2024-01-12T07:08:06.123456Z``), as Go encodes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ..gotemplate import go_json
from ..migrate.directory import MigrationFile
from ..urls import DatabaseURL
from .revisions import Revision, type_name


class GoStruct(dict):
    """A JSON object whose ``omit`` keys are left out when empty (Go's ``omitempty``); templates see every
    key, as Go templates see every struct field."""

    def __init__(self, data: dict[str, Any], omit: tuple[str, ...] = ()) -> None:
        super().__init__(data)
        self.omit = omit


def marshal(value: Any) -> Any:
    """Plain JSON values, ``omitempty`` applied."""
    if isinstance(value, GoStruct):
        return {k: marshal(v) for k, v in value.items() if not (k in value.omit and _empty(v))}
    if isinstance(value, dict):
        return {k: marshal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [marshal(v) for v in value]
    return value


def to_json(value: Any, *indent: str) -> str:
    """The ``json`` template function: Go's ``json.Marshal`` (or ``MarshalIndent``) of the value."""
    return go_json(marshal(value), *indent)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == 0 or value is False or value == [] or value == {}


def go_time(value: datetime | None) -> str:
    """Go's RFC 3339 encoding with trimmed nanoseconds; the zero time when unset."""
    if value is None:
        return "0001-01-01T00:00:00Z"
    moment = value.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


def url_json(url: DatabaseURL, schema: str) -> GoStruct:
    """Atlas's ``sqlclient.URL``: Go's ``url.URL`` fields (``User`` has no exported fields: ``{}``), plus
    the schema the connection is bound to."""
    parts = urlsplit(url.raw)
    netloc = parts.netloc.rpartition("@")[2]
    return GoStruct(
        {
            "Scheme": parts.scheme,
            "Opaque": "",
            "User": {} if "@" in parts.netloc else None,
            "Host": netloc,
            "Path": parts.path,
            "RawPath": "",
            "OmitHost": False,
            "ForceQuery": False,
            "RawQuery": parts.query,
            "Fragment": parts.fragment,
            "RawFragment": "",
            "Schema": schema,
        }
    )


def file_json(f: MigrationFile) -> GoStruct:
    return GoStruct({"Name": f.name, "Version": f.version, "Description": f.description}, ("Description",))


def revision_json(r: Revision) -> GoStruct:
    return GoStruct(
        {
            "Version": r.version,
            "Description": r.description,
            "Type": type_name(r.type),
            "Applied": r.applied,
            "Total": r.total,
            "ExecutedAt": go_time(r.executed_at),
            "ExecutionTime": r.execution_time,
            "Error": r.error,
            "ErrorStmt": r.error_stmt,
            "OperatorVersion": r.operator_version,
        },
        ("Error", "ErrorStmt"),
    )


@dataclass
class StmtError:
    stmt: str
    text: str


@dataclass
class AppliedFile:
    file: MigrationFile
    start: datetime
    end: datetime | None = None
    skipped: int = 0
    """Statements skipped because an earlier, partial run applied them."""
    applied: list[str] = field(default_factory=list)
    """Statements run (the failing one included, as Atlas lists it)."""
    error: StmtError | None = None

    def to_data(self) -> GoStruct:
        error = None
        if self.error is not None:
            error = GoStruct({"Stmt": self.error.stmt, "Text": self.error.text}, ("Stmt", "Text"))
        return GoStruct(
            {
                "Name": self.file.name,
                "Version": self.file.version,
                "Description": self.file.description,
                "Start": go_time(self.start),
                "End": go_time(self.end),
                "Skipped": self.skipped,
                "Applied": list(self.applied),
                "Error": error,
            },
            ("Name", "Version", "Description", "Skipped", "Applied", "Error"),
        )


@dataclass
class Env:
    driver: str
    url: DatabaseURL
    schema: str
    dir: str

    def fields(self) -> dict[str, Any]:
        return {"Driver": self.driver, "URL": url_json(self.url, self.schema), "Dir": self.dir}


@dataclass
class ApplyReport:
    env: Env
    start: datetime = field(default_factory=lambda: datetime.now(UTC))
    end: datetime | None = None
    pending: list[MigrationFile] = field(default_factory=list)
    applied: list[AppliedFile] = field(default_factory=list)
    current: str = ""
    target: str = ""
    error: str = ""
    """Set when the run failed; the CLI then exits 1 after printing the log."""
    error_location: str = ""
    """``path:line`` of the failed statement (not in Atlas's JSON; the CLI's error line starts with it)."""
    dry_run: bool = False

    @property
    def message(self) -> str:
        if self.error:
            return ""
        if not self.applied:
            return "No migration files to execute"
        return (
            f"Migrated to version {self.target} from {self.current} ({len(self.pending)} migrations in total)"
        )

    def to_data(self) -> GoStruct:
        return GoStruct(
            {
                **self.env.fields(),
                "Pending": [file_json(f) for f in self.pending],
                "Applied": [a.to_data() for a in self.applied],
                "Current": self.current,
                "Target": self.target,
                "Start": go_time(self.start),
                "End": go_time(self.end),
                "Error": self.error,
                "Message": self.message,
            },
            ("Driver", "URL", "Dir", "Pending", "Applied", "Current", "Target", "Error", "Message"),
        )


@dataclass
class StatusReport:
    env: Env
    available: list[MigrationFile] = field(default_factory=list)
    out_of_order: list[MigrationFile] = field(default_factory=list)
    pending: list[MigrationFile] = field(default_factory=list)
    applied: list[Revision] = field(default_factory=list)
    current: str = ""
    next: str = ""
    count: int = 0
    """Statements of the last, partially applied revision that ran."""
    total: int = 0
    """Statements in the last, partially applied file (0 when the last revision is complete)."""
    status: str = ""
    error: str = ""
    sql: str = ""
    from_checkpoint: bool = False
    """A new database starts at a checkpoint file (Atlas's ``FromCheckpoint``: in the text, not the JSON)."""

    def to_data(self) -> GoStruct:
        return GoStruct(
            {
                "Env": GoStruct(self.env.fields(), ("Driver", "URL", "Dir")),
                "Available": [file_json(f) for f in self.available],
                "OutOfOrder": [file_json(f) for f in self.out_of_order],
                "Pending": [file_json(f) for f in self.pending],
                "Applied": [revision_json(r) for r in self.applied],
                "Current": self.current,
                "Next": self.next,
                "Count": self.count,
                "Total": self.total,
                "Status": self.status,
                "Error": self.error,
                "SQL": self.sql,
            },
            ("Available", "OutOfOrder", "Pending", "Applied", "Current", "Next", "Count", "Total", "Status",
             "Error", "SQL"),
        )  # fmt: skip
