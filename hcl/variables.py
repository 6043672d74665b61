"""Input variables: the ``type`` of a ``variable`` block and the conversion of ``--var`` values to it.

As in Atlas, a type is written as an expression (``string``, ``number``, ``bool``, ``list(string)``, ...),
and a single value given for a list-typed variable becomes a one-element list, because whoever passes
``--var`` cannot know the declared type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lark import Tree

from .errors import ConfigError
from .values import format_number, type_name

PRIMITIVES = ("string", "number", "int", "bool", "any")
COLLECTIONS = ("list", "set", "map")


@dataclass(frozen=True)
class VarType:
    kind: str
    element: VarType | None = None

    def __str__(self) -> str:
        return f"{self.kind}({self.element})" if self.element else self.kind


def parse_type(expr: Tree, error: Callable[[str, Tree], ConfigError]) -> VarType:
    """Read a type expression without evaluating it: its words are type names, not variables."""
    node = _unwrap(expr)
    if node.data == "identifier":
        name = str(node.children[0])
        if name in PRIMITIVES:
            return VarType(name)
    elif node.data == "function_call":
        name = str(_trees(node)[0].children[0])
        arguments = [c for c in _trees(node) if c.data == "arguments"]
        args = _trees(arguments[0]) if arguments else []
        if name in COLLECTIONS and len(args) == 1:
            return VarType(name, parse_type(args[0], error))
    raise error(
        "invalid variable type: expected string, number, bool, any, or list(...), set(...), map(...)", expr
    )


def _unwrap(node: Tree) -> Tree:
    while node.data == "expr_term" and len(_trees(node)) == 1:
        node = _trees(node)[0]
    return node


def _trees(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def convert_input(value: Any, var_type: VarType) -> Any:
    """Convert a value (a default, or a ``--var`` string or list of strings) to the declared type."""
    kind = var_type.kind
    if kind == "any" or value is None:
        return value
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return format_number(value)
        if isinstance(value, str):
            return value
    elif kind in ("number", "int"):  # Atlas keeps int as another name of number
        return _number(value)
    elif kind == "bool":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
    elif kind in ("list", "set"):
        assert var_type.element is not None
        items = value if isinstance(value, list) else [value]
        converted = [convert_input(item, var_type.element) for item in items]
        if kind == "set":
            converted = list(dict.fromkeys(converted))
        return converted
    elif kind == "map" and isinstance(value, dict):
        assert var_type.element is not None
        return {k: convert_input(v, var_type.element) for k, v in value.items()}
    raise ValueError(f"cannot use a {type_name(value)} value as {var_type}")


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a number, got {type_name(value)}")
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"expected a number, got {value!r}") from None
        return int(number) if number.is_integer() else number
    return value


def parse_var_flags(values: Iterable[str]) -> dict[str, str | list[str]]:
    """``--var key=value`` flags as input values; a key given more than once becomes a list, as in Atlas."""
    out: dict[str, str | list[str]] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"invalid --var {item!r}: expected key=value")
        previous = out.get(key)
        if previous is None:
            out[key] = value
        else:
            out[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return out
