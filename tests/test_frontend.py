"""The Python front end: the JSON unit it writes for `Unit::from_json`.

`_frontend.py` is loaded straight from the source tree so these tests run
without the native module. `read_unit` below mirrors the Rust reader
(`oxjit_syntax` lib.rs / hir.rs) field by field, so a shape the reader would
reject fails here too.
"""

import cmath
import importlib.util
import json
import math
import sys
import types
from pathlib import Path

import numpy as np
import numpy.random as npr
import pytest

_SOURCE = Path(__file__).resolve().parents[1] / "python" / "oxjit" / "_frontend.py"
_spec = importlib.util.spec_from_file_location("_oxjit_frontend_under_test", _SOURCE)
fe = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fe)

FILE_LINES = Path(__file__).read_text(encoding="utf-8").splitlines()


# ---------------------------------------------------------------------------
# A Python mirror of the Rust reader
# ---------------------------------------------------------------------------

BINOPS = {
    "Add", "Sub", "Mult", "Div", "FloorDiv", "Mod", "Pow", "MatMult",
    "LShift", "RShift", "BitAnd", "BitOr", "BitXor",
}  # fmt: skip
CMPOPS = {"Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn"}
UNOPS = {"USub", "UAdd", "Not", "Invert"}
GLOBAL_TAGS = {
    "int", "float", "complex", "bool", "none", "str", "tuple", "module",
    "builtin", "func", "dtype", "exc", "userexc", "array", "namedtuple", "ntvalue", "other",
}  # fmt: skip


def _span(a):
    assert all(isinstance(x, int) and x >= 0 for x in a[1:5]), a[:5]
    assert (a[1], a[2]) <= (a[3], a[4]), a[:5]


def _float_text(s):
    assert isinstance(s, str)
    float(s)  # "inf", "-inf", "nan" and repr() text all parse


class Reader:
    def __init__(self):
        self.exprs = 0

    def opt(self, v):
        if v is not None:
            self.expr(v)

    def expr(self, a):
        tag = a[0]
        _span(a)
        f = a[5:]
        self.exprs += 1
        if tag in ("Int",):
            int(f[0])
        elif tag in ("Float", "Imag"):
            _float_text(f[0])
        elif tag == "Bool":
            assert isinstance(f[0], bool)
        elif tag == "None":
            pass
        elif tag in ("Str", "Name", "Unsupported"):
            assert isinstance(f[0], str)
        elif tag == "Attr":
            self.expr(f[0])
            assert isinstance(f[1], str)
        elif tag == "Bin":
            assert f[0] in BINOPS
            self.expr(f[1])
            self.expr(f[2])
        elif tag == "Unary":
            assert f[0] in UNOPS
            self.expr(f[1])
        elif tag == "BoolOp":
            assert f[0] in ("And", "Or")
            [self.expr(x) for x in f[1]]
        elif tag == "Compare":
            self.expr(f[0])
            assert all(o in CMPOPS for o in f[1]) and len(f[1]) == len(f[2])
            [self.expr(x) for x in f[2]]
        elif tag == "IfExp":
            [self.expr(x) for x in f[:3]]
        elif tag == "Call":
            self.expr(f[0])
            [self.expr(x) for x in f[1]]
            self.opt(f[2])
            for k, v in f[3]:
                assert isinstance(k, str)
                self.expr(v)
        elif tag == "Subscript":
            self.expr(f[0])
            self.expr(f[1])
        elif tag == "Slice":
            assert len(f) == 3
            [self.opt(x) for x in f]
        elif tag in ("Tuple", "List"):
            [self.expr(x) for x in f[0]]
        elif tag == "Lambda":
            self.funcdef(f[0])
        else:
            raise AssertionError(f"unknown expression tag {tag}")

    def stmts(self, body):
        for s in body:
            self.stmt(s)

    def stmt(self, a):
        tag = a[0]
        _span(a)
        f = a[5:]
        if tag == "Assign":
            [self.expr(t) for t in f[0]]
            self.expr(f[1])
        elif tag == "AugAssign":
            self.expr(f[0])
            assert f[1] in BINOPS
            self.expr(f[2])
        elif tag == "Expr":
            self.expr(f[0])
        elif tag in ("Return", "Raise"):
            self.opt(f[0])
        elif tag in ("If", "While"):
            self.expr(f[0])
            self.stmts(f[1])
            self.stmts(f[2])
        elif tag == "For":
            self.expr(f[0])
            self.expr(f[1])
            self.stmts(f[2])
            self.stmts(f[3])
        elif tag in ("Break", "Continue", "Pass"):
            pass
        elif tag == "Assert":
            self.expr(f[0])
            self.opt(f[1])
        elif tag == "FuncDef":
            self.funcdef(f[0])
        elif tag == "Try":
            self.stmts(f[0])
            for h in f[1]:
                assert len(h) >= 8
                _span(h)
                self.opt(h[5])
                assert h[6] is None or isinstance(h[6], str)
                self.stmts(h[7])
            self.stmts(f[2])
            self.stmts(f[3])
        elif tag == "Unsupported":
            assert isinstance(f[0], str)
        else:
            raise AssertionError(f"unknown statement tag {tag}")

    def funcdef(self, a):
        assert a[0] == "Def" and len(a) == 10
        _span(a)
        assert isinstance(a[5], str)
        for p in a[6]:
            assert isinstance(p[0], str) and len(p) == 6
            self.opt(p[1])
            _span([None, *p[2:]])
        assert a[7] is None or isinstance(a[7], str)
        self.stmts(a[8])
        assert isinstance(a[9], bool)


