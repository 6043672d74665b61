"""Functions available in atlas.hcl expressions: the ones Atlas adds (``getenv``, ``file``) and a useful part
of the go-cty standard library Atlas exposes, with the same names and argument order.

``try`` and ``can`` are not here: they must see their arguments' errors, so the evaluator implements them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .evaluate import format_number, type_name

Function = Callable[..., Any]


def _string(value: Any, what: str = "argument") -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    raise ValueError(f"{what} must be a string, got {type_name(value)}")


def _list(value: Any, what: str = "argument") -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list, got {type_name(value)}")
    return value


def _object(value: Any, what: str = "argument") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be an object or map, got {type_name(value)}")
    return value


def getenv(name: Any) -> str:
    """The environment variable's value; an empty string when it is unset, as in Atlas."""
    return os.environ.get(_string(name), "")


def join(separator: Any, *lists: Any) -> str:
    items = [item for value in lists for item in _list(value, "join's lists")]
    return _string(separator).join(_string(item, "each joined element") for item in items)


def split(separator: Any, text: Any) -> list[str]:
    text, separator = _string(text), _string(separator)
    if text == "":
        return []
    return text.split(separator) if separator else list(text)


def replace(text: Any, substring: Any, replacement: Any) -> str:
    """Plain substring replacement (go-cty's ``replace``; no regular expressions)."""
    return _string(text).replace(_string(substring), _string(replacement))


def length(value: Any) -> int:
    if isinstance(value, str | list | dict):
        return len(value)
    raise ValueError(f"cannot take the length of a {type_name(value)}")


def concat(*lists: Any) -> list[Any]:
    return [item for value in lists for item in _list(value)]


def merge(*objects: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for value in objects:
        if value is not None:
            out.update(_object(value))
    return out


def contains(collection: Any, value: Any) -> bool:
    return value in _list(collection)


def coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise ValueError("no non-null, non-empty argument")


def keys(value: Any) -> list[str]:
    return sorted(_object(value))


def values(value: Any) -> list[Any]:
    obj = _object(value)
    return [obj[k] for k in sorted(obj)]


def jsonencode(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def jsondecode(text: Any) -> Any:
    try:
        return json.loads(_string(text))
    except json.JSONDecodeError as e:
        raise ValueError(f"invalid JSON: {e.msg}") from None


def tonumber(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError("cannot convert a bool to a number")
    if isinstance(value, int | float):
        return value
    try:
        number = float(_string(value))
    except ValueError:
        raise ValueError(f"cannot convert {value!r} to a number") from None
    return int(number) if number.is_integer() else number


def tobool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(f"cannot convert {value!r} to a bool")


def format_(spec: Any, *args: Any) -> str:
    """go-cty's ``format`` for the common verbs: ``%s``, ``%d``, ``%v``, ``%q``, ``%%``."""
    spec = _string(spec)
    out, i, used = [], 0, 0
    while i < len(spec):
        ch = spec[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        verb = spec[i + 1 : i + 2]
        i += 2
        if verb == "%":
            out.append("%")
            continue
        if verb not in ("s", "d", "v", "q"):
            raise ValueError(f"unsupported format verb %{verb} (supported: %s %d %v %q %%)")
        if used >= len(args):
            raise ValueError(f"not enough arguments for the format string {spec!r}")
        arg = args[used]
        used += 1
        if verb == "d":
            number = tonumber(arg)
            if not float(number).is_integer():
                raise ValueError(f"%d needs a whole number, got {format_number(number)}")
            out.append(str(int(number)))
        elif verb == "q":
            out.append(json.dumps(_string(arg), ensure_ascii=False))
        elif verb == "v" and not isinstance(arg, str | int | float | bool):
            out.append(jsonencode(arg))
        else:
            out.append(_string(arg))
    if used < len(args):
        raise ValueError(f"too many arguments for the format string {spec!r}")
    return "".join(out)


def file_function(base_dir: Path) -> Function:
    """``file(path)``: a file's content, a relative path taken from the config file's directory."""

    def file(path: Any) -> str:
        target = Path(_string(path))
        if not target.is_absolute():
            target = base_dir / target
        try:
            return target.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ValueError(f"no file {str(target)!r}") from None

    return file


def standard_functions(base_dir: Path) -> dict[str, Function]:
    return {
        "getenv": getenv,
        "file": file_function(base_dir),
        "format": format_,
        "join": join,
        "split": split,
        "replace": replace,
        "lower": lambda s: _string(s).lower(),
        "upper": lambda s: _string(s).upper(),
        "title": lambda s: _string(s).title(),
        "trimspace": lambda s: _string(s).strip(),
        "trimprefix": lambda s, prefix: _string(s).removeprefix(_string(prefix)),
        "trimsuffix": lambda s, suffix: _string(s).removesuffix(_string(suffix)),
        "startswith": lambda s, prefix: _string(s).startswith(_string(prefix)),
        "endswith": lambda s, suffix: _string(s).endswith(_string(suffix)),
        "length": length,
        "concat": concat,
        "merge": merge,
        "contains": contains,
        "coalesce": coalesce,
        "keys": keys,
        "values": values,
        "jsonencode": jsonencode,
        "jsondecode": jsondecode,
        "tostring": lambda v: _string(v),
        "tonumber": tonumber,
        "tobool": tobool,
        "abs": lambda n: abs(tonumber(n)),
        "min": lambda *n: min(tonumber(x) for x in n),
        "max": lambda *n: max(tonumber(x) for x in n),
    }
