"""MySQL/MariaDB rules for when two types, defaults or expressions are the same.

One set of rules serves both flavours: it equates exactly the spellings either server produces for one
definition, and nothing that either server would keep apart.

- Types: ``int`` ≡ ``int(11)``, ``int unsigned`` ≡ ``int(10) unsigned``, … — the display width a flavour adds
  by default (MariaDB, MySQL 5.7) or drops (MySQL ≥ 8.0.19) is not a difference; any other width is kept
  (``int(5)`` is not ``int`` on MariaDB, and MySQL 8 never reports one). ``bool``/``boolean`` ≡
  ``tinyint(1)`` (what both servers store), and the synonyms MySQL resolves (``integer``, ``numeric``,
  ``double precision``, ``char`` ≡ ``char(1)``, ``decimal`` ≡ ``decimal(10,0)``, ``datetime(0)`` …).
- Defaults: by value for the column's type — numbers numerically (``1.50`` ≡ ``1.5`` ≡ ``'1.5'``), strings
  exactly however quoted (MariaDB's ``'x'``, MySQL's ``x`` already read by the inspector, ``('x')``,
  ``_utf8mb4'x'``), binary values by their bytes (``'ab'`` ≡ ``0x6162``), ``now()`` ≡ ``current_timestamp()``
  ≡ ``CURRENT_TIMESTAMP`` (same precision only); other expressions as expressions.
- Expressions: sqlglot trees (``read="mysql"``) with redundant parentheses dropped, identifiers unquoted and
  lower-cased (MySQL column names are case-insensitive), character-set introducers dropped (MySQL 8 adds
  ``_utf8mb4`` to every literal it shows back), numbers by value; string literals are compared exactly.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

import sqlglot
from sqlglot import exp

from ...schema import Column
from .sql import unquote_string, unwrap
from .values import BINARY_TYPES, NUMERIC_TYPES, base_type, now_keyword

DIALECT = "mysql"

# Display width each server adds to an integer type declared without one: (signed, unsigned).
_DEFAULT_WIDTHS = {
    "tinyint": (4, 3),
    "smallint": (6, 5),
    "mediumint": (9, 8),
    "int": (11, 10),
    "bigint": (20, 20),
}
_SYNONYMS = {
    "integer": "int",
    "int1": "tinyint",
    "int2": "smallint",
    "int3": "mediumint",
    "int4": "int",
    "int8": "bigint",
    "middleint": "mediumint",
    "dec": "decimal",
    "numeric": "decimal",
    "fixed": "decimal",
    "real": "double",
    "float8": "double",
    "float4": "float",
    "character": "char",
    "nchar": "char",
    "nvarchar": "varchar",
}
_MULTIWORD = [
    (re.compile(r"^double precision\b"), "double"),
    (re.compile(r"^character varying\b"), "varchar"),
    (re.compile(r"^national (var)?char(acter)?\b"), lambda m: "varchar" if m.group(1) else "char"),
    (re.compile(r"^long varbinary\b"), "mediumblob"),
    (re.compile(r"^long varchar\b"), "mediumtext"),
]
# Types whose length argument has a default that a server may or may not print.
_DEFAULT_ARGS = {
    "decimal": "10,0",
    "char": "1",
    "binary": "1",
    "bit": "1",
    "datetime": "0",
    "timestamp": "0",
    "time": "0",
    "year": "4",
}
_TYPE = re.compile(r"^([a-z_][a-z0-9_]*)\s*(?:\(([^)]*)\))?\s*(.*)$")


class MySQLNormalizer:
    def type_key(self, column: Column) -> str:
        return type_key(column.type)

    def default_key(self, column: Column) -> str | None:
        return default_key(column.type, column.default)

    def expr_key(self, sql: str | None) -> str | None:
        return None if sql is None else expr_key(sql)


# ---- types -------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def type_key(declared: str) -> str:
    text = " ".join(declared.strip().split())
    base = base_type(text)
    if base in ("enum", "set"):
        return base + "(" + ",".join(repr(v) for v in _enum_values(text)) + ")"
    text = text.lower()
    for pattern, replacement in _MULTIWORD:
        text = pattern.sub(replacement, text)
    match = _TYPE.match(text)
    if match is None:
        return text
    name, args, rest = match.group(1), match.group(2), match.group(3).split()
    name = _SYNONYMS.get(name, name)
    if name in ("bool", "boolean"):
        return "tinyint(1)"
    args = re.sub(r"\s+", "", args) if args is not None else None
    flags = [f for f in rest if f != "signed"]
    if "zerofill" in flags and "unsigned" not in flags:
        flags.insert(0, "unsigned")  # ZEROFILL implies UNSIGNED; servers print both
    unsigned = "unsigned" in flags
    # A default display width is noise; any other is kept (tinyint(1) is how both servers mark a boolean).
    if name in _DEFAULT_WIDTHS and "zerofill" not in flags and args == str(_DEFAULT_WIDTHS[name][unsigned]):
        args = None
    if name == "decimal" and args is not None and "," not in args:
        args += ",0"
    if args is not None and _DEFAULT_ARGS.get(name) == args:
        args = None
    return name + (f"({args})" if args is not None else "") + "".join(" " + f for f in flags)


def _enum_values(text: str) -> list[str]:
    """The values of ``enum('a','b')`` / ``set(…)``, read as MySQL reads string literals."""
    inner = text[text.index("(") + 1 : text.rindex(")")]
    values, i = [], 0
    while i < len(inner):
        if inner[i] == "'":
            j = i + 1
            while j < len(inner):
                if inner[j] == "\\":
                    j += 2
                    continue
                if inner[j] == "'":
                    if j + 1 < len(inner) and inner[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            values.append(unquote_string(inner[i : j + 1]) or "")
            i = j + 1
        else:
            i += 1
    return values


# ---- defaults ----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def default_key(type_text: str, default: str | None) -> str | None:
    if default is None:
        return None
    if (now := now_keyword(unwrap(default))) is not None:
        return "now:" + now
    node = _literal(_parse(default))
    if isinstance(node, exp.Null):
        return None
    base = _SYNONYMS.get(base_type(type_text), base_type(type_text))
    value = _literal_value(node)
    if value is None:
        return "expr:" + expr_key(default)
    if base in NUMERIC_TYPES:
        return "number:" + _number(value)
    if base in BINARY_TYPES:
        return "bytes:" + (value.hex() if isinstance(value, bytes) else value.encode().hex())
    if isinstance(value, bytes):
        return "text:" + value.decode("utf-8", "backslashreplace")
    return "text:" + value


def _literal(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Introducer):
        return node.expression
    return node


def _literal_value(node: exp.Expression) -> str | bytes | None:
    """The constant a literal stands for: text for strings and numbers, bytes for hex, None otherwise."""
    if isinstance(node, exp.Literal):
        return node.this
    if isinstance(node, exp.Boolean):
        return "1" if node.this else "0"
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return "-" + node.this.this
    if isinstance(node, exp.BitString):
        return str(int(node.this or "0", 2))
    if isinstance(node, exp.HexString):
        digits = node.this if len(node.this) % 2 == 0 else "0" + node.this
        return bytes.fromhex(digits)
    return None


def _number(value: str | bytes) -> str:
    if isinstance(value, bytes):
        return str(int.from_bytes(value, "big"))
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return "text:" + value  # not a number at all: the server would refuse or convert it; keep it apart
    if number == 0:
        return "0"  # -0, 0.00 and 0e3 alike
    return format(number.normalize(), "f")


# ---- expressions -------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def expr_key(sql: str) -> str:
    return _canonical(_parse(sql).copy()).sql(dialect=DIALECT)


def _parse(sql: str) -> exp.Expression:
    try:
        return sqlglot.parse_one(sql, read=DIALECT)
    except sqlglot.errors.SqlglotError:
        # Not sqlglot-readable (a server-specific function, say): compared as squashed text, still exact.
        return exp.Var(this=" ".join(sql.split()))


def _canonical(node: exp.Expression) -> exp.Expression:
    """Rewrite bottom-up (sqlglot's ``transform`` does not descend into a node it has just replaced)."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            node.set(key, _canonical(value))
        elif isinstance(value, list):
            node.set(key, [_canonical(v) if isinstance(v, exp.Expression) else v for v in value])
    if isinstance(node, exp.Paren):
        return node.this
    if isinstance(node, exp.Introducer):
        return node.expression
    if isinstance(node, exp.Identifier):
        return exp.Identifier(this=node.this.lower(), quoted=False)
    if isinstance(node, exp.Anonymous):
        name = node.this.lower()
        if name in ("now", "current_timestamp"):
            return exp.CurrentTimestamp(this=node.expressions[0] if node.expressions else None)
        node.set("this", name)
    if (
        isinstance(node, exp.CurrentTimestamp)
        and isinstance(node.this, exp.Literal)
        and node.this.this in ("0", 0)
    ):
        node.set("this", None)  # precision 0 is the default
    if isinstance(node, exp.Literal) and not node.is_string:
        return exp.Literal.number(_number(str(node.this)))
    if _is_operation(node):
        # Without Paren nodes sqlglot renders with no regard to precedence, so every operand that is itself an
        # operation is parenthesised: the key then shows exactly the grouping the tree has.
        for key, child in list(node.args.items()):
            if isinstance(child, exp.Expression) and _is_operation(child):
                node.set(key, exp.Paren(this=child))
    return node


def _is_operation(node: exp.Expression) -> bool:
    return isinstance(node, exp.Binary | exp.Unary | exp.Between | exp.In) and not isinstance(node, exp.Paren)
