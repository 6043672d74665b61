"""Small pieces of PostgreSQL SQL text shared by the inspector and the planner: quoting and parentheses."""

from __future__ import annotations

import re

from ... import sqltext

_PLAIN_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_$]*")


def quote(name: str) -> str:
    """A double-quoted identifier, as Atlas writes every name in PostgreSQL plans."""
    return '"' + name.replace('"', '""') + '"'


def quote_if_needed(name: str) -> str:
    """The identifier as PostgreSQL prints it: bare when lower-case and plain, else double-quoted."""
    return name if _PLAIN_IDENTIFIER.fullmatch(name) else quote(name)


def literal(text: str) -> str:
    """A standard SQL string literal (``standard_conforming_strings`` is on since PostgreSQL 9.1)."""
    return "'" + text.replace("'", "''") + "'"


def is_parenthesised(sql: str) -> bool:
    """Whether the whole text is one parenthesised expression (``(a) + (b)`` is not)."""
    return sqltext.is_parenthesised(sql, "postgres")


def strip_parens(sql: str) -> str:
    """The expression without the parentheses around the whole of it (the server deparses ``(a > 0)``)."""
    return sqltext.strip_parens(sql, "postgres")


def wrap(sql: str) -> str:
    """The expression in parentheses, unless it already is one parenthesised expression."""
    return sql if is_parenthesised(sql) else f"({sql})"


def comment_name(name: str) -> str:
    """A name as Atlas shows it in comments (Go's %q)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


# PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes.
MAX_IDENTIFIER_BYTES = 63


def serial_sequence_name(table: str, column: str) -> str:
    """The name PostgreSQL gives the sequence of a serial column (``makeObjectName(table, column, "seq")``):
    ``<table>_<column>_seq``, the longer of the two names shortened first until it fits 63 bytes."""
    t, c = table.encode(), column.encode()
    available = MAX_IDENTIFIER_BYTES - len(b"_") - len(b"_seq")
    t_len, c_len = len(t), len(c)
    while t_len + c_len > available:
        if t_len > c_len:
            t_len -= 1
        else:
            c_len -= 1
    return f"{_clip(t, t_len)}_{_clip(c, c_len)}_seq"


def _clip(name: bytes, length: int) -> str:
    # Never cut a multi-byte character in half (pg_mbcliplen).
    return name[:length].decode("utf-8", errors="ignore")
