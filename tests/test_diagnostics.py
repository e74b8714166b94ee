"""Compile-time diagnostics: rustc-style text pointing at the user's file,
line and column, for unsupported syntax, unknown names, globals of unsupported
types and type conflicts."""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
import textwrap
import warnings

import numpy as np
import pytest
from conftest import xfail
from oxjit import errors, jit, njit

THIS_FILE = __file__

_HEAD = re.compile(r"^error\[(?P<id>[a-z0-9-]+)\]: (?P<msg>.+)$")
_ARROW = re.compile(r"^(?P<pad> *)--> (?P<file>.+):(?P<line>\d+):(?P<col>\d+)$")
_SRC = re.compile(r"^(?P<num>\d+) \| (?P<text>.*)$")


def parse_diagnostics(text: str) -> list[dict]:
    """Parse rustc-style diagnostics:

        error[id]: message
          --> file:line:col
           |
        12 |     source line
           |     ^^^^^ label
           = note: ...
    """
    lines = text.splitlines()
    out = []
    i = 0
    while i < len(lines):
        m = _HEAD.match(lines[i])
        if not m:
            i += 1
            continue
        d = {"id": m["id"], "msg": m["msg"], "notes": []}
        a = _ARROW.match(lines[i + 1])
        assert a, f"no ' --> file:line:col' after {lines[i]!r}: {lines[i + 1]!r}"
        d.update(file=a["file"], line=int(a["line"]), col=int(a["col"]))
        w = len(a["pad"])  # width of the line-number gutter; '|' sits one column after it
        assert lines[i + 2] == " " * (w + 1) + "|", f"blank gutter line malformed: {lines[i + 2]!r}"
        s = lines[i + 3]
        assert s[:w] == str(d["line"]).rjust(w) and s[w:w + 3] == " | ", f"source line malformed: {s!r}"
        d["source"] = s[w + 3:]
        caret_line = lines[i + 4]
        assert caret_line[:w + 3] == " " * (w + 1) + "| ", f"caret line malformed: {caret_line!r}"
        carets = caret_line[w + 3:]
        start = carets.index("^")
        assert carets[:start].strip() == "", caret_line
        end = start
        while end < len(carets) and carets[end] == "^":
            end += 1
        d["caret_start"], d["caret_len"] = start, end - start
        d["label"] = carets[end:].strip()
        d["underlined"] = d["source"][start:end]
        j = i + 5
        while j < len(lines) and lines[j].strip().startswith("= "):
            d["notes"].append(lines[j].strip()[2:])
            j += 1
        out.append(d)
        i = j
    return out


def diagnose(fn, *args) -> list[dict]:
    """Compile ``fn`` with @njit, call it, require a TypingError and return its
    parsed diagnostics."""
    f = njit(fn)
    with pytest.raises(errors.TypingError) as ei:
        f(*args)
    assert isinstance(ei.value, TypeError)
    text = str(ei.value)
    diags = parse_diagnostics(text)
    assert diags, f"no rustc-style diagnostic in:\n{text}"
    return diags


def line_of(fn, needle: str) -> tuple[int, int, str]:
    """(1-based line, 1-based column, line text) of the first source line of fn
    containing ``needle``."""
    src, start = inspect.getsourcelines(fn)
    for k, text in enumerate(src):
        if needle in text:
            return start + k, text.index(needle) + 1, text.rstrip("\n")
    raise AssertionError(f"{needle!r} not in source of {fn.__name__}")


def check_points_at(d: dict, fn, needle: str, exact: bool = True):
    line, col, text = line_of(fn, needle)
    assert d["file"] == THIS_FILE, d["file"]
    assert d["line"] == line, (d["line"], line)
    assert d["col"] == col, (d["col"], col)
    assert d["source"] == text
    assert d["caret_start"] == col - 1
    if exact:
        assert d["underlined"] == needle, (d["underlined"], needle)
    else:
        assert d["underlined"].startswith(needle), (d["underlined"], needle)


