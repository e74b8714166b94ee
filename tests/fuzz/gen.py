"""Seeded generator of random, well-typed Python functions over oxjit's supported subset.

A program is a module text with one entry function ``f`` and a ``make_args()`` that builds its
arguments, so the runner can import it from a real file (oxjit reads the source) and get fresh
arguments for each run.

The generator is table-driven: scalar argument types (``SCALAR_ARGS``), array dtypes
(``ARRAY_DTYPES``), operators (``BINOPS``), scalar functions (``SCALAR_FUNCS``), array functions
(``ARRAY_UFUNCS``, ``REDUCTIONS``) and statements (``STMTS``) are rows; a new type, function or
statement is a new row.

Static types are modelled as small tuples:

- ``("py", k)``: a Python scalar of kind ``k`` in ``b`` (bool), ``i`` (int), ``f`` (float),
  ``c`` (complex). Arithmetic between these follows Python's rules, which oxjit implements.
- ``("np", dtype)``: a NumPy scalar (a NumPy scalar argument, an array element, a reduction's
  result). NumPy 2's scalar rules (NEP 50: int8 + int8 stays int8, float64 / 0.0 is inf) differ
  on purpose from Numba's (semantics rows 3-4, 9), so such values only reach Python arithmetic
  through an explicit conversion (``int()``, ``float()``, ``complex()``, ``bool()``) or a
  ``math`` function; they may be returned (the runner maps NumPy scalars to Python ones).
- ``("arr", dtype, shape)``: a NumPy array of static shape; ``shape`` is None for the 1-d result
  of a boolean mask, usable only by reductions.
- ``("tup", (types...))``: a tuple (``Var.named``: an instance of the module's named tuple
  ``NT``, fields ``p``, ``q``, ``r``; built in ``f`` or passed in by ``make_args``).
- ``("obj", name)``: an instance of the module's jitclass (``JC``, a ``JCls``): ``Gen.vars``
  lists its fields as variables named ``c.field`` (read, written, updated in place like locals).

User-defined types: a program may define a jitclass (``JC_FIELDS``: field types and the
constructor arguments each accepts, with Numba's conversions; ``JC_METHODS``: method shapes),
whose plain class keeps its name ``K`` and whose jitclass is bound to ``JK``; the runner runs the
CPython reference with ``JK`` rebound to ``K`` (converting field writes as the spec says). The
decision to define one comes from a stream of its own, so programs without one are unchanged.

Array expression types are inferred by evaluating the expression on dummy arrays, so NumPy
itself decides the result dtype and shape.

``KNOWN`` lists constructs that trigger known oxjit bugs; the generator leaves them out unless
``include_known`` is set (campaigns), so the CI budget stays green while the bug is open.
"""

from __future__ import annotations

import math
import random
import warnings
from dataclasses import dataclass, field

import numpy as np

# ---------------------------------------------------------------------------
# Constructs the generator leaves out: open bugs ("bug: ...", remove the row when fixed) and
# documented deviations whose results differ in the last bits ("documented: ...").
# ---------------------------------------------------------------------------

KNOWN: dict[str, str] = {
    # math.sqrt(np.float32(10.0)): CPython 3.1622776601683795 (float64), oxjit 3.1622776985168457
    # (computed in float32, as Numba does; documented in docs/semantics.md)
    "math.* of float32": "documented: math functions of float32 values are computed in float32",
    # np.log1p(np.array([2.0])): NumPy 1.0986122886681098, oxjit 1.0986122886681096 (glibc's log1p).
    # A documented deviation, not a bug: NumPy's SIMD loops (SVML-derived on AVX-512) differ from the
    # C library in the last ulps for most transcendental functions (docs/semantics.md).
    "np.log1p": "documented: NumPy's SIMD log1p differs from the C library's in the last ulp",
}

# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------

INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_DTYPES = ["float32", "float64"]
COMPLEX_DTYPES = ["complex64", "complex128"]
ARRAY_DTYPES = ["bool"] + INT_DTYPES + FLOAT_DTYPES + COMPLEX_DTYPES

FLOAT_VALUES = [0.0, -0.0, 0.5, -1.5, 2.0, 3.25, -7.0, 1e-3, 10.0, 0.1, math.inf, -math.inf, math.nan]
FLOAT_WEIGHTS = [3, 2, 3, 3, 3, 2, 2, 1, 2, 2, 1, 1, 1]


def _rand_float(r: random.Random) -> float:
    return r.choices(FLOAT_VALUES, FLOAT_WEIGHTS)[0]


def _rand_int(r: random.Random, dtype: str = "int64") -> int:
    if dtype.startswith("u"):
        return r.randint(0, 9)
    return r.randint(-6, 9)


# scalar argument types: name -> (static type, maker of a value)
SCALAR_ARGS = {
    "int": (("py", "i"), lambda r: r.randint(-20, 20)),
    "float": (("py", "f"), _rand_float),
    "bool": (("py", "b"), lambda r: r.random() < 0.5),
    "complex": (("py", "c"), lambda r: complex(r.choice([0.0, 1.5, -2.0, 0.25]), r.choice([0.0, 1.0, -0.5]))),
    **{d: (("np", d), (lambda d: lambda r: np.dtype(d).type(_rand_int(r, d)))(d)) for d in INT_DTYPES},
    **{d: (("np", d), (lambda d: lambda r: np.dtype(d).type(_rand_float(r)))(d)) for d in FLOAT_DTYPES},
    **{d: (("np", d), (lambda d: lambda r: np.dtype(d).type(complex(_rand_float(r), r.choice([0.0, 1.0]))))(d))
       for d in COMPLEX_DTYPES},
    "np.bool_": (("np", "bool"), lambda r: np.bool_(r.random() < 0.5)),
}

KINDS = "bifc"
KIND_OF_DTYPE = {"bool": "b", **{d: "i" for d in INT_DTYPES}, **{d: "f" for d in FLOAT_DTYPES},
                 **{d: "c" for d in COMPLEX_DTYPES}}


def promote(a: str, b: str) -> str:
    return KINDS[max(KINDS.index(a), KINDS.index(b))]


# binary operators on Python scalars: op -> (allowed operand kinds, result rule)
def _arith(a, b):
    k = promote(a, b)
    return "i" if k == "b" else k


BINOPS = {
    "+": ("bifc", _arith),
    "-": ("bifc", _arith),
    "*": ("bifc", _arith),
    "/": ("bifc", lambda a, b: "c" if "c" in (a, b) else "f"),
    "//": ("bif", _arith),
    "%": ("bif", _arith),
    "&": ("bi", lambda a, b: "b" if a == b == "b" else "i"),
    "|": ("bi", lambda a, b: "b" if a == b == "b" else "i"),
    "^": ("bi", lambda a, b: "b" if a == b == "b" else "i"),
}
CMPOPS = ["<", "<=", ">", ">=", "==", "!="]

# scalar functions: (template, argument kinds, result kind); {0}, {1} are argument slots.
# Arguments of kind "f" accept b/i/f expressions (CPython and oxjit convert them).
SCALAR_FUNCS = [
    ("math.sqrt({0})", "f", "f"), ("math.exp({0})", "f", "f"), ("math.log({0})", "f", "f"),
    ("math.sin({0})", "f", "f"), ("math.cos({0})", "f", "f"), ("math.tan({0})", "f", "f"),
    ("math.atan({0})", "f", "f"), ("math.tanh({0})", "f", "f"), ("math.sinh({0})", "f", "f"),
    ("math.asinh({0})", "f", "f"), ("math.atan2({0}, {1})", "ff", "f"), ("math.hypot({0}, {1})", "ff", "f"),
    ("math.fabs({0})", "f", "f"), ("math.floor({0})", "f", "i"), ("math.ceil({0})", "f", "i"),
    ("math.trunc({0})", "f", "i"), ("math.copysign({0}, {1})", "ff", "f"), ("math.fmod({0}, {1})", "ff", "f"),
    ("math.expm1({0})", "f", "f"), ("math.log1p({0})", "f", "f"), ("math.erf({0})", "f", "f"),
    ("math.erfc({0})", "f", "f"), ("math.gamma({0})", "f", "f"), ("math.lgamma({0})", "f", "f"),
    ("math.degrees({0})", "f", "f"), ("math.radians({0})", "f", "f"), ("math.isnan({0})", "f", "b"),
    ("math.isinf({0})", "f", "b"), ("math.isfinite({0})", "f", "b"), ("math.ldexp({0}, {1})", "fs", "f"),
    ("math.remainder({0}, {1})", "ff", "f"), ("math.log2({0})", "f", "f"), ("math.log10({0})", "f", "f"),
    ("math.gcd({0}, {1})", "ii", "i"), ("math.isqrt(abs({0}))", "i", "i"),
    ("math.isclose({0}, {1})", "ff", "b"), ("math.nextafter({0}, {1})", "ff", "f"),
    ("abs({0})", "i", "i"), ("abs({0})", "f", "f"), ("abs({0})", "c", "f"),
    ("min({0}, {1})", "ii", "i"), ("max({0}, {1})", "FF", "f"), ("min({0}, {1}, {2})", "FFF", "f"),
    ("round({0})", "f", "i"), ("round({0}, 2)", "F", "f"), ("int({0})", "f", "i"), ("float({0})", "i", "f"),
    ("bool({0})", "f", "b"), ("complex({0}, {1})", "ff", "c"), ("pow({0}, {1})", "Fs", "f"),
    ("cmath.sqrt({0})", "c", "c"), ("cmath.exp({0})", "c", "c"), ("cmath.log({0})", "c", "c"),
    ("cmath.sin({0})", "c", "c"), ("cmath.cos({0})", "c", "c"), ("cmath.tanh({0})", "c", "c"),
    ("cmath.tan({0})", "c", "c"), ("cmath.log10({0})", "c", "c"), ("cmath.phase({0})", "c", "f"), ("cmath.isnan({0})", "c", "b"), ("cmath.rect({0}, {1})", "ff", "c"),
    ("({0}).conjugate()", "c", "c"), ("({0}).real", "c", "f"), ("({0}).imag", "c", "f"),
]
# The standard library's random, drawn by `s_func` now and then: `build` seeds it at the top of
# `f`, so CPython and compiled code draw the same sequence (parameters on which CPython's loops
# never end are avoided). Same row format as SCALAR_FUNCS.
PYRANDOM_FUNCS = [
    ("random.random()", "", "f"), ("random.uniform({0}, {1})", "FF", "f"),
    ("random.randint({0}, {1} + 5)", "ss", "i"), ("random.randrange({0}, 9, {1})", "ss", "i"),
    ("random.gauss({0}, {1})", "FF", "f"), ("random.normalvariate({0}, {1})", "FF", "f"),
    ("random.lognormvariate({0}, {1})", "FF", "f"), ("random.expovariate({0})", "F", "f"),
    ("random.vonmisesvariate({0}, abs({1}) + 0.5)", "Fs", "f"), ("random.triangular({0}, {1}, {2})", "FFF", "f"),
    ("random.gammavariate(abs({0}) + 0.25, {1})", "sF", "f"), ("random.betavariate(abs({0}) + 0.5, 2.0)", "s", "f"),
    ("random.paretovariate({0})", "F", "f"), ("random.weibullvariate({0}, {1})", "FF", "f"),
]
# tuple-valued scalar functions: (template, arg kinds, item kinds)
TUPLE_FUNCS = [
    ("divmod({0}, {1})", "ii", "ii"), ("divmod({0}, {1})", "ff", "ff"), ("math.frexp({0})", "f", "fi"),
    ("math.modf({0})", "f", "ff"), ("cmath.polar({0})", "c", "ff"),
]

