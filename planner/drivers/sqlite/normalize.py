"""SQLite's rules for when two types, defaults or expressions are the same.

Each key is equal exactly when SQLite would behave the same, and errs towards *different* where that is
not certain: a spurious difference costs a needless table rebuild, a spurious equality loses a change.

- Types: declared text compared case- and spacing-insensitively, nothing more. ``int`` and ``integer`` share
  an affinity but are not interchangeable (only ``INTEGER PRIMARY KEY`` aliases the rowid), and
  ``varchar(100)`` vs ``varchar(200)`` is a change the user asked for even though SQLite ignores lengths.
- Defaults: literals by the value SQLite stores. ``0``/``(0)``/``+0``/``0x0``/``FALSE`` are one value, as are
  ``'x'``/``('x')`` and ``DEFAULT x``; ``'1'`` and ``1`` are not (text vs integer), nor ``1`` and ``1.0``
  (integer vs real). ``NULL`` equals no default. Other expressions compare as expressions.
- Expressions: sqlglot trees with grouping parentheses made explicit and redundant ones dropped, identifiers
  unquoted and lower-cased (SQLite identifiers are case-insensitive), keywords and function names in one case,
  numbers by value; string literals are compared exactly.
"""

from __future__ import annotations

import functools
import re

from sqlglot import exp

from ...schema import Column
from .ddl import DIALECT, parse_expression, strip_parens

_INT64_MAX = 2**63 - 1


class SQLiteNormalizer:
    def type_key(self, column: Column) -> str:
        return type_key(column.type)

    def default_key(self, column: Column) -> str | None:
        return default_key(column.default)

    def expr_key(self, sql: str | None) -> str | None:
        return None if sql is None else expr_key(sql)


# The diff asks for the same keys again and again (every column, in every comparison): the keys are pure
# functions of the text, so they are computed once.
@functools.lru_cache(maxsize=8192)
def type_key(declared: str) -> str:
    """``VARCHAR ( 200 )`` → ``varchar(200)``; ``double   precision`` → ``double precision``."""
    return re.sub(r"\s*([(),])\s*", r"\1", " ".join(declared.lower().split()))


@functools.lru_cache(maxsize=8192)
def default_key(default: str | None) -> str | None:
    if default is None:
        return None
    node = parse_expression(default)
    if isinstance(node, exp.Null):
        return None  # DEFAULT NULL stores what no default stores
    value = _literal_value(node)
    if value is not None:
        return value
    if isinstance(node, exp.Column) and not node.table:
        return "text:" + node.name  # DEFAULT abc / DEFAULT "abc": SQLite's fallback to a string literal
    if isinstance(node, exp.CurrentTimestamp | exp.CurrentDate | exp.CurrentTime):
        return "now:" + node.sql(dialect=DIALECT).upper()
    return "expr:" + expr_key(default)


def _literal_value(node: exp.Expression) -> str | None:
    """``<storage class>:<value>`` for a constant SQLite stores as such, else None."""
    if isinstance(node, exp.Boolean):
        return "integer:1" if node.this else "integer:0"  # TRUE and FALSE are the integers 1 and 0
    if isinstance(node, exp.HexString):
        return "blob:" + node.this.lower()
    if isinstance(node, exp.Literal):
        return "text:" + node.this if node.is_string else _number(node.this)
    if isinstance(node, exp.Neg):
        inner = strip_parens(node.this)
        if isinstance(inner, exp.Literal) and not inner.is_string:
            if inner.this == str(_INT64_MAX + 1):  # SQLite reads -9223372036854775808 as an integer
                return f"integer:{-(_INT64_MAX + 1)}"
            return _number("-" + inner.this)
    return None


def _number(text: str) -> str:
    """A numeric literal by the value SQLite stores: integers that fit in 64 bits stay integers."""
    try:
        value = int(text, 0) if text.lower().lstrip("-").startswith("0x") else int(text)
    except ValueError:
        return f"real:{float(text) + 0.0!r}"  # + 0.0 folds -0.0 into 0.0, as SQLite stores it
    if abs(value) > _INT64_MAX:
        return f"real:{float(value)!r}"
    return f"integer:{value}"


@functools.lru_cache(maxsize=8192)
def expr_key(sql: str) -> str:
    return _canonical(parse_expression(sql).copy()).sql(dialect=DIALECT)


def _canonical(node: exp.Expression) -> exp.Expression:
    """Rewrite bottom-up (sqlglot's ``transform`` does not descend into a node it has just replaced)."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            node.set(key, _canonical(value))
        elif isinstance(value, list):
            node.set(key, [_canonical(v) if isinstance(v, exp.Expression) else v for v in value])
    if isinstance(node, exp.Paren):
        return node.this  # grouping lives in the tree; operands that need it get explicit parentheses below
    if isinstance(node, exp.Identifier):
        return exp.Identifier(this=node.this.lower(), quoted=False)
    if isinstance(node, exp.Var):
        return exp.Var(this=node.this.lower())
    if isinstance(node, exp.Anonymous):
        node.set("this", node.this.lower())
    if isinstance(node, exp.Literal) and not node.is_string:
        _, _, number = _number(node.this).partition(":")
        # Keep the storage class visible: 1.0 and 1 differ (real vs integer) in SQLite.
        return exp.Literal.number(number)
    if _is_operation(node):
        # sqlglot renders a tree without Paren nodes with no regard to precedence, so every operand that is
        # itself an operation is parenthesised: the key then shows exactly the grouping the tree has.
        for key, child in list(node.args.items()):
            if isinstance(child, exp.Expression) and _is_operation(child):
                node.set(key, exp.Paren(this=child))
    return node


def _is_operation(node: exp.Expression) -> bool:
    return isinstance(node, exp.Binary | exp.Unary | exp.Between | exp.In) and not isinstance(node, exp.Paren)