# ---------------------------------------------------------------------------
# Unsupported syntax
# ---------------------------------------------------------------------------


def uses_yield(x):
    yield x


def uses_async_def(x):
    async def inner():
        return 1

    inner()
    return x


def uses_class_def(x):
    class A:
        pass

    return x


def uses_with(x):
    with open("nothing") as fh:
        fh.read()
    return x


def uses_import(x):
    import os  # noqa: F401

    return x


def uses_import_from(x):
    from math import sqrt

    return sqrt(x)


def uses_setcomp(x):
    return {i for i in range(x)}  # compiles


def uses_bytes(x):
    return b"ab" * x


def uses_dictcomp(x):
    return {i: i for i in range(x)}


def uses_genexp(x):
    return sum(i for i in range(x))  # compiles: consumed as a list


def uses_fstring(x):
    return f"{x}"


def uses_global_stmt(x):
    global SOMETHING
    return x


def uses_del(x):
    y = x
    del y
    return x


def uses_set_literal(x):
    return {x, x}


def uses_walrus(x):
    if (y := x + 1) > 0:
        return y
    return x


def uses_star_expr(x):
    a, *rest = (1, 2, 3)  # noqa: F841
    return a


SYNTAX_CASES = [
    (uses_yield, (1,), "yield x", True),
    (uses_async_def, (1,), "async def inner():", True),
    (uses_class_def, (1,), "class A:", True),
    (uses_with, (1,), "with open(", False),
    (uses_import, (1,), "import os", True),
    (uses_import_from, (1.0,), "from math import sqrt", True),
    (uses_bytes, (3,), 'b"ab"', True),
    (uses_star_expr, (3,), "*rest", False),
]


@pytest.mark.parametrize("fn,args,needle,exact", SYNTAX_CASES,
                         ids=[(c.values[0] if hasattr(c, "values") else c[0]).__name__ for c in SYNTAX_CASES])
def test_unsupported_syntax_diagnostic(fn, args, needle, exact):
    diags = diagnose(fn, *args)
    d = diags[0]
    assert d["id"].startswith("unsupported"), d
    check_points_at(d, fn, needle, exact)


@pytest.mark.parametrize("fn,args", [(uses_global_stmt, (1,)), (uses_del, (1,)), (uses_walrus, (1,)),
                                     (uses_genexp, (4,)), (uses_setcomp, (3,)), (uses_dictcomp, (3,)),
                                     (uses_fstring, (3,)), (uses_set_literal, (3,))],
                         ids=["global", "del", "walrus", "genexp", "setcomp", "dictcomp", "fstring", "set"])
def test_other_statements_compile_or_diagnose(fn, args):
    """Either supported (same result as Python) or a diagnostic -- never a crash
    or a silently wrong answer."""
    f = njit(fn)
    try:
        r = f(*args)
    except errors.TypingError as e:
        assert parse_diagnostics(str(e)), str(e)
    else:
        assert r == fn(*args)


