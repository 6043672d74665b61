"""HCL string templates: literal text, ``${ expr }`` interpolations, ``%{ if }`` and ``%{ for }`` directives.

Quoted strings and heredocs reach here by two roads. python-hcl2 parses a quoted string into parts (text,
interpolations, and each directive as a flat marker), so only the nesting is left to do. A heredoc it keeps as
raw text, so ``split_heredoc`` cuts the body into the same parts itself and parses each expression on its own:
an interpolation may then span lines, and no quoting or escaping of the body is needed (HCL processes no
backslash escapes in heredocs). ``assemble`` applies the ``~`` strip markers and nests the directives into
``If``/``For`` nodes for the evaluator to render.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lark import Token, Tree

from .errors import ConfigError
from .syntax import parse_expression, position


@dataclass
class Text:
    value: str


@dataclass
class Interpolation:
    expr: Tree
    line: int
    column: int
    synthetic: bool = False
    """The expression was parsed from a heredoc's text: positions inside its tree are not the file's, so
    errors are reported at ``line:column``, where the ``${`` is."""
    strip_before: bool = False
    strip_after: bool = False


@dataclass
class If:
    condition: Tree
    line: int
    column: int
    synthetic: bool
    then: list[Node] = field(default_factory=list)
    otherwise: list[Node] = field(default_factory=list)


@dataclass
class For:
    key: str | None
    value: str
    collection: Tree
    line: int
    column: int
    synthetic: bool
    body: list[Node] = field(default_factory=list)


Node = Text | Interpolation | If | For


@dataclass
class _Marker:
    """A directive before nesting (if, else, endif, for, endfor), with its strip markers."""

    keyword: str
    line: int
    column: int
    strip_before: bool = False
    strip_after: bool = False
    expr: Tree | None = None
    names: tuple[str, ...] = ()
    synthetic: bool = False


_Part = Text | Interpolation | _Marker


# ---- quoted strings (python-hcl2's parts) ------------------------------------------------------------------


def string_parts(node: Tree, decode: Callable[[Token], str]) -> list[_Part]:
    """The parts of a quoted string tree; ``decode`` turns a literal token into its text (escapes)."""
    parts: list[_Part] = []
    for part in node.children:
        if not isinstance(part, Tree):
            continue  # the quotes
        piece = part.children[0]
        if isinstance(piece, Token):
            if piece.type == "STRING_CHARS":
                parts.append(Text(decode(piece)))
            elif piece.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                parts.append(Text(str(piece.value)[1:]))  # $${ → ${ and %%{ → %{
            else:
                line, column = position(piece)
                raise ConfigError(f"unexpected {piece.value!r} in string", "", line, column)
        elif piece.data == "interpolation":
            expr = next(c for c in piece.children if isinstance(c, Tree))
            parts.append(Interpolation(expr, *position(piece)))
        else:
            parts.append(_marker_from_tree(piece))
    return parts


def _marker_from_tree(tree: Tree) -> _Marker:
    keyword = tree.data.removeprefix("template_").removesuffix("_start")
    tokens = [c for c in tree.children if isinstance(c, Token)]
    strips = [i for i, t in enumerate(tokens) if t.type == "STRIP_MARKER"]
    marker = _Marker(
        keyword,
        *position(tree),
        strip_before=bool(strips) and strips[0] == 1,
        strip_after=bool(strips) and strips[-1] == len(tokens) - 2,
    )
    trees = [c for c in tree.children if isinstance(c, Tree)]
    if keyword == "if":
        marker.expr = trees[0]
    elif keyword == "for":
        marker.names = tuple(str(t.children[0]) for t in trees if t.data == "identifier")
        marker.expr = trees[-1]
    return marker


# ---- heredocs (raw text) -----------------------------------------------------------------------------------

_DIRECTIVE = re.compile(
    r"\s*(?:(?P<if>if)\s+(?P<condition>.+)"
    r"|(?P<for>for)\s+(?P<names>[A-Za-z_][\w-]*(?:\s*,\s*[A-Za-z_][\w-]*)?)\s+in\s+(?P<collection>.+)"
    r"|(?P<word>else|endif|endfor))\s*\Z",
    re.S,
)


def split_heredoc(text: str, filename: str, line: int, indent: int = 0) -> list[_Part]:
    """Cut a heredoc body into template parts. The body starts at ``line`` of the file, and ``indent``
    columns were cut from each of its lines (``<<-``), which error positions add back."""
    parts: list[_Part] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith(("$${", "%%{"), i):
            literal.append(text[i + 1 : i + 3])
            i += 3
            continue
        if not text.startswith(("${", "%{"), i):
            literal.append(text[i])
            i += 1
            continue
        here = _locate(text, i, line, indent)
        end = _closing_brace(text, i + 2)
        if end is None:
            kind = "interpolation" if text[i] == "$" else "directive"
            raise ConfigError(
                f"unclosed template {kind}: {text[i : i + 2]} without a matching }}", filename, *here
            )
        if literal:
            parts.append(Text("".join(literal)))
            literal = []
        inner = text[i + 2 : end]
        strip_before, strip_after = inner.startswith("~"), inner.endswith("~") and len(inner) > 1
        inner = inner[1 if strip_before else 0 : len(inner) - 1 if strip_after else len(inner)]
        if text[i] == "$":
            expr = _expression(inner, filename, here)
            parts.append(Interpolation(expr, *here, True, strip_before, strip_after))
        else:
            parts.append(_directive(inner, filename, here, strip_before, strip_after))
        i = end + 1
    if literal:
        parts.append(Text("".join(literal)))
    return parts


def _directive(source: str, filename: str, here: tuple[int, int], before: bool, after: bool) -> _Marker:
    match = _DIRECTIVE.match(source)
    if not match:
        word = source.split()[0] if source.split() else ""
        raise ConfigError(
            f"invalid template directive %{{{word} ...}}: expected if, else, endif, for or endfor",
            filename,
            *here,
        )
    marker = _Marker("", *here, strip_before=before, strip_after=after, synthetic=True)
    if match.group("if"):
        marker.keyword, marker.expr = "if", _expression(match.group("condition"), filename, here)
    elif match.group("for"):
        marker.keyword = "for"
        marker.names = tuple(n.strip() for n in match.group("names").split(","))
        marker.expr = _expression(match.group("collection"), filename, here)
    else:
        marker.keyword = match.group("word")
    return marker


def _expression(source: str, filename: str, here: tuple[int, int]) -> Tree:
    if not source.strip():
        raise ConfigError("empty template interpolation: expected an expression", filename, *here)
    # Parentheses let the expression span lines, as HCL allows inside ${ }.
    return parse_expression(f"(\n{source}\n)", filename, *here)


def _closing_brace(text: str, i: int) -> int | None:
    """The index of the ``}`` closing an interpolation whose expression starts at ``i``: braces nest, and
    quoted strings inside the expression (with their own templates) are skipped."""
    depth = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            i = _string_end(text, i + 1)
            if i < 0:
                return None
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return None


def _string_end(text: str, i: int) -> int:
    """The index of the quote closing a string whose text starts at ``i``; -1 when there is none."""
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            return i
        if text.startswith(("${", "%{"), i):
            end = _closing_brace(text, i + 2)
            if end is None:
                return -1
            i = end
        elif ch == "\n":
            return -1
        i += 1
    return -1


def _locate(text: str, index: int, line: int, indent: int) -> tuple[int, int]:
    return line + text.count("\n", 0, index), indent + index - text.rfind("\n", 0, index)


# ---- nesting -----------------------------------------------------------------------------------------------


def assemble(parts: list[_Part], filename: str) -> list[Node]:
    """Apply ``~`` strip markers to the neighbouring text and nest the directives."""
    _strip(parts)
    nodes, end = _nest(parts, 0, None, filename)
    if end < len(parts):
        marker = parts[end]
        assert isinstance(marker, _Marker)
        raise ConfigError(
            f"unexpected %{{ {marker.keyword} }} without a matching opening directive",
            filename,
            marker.line,
            marker.column,
        )
    return nodes


def _strip(parts: list[_Part]) -> None:
    for i, part in enumerate(parts):
        if isinstance(part, Text):
            continue
        before, after = parts[i - 1] if i > 0 else None, parts[i + 1] if i + 1 < len(parts) else None
        if part.strip_before and isinstance(before, Text):
            parts[i - 1] = Text(before.value.rstrip())
        if part.strip_after and isinstance(after, Text):
            parts[i + 1] = Text(after.value.lstrip())


def _nest(parts: list[_Part], i: int, opener: _Marker | None, filename: str) -> tuple[list[Node], int]:
    """Nodes from ``parts[i]`` up to the marker that closes ``opener`` (or the end); returns the index of
    that marker."""
    nodes: list[Node] = []
    closers = {"if": ("else", "endif"), "for": ("endfor",)}.get(opener.keyword if opener else "", ())
    while i < len(parts):
        part = parts[i]
        if isinstance(part, Text | Interpolation):
            nodes.append(part)
        elif part.keyword in closers:
            return nodes, i
        elif part.keyword in ("else", "endif", "endfor"):
            if opener is None:
                return nodes, i
            wanted = "endif" if opener.keyword == "if" else "endfor"
            raise ConfigError(
                f"unexpected %{{ {part.keyword} }}: the %{{ {opener.keyword} }} at line {opener.line} needs "
                f"%{{ {wanted} }} first",
                filename,
                part.line,
                part.column,
            )
        else:
            node, i = _block(parts, i, part, filename)
            nodes.append(node)
        i += 1
    if opener is not None:
        wanted = "endif" if opener.keyword == "if" else "endfor"
        raise ConfigError(
            f"unclosed template directive: %{{ {opener.keyword} }} without %{{ {wanted} }}",
            filename,
            opener.line,
            opener.column,
        )
    return nodes, i


def _block(parts: list[_Part], i: int, opener: _Marker, filename: str) -> tuple[Node, int]:
    assert opener.expr is not None
    body, end = _nest(parts, i + 1, opener, filename)
    if opener.keyword == "for":
        key, value = (None, opener.names[0]) if len(opener.names) == 1 else opener.names
        return For(key, value, opener.expr, opener.line, opener.column, opener.synthetic, body), end
    node = If(opener.expr, opener.line, opener.column, opener.synthetic, then=body)
    closing = parts[end]
    assert isinstance(closing, _Marker)
    if closing.keyword == "else":
        node.otherwise, end = _nest(parts, end + 1, _Marker("if", opener.line, opener.column), filename)
        closing = parts[end]
        assert isinstance(closing, _Marker)
        if closing.keyword == "else":
            raise ConfigError("a second %{ else } in one %{ if }", filename, closing.line, closing.column)
    return node, end
