"""Functions available in atlas.hcl expressions: the ones Atlas adds (``getenv``, ``file``, ``fileset``)
and the part of the go-cty standard library Atlas exposes that a project file can use, with the same names,
argument order and results.

Every function declares its parameters, so a wrong number of arguments or an argument of the wrong type is
reported by the evaluator at the call (or at the argument) with one wording for all of them. Conversions are
HCL's: a number or bool is accepted where a string is expected, a numeric string where a number is.
``try`` and ``can`` are not here: they must see their arguments' errors, so the evaluator implements them.
"""

from __future__ import annotations

import glob
import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from .values import SetList, format_number, type_name
from .values import equal as _same

STRING, NUMBER, BOOL, LIST, OBJECT, COLLECTION, ANY = (
    "string",
    "number",
    "bool",
    "list",
    "object",
    "collection",
    "any",
)
_KIND_WORDS = {
    STRING: "a string",
    NUMBER: "a number",
    BOOL: "a bool",
    LIST: "a list",
    OBJECT: "an object or map",
    COLLECTION: "a list or map",
    ANY: "a value",
}


class ArgumentError(Exception):
    """An argument that does not fit its parameter; ``index`` is 0-based, None when the call is at fault."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class Function:
    """A function's signature (parameter kinds, optionally a variadic tail) and its implementation."""

    name: str
    params: tuple[str, ...]
    impl: Callable[..., Any]
    variadic: str | None = None
    optional: int = 0
    """How many of the trailing ``params`` may be left out."""

    def signature(self) -> str:
        names = list(self.params)
        if self.variadic:
            names.append(f"{self.variadic}...")
        return f"{self.name}({', '.join(names)})"

    def call(self, args: list[Any]) -> Any:
        required = len(self.params) - self.optional
        if len(args) < required or (self.variadic is None and len(args) > len(self.params)):
            if self.variadic is None and self.optional == 0:
                wanted = f"{len(self.params)} argument{'s' * (len(self.params) != 1)}"
            elif self.variadic is None:
                wanted = f"{required} to {len(self.params)} arguments"
            else:
                wanted = f"at least {required} argument{'s' * (required != 1)}"
            raise ArgumentError(f"takes {wanted}, got {len(args)} (signature: {self.signature()})")
        kinds = [*self.params, *[self.variadic] * (len(args) - len(self.params))]
        converted = [convert(arg, kind, i) for i, (arg, kind) in enumerate(zip(args, kinds, strict=False))]
        return self.impl(*converted)


def convert(value: Any, kind: str | None, index: int) -> Any:
    """HCL's automatic conversion of an argument to its parameter's kind."""
    if kind is None or kind == ANY:
        return value
    if value is None:
        raise ArgumentError(f"argument {index + 1} must be {_KIND_WORDS[kind]}, got null", index)
    if kind == STRING:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return format_number(value)
    elif kind == NUMBER:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            number = _parse_number(value)
            if number is not None:
                return number
            raise ArgumentError(f"argument {index + 1} must be a number, got string {value!r}", index)
    elif kind == BOOL:
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
    elif (
        (kind == LIST and isinstance(value, list))
        or (kind == OBJECT and isinstance(value, dict))
        or (kind == COLLECTION and isinstance(value, list | dict))
    ):
        return value
    raise ArgumentError(f"argument {index + 1} must be {_KIND_WORDS[kind]}, got {type_name(value)}", index)


def _parse_number(text: str) -> int | float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**63 else number


def _string(value: Any, what: str) -> str:
    """A list element where a string is needed (join, format's %s): the same conversion as an argument."""
    try:
        return convert(value, STRING, 0)
    except ArgumentError:
        raise ValueError(f"{what} must be a string, got {type_name(value)}") from None


# ---- strings -----------------------------------------------------------------------------------------------


def join(separator: str, *lists: list[Any]) -> str:
    items = [item for value in lists for item in value]
    return separator.join(_string(item, "each joined element") for item in items)


