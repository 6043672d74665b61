"""Evaluate HCL expressions by walking python-hcl2's Lark trees.

Values are plain Python (see ``values``). Names at the root of a reference (``var``, ``local``, ``data``,
``atlas``) are resolved by the caller, so this module knows the expression language and nothing of the config
blocks built on it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from lark import Token, Tree

from . import templates
from .errors import ConfigError
from .functions import ArgumentError, Function
from .strings import decode_escapes
from .syntax import position
from .values import ProgramOutput, equal, format_number, type_name

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
        self.scopes: list[dict[str, Any]] = []
        # Expressions parsed out of a heredoc's text report their errors at their ${ in the file.
        self._origin: tuple[int, int] | None = None

    # ---- errors --------------------------------------------------------------------------------------------

    def error(self, message: str, node: Tree | Token | tuple[int, int]) -> ConfigError:
        """An error at the node (or the line and column given), or at the origin inside a heredoc."""
        line, column = self._origin or (node if isinstance(node, tuple) else position(node))
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
        def decode(token: Token) -> str:
            return decode_escapes(str(token.value), lambda m: self.error(m, token))

        try:
            parts = templates.string_parts(node, decode)
            nodes = templates.assemble(parts, self.filename)
        except ConfigError as e:
            raise self._relocated(e) from None
        return self.render(nodes)

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
        lines = rest.replace("\r\n", "\n").split("\n")
        body_lines = lines[: max(len(lines) - 2, 0)] if lines[-1] == "" else lines[:-1]
        cut = 0
        if flush:
            # <<- strips the indentation common to all non-blank lines.
            indents = [len(line) - len(line.lstrip(" \t")) for line in body_lines if line.strip()]
            cut = min(indents, default=0)
            body_lines = [line[cut:] for line in body_lines]
        body = "".join(line + "\n" for line in body_lines)
        if "${" not in body and "%{" not in body:
            return body
        line, _column = self._origin or position(node)
        try:
            nodes = templates.assemble(
                templates.split_heredoc(body, self.filename, line + 1, cut), self.filename
            )
        except ConfigError as e:
            raise self._relocated(e) from None
        return self.render(nodes)

    def _relocated(self, error: ConfigError) -> ConfigError:
        """A template error, moved to the origin when the evaluator reports at one (a heredoc expression)."""
        if self._origin is not None:
            return ConfigError(error.message, self.filename, *self._origin)
        return ConfigError(error.message, self.filename, error.line, error.column)

    def render(self, nodes: list[templates.Node]) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, templates.Text):
                out.append(node.value)
            elif isinstance(node, templates.Interpolation):
                with self._at(node):
                    value = self.value(node.expr)
                    out.append(self.interpolated(value, (node.line, node.column)))
            elif isinstance(node, templates.If):
                with self._at(node):
                    condition = self.boolean(self.value(node.condition), node.condition)
                out.append(self.render(node.then if condition else node.otherwise))
            else:
                with self._at(node):
                    collection = self.value(node.collection)
                    pairs = self._pairs(collection, node.collection)
                for key, element in pairs:
                    scope = {node.value: element} | ({node.key: key} if node.key else {})
                    with self.scope(scope):
                        out.append(self.render(node.body))
        return "".join(out)

    @contextmanager
    def _at(self, node: templates.Interpolation | templates.If | templates.For) -> Iterator[None]:
        """Report errors at the node's position when its expression was parsed out of a heredoc."""
        saved = self._origin
        if node.synthetic:
            self._origin = (node.line, node.column)
        try:
            yield
        finally:
            self._origin = saved

    @contextmanager
    def top_level(self) -> Iterator[None]:
        """Evaluate at the top of the file (a local, a data source): names in scope where the reference was
        made (``each``, a for expression's variables) are not visible there, and errors are not moved to a
        heredoc's origin."""
        saved = self.scopes, self._origin
        self.scopes, self._origin = [], None
        try:
            yield
        finally:
            self.scopes, self._origin = saved

    @contextmanager
    def scope(self, names: dict[str, Any]) -> Iterator[None]:
        """Names visible to the expressions evaluated inside (for iterations, ``each``, enum words)."""
        self.scopes.append(names)
        try:
            yield
        finally:
            self.scopes.pop()

    def interpolated(self, value: Any, node: Tree | tuple[int, int]) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return format_number(value)
        if value is None:
            raise self.error("invalid template interpolation value: the expression result is null", node)
        raise self.error(f"invalid template interpolation value: cannot include a {type_name(value)}", node)

    def _template_string(self, node: Tree) -> str:
        # python-hcl2 lexes \"...\" inside a directive as one token; HCL has no such expression.
        raise self.error('unexpected \\" in an expression: inside ${ } and %{ } write plain quotes', node)

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
        for scope in reversed(self.scopes):
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
        if isinstance(base, ProgramOutput) and name == "value":
            return str(base)
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
            return function.call(args)
        except ArgumentError as e:
            # Point at the argument when it is one written in the call (not spread by ...).
            at = arg_nodes[e.index] if e.index is not None and e.index < len(arg_nodes) - expand else node
            raise self.error(f"{name}(): {e}", at) from None
        except (ValueError, OSError, OverflowError, RecursionError) as e:
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
            return equal(left, right)
        if kind == "NEQ":
            return not equal(left, right)
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
        if isinstance(result, float):
            if not math.isfinite(result):
                raise self.error("arithmetic result out of range", node)
            # HCL computes in arbitrary precision: 0.1 + 0.2 is 0.3. Fifteen significant digits, all a
            # double holds for sure, give the same result for the decimal numbers configs are written with.
            result = float(f"{result:.15g}")
            if result.is_integer() and abs(result) < 2**53:
                return int(result)
        return result

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
        collection_node = _trees(intro)[-1]
        for key, element in self._pairs(self.value(collection_node), collection_node):
            scope = {names[-1]: element}
            if len(names) == 2:
                scope[names[0]] = key
            with self.scope(scope):
                if condition is None or self.boolean(self.value(_trees(condition)[0]), condition):
                    yield

    def _pairs(self, collection: Any, node: Tree) -> list[tuple[Any, Any]]:
        """(key, element) pairs of a list (by index) or a map (by key, in key order, as HCL iterates)."""
        if isinstance(collection, dict):
            return sorted(collection.items())
        if isinstance(collection, list):
            return list(enumerate(collection))
        raise self.error(f"cannot iterate over a {type_name(collection)} value", node)


def _trees(node: Tree) -> list[Tree]:
    """Child trees, without tokens and without newlines/comments."""
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
