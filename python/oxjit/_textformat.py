"""Templates of `"..." % args` and `"...".format(...)`, parsed when a
function is converted: the front end writes a literal template as the
concatenation of its text and of `str(x)`, `repr(x)` and `format(x, spec)`
calls, which compiled code has.

A piece is either literal text or a `Field`: which argument, the conversion
applied first (`str`, `repr`, `int`, `float` or none) and the `format` spec.
A template compiled code cannot take gives a reason (a `str`) instead.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    # An argument position, or a keyword's name (`str.format`).
    arg: int | str
    # Applied before the spec: "str", "repr", "int", "float", or "".
    convert: str
    spec: str


Pieces = list  # of str | Field

_PERCENT = re.compile(r"%(\([^)]*\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)?", re.S)


def percent_pieces(template: str) -> Pieces | str:
    """`template % args`: the pieces, fields numbered in order."""
    out: Pieces = []
    pos = 0
    k = 0
    for m in _PERCENT.finditer(template):
        if m.start() > pos:
            out.append(template[pos : m.start()])
        pos = m.end()
        key, flags, width, prec, kind = m.groups()
        if kind == "%" and not (key or flags or width or prec is not None):
            out.append("%")
            continue
        if kind is None:
            return "a `%` format that ends in the middle of a conversion"
        if key is not None:
            return "a `%(name)` format (a mapping argument)"
        if width == "*" or prec == "*":
            return "a `*` width or precision in a `%` format"
        field = _percent_field(k, flags, width or "", prec, kind)
        if isinstance(field, str):
            return field
        out.append(field)
        k += 1
    if pos < len(template):
        out.append(template[pos:])
    return out


def _percent_field(k: int, flags: str, width: str, prec: str | None, kind: str) -> Field | str:
    align = "<" if "-" in flags else ""
    sign = "+" if "+" in flags else (" " if " " in flags else "")
    alt = "#" if "#" in flags else ""
    zero = "0" if "0" in flags and not align else ""
    dot = "" if prec is None else f".{prec or 0}"
    if kind in "diu":
        if prec is not None:
            return "a precision on an integer in a `%` format"
        return Field(k, "int", f"{align}{sign}{zero}{width}d")
    if kind in "xXo":
        if prec is not None:
            return "a precision on an integer in a `%` format"
        return Field(k, "", f"{align}{sign}{alt}{zero}{width}{kind}")
    if kind in "eEfFgG":
        return Field(k, "float", f"{align}{sign}{alt}{zero}{width}{dot}{kind}")
    if kind in "sr":
        convert = "str" if kind == "s" else "repr"
        if not (width or dot):
            return Field(k, convert, "")
        # `%5s` pads on the left; `format` of a string pads on the right.
        return Field(k, convert, f"{align or '>'}{width}{dot}")
    return f"the `%{kind}` conversion"


def format_pieces(template: str) -> Pieces | str:
    """`template.format(...)`: the pieces; `{}` fields numbered in order."""
    out: Pieces = []
    auto = 0
    numbered = False
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as err:
        return f"the format template ({err})"
    for text, name, spec, conversion in parsed:
        if text:
            out.append(text)
        if name is None:
            continue
        if "{" in (spec or ""):
            return "a computed format spec in `str.format`"
        if name == "":
            if numbered:
                return "a template mixing `{}` and `{0}` fields"
            arg: int | str = auto
            auto += 1
        elif name.isdigit():
            if auto:
                return "a template mixing `{}` and `{0}` fields"
            numbered = True
            arg = int(name)
        elif name.isidentifier():
            arg = name
        else:
            return f"the field `{{{name}}}` (an attribute or item of an argument)"
        if conversion not in (None, "s", "r"):
            return f"the conversion `!{conversion}`"
        convert = {"s": "str", "r": "repr"}.get(conversion or "", "")
        out.append(Field(arg, convert, spec or ""))
    return out