def check_global(g):
    assert g[0] in GLOBAL_TAGS, g
    if g[0] == "int":
        int(g[1])
    elif g[0] == "float":
        _float_text(g[1])
    elif g[0] == "complex":
        _float_text(g[1])
        _float_text(g[2])
    elif g[0] == "bool":
        assert isinstance(g[1], bool)
    elif g[0] == "tuple":
        [check_global(x) for x in g[1]]
    elif g[0] in ("func", "array"):
        assert isinstance(g[1], int)
    elif g[0] == "ntvalue":
        assert isinstance(g[1], int) and isinstance(g[2], str) and len(g[3]) == len(g[4])
        [check_global(x) for x in g[4]]
    elif g[0] == "userexc":
        assert isinstance(g[1], int) and isinstance(g[2], str)
    elif g[0] == "namedtuple":
        assert isinstance(g[1], int) and isinstance(g[2], str)
        assert all(isinstance(f, str) for f in g[3]) and len(g[4]) == len(g[3])
        [check_global(d) for d in g[4] if d is not None]
    elif g[0] != "none":
        assert isinstance(g[1], str)


def read_unit(text):
    u = json.loads(text)
    reader = Reader()
    for f in u["functions"]:
        assert isinstance(f["qualname"], str) and isinstance(f["file"], str)
        assert isinstance(f["first_line"], int)
        assert all(isinstance(line, str) and "\n" not in line for line in f["lines"])
        reader.funcdef(f["def"])
        for g in f["env"].values():
            check_global(g)
            if g[0] == "func":
                assert g[1] < len(u["functions"])
            if g[0] == "array":
                assert g[1] < len(u["arrays"])
    for a in u["arrays"]:
        assert isinstance(a["dtype"], str) and all(isinstance(n, int) for n in a["shape"])
        bytes.fromhex(a["data"])
    return u


def unit(f):
    return read_unit(fe.build_unit(getattr(f, "__oxjit_py_func__", f)))


def nodes(tree, tag):
    """Every HIR node (list) with this tag, in pre-order."""
    out = []
    if isinstance(tree, list):
        if tree and tree[0] == tag:
            out.append(tree)
        for x in tree:
            out.extend(nodes(x, tag))
    return out


def name(tree, ident):
    """The first Name node reading or writing `ident`."""
    return next(n for n in nodes(tree, "Name") if n[5] == ident)


def text_at(node):
    """The file text a single-line span covers (columns are UTF-8 bytes)."""
    line, col, end_line, end_col = node[1:5]
    assert line == end_line
    return FILE_LINES[line - 1].encode("utf-8")[col:end_col].decode("utf-8")


def unsupported(tree):
    return {n[5] for n in nodes(tree, "Unsupported")}


class Dispatcher:
    """Stands in for oxjit's dispatcher: all the front end looks at."""

    def __init__(self, py_func):
        self.__oxjit_py_func__ = py_func

    def __call__(self, *args):
        return self.__oxjit_py_func__(*args)


njit = Dispatcher


