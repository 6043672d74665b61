"""A subset of Go's ``text/template``, enough for the ``format`` values users copy from Atlas's docs.

Atlas formats its output with Go templates (``format { migrate { diff = "{{ sql . \\"  \\" }}" } }``);
graticule evaluates the same text with Go's semantics for what it supports, and refuses the rest by name
instead of guessing. Supported:

- text and actions ``{{ pipeline }}``, trim markers ``{{- `` and `` -}}``, comments ``{{/* ... */}}``;
- operands: ``.``, field chains ``.A.B`` (maps by key, objects by exported = capitalised attribute),
  ``$`` and variables ``$x`` (with field chains), string literals ``"..."`` with Go escapes and raw
  ```...```, numbers, ``true``/``false``/``nil``, parenthesised pipelines;
- pipelines ``a | f x`` (the value becomes the last argument) and declarations ``$x := ...`` / ``$x = ...``;
- ``if``/``else if``/``else``, ``range`` (``$i, $e :=``; lists, maps in key order, integers),
  ``with``/``else``, ``end``;
- built-in functions ``and or not eq ne lt le gt ge len index slice print printf println``, plus the
  caller's.

Not supported (an error names them): ``define``, ``template``, ``block``, ``break``, ``continue``, method
calls with arguments, and printing structured objects (use a field or ``json``). ``len``, ``slice`` and
``index`` count characters where Go counts bytes; the two agree on ASCII text.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import GraticuleError

Funcs = Mapping[str, Callable[..., Any]]


class TemplateError(GraticuleError):
    """A template that cannot be parsed or executed; the message carries ``template: name:line:col:``."""


class _Missing:
    """Go's "no value": a missing map key or a nil interface. It prints as ``<no value>``."""

    def __repr__(self) -> str:
        return "<no value>"


MISSING = _Missing()

UNSUPPORTED_KEYWORDS = ("define", "template", "block", "break", "continue")


# ---- lexing ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str
    value: Any
    pos: int


_ACTION_TOKEN = re.compile(
    r"""
    (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:[^'\\\n]|\\.)+')
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<field>(?:\.[A-Za-z_]\w*)+)
  | (?P<dot>\.)
  | (?P<variable>\$\w*)
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<declare>:=)
  | (?P<assign>=)
  | (?P<punct>[()|,])
    """,
    re.VERBOSE,
)
_FIELD_CHAIN = re.compile(r"(?:\.[A-Za-z_]\w*)+")
_SPACE = " \t\r\n"


@dataclass
class _Action:
    tokens: list[_Token]
    pos: int


