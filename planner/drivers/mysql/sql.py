"""SQL text helpers shared by the MySQL/MariaDB inspector and planner: quoting and MySQL string literals."""

from __future__ import annotations

from ...sqltext import is_parenthesised, strip_parens

# Characters MySQL writes as backslash escapes inside a string literal (in both directions).
_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_QUOTE = {"\\": "\\\\", "'": "''", "\0": "\\0", "\n": "\\n", "\r": "\\r", "\x1a": "\\Z"}


def quote_ident(name: str) -> str:
    """A backtick-quoted identifier."""
    return "`" + name.replace("`", "``") + "`"


def quote_string(value: str) -> str:
    """A single-quoted MySQL string literal for ``value`` (unless sql_mode is NO_BACKSLASH_ESCAPES)."""
    return "'" + "".join(_QUOTE.get(ch, ch) for ch in value) + "'"


def unquote_string(literal: str) -> str | None:
    """The value of one complete single-quoted MySQL string literal, or None if ``literal`` is not one.

    Reads both spellings of a quote (``''`` and ``\\'``) and the backslash escapes; ``\\%`` and ``\\_`` keep
    their backslash, as MySQL does outside LIKE patterns.
    """
    if len(literal) < 2 or literal[0] != "'" or literal[-1] != "'":
        return None
    out = []
    i, end = 1, len(literal) - 1
    while i < end:
        ch = literal[i]
        if ch == "\\" and i + 1 < end:
            nxt = literal[i + 1]
            out.append(_ESCAPES.get(nxt, "\\" + nxt if nxt in "%_" else nxt))
            i += 2
        elif ch == "'":
            if literal[i + 1] != "'" or i + 1 >= end:
                return None  # a lone quote ends the literal early: this is not one literal
            out.append("'")
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def is_wrapped(sql: str) -> bool:
    """Whether the whole text is one parenthesised expression (``(a) + (b)`` is not)."""
    return is_parenthesised(sql, "mysql")


def unwrap(sql: str) -> str:
    """The expression without the parentheses around all of it (any number of them)."""
    return strip_parens(sql, "mysql")


def wrap(sql: str) -> str:
    """The expression in one pair of parentheses (as DEFAULT, CHECK, AS and key parts need it)."""
    return f"({unwrap(sql)})"
