"""The values of the config language, as plain Python: ``str``, ``int``/``float`` (HCL numbers), ``bool``,
``None`` (null), ``list`` (tuples, lists and sets) and ``dict`` (objects and maps); and how HCL names, prints
and compares them."""

from __future__ import annotations

from typing import Any


class ProgramOutput(str):
    """The value of a ``data "external"`` source: its stdout, a string. Atlas exposes the string itself
    (``data.external.x``); ``.value`` is accepted as well and gives the same string."""

    __slots__ = ()


class SetList(list):
    """A set (``toset(...)``): a list whose items are unique, in HCL's set order. It behaves as a list
    everywhere, except that ``for_each`` keys a set's items by themselves rather than by position."""

    __slots__ = ()


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def format_number(value: int | float) -> str:
    """HCL prints numbers without a needless fraction: ``2``, ``2.5``, ``1000``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def equal(a: Any, b: Any) -> bool:
    """HCL equality is typed: ``1 == "1"`` is false, and ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return str(a) == str(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b