# element-wise NumPy functions on arrays (and Python scalars, giving NumPy scalars)
ARRAY_UFUNCS = [
    "np.sqrt({0})", "np.abs({0})", "np.exp({0})", "np.sin({0})", "np.floor({0})", "np.negative({0})",
    "np.log1p({0})", "np.square({0})", "np.sign({0})", "np.isnan({0})", "np.maximum({0}, {1})",
    "np.minimum({0}, {1})", "np.arctan2({0}, {1})", "np.hypot({0}, {1})", "np.where({2}, {0}, {1})",
    "np.add({0}, {1})", "np.fmax({0}, {1})", "np.trunc({0})", "np.conj({0})", "np.isfinite({0})",
]
ARRAY_BINOPS = ["+", "-", "*", "/", "//", "%", "&", "|", "^", "<", "<=", "==", "!=", ">"]
REDUCTIONS = ["sum", "mean", "min", "max", "prod", "argmin", "argmax"]
FLOAT_SUMS = {"sum", "mean"}  # NumPy adds >= 8 float terms pairwise: tolerance tag "pairwise-sum"

MAX_DEPTH = 3

# jitclass field types: spec text -> (static type, kinds of constructor arguments accepted).
# Conversions as Numba: an int or bool stored in a float64 field becomes a float, a float stored
# in an int64 field truncates toward zero ("F": a finite float, so the conversion is defined), an
# int stored in an int32 field wraps (read back, it computes as an int64, as in Numba), a real
# number stored in a complex128 field becomes a complex.
# Array fields have one length per class (``JCls.length``), so indexing code stays in bounds.
JC_FIELDS = {
    "float64": (("py", "f"), "bfiiff"),
    "int64": (("py", "i"), "biiiF"),
    "boolean": (("py", "b"), "b"),
    "float64[:]": (("arr", "float64"), ""),
    "int64[:]": (("arr", "int64"), ""),
    "int32": (("py", "i"), "biiiF"),
    "complex128": (("py", "c"), "bifcc"),
}
JC_FIELD_WEIGHTS = [4, 4, 1, 2, 1, 1, 1]
JC_FIELD_NAMES = ("x", "y", "z")
# method shapes: name -> weight. "pure": returns an expression of fields and its parameter;
# "update": writes or updates a field first (so calling it is a statement too); "pair": returns
# a tuple of two expressions; "array": returns an array expression of an array field; "self":
# updates a field and returns ``self`` (so `d = c.m0()` is another name for the instance).
JC_METHODS = {"pure": 3, "update": 3, "pair": 1, "array": 1, "self": 1}
# method parameter kinds: none, a Python scalar, or "o": another instance (maybe `self` itself)
JC_PARAMS = ["", "i", "f", "f", "o"]


@dataclass
class Program:
    seed: int
    source: str
    features: set = field(default_factory=set)
    tolerant: dict = field(default_factory=dict)  # index in the returned tuple -> tolerance tag

    def text(self) -> str:
        return self.source


class Skip(Exception):
    """A candidate construct does not fit; the caller picks another."""


@dataclass
class Var:
    name: str
    ty: tuple
    mutable: bool = True  # can be reassigned (arguments cannot: closures capture them)
    sink: bool = False    # only returned, never read (values compared with a tolerance)
    tag: str = ""
    named: bool = False   # a tuple that is an NT named tuple (fields p, q, r)
    from_py: bool = False  # a jitclass instance that make_args may have built (an argument, an alias)


@dataclass
class JCls:
    """The program's jitclass: fields (name, spec text, static type), methods and properties."""
    fields: list
    length: int                                   # the length of every array field
    defaults: dict = field(default_factory=dict)  # __init__ parameter -> default source
    methods: list = field(default_factory=list)   # (name, parameter kind or "", result type, mutates)
    props: list = field(default_factory=list)     # (name, result type, has a setter)
    lines: list = field(default_factory=list)     # the class and its jitclass() call


class _Src:
    """An argument ``make_args`` builds from source text (a jitclass instance, a named tuple)."""

    def __init__(self, src: str):
        self.src = src


def _dummy(ty):
    if ty[0] == "py":
        return {"b": True, "i": 1, "f": 1.0, "c": 1j}[ty[1]]
    if ty[0] == "np":
        return np.dtype(ty[1]).type(1)
    if ty[0] == "arr":
        shape = ty[2] if ty[2] is not None else (3,)
        return np.ones(shape, dtype=ty[1])
    if ty[0] == "opt":
        return None  # never read by generated expressions, only compared with None and returned
    return tuple(_dummy(t) for t in ty[1])


def _type_of(v):
    if isinstance(v, np.ndarray):
        if v.ndim == 0 or v.dtype.name not in ARRAY_DTYPES or v.size == 0:
            raise Skip
        return ("arr", v.dtype.name, v.shape)
    if isinstance(v, np.generic):
        if v.dtype.name not in ARRAY_DTYPES:
            raise Skip
        return ("np", v.dtype.name)
    if isinstance(v, bool):
        return ("py", "b")
    if isinstance(v, int):
        return ("py", "i")
    if isinstance(v, float):
        return ("py", "f")
    if isinstance(v, complex):
        return ("py", "c")
    raise Skip


def _lit_float(x: float) -> str:
    if math.isnan(x):
        return "math.nan"
    if math.isinf(x):
        return "math.inf" if x > 0 else "-math.inf"
    return repr(x)


def _value_src(v) -> str:
    """Python source that rebuilds an argument value."""
    if isinstance(v, _Src):
        return v.src
    if isinstance(v, np.ndarray):
        return f"np.array({_list_src(v.tolist())}, dtype=np.{v.dtype.name if v.dtype.name != 'bool' else 'bool_'})"
    if isinstance(v, np.generic):
        name = "bool_" if v.dtype.name == "bool" else v.dtype.name
        return f"np.{name}({_value_src(v.item())})"
    if isinstance(v, bool):
        return repr(v)
    if isinstance(v, float):
        return _lit_float(v)
    if isinstance(v, complex):
        return f"complex({_lit_float(v.real)}, {_lit_float(v.imag)})"
    return repr(v)


def _list_src(x) -> str:
    if isinstance(x, list):
        return "[" + ", ".join(_list_src(y) for y in x) + "]"
    return _value_src(x)


