"""Evaluate HCL expressions by walking python-hcl2's Lark trees.

Values are plain Python: ``str``, ``int``/``float`` (HCL numbers), ``bool``, ``None`` (null), ``list``
(tuples and lists) and ``dict`` (objects and maps). Names at the root of a reference (``var``, ``local``,
``data``, ``atlas``) are resolved by the caller, so this module knows the expression language and nothing of
the config blocks built on it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from lark import Token, Tree

from .errors import ConfigError
from .strings import decode_escapes
from .syntax import parse_expression, position

Function = Callable[..., Any]

# Functions whose arguments are evaluated by the function itself (to catch their errors).
LAZY_FUNCTIONS = ("try", "can")

_HEREDOC = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n(.*)\Z", re.S)


class Namespace:
    """A root of references (``var``, ``local``, ``data.<type>``): attributes are looked up on demand, so a
    local is evaluated only when used, and an unknown name gets a message saying where to define it."""

    def __init__(self, label: str, lookup: Callable[[str], Any], unknown: Callable[[str], str]) -> None:
        self.label = label
        self.lookup = lookup
        self.unknown = unknown


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict | Namespace):
        return "object"
    return type(value).__name__


def format_number(value: int | float) -> str:
    """HCL prints numbers without a needless fraction: ``2``, ``2.5``, ``1000``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


