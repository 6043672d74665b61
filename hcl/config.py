"""Load ``atlas.hcl``: evaluate variables, locals and data sources, and select the envs, as typed objects.

The meaning follows Atlas's project files. Input variables come from ``variable`` blocks and ``--var``;
locals and data sources are evaluated when first referenced, in whatever order references lead to (a cycle
is an error naming it); only the selected envs are evaluated, with the top-level ``lint`` and ``diff`` blocks
as their defaults. An env is selected by its label; when no labeled env has the name, the unlabeled
``env { name = atlas.env }`` blocks are. Several blocks with one name, or one block with ``for_each``, make a
multi-target env: ``Config.envs`` lists every target, ``Config.env`` is the first.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lark import Tree

from . import data_sources
from .blocks import BlockReader
from .errors import ConfigError
from .evaluate import Evaluator, Namespace
from .functions import standard_functions
from .model import CompositeSchema, Config, Diff, Env, ExternalSchema, Lint
from .syntax import Attribute, Block, Body, parse
from .values import SetList, type_name
from .variables import convert_input, parse_type

TOP_LEVEL_BLOCKS = ("variable", "locals", "data", "env", "lint", "diff")
# Atlas Cloud settings (atlas { cloud { ... } }) and the config of `schema/migrate test`: nothing for
# graticule to do with them, and nothing in them that another block could reference.
IGNORED_TOP_LEVEL_BLOCKS = ("atlas", "test")
ENV_META_ATTRIBUTES = ("name", "for_each")

Inputs = Mapping[str, str | list[str]]


def load_config(path: str, env: str | None = None, variables: Inputs | None = None) -> Config:
    """Load the config file at ``path``, selecting ``env``; ``variables`` are the ``--var`` values."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a byte order mark is not part of the text
    except FileNotFoundError:
        raise ConfigError(f"config file {path!r} not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read config file {path!r}: {e}") from None
    return load_config_text(text, path, env, variables, base_dir=Path(path).resolve().parent)


def load_config_text(
    text: str,
    filename: str = "atlas.hcl",
    env: str | None = None,
    variables: Inputs | None = None,
    base_dir: Path | None = None,
) -> Config:
    """Like ``load_config`` for text already read; ``filename`` prefixes error positions, ``base_dir`` is
    where ``file()`` and ``fileset()`` start (the config file's directory)."""
    try:
        loader = _Loader(parse(text, filename), filename, env, variables or {}, base_dir or Path.cwd())
        envs = loader.select_envs() if env is not None else []
        if env is None:
            loader.evaluate_schema_sources()
    except RecursionError:
        # Deeply nested expressions exhaust Python's stack in the recursive evaluator.
        raise ConfigError("expression nested too deeply", filename) from None
    return Config(
        path=filename,
        envs=envs,
        variables=dict(loader.variables),
        external_schemas=dict(loader.external_schemas),
        composite_schemas=dict(loader.composite_schemas),
        lint=loader.top_lint,
        diff=loader.top_diff,
    )