class Gen:
    def __init__(self, seed: int, include_known: bool = False):
        self.seed = seed
        self.r = random.Random(seed)
        # Decides when `s_func` draws a PYRANDOM_FUNCS row: a stream of its own, so programs
        # without one are the ones the seed gave before that table existed.
        self.r_pyrandom = random.Random(seed + 0x5EED)
        self.include_known = include_known
        self.features: set = set()
        self.n = 0
        self.scopes: list[list[Var]] = []
        self.lines: list[str] = []
        self.indent = 1
        self.loop_depth = 0
        self.closure_ok: list[Var] = []
        self.prelude: list[str] = []
        # User-defined types: whether the program defines a jitclass, passes a named tuple or an
        # instance in, from a stream of their own (programs without them stay as they were).
        self.r_udt = random.Random(seed + 0xC1A55)
        # Lists: whether this program builds some (`st_list`), and where, from a stream of
        # their own (programs without lists stay as they were).
        self.r_list = random.Random(seed + 0x11575)
        self.uses_lists = self.r_list.random() < 0.35
        self.jc: JCls | None = None
        self.in_class = False  # generating the class body: no member calls, no random module

    # -- helpers -----------------------------------------------------------
    def allowed(self, key: str) -> bool:
        if key in KNOWN and not self.include_known:
            return False
        return True

    def feature(self, key: str) -> None:
        if not self.allowed(key):
            raise Skip
        self.features.add(key)

    def fresh(self, prefix="v") -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.indent + line)

    def vars(self, pred=lambda v: True) -> list[Var]:
        out = []
        for s in self.scopes:
            for v in s:
                if v.ty[0] == "obj":  # its fields read and write like variables
                    out += [m for m in self.members(v) if pred(m)]
                if not v.sink and pred(v):
                    out.append(v)
        return out

    def members(self, obj: Var) -> list[Var]:
        return [Var(f"{obj.name}.{name}", ty) for name, _, ty in self.jc.fields]

    def declare(self, v: Var) -> None:
        self.scopes[-1].append(v)

    def attempt(self, fn, *args, tries=8):
        for _ in range(tries):
            # Everything a failed try may have changed: lines, features, names,
            # declarations and the block nesting.
            mark = (len(self.lines), set(self.features), self.n, [list(s) for s in self.scopes], self.indent)
            try:
                return fn(*args)
            except Skip:
                del self.lines[mark[0]:]
                self.features, self.n = mark[1], mark[2]
                self.scopes, self.indent = mark[3], mark[4]
        raise Skip

    # -- scalar expressions ---------------------------------------------------
    def literal(self, k: str) -> str:
        r = self.r
        if k == "b":
            return r.choice(["True", "False"])
        if k == "i":
            return str(r.randint(-5, 9))
        if k == "f":
            return _lit_float(r.choice([0.0, -0.0, 0.5, 1.5, -2.25, 3.0, 1e-9, 100.0, math.inf, math.nan]))
        return f"complex({_lit_float(r.choice([0.0, 1.0, -0.5]))}, {_lit_float(r.choice([0.0, 2.0, -1.0]))})"

    def scalar(self, k: str, depth: int = 0) -> str:
        """A Python-scalar expression of kind exactly k."""
        r = self.r
        if depth >= MAX_DEPTH or r.random() < 0.25:
            return self.leaf(k)
        member = 4 if self.jc is not None and not self.in_class else 0
        choice = r.choices(["binop", "func", "conv", "unary", "cond", "array", "tuple", "member"],
                           [8, 4, 3, 2, 1, 3, 1, member])[0]
        return self.attempt(getattr(self, "s_" + choice), k, depth + 1)

    def leaf(self, k: str) -> str:
        vs = self.vars(lambda v: v.ty == ("py", k))
        if vs and self.r.random() < 0.75:
            return self.r.choice(vs).name
        return self.literal(k)

    def s_binop(self, k, depth):
        r = self.r
        if k == "b":
            if r.random() < 0.6:
                return self.compare(depth)
            op = r.choice(["&", "|", "^", "and", "or"])
            return f"({self.scalar('b', depth)} {op} {self.scalar('b', depth)})"
        ops = [op for op, (kinds, rule) in BINOPS.items() if k in "".join(
            rule(a, b) for a in kinds for b in kinds)]
        if k in "if" and r.random() < 0.15:
            return self.power(k, depth)
        if k == "i" and r.random() < 0.1:
            self.feature("int shift")
            return f"({self.scalar('i', depth)} {r.choice(['<<', '>>'])} {r.randint(0, 12)})"
        op = r.choice(ops)
        kinds, rule = BINOPS[op]
        pairs = [(a, b) for a in kinds for b in kinds if rule(a, b) == k]
        a, b = r.choice(pairs)
        self.feature(f"{a} {op} {b}")
        return f"({self.scalar(a, depth)} {op} {self.scalar(b, depth)})"

    def power(self, k, depth):
        r = self.r
        if k == "i":
            self.feature("int ** int")
            return f"({self.scalar('i', depth)} ** {r.randint(0, 3)})"
        # float base non-negative: a negative base with a fractional exponent is complex in CPython
        bk = r.choice("if")
        ek = r.choice("if")
        if bk == ek == "i":
            bk = "f"
        self.feature(f"{bk} ** {ek}")
        return f"(abs({self.scalar(bk, depth)}) ** {self.scalar(ek, depth)})"

    def compare(self, depth):
        r = self.r
        k = r.choice("bif")
        ops = CMPOPS
        if r.random() < 0.1:
            k = "c"
            ops = ["==", "!="]
        parts = [self.scalar(k, depth) for _ in range(r.choice([2, 2, 2, 3]))]
        out = parts[0]
        for p in parts[1:]:
            out += f" {r.choice(ops)} {p}"
        self.feature("compare " + k)
        return f"({out})"

    def s_func(self, k, depth):
        rows = [row for row in SCALAR_FUNCS if row[2] == k]
        if k in "fi" and self.r_pyrandom.random() < 0.03 and not self.in_class:
            rows = [row for row in PYRANDOM_FUNCS if row[2] == k]
        tmpl, argk, _ = self.r.choice(rows)
        self.feature(tmpl.split("(")[0] + "/" + argk)
        args = []
        for a in argk:
            if a == "s":  # a small int
                args.append(str(self.r.randint(-3, 5)))
            elif a == "f":
                args.append(self.scalar(self.r.choice("iff"), depth))
            elif a == "F":  # exactly float (min/max return one of their arguments as it is)
                args.append(self.scalar("f", depth))
            else:
                args.append(self.scalar(a, depth))
        return tmpl.format(*args)

    def s_conv(self, k, depth):
        """A NumPy scalar (argument, array element, reduction) converted to a Python scalar."""
        src, ty = self.npscalar(depth)
        dk = KIND_OF_DTYPE[ty[1]]
        if k == "b":
            return f"bool({src})"
        if k == "i":
            if dk == "c":
                raise Skip
            return f"int({src})"
        if k == "f":
            if dk == "c":
                raise Skip
            if dk in "bi" or self.r.random() < 0.5:
                return f"float({src})"
            if ty[1] == "float32":
                self.feature("math.* of float32")
            return f"{self.r.choice(['math.sqrt', 'math.fabs', 'math.exp'])}({src})"
        return f"complex({src})"

    def s_unary(self, k, depth):
        if k == "b":
            return f"(not {self.scalar('b', depth)})"
        if k == "i" and self.r.random() < 0.3:
            return f"(~{self.scalar('i', depth)})"
        if k == "i":
            return f"(-{self.scalar(self.r.choice('i'), depth)})"
        return f"(-{self.scalar(k, depth)})"

    def s_cond(self, k, depth):
        return f"({self.scalar(k, depth)} if {self.scalar('b', depth)} else {self.scalar(k, depth)})"

    def s_array(self, k, depth):
        """Scalars from arrays: shape facts, and reductions converted to Python scalars."""
        arrs = self.vars(lambda v: v.ty[0] == "arr" and v.ty[2] is not None)
        if not arrs:
            raise Skip
        a = self.r.choice(arrs)
        if k == "i" and self.r.random() < 0.5:
            nd = len(a.ty[2])
            return self.r.choice([f"len({a.name})", f"{a.name}.size", f"{a.name}.ndim",
                                  f"{a.name}.shape[{self.r.randrange(nd)}]"])
        return self.s_conv(k, depth)

    def s_tuple(self, k, depth):
        tvs = self.vars(lambda v: v.ty[0] == "tup" and ("py", k) in v.ty[1])
        if k == "i" and tvs and self.r_udt.random() < 0.3:
            self.feature("tuple len")
            return f"len({self.r.choice(tvs).name})"
        if tvs:
            t = self.r.choice(tvs)
            idx = [i for i, ty in enumerate(t.ty[1]) if ty == ("py", k)]
            i = self.r.choice(idx)
            if t.named and self.r.random() < 0.6:
                self.feature("namedtuple field")
                return f"{t.name}.{NT_FIELDS[i]}"
            return f"{t.name}[{self.r.choice([i, i - len(t.ty[1])])}]"
        rows = [row for row in TUPLE_FUNCS if k in row[2]]
        if not rows:
            raise Skip
        tmpl, argk, items = self.r.choice(rows)
        self.feature(tmpl.split("(")[0] + "/" + argk)
        args = [self.scalar(a, depth) for a in argk]
        return f"{tmpl.format(*args)}[{items.index(k)}]"

    # -- NumPy scalars --------------------------------------------------------
    def npscalar(self, depth):
        """(source, ("np", dtype)): an argument, an array element or a whole-array reduction."""
        r = self.r
        opts = []
        nps = self.vars(lambda v: v.ty[0] == "np")
        if nps:
            opts.append("var")
        arrs = self.vars(lambda v: v.ty[0] == "arr")
        if arrs:
            opts += ["elem", "elem", "reduce"]
        if not opts:
            raise Skip
        c = r.choice(opts)
        if c == "var":
            v = r.choice(nps)
            return v.name, v.ty
        if c == "elem":
            a = r.choice([v for v in arrs if v.ty[2] is not None] or [None])
            if a is None:
                raise Skip
            return self.element(a, depth)
        src, ty = self.reduction(depth, want_scalar=True)
        return src, ty

    def index_expr(self, n: int, depth: int) -> str:
        r = self.r
        c = r.random()
        if c < 0.5:
            return str(r.randint(-n, n - 1))
        self.feature("computed index")
        return f"({self.scalar('i', depth + 1)}) % {n}"

    def element(self, a: Var, depth):
        shape = a.ty[2]
        idx = ", ".join(self.index_expr(n, depth) for n in shape)
        self.feature("getitem scalar")
        return f"{a.name}[{idx}]", ("np", a.ty[1])

    def _obj_dummy(self):
        """A stand-in for a jitclass instance in `infer`: fields, properties and methods."""
        import types
        ns = types.SimpleNamespace(**{name: _dummy(ty) for name, _, ty in self.jc.fields})
        for name, ty, _ in self.jc.props:
            setattr(ns, name, _dummy(ty))
        for name, _, ty, _ in self.jc.methods:
            setattr(ns, name, (lambda ty: lambda *a: _dummy(ty))(ty))
        return ns

    # -- jitclass members ------------------------------------------------------
    def s_member(self, k, depth):
        """A method call or a property read of kind k on an instance."""
        objs = self.vars(lambda v: v.ty[0] == "obj")
        if not objs:
            raise Skip
        o = self.r.choice(objs)
        opts = [(name, None, ty) for name, ty, _ in self.jc.props if ty == ("py", k)]
        opts += [(name, pk, ty) for name, pk, ty, _ in self.jc.methods
                 if ("py", k) in (ty[1] if ty[0] == "tup" else (ty,))]
        if not opts:
            raise Skip
        name, pk, ty = self.r.choice(opts)
        if pk is None:
            self.feature("jitclass property")
            return f"{o.name}.{name}"
        self.feature("jitclass method")
        call = f"{o.name}.{name}({self.method_arg(pk, depth)})"
        if ty[0] == "tup":
            call += f"[{ty[1].index(('py', k))}]"
        return call

    def method_arg(self, pk: str, depth: int) -> str:
        if pk == "o":
            self.feature("jitclass instance argument")
            return self.r.choice(self.vars(lambda v: v.ty[0] == "obj")).name
        return self.scalar(pk, depth) if pk else ""

    def jc_array_call(self, depth):
        """An array-valued method call, or None."""
        objs = self.vars(lambda v: v.ty[0] == "obj")
        rows = [m for m in self.jc.methods if m[2][0] == "arr"]
        if not objs or not rows or self.in_class:
            return None
        name, pk, ty, _ = self.r.choice(rows)
        self.feature("jitclass method array")
        return f"{self.r.choice(objs).name}.{name}({self.method_arg(pk, depth)})", ty

    # -- arrays -------------------------------------------------------------
    def infer(self, src: str):
        env = {"np": np, "math": math}
        for s in self.scopes:
            for v in s:
                env[v.name] = self._obj_dummy() if v.ty[0] == "obj" else _dummy(v.ty)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                val = eval(src, env)  # noqa: S307 - our own generated code on dummies
            except Exception as e:
                raise Skip from e
        return _type_of(val)

    def array(self, depth: int) -> tuple[str, tuple]:
        """An array expression and its type."""
        r = self.r
        arrs = self.vars(lambda v: v.ty[0] == "arr" and v.ty[2] is not None)
        if not arrs:
            raise Skip
        a = r.choice(arrs)
        if depth >= MAX_DEPTH:
            return a.name, a.ty
        c = r.choices(["var", "scalar_op", "array_op", "ufunc", "slice", "axis_reduce", "method"],
                      [2, 4, 3, 3, 3, 1, 1])[0]
        if c == "var":
            if self.jc is not None and self.r_udt.random() < 0.2:
                call = self.jc_array_call(depth)
                if call is not None:
                    return call
            return a.name, a.ty
        if c == "scalar_op":
            op = r.choice(ARRAY_BINOPS + ["**"])
            dk = KIND_OF_DTYPE[a.ty[1]]
            if op == "**":
                s = str(r.randint(0, 3))
            elif dk in "bi" and a.ty[1] != "int64":
                # NumPy 2 raises OverflowError for a Python int out of the dtype's range (oxjit
                # cannot know the value): only small non-negative literals with narrow ints.
                s = r.choice([str(r.randint(0, 5)), self.literal("f"), self.literal("b")])
            else:
                s = self.scalar(r.choice("bif" if dk != "c" else "bifc"), depth + 1)
            sub, subty = self.array(depth + 1)
            src = f"({sub} {op} {s})" if r.random() < 0.7 else f"({s} {op} {sub})"
            self.feature(f"array {op} scalar")
            if subty[1] == "complex64" and not s.isdigit():
                self.feature("complex64 array op Python scalar")
        elif c == "array_op":
            op = r.choice(ARRAY_BINOPS)
            x, _ = self.array(depth + 1)
            y, _ = self.array(depth + 1)
            src = f"({x} {op} {y})"
            self.feature(f"array {op} array")
        elif c == "ufunc":
            tmpl = r.choice(ARRAY_UFUNCS)
            x, xt = self.array(depth + 1)
            if xt[1] in ("int8", "int16", "uint8", "uint16") and tmpl.split("(")[0] in (
                    "np.sqrt", "np.exp", "np.sin", "np.log1p", "np.arctan2", "np.hypot"):
                raise Skip  # NumPy computes these in float16/float32 for narrow ints
            y, yt = self.array(depth + 1) if r.random() < 0.6 else (self.scalar("f", depth + 1), None)
            if tmpl.startswith("np.sign") and xt[1] in COMPLEX_DTYPES:
                raise Skip  # documented: np.sign of ints and floats
            cond, _ = self.array(depth + 1)
            src = tmpl.format(x, y, f"({cond} > 0)")
            if yt is None and "{1}" in tmpl and xt[1] == "complex64":
                self.feature("complex64 array op Python scalar")
            self.feature(tmpl.split("(")[0])
        elif c == "slice":
            src = self.slice_of(a)
        elif c == "axis_reduce":
            src, ty = self.reduction(depth + 1, want_scalar=False)
            return src, ty
        else:
            m = r.choice([".T", ".copy()", ".ravel()", ".astype(np.float64)", ".transpose()"])
            self.feature("method " + m)
            src = f"{a.name}{m}"
        ty = self.infer(src)
        if ty[0] != "arr":
            raise Skip
        return src, ty

    def slice_of(self, a: Var) -> str:
        r = self.r
        parts = []
        for n in a.ty[2]:
            c = r.random()
            if c < 0.3:
                parts.append(":")
            elif c < 0.5:
                parts.append(f"{r.randint(0, n - 1)}:")
            elif c < 0.65:
                parts.append("::-1")
            elif c < 0.8:
                parts.append(f"::{r.randint(1, 3)}")
            elif c < 0.9:
                parts.append(f"{r.randint(-n, 0)}:{r.randint(1, n)}:{r.choice([1, 2])}")
            else:
                parts.append(str(r.randint(-n, n - 1)))
        self.feature("slice")
        return f"{a.name}[{', '.join(parts)}]"

    def reduction(self, depth, want_scalar: bool):
        r = self.r
        arrs = self.vars(lambda v: v.ty[0] == "arr")
        if not arrs:
            raise Skip
        a = r.choice(arrs)
        name = r.choice(REDUCTIONS)
        base = a.name
        if a.ty[2] is not None and r.random() < 0.3:
            base = f"{a.name}[{a.name} > {'0' if a.ty[1] not in COMPLEX_DTYPES else '0j'}]" \
                if a.ty[1] not in COMPLEX_DTYPES else a.name
            if base != a.name:
                self.feature("mask read")
        elif a.ty[2] is not None and depth < MAX_DEPTH and r.random() < 0.3:
            base, _ = self.array(depth + 1)
        if a.ty[1] in COMPLEX_DTYPES and name in ("min", "max", "argmin", "argmax"):
            raise Skip  # complex ordering
        axis = ""
        if not want_scalar:
            if a.ty[2] is None:
                raise Skip
            axis = str(r.randint(-1, 1))
        src = f"{base}.{name}({'axis=' + axis if axis else ''})" if r.random() < 0.5 else \
            f"np.{name}({base}{', axis=' + axis if axis else ''})"
        self.feature(f"reduce {name}{' axis' if axis else ''}")
        ty = self.infer(src)
        if want_scalar != (ty[0] == "np"):
            raise Skip
        if name in FLOAT_SUMS and KIND_OF_DTYPE[a.ty[1]] in "fc":
            # pairwise summation in NumPy: only as a returned value, compared with a tolerance
            raise Skip
        return src, ty

    def float_sum_sink(self):
        """A float sum/mean, kept out of further computation and compared with a tolerance."""
        arrs = self.vars(lambda v: v.ty[0] == "arr" and KIND_OF_DTYPE[v.ty[1]] in "fc" and v.ty[2] is not None)
        if not arrs:
            raise Skip
        a = self.r.choice(arrs)
        name = self.r.choice(sorted(FLOAT_SUMS))
        axis = ""
        if len(a.ty[2]) > 1 and self.r.random() < 0.5:
            axis = f"axis={self.r.randint(-1, len(a.ty[2]) - 1)}"
        src = f"np.{name}({a.name}{', ' + axis if axis else ''})"
        self.feature(f"reduce {name} float")
        v = Var(self.fresh("s"), self.infer(src), sink=True, tag="pairwise-sum")
        self.emit(f"{v.name} = {src}")
        self.declare(v)

    # -- statements -----------------------------------------------------------
    def block(self, n: int) -> None:
        self.scopes.append([])
        self.indent += 1
        start = len(self.lines)
        for _ in range(n):
            try:
                self.attempt(self.statement)
            except Skip:
                pass
        if len(self.lines) == start:
            self.emit("pass")
        self.indent -= 1
        self.scopes.pop()

    def statement(self):
        if self.uses_lists and self.indent <= 3 and self.r_list.random() < 0.15:
            return [self.st_list, self.st_list, self.st_dict, self.st_str][self.r_list.randrange(4)]()
        kinds = list(STMTS)
        weights = [STMTS[k] for k in kinds]
        if self.indent > 3:
            weights = [w if k in ("assign", "reassign", "augassign") else 0 for k, w in zip(kinds, weights)]
        if self.loop_depth == 0:
            weights = [0 if k == "break" else w for k, w in zip(kinds, weights)]
        if self.jc is None:
            weights = [0 if k in JC_STMTS else w for k, w in zip(kinds, weights)]
        getattr(self, "st_" + self.r.choices(kinds, weights)[0])()

    def st_assign(self):
        r = self.r
        c = r.random()
        if c < 0.55:
            k = r.choice("bbiiiffffc")
            src, ty = self.scalar(k), ("py", k)
        elif c < 0.8:
            src, ty = self.array(0)
        elif c < 0.9:
            src, ty = self.npscalar(0)
        else:
            items = [r.choice("bif") for _ in range(r.randint(2, 3))]
            src = "(" + ", ".join(self.scalar(k) for k in items) + ")"
            ty = ("tup", tuple(("py", k) for k in items))
            self.feature("tuple pack")
        v = Var(self.fresh(), ty)
        self.emit(f"{v.name} = {src}")
        self.declare(v)

    def st_reassign(self):
        vs = self.vars(lambda v: v.mutable and v.ty[0] == "py")
        if not vs:
            raise Skip
        v = self.r.choice(vs)
        self.emit(f"{v.name} = {self.scalar(v.ty[1])}")

    def st_augassign(self):
        vs = self.vars(lambda v: v.mutable and v.ty[0] == "py" and v.ty[1] != "b")
        r = self.r
        if vs and r.random() < 0.75:
            v = r.choice(vs)
            k = v.ty[1]
            ops = {"i": ["+=", "-=", "*=", "//=", "%=", "&=", "|=", "^="], "f": ["+=", "-=", "*=", "/=", "%="],
                   "c": ["+=", "-=", "*="]}[k]
            op = r.choice(ops)
            rk = r.choice({"i": "bi", "f": "bif", "c": "bifc"}[k])
            if op == "*=" and k == "i":
                rk = "b"  # bounded growth in loops (int64 wraps, Python does not)
            self.feature(f"{k} {op} {rk}")
            self.emit(f"{v.name} {op} {self.scalar(rk)}")
            return
        # in-place array update on a local copy
        arrs = self.vars(lambda v: v.mutable and v.ty[0] == "arr" and v.ty[2] is not None)
        if not arrs:
            raise Skip
        a = r.choice(arrs)
        dk = KIND_OF_DTYPE[a.ty[1]]
        if dk == "b":
            raise Skip
        op = r.choice(["+=", "-=", "*="])
        val = str(r.randint(0, 3)) if dk == "i" else self.scalar(r.choice("if" if dk == "f" else "ifc"))
        target = a.name if r.random() < 0.5 else self.slice_of(a)
        if ":" not in target and "[" in target and a.ty[1] in ("float32", "complex64") and not val.isdigit():
            # One element: np.float32 op Python float is float32 in NumPy, float64 in oxjit and Numba
            # (documented); the store rounds the wider product, which can differ in the last bit.
            target = a.name
        self.feature(f"array {op}")
        if a.ty[1] == "complex64" and not val.isdigit():
            self.feature("complex64 array op Python scalar")
        self.emit(f"{target} {op} {val}")

    def st_setitem(self):
        arrs = self.vars(lambda v: v.mutable and v.ty[0] == "arr" and v.ty[2] is not None)
        if not arrs:
            raise Skip
        a = self.r.choice(arrs)
        dk = KIND_OF_DTYPE[a.ty[1]]
        val = str(self.r.randint(0, 5)) if dk == "i" else self.scalar(dk)
        src, _ = self.element(a, 0)
        self.feature("setitem")
        self.emit(f"{src} = {val}")

    def st_copy(self):
        arrs = self.vars(lambda v: v.ty[0] == "arr" and v.ty[2] is not None)
        if not arrs:
            raise Skip
        a = self.r.choice(arrs)
        v = Var(self.fresh("w"), a.ty)
        self.emit(f"{v.name} = {a.name}.copy()")
        self.declare(v)

    def st_if(self):
        self.emit(f"if {self.scalar('b')}:")
        self.block(self.r.randint(1, 3))
        for _ in range(self.r.choice([0, 0, 1, 2])):
            self.emit(f"elif {self.scalar('b')}:")
            self.block(self.r.randint(1, 2))
        if self.r.random() < 0.5:
            self.emit("else:")
            self.block(self.r.randint(1, 2))

    def loop_body(self, loop_vars: list[Var]):
        self.loop_depth += 1
        self.scopes.append(loop_vars)
        self.block(self.r.randint(1, 3))
        self.scopes.pop()
        self.loop_depth -= 1
        if self.r.random() < 0.2:
            self.feature("loop else")
            self.emit("else:")
            self.block(1)

    def st_for(self):
        r = self.r
        c = r.choice(["range", "range", "array", "enumerate", "zip"])
        arrs = self.vars(lambda v: v.ty[0] == "arr" and v.ty[2] is not None and len(v.ty[2]) == 1)
        if c != "range" and not arrs:
            c = "range"
        i = Var(self.fresh("i"), ("py", "i"), mutable=False)
        if c == "range":
            args = r.choice([f"{r.randint(0, 5)}", f"{r.randint(-2, 2)}, {r.randint(0, 6)}",
                             f"{r.randint(5, 8)}, {r.randint(-1, 2)}, -{r.randint(1, 3)}",
                             f"min({self.scalar('i', 2)}, 6)"])
            self.emit(f"for {i.name} in range({args}):")
            self.loop_body([i])
            return
        a = r.choice(arrs)
        x = Var(self.fresh("x"), ("np", a.ty[1]), mutable=False)
        self.feature("for " + c)
        if c == "array":
            self.emit(f"for {x.name} in {a.name}:")
            self.loop_body([x])
        elif c == "enumerate":
            self.emit(f"for {i.name}, {x.name} in enumerate({a.name}):")
            self.loop_body([i, x])
        else:
            b = r.choice(arrs)
            y = Var(self.fresh("y"), ("np", b.ty[1]), mutable=False)
            self.emit(f"for {x.name}, {y.name} in zip({a.name}, {b.name}):")
            self.loop_body([x, y])

    def st_while(self):
        k = Var(self.fresh("k"), ("py", "i"), mutable=False)
        self.emit(f"{k.name} = 0")
        self.emit(f"while {k.name} < {self.r.randint(0, 5)}{' and ' + self.scalar('b', 2) if self.r.random() < 0.3 else ''}:")
        self.indent += 1
        self.emit(f"{k.name} += 1")
        self.indent -= 1
        self.feature("while")
        self.loop_body([k])

    def st_break(self):
        self.emit(f"if {self.scalar('b', 1)}:")
        self.indent += 1
        self.emit(self.r.choice(["break", "continue"]))
        self.indent -= 1

    def st_unpack(self):
        tvs = self.vars(lambda v: v.ty[0] == "tup")
        if not tvs:
            raise Skip
        t = self.r.choice(tvs)
        names = [Var(self.fresh(), ty) for ty in t.ty[1]]
        self.feature("tuple unpack")
        self.emit(f"{', '.join(v.name for v in names)} = {t.name}")
        for v in names:
            self.declare(v)

    def st_closure(self):
        r = self.r
        captured = [v for v in self.closure_ok if v.ty[0] == "py"]
        k = r.choice("if")
        g = self.fresh("g")
        p = Var(self.fresh("p"), ("py", k), mutable=False)
        saved = self.scopes
        self.scopes = [captured, [p]]
        try:
            body = self.scalar(k, 1)
        finally:
            self.scopes = saved
        self.feature("closure")
        self.emit(f"def {g}({p.name}):")
        self.indent += 1
        self.emit(f"return {body}")
        self.indent -= 1
        v = Var(self.fresh(), ("py", k))
        self.emit(f"{v.name} = {g}({self.scalar(k, 1)})")
        self.declare(v)

    def st_list(self):
        """A list of ints or floats (a display, a comprehension or appends in a loop), changed
        by a few methods and operators, then read into a scalar: its length, sum, an item, its
        max, `in`. Float lists are not sorted or searched: NaN orders and compares as CPython
        does only in a scan (`max`), and `x in l` is true for the same NaN object in CPython."""
        r = self.r
        k = r.choice("iif")
        name, i = self.fresh("l"), self.fresh("j")
        # Every expression first: a Skip must not leave lines half-emitted.
        items = [self.scalar(k, 1) for _ in range(r.randint(1, 4))]
        form = r.choice(["display", "comprehension", "appends"])
        lines = []
        if form == "display":
            lines.append(f"{name} = [{', '.join(items)}]")
        elif form == "comprehension":
            cond = f" if {i} != {r.randint(0, 3)}" if r.random() < 0.5 else ""
            lines.append(f"{name} = [{i} * {items[0]} for {i} in range({r.randint(0, 5)}){cond}]")
        else:
            lines += [f"{name} = []", f"for {i} in range({r.randint(0, 4)}):", f"    {name}.append({items[0]} + {i})"]
        self.feature(f"list {form}")
        for _ in range(r.randint(0, 4)):
            op = r.choice(["append", "insert", "pop", "extend", "reverse", "sort", "concat", "setitem", "del"])
            if op == "sort" and k == "f":
                op = "reverse"
            x = self.scalar(k, 1)
            lines += {
                "append": [f"{name}.append({x})"],
                "insert": [f"{name}.insert({r.randint(-3, 3)}, {x})"],
                "pop": [f"if len({name}) > 1:", f"    {name}.pop({r.choice(['', '0', '-1'])})"],
                "extend": [f"{name}.extend({name}[{r.choice(['::-1', '1:', ':2', '::2'])}])"],
                "reverse": [f"{name}.reverse()"],
                "sort": [f"{name}.sort(reverse={r.choice(['True', 'False'])})"],
                "concat": [f"{name} = {name} + [{x}] * {r.randint(0, 2)}"],
                "setitem": [f"if {name}:", f"    {name}[-1] = {x}"],
                "del": [f"if len({name}) > 2:", f"    del {name}[{r.choice(['0', '-1', '1:2', '::2'])}]"],
            }[op]
            self.feature(f"list {op}")
        j = r.randint(0, 3)
        read = r.choice(["len", "sum", "item", "max", "reversed", "map", "filter"] + (["in"] if k == "i" else []))
        zero = "0" if k == "i" else "0.0"
        kind, src = {
            "len": ("i", f"len({name})"),
            "sum": (k, f"sum({name}, {zero})"),
            "item": (k, f"({name}[{j}] if len({name}) > {j} else {self.leaf(k)})"),
            "max": (k, f"(max({name}) if {name} else {self.leaf(k)})"),
            "in": ("b", f"({self.scalar('i', 1)} in {name})"),
            "reversed": (k, f"(list(reversed({name}))[0] if {name} else {self.leaf(k)})"),
            "map": (k, f"sum(map(lambda q: q * 2, {name}), {zero})"),
            "filter": ("i", f"len(list(filter(lambda q: q > 0, {name})))"),
        }[read]
        self.feature(f"list read {read}")
        for line in lines:
            self.emit(line)
        v = Var(self.fresh(), ("py", kind))
        self.emit(f"{v.name} = {src}")
        self.declare(v)

    def st_dict(self):
        """A dict of int keys (a display, a comprehension or counting in a loop), changed by
        stores, `+=`, `pop` and `del`, then read into a scalar (its length, a value, the sum of
        its values, `in`)."""
        r = self.r
        vk = r.choice("if")
        name, i = self.fresh("d"), self.fresh("j")
        keys = [str(r.randint(-3, 5)) for _ in range(r.randint(1, 3))]
        vals = [self.scalar(vk, 1) for _ in keys]
        form = r.choice(["display", "comprehension", "count"])
        zero = "0" if vk == "i" else "0.0"
        if form == "display":
            lines = [f"{name} = {{{', '.join(f'{k}: {v}' for k, v in zip(keys, vals))}}}"]
        elif form == "comprehension":
            lines = [f"{name} = {{{i} % 3: {i} * {vals[0]} for {i} in range({r.randint(0, 6)})}}"]
        else:
            lines = [f"{name} = {{}}", f"for {i} in range({r.randint(0, 6)}):", f"    {name}[{i} % 4] = {name}.get({i} % 4, {zero}) + {vals[0]}"]
        self.feature(f"dict {form}")
        for _ in range(r.randint(0, 3)):
            k, x = str(r.randint(-3, 5)), self.scalar(vk, 1)
            op = r.choice(["store", "augment", "pop", "del"])
            lines += {
                "store": [f"{name}[{k}] = {x}"],
                "augment": [f"if {k} in {name}:", f"    {name}[{k}] += {x}"],
                "pop": [f"{name}.pop({k}, {zero})"],
                "del": [f"if {k} in {name}:", f"    del {name}[{k}]"],
            }[op]
            self.feature(f"dict {op}")
        k = str(r.randint(-3, 5))
        read = r.choice(["len", "get", "sum", "in"])
        kind, src = {
            "len": ("i", f"len({name})"),
            "get": (vk, f"{name}.get({k}, {self.leaf(vk)})"),
            "sum": (vk, f"sum({name}.values(), {zero})"),
            "in": ("b", f"({k} in {name})"),
        }[read]
        self.feature(f"dict read {read}")
        for line in lines:
            self.emit(line)
        v = Var(self.fresh(), ("py", kind))
        self.emit(f"{v.name} = {src}")
        self.declare(v)

    def st_str(self):
        """A string built from numbers (`str`, f-strings with a format spec, `+`, `join`), read
        into a scalar (its length, `count`, `find`, `==`)."""
        r = self.r
        name = self.fresh("s")
        x, y = self.scalar("i", 1), self.scalar("f", 1)
        spec = r.choice(["", ":.3f", ":>8.2f", ":+.1e", ":g", ":,.2f"])
        ispec = r.choice(["", ":>5d", ":05d", ":+d", ":x"])
        pct = r.choice(["%d|%.3f", "%5d:%-9.2e", "%+d %g", "%x/%s"])
        src = r.choice([
            f'str({x}) + "-" + str({y})',
            f'f"{{{x}{ispec}}}|{{{y}{spec}}}"',
            f'",".join([str({x}), str({y}), "z"])',
            f'"{pct}" % ({x}, {y})',
            f'"{{}}~{{{spec}}}".format({x}, {y})',
            f'repr(str({x})) + format(str({y}), ">9")',
            f'str({y})[::-1] + str({x})[1::2]',
        ])
        self.feature("string")
        self.emit(f"{name} = {src}")
        read = r.choice(["len", "count", "find", "eq", "minmax"])
        kind, expr = {
            "len": ("i", f"len({name})"),
            "count": ("i", f'{name}.count("1")'),
            "find": ("i", f'{name}.find("0")'),
            "eq": ("b", f'({name} == "0-0.0")'),
            "minmax": ("b", f'(min({name}) < max({name}))'),
        }[read]
        v = Var(self.fresh(), ("py", kind))
        self.emit(f"{v.name} = {expr}")
        self.declare(v)

    def st_raise(self):
        self.feature("raise")
        self.emit(f"if {self.scalar('b', 1)}:")
        self.indent += 1
        cls = self.r.choice(['ValueError', 'IndexError', 'ZeroDivisionError', 'GenError', 'GenSubError'])
        if cls.startswith("Gen"):
            self.feature("user exception")
        self.emit(f"raise {cls}('generated')")
        self.indent -= 1

    def st_try(self):
        """try/except/else/finally around statements that may raise: a raise
        drawn here, and the errors of the statements in the body."""
        r = self.r
        cond = self.scalar("b", 1)  # (first: a Skip must not leave a half statement)
        self.feature("try")
        self.emit("try:")
        if r.random() < 0.6:
            cls = r.choice(['ValueError', 'IndexError', 'ZeroDivisionError', 'GenError', 'GenSubError'])
            if cls.startswith("Gen"):
                self.feature("user exception")
            self.emit(f"    if {cond}:")
            self.emit(f"        raise {cls}('generated')")
        self.block(r.randint(1, 3))
        for _ in range(r.choice([1, 1, 2])):
            c = r.choice(["ValueError", "IndexError", "ZeroDivisionError", "ArithmeticError", "LookupError",
                          "Exception", "(ValueError, ZeroDivisionError)", "", "GenError", "(GenSubError, IndexError)"])
            if "Gen" in c:
                self.feature("user exception")
            self.emit(f"except {c}:" if c else "except:")
            self.block(r.randint(1, 2))
            if not c:
                break  # a bare except comes last
        if r.random() < 0.3:
            self.feature("try else")
            self.emit("else:")
            self.block(1)
        if r.random() < 0.3:
            self.feature("try finally")
            self.emit("finally:")
            self.block(1)

    def st_optional(self):
        """A variable bound to None and, on some path, to a value (Numba's
        OptionalType), returned as is and used where it is not None."""
        k = self.r.choice("if")
        # Every expression first: a Skip must not leave the indentation changed.
        cond, value = self.scalar("b", 1), self.scalar(k, 1)
        o = Var(self.fresh("o"), ("opt", k), mutable=False)
        self.emit(f"{o.name} = None")
        self.emit(f"if {cond}:")
        self.emit(f"    {o.name} = {value}")
        self.feature("optional")
        self.declare(o)
        if self.r.random() < 0.6:
            start, other = self.scalar(k, 1), self.scalar(k, 1)
            w = Var(self.fresh(), ("py", k))
            self.emit(f"{w.name} = {start}")
            self.emit(f"if {o.name} is not None:")
            self.emit(f"    {w.name} = {o.name} - {other}")
            self.feature("optional unwrap")
            self.declare(w)

    def st_namedtuple(self):
        """`v = NT(...)`: positional, keyword or mixed arguments; `r` may be left to its default."""
        r = self.r
        kinds = [r.choice("bif") for _ in NT_FIELDS]
        kinds[2] = "f"  # the default 0.25 is a float
        vals = [self.scalar(k) for k in kinds]
        npos = r.randint(0, 3)
        parts = vals[:npos]
        rest = list(range(npos, 3))
        r.shuffle(rest)
        for i in rest:
            if i == 2 and r.random() < 0.4:
                vals[2] = "0.25"
                continue  # the default
            parts.append(f"{NT_FIELDS[i]}={vals[i]}")
        v = Var(self.fresh("n"), ("tup", tuple(("py", k) for k in kinds)), named=True)
        self.feature("namedtuple")
        if r.random() < 0.3 and self.vars(lambda x: x.named):
            old = r.choice(self.vars(lambda x: x.named))
            i = r.randrange(3)
            k = old.ty[1][i][1]
            if old.ty[1][i][0] != "py" or self.r_udt.random() < 0.3:
                k = r.choice("bif")  # a field of another type: another NT instantiation
                self.feature("namedtuple _replace retyped")
            src = f"{old.name}._replace({NT_FIELDS[i]}={self.scalar(k)})"
            items = list(old.ty[1])
            items[i] = ("py", k)
            v = Var(v.name, ("tup", tuple(items)), named=True)
            self.feature("namedtuple _replace")
        else:
            src = f"NT({', '.join(parts)})"
        self.emit(f"{v.name} = {src}")
        self.declare(v)

    # -- jitclass statements ----------------------------------------------------
    def _finite_float(self) -> str:
        """A float expression that is finite (a float stored in an int64 field truncates)."""
        if self.r.random() < 0.6:
            return repr(self.r.choice([-2.75, -0.5, 0.25, 1.5, 3.9, 7.0, -6.125]))
        self.feature("jitclass float -> int computed")
        return f"(({self.scalar('i', 2)}) / 4)"

    def field_value(self, spec: str, depth: int) -> str:
        """A value for a field of type `spec`, converted as Numba does."""
        k = self.r.choice(JC_FIELDS[spec][1])
        if k == "F":
            self.feature("jitclass float -> int64")
            return self._finite_float()
        if JC_FIELDS[spec][0][1] != k:
            self.feature(f"jitclass {k} -> {spec}")
        return self.scalar(k, depth)

    def array_value(self, ty: tuple, depth: int) -> str:
        """An array of the field's dtype and length: an existing one (shared), a view or a new one."""
        r = self.r
        dtype, (n,) = ty[1], ty[2]
        same = self.vars(lambda v: v.ty == ty)
        longer = self.vars(lambda v: v.ty[0] == "arr" and v.ty[1] == dtype and v.ty[2] is not None
                           and len(v.ty[2]) == 1 and v.ty[2][0] > n)
        # (no float to int conversion: astype of NaN or inf is a documented deviation, semantics row 45)
        conv = self.vars(lambda v: v.ty[0] == "arr" and v.ty[2] == (n,)
                         and KIND_OF_DTYPE[v.ty[1]] in ("bif" if dtype == "float64" else "bi"))
        c = r.random()
        if same and c < 0.35:
            self.feature("jitclass array shared")
            return r.choice(same).name
        if longer and c < 0.5:
            self.feature("jitclass array view")
            return f"{r.choice(longer).name}[{r.choice([':' + str(n), '-' + str(n) + ':'])}]"
        if conv and c < 0.6:
            return f"{r.choice(conv).name}.astype(np.{dtype})"
        if dtype == "float64":
            return r.choice([f"np.arange({n}) * {self.literal('f')}", f"np.zeros({n})",
                             f"np.full({n}, float({self.scalar('f', depth)}))", f"np.linspace(-1.0, 2.0, {n})"])
        return r.choice([f"np.arange({n})", f"np.arange({n}) * {r.randint(-3, 3)}", f"np.ones({n}, dtype=np.int64)"])

    def jc_call_args(self, depth: int) -> str:
        """Constructor arguments: positional, then keywords in any order; defaults may be left out."""
        r = self.r
        vals = []
        for name, spec, ty in self.jc.fields:
            vals.append(self.array_value(ty, depth) if ty[0] == "arr" else self.field_value(spec, depth))
        names = [f[0] for f in self.jc.fields]
        npos = len(names) if r.random() < 0.6 else r.randint(0, len(names))
        parts = vals[:npos]
        rest = list(range(npos, len(names)))
        r.shuffle(rest)
        for i in rest:
            if names[i] in self.jc.defaults and r.random() < 0.5:
                self.feature("jitclass default")
                continue
            self.feature("jitclass keyword")
            parts.append(f"{names[i]}={vals[i]}")
        return ", ".join(parts)

    def st_jc_new(self):
        r = self.r
        objs = self.vars(lambda v: v.ty[0] == "obj")
        c = Var(self.fresh("c"), ("obj", "K"))
        chain = [m for m in self.jc.methods if m[2][0] == "obj"]
        mine = [v for v in objs if v.mutable and not v.name.startswith("a")]
        if mine and r.random() < 0.25:
            # another instance in a variable that already holds one (in a branch or a loop: the
            # variable's value merges; the old instance is released)
            self.feature("jitclass rebind")
            self.emit(f"{r.choice(mine).name} = JK({self.jc_call_args(1)})")
            return
        if len(objs) > 1 and r.random() < 0.15:
            x, y = r.sample(objs, 2)
            self.feature("jitclass conditional")
            self.emit(f"{c.name} = {x.name} if {self.scalar('b', 2)} else {y.name}")
            c.from_py = x.from_py or y.from_py
        elif objs and r.random() < 0.2:
            o = r.choice(objs)
            self.feature("jitclass alias")
            self.emit(f"{c.name} = {o.name}")
            c.from_py = o.from_py
        elif objs and chain and r.random() < 0.5:
            name, pk, _, _ = r.choice(chain)
            o = r.choice(objs)
            self.feature("jitclass method returning self")
            self.emit(f"{c.name} = {o.name}.{name}({self.method_arg(pk, 1)})")
            c.from_py = o.from_py
        else:
            self.feature("jitclass new")
            self.emit(f"{c.name} = JK({self.jc_call_args(1)})")
        self.declare(c)

    def st_jc_call(self):
        """A method that writes a field, called for its effect."""
        objs = self.vars(lambda v: v.ty[0] == "obj")
        rows = [m for m in self.jc.methods if m[3]]
        if not objs or not rows:
            raise Skip
        name, pk, _, _ = self.r.choice(rows)
        self.feature("jitclass method call")
        self.emit(f"{self.r.choice(objs).name}.{name}({self.method_arg(pk, 1)})")

    def st_jc_set(self):
        """A field or property write with Numba's conversions (reassign covers same-kind writes)."""
        objs = self.vars(lambda v: v.ty[0] == "obj")
        if not objs:
            raise Skip
        o = self.r.choice(objs)
        setters = [(name, sk) for name, _, sk in self.jc.props if sk]
        if setters and self.r.random() < 0.4:
            name, spec = self.r.choice(setters)
            self.feature("jitclass property setter")
            self.emit(f"{o.name}.{name} = {self.field_value(spec, 1)}")
            return
        name, spec, ty = self.r.choice(self.jc.fields)
        if ty[0] == "arr":
            if o.from_py:
                self.feature("jitclass array field replaced, instance from Python")
            self.feature("jitclass array field write")
            self.emit(f"{o.name}.{name} = {self.array_value(ty, 1)}")
        else:
            self.feature("jitclass field write")
            self.emit(f"{o.name}.{name} = {self.field_value(spec, 1)}")

    # -- the jitclass ---------------------------------------------------------------
    def _expr(self, k: str) -> str:
        try:
            return self.scalar(k, 1)
        except Skip:
            return self.leaf(k)

    def _update(self) -> list[str]:
        """Body lines of a method that writes a field of ``self``."""
        r = self.r
        name, spec, ty = r.choice(self.jc.fields)
        if ty[0] == "arr":
            n = ty[2][0]
            v = self._expr("i" if ty[1] == "int64" else r.choice("if"))
            if ty[1] == "int64":
                v = str(r.randint(-3, 5))
            if r.random() < 0.5:
                return [f"self.{name}[{r.randrange(-n, n)}] = {v}"]
            return [f"self.{name}{r.choice(['', '[::2]', '[1:]'])} {r.choice(['+=', '-=', '*='])} {v}"]
        k = ty[1]
        if k != "b" and r.random() < 0.5:
            op = r.choice({"i": ["+=", "-=", "//=", "%=", "^="], "f": ["+=", "-=", "*=", "/="],
                           "c": ["+=", "-=", "*="]}[k])
            return [f"self.{name} {op} {self._expr(r.choice({'i': 'bi', 'f': 'bif', 'c': 'bifc'}[k]))}"]
        return [f"self.{name} = {self.field_value(spec, 1)}"]

    def gen_class(self) -> None:
        """Defines the program's jitclass `K`/`JK` (fields, __init__, methods, maybe a property)."""
        r = self.r
        n = r.randint(1, 3)
        specs = r.choices(list(JC_FIELDS), JC_FIELD_WEIGHTS, k=n)
        length = r.randint(1, 6)
        fields = []
        for name, spec in zip(JC_FIELD_NAMES, specs):
            ty = JC_FIELDS[spec][0]
            fields.append((name, spec, ty if ty[0] == "py" else ("arr", ty[1], (length,))))
        jc = self.jc = JCls(fields, length)
        saved = self.scopes
        self.in_class = True
        self.features.add("jitclass")
        try:
            # __init__: stores its arguments; trailing scalar fields may have defaults
            params = [f[0] for f in fields]
            for name, spec, ty in reversed(fields):
                if ty[0] == "arr" or r.random() < 0.6:
                    break
                # (not a complex: a default must be a constant, and `complex(a, b)` is a call)
                jc.defaults[name] = self.literal(r.choice(JC_FIELDS[spec][1].replace("F", "").replace("c", "")))
            head = ", ".join(p + (f"={jc.defaults[p]}" if p in jc.defaults else "") for p in params)
            lines = ["class K:", f"    def __init__(self, {head}):"]
            lines += [f"        self.{p} = {p}" for p in params]
            me = Var("self", ("obj", "K"), mutable=False)
            # properties first (methods may not call them: the class body has no member calls)
            if r.random() < 0.5:
                k = r.choice("bif")
                self.scopes = [[me]]
                body = self._expr(k)
                scalars = [(name, spec) for name, spec, ty in fields if ty[0] == "py"]
                setter = r.choice(scalars) if scalars and r.random() < 0.4 else None
                lines += ["", "    @property", "    def p(self):", f"        return {body}"]
                if setter:
                    lines += ["", "    @p.setter", "    def p(self, value):", f"        self.{setter[0]} = value"]
                jc.props.append(("p", ("py", k), setter[1] if setter else None))
            for i in range(r.randint(1, 2)):
                shape = r.choices(list(JC_METHODS), list(JC_METHODS.values()))[0]
                pk = r.choice(JC_PARAMS)
                prm = [Var("q", ("obj", "K") if pk == "o" else ("py", pk), mutable=False)] if pk else []
                self.scopes = [[me], prm]
                body = self._update() if shape in ("update", "self") else []
                if shape == "self":
                    body.append("return self")
                    rty = ("obj", "K")
                if shape == "array":
                    arrs = [(name, ty) for name, _, ty in fields if ty[0] == "arr"]
                    if not arrs:
                        shape = "pure"
                    else:
                        name, ty = r.choice(arrs)
                        op = r.choice(["+", "*", "-"])
                        other = self._expr("i" if ty[1] == "int64" else r.choice("if"))
                        body.append(f"return self.{name} {op} {other}")
                        rty = self.infer(f"self.{name} {op} 1" if ty[1] == "int64" else f"self.{name} {op} 1.0")
                if shape == "pair":
                    ks = (r.choice("bif"), r.choice("if"))
                    body.append(f"return ({self._expr(ks[0])}, {self._expr(ks[1])})")
                    rty = ("tup", tuple(("py", k) for k in ks))
                elif shape not in ("array", "self"):
                    k = r.choice("bif")
                    body.append(f"return {self._expr(k)}")
                    rty = ("py", k)
                self.features.add("jitclass method " + shape)
                lines += ["", f"    def m{i}(self{', q' if pk else ''}):"] + [f"        {b}" for b in body]
                jc.methods.append((f"m{i}", pk, rty, shape in ("update", "self")))
            spec = ", ".join(f"({name!r}, oxjit.{sp})" for name, sp, _ in fields)
            lines += ["", "", f"JK = jitclass([{spec}])(K)"]
            jc.lines = lines
        finally:
            self.scopes = saved
            self.in_class = False

    def jc_arg(self):
        """A jitclass instance made by `make_args` (constructor called from Python)."""
        r = self.r
        vals = []
        for _name, spec, ty in self.jc.fields:
            if ty[0] == "arr":
                n = ty[2][0]
                xs = [float(r.randint(-8, 8)) / 4 for _ in range(n)] if ty[1] == "float64" else \
                    [r.randint(-6, 9) for _ in range(n)]
                vals.append(_value_src(np.array(xs, dtype=ty[1])))
                continue
            k = r.choice(JC_FIELDS[spec][1])
            if k == "F":
                vals.append(repr(r.choice([-2.75, 0.5, 3.9, -0.25])))
            else:
                vals.append(_value_src(SCALAR_ARGS[{"b": "bool", "i": "int", "f": "float", "c": "complex"}[k]][1](r)))
        self.feature("jitclass arg")
        return (("obj", "K"), _Src(f"JK({', '.join(vals)})"), None)

    def nt_arg(self):
        r = self.r
        # fields: Python scalars, now and then a NumPy scalar (read through unpacking)
        names = [r.choice(["bool", "int", "float", "float", "int16", "float32", "uint8", "float64"])
                 if self.r_udt.random() < 0.3 else r.choice(["bool", "int", "float"]) for _ in NT_FIELDS]
        vals = [_value_src(SCALAR_ARGS[n][1](r)) for n in names]
        if names[2] == "float" and r.random() < 0.3:
            vals = vals[:2]  # r left to its default (a float)
        self.feature("namedtuple")
        self.feature("namedtuple arg")
        return (("tup", tuple(SCALAR_ARGS[n][0] for n in names)), _Src(f"NT({', '.join(vals)})"), "named")

    def st_sink(self):
        if self.indent > 1:
            raise Skip  # sinks are returned: top level only
        self.float_sum_sink()

    # -- program ----------------------------------------------------------------
    def make_args(self) -> list:
        r = self.r
        args = []
        for _ in range(r.randint(1, 4)):
            if r.random() < 0.5:
                name = r.choice(list(SCALAR_ARGS))
                ty, maker = SCALAR_ARGS[name]
                args.append((ty, maker(r), None))
            else:
                args.append(self.make_array())
        if self.r_udt.random() < 0.12:
            args.insert(self.r.randint(0, len(args)), self.nt_arg())
        if self.jc is not None and self.r_udt.random() < 0.35:
            args.insert(self.r.randint(0, len(args)), self.jc_arg())
        return args

    def make_array(self):
        r = self.r
        dtype = r.choice(ARRAY_DTYPES)
        nd = r.choices([1, 2, 3], [5, 4, 1])[0]
        shape = tuple(r.randint(1, 4 if nd > 1 else 9) for _ in range(nd))
        kind = KIND_OF_DTYPE[dtype]
        layout = r.choice(["C", "C", "F", "strided", "reversed", "T"] if nd > 1 else ["C", "C", "strided", "reversed"])
        base_shape = shape
        if layout == "strided":
            base_shape = (shape[0] * 2,) + shape[1:]
        elif layout == "T":
            base_shape = shape[::-1]
        n = int(np.prod(base_shape))
        if kind == "b":
            vals = [r.random() < 0.5 for _ in range(n)]
        elif kind == "i":
            vals = [_rand_int(r, dtype) for _ in range(n)]
        elif kind == "f":
            vals = [_rand_float(r) if r.random() < 0.3 else float(r.randint(-8, 8)) / 4 for _ in range(n)]
        else:
            vals = [complex(float(r.randint(-4, 4)) / 2, float(r.randint(-2, 2))) for _ in range(n)]
        base = np.array(vals, dtype=dtype).reshape(base_shape)
        post = {"C": "", "F": "np.asfortranarray", "strided": "[::2]", "reversed": "[::-1]", "T": ".T"}[layout]
        self.feature("layout " + layout)
        value = {"C": lambda b: b, "F": np.asfortranarray, "strided": lambda b: b[::2],
                 "reversed": lambda b: b[::-1], "T": lambda b: b.T}[layout](base)
        return (("arr", dtype, value.shape), base, post)

    def build(self) -> Program:
        if self.r_udt.random() < 0.3:
            try:
                self.gen_class()
            except Skip:
                self.jc = None
        args = self.make_args()
        params = [Var(f"a{i}", ty, mutable=False, named=post == "named", from_py=ty[0] == "obj")
                  for i, (ty, _, post) in enumerate(args)]
        # arrays are mutable (setitem, in-place ops): the runner compares arguments after the call
        for p in params:
            if p.ty[0] == "arr":
                p.mutable = True
        self.closure_ok = [p for p in params if p.ty[0] == "py"]
        self.scopes = [list(params), []]
        if self.jc is not None and not any(p.ty[0] == "obj" for p in params):
            try:
                self.attempt(self.st_jc_new)  # a class the program uses
            except Skip:
                pass
        for _ in range(self.r.randint(2, 8)):
            try:
                self.attempt(self.statement)
            except Skip:
                pass
        sinks = [v for v in self.scopes[1] if v.sink]
        outs = self.vars(lambda v: not v.name.startswith("a") or v.ty[0] == "arr")
        chosen = self.r.sample(outs, min(len(outs), self.r.randint(1, 3))) if outs else []
        chosen += sinks
        tolerant = {i: v.tag for i, v in enumerate(chosen) if v.tag}
        body = "\n".join(self.lines)
        if not chosen:
            ret = "    return None"
        else:
            ret = f"    return ({', '.join(v.name for v in chosen)},)"
        make = ["def make_args():"]
        for i, (ty, val, post) in enumerate(args):
            src = _value_src(val)
            if post == "np.asfortranarray":
                src = f"np.asfortranarray({src})"
            elif post and post != "named":
                src = f"{src}{post}"
            make.append(f"    a{i} = {src}")
        make.append(f"    return ({', '.join(f'a{i}' for i in range(len(args)))},)")
        header = f"# oxjit fuzz program, seed {self.seed}\nimport cmath\nimport math\nimport random\n\nimport numpy as np\n\n\n"
        if "namedtuple" in self.features:
            header = header.replace("import cmath", "from collections import namedtuple\nimport cmath")
            header += f"NT = namedtuple('NT', {list(NT_FIELDS)!r}, defaults=[0.25])\n\n\n"
        if "user exception" in self.features:
            # Exception classes defined in Python (a subclass of a builtin, and of that).
            header += "class GenError(ValueError):\n    pass\n\n\nclass GenSubError(GenError):\n    pass\n\n\n"
        if self.jc is not None:
            header = header.replace("import numpy as np\n", "import numpy as np\nimport oxjit\n"
                                    "from oxjit.experimental import jitclass\n")
            header += "\n".join(self.jc.lines) + "\n\n\n"
        if any(f.startswith("random.") for f in self.features):
            body = f"    random.seed({self.seed})\n" + body
        sig = ", ".join(p.name for p in params)
        src = header + f"def f({sig}):\n" + (body + "\n" if body else "") + ret + "\n\n\n" + "\n".join(make) + "\n"
        if tolerant:
            src += f"\n\nTOLERANT = {tolerant!r}\n"
        return Program(self.seed, src, self.features, tolerant)


# statement kind -> weight; a statement is a method ``st_<kind>`` of Gen
STMTS = {
    "assign": 10, "reassign": 2, "augassign": 3, "setitem": 2, "copy": 1, "if": 3, "for": 3, "while": 1,
    "break": 2, "unpack": 1, "closure": 1, "raise": 1, "sink": 1, "optional": 1, "namedtuple": 1, "try": 1,
    # only with a jitclass (weight 0 otherwise, so other programs draw the same statements)
    "jc_new": 4, "jc_call": 2, "jc_set": 2,
}
JC_STMTS = ("jc_new", "jc_call", "jc_set")
NT_FIELDS = ("p", "q", "r")


def generate(seed: int, include_known: bool = False) -> Program:
    return Gen(seed, include_known).build()


if __name__ == "__main__":
    import sys

    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 0).source)
