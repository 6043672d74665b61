"""Go's ``time.Duration`` text, both ways: ``--lock-timeout 10s`` in, ``-- ok (1.234ms)`` out.

Atlas's flags and project file take Go durations (``lock_timeout = "1m30s"``) and its apply log prints
``time.Duration.String()``; users compare the two tools' logs, so the spelling is Go's, unit for unit.
"""

from __future__ import annotations

import re

from ..errors import GraticuleError

_UNITS_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9}
_UNITS_NS["h"] = 3600 * 10**9
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(text: str) -> float:
    """Seconds in a Go duration (``300ms``, ``1m30s``, ``0``); a bare number is refused as Go refuses it."""
    value = text.strip()
    sign = -1 if value.startswith("-") else 1
    body = value.lstrip("+-")
    if body == "0":
        return 0.0
    pos, total = 0, 0.0
    while pos < len(body):
        match = _PART.match(body, pos)
        if not match:
            raise GraticuleError(f'invalid duration "{text}" (expected e.g. 10s, 500ms, 1m30s)')
        total += float(match.group(1)) * _UNITS_NS[match.group(2)]
        pos = match.end()
    if not body:
        raise GraticuleError(f'invalid duration "{text}" (expected e.g. 10s, 500ms, 1m30s)')
    return sign * total / 1e9


def format_duration(ns: int) -> str:
    """``time.Duration(ns).String()``: ``1.5s``, ``2m3.004s``, ``12.345ms``, ``830ns``, ``0s``."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    if ns < 1_000:
        return f"{sign}{ns}ns"
    if ns < 1_000_000:
        return f"{sign}{_fraction(ns, 1_000)}µs"
    if ns < 10**9:
        return f"{sign}{_fraction(ns, 1_000_000)}ms"
    hours, rest = divmod(ns, 3600 * 10**9)
    minutes, rest = divmod(rest, 60 * 10**9)
    out = sign
    if hours:
        out += f"{hours}h"
    if hours or minutes:
        out += f"{minutes}m"
    return out + f"{_fraction(rest, 10**9)}s"


def _fraction(value: int, unit: int) -> str:
    whole, frac = divmod(value, unit)
    if not frac:
        return str(whole)
    digits = len(str(unit)) - 1
    return f"{whole}.{frac:0{digits}d}".rstrip("0")