@pytest.mark.skipif(sys.version_info < (3, 10), reason="`match` needs Python 3.10")
def test_match_statement(tmp_path):
    # In its own file: a `match` statement here would stop this module from importing on Python 3.9.
    path = tmp_path / "uses_match.py"
    path.write_text(textwrap.dedent("""
        def uses_match(x):
            match x:
                case 1:
                    return 2
            return x
    """), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("uses_match_mod", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    d = diagnose(mod.uses_match, 1)[0]
    assert d["id"].startswith("unsupported")
    assert (d["file"], d["line"], d["col"]) == (str(path), 3, 5)
    assert d["source"] == "    match x:" and d["underlined"].startswith("match x")


def test_header_line():
    with pytest.raises(errors.TypingError) as ei:
        njit(uses_yield)(1)
    assert str(ei.value).splitlines()[0].startswith("Failed in nopython mode pipeline")


def test_unsupported_syntax_in_nested_block():
    def nested(n):
        s = 0
        for i in range(n):
            if i > 2:
                while s < 100:
                    s += len(b"ab")
        return s

    d = diagnose(nested, 5)[0]
    check_points_at(d, nested, 'b"ab"')


def test_unsupported_syntax_in_lambda():
    f = njit(lambda x: b"x")
    with pytest.raises(errors.TypingError) as ei:
        f(1)
    d = parse_diagnostics(str(ei.value))[0]
    assert d["file"] == THIS_FILE
    assert d["underlined"] == 'b"x"'
    assert 'lambda x: b"x"' in d["source"]


def test_caret_columns_count_characters_after_unicode():
    def uni(x):
        α = 1; β = undefined_after_greek  # noqa: E702, F821
        return α + β

    d = diagnose(uni, 1)[0]
    assert d["id"] == "unknown-name"
    check_points_at(d, uni, "undefined_after_greek")


def test_diagnostic_in_callee_points_at_callee():
    @njit
    def callee(x):
        return x + (1, 2)

    def caller(x):
        return callee(x) * 2

    diags = diagnose(caller, 1)
    assert any(d["source"].strip() == "return x + (1, 2)" for d in diags), diags
    d = next(d for d in diags if d["source"].strip() == "return x + (1, 2)")
    assert d["file"] == THIS_FILE
    assert d["underlined"] == "x + (1, 2)"


# ---------------------------------------------------------------------------
# Unknown names and unsupported globals
# ---------------------------------------------------------------------------


def unknown_global(x):
    return x + not_defined_anywhere_xyz  # noqa: F821


def two_unknown(x):
    a = undefined_one  # noqa: F821
    b = undefined_two  # noqa: F821
    return a + b


def test_unknown_global_name():
    d = diagnose(unknown_global, 1)[0]
    assert d["id"] == "unknown-name"
    assert "not_defined_anywhere_xyz" in d["msg"]
    check_points_at(d, unknown_global, "not_defined_anywhere_xyz")
    assert d["label"]  # says what the name is not


def test_all_errors_reported():
    diags = diagnose(two_unknown, 1)
    assert [d["id"] for d in diags[:2]] == ["unknown-name", "unknown-name"]
    check_points_at(diags[0], two_unknown, "undefined_one")
    check_points_at(diags[1], two_unknown, "undefined_two")


CONFIG = {"a": 1}
ITEMS = [1, 2, 3]
NAMES = {"x", "y"}


class Thing:
    value = 3


THING = Thing()


def uses_dict_global(x):
    return x + CONFIG["a"]


def uses_list_global(x):
    return x + ITEMS[0]


def uses_set_global(x):
    return x + len(NAMES)


def uses_instance_global(x):
    return x + THING.value


@pytest.mark.parametrize("fn,name,kind", [(uses_dict_global, "CONFIG", "dict"), (uses_list_global, "ITEMS", "list"),
                                          (uses_set_global, "NAMES", "set"),
                                          (uses_instance_global, "THING", "Thing")],
                         ids=["dict", "list", "set", "instance"])
def test_global_of_unsupported_type(fn, name, kind):
    d = diagnose(fn, 1)[0]
    assert d["id"] == "unsupported-global", d
    assert name in d["msg"] and kind in d["msg"], d["msg"]
    check_points_at(d, fn, name)
    assert d["notes"], "a note on what compiled code can use"


def test_closure_variable_of_unsupported_type():
    table = {"k": 2}

    def f(x):
        return x * table["k"]

    d = diagnose(f, 1)[0]
    assert "table" in d["msg"] and "dict" in d["msg"]
    check_points_at(d, f, "table")


def test_unknown_module_attribute():
    def f(x):
        return np.this_function_does_not_exist(x)

    d = diagnose(f, 1.0)[0]
    assert "this_function_does_not_exist" in d["msg"]
    check_points_at(d, f, "np.this_function_does_not_exist", exact=False)


def test_unknown_array_attribute():
    def f(a):
        return a.nonexistent

    d = diagnose(f, np.zeros(2))[0]
    assert "nonexistent" in d["msg"] and "array(float64, 1d, C)" in d["msg"]
    check_points_at(d, f, "a.nonexistent")


def test_wrong_arity_names_function_as_written():
    def f(x):
        return np.sqrt(x, x, x)

    d = diagnose(f, 1.0)[0]
    assert d["id"] == "wrong-arity"
    assert "sqrt" in d["msg"] and "math1" not in d["msg"]


# ---------------------------------------------------------------------------
# Type errors
# ---------------------------------------------------------------------------


def type_conflict(x):
    if x > 0:
        y = 1.0
    else:
        y = (1, 2)
    return y


def bad_operand(x):
    return x + (1, 2.0)


def bad_return_unify(x):
    if x > 0:
        return 1.0
    return (1, 2)


def bad_condition_call(x):
    return x(1)


def test_variable_type_conflict():
    d = diagnose(type_conflict, 1)[0]
    assert d["id"] == "variable-type-conflict"
    assert "y" in d["msg"] and "float64" in d["msg"] and "UniTuple(int64" in d["msg"]
    line, col, text = line_of(type_conflict, "y = (1, 2)")
    assert (d["file"], d["line"], d["col"], d["source"]) == (THIS_FILE, line, col, text)
    assert d["underlined"] == "y"
    assert "UniTuple" in d["label"], "the label says what was inferred here"
    assert any("type" in n for n in d["notes"])


def test_no_matching_operator():
    d = diagnose(bad_operand, 1)[0]
    assert d["id"] == "no-matching-operator"
    assert "int64" in d["msg"] and "Tuple(int64, float64)" in d["msg"]
    check_points_at(d, bad_operand, "x + (1, 2.0)")


def test_return_type_conflict():
    diags = diagnose(bad_return_unify, 1)
    d = diags[0]
    assert "float64" in d["msg"] and "UniTuple(int64" in d["msg"]
    lines = {line_of(bad_return_unify, s)[0] for s in ("def bad_return_unify", "return 1.0", "return (1, 2)")}
    assert d["line"] in lines and d["file"] == THIS_FILE
    assert d["notes"]


def test_calling_a_number():
    d = diagnose(bad_condition_call, 1)[0]
    assert "int64" in d["msg"]
    assert d["id"] == "not-callable"
    line, col, text = line_of(bad_condition_call, "x(1)")
    assert (d["line"], d["source"]) == (line, text)
    assert d["caret_start"] == col - 1 and d["underlined"] in ("x", "x(1)")


def maybe_unbound(x):
    if x > 0:
        y = 1
    return y


@xfail("a variable unbound on a path that uses it compiles and returns 0 (semantics.md row 14 wants a diagnostic)")
def test_possibly_unbound_variable_is_diagnosed():
    d = diagnose(maybe_unbound, -1)[0]
    check_points_at(d, maybe_unbound, "y", exact=True)


def returns_string(x):
    return "abc"


def test_returning_a_string_is_not_silently_none():
    f = njit(returns_string)
    try:
        r = f(1)
    except errors.TypingError:
        return
    assert r == "abc"


# ---------------------------------------------------------------------------
# The same diagnostic through @jit's fallback warning
# ---------------------------------------------------------------------------


def test_fallback_warning_carries_diagnostic():
    f = jit(uses_bytes)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        assert f(3) == b"ababab"
    ws = [w for w in rec if issubclass(w.category, errors.ObjectModeWarning)]
    assert len(ws) == 1
    diags = parse_diagnostics(str(ws[0].message))
    assert diags and diags[0]["id"].startswith("unsupported")
    check_points_at(diags[0], uses_bytes, 'b"ab"')
