"""Small questions about SQL expression text, answered with sqlglot's tokenizer for the dialect.

Drivers keep defaults, checks and predicates as text; whether such a text is already one parenthesised
expression decides if rendering must wrap it. Tokens (not characters) are counted so that each dialect's
quoting and escaping rules — backticks, ``\\'`` in MySQL strings, ``''`` — come from sqlglot, not from us.
"""

from __future__ import annotations

from functools import cache

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType


@cache
def _dialect(name: str) -> Dialect:
    return Dialect.get_or_raise(name)


def is_parenthesised(sql: str, dialect: str) -> bool:
    """Whether the whole text is one parenthesised expression (``(a) + (b)`` is not)."""
    sql = sql.strip()
    if not sql.startswith("(") or not sql.endswith(")"):
        return False
    try:
        tokens = _dialect(dialect).tokenize(sql)
    except TokenError:
        return False
    depth = 0
    for i, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return i == len(tokens) - 1
    return False


def strip_parens(sql: str, dialect: str) -> str:
    """The expression without the parentheses around the whole of it (any number of them)."""
    sql = sql.strip()
    while is_parenthesised(sql, dialect):
        sql = sql[1:-1].strip()
    return sql