def split(separator: str, text: str) -> list[str]:
    # go-cty uses Go's strings.Split: an empty separator splits between characters, "" gives [""].
    return list(text) if separator == "" else text.split(separator)


def title(text: str) -> str:
    # Go's strings.Title upper-cases the first letter of each word and leaves the rest alone.
    return re.sub(r"(^|[^\w'])(\w)", lambda m: m.group(1) + m.group(2).upper(), text)


def chomp(text: str) -> str:
    return re.sub(r"(?:\r\n|\r|\n)+\Z", "", text)


def substr(text: str, offset: int | float, length: int | float) -> str:
    offset, length = int(offset), int(length)
    if offset < 0:
        offset = max(len(text) + offset, 0)
    if offset > len(text):
        raise ValueError("offset is greater than the length of the string")
    return text[offset:] if length < 0 else text[offset : offset + length]


def indent(spaces: int | float, text: str) -> str:
    pad = " " * int(spaces)
    return text.replace("\n", "\n" + pad)


def format_(spec: str, *args: Any) -> str:
    """go-cty's ``format``: ``%%``, ``%v``, ``%s``, ``%q``, ``%d``, ``%f``, ``%e``, ``%g``, ``%t``, ``%x``,
    ``%X``, ``%o``, ``%b``, with width, precision and the flags ``-+ 0``."""
    out, used = [], 0
    pattern = re.compile(r"%([-+ 0#]*)(\d+)?(?:\.(\d+))?(.?)")
    i = 0
    while i < len(spec):
        if spec[i] != "%":
            j = spec.find("%", i)
            j = len(spec) if j < 0 else j
            out.append(spec[i:j])
            i = j
            continue
        match = pattern.match(spec, i)
        assert match is not None
        flags, width, precision, verb = match.groups()
        i = match.end()
        if verb == "%":
            out.append("%")
            continue
        if verb == "" or verb not in "vsqdfeEgGtxXob":
            shown = f"%{verb}" if verb else "%"
            raise ValueError(
                f"unsupported format verb {shown} (supported: %v %s %q %d %f %e %g %t %x %o %b %%)"
            )
        if used >= len(args):
            raise ValueError(f"not enough arguments for the format string {spec!r}")
        arg = args[used]
        used += 1
        out.append(_format_one(arg, verb, flags, width, precision))
    if used < len(args):
        raise ValueError(f"too many arguments for the format string {spec!r}")
    return "".join(out)


def _format_one(arg: Any, verb: str, flags: str, width: str | None, precision: str | None) -> str:
    if verb in "dxXob":
        number = convert(arg, NUMBER, 0)
        if not float(number).is_integer():
            raise ValueError(f"%{verb} needs a whole number, got {format_number(number)}")
        text = format(int(number), {"d": "d", "x": "x", "X": "X", "o": "o", "b": "b"}[verb])
        if "+" in flags and int(number) >= 0:
            text = "+" + text
    elif verb in "feEgG":
        number = float(convert(arg, NUMBER, 0))
        text = format(number, f"{'+' if '+' in flags else ''}.{precision or 6}{verb}")
        if verb in "gG" and precision is None:
            text = format_number(number) if number.is_integer() else repr(number)
    elif verb == "t":
        text = "true" if convert(arg, BOOL, 0) else "false"
    elif verb == "q":
        text = _go_json(_string(arg, "the %q argument"))
    elif verb == "v" and isinstance(arg, list | dict):
        text = jsonencode(arg)
    elif verb == "v" and arg is None:
        text = "null"
    else:
        text = _string(arg, f"the %{verb} argument")
        if precision is not None:
            text = text[: int(precision)]
    if width and len(text) < int(width):
        if "-" in flags:
            text = text.ljust(int(width))
        elif "0" in flags and verb in "dxXobfeEgG":
            sign = text[0] if text[:1] in "+-" else ""
            text = sign + text[len(sign) :].rjust(int(width) - len(sign), "0")
        else:
            text = text.rjust(int(width))
    return text


def formatlist(spec: str, *args: Any) -> list[str]:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise ValueError("all list arguments must have the same length")
    count = lengths.pop() if lengths else 1
    return [format_(spec, *[a[i] if isinstance(a, list) else a for a in args]) for i in range(count)]