# ---------------------------------------------------------------------------
# Layout and positions
# ---------------------------------------------------------------------------


def add_one(x):
    return x + 1


def test_small_function_matches_the_reader_example():
    u = unit(add_one)
    (f,) = u["functions"]
    assert f["qualname"] == "add_one"
    assert f["file"] == __file__
    assert f["lines"] == ["def add_one(x):", "    return x + 1"]
    assert FILE_LINES[f["first_line"] - 1] == "def add_one(x):"
    line = f["first_line"]
    assert f["def"] == [
        "Def", line, 0, line + 1, 16, "add_one", [["x", None, line, 12, line, 13]], None,
        [["Return", line + 1, 4, line + 1, 16,
          ["Bin", line + 1, 11, line + 1, 16, "Add",
           ["Name", line + 1, 11, line + 1, 12, "x"], ["Int", line + 1, 15, line + 1, 16, "1"]]]],
        False,
    ]  # fmt: skip
    assert f["env"] == {}
    assert u["arrays"] == []


def test_indented_decorated_function_has_file_positions():
    def deco(f):
        return f

    class Holder:
        @staticmethod
        @deco
        def method(α, β=2.5):
            """Docstrings are dropped."""
            s = """
not indented"""
            return α + β * undefined_γ + len(s)  # noqa: F821

    f = unit(Holder.method)["functions"][0]
    d = f["def"]
    # Decorators are not part of the def, but the lines shown include them.
    assert FILE_LINES[d[1] - 1].strip().startswith("def method(")
    assert FILE_LINES[f["first_line"] - 1].strip() == "@staticmethod"
    assert f["lines"][0] == FILE_LINES[f["first_line"] - 1]
    assert len(f["lines"]) == d[3] - f["first_line"] + 1
    assert text_at(name(d, "undefined_γ")) == "undefined_γ"
    assert [n[5] for n in nodes(d, "Name")] == ["s", "α", "β", "undefined_γ", "len", "s"]
    (alpha, beta) = d[6]
    assert text_at(["p", *alpha[2:]]) == "α"
    assert beta[1][0] == "Float" and beta[1][5] == "2.5"
    assert d[8][0][0] == "Pass"  # the docstring
    # The multi-line string defeats textwrap.dedent but not the front end.
    assert nodes(d, "Str")[0][5] == "\nnot indented"


def test_literals():
    def lits():
        return (1, -2, 1180591620717411303424, 1.5, 1e999, 2j, True, None, "s", b"b", ...)

    t = nodes(unit(lits)["functions"][0]["def"], "Tuple")[0][5]
    assert t[0][5] == "1"
    assert t[1][:1] + t[1][5:6] == ["Unary", "USub"]
    assert t[2][5] == str(2**70)  # the reader decides what fits
    assert [t[3][5], t[4][5], t[5][5]] == ["1.5", "inf", "2.0"]
    assert [x[0] for x in t[5:9]] == ["Imag", "Bool", "None", "Str"]
    assert [x[5] for x in t[9:]] == ["a bytes literal", "`...`"]


def test_statements_and_calls():
    def stmts(a, *rest):
        total = 0
        for i, (x, y) in enumerate(a, start=1):
            if x < y <= 3 and not i:
                continue
            elif x is None or y:
                break
            else:
                total += a[i, 1:2, ::2]
        else:
            pass
        while total:
            total -= 1
        try:
            assert total, "msg"
        except (ValueError, TypeError) as e:
            raise ValueError("bad") from e
        except:
            raise
        finally:
            pass
        n: int = 3
        m: float  # noqa: F842
        k = j = max(*rest)
        return print(total, n, k, j, sep="", end="\n")

    d = unit(stmts)["functions"][0]["def"]
    assert d[7] == "rest"
    tags = [s[0] for s in d[8]]
    assert tags == ["Assign", "For", "While", "Try", "Assign", "Pass", "Assign", "Return"]
    handlers = d[8][3][6]
    assert [h[5][0] if h[5] else None for h in handlers] == ["Tuple", None]
    assert handlers[0][6] == "e" and handlers[1][6] is None
    assert handlers[0][7][0][5] == "`raise ... from ...`"
    call = nodes(d[8][6], "Call")[0]
    assert call[6] == [] and call[7][5] == "rest"  # max(*rest): the star slot
    kw = nodes(d[8][7], "Call")[0][8]
    assert [k for k, _ in kw] == ["sep", "end"]
    assert len(nodes(d, "Slice")) == 2
    assert nodes(d, "Compare")[0][6] == ["Lt", "LtE"]


