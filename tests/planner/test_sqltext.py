from __future__ import annotations

import pytest

from graticule.planner.sqltext import is_parenthesised, strip_parens


@pytest.mark.parametrize(
    ("sql", "dialect", "expected"),
    [
        ("(a)", "sqlite", True),
        ("  ((a + 1))  ", "postgres", True),
        ("(a) + (b)", "sqlite", False),
        ("a", "mysql", False),
        ("('x)')", "postgres", True),  # the ) inside a string closes nothing
        ("(`a)`)", "sqlite", True),  # nor inside a quoted identifier
        ("('it\\'s)')", "mysql", True),  # MySQL's backslash escape keeps the string open
        ("('it''s') || (')')", "sqlite", False),
        ("(a", "mysql", False),
        ("('unterminated)", "postgres", False),
    ],
)
def test_is_parenthesised(sql: str, dialect: str, expected: bool) -> None:
    assert is_parenthesised(sql, dialect) is expected


def test_strip_parens_removes_every_outer_pair_only() -> None:
    assert strip_parens("((a > 0))", "postgres") == "a > 0"
    assert strip_parens("(a) + (b)", "sqlite") == "(a) + (b)"
    assert strip_parens("( (x) )", "mysql") == "x"