class Evaluator:
    def __init__(
        self,
        filename: str,
        resolve_root: Callable[[str], Any],
        functions: dict[str, Function],
    ) -> None:
        self.filename = filename
        self.resolve_root = resolve_root
        self.functions = functions
        self.iteration: list[dict[str, Any]] = []
        # A heredoc is re-parsed from its text, so positions inside it are reported at the heredoc itself.
        self._origin: tuple[int, int] | None = None

    # ---- errors --------------------------------------------------------------------------------------------

    def error(self, message: str, node: Tree | Token) -> ConfigError:
        line, column = self._origin or position(node)
        return ConfigError(message, self.filename, line, column)

    # ---- dispatch ------------------------------------------------------------------------------------------

    def value(self, node: Tree | Token) -> Any:
        if isinstance(node, Token):
            raise self.error(f"unexpected {node.value!r}", node)
        handler = getattr(self, f"_{node.data}", None)
        if handler is None:
            raise self.error(f"unsupported expression ({node.data.replace('_', ' ')})", node)
        return handler(node)

    def _expr_term(self, node: Tree) -> Any:
        inner = _trees(node)
        if len(inner) != 1:
            raise self.error("unsupported expression", node)
        return self.value(inner[0])

    # ---- literals ------------------------------------------------------------------------------------------

    def _int_lit(self, node: Tree) -> int:
        return int(str(node.children[0]))

    def _float_lit(self, node: Tree) -> int | float:
        number = float(str(node.children[0]))
        return int(number) if number.is_integer() and abs(number) < 2**53 else number

    def _literal_value(self, node: Tree) -> Any:
        return {"true": True, "false": False, "null": None}[str(node.children[0])]

    def _string(self, node: Tree) -> str:
        out = []
        for part in _trees(node):
            piece = part.children[0]
            if isinstance(piece, Token):
                if piece.type == "STRING_CHARS":
                    out.append(decode_escapes(str(piece.value), lambda m, p=piece: self.error(m, p)))
                elif piece.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                    out.append(str(piece.value)[1:])  # $${ → ${ and %%{ → %{
                else:
                    raise self.error(f"unexpected {piece.value!r} in string", piece)
            elif piece.data == "interpolation":
                out.append(self.interpolated(self.value(_trees(piece)[0]), piece))
            else:
                raise self.error("template directives (%{ ... }) are not supported yet", piece)
        return "".join(out)

    def interpolated(self, value: Any, node: Tree) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return format_number(value)
        if value is None:
            raise self.error("invalid template interpolation value: the expression result is null", node)
        raise self.error(f"invalid template interpolation value: cannot include a {type_name(value)}", node)

    def _heredoc_template(self, node: Tree) -> str:
        return self._heredoc(node)

    def _heredoc_template_trim(self, node: Tree) -> str:
        return self._heredoc(node)

    def _heredoc(self, node: Tree) -> str:
        token = node.children[0]
        assert isinstance(token, Token)
        match = _HEREDOC.match(str(token.value))
        if not match:
            raise self.error("malformed heredoc", node)
        flush, _marker, rest = match.groups()
        # The body is every line before the closing marker's line, each with its newline (HCL keeps the last).
        lines = rest.split("\n")
        body_lines = lines[: max(len(lines) - 2, 0)] if lines[-1] == "" else lines[:-1]
        if flush:
            # <<- strips the indentation common to all non-blank lines.
            indents = [len(line) - len(line.lstrip(" ")) for line in body_lines if line.strip()]
            cut = min(indents, default=0)
            body_lines = [line[cut:] for line in body_lines]
        body = "".join(line + "\n" for line in body_lines)
        return self._template_text(body, node)

    def _template_text(self, text: str, node: Tree) -> str:
        """Evaluate literal template text (a heredoc body) by handing it to python-hcl2 as a quoted string."""
        if "${" not in text and "%{" not in text:
            return text
        quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        line, column = self._origin or position(node)
        tree = parse_expression(f'"{quoted}"', self.filename, line, column)
        saved, self._origin = self._origin, (line, column)
        try:
            return self.value(tree)
        finally:
            self._origin = saved

    def _template_string(self, node: Tree) -> str:
        # Inside a heredoc, a nested string literal arrives escaped once more (\"...\"): undo that layer
        # and evaluate it as the quoted string it was.
        if self._origin is None:
            raise self.error('unexpected \\" outside a heredoc', node)
        raw = str(node.children[0])[2:-2]
        source = re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), raw)
        line, column = self._origin
        return self.value(parse_expression(f'"{source}"', self.filename, line, column))

    # ---- collections ---------------------------------------------------------------------------------------

    def _tuple(self, node: Tree) -> list[Any]:
        return [self.value(child) for child in _trees(node)]

    def _object(self, node: Tree) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for element in _trees(node):
            key_node, value_node = _trees(element)
            key = self.object_key(key_node)
            if key in out:
                raise self.error(f'duplicate object key "{key}"', element)
            out[key] = self.value(value_node)
        return out

    def object_key(self, node: Tree) -> str:
        """A bare name in key position is the key itself (``{ name = 1 }``), not a variable reference."""
        inner = _trees(node)[0] if _trees(node) else node
        if inner.data == "keyword":
            return str(inner.children[0])
        if inner.data == "expr_term" and _trees(inner) and _trees(inner)[0].data == "identifier":
            return str(_trees(inner)[0].children[0])
        key = self.value(inner)
        if isinstance(key, bool) or key is None or isinstance(key, list | dict):
            raise self.error(f"object key must be a string, got {type_name(key)}", node)
        return format_number(key) if isinstance(key, int | float) else key

    # ---- references ----------------------------------------------------------------------------------------

    def _identifier(self, node: Tree) -> Any:
        name = str(node.children[0])
        for scope in reversed(self.iteration):
            if name in scope:
                return scope[name]
        try:
            return self.resolve_root(name)
        except KeyError:
            raise self.error(f'unknown variable "{name}"', node) from None

    def _get_attr_expr_term(self, node: Tree) -> Any:
        base_node, accessor = _trees(node)
        return self.attribute(self.value(base_node), self.attr_name(accessor), accessor)

    def attr_name(self, accessor: Tree) -> str:
        return str(_trees(accessor)[0].children[0])

    def attribute(self, base: Any, name: str, node: Tree) -> Any:
        if isinstance(base, Namespace):
            try:
                return base.lookup(name)
            except KeyError:
                raise self.error(base.unknown(name), node) from None
        if isinstance(base, dict):
            if name not in base:
                raise self.error(f'object has no attribute "{name}"', node)
            return base[name]
        raise self.error(f'cannot access attribute "{name}" of a {type_name(base)} value', node)

    def _index_expr_term(self, node: Tree) -> Any:
        base_node, index_node = _trees(node)
        return self.index(self.value(base_node), index_node)

    def index(self, base: Any, index_node: Tree) -> Any:
        if index_node.data == "short_index":
            key: Any = int(str(index_node.children[-1]))
        else:
            key = self.value(_trees(index_node)[0])
        if isinstance(base, list):
            if isinstance(key, str) and key.lstrip("-").isdigit():
                key = int(key)
            if isinstance(key, bool) or not isinstance(key, int | float) or not float(key).is_integer():
                raise self.error(f"a list index must be a whole number, got {type_name(key)}", index_node)
            if not 0 <= int(key) < len(base):
                raise self.error(
                    f"index {int(key)} out of range for a list of {len(base)} elements", index_node
                )
            return base[int(key)]
        if isinstance(base, dict | Namespace):
            name = format_number(key) if isinstance(key, int | float) and not isinstance(key, bool) else key
            if not isinstance(name, str):
                raise self.error(f"an object key must be a string, got {type_name(key)}", index_node)
            return self.attribute(base, name, index_node)
        raise self.error(f"cannot index a {type_name(base)} value", index_node)

    def _full_splat_expr_term(self, node: Tree) -> list[Any]:
        return self._splat(node)

    def _attr_splat_expr_term(self, node: Tree) -> list[Any]:
        return self._splat(node)

    def _splat(self, node: Tree) -> list[Any]:
        base_node, splat = _trees(node)
        base = self.value(base_node)
        # HCL: splatting null gives an empty list, and any other non-list value acts as a one-element list.
        items = [] if base is None else base if isinstance(base, list) else [base]
        out = []
        for item in items:
            for step in _trees(splat):
                if step.data == "get_attr":
                    item = self.attribute(item, self.attr_name(step), step)
                else:
                    item = self.index(item, step)
            out.append(item)
        return out

    # ---- functions -----------------------------------------------------------------------------------------

    def _function_call(self, node: Tree) -> Any:
        names = [c for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
        if len(names) > 1:
            raise self.error("provider-namespaced functions (a::b::c) are not supported", node)
        name = str(names[0].children[0])
        arguments = next((c for c in node.children if isinstance(c, Tree) and c.data == "arguments"), None)
        arg_nodes = _trees(arguments) if arguments is not None else []
        expand = arguments is not None and any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in arguments.children
        )
        if name in LAZY_FUNCTIONS:
            return self._lazy_function(name, arg_nodes, node)
        function = self.functions.get(name)
        if function is None:
            raise self.error(f'call to unknown function "{name}"', names[0])
        args = [self.value(a) for a in arg_nodes]
        if expand:
            if not args or not isinstance(args[-1], list):
                raise self.error(f"{name}(): the argument before ... must be a list", node)
            args = [*args[:-1], *args[-1]]
        try:
            return function(*args)
        except ConfigError:
            raise
        except TypeError as e:
            raise self.error(f"{name}(): wrong arguments ({_explain_type_error(e)})", node) from None
        except (ValueError, OSError, KeyError, IndexError) as e:
            raise self.error(f"{name}(): {e}", node) from None

    def _lazy_function(self, name: str, arg_nodes: list[Tree], node: Tree) -> Any:
        if name == "can":
            if len(arg_nodes) != 1:
                raise self.error("can() takes exactly one argument", node)
            try:
                self.value(arg_nodes[0])
            except ConfigError:
                return False
            return True
        if not arg_nodes:
            raise self.error("try() needs at least one argument", node)
        last: ConfigError | None = None
        for arg in arg_nodes:
            try:
                return self.value(arg)
            except ConfigError as e:
                last = e
        raise self.error(f"try(): no argument could be evaluated; the last failed with: {last.message}", node)

    # ---- operators -----------------------------------------------------------------------------------------

    def _unary_op(self, node: Tree) -> Any:
        operator = node.children[0]
        assert isinstance(operator, Token)
        operand = self.value(_trees(node)[0])
        if operator.type == "NOT":
            return not self.boolean(operand, node)
        return -self.number(operand, node)

    def _binary_op(self, node: Tree) -> Any:
        left_node, term = _trees(node)[:2]
        operator_tree, right_node = _trees(term)[0], _trees(term)[-1]
        operator = operator_tree.children[0]
        assert isinstance(operator, Token)
        kind = operator.type
        left = self.value(left_node)
        # && and || stop early, so `var.x != null && var.x.y` is safe.
        if kind == "DOUBLE_AMP":
            return self.boolean(left, node) and self.boolean(self.value(right_node), node)
        if kind == "DOUBLE_PIPE":
            return self.boolean(left, node) or self.boolean(self.value(right_node), node)
        right = self.value(right_node)
        if kind == "DOUBLE_EQ":
            return _equal(left, right)
        if kind == "NEQ":
            return not _equal(left, right)
        a, b = self.number(left, node), self.number(right, node)
        if kind in ("LT", "GT", "LEQ", "GEQ"):
            return {"LT": a < b, "GT": a > b, "LEQ": a <= b, "GEQ": a >= b}[kind]
        if kind in ("SLASH", "PERCENT") and b == 0:
            raise self.error("division by zero", node)
        result = {
            "PLUS": lambda: a + b,
            "MINUS": lambda: a - b,
            "ASTERISK": lambda: a * b,
            "SLASH": lambda: a / b,
            "PERCENT": lambda: math.fmod(a, b),
        }[kind]()
        return int(result) if isinstance(result, float) and result.is_integer() else result

    def _conditional(self, node: Tree) -> Any:
        condition, when_true, when_false = _trees(node)
        chosen = when_true if self.boolean(self.value(condition), node) else when_false
        return self.value(chosen)

    def number(self, value: Any, node: Tree) -> int | float:
        if isinstance(value, bool) or value is None:
            raise self.error(f"expected a number, got {type_name(value)}", node)
        if isinstance(value, int | float):
            return value
        if isinstance(value, str):
            # HCL converts numeric strings where a number is expected.
            try:
                number = float(value)
            except ValueError:
                raise self.error(f"expected a number, got string {value!r}", node) from None
            return int(number) if number.is_integer() else number
        raise self.error(f"expected a number, got {type_name(value)}", node)

    def boolean(self, value: Any, node: Tree) -> bool:
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise self.error(f"expected a bool, got {type_name(value)}", node)

    # ---- for expressions -----------------------------------------------------------------------------------

    def _for_tuple_expr(self, node: Tree) -> list[Any]:
        intro, body, condition = self._for_parts(node)
        return [self.value(body[0]) for _ in self._for_iterations(intro, condition, node)]

    def _for_object_expr(self, node: Tree) -> dict[str, Any]:
        intro, body, condition = self._for_parts(node)
        grouping = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
        out: dict[str, Any] = {}
        for _ in self._for_iterations(intro, condition, node):
            key = self.value(body[0])
            if not isinstance(key, str):
                key = self.interpolated(key, body[0])
            value = self.value(body[1])
            if grouping:
                out.setdefault(key, []).append(value)
            elif key in out:
                raise self.error(f'duplicate key "{key}" in for expression (use ... to group values)', node)
            else:
                out[key] = value
        return out

    def _for_parts(self, node: Tree) -> tuple[Tree, list[Tree], Tree | None]:
        parts = _trees(node)
        intro = parts[0]
        condition = parts[-1] if parts[-1].data == "for_cond" else None
        body = parts[1:-1] if condition is not None else parts[1:]
        return intro, body, condition

    def _for_iterations(self, intro: Tree, condition: Tree | None, node: Tree) -> Iterator[None]:
        names = [str(t.children[0]) for t in _trees(intro) if t.data == "identifier"]
        collection = self.value(_trees(intro)[-1])
        if isinstance(collection, dict):
            pairs: list[tuple[Any, Any]] = sorted(collection.items())
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            raise self.error(f"cannot iterate over a {type_name(collection)} value", node)
        for key, element in pairs:
            scope = {names[-1]: element}
            if len(names) == 2:
                scope[names[0]] = key
            self.iteration.append(scope)
            try:
                if condition is None or self.boolean(self.value(_trees(condition)[0]), condition):
                    yield
            finally:
                self.iteration.pop()


def _trees(node: Tree) -> list[Tree]:
    """Child trees, without tokens and without newlines/comments."""
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _equal(a: Any, b: Any) -> bool:
    # HCL equality is typed: 1 == "1" is false, and true is not 1.
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def _explain_type_error(error: TypeError) -> str:
    text = str(error)
    return text.split("() ", 1)[1] if "() " in text else text