# ---------------------------------------------------------------------------
# Lambdas
# ---------------------------------------------------------------------------

PAIR = (njit(lambda x: x + 1), njit(lambda x: x * 2))
OTHER_PAIR = (njit(lambda x: x + 1), njit(lambda y: y * 2))
NESTED = njit(lambda x: lambda y: x - y)
# fmt: off
SPREAD = njit(
    lambda a,
    b=3: a
    % b
)
# fmt: on


def test_lambdas_on_one_line_are_told_apart_by_parameters():
    for f, op, param in zip(OTHER_PAIR, ("Add", "Mult"), "xy"):
        fn = unit(f)["functions"][0]
        d = fn["def"]
        assert d[5] == "<lambda>" and d[9] is True
        assert [s[0] for s in d[8]] == ["Return"]
        assert d[8][0][5][5] == op
        assert text_at(d).startswith(f"lambda {param}:")
        assert fn["lines"] == [FILE_LINES[d[1] - 1]]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="needs code positions (3.11+)")
def test_lambdas_on_one_line_are_told_apart_by_position():
    for f, op in zip(PAIR, ("Add", "Mult")):
        d = unit(f)["functions"][0]["def"]
        assert d[8][0][5][5] == op


def test_nested_lambdas():
    outer = unit(NESTED)["functions"][0]["def"]
    inner = outer[8][0][5]
    assert inner[0] == "Lambda" and inner[5][6][0][0] == "y"
    inner_fn = NESTED(10)
    d = unit(inner_fn)["functions"][0]["def"]
    assert [p[0] for p in d[6]] == ["y"]
    assert d[8][0][5][5] == "Sub"


def test_lambda_spanning_lines_inside_a_call():
    fn = unit(SPREAD)["functions"][0]
    d = fn["def"]
    assert [p[0] for p in d[6]] == ["a", "b"] and d[6][1][1][5] == "3"
    assert d[8][0][5][5] == "Mod"
    assert fn["first_line"] == d[1] and len(fn["lines"]) == 3
    assert fn["lines"][0].strip() == "lambda a,"


def test_lambda_in_a_function_body():
    def f(a):
        g = lambda v, w=a: v * w
        return g(a)

    d = unit(f)["functions"][0]["def"]
    lam = nodes(d, "Lambda")[0]
    assert text_at(lam) == "lambda v, w=a: v * w"
    assert lam[5][9] is True and [p[0] for p in lam[5][6]] == ["v", "w"]


# ---------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------

K = 3
BIG = 2**70
F = 0.1
C = 1 - 2j
FLAG = True
S = "héllo"
NOTHING = None
T = (1, (2.5, "s"), None)
BAD_T = (1, [2])
L = [1, 2]
ARR = np.arange(6, dtype=np.int32).reshape(2, 3)
SWAPPED = np.array([1.0, 2.0], dtype=">f8")[::-1]
OBJ_ARR = np.array([None])
NP_F32 = np.float32(0.5)
NP_I64 = np.int64(7)
NP_BOOL = np.bool_(True)
DT = np.dtype("f4")
msqrt = math.sqrt


def helper(x):
    return x


def uses_everything():
    return (
        K, BIG, F, C, FLAG, S, NOTHING, T, BAD_T, L, ARR, SWAPPED, OBJ_ARR, NP_F32, NP_I64, NP_BOOL,
        DT, msqrt, math, cmath, np, npr, np.linalg, sys, np.sqrt, np.abs, npr.normal, np.float64,
        np.int32, np.bool_, np.floating, len, range, float, int, ValueError, ZeroDivisionError,
        np.linalg.LinAlgError, helper, print, sorted, Dispatcher, undefined_name,  # noqa: F821
    )  # fmt: skip


