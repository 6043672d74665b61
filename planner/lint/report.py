"""The lint result: per file, the reports of each analyzer that found something, and their diagnostics placed
at ``file:line``. Formatters (:mod:`.output`) read these objects; their field names are the stable interface
of ``--format`` templates (Atlas's JSON names are produced by :func:`.output.atlas_json`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PositionedDiagnostic:
    code: str
    text: str
    file: str
    """The migration file's name."""
    line: int
    """1-based line of the statement in the file."""
    pos: int
    """0-based byte offset (UTF-8) of the statement in the file: Atlas's ``Pos``, which Go counts in bytes."""
    fix: str | None = None
    hint: str | None = None
    """The Django-side advice; shown with ``model_pos``."""
    model_pos: str | None = None
    """``path:line`` of the model that maps the table (from the desired state's ``-- atlas:pos`` lines)."""
    table: str | None = None
    analyzer: str = ""
    error: bool = False
    """The analyzer is set to fail the lint (``destructive`` by default)."""


@dataclass
class Report:
    text: str
    """Atlas's heading, e.g. ``destructive changes detected``."""
    analyzer: str
    diagnostics: list[PositionedDiagnostic] = field(default_factory=list)
    error: bool = False


@dataclass
class FileReport:
    name: str
    text: str
    reports: list[Report] = field(default_factory=list)
    error: str | None = None
    """Why the file could not be linted (a statement failed on the dev database, a bad directive)."""
    ignored: bool = False
    """``-- atlas:nolint`` alone in the header: the file ran but was not analyzed; Atlas leaves it out of
    the report (it still counts in "N migrations in total")."""
    duration: float = 0.0
    """Seconds spent running and analyzing the file."""
    statements: int = 0
    """Statements (or SQLite table rebuilds) analyzed."""
    changes: int = 0
    """Schema changes the statements made (Atlas's "N schema changes": a table added, dropped, renamed or
    modified counts once)."""

    @property
    def version(self) -> str:
        return self.name.removesuffix(".sql").split("_", 1)[0]

    @property
    def diagnostics(self) -> list[PositionedDiagnostic]:
        return [d for r in self.reports for d in r.diagnostics]

    @property
    def has_errors(self) -> bool:
        return self.error is not None or any(r.error for r in self.reports)


@dataclass
class LintReport:
    files: list[FileReport] = field(default_factory=list)
    base: list[str] = field(default_factory=list)
    """Names of the files replayed before the linted ones."""
    dialect: str = ""
    duration: float = 0.0
    sum_checked: bool = False
    """The directory's atlas.sum exists and matched the files (Atlas's "Migration Integrity Check" step)."""

    @property
    def diagnostics(self) -> list[PositionedDiagnostic]:
        return [d for f in self.files for d in f.diagnostics]

    @property
    def has_errors(self) -> bool:
        return any(f.has_errors for f in self.files)

    @property
    def reported(self) -> list[FileReport]:
        """The files the report shows: all but those a bare ``atlas:nolint`` ignores (unless they failed)."""
        return [f for f in self.files if not f.ignored or f.error is not None]

    @property
    def from_version(self) -> str | None:
        """The last base version (None when the linted files start the directory)."""
        return self.base[-1].removesuffix(".sql").split("_", 1)[0] if self.base else None

    @property
    def to_version(self) -> str | None:
        return self.files[-1].version if self.files else None
