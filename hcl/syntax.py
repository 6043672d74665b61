"""Parse HCL with python-hcl2 into bodies of attributes and blocks, keeping python-hcl2's expression trees.

python-hcl2 does the parsing (its Lark grammar, with positions); this module only reshapes the top of the tree
into what a config loader asks for (the attributes and blocks of a body) and turns parse failures into
``ConfigError`` with the file, line and column. Expressions stay Lark trees for the evaluator to walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import hcl2
from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import ConfigError
from .strings import decode_escapes

# Terminal names of python-hcl2's grammar, as a user would write them.
_TERMINALS = {
    "RBRACE": '"}"',
    "LBRACE": '"{"',
    "RSQB": '"]"',
    "LSQB": '"["',
    "RPAR": '")"',
    "LPAR": '"("',
    "EQ": '"="',
    "COLON": '":"',
    "COMMA": '","',
    "DBLQUOTE": '"\\""',
    "NAME": "a name",
    "$END": "end of file",
    "NL_OR_COMMENT": "a newline",
}
# When the parser would accept any of these, what it wants is an expression.
_EXPRESSION_STARTS = {"DBLQUOTE", "INT_LITERAL", "NAME", "LSQB", "LBRACE"}


@dataclass
class Attribute:
    name: str
    expr: Tree
    line: int
    column: int


@dataclass
class Block:
    type: str
    labels: list[str]
    body: Body
    line: int
    column: int


@dataclass
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def blocks_of(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]


def parse(text: str, filename: str) -> Body:
    """Parse a whole file; a syntax error is a ``ConfigError`` at its position."""
    tree = _parse_tree(text, filename, "syntax error", None)
    return _Reader(filename).body(tree.children[0])


def parse_expression(source: str, filename: str, line: int, column: int) -> Tree:
    """Parse ``source`` as one expression (the pieces of heredoc templates, which python-hcl2 keeps as raw
    text). Errors are reported at ``line:column``, the position of the construct the source came from."""
    tree = _parse_tree(f"v = {source}\n", filename, "syntax error in template", (line, column))
    attributes = [
        c for c in tree.children[0].children if isinstance(c, Tree) and c.data != "new_line_or_comment"
    ]
    if len(attributes) != 1 or attributes[0].data != "attribute":
        raise ConfigError("syntax error in template: expected one expression", filename, line, column)
    return attributes[0].children[-1]


def _parse_tree(text: str, filename: str, what: str, at: tuple[int, int] | None) -> Tree:
    """python-hcl2's parse tree; every failure of the parser, whatever its type, becomes a ``ConfigError``."""
    try:
        return hcl2.parses_to_tree(text)
    except UnexpectedInput as e:
        line, column = at or (e.line, e.column)
        raise ConfigError(f"{what}: {_describe(e)}", filename, line, column) from None
    except RecursionError:
        line, column = at or (None, None)
        raise ConfigError(f"{what}: nested too deeply", filename, line, column) from None
    except Exception as e:  # the grammar's lexer and transformer fail in ways Lark does not classify
        line, column = at or (getattr(e, "line", None), getattr(e, "column", None))
        detail = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ConfigError(
            f"{what}: {detail}", filename, line if isinstance(line, int) else None, column
        ) from None


def _describe(error: UnexpectedInput) -> str:
    if isinstance(error, UnexpectedCharacters):
        return f"unexpected character {error.char!r}"
    if isinstance(error, UnexpectedEOF):
        return "unexpected end of file"
    if not isinstance(error, UnexpectedToken):
        return str(error).strip().splitlines()[0] if str(error).strip() else "unexpected input"
    token = error.token
    text = str(token.value).lstrip(" \t")
    if token.type == "$END":
        found = "end of file"
    elif text.startswith(("\n", "\r")) or not text:
        found = "newline"
    elif text.startswith("~"):
        # python-hcl2 has no strip markers in ${ } of quoted strings; heredocs and %{ } have them.
        return "${~ and ~} strip markers are not supported in quoted strings (use them in a heredoc)"
    else:
        found = repr(text.split("\n")[0][:20])
    expected = set(error.expected or ())
    if {"DBLQUOTE", "STRING_CHARS"} <= expected:
        wanted = "a closing '\"'"
    elif expected & _EXPRESSION_STARTS and len(expected) > 3:
        wanted = "an expression"
    else:
        wanted = " or ".join(sorted(_TERMINALS.get(t, t.lower()) for t in expected))
    return f"unexpected {found}" + (f", expected {wanted}" if wanted else "")


class _Reader:
    def __init__(self, filename: str) -> None:
        self.filename = filename

    def error(self, message: str, node: Tree | Token) -> ConfigError:
        line, column = position(node)
        return ConfigError(message, self.filename, line, column)

    def body(self, tree: Tree) -> Body:
        body = Body()
        previous_end: int | None = None
        for child in tree.children:
            if not isinstance(child, Tree) or child.data == "new_line_or_comment":
                continue
            # python-hcl2 accepts `a = 1 b = 2`; HCL requires each argument and block on its own line.
            if previous_end is not None and child.meta.line == previous_end:
                raise self.error("syntax error: missing newline before this argument or block", child)
            # A heredoc's token swallows the newline after its marker: it ends at column 1 of the next line.
            previous_end = child.meta.end_line - (child.meta.end_column == 1)
            if child.data == "attribute":
                self.attribute(body, child)
            elif child.data == "block":
                body.blocks.append(self.block(child))
        return body

    def attribute(self, body: Body, tree: Tree) -> None:
        name = self.name(tree.children[0])
        if name in body.attributes:
            first = body.attributes[name]
            raise self.error(f'attribute "{name}" redefined (first set at line {first.line})', tree)
        line, column = position(tree)
        body.attributes[name] = Attribute(name, tree.children[-1], line, column)

    def block(self, tree: Tree) -> Block:
        head = [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        *names, inner = head
        block_type = self.name(names[0])
        labels = [self.label(n) for n in names[1:]]
        line, column = position(tree)
        return Block(block_type, labels, self.body(inner), line, column)

    def name(self, tree: Tree) -> str:
        token = tree.children[0]
        assert isinstance(token, Token)
        return str(token.value)

    def label(self, tree: Tree) -> str:
        if tree.data != "string":
            return self.name(tree)
        parts = [c for c in tree.children if isinstance(c, Tree)]
        text = []
        for part in parts:
            token = part.children[0]
            if not isinstance(token, Token) or token.type != "STRING_CHARS":
                raise self.error("block labels must be literal strings, without ${...}", tree)
            text.append(decode_escapes(str(token.value), lambda m: self.error(m, tree)))
        return "".join(text)


def position(node: Tree | Token) -> tuple[int, int]:
    if isinstance(node, Token):
        return node.line or 1, node.column or 1
    if node.meta.empty:
        for child in node.children:
            if isinstance(child, Tree | Token):
                return position(child)
        return 1, 1
    return node.meta.line, node.meta.column
