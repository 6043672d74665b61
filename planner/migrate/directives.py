"""File-level ``atlas:`` directives: comment lines at the top of a migration file, then a blank line.

::

    -- atlas:txmode none
    -- atlas:nolint DS103

    ALTER TABLE ...

The rules are Atlas's (``LocalFile.comments``): the header is the run of lines starting with ``--`` or ``#``
at the very top of the file, and it counts only when a blank line separates it from the statements (or the
file holds nothing else), so a comment written above the first statement is not mistaken for a header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import GraticuleError

# Atlas's directive pattern: any printable prefix, ``atlas:<name>``, then optional arguments after spaces.
DIRECTIVE = re.compile(r"^([ -~]*)atlas:(\w+)(?: +(.+))*", re.ASCII)

TXMODES = ("none", "file")


@dataclass(frozen=True)
class FileDirectives:
    txmode: str | None = None
    """``none`` or ``file``; None when the file does not say (the command's ``--tx-mode`` applies)."""
    delimiter: str | None = None
    """The statement delimiter with ``\\n``, ``\\r``, ``\\t`` unescaped; None for the default ``;``."""
    nolint: tuple[str, ...] | None = None
    """Checks to skip: None without the directive; an empty tuple means every check."""
    sum_ignore: bool = False
    """``atlas:sum ignore`` on the first line: the file's content is left out of ``atlas.sum``."""
    other: list[tuple[str, str]] = field(default_factory=list)
    """Directives graticule does not act on (``atlas:import``, ``atlas:checkpoint``, ...), kept verbatim."""


def header_comments(text: str) -> list[str]:
    """The header comment lines, stripped; empty when the comments belong to the first statement."""
    comments = []
    rest = text
    while rest.startswith(("#", "--")):
        line, newline, rest = rest.partition("\n")
        if not newline:
            # A file made only of comments: they are all header.
            comments.append(line)
            return comments
        comments.append(line.strip())
    if rest and not rest.lstrip(" \t").startswith("\n"):
        return []
    return comments


def is_sum_ignored(text: str) -> bool:
    """Whether the file's *first line* is ``atlas:sum ignore`` (Atlas's hashing looks nowhere else)."""
    return parse_directive(text) == ("sum", "ignore")


def parse_directive(comment: str) -> tuple[str, str] | None:
    """``(name, arguments)`` of an ``atlas:`` comment line, or None."""
    match = DIRECTIVE.match(comment)
    if not match:
        return None
    return match.group(2), match.group(3) or ""


def unescape_delimiter(value: str) -> str:
    return value.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t")


def first_line_delimiter(text: str) -> str | None:
    """The delimiter a statement scanner uses: Atlas honours it only on the file's first line, as ``-- ``."""
    match = DIRECTIVE.match(text)
    if match and match.group(2) == "delimiter" and match.group(1) == "-- " and match.group(3):
        return unescape_delimiter(match.group(3))
    return None


def parse_directives(text: str, filename: str = "") -> FileDirectives:
    """Read the header directives of a migration file's text."""
    found: dict[str, list[str]] = {}
    lines: dict[str, list[int]] = {}
    other = []
    # The header is the file's first lines, one comment each: comment i sits on line i + 1.
    for line, comment in enumerate(header_comments(text), 1):
        parsed = parse_directive(comment)
        if parsed is None:
            continue
        name, args = parsed
        found.setdefault(name, []).append(args)
        lines.setdefault(name, []).append(line)
        if name not in ("txmode", "delimiter", "nolint", "sum"):
            other.append(parsed)
    return FileDirectives(
        txmode=_txmode(found.get("txmode", []), filename, lines.get("txmode", [])),
        delimiter=unescape_delimiter(found["delimiter"][0]) if found.get("delimiter") else None,
        nolint=tuple(" ".join(found["nolint"]).split()) if "nolint" in found else None,
        sum_ignore=is_sum_ignored(text),
        other=other,
    )


def _txmode(values: list[str], filename: str, lines: list[int]) -> str | None:
    if not values:
        return None

    def where(index: int) -> str:
        return f"{filename}:{lines[index]}: " if filename else ""

    if len(values) > 1:
        raise GraticuleError(f"{where(1)}multiple txmode values found: {values}")
    value = values[0]
    if value == "all":
        raise GraticuleError(f'{where(0)}txmode "all" is not allowed in a file directive; use "file" instead')
    if value not in TXMODES:
        raise GraticuleError(f"{where(0)}unknown txmode {value!r} (expected none or file)")
    return value