def test_globals_are_classified():
    u = unit(uses_everything)
    env = u["functions"][0]["env"]
    assert env["K"] == ["int", "3"]
    assert env["BIG"] == ["int", str(2**70)]
    assert env["F"] == ["float", "0.1"]
    assert env["C"] == ["complex", "1.0", "-2.0"]
    assert env["FLAG"] == ["bool", True]
    assert env["S"] == ["str", "héllo"]
    assert env["NOTHING"] == ["none"]
    assert env["T"] == ["tuple", [["int", "1"], ["tuple", [["float", "2.5"], ["str", "s"]]], ["none"]]]
    assert env["BAD_T"] == ["other", "tuple containing a list"]
    assert env["L"] == ["other", "list"]
    assert env["NP_F32"] == ["float", "0.5"]
    assert env["NP_I64"] == ["int", "7"]
    assert env["NP_BOOL"] == ["bool", True]
    assert env["DT"] == ["dtype", "float32"]
    assert env["np"] == ["module", "numpy"]
    assert env["math"] == ["module", "math"]
    assert env["cmath"] == ["module", "cmath"]
    assert env["npr"] == ["module", "numpy.random"]
    assert env["sys"] == ["other", "module 'sys'"]
    assert env["msqrt"] == ["builtin", "math.sqrt"]
    assert env["len"] == ["builtin", "len"]
    assert env["range"] == ["builtin", "range"]
    assert env["float"] == ["builtin", "float"]
    assert env["int"] == ["builtin", "int"]
    assert env["print"] == ["builtin", "print"]
    assert env["sorted"] == ["builtin", "sorted"]
    assert env["ValueError"] == ["exc", "ValueError"]
    assert env["ZeroDivisionError"] == ["exc", "ZeroDivisionError"]
    assert env["helper"][0] == "other" and "not jitted" in env["helper"][1]
    assert env["Dispatcher"] == ["other", "class 'Dispatcher'"]
    assert "undefined_name" not in env
    # Attribute chains are left to the Rust side: only the root name is read.
    assert "sqrt" not in env and "linalg" not in env


def test_callables_and_dtypes_by_identity():
    # Through a closure, so the names are the values below, not attributes.
    cases = {
        "numpy.sqrt": np.sqrt,
        "numpy.absolute": np.abs,
        "numpy.random.normal": np.random.normal,
        "numpy.linalg.norm": np.linalg.norm,
        "numpy.empty": np.empty,
        "cmath.sqrt": cmath.sqrt,
    }
    for path, obj in cases.items():
        assert fe._UnitBuilder().classify(obj) == ["builtin", path]
    b = fe._UnitBuilder()
    assert b.classify(np.float64) == ["dtype", "float64"]
    assert b.classify(np.int32) == ["dtype", "int32"]
    assert b.classify(np.bool_) == ["dtype", "bool"]
    assert b.classify(np.dtype("c16")) == ["dtype", "complex128"]
    assert b.classify(np.floating)[0] == "builtin"  # abstract: not a dtype
    assert b.classify(np.linalg.LinAlgError) == ["exc", "LinAlgError"]
    assert b.classify(complex) == ["builtin", "complex"]
    assert b.classify(bool) == ["builtin", "bool"]

    class OxjitType:
        __oxjit_dtype__ = "float32"

    assert b.classify(OxjitType()) == ["dtype", "float32"]
    assert b.classify(OxjitType) == ["dtype", "float32"]
    err = type("Err", (Exception,), {})
    tag, number, name = b.classify(err)
    assert (tag, name) == ("userexc", "Err") and b.classify(err) == [tag, number, name]  # one number per class
    # A rejected tuple does not drag its contents into the unit.
    assert b.classify((1, njit(helper), ARR))[0] == "other"
    assert b.py_funcs == [] and b.arrays == []


def test_library_functions_all_read():
    # "Never throw on valid Python": whatever the syntax, the unit reads.
    import argparse
    import inspect
    import textwrap

    count = 0
    for mod in (argparse, inspect, textwrap):
        for f in vars(mod).values():
            if isinstance(f, types.FunctionType):
                try:
                    text = fe.build_unit(f)
                except ValueError:  # no source (generated code)
                    continue
                read_unit(text)
                count += 1
    assert count > 50


def test_global_arrays_are_frozen_as_hex():
    u = unit(uses_everything)
    env = u["functions"][0]["env"]
    a = u["arrays"][env["ARR"][1]]
    assert a["dtype"] == "int32" and a["shape"] == [2, 3]
    assert bytes.fromhex(a["data"]) == ARR.tobytes()
    s = u["arrays"][env["SWAPPED"][1]]
    assert s["dtype"] == "float64" and s["shape"] == [2]
    assert np.frombuffer(bytes.fromhex(s["data"]), dtype=np.float64).tolist() == [2.0, 1.0]
    assert env["OBJ_ARR"] == ["other", "NumPy array of dtype object"]


