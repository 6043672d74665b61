"""Load ``atlas.hcl``: evaluate variables, locals and data sources, and select an ``env`` as typed objects.

The meaning follows Atlas's project files. Input variables come from ``variable`` blocks and ``--var``;
locals and data sources are evaluated when first referenced; only the selected env is evaluated, with the
top-level ``lint`` and ``diff`` blocks as its defaults. Data sources are not *run* here:
``data.external_schema.<n>.url`` is the opaque URL ``external_schema://<n>``, and the program to run is on
``Config.external_schemas``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lark import Tree

from .errors import ConfigError
from .evaluate import Evaluator, Namespace, type_name
from .functions import standard_functions
from .syntax import Attribute, Block, Body, parse, position
from .variables import convert_input, parse_type

EXTERNAL_SCHEME = "external_schema://"
SUPPORTED_MIGRATION_FORMATS = ("atlas",)


@dataclass(frozen=True)
class ExternalSchema:
    """``data "external_schema" "<name>"``: a program (argv, no shell) printing the desired schema."""

    name: str
    program: list[str]
    working_dir: str | None = None

    @property
    def url(self) -> str:
        return EXTERNAL_SCHEME + self.name


@dataclass
class Migration:
    dir: str | None = None
    format: str = "atlas"
    baseline: str | None = None
    exec_order: str | None = None
    lock_timeout: str | None = None
    revisions_schema: str | None = None
    exclude: list[str] = field(default_factory=list)
    repo: str | None = None


@dataclass
class Format:
    """``format { migrate { diff = ... } schema { ... } }``: Go templates per command."""

    migrate: dict[str, str] = field(default_factory=dict)
    schema: dict[str, str] = field(default_factory=dict)


@dataclass
class Env:
    name: str
    url: str | None = None
    dev: str | None = None
    src: list[str] = field(default_factory=list)
    schemas: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    migration: Migration = field(default_factory=Migration)
    format: Format = field(default_factory=Format)
    lint: dict[str, Any] = field(default_factory=dict)
    """The ``lint`` block (top-level defaults merged under the env's own), as nested values."""
    diff: dict[str, Any] = field(default_factory=dict)
    """The ``diff`` block (top-level defaults merged under the env's own), as nested values."""
    attrs: dict[str, Any] = field(default_factory=dict)
    """Attributes Atlas does not define, kept as values (Atlas exposes them as input variables)."""
    blocks: dict[str, Any] = field(default_factory=dict)
    """Blocks graticule does not interpret yet (``test``, ...), as nested values."""

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
    env: Env | None
    """The env selected by name; None when no env was asked for."""
    variables: dict[str, Any]
    external_schemas: dict[str, ExternalSchema]


def load_config(
    path: str, env: str | None = None, variables: dict[str, str | list[str]] | None = None
) -> Config:
    """Load the config file at ``path``, selecting ``env``; ``variables`` are the ``--var`` values."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {path!r} not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read config file {path!r}: {e}") from None
    return load_config_text(text, path, env, variables, base_dir=Path(path).resolve().parent)


def load_config_text(
    text: str,
    filename: str = "atlas.hcl",
    env: str | None = None,
    variables: dict[str, str | list[str]] | None = None,
    base_dir: Path | None = None,
) -> Config:
    """Like ``load_config`` for text already read; ``filename`` prefixes error positions."""
    loader = _Loader(parse(text, filename), filename, env, variables or {}, base_dir or Path.cwd())
    selected = loader.select_env() if env is not None else None
    return Config(
        path=filename,
        env=selected,
        variables=dict(loader.variables),
        external_schemas=loader.external_schemas(),
    )


class _Loader:
    def __init__(
        self, body: Body, filename: str, env: str | None, inputs: dict[str, str | list[str]], base_dir: Path
    ) -> None:
        self.body = body
        self.filename = filename
        self.env_name = env
        self.evaluator = Evaluator(filename, self.root, standard_functions(base_dir))
        self.locals = self._collect_locals()
        self.data_blocks = self._collect_data()
        self.local_values: dict[str, Any] = {}
        self.data_values: dict[tuple[str, str], Any] = {}
        self.evaluating: list[str] = []
        # Defaults are evaluated before any variable exists, so they cannot refer to one (as in Atlas).
        self.variables: dict[str, Any] = {}
        self.variables = self._input_variables(inputs)

    def error(self, message: str, node: Block | Attribute | Tree) -> ConfigError:
        line, column = position(node) if isinstance(node, Tree) else (node.line, node.column)
        return ConfigError(message, self.filename, line, column)

    # ---- references ----------------------------------------------------------------------------------------

    def root(self, name: str) -> Any:
        if name == "var":
            return Namespace("var", self.variables.__getitem__, lambda n: f'undeclared variable "var.{n}"')
        if name == "local":
            return Namespace("local", self.local, lambda n: f'undefined local value "local.{n}"')
        if name == "data":
            return Namespace("data", self.data_type, lambda t: f'no data source of type "{t}" is defined')
        if name == "atlas":
            return {"env": self.env_name or ""}
        raise KeyError(name)

    def local(self, name: str) -> Any:
        if name in self.local_values:
            return self.local_values[name]
        attribute = self.locals[name]  # KeyError: unknown local, reported by the namespace
        return self._guarded(f"local.{name}", attribute, lambda: self.evaluator.value(attribute.expr))

    def data_type(self, data_type: str) -> Namespace:
        names = {name for (kind, name) in self.data_blocks if kind == data_type}
        if not names:
            raise KeyError(data_type)
        return Namespace(
            f"data.{data_type}",
            lambda name: self.data(data_type, name),
            lambda name: f'data source "{data_type}" "{name}" is not defined',
        )

    def data(self, data_type: str, name: str) -> Any:
        key = (data_type, name)
        if key in self.data_values:
            return self.data_values[key]
        block = self.data_blocks[key]
        if data_type != "external_schema":
            raise self.error(f'data source "{data_type}" is not supported yet', block)
        return self._guarded(
            f"data.{data_type}.{name}", block, lambda: {"url": self.external_schema(block).url}
        )

    def _guarded(self, label: str, where: Block | Attribute, compute: Any) -> Any:
        """Evaluate a local or data source once, refusing a reference cycle with its path."""
        if label in self.evaluating:
            cycle = " -> ".join([*self.evaluating[self.evaluating.index(label) :], label])
            raise self.error(f"reference cycle: {cycle}", where)
        self.evaluating.append(label)
        try:
            value = compute()
        finally:
            self.evaluating.pop()
        if label.startswith("local."):
            self.local_values[label.removeprefix("local.")] = value
        else:
            _, data_type, name = label.split(".", 2)
            self.data_values[(data_type, name)] = value
        return value

    # ---- blocks --------------------------------------------------------------------------------------------

    def _collect_locals(self) -> dict[str, Attribute]:
        found: dict[str, Attribute] = {}
        for block in self.body.blocks_of("locals"):
            if block.labels:
                raise self.error("a locals block takes no labels", block)
            for name, attribute in block.body.attributes.items():
                if name in found:
                    first = found[name].line
                    raise self.error(
                        f'duplicate local value "{name}" (first defined at line {first})', attribute
                    )
                found[name] = attribute
        return found

    def _collect_data(self) -> dict[tuple[str, str], Block]:
        found: dict[tuple[str, str], Block] = {}
        for block in self.body.blocks_of("data"):
            if len(block.labels) != 2:
                raise self.error('a data block needs two labels: data "<type>" "<name>"', block)
            key = (block.labels[0], block.labels[1])
            if key in found:
                raise self.error(f'duplicate data source "{key[0]}" "{key[1]}"', block)
            found[key] = block
        return found

    def _input_variables(self, inputs: dict[str, str | list[str]]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for block in self.body.blocks_of("variable"):
            if len(block.labels) != 1:
                raise self.error('a variable block needs one label: variable "<name>"', block)
            name = block.labels[0]
            if name in values:
                raise self.error(f'duplicate variable "{name}"', block)
            attributes = block.body.attributes
            if "type" not in attributes:
                raise self.error(
                    f'variable "{name}" needs a type (string, number, bool, list(...), ...)', block
                )
            var_type = parse_type(attributes["type"].expr, lambda m, n: self.error(m, n))
            if name in inputs:
                value: Any = inputs[name]
            elif "default" in attributes:
                value = self.evaluator.value(attributes["default"].expr)
            else:
                raise self.error(f'missing value for required variable "{name}"', block)
            try:
                values[name] = convert_input(value, var_type)
            except ValueError as e:
                raise self.error(f'variable "{name}": {e}', block) from None
        return values

    def external_schema(self, block: Block) -> ExternalSchema:
        attributes = block.body.attributes
        name = block.labels[1]
        if "program" not in attributes:
            raise self.error(f'data "external_schema" "{name}": missing attribute "program"', block)
        program = self.strings(attributes["program"], allow_single=False)
        if not program:
            raise self.error(f'data "external_schema" "{name}": program is empty', attributes["program"])
        working_dir = self.optional_string(attributes.get("working_dir"))
        return ExternalSchema(name, program, working_dir)

    def external_schemas(self) -> dict[str, ExternalSchema]:
        return {
            name: self.external_schema(block)
            for (kind, name), block in self.data_blocks.items()
            if kind == "external_schema"
        }

    def select_env(self) -> Env:
        assert self.env_name is not None
        matches = [b for b in self.body.blocks_of("env") if b.labels == [self.env_name]]
        for block in self.body.blocks_of("env"):
            if not block.labels and "name" in block.body.attributes:
                # env { name = atlas.env } matches whatever env is selected.
                if self.string(block.body.attributes["name"]) == self.env_name:
                    matches.append(block)
            elif len(block.labels) > 1:
                raise self.error('an env block takes at most one label: env "<name>"', block)
        if not matches:
            raise ConfigError(f'env "{self.env_name}" not defined in config file')
        if len(matches) > 1:
            raise self.error(
                f'several env blocks are named "{self.env_name}"; multi-target envs are not supported yet',
                matches[1],
            )
        return self.env(matches[0])

    def env(self, block: Block) -> Env:
        env = Env(name=self.env_name or "")
        body = block.body
        for name, attribute in body.attributes.items():
            if name in ("url", "dev"):
                setattr(env, name, self.optional_string(attribute))
            elif name == "src":
                env.src = self.strings(attribute, allow_single=True)
            elif name in ("schemas", "exclude", "include"):
                setattr(env, name, self.strings(attribute, allow_single=False))
            elif name != "name":
                env.attrs[name] = self.evaluator.value(attribute.expr)
        lint = self.merged_block("lint", body)
        diff = self.merged_block("diff", body)
        env.lint, env.diff = lint, diff
        for child in body.blocks:
            if child.type == "migration":
                env.migration = self.migration(child)
            elif child.type == "format":
                env.format = self.format(child)
            elif child.type == "schema" and "src" in child.body.attributes and not env.src:
                env.src = self.strings(child.body.attributes["src"], allow_single=True)
            elif child.type not in ("lint", "diff"):
                env.blocks[child.type] = self.block_value(child)
        return env

    def migration(self, block: Block) -> Migration:
        migration = Migration()
        for name, attribute in block.body.attributes.items():
            if name == "exclude":
                migration.exclude = self.strings(attribute, allow_single=False)
            elif name in ("dir", "format", "baseline", "exec_order", "lock_timeout", "revisions_schema"):
                setattr(migration, name, self.optional_string(attribute))
            else:
                raise self.error(f'unknown attribute "{name}" in the migration block', attribute)
        if migration.format is None:
            migration.format = "atlas"
        if migration.format not in SUPPORTED_MIGRATION_FORMATS:
            raise self.error(
                f'migration format "{migration.format}" is not supported: graticule reads and writes '
                "the atlas format only",
                block.body.attributes["format"],
            )
        for child in block.body.blocks:
            if child.type == "repo" and "name" in child.body.attributes:
                migration.repo = self.string(child.body.attributes["name"])
            else:
                raise self.error(f'unknown block "{child.type}" in the migration block', child)
        return migration

    def format(self, block: Block) -> Format:
        out = Format()
        if block.body.attributes:
            first = next(iter(block.body.attributes.values()))
            raise self.error("format takes blocks (migrate { ... }, schema { ... }), not attributes", first)
        for child in block.body.blocks:
            if child.type not in ("migrate", "schema"):
                raise self.error(
                    f'unknown block "{child.type}" in format (expected migrate or schema)', child
                )
            target = out.migrate if child.type == "migrate" else out.schema
            for name, attribute in child.body.attributes.items():
                target[name] = self.string(attribute)
        return out

    def merged_block(self, block_type: str, env_body: Body) -> dict[str, Any]:
        """A ``lint``/``diff`` block: the top-level one as defaults, the env's own on top."""
        merged: dict[str, Any] = {}
        for block in [*self.body.blocks_of(block_type), *env_body.blocks_of(block_type)]:
            merged = _deep_merge(merged, self.block_value(block))
        return merged

    def block_value(self, block: Block) -> dict[str, Any]:
        """A block as nested values: attributes evaluated, sub-blocks under their type (and labels)."""
        out: dict[str, Any] = {
            name: self.evaluator.value(a.expr) for name, a in block.body.attributes.items()
        }
        for child in block.body.blocks:
            value = self.block_value(child)
            for label in reversed(child.labels):
                value = {label: value}
            existing = out.get(child.type)
            out[child.type] = _deep_merge(existing, value) if isinstance(existing, dict) else value
        return out

    # ---- typed values --------------------------------------------------------------------------------------

    def string(self, attribute: Attribute) -> str:
        value = self.evaluator.value(attribute.expr)
        if not isinstance(value, str):
            raise self.error(f'"{attribute.name}" must be a string, got {type_name(value)}', attribute)
        return value

    def optional_string(self, attribute: Attribute | None) -> str | None:
        if attribute is None:
            return None
        value = self.evaluator.value(attribute.expr)
        if value is not None and not isinstance(value, str):
            raise self.error(f'"{attribute.name}" must be a string, got {type_name(value)}', attribute)
        return value

    def strings(self, attribute: Attribute, allow_single: bool) -> list[str]:
        value = self.evaluator.value(attribute.expr)
        if allow_single and isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            wanted = "a string or a list of strings" if allow_single else "a list of strings"
            raise self.error(f'"{attribute.name}" must be {wanted}, got {type_name(value)}', attribute)
        return value


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out