# ---- collections -------------------------------------------------------------------------------------------


def length(value: Any) -> int:
    if isinstance(value, str | list | dict):
        return len(value)
    raise ArgumentError(f"argument 1 must be a string, list or map, got {type_name(value)}", 0)


def to_set(values: list[Any]) -> SetList:
    """A set, as HCL orders it: strings and numbers sorted, duplicates dropped."""
    items = distinct(values)
    if all(isinstance(v, str) for v in items) or all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in items
    ):
        items.sort()
    return SetList(items)


def distinct(values: list[Any]) -> list[Any]:
    unique = dict.fromkeys(json.dumps(v, sort_keys=True) for v in values)
    return [json.loads(u) for u in unique]


def flatten(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        out.extend(flatten(value) if isinstance(value, list) else [value])
    return out


def element(values: list[Any], index: int | float) -> Any:
    if not values:
        raise ValueError("cannot use element() on an empty list")
    if int(index) < 0:
        raise ValueError("cannot use element() with a negative index")
    return values[int(index) % len(values)]


def index_of(values: list[Any], value: Any) -> int:
    for i, item in enumerate(values):
        if _same(item, value):
            return i
    raise ValueError("item not found")


def slice_(values: list[Any], start: int | float, end: int | float) -> list[Any]:
    start, end = int(start), int(end)
    if start < 0 or end > len(values) or start > end:
        raise ValueError(f"invalid slice [{start}:{end}] of a list of {len(values)} elements")
    return values[start:end]


def range_(*bounds: int | float) -> list[int | float]:
    if not 1 <= len(bounds) <= 3:
        raise ArgumentError(
            f"takes 1 to 3 arguments, got {len(bounds)} (signature: range(start, limit, step))"
        )
    start, limit, step = (
        (0, bounds[0], 1) if len(bounds) == 1 else (*bounds[:2], bounds[2] if len(bounds) == 3 else 1)
    )
    if step == 0:
        raise ValueError("step must not be zero")
    out, value = [], start
    while (value < limit) if step > 0 else (value > limit):
        out.append(value)
        value += step
        if len(out) > 1024:
            raise ValueError("more than 1024 values requested")
    return out


def sort_(values: list[Any]) -> list[str]:
    return sorted(_string(v, "each element") for v in values)


def zipmap(keys: list[Any], values: list[Any]) -> dict[str, Any]:
    if len(keys) != len(values):
        raise ValueError(f"{len(keys)} keys but {len(values)} values")
    return {_string(k, "each key"): v for k, v in zip(keys, values, strict=True)}


def merge(*objects: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, value in enumerate(objects):
        if value is None:
            continue
        if not isinstance(value, dict):
            raise ArgumentError(f"argument {i + 1} must be an object or map, got {type_name(value)}", i)
        out.update(value)
    return out


def coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise ValueError("no non-null, non-empty argument")


def coalescelist(*lists: list[Any]) -> list[Any]:
    for value in lists:
        if value:
            return value
    raise ValueError("no non-empty list argument")


def chunklist(values: list[Any], size: int | float) -> list[list[Any]]:
    size = int(size)
    if size < 0:
        raise ValueError("the chunk size must not be negative")
    if size == 0:
        return [values]
    return [values[i : i + size] for i in range(0, len(values), size)]


# ---- encoding and conversion -------------------------------------------------------------------------------


def jsonencode(value: Any) -> str:
    """JSON as go-cty writes it: object keys sorted, no spaces, ``<``, ``>`` and ``&`` escaped (Go's
    json.Marshal does that for safe embedding in HTML)."""
    return _go_json(value)


def _go_json(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True, allow_nan=False)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def jsondecode(text: str) -> Any:
    try:
        return json.loads(text, parse_float=_json_number, parse_int=_json_number)
    except json.JSONDecodeError as e:
        raise ValueError(f"invalid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None


def _json_number(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() and abs(number) < 2**63 else number


def tostring(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise ArgumentError(f"cannot convert {type_name(value)} to string", 0)
    return convert(value, STRING, 0)


def tonumber(value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, str) and _parse_number(value) is None:
        raise ValueError(
            f"cannot convert {value!r} to number; given string must be a decimal representation of a number"
        )
    return convert(value, NUMBER, 0)


def tobool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str) and value not in ("true", "false"):
        raise ValueError(f'cannot convert {value!r} to bool; only the strings "true" or "false" are allowed')
    return convert(value, BOOL, 0)


def parseint(text: str, base: int | float) -> int:
    base = int(base)
    if not 2 <= base <= 62:
        raise ValueError("base must be a whole number between 2 and 62")
    try:
        return int(text, base)
    except ValueError:
        raise ValueError(f"cannot parse {text!r} as a base {base} integer") from None


def log_(number: int | float, base: int | float) -> float:
    try:
        return math.log(number, base)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"log({format_number(number)}, {format_number(base)}) is not defined") from None


def pow_(number: int | float, power: int | float) -> int | float:
    try:
        result = number**power
    except (OverflowError, ZeroDivisionError) as e:
        raise ValueError(str(e)) from None
    if isinstance(result, complex):
        raise ValueError("the result is not a real number")
    return result


# ---- URLs (Atlas's additions) ------------------------------------------------------------------------------


def urlescape(text: str) -> str:
    """Go's url.QueryEscape: everything but unreserved characters is escaped, a space becomes ``+``."""
    return quote_plus(text, safe="")


def urlsetpath(url: str, path: str) -> str:
    parts = urlsplit(url)
    if path and not path.startswith("/") and parts.netloc:
        path = "/" + path
    return urlunsplit(parts._replace(path=quote(path, safe="/:@!$&'()*+,;=-._~")))


def urlqueryset(url: str, key: str, value: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query[key] = value
    # Go's Values.Encode sorts by key.
    return urlunsplit(parts._replace(query=urlencode(sorted(query.items()))))


def urluserinfo(url: str, user: str, *password: str | None) -> str:
    if len(password) > 1:
        raise ArgumentError(
            f"takes 2 to 3 arguments, got {2 + len(password)} (signature: urluserinfo(url, user, pass))"
        )
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    userinfo = quote(user, safe="")
    if password and password[0] is not None:
        userinfo += ":" + quote(password[0], safe="")
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{host}"))


# ---- files (relative to the config file) -------------------------------------------------------------------


def _resolve(base_dir: Path, path: str) -> Path:
    target = Path(path)
    return target if target.is_absolute() else base_dir / target


def file_function(base_dir: Path) -> Callable[[str], str]:
    """``file(path)``: a file's content, a relative path taken from the config file's directory."""

    def file(path: str) -> str:
        target = _resolve(base_dir, path)
        try:
            return target.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ValueError(f"no file {str(target)!r}") from None
        except IsADirectoryError:
            raise ValueError(f"{str(target)!r} is a directory") from None
        except UnicodeDecodeError:
            raise ValueError(f"{str(target)!r} is not UTF-8 text") from None

    return file


def fileset_function(base_dir: Path) -> Callable[[str], list[str]]:
    """``fileset(pattern)``: Atlas's one-argument form. The pattern (``*``, ``?``, ``[...]``, ``**`` for any
    depth) is taken from the config file's directory; the result is the sorted list of matching paths, joined
    to that directory as Atlas returns them."""

    def fileset(pattern: str) -> list[str]:
        full = str(_resolve(base_dir, pattern))
        return sorted(glob.glob(full, recursive=True))

    return fileset


def getenv(name: str) -> str:
    """The environment variable's value; an empty string when it is unset, as in Atlas."""
    return os.environ.get(name, "")


# ---- the table ---------------------------------------------------------------------------------------------


def standard_functions(base_dir: Path) -> dict[str, Function]:
    """Every function of the config language, by name. ``base_dir`` is the config file's directory."""
    S, N, L, M, C, A = STRING, NUMBER, LIST, OBJECT, COLLECTION, ANY
    table = [
        # Atlas's own
        Function("getenv", (S,), getenv),
        Function("file", (S,), file_function(base_dir)),
        Function("fileset", (S,), fileset_function(base_dir)),
        Function("glob", (S,), fileset_function(base_dir)),
        Function("urlescape", (S,), urlescape),
        Function("urlsetpath", (S, S), urlsetpath),
        Function("urlqueryset", (S, S, S), urlqueryset),
        Function("urluserinfo", (S, S), urluserinfo, variadic=A),
        Function("startswith", (S, S), lambda s, prefix: s.startswith(prefix)),
        Function("endswith", (S, S), lambda s, suffix: s.endswith(suffix)),
        Function("empty", (C,), lambda c: len(c) == 0),
        Function("alltrue", (L,), lambda values: all(v is True or v == "true" for v in values)),
        # strings
        Function("format", (S,), format_, variadic=A),
        Function("formatlist", (S,), formatlist, variadic=A),
        Function("join", (S, L), join, variadic=L),
        Function("split", (S, S), split),
        Function("replace", (S, S, S), lambda s, old, new: s.replace(old, new)),
        Function("lower", (S,), str.lower),
        Function("upper", (S,), str.upper),
        Function("title", (S,), title),
        Function("trimspace", (S,), str.strip),
        Function("trim", (S, S), lambda s, cutset: s.strip(cutset)),
        Function("trimprefix", (S, S), lambda s, prefix: s.removeprefix(prefix)),
        Function("trimsuffix", (S, S), lambda s, suffix: s.removesuffix(suffix)),
        Function("chomp", (S,), chomp),
        Function("substr", (S, N, N), substr),
        Function("strrev", (S,), lambda s: s[::-1]),
        Function("indent", (N, S), indent),
        # collections
        Function("length", (A,), length),
        Function("concat", (L,), lambda *lists: [item for value in lists for item in value], variadic=L),
        Function("merge", (), merge, variadic=A),
        Function("contains", (L, A), lambda values, value: any(_same(v, value) for v in values)),
        Function("keys", (M,), lambda obj: sorted(obj)),
        Function("values", (M,), lambda obj: [obj[k] for k in sorted(obj)]),
        Function("distinct", (L,), distinct),
        Function("flatten", (L,), flatten),
        Function("compact", (L,), lambda values: [v for v in values if v not in (None, "")]),
        Function("element", (L, N), element),
        Function("index", (L, A), index_of),
        Function("reverse", (L,), lambda values: values[::-1]),
        Function("sort", (L,), sort_),
        Function("slice", (L, N, N), slice_),
        Function("range", (), range_, variadic=N),
        Function("zipmap", (L, L), zipmap),
        Function("coalesce", (), coalesce, variadic=A),
        Function("coalescelist", (), coalescelist, variadic=L),
        Function("chunklist", (L, N), chunklist),
        Function("toset", (L,), to_set),
        Function("tolist", (L,), list),
        Function("setunion", (), lambda *sets: to_set([v for s in sets for v in s]), variadic=L),
        Function(
            "setintersection",
            (L,),
            lambda first, *rest: to_set([v for v in first if all(v in s for s in rest)]),
            variadic=L,
        ),
        Function("setsubtract", (L, L), lambda a, b: to_set([v for v in a if v not in b])),
        # encoding and conversion
        Function("jsonencode", (A,), jsonencode),
        Function("jsondecode", (S,), jsondecode),
        Function("tostring", (A,), tostring),
        Function("tonumber", (A,), tonumber),
        Function("tobool", (A,), tobool),
        Function("parseint", (S, N), parseint),
        # numbers
        Function("abs", (N,), abs),
        Function("ceil", (N,), math.ceil),
        Function("floor", (N,), math.floor),
        Function("signum", (N,), lambda n: (n > 0) - (n < 0)),
        Function("min", (N,), min, variadic=N),
        Function("max", (N,), max, variadic=N),
        Function("pow", (N, N), pow_),
        Function("log", (N, N), log_),
    ]
    return {function.name: function for function in table}