def test_locals_shadowing_globals_are_not_frozen():
    def shadow(n):
        ARR = n
        return ARR + K

    env = unit(shadow)["functions"][0]["env"]
    assert env == {"K": ["int", "3"]}


def test_prange_and_oxjit_module(monkeypatch):
    fake = types.ModuleType("oxjit")

    class prange:
        pass

    fake.prange = prange
    monkeypatch.setitem(sys.modules, "oxjit", fake)
    b = fe._UnitBuilder()
    assert b.classify(prange) == ["builtin", "oxjit.prange"]
    assert b.classify(fake) == ["module", "oxjit"]


# ---------------------------------------------------------------------------
# Jitted functions, closures
# ---------------------------------------------------------------------------


def _g(x):
    return _h(x) + _f(x - 1)


def _h(x):
    return x * K


def _f(x):
    return _g(x) if x > 0 else _h(x)


_f, _g, _h = njit(_f), njit(_g), njit(_h)


def test_reachable_jitted_functions_each_once():
    u = unit(_f)
    names = [f["qualname"] for f in u["functions"]]
    assert names[0] == "_f" and sorted(names) == ["_f", "_g", "_h"]
    index = {n: i for i, n in enumerate(names)}
    f_env, g_env = u["functions"][0]["env"], u["functions"][index["_g"]]["env"]
    assert f_env["_g"] == ["func", index["_g"]] and f_env["_h"] == ["func", index["_h"]]
    assert g_env["_f"] == ["func", 0]  # back to the root, by identity
    assert u["functions"][index["_h"]]["env"] == {"K": ["int", "3"]}


def test_closures():
    def make(k, g):
        scale = np.float64(2.0)

        def inner(x):
            return g(x) * k * scale + later

        if False:
            later = 1
        return inner

    inner = make(5, njit(helper))
    u = unit(inner)
    env = u["functions"][0]["env"]
    assert env["k"] == ["int", "5"]
    assert env["scale"] == ["float", "2.0"]
    assert env["g"] == ["func", 1]
    assert u["functions"][1]["qualname"] == "helper"
    assert "later" not in env  # empty cell


def test_unicode_names():
    def ünï(α, *βs):
        γ = α * Ω
        return γ + len(βs)

    u = unit(ünï)
    f = u["functions"][0]
    assert f["qualname"].endswith("ünï") and f["def"][5] == "ünï"
    assert f["env"]["Ω"] == ["int", "4"]
    assert text_at(name(f["def"], "Ω")) == "Ω"
    assert text_at(name(f["def"], "γ")) == "γ"
    assert "ünï" in fe.build_unit(ünï)  # UTF-8 text, not \u escapes


Ω = 4


# ---------------------------------------------------------------------------
# Unsupported syntax
# ---------------------------------------------------------------------------


def test_unsupported_syntax_becomes_nodes():
    def everything(a, b):
        global K  # noqa: PLW0602
        import os  # noqa: F401

        class Local:
            pass

        with open(a) as fh:
            pass
        tmp = fh
        del tmp
        nonlocal_ok = [i for i in b]
        d = {1: 2}
        s = {1}
        g = (i for i in b)
        fs = f"{a}"
        if (w := a) > 0:
            yield w
        x, *rest = b
        c = print(*a, b)
        e = print(**d)
        return nonlocal_ok, d, s, g, fs, x, rest, c, e, (yield from b), lambda *, k: k

    d = unit(everything)["functions"][0]["def"]
    assert unsupported(d) == {
        "a `global` declaration",
        "`import` inside a compiled function",
        "a class definition",
        "a `with` statement",
        "`del` of a name or attribute",
        "the walrus operator `:=`",
        "`yield`",
        "`yield from`",
        "a starred assignment",
        "a positional argument after a `*` argument",
        "a `**` argument",
        "a `lambda` with keyword-only arguments",
    }
    glob = d[8][0]
    assert glob[0] == "Unsupported" and text_at(glob) == "global K"


