"""The typed result of loading ``atlas.hcl``: envs, their blocks, the data sources the planner runs.

Field names follow Atlas's project file (``migration.dir``, ``format.migrate.diff``, ``lint.git.base``, ...).
A value not set in the file is None (or empty), so a caller can tell "not set" from a set value; defaults are
the caller's business, as they are Atlas's command flags'. The inheritance of the top-level ``lint`` and
``diff`` blocks by envs is Atlas's, rule for rule (``Lint.extend``, ``Diff.extend``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EXTERNAL_SCHEMA_SCHEME = "external_schema://"
COMPOSITE_SCHEMA_SCHEME = "composite_schema://"


@dataclass(frozen=True)
class ExternalSchema:
    """``data "external_schema" "<name>"``: a program (argv, no shell) printing the desired schema as SQL.

    Loading the config does not run it: the planner does, when a ``src`` names its ``url``."""

    name: str
    program: list[str]
    working_dir: str | None = None

    @property
    def url(self) -> str:
        return EXTERNAL_SCHEMA_SCHEME + self.name


@dataclass(frozen=True)
class CompositeMember:
    """One ``schema "<schema>" { url = ... }`` block of a composite schema."""

    schema: str
    url: str


@dataclass(frozen=True)
class CompositeSchema:
    """``data "composite_schema" "<name>"``: several schema sources composed, loaded in block order."""

    name: str
    members: list[CompositeMember]

    @property
    def url(self) -> str:
        return COMPOSITE_SCHEMA_SCHEME + self.name

    @property
    def urls(self) -> list[str]:
        return [member.url for member in self.members]


@dataclass
class Migration:
    dir: str | None = None
    format: str = "atlas"
    baseline: str | None = None
    exec_order: str | None = None
    """Normalised to the ``--exec-order`` flag's spelling: ``linear``, ``linear-skip``, ``non-linear``."""
    lock_timeout: str | None = None
    revisions_schema: str | None = None
    exclude: list[str] = field(default_factory=list)
    repo: str | None = None


@dataclass
class Format:
    """``format { migrate { diff = ... } schema { ... } }``: a Go template per command."""

    migrate: dict[str, str] = field(default_factory=dict)
    """Keys: ``apply``, ``diff``, ``down``, ``lint``, ``status``."""
    schema: dict[str, str] = field(default_factory=dict)
    """Keys: ``apply``, ``clean``, ``diff``, ``inspect``, ``push``."""


@dataclass
class LintGit:
    base: str | None = None
    dir: str | None = None


@dataclass
class Analyzer:
    """A lint analyzer's block (``destructive { error = true }``, ``naming { match = "..." }``)."""

    error: bool | None = None
    options: dict[str, Any] = field(default_factory=dict)
    """The block's other attributes and sub-blocks, as values."""


@dataclass
class Lint:
    latest: int | None = None
    git: LintGit = field(default_factory=LintGit)
    review: str | None = None
    """``ALWAYS``, ``WARNING`` or ``ERROR``."""
    format: str | None = None
    """The ``format`` (formerly ``log``) template of ``migrate lint``."""
    analyzers: dict[str, Analyzer] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)
    """Other attributes of the block, as values."""

    def extend(self, parent: Lint) -> Lint:
        """This env's lint block on top of the top-level one, by Atlas's rules (``Lint.Extend``): ``review``
        and ``format`` are inherited when unset; analyzer blocks and other attributes only when the env sets
        none at all; the change detector (``git`` or ``latest``) when the env configures neither."""
        out = Lint(
            latest=self.latest,
            git=LintGit(self.git.base, self.git.dir),
            review=self.review or parent.review,
            format=self.format or parent.format,
            analyzers=self.analyzers,
            attrs=self.attrs,
        )
        if not self.analyzers and not self.attrs:
            out.analyzers, out.attrs = dict(parent.analyzers), dict(parent.attrs)
        configured = bool(self.git.dir and self.git.base) or bool(self.latest)
        if not configured:
            if parent.git.dir or parent.git.base:
                out.git = LintGit(parent.git.base or self.git.base, parent.git.dir or self.git.dir)
            elif parent.latest:
                out.latest = parent.latest
        return out


SKIP_CHANGES = (
    "add_schema",
    "drop_schema",
    "modify_schema",
    "add_table",
    "drop_table",
    "modify_table",
    "rename_table",
    "add_column",
    "drop_column",
    "modify_column",
    "add_index",
    "drop_index",
    "modify_index",
    "add_foreign_key",
    "drop_foreign_key",
    "modify_foreign_key",
    "rename_constraint",
)


@dataclass
class ConcurrentIndex:
    """``diff { concurrent_index { create, drop } }``: PostgreSQL's ``CREATE/DROP INDEX CONCURRENTLY``."""

    create: bool = False
    drop: bool = False


@dataclass
class Diff:
    skip: set[str] | None = None
    """The change kinds of ``diff { skip { ... } }`` set to true (names from ``SKIP_CHANGES``); None when the
    block has no ``skip`` block, which matters for inheritance."""
    concurrent_index: ConcurrentIndex | None = None
    options: dict[str, Any] = field(default_factory=dict)
    """Other attributes and blocks (driver-specific policies), as values."""

    def extend(self, parent: Diff) -> Diff:
        """Atlas's ``Diff.Extend``: an env's diff block inherits only the top-level ``skip`` block, and only
        when it has none of its own; everything else is the env's."""
        return Diff(
            skip=self.skip if self.skip is not None else parent.skip,
            concurrent_index=self.concurrent_index,
            options=self.options,
        )


@dataclass
class Env:
    name: str
    url: str | None = None
    dev: str | None = None
    src: list[str] = field(default_factory=list)
    """The desired state's URLs: ``src`` (a string or a list), else the ``schema { src }`` block's."""
    schemas: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    migration: Migration = field(default_factory=Migration)
    format: Format = field(default_factory=Format)
    lint: Lint = field(default_factory=Lint)
    """The env's ``lint`` block extended by the top-level one."""
    diff: Diff = field(default_factory=Diff)
    """The env's ``diff`` block extended by the top-level one."""
    attrs: dict[str, Any] = field(default_factory=dict)
    """Attributes Atlas does not define: Atlas passes them on as input variables; kept as values."""
    blocks: dict[str, Any] = field(default_factory=dict)
    """Blocks graticule does not interpret (``test``, ...), as nested values."""
    each: dict[str, Any] | None = None
    """``{"key": ..., "value": ...}`` for an env made by ``for_each``."""

    @property
    def migration_dir(self) -> str | None:
        return self.migration.dir

    @property
    def migration_format(self) -> str:
        return self.migration.format

    @property
    def diff_format(self) -> str | None:
        return self.format.migrate.get("diff")


@dataclass
class Config:
    path: str
    envs: list[Env]
    """Every env selected by ``--env``, in file order: several blocks may share a name, and ``for_each`` makes
    one env per item (a multi-target env). Empty when no env was asked for."""
    variables: dict[str, Any]
    external_schemas: dict[str, ExternalSchema]
    """The ``external_schema`` data sources the selected envs use (all of them when no env is selected)."""
    composite_schemas: dict[str, CompositeSchema]
    """The ``composite_schema`` data sources, chosen as ``external_schemas`` are."""
    lint: Lint = field(default_factory=Lint)
    """The top-level ``lint`` block (for commands run with ``-c`` and no ``--env``)."""
    diff: Diff = field(default_factory=Diff)
    """The top-level ``diff`` block."""

    @property
    def env(self) -> Env | None:
        """The first selected env (the only one, unless the env is multi-target); None when none was asked."""
        return self.envs[0] if self.envs else None
