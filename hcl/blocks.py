"""Typed reading of block bodies: an attribute's value checked against what the block expects, with errors
located at the attribute; and the ``env`` block's own blocks (``migration``, ``format``, ``lint``, ``diff``)
read into the typed objects of ``model``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lark import Tree

from .errors import ConfigError
from .evaluate import Evaluator
from .model import SKIP_CHANGES, Analyzer, ConcurrentIndex, Diff, Format, Lint, LintGit, Migration
from .syntax import Attribute, Block, Body, position
from .values import type_name

MIGRATION_FORMATS = ("atlas", "golang-migrate", "goose", "flyway", "liquibase", "dbmate")
SUPPORTED_MIGRATION_FORMATS = ("atlas",)
EXEC_ORDERS = ("LINEAR", "LINEAR_SKIP", "NON_LINEAR")
REVIEW_MODES = ("ALWAYS", "WARNING", "ERROR")
FORMAT_COMMANDS = {
    "migrate": ("apply", "diff", "down", "lint", "status"),
    "schema": ("apply", "clean", "diff", "inspect", "push"),
}


class BlockReader:
    """Evaluates attributes and checks their types; every error names the attribute and its position."""

    def __init__(self, evaluator: Evaluator, filename: str) -> None:
        self.evaluator = evaluator
        self.filename = filename

    def error(self, message: str, where: Block | Attribute | Tree) -> ConfigError:
        line, column = position(where) if isinstance(where, Tree) else (where.line, where.column)
        return ConfigError(message, self.filename, line, column)

    # ---- values --------------------------------------------------------------------------------------------

    def value(self, attribute: Attribute, words: Iterable[str] = ()) -> Any:
        """The attribute's value; ``words`` are bare names that stand for themselves (Atlas's scoped enums,
        such as ``exec_order = LINEAR_SKIP``)."""
        with self.evaluator.scope({word: word for word in words}):
            return self.evaluator.value(attribute.expr)

    def string(self, attribute: Attribute, words: Iterable[str] = ()) -> str:
        value = self.value(attribute, words)
        if not isinstance(value, str):
            raise self.error(f'"{attribute.name}" must be a string, got {type_name(value)}', attribute)
        return str(value)

    def optional_string(self, attribute: Attribute | None) -> str | None:
        if attribute is None:
            return None
        value = self.value(attribute)
        if value is not None and not isinstance(value, str):
            raise self.error(f'"{attribute.name}" must be a string, got {type_name(value)}', attribute)
        return None if value is None else str(value)

    def strings(self, attribute: Attribute, allow_single: bool = False) -> list[str]:
        value = self.value(attribute)
        if allow_single and isinstance(value, str):
            return [str(value)]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            wanted = "a string or a list of strings" if allow_single else "a list of strings"
            got = type_name(value) if not isinstance(value, list) else "a list with a non-string element"
            raise self.error(f'"{attribute.name}" must be {wanted}, got {got}', attribute)
        return [str(v) for v in value]

    def boolean(self, attribute: Attribute) -> bool:
        value = self.value(attribute)
        if not isinstance(value, bool):
            raise self.error(f'"{attribute.name}" must be a bool, got {type_name(value)}', attribute)
        return value

    def integer(self, attribute: Attribute) -> int:
        value = self.value(attribute)
        if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
            raise self.error(f'"{attribute.name}" must be a whole number, got {type_name(value)}', attribute)
        return int(value)

    def choice(self, attribute: Attribute, choices: tuple[str, ...]) -> str:
        value = self.string(attribute, words=choices)
        if value not in choices:
            raise self.error(
                f'"{attribute.name}" must be one of {", ".join(choices)}; got "{value}"', attribute
            )
        return value

    def block_value(self, block: Block) -> dict[str, Any]:
        """A block as nested values: attributes evaluated, sub-blocks under their type (and labels)."""
        out: dict[str, Any] = {name: self.value(a) for name, a in block.body.attributes.items()}
        for child in block.body.blocks:
            value = self.block_value(child)
            for label in reversed(child.labels):
                value = {label: value}
            existing = out.get(child.type)
            out[child.type] = _deep_merge(existing, value) if isinstance(existing, dict) else value
        return out

    # ---- structure -----------------------------------------------------------------------------------------

    def no_labels(self, block: Block) -> None:
        if block.labels:
            raise self.error(f'a {block.type} block takes no labels, got "{block.labels[0]}"', block)

    def only_attributes(self, block: Block, known: Iterable[str]) -> None:
        known = tuple(known)
        for name, attribute in block.body.attributes.items():
            if name not in known:
                expected = f"expected {', '.join(known)}" if known else "it takes only blocks"
                raise self.error(
                    f'unknown attribute "{name}" in the {block.type} block ({expected})', attribute
                )

    def only_blocks(self, block: Block, known: Iterable[str]) -> None:
        known = tuple(known)
        for child in block.body.blocks:
            if child.type not in known:
                expected = f"expected {', '.join(known)}" if known else "it takes none"
                raise self.error(
                    f'unknown block "{child.type}" in the {block.type} block ({expected})', child
                )

    def single(self, body: Body, block_type: str) -> Block | None:
        """The one block of a type in a body; a second one is an error."""
        found = body.blocks_of(block_type)
        if len(found) > 1:
            raise self.error(f"duplicate {block_type} block (first at line {found[0].line})", found[1])
        return found[0] if found else None

    # ---- env sub-blocks ------------------------------------------------------------------------------------

    def migration(self, block: Block) -> Migration:
        self.no_labels(block)
        attributes = block.body.attributes
        known = ("dir", "format", "baseline", "exec_order", "lock_timeout", "revisions_schema", "exclude")
        self.only_attributes(block, known)
        self.only_blocks(block, ("repo",))
        migration = Migration()
        for name in ("dir", "baseline", "lock_timeout", "revisions_schema"):
            setattr(migration, name, self.optional_string(attributes.get(name)))
        if "exclude" in attributes:
            migration.exclude = self.strings(attributes["exclude"])
        if "format" in attributes:
            migration.format = self.migration_format(attributes["format"])
        if "exec_order" in attributes:
            migration.exec_order = self.exec_order(attributes["exec_order"])
        repo = self.single(block.body, "repo")
        if repo is not None:
            self.only_attributes(repo, ("name",))
            migration.repo = (
                self.string(repo.body.attributes["name"]) if "name" in repo.body.attributes else None
            )
        return migration

    def migration_format(self, attribute: Attribute) -> str:
        # Atlas spells these as bare words (format = golang-migrate) or strings; a URL-style
        # "golang-migrate?..." is not a format of its own.
        value = self.string(attribute, words=MIGRATION_FORMATS)
        if value not in MIGRATION_FORMATS:
            raise self.error(
                f'unknown migration format "{value}" (Atlas knows {", ".join(MIGRATION_FORMATS)})', attribute
            )
        if value not in SUPPORTED_MIGRATION_FORMATS:
            raise self.error(
                f'migration format "{value}" is not supported: graticule reads and writes '
                "the atlas format only",
                attribute,
            )
        return value

    def exec_order(self, attribute: Attribute) -> str:
        value = self.string(attribute, words=EXEC_ORDERS)
        # Atlas hands the value to the --exec-order flag lower-cased with dashes: LINEAR_SKIP → linear-skip.
        flag = value.lower().replace("_", "-")
        if flag not in ("linear", "linear-skip", "non-linear"):
            raise self.error(
                f'"exec_order" must be one of {", ".join(EXEC_ORDERS)}; got "{value}"', attribute
            )
        return flag

    def format(self, block: Block) -> Format:
        self.no_labels(block)
        if block.body.attributes:
            first = next(iter(block.body.attributes.values()))
            raise self.error(
                f"{block.type} takes blocks (migrate {{ ... }}, schema {{ ... }}), not attributes", first
            )
        self.only_blocks(block, FORMAT_COMMANDS)
        out = Format()
        for command in FORMAT_COMMANDS:
            child = self.single(block.body, command)
            if child is None:
                continue
            self.no_labels(child)
            self.only_attributes(child, FORMAT_COMMANDS[command])
            self.only_blocks(child, ())
            target = out.migrate if command == "migrate" else out.schema
            for name, attribute in child.body.attributes.items():
                target[name] = self.string(attribute)
        return out

    def lint(self, block: Block) -> Lint:
        self.no_labels(block)
        lint = Lint()
        for name, attribute in block.body.attributes.items():
            if name == "latest":
                lint.latest = self.integer(attribute)
            elif name == "review":
                lint.review = self.choice(attribute, REVIEW_MODES)
            elif name in ("format", "log"):
                if lint.format is not None:
                    raise self.error(
                        "use either format or log (its former name) in a lint block, not both", attribute
                    )
                lint.format = self.string(attribute)
            else:
                lint.attrs[name] = self.value(attribute)
        git = self.single(block.body, "git")
        if git is not None:
            self.no_labels(git)
            self.only_attributes(git, ("base", "dir"))
            self.only_blocks(git, ())
            attributes = git.body.attributes
            lint.git = LintGit(
                self.optional_string(attributes.get("base")), self.optional_string(attributes.get("dir"))
            )
        for child in block.body.blocks:
            if child is git:
                continue
            if child.type in lint.analyzers:
                raise self.error(f"duplicate {child.type} block in the lint block", child)
            self.no_labels(child)
            analyzer = Analyzer(options=self.block_value(child))
            if "error" in child.body.attributes:
                analyzer.error = self.boolean(child.body.attributes["error"])
                del analyzer.options["error"]
            lint.analyzers[child.type] = analyzer
        return lint

    def diff(self, block: Block) -> Diff:
        self.no_labels(block)
        diff = Diff(options={name: self.value(a) for name, a in block.body.attributes.items()})
        skip = self.single(block.body, "skip")
        concurrent = self.single(block.body, "concurrent_index")
        for child in block.body.blocks:
            if child is skip or child is concurrent:
                self.no_labels(child)
                self.only_blocks(child, ())
            if child is skip:
                self.only_attributes(child, SKIP_CHANGES)
                diff.skip = {name for name, a in child.body.attributes.items() if self.boolean(a)}
            elif child is concurrent:
                self.only_attributes(child, ("create", "drop"))
                attributes = child.body.attributes
                diff.concurrent_index = ConcurrentIndex(
                    create=self.boolean(attributes["create"]) if "create" in attributes else False,
                    drop=self.boolean(attributes["drop"]) if "drop" in attributes else False,
                )
            else:
                value = self.block_value(child)
                for label in reversed(child.labels):
                    value = {label: value}
                existing = diff.options.get(child.type)
                diff.options[child.type] = (
                    _deep_merge(existing, value) if isinstance(existing, dict) else value
                )
        return diff


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out
