"""Where each table is declared in the source: the `-- atlas:pos` lines Atlas uses to point at models.

A model table points at its class statement; an auto-created many-to-many table at the field that declares
it. Paths are relative to the project root; a model outside it (django.contrib, a third-party app) gets its
path relative to its import root (`django/contrib/auth/models.py`), which is the same on every machine.
"""

from __future__ import annotations

import ast
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class Position:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def table_positions(project_dir: Path) -> dict[str, Position]:
    """Where each model-owned table is declared, by table name (a table without a source is absent)."""
    sources = _SourceIndex(project_dir)
    positions: dict[str, Position] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.managed or opts.proxy or opts.swapped:
            continue
        if opts.auto_created:
            owner = opts.auto_created
            field = next(
                (f for f in owner._meta.local_many_to_many if f.remote_field.through is model),
                None,
            )
            position = sources.attribute(owner, field.name) if field is not None else None
        else:
            position = sources.klass(model)
        if position is not None:
            positions.setdefault(opts.db_table, position)
    return positions


class _SourceIndex:
    """Class and attribute lines per module, each module parsed once."""

    def __init__(self, project_dir: Path) -> None:
        self._project_dir = project_dir.resolve()
        self._modules: dict[str, tuple[str, dict[str, ast.ClassDef]] | None] = {}

    def klass(self, cls: type) -> Position | None:
        found = self._class_node(cls)
        return None if found is None else Position(found[0], found[1].lineno)

    def attribute(self, model: type[models.Model], name: str) -> Position | None:
        """The line assigning `name` in the class body that declares it (the model or an abstract base)."""
        for cls in model.__mro__:
            found = self._class_node(cls)
            if found is None:
                continue
            path, node = found
            for statement in _same_scope(node.body):
                targets = (
                    statement.targets
                    if isinstance(statement, ast.Assign)
                    else [statement.target]
                    if isinstance(statement, ast.AnnAssign)
                    else []
                )
                if any(isinstance(target, ast.Name) and target.id == name for target in targets):
                    return Position(path, statement.lineno)
        return self.klass(model)

    def _class_node(self, cls: type) -> tuple[str, ast.ClassDef] | None:
        module = self._module(cls.__module__)
        if module is None:
            return None
        path, classes = module
        node = classes.get(cls.__qualname__)
        return None if node is None else (path, node)

    def _module(self, name: str) -> tuple[str, dict[str, ast.ClassDef]] | None:
        if name not in self._modules:
            self._modules[name] = self._parse(name)
        return self._modules[name]

    def _parse(self, module_name: str) -> tuple[str, dict[str, ast.ClassDef]] | None:
        filename = getattr(sys.modules.get(module_name), "__file__", None)
        if not filename or not filename.endswith(".py"):
            return None
        try:
            with tokenize.open(filename) as source:
                tree = ast.parse(source.read(), filename)
        except (OSError, SyntaxError, ValueError):
            return None
        classes: dict[str, ast.ClassDef] = {}

        def collect(body: list[ast.stmt], prefix: str) -> None:
            for statement in _same_scope(body):
                if isinstance(statement, ast.ClassDef):
                    qualname = prefix + statement.name
                    classes.setdefault(qualname, statement)
                    collect(statement.body, qualname + ".")

        collect(tree.body, "")
        return self._display_path(Path(filename).resolve()), classes

    def _display_path(self, path: Path) -> str:
        if path.is_relative_to(self._project_dir):
            return path.relative_to(self._project_dir).as_posix()
        roots = [Path(entry).resolve() for entry in sys.path if entry]
        containing = [root for root in roots if path.is_relative_to(root)]
        if containing:
            return path.relative_to(max(containing, key=lambda root: len(root.parts))).as_posix()
        return path.as_posix()


def _same_scope(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a scope, including those nested in `if`/`try`/`with` blocks (e.g. version guards)."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.If | ast.Try | ast.With | ast.For | ast.While):
            for field in ("body", "orelse", "finalbody"):
                yield from _same_scope(getattr(statement, field, []))
            for handler in getattr(statement, "handlers", []):
                yield from _same_scope(handler.body)