def test_unsupported_parameters_and_async():
    def params(a, /, b, *args, c, d=1, **kw):
        return a

    d = unit(params)["functions"][0]["def"]
    assert [p[0] for p in d[6]] == ["a", "b", "c", "d"] and d[7] == "args"
    assert d[6][3][1][5] == "1"
    problems = d[8][:3]
    assert [p[5] for p in problems] == [
        "a positional-only parameter",
        "a keyword-only parameter",
        "a `**kwargs` parameter",
    ]
    assert [text_at(p) for p in problems] == ["a", "c", "kw"]
    assert d[8][3][0] == "Return"

    async def coro(x):
        await x

    d = unit(coro)["functions"][0]["def"]
    assert d[8][0][5] == "`async def`" and unsupported(d) == {"`async def`", "`await`"}


def test_inner_defs():
    def outer(x):
        def plain(y=x):
            return y

        @staticmethod
        async def fancy():
            pass

        return plain()

    d = unit(outer)["functions"][0]["def"]
    assert [s[0] for s in d[8]] == ["FuncDef", "Unsupported", "FuncDef", "Return"]
    assert d[8][1][5] == "a decorator on an inner function"
    plain = d[8][0][5]
    assert plain[5] == "plain" and plain[6][0][1][5] == "x" and plain[9] is False
    assert d[8][2][5][8][0][5] == "`async def`"


def load_module(tmp_path, name, text):
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, text.splitlines()


@pytest.mark.skipif(sys.version_info < (3, 10), reason="`match` is Python 3.10+")
def test_match_statement(tmp_path):
    mod, _ = load_module(
        tmp_path,
        "m_match",
        "def f(a):\n    match a:\n        case 1:\n            return 2\n    return 0\n",
    )
    d = unit(mod.f)["functions"][0]["def"]
    assert d[8][0][:5] == ["Unsupported", 2, 4, 4, 20] and d[8][0][5] == "a `match` statement"


def test_tab_indented_method_in_another_file(tmp_path):
    text = "class A:\n\tdef m(self, x):\n\t\treturn x + ß\n\nß = 2\n"
    mod, lines = load_module(tmp_path, "m_tabs", text)
    f = unit(mod.A.m)["functions"][0]
    assert f["first_line"] == 2 and f["lines"] == lines[1:3]
    n = name(f["def"], "ß")
    assert n[1:5] == [3, 13, 3, 15]  # ß is two UTF-8 bytes
    assert f["env"]["ß"] == ["int", "2"]


def test_lambda_in_a_file_that_no_longer_parses(tmp_path):
    mod, _ = load_module(tmp_path, "m_edit", "f = (lambda x: x - 1)\n")
    (tmp_path / "m_edit.py").write_text("f = (lambda x: x - 1)\n)(\n", encoding="utf-8")
    import linecache

    linecache.checkcache(str(tmp_path / "m_edit.py"))
    # The whole file is broken; the statement-level fallback still finds it.
    d = unit(mod.f)["functions"][0]["def"]
    assert d[8][0][5][5] == "Sub" and d[1] == 1


def test_evaluated_defaults_of_the_root_win():
    fs = [njit(lambda x, k=k: x + k) for k in range(3)]
    params = [unit(f)["functions"][0]["def"][6] for f in fs]
    assert [p[0][1] for p in params] == [None, None, None]
    assert [p[1][1][5] for p in params] == ["0", "1", "2"]
    lam = unit(fs[2])["functions"][0]["def"]
    assert text_at(lam[6][1][1]) == "k"  # the literal sits where the source default was

    def f(a, b=(1, 2.5), *, c=1j, d=np.float32, e=K):
        return a

    d = unit(f)["functions"][0]["def"]
    p = {x[0]: x[1] for x in d[6]}
    assert p["b"][0] == "Tuple" and [x[5] for x in p["b"][5]] == ["1", "2.5"]
    assert p["c"][:1] + p["c"][5:6] == ["Bin", "Add"]
    assert p["d"][0] == "Attr"  # no literal form: the source expression
    assert p["e"][5] == "3"


def test_missing_source_is_a_value_error():
    ns = {}
    exec("def nosrc(x):\n    return x\n", ns)  # noqa: S102
    with pytest.raises(ValueError, match="cannot read the source of nosrc"):
        fe.build_unit(ns["nosrc"])
    with pytest.raises(ValueError, match="cannot read the source"):
        fe.build_unit(eval("lambda: 0"))
