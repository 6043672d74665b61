"""What one information_schema row means, per flavour: pure functions from catalog text to model values.

MySQL and MariaDB report the same DDL differently. For ``DEFAULT 'x'`` MariaDB (≥ 10.2.7) shows ``'x'`` quoted
and ``NULL`` as the four letters ``NULL``, while MySQL shows ``x`` bare and SQL NULL; MySQL 8 marks expression
defaults ``DEFAULT_GENERATED`` and writes their string literals escaped (``_utf8mb4\\'a\\'``); MariaDB writes
``current_timestamp()`` where MySQL writes ``CURRENT_TIMESTAMP``. Everything here maps both spellings to one
model form, so the rest of graticule sees one dialect:

- a default is the text that follows ``DEFAULT`` on both servers: a number (``1``, ``-1.50``), a quoted string
  (``'it''s'``), a bit or hex literal (``b'101'``, ``0x6162``), ``CURRENT_TIMESTAMP[(n)]``, or any other
  expression in parentheses (``(rand())``); no default and ``DEFAULT NULL`` are both ``None``;
- ``ON UPDATE`` is ``CURRENT_TIMESTAMP[(n)]``;
- a type is the server's text with keywords lower-cased (enum and set values keep their case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .server import Server
from .sql import quote_string, unquote_string, unwrap

# Types whose DEFAULT is written as a bare number (or bit literal).
NUMERIC_TYPES = frozenset(
    {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "dec", "numeric", "fixed"}
    | {"float", "double", "real", "bit", "bool", "boolean", "serial"}
)
BINARY_TYPES = frozenset({"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"})
TEMPORAL_TYPES = frozenset({"date", "datetime", "timestamp", "time", "year"})
# Types that take CHARACTER SET / COLLATE.
STRING_TYPES = frozenset({"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set"})

_NOW = re.compile(r"(?i)(?:current_timestamp|now|localtimestamp|localtime)\s*(?:\(\s*(\d*)\s*\))?")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_BIT_OR_HEX = re.compile(r"(?i)b'[01]*'|0b[01]+|x'[0-9a-f]*'|0x[0-9a-f]+")
_GENERATED = re.compile(r"(?i)\b(virtual|stored|persistent)\s+generated\b")
_ON_UPDATE = re.compile(r"(?i)\bon\s+update\s+(\S+(?:\(\s*\d*\s*\))?)")
_TYPE_COMMENT = re.compile(r"/\*.*?\*/")


@dataclass(frozen=True)
class Extra:
    """``COLUMNS.EXTRA`` read into its parts (it holds several space-separated flags on MySQL 8)."""

    auto_increment: bool = False
    on_update: str | None = None
    generated: str | None = None
    """``VIRTUAL`` or ``STORED`` (MariaDB's ``PERSISTENT`` is its synonym for STORED)."""
    default_generated: bool = False
    """MySQL 8: the default is an expression (or CURRENT_TIMESTAMP), not a literal."""
    invisible: bool = False


def parse_extra(extra: str | None) -> Extra:
    text = extra or ""
    lower = text.lower()
    generated = _GENERATED.search(text)
    on_update = _ON_UPDATE.search(text)
    return Extra(
        auto_increment="auto_increment" in lower,
        on_update=now_keyword(on_update.group(1)) if on_update else None,
        generated=(
            ("VIRTUAL" if generated.group(1).lower() == "virtual" else "STORED") if generated else None
        ),
        default_generated="default_generated" in lower,
        invisible="invisible" in lower.split(),
    )


def column_type(reported: str) -> str:
    """The type as the model keeps it: keywords lower-cased, quoted enum/set values untouched.

    MariaDB marks old temporal formats with a comment (``time /* mariadb-5.3 */``), not part of the type.
    """
    text = _TYPE_COMMENT.sub("", reported).strip()
    out = []
    quoted = False
    for ch in text:
        if ch == "'":
            quoted = not quoted  # a doubled '' toggles twice: still inside the value
        out.append(ch if quoted else ch.lower())
    return " ".join("".join(out).split())


def base_type(type_text: str) -> str:
    """``bigint(20) unsigned`` → ``bigint``; ``double precision`` → ``double``."""
    match = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)", type_text)
    return match.group(1).lower() if match else ""


def now_keyword(text: str) -> str | None:
    """``current_timestamp()``, ``now(6)``, ``CURRENT_TIMESTAMP``… → ``CURRENT_TIMESTAMP[(n)]``, else None."""
    match = _NOW.fullmatch(text.strip())
    if match is None:
        return None
    precision = match.group(1)
    return f"CURRENT_TIMESTAMP({int(precision)})" if precision and int(precision) else "CURRENT_TIMESTAMP"


def unescape(text: str) -> str:
    """MySQL 8 writes expressions in the catalog with their quotes escaped (``\\'``); read them back."""
    out = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "'\\":
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def column_default(server: Server, type_text: str, reported: str | None, extra: Extra) -> str | None:
    """``COLUMNS.COLUMN_DEFAULT`` in the model's form (see the module docstring)."""
    if reported is None:
        return None
    if server.maria:
        return _maria_default(reported)
    return _mysql_default(base_type(type_text), reported, extra)


def _maria_default(reported: str) -> str | None:
    if reported == "NULL":
        return None  # MariaDB spells both "no default" and DEFAULT NULL this way; a 'NULL' string is quoted
    value = unquote_string(reported)
    if value is not None:
        return quote_string(value)
    if (now := now_keyword(reported)) is not None:
        return now
    if _NUMBER.fullmatch(reported) or _BIT_OR_HEX.fullmatch(reported):
        return reported
    return f"({unwrap(reported)})"


def _mysql_default(base: str, reported: str, extra: Extra) -> str | None:
    if extra.default_generated:
        if (now := now_keyword(reported)) is not None:
            return now
        return f"({unwrap(unescape(reported))})"
    if base in TEMPORAL_TYPES and (now := now_keyword(reported)) is not None:
        return now  # MySQL 5.7 reports CURRENT_TIMESTAMP without DEFAULT_GENERATED
    if base in NUMERIC_TYPES:
        return reported
    if base in BINARY_TYPES and _BIT_OR_HEX.fullmatch(reported):
        return reported  # MySQL 8 shows binary defaults in hex
    return quote_string(reported)


def expression(server: Server, reported: str) -> str:
    """A check, generated-column or key-part expression without its outer parentheses."""
    return unwrap(reported if server.maria else unescape(reported))


def foreign_key_action(rule: str | None) -> str:
    """MySQL checks foreign keys immediately, so ``RESTRICT`` and ``NO ACTION`` are one behaviour (the
    MySQL manual says so); servers report either for an omitted clause. Both read as ``NO ACTION``."""
    action = (rule or "NO ACTION").upper()
    return "NO ACTION" if action == "RESTRICT" else action
