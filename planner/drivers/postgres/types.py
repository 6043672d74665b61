"""PostgreSQL type names: one canonical spelling per type, and which type changes need ``USING``.

The inspector reports types as ``format_type`` prints them (``character varying(20)``, ``timestamp with time
zone``, ``integer[]``); people and other tools write aliases (``varchar(20)``, ``timestamptz``, ``int4``,
``_int4``). :func:`canonical` maps any of them to ``format_type``'s spelling. sqlglot is not used for this: it
folds types PostgreSQL keeps apart (``bit varying(3)`` becomes ``BIT``).
"""

from __future__ import annotations

import functools
import re

SERIAL_TYPES = {"smallserial": "smallint", "serial": "integer", "bigserial": "bigint"}
"""Serial pseudo-types and the integer type of their column."""
SERIAL_FOR_INTEGER = {integer: serial for serial, integer in SERIAL_TYPES.items()}

_ALIASES = {
    "int2": "smallint",
    "int": "integer",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "decimal": "numeric",
    "bool": "boolean",
    "varchar": "character varying",
    "char": "character",
    "varbit": "bit varying",
    "timestamptz": "timestamp with time zone",
    "timetz": "time with time zone",
    "serial2": "smallserial",
    "serial4": "serial",
    "serial8": "bigserial",
}

# Names of several words; matched before single words so that "double precision" is one name.
_MULTI_WORD = ("character varying", "double precision", "bit varying")

# Types PostgreSQL reads with a default length when none is written: ``char`` is ``character(1)``.
_DEFAULT_LENGTH = {"character": "1", "bit": "1"}

_ZONED = re.compile(r"(?P<name>timestamp|time)(?:\((?P<p>\d+)\))?(?: (?P<zone>with|without) time zone)?")
_ZONED_SHORT = re.compile(r"(?P<name>timestamptz|timetz)(?:\((?P<p>\d+)\))?")
_NAMED = re.compile(
    r"""(?P<name>{multi}|"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*(?:\.(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*))?)
        (?:\((?P<mods>[^)]*)\))?
        (?P<rest>(?:\ .*)?)""".format(multi="|".join(name.replace(" ", r"\ ") for name in _MULTI_WORD)),
    re.VERBOSE | re.DOTALL,
)


@functools.lru_cache(maxsize=4096)
def canonical(type_text: str) -> str:
    """``format_type``'s spelling of a type: ``varchar(20)`` → ``character varying(20)``, ``_int4`` →
    ``integer[]``. Unknown (user-defined) names are kept, lower-cased unless quoted."""
    text = _squash(type_text)
    dims = 0
    while text.endswith("]"):
        stripped = re.sub(r"\s*\[\d*\]$", "", text)
        if stripped == text:
            break
        text, dims = stripped, dims + 1
    if text.endswith(" array"):
        text, dims = text.removesuffix(" array"), dims + 1
    if text.startswith("_"):
        text, dims = text[1:], dims + 1  # the catalog's array type names: _int4 is int4[]
    # PostgreSQL does not enforce array dimensions: text[][] is text[].
    return _scalar(text) + ("[]" if dims else "")


def _scalar(text: str) -> str:
    if match := _ZONED_SHORT.fullmatch(text):
        return _zoned(match["name"].removesuffix("tz"), match["p"], True)
    if match := _ZONED.fullmatch(text):
        return _zoned(match["name"], match["p"], match["zone"] == "with")
    match = _NAMED.fullmatch(text)
    if match is None:
        return text
    name = _ALIASES.get(match["name"], match["name"])
    mods = match["mods"]
    if name == "float":
        # float(p) is real up to 24 bits of precision, double precision above that and without p.
        return "real" if mods is not None and mods.isdigit() and int(mods) <= 24 else "double precision"
    if mods is None:
        mods = _DEFAULT_LENGTH.get(name)
    return name + (f"({mods})" if mods is not None else "") + match["rest"]


def _zoned(name: str, precision: str | None, with_zone: bool) -> str:
    return f"{name}{f'({precision})' if precision else ''} {'with' if with_zone else 'without'} time zone"


def _squash(text: str) -> str:
    """Lower case outside double quotes, single spaces, no spaces around parentheses and commas."""
    parts = re.split(r'("(?:[^"]|"")*")', text.strip())
    for i in range(0, len(parts), 2):
        squashed = " ".join(parts[i].lower().split())
        parts[i] = re.sub(r"\s*([(,\[])\s*|\s*([)\]])", lambda m: m.group(1) or m.group(2), squashed)
    return "".join(parts)


def base_name(type_text: str) -> str:
    """The canonical type without modifiers or array brackets: ``character varying(20)[]`` → ``character
    varying``; ``timestamp(3) with time zone`` → ``timestamp with time zone``."""
    text = canonical(type_text).removesuffix("[]")
    return re.sub(r"\(.*?\)", "", text)


def is_array(type_text: str) -> bool:
    return canonical(type_text).endswith("[]")


# ---- type changes ------------------------------------------------------------------------------------------

_NUMBERS = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}
_STRINGS = {"text", "character varying", "character", "bpchar", "name"}
_TIMES = {"date", "timestamp with time zone", "timestamp without time zone"}
_CLOCKS = {"time with time zone", "time without time zone"}
_BITS = {"bit", "bit varying"}
_JSON = {"json", "jsonb"}

# Groups within which PostgreSQL converts without USING (implicit or assignment casts, pg_cast).
_ASSIGNABLE = (_NUMBERS, _STRINGS, _TIMES, _CLOCKS, _BITS, _JSON)


def needs_using(old: str, new: str) -> bool:
    """Whether ``ALTER COLUMN … TYPE new`` needs a ``USING`` clause to convert values of type ``old``.

    PostgreSQL converts without one where an implicit or assignment cast exists: within the numeric, string,
    date/time and bit families, and to any string type (automatic I/O conversion casts to strings are
    assignment casts). Every other change, e.g. ``character varying`` → ``integer`` or ``integer`` →
    ``boolean``, needs an explicit cast.
    """
    old_base, new_base = _plain(base_name(old)), _plain(base_name(new))
    if is_array(old) != is_array(new):
        return True
    if old_base == new_base or new_base in _STRINGS:
        return False
    return not any(old_base in group and new_base in group for group in _ASSIGNABLE)


# Explicit casts between built-in types outside the families above (pg_cast, castcontext 'e'). Other
# conversions go through text: every type has an output function, and every type an input function.
_DIRECT_CASTS = {
    ("integer", "boolean"),
    ("boolean", "integer"),
    *(("jsonb", t) for t in ("boolean", *_NUMBERS)),
    *((t, "bit") for t in ("integer", "bigint")),
    *(("bit", t) for t in ("integer", "bigint")),
}


def conversion(column: str, old: str, new: str) -> str:
    """The ``USING`` expression converting ``column`` from type ``old`` to ``new`` (see :func:`needs_using`):
    the direct cast where PostgreSQL has one, else a cast through text (strings convert to any type through
    its input function, so a string column needs no detour)."""
    old_base, new_base = _plain(base_name(old)), _plain(base_name(new))
    direct = is_array(old) == is_array(new) and (
        (old_base, new_base) in _DIRECT_CASTS or any(old_base in g and new_base in g for g in _ASSIGNABLE)
    )
    via_text = "" if direct or is_string(old) else "::text"
    return f"{column}{via_text}::{new}"


def _plain(base: str) -> str:
    return SERIAL_TYPES.get(base, base)


def is_string(type_text: str) -> bool:
    """A string type, which PostgreSQL converts to any type through that type's input function."""
    return not is_array(type_text) and base_name(type_text) in _STRINGS
