"""PostgreSQL's rules for when two types, defaults or expressions are the same.

Both sides of a diff are normally read back by the same inspector from the same server, so they are spelled
alike; these keys make the comparison hold for other spellings too (a hand-written model, another server
version, ``schema inspect`` output fed back), and err towards *different* where equality is not certain.

- Types: ``format_type``'s spelling (:func:`.types.canonical`): ``int4`` is ``integer``, ``varchar(20)`` is
  ``character varying(20)``, ``timestamptz`` is ``timestamp with time zone``. ``serial`` is not ``integer``:
  it carries its sequence.
- Expressions (defaults, checks, index expressions and predicates, generated columns): sqlglot trees read as
  PostgreSQL, with grouping made explicit and redundant parentheses dropped, unquoted identifiers folded to
  lower case (quoted ones kept: ``"Name"`` is not ``name``), type names in casts canonical, a string literal
  cast to a string type read as the literal (``'x'::character varying`` is ``'x'``), and ``nextval``'s
  ``::regclass`` dropped. String literals compare exactly. Text that sqlglot cannot read compares by its
  spacing-normalised text.
- Defaults: expressions as above; ``NULL`` equals no default.
"""

from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from ...schema import Column
from . import types

DIALECT = "postgres"

_STRING_TYPES = {"text", "character varying", "bpchar"}


class PostgresNormalizer:
    def type_key(self, column: Column) -> str:
        return types.canonical(column.type)

    def default_key(self, column: Column) -> str | None:
        return default_key(column.default)

    def expr_key(self, sql: str | None) -> str | None:
        return None if sql is None else expr_key(sql)


@functools.lru_cache(maxsize=8192)
def default_key(default: str | None) -> str | None:
    if default is None:
        return None
    key = expr_key(default)
    return None if key == "NULL" else key


@functools.lru_cache(maxsize=8192)
def expr_key(sql: str) -> str:
    try:
        tree = sqlglot.parse_one(sql, read=DIALECT)
    except (ParseError, TokenError):
        return "text:" + " ".join(sql.split())
    return _canonical(tree).sql(dialect=DIALECT)


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
        # PostgreSQL folds unquoted names to lower case; a quoted name is exactly what it says.
        return exp.Identifier(this=node.this if node.quoted else node.this.lower(), quoted=True)
    if isinstance(node, exp.Cast):
        return _without_redundant_cast(node)
    if isinstance(node, exp.Anonymous):
        node.set("this", node.this.lower())
        if node.this == "nextval" and node.expressions:
            node.set("expressions", [_without_regclass(a) for a in node.expressions])
    if _is_operation(node):
        # sqlglot renders a tree without Paren nodes with no regard to precedence, so every operand that is
        # itself an operation is parenthesised: the key then shows exactly the grouping the tree has.
        for key, child in list(node.args.items()):
            if isinstance(child, exp.Expression) and _is_operation(child):
                node.set(key, exp.Paren(this=child))
    return node


def _without_redundant_cast(cast: exp.Cast) -> exp.Expression:
    """``'x'::text`` and ``'x'::character varying`` are the literal ``'x'``: PostgreSQL adds such casts when
    it stores a string default or check operand, and they change nothing about the value."""
    inner = cast.this
    if isinstance(inner, exp.Literal) and inner.is_string and _is_string_type(cast.to):
        return inner
    return cast


def _is_string_type(to: exp.DataType) -> bool:
    if to.expressions:  # character varying(10) truncates: not redundant
        return False
    return types.base_name(to.sql(dialect=DIALECT)) in _STRING_TYPES


def _without_regclass(arg: exp.Expression) -> exp.Expression:
    if isinstance(arg, exp.Cast) and arg.to.sql(dialect=DIALECT).upper() == "REGCLASS":
        return arg.this
    return arg


def _is_operation(node: exp.Expression) -> bool:
    return isinstance(node, exp.Binary | exp.Unary | exp.Between | exp.In) and not isinstance(node, exp.Paren)