def _position(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


class _Lexer:
    """Splits a template into text pieces and actions, applying trim markers."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name

    def error(self, pos: int, message: str) -> TemplateError:
        line, col = _position(self.text, pos)
        return TemplateError(f"template: {self.name}:{line}:{col}: {message}")

    def pieces(self) -> list[str | _Action]:
        text, out = self.text, []
        pos, trim_next = 0, False
        while True:
            start = text.find("{{", pos)
            chunk = text[pos:] if start < 0 else text[pos:start]
            if trim_next:
                chunk = chunk.lstrip(_SPACE)
            if start < 0:
                out.append(chunk)
                return [p for p in out if p != ""]
            inner = start + 2
            if text.startswith("-", inner) and text[inner + 1 : inner + 2] in tuple(_SPACE):
                chunk = chunk.rstrip(_SPACE)
                inner += 2
            out.append(chunk)
            action, pos, trim_next = self._action(inner, start)
            if action is not None:
                out.append(action)

    def _action(self, pos: int, start: int) -> tuple[_Action | None, int, bool]:
        """Lex one action from ``pos`` (after ``{{``); returns it, the position after ``}}``, and the trim."""
        text = self.text
        probe = pos
        while probe < len(text) and text[probe] in _SPACE:
            probe += 1
        if text.startswith("/*", probe):
            close = text.find("*/", probe + 2)
            if close < 0:
                raise self.error(start, "unclosed comment")
            end, trim = self._close(close + 2, start)
            return None, end, trim
        tokens = []
        while True:
            spaced = pos < len(text) and text[pos] in _SPACE
            while pos < len(text) and text[pos] in _SPACE:
                pos += 1
            if pos >= len(text):
                raise self.error(start, "unclosed action")
            if text.startswith("}}", pos):
                return _Action(tokens, start), pos + 2, False
            if spaced and text.startswith("-}}", pos):
                return _Action(tokens, start), pos + 3, True
            match = _ACTION_TOKEN.match(text, pos)
            if not match:
                raise self.error(pos, f"unexpected {text[pos]!r} in action")
            kind = match.lastgroup or ""
            value: Any = match.group()
            if kind == "punct" and value == ")":
                # A parenthesised pipeline may be followed by a field chain: (index .X 0).Name
                chain = _FIELD_CHAIN.match(text, match.end())
                value = tuple(chain.group()[1:].split(".")) if chain else ()
                kind = "rparen"
                tokens.append(_Token(kind, value, pos))
                pos = chain.end() if chain else match.end()
                continue
            if kind == "variable":
                chain = _FIELD_CHAIN.match(text, match.end())
                value = (value, tuple(chain.group()[1:].split(".")) if chain else ())
                tokens.append(_Token(kind, value, pos))
                pos = chain.end() if chain else match.end()
                continue
            tokens.append(_Token(kind, value, pos))
            pos = match.end()

    def _close(self, pos: int, start: int) -> tuple[int, bool]:
        text = self.text
        spaced = pos < len(text) and text[pos] in _SPACE
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        if text.startswith("}}", pos):
            return pos + 2, False
        if spaced and text.startswith("-}}", pos):
            return pos + 3, True
        raise self.error(start, "comment ends before closing delimiter")


# ---- the parse tree ----------------------------------------------------------------------------------------


@dataclass
class _Field:
    names: tuple[str, ...]


@dataclass
class _Variable:
    name: str
    names: tuple[str, ...]


@dataclass
class _Dot:
    pass


@dataclass
class _Function:
    name: str


@dataclass
class _Literal:
    value: Any


@dataclass
class _SubPipe:
    pipe: _Pipe
    names: tuple[str, ...]


_Arg = _Field | _Variable | _Dot | _Function | _Literal | _SubPipe


@dataclass
class _Command:
    args: list[_Arg]
    pos: int


@dataclass
class _Pipe:
    commands: list[_Command]
    pos: int
    variables: list[str] = field(default_factory=list)
    assign: bool = False
    """``$x = ...`` (assign an existing variable) rather than ``$x := ...`` (declare)."""


@dataclass
class _Print:
    pipe: _Pipe


@dataclass
class _Branch:
    """``if``, ``with`` or ``range``: a pipeline, a body, and an ``else`` body."""

    keyword: str
    pipe: _Pipe
    body: list[_Node]
    otherwise: list[_Node]


_Node = str | _Print | _Branch


class _Parser:
    def __init__(self, lexer: _Lexer, funcs: set[str]) -> None:
        self.lexer = lexer
        self.funcs = funcs
        self.pieces = lexer.pieces()
        self.index = 0

    def parse(self) -> list[_Node]:
        nodes, end = self._list()
        if end is not None:
            raise self.lexer.error(end[1].pos, f"unexpected {{{{{end[0]}}}}}")
        return nodes

    def _list(self) -> tuple[list[_Node], tuple[str, _Action] | None]:
        """Nodes up to an ``end`` or ``else`` action (returned with it) or the end of the template."""
        nodes: list[_Node] = []
        while self.index < len(self.pieces):
            piece = self.pieces[self.index]
            self.index += 1
            if isinstance(piece, str):
                nodes.append(piece)
                continue
            tokens = piece.tokens
            if not tokens:
                raise self.lexer.error(piece.pos, "missing value for command")
            head = tokens[0]
            word = head.value if head.kind == "ident" else None
            if word in ("end", "else"):
                return nodes, (word, piece)
            if word in ("if", "with", "range"):
                nodes.append(self._branch(word, piece, tokens[1:]))
            elif word in UNSUPPORTED_KEYWORDS:
                raise self.lexer.error(head.pos, f"{{{{{word}}}}} is not supported")
            else:
                nodes.append(_Print(self._pipe(tokens, piece.pos)))
        return nodes, None

    def _branch(self, keyword: str, action: _Action, tokens: list[_Token]) -> _Branch:
        pipe = self._pipe(tokens, action.pos, allow_two_vars=keyword == "range")
        body, end = self._list()
        otherwise: list[_Node] = []
        if end is None:
            raise self.lexer.error(
                action.pos, f"unexpected end of template: {{{{{keyword}}}}} without {{{{end}}}}"
            )
        if end[0] == "else":
            rest = end[1].tokens[1:]
            chained = rest[0].value if rest and rest[0].kind == "ident" else None
            if chained in ("if", "with") and keyword in ("if", "with"):
                # {{else if ...}} is an {{if}} nested in the else branch that shares its {{end}}.
                otherwise = [self._branch(chained, end[1], rest[1:])]
                return _Branch(keyword, pipe, body, otherwise)
            if rest:
                raise self.lexer.error(end[1].pos, "unexpected arguments after {{else}}")
            otherwise, end = self._list()
            if end is None or end[0] != "end":
                raise self.lexer.error(action.pos, f"{{{{{keyword}}}}} without {{{{end}}}}")
        if len(end[1].tokens) > 1:
            raise self.lexer.error(end[1].pos, "unexpected arguments after {{end}}")
        return _Branch(keyword, pipe, body, otherwise)

    def _pipe(self, tokens: list[_Token], pos: int, allow_two_vars: bool = False) -> _Pipe:
        variables, assign, tokens = self._declarations(tokens, allow_two_vars)
        commands: list[_Command] = []
        args: list[_Arg] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.kind == "punct" and token.value == "|":
                if not args:
                    raise self.lexer.error(token.pos, "missing command before '|'")
                commands.append(_Command(args, token.pos))
                args = []
                i += 1
                continue
            if token.kind == "punct" and token.value == "(":
                depth, j = 1, i + 1
                while j < len(tokens) and depth:
                    inner = tokens[j]
                    depth += inner.kind == "punct" and inner.value == "("
                    depth -= inner.kind == "rparen"
                    j += 1
                if depth:
                    raise self.lexer.error(token.pos, "unclosed left paren")
                args.append(_SubPipe(self._pipe(tokens[i + 1 : j - 1], token.pos), tokens[j - 1].value))
                i = j
                continue
            args.append(self._operand(token))
            i += 1
        if not args:
            raise self.lexer.error(pos, "missing value for command")
        commands.append(_Command(args, tokens[-1].pos if tokens else pos))
        return _Pipe(commands, pos, variables, assign)

    def _declarations(self, tokens: list[_Token], allow_two: bool) -> tuple[list[str], bool, list[_Token]]:
        kinds = [t.kind for t in tokens[:4]]
        if kinds[:2] in (["variable", "declare"], ["variable", "assign"]) and not tokens[0].value[1]:
            return [tokens[0].value[0]], kinds[1] == "assign", tokens[2:]
        if (
            allow_two
            and kinds[:4] == ["variable", "punct", "variable", "declare"]
            and tokens[1].value == ","
            and not tokens[0].value[1]
            and not tokens[2].value[1]
        ):
            return [tokens[0].value[0], tokens[2].value[0]], False, tokens[4:]
        return [], False, tokens

    def _operand(self, token: _Token) -> _Arg:
        kind, value = token.kind, token.value
        if kind == "field":
            return _Field(tuple(value[1:].split(".")))
        if kind == "dot":
            return _Dot()
        if kind == "variable":
            return _Variable(value[0], value[1])
        if kind == "string":
            return _Literal(_unquote(value, lambda m: self.lexer.error(token.pos, m)))
        if kind == "raw":
            return _Literal(value[1:-1])
        if kind == "char":
            return _Literal(ord(_unquote('"' + value[1:-1] + '"', lambda m: self.lexer.error(token.pos, m))))
        if kind == "number":
            return _Literal(_number(value))
        if kind == "ident":
            if value in ("true", "false"):
                return _Literal(value == "true")
            if value == "nil":
                return _Literal(None)
            if value in ("if", "else", "end", "range", "with", *UNSUPPORTED_KEYWORDS):
                raise self.lexer.error(token.pos, f"unexpected keyword {value!r} in command")
            if value not in self.funcs:
                raise self.lexer.error(token.pos, f'function "{value}" not defined')
            return _Function(value)
        raise self.lexer.error(token.pos, f"unexpected {value!r} in operand")


_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}
_ESCAPES["'"] = "'"


def _unquote(literal: str, error: Callable[[str], Exception]) -> str:
    """Go's interpreted string literal: ``\\n``, ``\\x41``, ``\\u00e9``, ``\\101``, ..."""
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        code = body[i + 1 : i + 2]
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
            i += 2
        elif code in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[code]
            digits = body[i + 2 : i + 2 + width]
            if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise error(f"invalid escape \\{code}{digits} in string")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        elif code.isdigit():
            digits = body[i + 1 : i + 4]
            if len(digits) != 3 or not all(c in "01234567" for c in digits):
                raise error(f"invalid octal escape \\{digits} in string")
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            raise error(f"unknown escape sequence \\{code} in string")
    return "".join(out)


def _number(text: str) -> int | float:
    clean = text.replace("_", "")
    if clean.lstrip("+-")[:2].lower() == "0x":
        return int(clean, 16)
    if any(c in clean for c in ".eE"):
        return float(clean)
    return int(clean)


# ---- evaluation --------------------------------------------------------------------------------------------


class Template:
    """A parsed template; ``execute`` runs it on data with the given extra functions."""

    def __init__(self, text: str, name: str = "template", funcs: Funcs | None = None) -> None:
        self.text = text
        self.name = name
        self.funcs: dict[str, Callable[..., Any]] = {**BUILTINS, **(funcs or {})}
        self._lexer = _Lexer(text, name)
        self.nodes = _Parser(self._lexer, set(self.funcs)).parse()

    def execute(self, data: Any) -> str:
        out: list[str] = []
        _Execution(self, data).run(self.nodes, data, [{"$": data}], out)
        return "".join(out)


def render(text: str, data: Any, funcs: Funcs | None = None, name: str = "template") -> str:
    """Parse and execute a template in one step."""
    return Template(text, name, funcs).execute(data)


class _Execution:
    def __init__(self, template: Template, root: Any) -> None:
        self.template = template
        self.root = root

    def error(self, pos: int, message: str) -> TemplateError:
        return self.template._lexer.error(pos, message)

    def run(self, nodes: list[_Node], dot: Any, scopes: list[dict[str, Any]], out: list[str]) -> None:
        for node in nodes:
            if isinstance(node, str):
                out.append(node)
            elif isinstance(node, _Print):
                value = self.pipe(node.pipe, dot, scopes)
                if not node.pipe.variables:
                    out.append(self.printed(value, node.pipe.pos))
            else:
                self.branch(node, dot, scopes, out)

    def branch(self, node: _Branch, dot: Any, scopes: list[dict[str, Any]], out: list[str]) -> None:
        scope: dict[str, Any] = {}
        inner = [*scopes, scope]
        if node.keyword == "range":
            value = self.pipe(node.pipe, dot, inner, declare=False)
            ran = False
            for key, element in self.iterate(value, node.pipe.pos):
                ran = True
                if len(node.pipe.variables) == 1:
                    scope[node.pipe.variables[0]] = element
                elif node.pipe.variables:
                    scope[node.pipe.variables[0]], scope[node.pipe.variables[1]] = key, element
                self.run(node.body, element, [*inner, {}], out)
            if not ran:
                self.run(node.otherwise, dot, inner, out)
            return
        value = self.pipe(node.pipe, dot, inner)
        if truth(value):
            self.run(node.body, value if node.keyword == "with" else dot, inner, out)
        else:
            self.run(node.otherwise, dot, inner, out)

    def iterate(self, value: Any, pos: int) -> Iterator[tuple[Any, Any]]:
        if value is None or value is MISSING:
            return iter(())
        if isinstance(value, bool | str):
            raise self.error(pos, f"range can't iterate over {_go_sprint(value)}")
        if isinstance(value, int):
            return ((i, i) for i in range(value))
        if isinstance(value, Mapping):
            return ((k, value[k]) for k in sorted(value))
        if isinstance(value, list | tuple):
            return enumerate(value)
        raise self.error(pos, f"range can't iterate over a {type(value).__name__}")

    def pipe(self, pipe: _Pipe, dot: Any, scopes: list[dict[str, Any]], declare: bool = True) -> Any:
        value: Any = _NO_ARG
        for command in pipe.commands:
            value = self.command(command, dot, scopes, value)
        if declare and pipe.variables:
            name = pipe.variables[0]
            if pipe.assign:
                scope = next((s for s in reversed(scopes) if name in s), None)
                if scope is None:
                    raise self.error(pipe.pos, f"undefined variable: {name}")
                scope[name] = value
            else:
                scopes[-1][name] = value
        return value

    def command(self, command: _Command, dot: Any, scopes: list[dict[str, Any]], piped: Any) -> Any:
        first, rest = command.args[0], command.args[1:]
        if isinstance(first, _Function) and first.name in ("and", "or"):
            # Go stops at the first argument that decides the result, so {{ if and .A .A.B }} is safe on nil.
            if not rest and piped is _NO_ARG:
                raise self.error(command.pos, f"wrong number of args for {first.name}: want at least 1 got 0")
            values = (self.arg(a, dot, scopes, command.pos) for a in rest)
            if piped is not _NO_ARG:
                values = itertools.chain(values, [piped])
            value: Any = None
            for value in values:
                if truth(value) == (first.name == "or"):
                    return value
            return value
        if isinstance(first, _Function):
            args = [self.arg(a, dot, scopes, command.pos) for a in rest]
            if piped is not _NO_ARG:
                args.append(piped)
            return self.call(first.name, args, command.pos)
        if rest or piped is not _NO_ARG:
            what = "a field" if isinstance(first, _Field | _Variable) else "a value"
            raise self.error(command.pos, f"can't give arguments to {what}: method calls are not supported")
        return self.arg(first, dot, scopes, command.pos)

    def call(self, name: str, args: list[Any], pos: int) -> Any:
        try:
            return self.template.funcs[name](*args)
        except TemplateError:
            raise
        except GraticuleError as e:
            raise self.error(pos, f"error calling {name}: {e}") from None
        except TypeError as e:
            raise self.error(pos, f"wrong arguments for {name}: {e}") from None
        except (ValueError, IndexError, KeyError) as e:
            raise self.error(pos, f"error calling {name}: {e}") from None

    def arg(self, arg: _Arg, dot: Any, scopes: list[dict[str, Any]], pos: int) -> Any:
        if isinstance(arg, _Dot):
            return dot
        if isinstance(arg, _Literal):
            return arg.value
        if isinstance(arg, _Field):
            return self.fields(dot, arg.names, pos)
        if isinstance(arg, _Variable):
            scope = next((s for s in reversed(scopes) if arg.name in s), None)
            if scope is None:
                raise self.error(pos, f"undefined variable: {arg.name}")
            return self.fields(scope[arg.name], arg.names, pos)
        if isinstance(arg, _SubPipe):
            return self.fields(self.pipe(arg.pipe, dot, scopes), arg.names, pos)
        # A function used as an argument is called without arguments, as in Go: {{ printf "%s" now }}.
        return self.call(arg.name, [], pos)

    def fields(self, value: Any, names: tuple[str, ...], pos: int) -> Any:
        for name in names:
            value = self.field(value, name, pos)
        return value

    def field(self, value: Any, name: str, pos: int) -> Any:
        if isinstance(value, Mapping):
            return value.get(name, MISSING)
        if value is None or value is MISSING:
            raise self.error(pos, f"nil pointer evaluating .{name}")
        if not name[:1].isupper() or isinstance(value, str | int | float | list | tuple):
            raise self.error(pos, f"can't evaluate field {name} in type {_type_name(value)}")
        try:
            attr = getattr(value, name)
        except AttributeError:
            raise self.error(pos, f"can't evaluate field {name} in type {_type_name(value)}") from None
        return attr() if callable(attr) else attr

    def printed(self, value: Any, pos: int) -> str:
        if value is None or value is MISSING:
            return "<no value>"
        try:
            return _go_sprint(value)
        except _Unprintable as e:
            raise self.error(pos, str(e)) from None


_NO_ARG = object()


def truth(value: Any) -> bool:
    """Go's template truth: false, 0, nil, and empty strings/lists/maps are false; anything else is true."""
    if value is None or value is MISSING:
        return False
    if isinstance(value, bool | int | float | str | list | tuple | Mapping):
        return bool(value)
    return True


def _type_name(value: Any) -> str:
    return {str: "string", int: "int", float: "float64", bool: "bool", list: "slice", tuple: "slice"}.get(
        type(value), type(value).__name__
    )


# ---- Go's fmt, as far as templates need it -----------------------------------------------------------------


class _Unprintable(Exception):
    pass


def _go_sprint(value: Any, nested: bool = False) -> str:
    """``fmt.Sprint`` of one value (``%v``)."""
    if value is None or value is MISSING:
        return "<nil>" if nested else "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "[" + " ".join(_go_sprint(v, True) for v in value) + "]"
    if isinstance(value, Mapping):
        return (
            "map["
            + " ".join(f"{_go_sprint(k, True)}:{_go_sprint(value[k], True)}" for k in sorted(value))
            + "]"
        )
    raise _Unprintable(
        f"printing a {type(value).__name__} is not supported: print one of its fields, or use json"
    )


def _go_float(value: float) -> str:
    """``%v`` of a float64: ``%g`` with the shortest digits, so exponent form below 1e-4 and from 1e6 up."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    point = len(text) + exponent  # position of the decimal point relative to the digits
    exp = point - 1
    prefix = "-" if sign else ""
    if exp < -4 or exp >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{text}"
    if point >= len(text):
        return prefix + text + "0" * (point - len(text))
    return f"{prefix}{text[:point]}.{text[point:]}"


def _go_quote(value: str) -> str:
    """``strconv.Quote``."""
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append("\\" + "abfnrtv"["\a\b\f\n\r\t\v".index(ch)])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


_VERB = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def go_sprintf(fmt: str, *args: Any) -> str:
    """``fmt.Sprintf`` for the verbs ``%v %s %q %d %t %f %x %X %%`` with flags ``-+0`` and width/precision."""
    out, pos, used = [], 0, 0
    for match in _VERB.finditer(fmt):
        out.append(fmt[pos : match.start()])
        pos = match.end()
        flags, width, precision, verb = match.groups()
        if verb == "%":
            out.append("%")
            continue
        if used >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[used]
        used += 1
        out.append(_pad(_format_verb(verb, arg, precision), flags, width))
    out.append(fmt[pos:])
    if used < len(args):
        extra = ", ".join(f"{_type_name(a)}={_go_sprint(a, True)}" for a in args[used:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _format_verb(verb: str, arg: Any, precision: str | None) -> str:
    if verb in "vs":
        text = _go_sprint(arg, True) if verb == "v" or not isinstance(arg, str) else arg
        return text[: int(precision)] if precision is not None and verb == "s" else text
    if verb == "q" and isinstance(arg, str):
        return _go_quote(arg)
    if verb == "d" and isinstance(arg, int) and not isinstance(arg, bool):
        return str(arg)
    if verb == "t" and isinstance(arg, bool):
        return "true" if arg else "false"
    if verb in "xX" and isinstance(arg, int | str) and not isinstance(arg, bool):
        text = format(arg, "x") if isinstance(arg, int) else arg.encode().hex()
        return text.upper() if verb == "X" else text
    if verb == "f" and isinstance(arg, int | float) and not isinstance(arg, bool):
        return f"{arg:.{6 if precision is None else int(precision)}f}"
    if verb not in "vsqdtxXf":
        raise GraticuleError(f"printf verb %{verb} is not supported")
    return f"%!{verb}({_type_name(arg)}={_go_sprint(arg, True)})"


def _pad(text: str, flags: str, width: str | None) -> str:
    if width is None or len(text) >= int(width):
        return text
    if "-" in flags:
        return text.ljust(int(width))
    return text.rjust(int(width), "0" if "0" in flags else " ")


def go_sprint(*args: Any) -> str:
    """``fmt.Sprint``: spaces between operands when neither side is a string."""
    out = []
    for i, arg in enumerate(args):
        if i and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(_go_sprint(arg, True))
    return "".join(out)


def go_sprintln(*args: Any) -> str:
    """``fmt.Sprintln``: operands always separated by spaces, then a newline."""
    return " ".join(_go_sprint(a, True) for a in args) + "\n"


# ---- built-in functions ------------------------------------------------------------------------------------


def _and(*args: Any) -> Any:
    for arg in args:
        if not truth(arg):
            return arg
    return args[-1]


def _or(*args: Any) -> Any:
    for arg in args:
        if truth(arg):
            return arg
    return args[-1]


def _comparable(a: Any, b: Any) -> None:
    def kind(v: Any) -> str:
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, int | float):
            return "number"
        if isinstance(v, str):
            return "string"
        if v is None or v is MISSING:
            return "nil"
        return type(v).__name__

    if kind(a) != kind(b):
        raise GraticuleError(f"incompatible types for comparison: {_type_name(a)} and {_type_name(b)}")


def _eq(first: Any, *others: Any) -> bool:
    for other in others:
        _comparable(first, other)
    return any(first == other for other in others)


def _ordered(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(a: Any, b: Any) -> bool:
        _comparable(a, b)
        if isinstance(a, bool) or a is None or a is MISSING or not isinstance(a, int | float | str):
            raise GraticuleError(f"invalid type for comparison: {_type_name(a)}")
        return op(a, b)

    return compare


def _len(value: Any) -> int:
    if isinstance(value, str | list | tuple | Mapping):
        return len(value)
    raise GraticuleError(f"len of type {_type_name(value)}")


def _index(value: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(value, Mapping):
            value = value.get(key, MISSING)
        elif isinstance(value, list | tuple | str):
            if not isinstance(key, int) or isinstance(key, bool) or not 0 <= key < len(value):
                raise GraticuleError(f"index out of range: {_go_sprint(key, True)}")
            value = value[key]
        else:
            raise GraticuleError(f"can't index item of type {_type_name(value)}")
    return value


def _slice(value: Any, *bounds: int) -> Any:
    if not isinstance(value, str | list | tuple):
        raise GraticuleError(f"can't slice item of type {_type_name(value)}")
    if len(bounds) > 2:
        raise GraticuleError("too many slice indexes: only [i:j] is supported")
    start = bounds[0] if bounds else 0
    end = bounds[1] if len(bounds) > 1 else len(value)
    if not 0 <= start <= end <= len(value):
        raise GraticuleError(f"slice index out of range: [{start}:{end}] with length {len(value)}")
    return value[start:end]


BUILTINS: dict[str, Callable[..., Any]] = {
    "and": _and,
    "or": _or,
    "not": lambda value: not truth(value),
    "eq": _eq,
    "ne": lambda a, b: not _eq(a, b),
    "lt": _ordered(lambda a, b: a < b),
    "le": _ordered(lambda a, b: a <= b),
    "gt": _ordered(lambda a, b: a > b),
    "ge": _ordered(lambda a, b: a >= b),
    "len": _len,
    "index": _index,
    "slice": _slice,
    "print": go_sprint,
    "printf": go_sprintf,
    "println": go_sprintln,
}


# ---- helpers callers offer as functions (not Go built-ins) -------------------------------------------------


def go_json(value: Any, *indent: str) -> str:
    """Atlas's ``json`` template function: ``json .`` is Go's ``json.Marshal``, ``json . "  "`` and
    ``json . prefix indent`` its ``MarshalIndent``. Objects encode their exported (capitalised) fields."""
    if len(indent) > 2:
        raise GraticuleError(f"json takes at most 2 indent arguments, got {len(indent)}")
    plain = _json_value(value)
    if len(indent) == 2:
        prefix, step = indent
    else:
        prefix, step = "", (indent[0] if indent else None)
    separators = (",", ":") if step is None else (",", ": ")
    text = json.dumps(plain, ensure_ascii=False, indent=step, separators=separators)
    # Go escapes HTML-significant characters and the JavaScript line separators (inside strings, where
    # they can only occur), then MarshalIndent adds the prefix verbatim.
    for ch, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028")):
        text = text.replace(ch, escaped)
    text = text.replace("\u2029", "\\u2029")
    return text.replace("\n", "\n" + prefix) if prefix else text


def _json_value(value: Any) -> Any:
    if value is MISSING:
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if dataclasses.is_dataclass(value):
        exported = (f.name for f in dataclasses.fields(value) if f.name[:1].isupper())
        return {name: _json_value(getattr(value, name)) for name in exported}
    raise GraticuleError(f"json: unsupported type {type(value).__name__}")
