"""Where each table is declared in the source: the `-- atlas:pos` lines Atlas uses to point at models.

A model table points at its class statement; an auto-created many-to-many table at the field that declares
it. Paths are relative to the project root; a model outside it (django.contrib, a third-party app) gets its
path relative to its import root (`django/contrib/auth/models.py`), which is the same on every machine.
"""

from __future__ import annotations

import ast
import dis
import importlib.util
import inspect
import marshal
import os
import re
import sys
import tokenize
import types
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
        self._compiled: dict[str, _Compiled | None] = {}

    def klass(self, cls: type) -> Position | None:
        compiled = self._compiled_module(cls.__module__)
        if compiled is not None:
            line = compiled.class_line(cls.__qualname__)
            if line is not None:
                return Position(compiled.path, line)
        found = self._class_node(cls)
        return None if found is None else Position(found[0], found[1].lineno)

    def attribute(self, model: type[models.Model], name: str) -> Position | None:
        """The line assigning `name` in the class body that declares it (the model or an abstract base)."""
        for cls in model.__mro__:
            compiled = self._compiled_module(cls.__module__)
            if compiled is not None:
                answer = compiled.attribute_line(cls.__qualname__, name)
                if answer is _NOT_ASSIGNED:
                    continue
                if answer is not None:
                    return Position(compiled.path, answer)
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

    def _compiled_module(self, name: str) -> _Compiled | None:
        if name not in self._compiled:
            self._compiled[name] = self._load_compiled(name)
        return self._compiled[name]

    def _load_compiled(self, module_name: str) -> _Compiled | None:
        """The module's code as Python cached it, if the cache is that of the source file as it is now."""
        module = sys.modules.get(module_name)
        filename = getattr(module, "__file__", None)
        if not filename or not filename.endswith(".py"):
            return None
        try:
            cached = getattr(module.__spec__, "cached", None) or importlib.util.cache_from_source(filename)
            with open(cached, "rb") as file:
                data = file.read()
            source = os.stat(filename)
            with tokenize.open(filename) as text:
                lines = text.read().splitlines()
        except (OSError, ValueError, SyntaxError, NotImplementedError):
            return None
        # A timestamp-based cache for exactly this source (see PEP 552); anything else: read the source.
        if (
            data[:4] != importlib.util.MAGIC_NUMBER
            or int.from_bytes(data[4:8], "little") != 0
            or int.from_bytes(data[8:12], "little") != int(source.st_mtime) & 0xFFFFFFFF
            or int.from_bytes(data[12:16], "little") != source.st_size & 0xFFFFFFFF
        ):
            return None
        try:
            code = marshal.loads(data[16:])
        except (EOFError, ValueError, TypeError):
            return None
        return _Compiled(self._display_path(Path(filename).resolve()), code, lines)

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


_NOT_ASSIGNED = object()


class _Compiled:
    """Class and attribute lines read off a module's compiled code (parsing the source costs far more).

    Each answer is checked against the source line it names and matches what the syntax tree gives: the
    line of the `class` statement (a decorated class's code starts at its decorator: not answered), and the
    line of the one statement that assigns the attribute in the class body (several: not answered). A
    question not answered here is answered from the syntax tree.
    """

    def __init__(self, path: str, code: types.CodeType, lines: list[str]) -> None:
        self.path = path
        self._lines = lines
        self._classes: dict[str, types.CodeType] = {}
        self._stores: dict[str, dict[str, set[int | None]]] = {}
        self._collect(code)

    def _collect(self, code: types.CodeType) -> None:
        # Class bodies are not optimized like function bodies; like the syntax tree walk, this does not
        # look inside functions.
        for constant in code.co_consts:
            if isinstance(constant, types.CodeType) and not constant.co_flags & inspect.CO_OPTIMIZED:
                self._classes.setdefault(constant.co_qualname, constant)
                self._collect(constant)

    def _line(self, number: int) -> str:
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def class_line(self, qualname: str) -> int | None:
        body = self._classes.get(qualname)
        if body is None:
            return None
        name = qualname.rsplit(".", 1)[-1]
        line = body.co_firstlineno
        return line if _is_class_statement(self._line(line), name) else None

    def attribute_line(self, qualname: str, name: str) -> object:
        """The line, `_NOT_ASSIGNED` when the class body surely does not assign it, or None (not known)."""
        body = self._classes.get(qualname)
        if body is None or self.class_line(qualname) is None:
            return None
        stored = self._stored_lines(qualname, body).get(name, set())
        assigns = _assignment(name)
        if len(stored) == 1:
            (line,) = stored
            return line if line is not None and assigns.match(self._line(line)) else None
        if stored:
            return None
        # Not stored: the syntax tree could still see an annotation without a value (`name: int`).
        last = max((line for _, _, line in body.co_lines() if line is not None), default=body.co_firstlineno)
        if any(assigns.match(self._line(n)) for n in range(body.co_firstlineno, last + 1)):
            return None
        return _NOT_ASSIGNED

    def _stored_lines(self, qualname: str, body: types.CodeType) -> dict[str, set[int | None]]:
        """The lines of the class body's STORE_NAME instructions, by name (disassembled once per class)."""
        stores = self._stores.get(qualname)
        if stores is None:
            stores = self._stores[qualname] = {}
            for instruction in dis.get_instructions(body):
                if instruction.opname == "STORE_NAME":
                    stores.setdefault(instruction.argval, set()).add(instruction.positions.lineno)
        return stores


# `\s*class\s+` is followed by the name, which starts with no space: the whitespace ends where the name
# starts, so matching the prefix, the name and a word boundary after it (Python's `\b`, which looks at the
# character before the position given) is `re.match(rf"\s*class\s+{re.escape(name)}\b", line)` without
# compiling a pattern per class name (re's cache of 512 patterns does not hold a large project's).
_CLASS_PREFIX = re.compile(r"\s*class\s+")
_WORD_BOUNDARY = re.compile(r"\b")


def _is_class_statement(line: str, name: str) -> bool:
    prefix = _CLASS_PREFIX.match(line)
    if prefix is None or not line.startswith(name, prefix.end()):
        return False
    return _WORD_BOUNDARY.match(line, prefix.end() + len(name)) is not None


_ASSIGNMENTS: dict[str, re.Pattern[str]] = {}


def _assignment(name: str) -> re.Pattern[str]:
    """A line that assigns or annotates `name` (compiled once per name)."""
    pattern = _ASSIGNMENTS.get(name)
    if pattern is None:
        pattern = _ASSIGNMENTS[name] = re.compile(rf"\s*{re.escape(name)}\s*(?:=(?!=)|:)")
    return pattern
