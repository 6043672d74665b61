"""HCL string escapes (``\\n``, ``\\uNNNN``, ...), which python-hcl2 leaves in the raw string text."""

from __future__ import annotations

from collections.abc import Callable

_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_HEX = "0123456789abcdefABCDEF"


def decode_escapes(raw: str, error: Callable[[str], Exception]) -> str:
    """The value of the literal text of a quoted string; an unknown escape is an error, as in HCL, and so is
    a line break (python-hcl2 lets a quoted string run on across lines; HCL does not)."""
    if "\n" in raw:
        raise error('unterminated string: a quoted string ends on its line (use "\\n" or a heredoc for more)')
    if "\\" not in raw:
        return raw
    out, i = [], 0
    while i < len(raw):
        ch = raw[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        code = raw[i + 1 : i + 2]
        if code in _SIMPLE:
            out.append(_SIMPLE[code])
            i += 2
        elif code in ("u", "U"):
            width = 4 if code == "u" else 8
            digits = raw[i + 2 : i + 2 + width]
            if len(digits) != width or any(c not in _HEX for c in digits):
                raise error(f"invalid escape sequence \\{code}{digits}: expected {width} hex digits")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        else:
            raise error(
                f'invalid escape sequence \\{code} (supported: \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN)'
            )
    return "".join(out)