class _Loader:
    def __init__(self, body: Body, filename: str, env: str | None, inputs: Inputs, base_dir: Path) -> None:
        self.body = body
        self.filename = filename
        self.env_name = env
        self.evaluator = Evaluator(filename, self.root, standard_functions(base_dir))
        self.reader = BlockReader(self.evaluator, filename)
        self._check_top_level()
        self.locals = self._collect_locals()
        self.data_blocks = self._collect_data()
        self.local_values: dict[str, Any] = {}
        self.data_values: dict[tuple[str, str], Any] = {}
        self.evaluating: list[str] = []
        self.external_schemas: dict[str, ExternalSchema] = {}
        self.composite_schemas: dict[str, CompositeSchema] = {}
        # Defaults are evaluated before any variable exists, so they cannot refer to one (as in Atlas).
        self.variables: dict[str, Any] = {}
        self.variables = self._input_variables(inputs)
        lint, diff = self.reader.single(body, "lint"), self.reader.single(body, "diff")
        self.top_lint = self.reader.lint(lint) if lint else Lint()
        self.top_diff = self.reader.diff(diff) if diff else Diff()

    def error(self, message: str, where: Block | Attribute | Tree) -> ConfigError:
        return self.reader.error(message, where)

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
        value = self._guarded(f"local.{name}", attribute, lambda: self.evaluator.value(attribute.expr))
        self.local_values[name] = value
        return value

    def data_type(self, data_type: str) -> Namespace:
        if not any(kind == data_type for kind, _ in self.data_blocks):
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
        block = self.data_blocks[key]  # KeyError: unknown name, reported by the namespace
        value = self._guarded(f"data.{data_type}.{name}", block, lambda: self._data_value(data_type, block))
        self.data_values[key] = value
        return value

    def _data_value(self, data_type: str, block: Block) -> Any:
        name = block.labels[1]
        if data_type == "external_schema":
            source = data_sources.external_schema(self.reader, block)
            self.external_schemas[name] = source
            return {"url": source.url}
        if data_type == "composite_schema":
            composite = data_sources.composite_schema(self.reader, block)
            self.composite_schemas[name] = composite
            return {"url": composite.url}
        if data_type == "external":
            return data_sources.external(self.reader, block)
        supported = ", ".join(data_sources.SUPPORTED)
        raise self.error(
            f'data source "{data_type}" is not supported by graticule (supported: {supported})', block
        )

    def _guarded(self, label: str, where: Block | Attribute, compute: Callable[[], Any]) -> Any:
        """Evaluate a local or data source, refusing a reference cycle with its path."""
        if label in self.evaluating:
            cycle = " -> ".join([*self.evaluating[self.evaluating.index(label) :], label])
            raise self.error(f"reference cycle: {cycle}", where)
        self.evaluating.append(label)
        try:
            with self.evaluator.top_level():
                return compute()
        finally:
            self.evaluating.pop()

    def evaluate_schema_sources(self) -> None:
        """With no env selected, every schema data source is evaluated (nothing else says which are used)."""
        for kind, name in self.data_blocks:
            if kind in ("external_schema", "composite_schema"):
                self.data(kind, name)

    # ---- top-level blocks ----------------------------------------------------------------------------------

    def _check_top_level(self) -> None:
        for name, attribute in self.body.attributes.items():
            raise self.error(
                f'unexpected attribute "{name}" at the top level: attributes belong in env or locals blocks',
                attribute,
            )
        for block in self.body.blocks:
            if block.type not in TOP_LEVEL_BLOCKS + IGNORED_TOP_LEVEL_BLOCKS:
                raise self.error(
                    f'unknown block "{block.type}" (expected {", ".join(TOP_LEVEL_BLOCKS)})', block
                )

    def _collect_locals(self) -> dict[str, Attribute]:
        found: dict[str, Attribute] = {}
        for block in self.body.blocks_of("locals"):
            self.reader.no_labels(block)
            self.reader.only_blocks(block, ())
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
        known = data_sources.SUPPORTED + data_sources.UNSUPPORTED
        for block in self.body.blocks_of("data"):
            if len(block.labels) != 2:
                raise self.error('a data block needs two labels: data "<type>" "<name>"', block)
            key = (block.labels[0], block.labels[1])
            if key[0] not in known:
                raise self.error(f'unknown data source type "{key[0]}" (expected {", ".join(known)})', block)
            if key in found:
                raise self.error(f'duplicate data source "{key[0]}" "{key[1]}"', block)
            found[key] = block
        return found

    def _input_variables(self, inputs: Inputs) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for block in self.body.blocks_of("variable"):
            if len(block.labels) != 1:
                raise self.error('a variable block needs one label: variable "<name>"', block)
            name = block.labels[0]
            if name in values:
                raise self.error(f'duplicate variable "{name}"', block)
            self.reader.only_attributes(block, ("type", "default", "description"))
            self.reader.only_blocks(block, ())
            attributes = block.body.attributes
            if "type" not in attributes:
                raise self.error(
                    f'variable "{name}" needs a type (string, number, bool, list(...), ...)', block
                )
            var_type = parse_type(attributes["type"].expr, lambda m, n: self.error(m, n))
            if "description" in attributes:
                self.reader.string(attributes["description"])
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

    # ---- envs ----------------------------------------------------------------------------------------------

    def select_envs(self) -> list[Env]:
        """The envs named ``--env``: labeled blocks first; unlabeled ``name = atlas.env`` blocks otherwise."""
        labeled, unlabeled = [], []
        for block in self.body.blocks_of("env"):
            if len(block.labels) > 1:
                raise self.error('an env block takes at most one label: env "<name>"', block)
            if block.labels:
                if block.labels[0] == self.env_name:
                    labeled.append(block)
            elif _is_reference(block.body.attributes.get("name"), "atlas", "env"):
                unlabeled.append(block)
            else:
                raise self.error("an env block without a label must set name = atlas.env", block)
        chosen = labeled or unlabeled
        if not chosen:
            raise ConfigError(f'env "{self.env_name}" not defined in config file')
        return [env for block in chosen for env in self.env_instances(block)]

    def env_instances(self, block: Block) -> list[Env]:
        """One env, or with ``for_each`` one per item, ``each.key`` and ``each.value`` in scope."""
        for_each = block.body.attributes.get("for_each")
        if for_each is None:
            return [self.env(block)]
        items = self.reader.value(for_each)
        if isinstance(items, SetList):
            pairs = [(item, item) for item in items]  # a set's key is its value
        elif isinstance(items, list):
            pairs = list(enumerate(items))
        elif isinstance(items, dict):
            pairs = sorted(items.items())
        else:
            raise self.error(f'"for_each" must be a set, list or map, got {type_name(items)}', for_each)
        envs = []
        for key, value in pairs:
            each = {"key": key, "value": value}
            with self.evaluator.scope({"each": each}):
                env = self.env(block)
            env.each = each
            envs.append(env)
        return envs

    def env(self, block: Block) -> Env:
        reader, body = self.reader, block.body
        env = Env(name=self.env_name or "")
        for name, attribute in body.attributes.items():
            if name in ("url", "dev"):
                setattr(env, name, reader.optional_string(attribute))
            elif name == "src":
                env.src = reader.strings(attribute, allow_single=True)
            elif name in ("schemas", "exclude", "include"):
                setattr(env, name, reader.strings(attribute))
            elif name not in ENV_META_ATTRIBUTES:
                env.attrs[name] = reader.value(attribute)
        migration = reader.single(body, "migration")
        if migration is not None:
            env.migration = reader.migration(migration)
        env_format, log = reader.single(body, "format"), reader.single(body, "log")
        if env_format and log:
            raise self.error("use either format or log (its former name) in an env, not both", log)
        if env_format or log:
            env.format = reader.format(env_format or log)  # type: ignore[arg-type]
        lint, diff = reader.single(body, "lint"), reader.single(body, "diff")
        # An env without its own block takes the top-level one whole (Atlas's Extend on a nil block).
        env.lint = reader.lint(lint).extend(self.top_lint) if lint else copy.deepcopy(self.top_lint)
        env.diff = reader.diff(diff).extend(self.top_diff) if diff else copy.deepcopy(self.top_diff)
        schema = reader.single(body, "schema")
        if schema is not None:
            self._schema_block(env, schema)
        for child in body.blocks:
            if child.type not in ("migration", "format", "log", "lint", "diff", "schema"):
                env.blocks[child.type] = reader.block_value(child)
        return env

    def _schema_block(self, env: Env, block: Block) -> None:
        """``schema { src = ... }``, the newer spelling of ``src``; the attribute wins when both exist."""
        self.reader.no_labels(block)
        self.reader.only_attributes(block, ("src",))
        self.reader.only_blocks(block, ("repo",))
        if "src" in block.body.attributes:
            src = self.reader.strings(block.body.attributes["src"], allow_single=True)
            env.src = env.src or src


def _is_reference(attribute: Attribute | None, *names: str) -> bool:
    """Whether an attribute's expression is exactly the reference ``names[0].names[1]...``."""
    if attribute is None:
        return False
    node: Tree = attribute.expr
    path: list[str] = []
    while True:
        trees = [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        if node.data == "expr_term" and len(trees) == 1:
            node = trees[0]
        elif node.data == "get_attr_expr_term" and len(trees) == 2:
            path.insert(0, str(trees[1].children[-1].children[0]))
            node = trees[0]
        elif node.data == "identifier":
            return [str(node.children[0]), *path] == list(names)
        else:
            return False
