"""``jitclass`` (``oxjit.experimental.jitclass``): classes whose instances compiled code holds.

Most tests are differential: each class body is defined once as a plain Python class and
turned into a jitclass with ``jitclass(spec)(cls)`` (the decorator returns a new class and
leaves its input plain), then the same operations run on a plain instance in CPython, on a
jitclass instance from Python (every member goes through compiled code) and on a jitclass
instance inside ``@njit`` code; results and the fields afterwards must agree. Then: the ways
of declaring fields, identity of array fields and boxes, Numba's conversions on field
writes, diagnostics, and leak checks (native allocation counters, instance reference counts,
Python reference counts of arrays held in fields).
"""

import gc
import math
import sys
import types as pytypes
from collections import OrderedDict

import numpy as np
import oxjit
import oxjit.experimental
import pytest
from oxjit import boolean, float64, int64, njit
from oxjit import types as oxtypes
from oxjit.errors import TypingError
from oxjit.experimental import jitclass

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def same(want, got):
    """Exact equality: same Python type, NaN equals NaN, 0.0 and -0.0 differ, tuples
    elementwise, arrays by dtype, shape and values (NaN equal)."""
    want = py(want)  # compiled code returns Python scalars (as Numba)
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray), (want, got)
        assert want.dtype == got.dtype and want.shape == got.shape, (want, got)
        assert np.array_equal(want, got, equal_nan=want.dtype.kind in "fc"), (want, got)
        return
    assert type(want) is type(got), (want, got)
    if isinstance(want, tuple):
        assert len(want) == len(got), (want, got)
        for w, g in zip(want, got):
            same(w, g)
    elif isinstance(want, float):
        if math.isnan(want):
            assert math.isnan(got), (want, got)
        else:
            assert want == got and math.copysign(1.0, want) == math.copysign(1.0, got), (want, got)
    else:
        assert want == got, (want, got)


def py(value):
    """NumPy scalars made by Python code as Python scalars (compiled code returns those)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return tuple(py(v) for v in value)
    return value


def twin(cls, spec=None):
    """The plain class and its jitclass, from one class body."""
    return cls, jitclass(spec)(cls)


def state(obj, names):
    """The fields of an instance, as a tuple (arrays copied)."""
    out = []
    for n in names:
        v = getattr(obj, n)
        out.append(v.copy() if isinstance(v, np.ndarray) else v)
    return tuple(out)


def with_plain_classes(fn):
    """``fn``'s Python code with the jitclass globals it names bound to the plain classes
    (the reference for functions that construct instances)."""
    g = dict(fn.__globals__)
    g.update(PLAIN)
    missing = [n for n in fn.__code__.co_names if isinstance(g.get(n), type(JAccount))]
    assert not missing, f"no plain class for {missing}"
    return pytypes.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)


def live_allocations():
    """Native allocations made by compiled code and not yet freed."""
    gc.collect()
    allocs, frees = oxjit.allocation_stats()
    return allocs - frees


# ---------------------------------------------------------------------------
# Class bodies (plain) and their jitclasses
# ---------------------------------------------------------------------------


class Account:
    """Scalars: methods calling methods, a read-only and a read-write property, a static method."""

    def __init__(self, balance, rate=0.05, n=0):
        self.balance = balance
        self.rate = rate
        self.n = n

    def deposit(self, x):
        self.balance += x
        self.n += 1
        return self.balance

    def deposit_all(self, xs):
        for x in xs:
            self.deposit(x)
        return self.n, self.balance

    def grow(self, years):
        for _ in range(years):
            self.balance = self.balance * (1.0 + self.rate)
        return self.balance

    def describe(self, scale=1.0, offset=0.0):
        return self.balance * scale + offset, self.n

    def transfer(self, other, x):
        self.balance -= x
        other.balance += x
        return self.balance, other.balance

    def is_rich(self):
        return self.balance > 1000.0

    @property
    def interest(self):
        return self.balance * self.rate

    @property
    def rate_pct(self):
        return self.rate * 100.0

    @rate_pct.setter
    def rate_pct(self, value):
        self.rate = value / 100.0

    @staticmethod
    def compound(p, r, k):
        return p * (1.0 + r) ** k

    def projected(self, k):
        return self.compound(self.balance, self.rate, k)


ACCOUNT_SPEC = [("balance", float64), ("rate", float64), ("n", int64)]
ACCOUNT_FIELDS = [f for f, _ in ACCOUNT_SPEC]
_, JAccount = twin(Account, ACCOUNT_SPEC)


class Buffer:
    """Array fields of every layout kind, written in place and rebound."""

    def __init__(self, a, m, idx, scale=1.0):
        self.a = a
        self.m = m
        self.idx = idx
        self.scale = scale
        self.count = 0

    def bump(self, v):
        self.a += v  # in place: the caller's array changes
        self.count += 1
        return self.a.sum()

    def rebind(self, v):
        self.a = self.a * v  # a new array; the old one is untouched
        return self.a

    def gather(self):
        t = 0.0
        for i in self.idx:
            t += self.a[i]
        return t

    def row_sums(self):
        out = np.zeros(self.m.shape[0])
        for i in range(self.m.shape[0]):
            out[i] = self.m[i].sum() * self.scale
        return out

    def scale_matrix(self):
        self.m *= self.scale
        return self.m.sum()

    def first_index(self):
        self.idx[0] += 1
        return self.idx[0]

    def sizes(self):
        return self.a.size, self.m.shape, len(self.idx)


BUFFER_SPEC = [("a", float64[:]), ("m", float64[:, :]), ("idx", int64[::1]), ("scale", float64), ("count", int64)]
BUFFER_FIELDS = [f for f, _ in BUFFER_SPEC]
_, JBuffer = twin(Buffer, BUFFER_SPEC)


class Segment:
    """Tuple fields (homogeneous and heterogeneous), rebound whole."""

    def __init__(self, ends, tag):
        self.ends = ends
        self.tag = tag

    def length(self):
        return self.ends[1] - self.ends[0]

    def shift(self, d):
        self.ends = (self.ends[0] + d, self.ends[1] + d)
        return self.ends

    def retag(self, k):
        self.tag = (self.tag[0] + k, self.tag[1] * 2.0)
        return self.tag


SEGMENT_SPEC = OrderedDict([("ends", oxtypes.UniTuple(float64, 2)), ("tag", oxtypes.Tuple([int64, float64]))])
SEGMENT_FIELDS = list(SEGMENT_SPEC)
_, JSegment = twin(Segment, SEGMENT_SPEC)


class Cell:
    def __init__(self, v):
        self.v = v

    def get(self):
        return self.v

    def put(self, v):
        self.v = v


_, JCell = twin(Cell, {"v": float64})


class Holder:
    """A field that is another jitclass's instance."""

    def __init__(self, cell, k):
        self.cell = cell
        self.k = k

    def scaled(self):
        return self.cell.get() * self.k

    def swap(self, other):
        old = self.cell.v
        self.cell = other
        return old, self.cell.v

    def absorb(self, other):
        self.k += other.k
        other.cell.put(other.cell.v + 1.0)
        return self.scaled()


_, JHolder = twin(Holder, [("cell", JCell.class_type.instance_type), ("k", int64)])


class Grid:
    """Allocates its arrays in ``__init__`` (for the leak checks)."""

    def __init__(self, n, fill=1.0):
        self.a = np.full(n, fill)
        self.m = np.zeros((n, 2))
        self.n = n

    def total(self):
        return self.a.sum() + self.m.sum() + self.n


_, JGrid = twin(Grid, [("a", float64[:]), ("m", float64[:, ::1]), ("n", int64)])

# Global names of jitclasses -> the plain classes, for `with_plain_classes`.
PLAIN = {"JAccount": Account, "JBuffer": Buffer, "JSegment": Segment, "JCell": Cell, "JHolder": Holder,
         "JGrid": Grid}


# ---------------------------------------------------------------------------
# Differential: operations on instances
# ---------------------------------------------------------------------------


def acc_deposit(c, x):
    return c.deposit(x), c.n


def acc_deposit_all(c, xs):
    return c.deposit_all(xs)


def acc_grow(c, years):
    return c.grow(years), c.interest


def acc_props(c, pct):
    before = c.rate_pct
    c.rate_pct = pct
    after = c.rate
    c.rate_pct += 1.0  # getter, then setter
    return before, after, c.rate, c.rate_pct, c.interest


def acc_static(c, k):
    return c.projected(k), c.compound(2.0, 0.5, 3)


def acc_fields(c, b, n):
    c.balance = b
    c.n = n
    c.n += 1
    c.balance += 0.0
    return c.balance, c.n


def acc_defaults(c):
    return c.describe(), c.describe(2.0), c.describe(scale=0.5, offset=1.0), c.describe(offset=-1.0)


def acc_transfer(c, x):
    return c.transfer(c, x), c.is_rich()


def buf_bump(b, v):
    return b.bump(v), b.count


def buf_rebind(b, v):
    return b.rebind(v), b.a.sum()


def buf_gather(b):
    return b.gather(), b.sizes()


def buf_rows(b):
    return b.row_sums(), b.scale_matrix()


def buf_first_index(b):
    return b.first_index(), b.idx.copy()


def buf_field_ops(b):
    b.a += 1.0  # in place through the field
    b.scale *= 2.0
    b.count += 3
    return b.a.copy(), b.scale, b.count


def seg_ops(s, d, k):
    return s.length(), s.shift(d), s.retag(k), s.length(), s.ends, s.tag


def holder_ops(h, v):
    h.cell.v = v
    h.k += 1
    return h.scaled(), h.cell.get(), h.k


def nan_array():
    a = np.arange(6.0)
    a[2] = np.nan
    return a


ACCOUNT_CASES = [
    ("deposit", acc_deposit, (100.0,), (2.5,)),
    ("deposit-nan", acc_deposit, (100.0,), (math.nan,)),
    ("deposit-neg-zero", acc_deposit, (-0.0,), (-0.0,)),
    ("deposit-inf", acc_deposit, (math.inf,), (-1.0,)),
    ("deposit-all", acc_deposit_all, (1.0, 0.1, 2), (np.array([1.0, 2.5, -4.0]),)),
    ("deposit-all-empty", acc_deposit_all, (1.0,), (np.zeros(0),)),
    ("deposit-all-strided", acc_deposit_all, (0.0,), (np.arange(10.0)[::3],)),
    ("grow", acc_grow, (1000.0, 0.03), (10,)),
    ("grow-zero-years", acc_grow, (-0.0, 0.5), (0,)),
    ("props", acc_props, (50.0, 0.25), (7.5,)),
    ("props-nan", acc_props, (50.0,), (math.nan,)),
    ("static", acc_static, (10.0, 0.1), (5,)),
    ("fields", acc_fields, (1.0,), (-0.0, 2**62)),
    ("fields-big-negative", acc_fields, (1.0,), (math.nan, -(2**62) - 5)),
    ("defaults", acc_defaults, (3.0, 0.5, 4), ()),
    ("transfer-self", acc_transfer, (1500.0,), (600.0,)),
]


@pytest.mark.parametrize("op,init,args", [c[1:] for c in ACCOUNT_CASES], ids=[c[0] for c in ACCOUNT_CASES])
def test_account_same_as_python(op, init, args):
    plain, from_py, in_jit = Account(*init), JAccount(*init), JAccount(*init)
    want = op(plain, *args)
    same(want, py(op(from_py, *args)))
    same(want, njit(op)(in_jit, *args))
    for obj in (from_py, in_jit):
        same(state(plain, ACCOUNT_FIELDS), state(obj, ACCOUNT_FIELDS))


def buffer_args(kind):
    """Fresh (a, m, idx) for one kind of array arguments."""
    if kind == "contiguous":
        return np.arange(5.0), np.arange(12.0).reshape(3, 4), np.array([0, 2, 4])
    if kind == "strided":  # a[::2] into float64[:], a transposed matrix into float64[:, :]
        return np.arange(10.0)[::2], np.arange(12.0).reshape(3, 4).T, np.array([4, 1, 1])
    if kind == "fortran":
        return np.arange(5.0)[::-1], np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.array([3])
    if kind == "nan":
        return nan_array(), np.full((2, 2), -0.0), np.array([2, 0])
    if kind == "empty":
        return np.zeros(0), np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    raise AssertionError(kind)


BUFFER_OPS = [
    ("bump", buf_bump, (1.5,)),
    ("rebind", buf_rebind, (-2.0,)),
    ("gather", buf_gather, ()),
    ("rows", buf_rows, ()),
    ("first-index", buf_first_index, ()),
    ("field-ops", buf_field_ops, ()),
]
BUFFER_KINDS = ["contiguous", "strided", "fortran", "nan", "empty"]
# (first_index reads idx[0]: not with an empty idx, compiled code does not check bounds)
BUFFER_CASES = [pytest.param(op, args, kind, id=f"{name}-{kind}") for name, op, args in BUFFER_OPS
                for kind in BUFFER_KINDS if not (kind == "empty" and op is buf_first_index)]


@pytest.mark.parametrize("op,args,kind", BUFFER_CASES)
def test_buffer_same_as_python(op, args, kind):
    runs = []
    for cls in (Buffer, JBuffer, JBuffer):
        arrays = buffer_args(kind)
        runs.append((cls(*arrays, 0.5), arrays))
    (plain, plain_arrays), (from_py, py_arrays), (in_jit, jit_arrays) = runs
    want = op(plain, *args)
    same(want, py(op(from_py, *args)))
    same(want, njit(op)(in_jit, *args))
    for obj, arrays in ((from_py, py_arrays), (in_jit, jit_arrays)):
        same(state(plain, BUFFER_FIELDS), state(obj, BUFFER_FIELDS))
        same(plain_arrays, arrays)  # arrays written in place were written alike


@pytest.mark.parametrize(
    "ends,tag,d,k",
    [((0.0, 2.5), (1, 0.5), 1.0, 3), ((-0.0, math.nan), (2**62, -0.0), -0.0, -1), ((math.inf, 1.0), (-7, 1e308), 2.0, 0)],
    ids=["plain", "nan-negzero-bigint", "inf-overflow"],
)
def test_segment_tuple_fields_same_as_python(ends, tag, d, k):
    plain, from_py, in_jit = Segment(ends, tag), JSegment(ends, tag), JSegment(ends, tag)
    want = seg_ops(plain, d, k)
    same(want, seg_ops(from_py, d, k))
    same(want, njit(seg_ops)(in_jit, d, k))
    for obj in (from_py, in_jit):
        same(state(plain, SEGMENT_FIELDS), state(obj, SEGMENT_FIELDS))


@pytest.mark.parametrize("v", [2.5, -0.0, math.nan])
def test_holder_nested_instance_same_as_python(v):
    plain = Holder(Cell(1.0), 3)
    want = holder_ops(plain, v)
    for run in (holder_ops, njit(holder_ops)):
        cell = JCell(1.0)
        h = JHolder(cell, 3)
        same(want, run(h, v))
        same(plain.cell.v, cell.v)  # the Cell the holder holds is the caller's Cell
        same(plain.k, h.k)


def holder_methods(h, other_cell, other_holder):
    a = h.absorb(other_holder)
    b = h.swap(other_cell)
    return a, b, h.scaled(), other_holder.cell.v


def test_instances_passed_to_methods_same_as_python():
    plain = Holder(Cell(2.0), 2)
    want = holder_methods(plain, Cell(-3.0), Holder(Cell(0.5), 5))
    for run in (holder_methods, njit(holder_methods)):
        other_holder = JHolder(JCell(0.5), 5)
        h = JHolder(JCell(2.0), 2)
        same(want, run(h, JCell(-3.0), other_holder))
        assert h.k == plain.k == 7
        assert other_holder.cell.v == 1.5


def test_instance_of_another_class_as_argument_same_as_python():
    a, b = Account(10.0), Account(1.0)
    ja, jb = JAccount(10.0), JAccount(1.0)
    same(a.transfer(b, 4.0), ja.transfer(jb, 4.0))
    same((a.balance, b.balance), (ja.balance, jb.balance))


# ---------------------------------------------------------------------------
# Differential: construction inside compiled code
# ---------------------------------------------------------------------------


def build_accounts(n):
    total = 0.0
    last = JAccount(0.0)
    for i in range(n):
        acc = JAccount(float(i), rate=0.5)
        acc.deposit(1.0)
        total += acc.interest
        last = acc
    return total, last.balance, last.n, JAccount(1.0, n=n).n, JAccount(balance=2.0).rate


def build_holder(v, k):
    h = JHolder(JCell(v), k)
    h.cell.put(v * 2.0)
    other = JHolder(JCell(1.0), 1)
    return h.absorb(other), h.scaled(), other.cell.v


def build_buffer(n):
    b = JBuffer(np.arange(float(n)), np.ones((2, n)), np.arange(n), 2.0)
    b.bump(1.0)
    return b.row_sums(), b.gather(), b.a


def build_segments(n):
    s = JSegment((0.0, 1.0), (0, 0.0))
    total = 0.0
    for i in range(n):
        s = JSegment((float(i), float(i * i)), (i, 1.0))
        total += s.length()
    return total, s.ends, s.tag


def build_grids(n):
    t = 0.0
    for i in range(n):
        t += JGrid(i % 7, 0.5).total()
    return t


BUILDERS = [(build_accounts, (5,)), (build_accounts, (0,)), (build_holder, (1.5, 4)), (build_buffer, (4,)),
            (build_buffer, (0,)), (build_segments, (6,)), (build_grids, (50,))]


@pytest.mark.parametrize("fn,args", BUILDERS, ids=lambda c: getattr(c, "__name__", ""))
def test_construction_in_compiled_code_same_as_python(fn, args):
    same(with_plain_classes(fn)(*args), njit(fn)(*args))


def make_account(b, r):
    return JAccount(b, r)


def make_holder(v):
    return JHolder(JCell(v), 2)


def make_pair(v):
    return JCell(v), JCell(-v)


def test_instance_built_in_compiled_code_comes_back_as_the_class():
    acc = njit(make_account)(2.5, 0.5)
    assert type(acc) is JAccount and isinstance(acc, JAccount)
    same(state(with_plain_classes(make_account)(2.5, 0.5), ACCOUNT_FIELDS), state(acc, ACCOUNT_FIELDS))
    assert acc.deposit(1.0) == 3.5 and acc.interest == 1.75 and acc._oxjit_refcount == 1
    h = njit(make_holder)(-0.0)
    assert type(h) is JHolder and type(h.cell) is JCell
    same(-0.0, h.cell.v)
    assert h.scaled() == 0.0
    p = njit(make_pair)(3.0)
    assert type(p) is tuple and [type(c) for c in p] == [JCell, JCell]
    assert (p[0].v, p[1].v) == (3.0, -3.0)


# ---------------------------------------------------------------------------
# Declaring fields
# ---------------------------------------------------------------------------


class Point:
    def __init__(self, x, n):
        self.x = x
        self.n = n

    def norm1(self):
        return abs(self.x) + abs(self.n)


class AnnotatedPoint:
    x: float64
    n: int64

    def __init__(self, x, n):
        self.x = x
        self.n = n

    def norm1(self):
        return abs(self.x) + abs(self.n)


class PyAnnotatedPoint:
    x: float
    n: int

    def __init__(self, x, n):
        self.x = x
        self.n = n

    def norm1(self):
        return abs(self.x) + abs(self.n)


def declared(style):
    if style == "list":
        return jitclass([("x", float64), ("n", int64)])(Point)
    if style == "dict":
        return jitclass({"x": float64, "n": int64})(Point)
    if style == "ordereddict":
        return jitclass(OrderedDict([("x", float64), ("n", int64)]))(Point)
    if style == "two-arguments":
        return jitclass(Point, [("x", float64), ("n", int64)])
    if style == "annotations":
        return jitclass(AnnotatedPoint)
    if style == "python-annotations":
        return jitclass(PyAnnotatedPoint)
    if style == "annotations-called":
        return jitclass()(PyAnnotatedPoint)
    if style == "top-level-name":
        return oxjit.jitclass([("x", float64), ("n", int64)])(Point)
    if style == "spec-keyword":
        return jitclass(spec=[("x", float64), ("n", int64)])(Point)
    if style == "type-strings":  # as annotations under `from __future__ import annotations`
        return jitclass([("x", "float64"), ("n", "int64")])(Point)
    raise AssertionError(style)


def norm1(p):
    return p.norm1(), p.x, p.n


STYLES = ["list", "dict", "ordereddict", "two-arguments", "annotations", "python-annotations",
          "annotations-called", "top-level-name", "spec-keyword", "type-strings"]


@pytest.mark.parametrize("style", STYLES)
def test_ways_of_declaring_fields(style):
    cls = declared(style)
    assert {k: str(v) for k, v in cls.class_type.struct.items()} == {"x": "float64", "n": "int64"}
    assert list(cls.class_type.struct) == ["x", "n"]
    p = cls(-1.5, 3)
    assert isinstance(p, cls)
    same(4.5, p.norm1())
    same((4.5, -1.5, 3), norm1(p))
    same((4.5, -1.5, 3), njit(norm1)(p))
    # The ints are int64 fields: a float written to n is truncated (Numba's conversion).
    p.n = 7.9
    same(7, p.n)


def test_top_level_and_experimental_names_are_the_same_decorator():
    assert oxjit.jitclass is oxjit.experimental.jitclass is jitclass


def test_spec_names_a_field_and_annotations_add_the_others():
    class Mixed:
        a: int
        b: float64

        def __init__(self):
            self.a = 1
            self.b = 2.0
            self.c = 3

    J = jitclass([("c", int64)])(Mixed)
    assert {k: str(v) for k, v in J.class_type.struct.items()} == {"c": "int64", "a": "int64", "b": "float64"}
    m = J()
    same((1, 2.0, 3), (m.a, m.b, m.c))


def test_decorator_returns_a_new_class_and_leaves_the_input_plain():
    plain, jit = twin(Point, [("x", float64), ("n", int64)])
    assert jit is not plain
    p = plain(1.0, 2)
    assert not isinstance(p, jit)
    p.extra = 1  # a plain object takes any attribute
    j = jit(1.0, 2)
    assert not isinstance(j, plain)
    assert isinstance(j, jit)
    assert type(j) is jit
    assert type(j).__name__ == "Point"
    assert "Point" in repr(j)
    assert "Point" in repr(jit)
    with pytest.raises(AttributeError):
        j.extra = 1
    with pytest.raises(AttributeError):
        j.missing  # noqa: B018


def test_class_type_and_instance_type():
    ct = JAccount.class_type
    assert ct.class_name == "Account"
    assert {k: str(v) for k, v in ct.struct.items()} == {"balance": "float64", "rate": "float64", "n": "int64"}
    assert set(ct.methods) >= {"deposit", "grow", "projected"}
    assert set(ct.jit_props) == {"interest", "rate_pct"}
    assert set(ct.jit_static_methods) == {"compound"}
    it = ct.instance_type
    assert it is JAccount.class_type.instance_type
    assert "Account" in str(it)
    assert str(it) != str(JCell.class_type.instance_type)


def balance_of(a):
    return a.balance


def test_instance_type_in_an_explicit_signature():
    f = njit(float64(JAccount.class_type.instance_type))(balance_of)
    same(4.5, f(JAccount(4.5)))
    with pytest.raises(TypeError):
        f(JCell(1.0))


# ---------------------------------------------------------------------------
# Construction: defaults, keywords, errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,kwargs",
    [((1.0,), {}), ((1.0, 0.2), {}), ((1.0,), {"n": 4}), ((), {"balance": 2.0, "rate": 0.0, "n": -1}),
     ((1.0,), {"rate": 0.3}), ((math.nan, -0.0, 2**62), {})],
    ids=["defaults", "positional", "keyword", "all-keywords", "middle-keyword", "edges"],
)
def test_constructor_arguments_same_as_python(args, kwargs):
    same(state(Account(*args, **kwargs), ACCOUNT_FIELDS), state(JAccount(*args, **kwargs), ACCOUNT_FIELDS))


def test_constructor_converts_ints_to_float_fields():
    a = JAccount(2**62, 1, 2**62)
    same((float(2**62), 1.0, 2**62), state(a, ACCOUNT_FIELDS))


@pytest.mark.parametrize(
    "args,kwargs,exc",
    [((), {}, TypeError), ((1.0, 0.1, 1, 9), {}, TypeError), ((1.0,), {"bogus": 1}, TypeError),
     ((1.0,), {"balance": 2.0}, TypeError)],
    ids=["missing", "too-many", "unknown-keyword", "twice"],
)
def test_constructor_argument_errors_like_python(args, kwargs, exc):
    with pytest.raises(exc):
        Account(*args, **kwargs)
    with pytest.raises(exc):
        JAccount(*args, **kwargs)


def test_constructor_with_a_wrong_field_type_is_a_typing_error():
    with pytest.raises(TypingError, match="field `a`"):
        JBuffer(1.0, np.zeros((1, 1)), np.zeros(1, dtype=np.int64))


def test_class_without_init():
    class Empty:
        def value(self):
            return 42

    J = jitclass([])(Empty)
    e = J()
    assert isinstance(e, J) and e.value() == 42


def test_fields_init_does_not_set_are_zero():
    class Partial:
        def __init__(self, x):
            self.x = x

    J = jitclass([("x", float64), ("n", int64), ("y", float64), ("t", oxtypes.UniTuple(int64, 2)),
                  ("on", boolean)])(Partial)
    p = J(1.5)
    same((1.5, 0, 0.0, (0, 0), False), (p.x, p.n, p.y, p.t, p.on))


class Maybe:
    def __init__(self, x, a=None):
        self.x = x
        if a is None:
            self.a = np.zeros(2)
        else:
            self.a = a

    def plus(self, y=None):
        if y is None:
            return self.x
        return self.x + y


_, JMaybe = twin(Maybe, [("x", float64), ("a", float64[:])])
PLAIN["JMaybe"] = Maybe


def maybe_ops(x):
    m = JMaybe(x)
    n = JMaybe(x, np.ones(3))
    return m.a, n.a, m.plus(), n.plus(2.0)


def test_none_defaults_same_as_python():
    same(with_plain_classes(maybe_ops)(1.5), njit(maybe_ops)(1.5))
    m = JMaybe(2.0)
    same((np.zeros(2), 2.0, 3.0), (m.a, m.plus(), m.plus(1.0)))


def test_methods_through_the_class_and_bound_methods():
    a = JAccount(1.0)
    same(3.0, JAccount.deposit(a, 2.0))
    dep = a.deposit
    same(4.5, dep(1.5))
    same((4.5, 2), (a.balance, a.n))
    same((2.0, 2), JAccount.describe(a, offset=-2.5))


def step(c, k):
    return c.deposit(k)


jitted_step = njit(step)


class Driver:
    def __init__(self, acc):
        self.acc = acc

    def run(self, k):
        for i in range(k):
            jitted_step(self.acc, float(i))  # an @njit function given a field
        return self.acc.balance


def test_method_calls_an_njit_function_with_a_field():
    plain = Account(1.0)
    for i in range(4):
        step(plain, float(i))
    JDriver = jitclass([("acc", JAccount.class_type.instance_type)])(Driver)
    acc = JAccount(1.0)
    d = JDriver(acc)
    same(plain.balance, d.run(4))
    same((plain.balance, plain.n), (acc.balance, acc.n))
    assert acc.n == 4


# ---------------------------------------------------------------------------
# Fields: sharing, identity, conversions
# ---------------------------------------------------------------------------


def bump_all(b):
    b.a += 1.0
    b.count += 1
    b.scale = -b.scale


def test_writes_are_shared_between_python_and_compiled_code():
    a = np.arange(3.0)
    b = JBuffer(a, np.zeros((1, 1)), np.zeros(1, dtype=np.int64), 2.0)
    njit(bump_all)(b)
    same((1, -2.0), (b.count, b.scale))
    same(np.arange(1.0, 4.0), a)
    b.count = 10
    b.scale = math.nan
    a[0] = -5.0
    f = njit(buf_field_ops)
    same((np.array([-4.0, 3.0, 4.0]), math.nan, 13), f(b))
    assert b.count == 13


def test_array_field_given_from_python_is_the_same_object():
    a = np.arange(4.0)
    m = np.ones((2, 2))
    idx = np.array([1, 0])
    b = JBuffer(a, m, idx)
    assert b.a is a and b.m is m and b.idx is idx
    s = a[::2]
    b.a = s  # a non-contiguous view into a float64[:] field
    assert b.a is s
    b.a[1] = 9.0
    assert a[2] == 9.0
    b.bump(1.0)  # in place, through the view
    same(np.array([1.0, 1.0, 10.0, 3.0]), a)


def field_a(b):
    return b.a


def test_array_field_returned_from_compiled_code_is_the_same_object():
    a = np.arange(4.0)
    b = JBuffer(a, np.ones((2, 2)), np.array([1, 0]))
    assert njit(field_a)(b) is a


def test_array_rebound_in_compiled_code_leaves_the_old_array_alone():
    a = np.arange(3.0)
    b = JBuffer(a, np.ones((2, 2)), np.array([1, 0]))
    new = b.rebind(2.0)
    same(np.arange(3.0), a)
    assert b.a is not a
    same(np.array([0.0, 2.0, 4.0]), b.a)
    same(b.a, new)


def test_contiguous_field_rejects_a_strided_array():
    b = JBuffer(np.zeros(1), np.zeros((1, 1)), np.zeros(2, dtype=np.int64))
    with pytest.raises(TypeError):
        b.idx = np.arange(6)[::2]
    with pytest.raises(TypeError):
        b.a = np.arange(3)  # int64 array into a float64[:] field
    with pytest.raises(TypeError):
        b.a = np.zeros((2, 2))
    with pytest.raises(TypeError):
        b.a = [1.0, 2.0]


def set_n(a, v):
    a.n = v
    return a.n


@pytest.mark.parametrize("v,want", [(2.7, 2), (-2.7, -2), (1e15 + 0.5, 10**15), (True, 1), (-0.0, 0)])
def test_float_written_to_an_int_field_truncates(v, want):
    a = JAccount(0.0)
    a.n = v
    same(want, a.n)
    same(want, njit(set_n)(JAccount(0.0), v))


def set_balance(a, v):
    a.balance = v
    return a.balance


@pytest.mark.parametrize("v", [3, -(2**62), True])
def test_int_written_to_a_float_field_converts(v):
    a = JAccount(0.0)
    a.balance = v
    same(float(v), a.balance)
    same(float(v), njit(set_balance)(JAccount(0.0), v))


@pytest.mark.parametrize("v", [2**62 + 1, -(2**63), 2**63 - 1])
def test_large_ints_round_trip_through_int_fields(v):
    a = JAccount(0.0, n=v)
    same(v, a.n)
    a.n = v // 3
    same(v // 3, a.n)
    same(v, njit(set_n)(a, v))
    same(v, a.n)


def test_bool_field():
    class Flag:
        def __init__(self, on):
            self.on = on

        def flip(self):
            self.on = not self.on
            return self.on

    J = jitclass([("on", boolean)])(Flag)
    f = J(False)
    same(True, f.flip())
    same(True, f.on)
    f.on = 0
    same(False, f.on)


class Narrow:
    def __init__(self):
        self.f = 0.1
        self.i = 2**31
        self.u = 300
        self.z = 1.5

    def bump(self):
        self.i += 1
        self.u += 1
        self.f *= 3
        self.z = self.z * 1j
        return self.f, self.i, self.u, self.z


def test_narrow_scalar_fields_convert_as_numba():
    J = jitclass([("f", oxjit.float32), ("i", oxjit.int32), ("u", oxjit.uint8), ("z", oxjit.complex128)])(Narrow)
    n = J()
    f32 = float(np.float32(0.1))
    same((f32, -(2**31), 44, 1.5 + 0j), (n.f, n.i, n.u, n.z))
    same((float(np.float32(f32) * np.float32(3)), -(2**31) + 1, 45, 1.5j), n.bump())
    n.z = complex(math.nan, -0.0)
    z = n.z
    assert math.isnan(z.real) and math.copysign(1.0, z.imag) == -1.0
    n.f = 1e40  # beyond float32
    same(math.inf, n.f)


class Unit:
    def __init__(self):
        self.y = 2.0

    def clear(self):
        self.nothing = None
        return self.y


def test_none_field_takes_none():
    J = jitclass([("nothing", oxjit.none), ("y", float64)])(Unit)
    u = J()
    assert u.nothing is None
    u.nothing = None
    assert u.nothing is None and u.y == 2.0
    assert u.clear() == 2.0


def assign_read_only(a):
    a.interest = 1.0


def test_property_without_setter():
    a = JAccount(10.0)
    with pytest.raises(AttributeError):
        a.interest = 1.0
    with pytest.raises(TypingError, match="interest"):
        njit(assign_read_only)(a)
    same(0.5, a.interest)


def test_augmented_assignment_from_python_keeps_the_array():
    a = np.arange(3.0)
    b = JBuffer(a, np.ones((1, 1)), np.zeros(1, dtype=np.int64))
    base = sys.getrefcount(a)
    for _ in range(5):
        b.a += 1.0  # read (the same ndarray), add in place, write back
        b.count += 2
    assert b.a is a
    same(np.arange(5.0, 8.0), a)
    same(10, b.count)
    assert sys.getrefcount(a) == base


def test_instance_field_set_from_python():
    h = JHolder(JCell(1.0), 2)
    c = JCell(5.0)
    h.cell = c
    assert h.scaled() == 10.0
    c.v = 6.0  # shared: the holder sees the change
    assert h.scaled() == 12.0
    assert type(h.cell) is JCell and h.cell.v == 6.0
    with pytest.raises(TypeError):
        h.cell = JAccount(1.0)


# ---------------------------------------------------------------------------
# Boxes: identity, reference counts, several classes
# ---------------------------------------------------------------------------


def ident(x):
    return x


def touch(c):
    c.v += 1.0
    return c


def test_returned_instance_is_a_new_box_sharing_the_fields():
    c = JCell(1.0)
    r = njit(touch)(c)
    assert type(r) is JCell
    assert r is not c
    assert c.v == 2.0 and r.v == 2.0
    r.v = -0.0
    same(-0.0, c.v)
    assert c._oxjit_refcount == 2  # two boxes
    del r
    gc.collect()
    assert c._oxjit_refcount == 1


def test_reference_counts_follow_holders():
    c = JCell(1.0)
    assert c._oxjit_refcount == 1
    h = JHolder(c, 1)
    assert c._oxjit_refcount == 2
    f = njit(ident)
    t = f((c, c))
    assert c._oxjit_refcount == 4
    del t
    gc.collect()
    assert c._oxjit_refcount == 2
    h.cell = JCell(0.0)
    assert c._oxjit_refcount == 1
    h.cell = c
    del h
    gc.collect()
    assert c._oxjit_refcount == 1


def cell_value(c):
    return c.v


class OtherCell:
    def __init__(self, v):
        self.v = v


JOtherCell = jitclass({"v": float64})(OtherCell)


def test_classes_with_the_same_fields_are_different_types():
    f = njit(cell_value)
    assert f(JCell(1.5)) == 1.5
    assert f(JOtherCell(2.5)) == 2.5
    assert len(f.signatures) == 2


def pick(flag):
    if flag:
        c = JCell(1.0)
    else:
        c = JOtherCell(2.0)
    return c.v


def test_one_variable_holding_two_classes_is_a_type_conflict():
    with pytest.raises(TypingError) as ei:
        njit(pick)(True)
    text = str(ei.value)
    assert "OtherCell" in text and "Cell" in text
    assert "test_jitclass.py" in text


def sum_cells(cells):
    s = 0.0
    for c in cells:
        s += c.v
    cells[0].v = s
    return s, cells


def test_instances_in_tuples():
    a, b = JCell(1.0), JCell(2.5)
    s, back = njit(sum_cells)((a, b))
    assert s == 3.5 and a.v == 3.5
    assert type(back) is tuple and all(type(x) is JCell for x in back)
    assert back[0].v == 3.5
    same(sum_cells((Cell(1.0), Cell(2.5)))[0], s)


def many_cells(n):
    total = 0.0
    last = JCell(0.0)
    for i in range(n):
        c = JCell(float(i))
        t = (c, last)
        total += t[0].v - t[1].v
        last = c
    return total, last


def test_instances_created_in_a_loop():
    total, last = njit(many_cells)(10)
    want_total, want_last = with_plain_classes(many_cells)(10)
    same(want_total, total)
    assert type(last) is JCell and last.v == want_last.v == 9.0
    assert last._oxjit_refcount == 1


class Mid:
    def __init__(self, cell):
        self.cell = cell


class Top:
    def __init__(self, mid):
        self.mid = mid
        self.pair = (mid.cell, mid.cell)


_, JMid = twin(Mid, [("cell", JCell.class_type.instance_type)])
_, JTop = twin(Top, [("mid", JMid.class_type.instance_type),
                     ("pair", oxtypes.UniTuple(JCell.class_type.instance_type, 2))])
PLAIN.update(JMid=Mid, JTop=Top)


def deep_writes(t, v):
    t.mid.cell.v += v
    t.pair[1].v += 1.0
    before = t.pair[0].v
    t.mid = JMid(JCell(-v))
    return t.mid.cell.v, before, t.pair[0].v


def test_instances_nested_two_deep_and_in_a_tuple_field():
    plain = Top(Mid(Cell(1.0)))
    want = with_plain_classes(deep_writes)(plain, 2.5)
    for run in (deep_writes, njit(deep_writes)):
        c = JCell(1.0)
        t = JTop(JMid(c))
        assert c._oxjit_refcount == 4  # its box, the Mid, the pair's two items
        same(want, run(t, 2.5))
        same(plain.pair[0].v, c.v)
        assert c._oxjit_refcount == 3  # the Mid is gone
        c2 = JCell(9.0)
        t.pair = (c2, c)
        assert (c._oxjit_refcount, c2._oxjit_refcount) == (2, 2)
        same((9.0, plain.pair[0].v), tuple(x.v for x in t.pair))
        del t
        gc.collect()
        assert (c._oxjit_refcount, c2._oxjit_refcount) == (1, 1)


def test_method_argument_count_errors_from_python():
    for cls in (Account, JAccount):
        a = cls(1.0)
        with pytest.raises(TypeError):
            a.deposit()
        with pytest.raises(TypeError):
            a.deposit(1.0, 2.0)
    a = JAccount(1.0)
    with pytest.raises(TypeError):
        JAccount.compound(1.0)
    assert a.balance == 1.0 and a.n == 0


# ---------------------------------------------------------------------------
# Static methods
# ---------------------------------------------------------------------------


@jitclass([("x", float64)])
class Geo:
    def __init__(self, x):
        self.x = x

    @staticmethod
    def square(v):
        return v * v

    def via_class(self):
        return Geo.square(self.x)

    def via_self(self):
        return self.square(self.x) + 1.0


def geo_calls(g, v):
    return Geo.square(v), g.square(v), g.via_class(), g.via_self()


def test_static_methods_from_python_and_compiled_code():
    g = Geo(3.0)
    want = (6.25, 6.25, 9.0, 10.0)
    same(want, geo_calls(g, 2.5))
    same(want, njit(geo_calls)(g, 2.5))
    same(4, Geo.square(2))
    same(4, g.square(2))
    same(-0.0 * -0.0, Geo.square(-0.0))


# ---------------------------------------------------------------------------
# Diagnostics
# ---------------------------------------------------------------------------


def test_unconvertible_spec_type_is_a_type_error_naming_class_and_field():
    class Bad:
        def __init__(self):
            pass

    with pytest.raises(TypeError, match=r"'Bad'.*'items'"):
        jitclass([("items", list)])(Bad)
    with pytest.raises(TypeError, match=r"'Bad'.*'obj'"):
        jitclass({"obj": object})(Bad)
    with pytest.raises(TypeError, match=r"'Bad'.*'u'"):
        jitclass([("u", "no_such_type_name")])(Bad)


def test_class_attribute_that_is_not_a_member_is_a_type_error():
    class WithConstant:
        LIMIT = 3

        def __init__(self):
            self.x = 0.0

    with pytest.raises(TypeError, match="LIMIT"):
        jitclass([("x", float64)])(WithConstant)


class Clash:
    def x(self):
        return 1.0


class WithClassMethod:
    @classmethod
    def make(cls):
        return cls()


class WithKwargs:
    def __init__(self, **kw):
        pass


@pytest.mark.parametrize(
    "make,words",
    [
        (lambda: jitclass([("x", float64), ("x", int64)])(Point), ["'Point'", "'x'", "twice"]),
        (lambda: jitclass([("x", float64)])(Clash), ["'Clash'", "'x'"]),
        (lambda: jitclass([])(WithClassMethod), ["'WithClassMethod'", "'make'"]),
        (lambda: jitclass([])(WithKwargs), ["'WithKwargs'", "kw"]),
        (lambda: jitclass([("x",)])(Point), ["'Point'"]),
        (lambda: jitclass(3)(Point), ["'Point'", "spec"]),
        (lambda: jitclass([("x", oxtypes.Type("blob"))])(Point), ["'Point'", "'x'", "blob"]),
        (lambda: jitclass([("x", float64(int64))])(Point), ["'Point'", "'x'"]),
        (lambda: jitclass([("x", float64)])(step), ["class", "function"]),
    ],
    ids=["duplicate-field", "field-and-method", "classmethod", "var-keywords", "not-a-pair", "not-a-spec",
         "unknown-type-name", "signature-as-type", "not-a-class"],
)
def test_decoration_errors(make, words):
    with pytest.raises(TypeError) as ei:
        make()
    for w in words:
        assert w in str(ei.value), (w, str(ei.value))


def read_unknown(c):
    return c.weight


def write_array_to_float(c):
    c.v = np.zeros(3)


def wrong_arity(c):
    return c.get(1.0)


def wrong_arity_property(a):
    return a.describe(1.0, 2.0, 3.0)


@pytest.mark.parametrize(
    "fn,make,words",
    [
        (read_unknown, lambda: JCell(1.0), ["Cell", "weight"]),
        (write_array_to_float, lambda: JCell(1.0), ["`v`", "float64"]),
        (wrong_arity, lambda: JCell(1.0), ["get"]),
        (wrong_arity_property, lambda: JAccount(1.0), ["describe"]),
    ],
    ids=["unknown-attribute", "wrong-field-type", "wrong-arity", "too-many-arguments"],
)
def test_compiled_code_diagnostics(fn, make, words):
    with pytest.raises(TypingError) as ei:
        njit(fn)(make())
    text = str(ei.value)
    for w in words:
        assert w in text, (w, text)
    assert "test_jitclass.py" in text


# ---------------------------------------------------------------------------
# Leaks
# ---------------------------------------------------------------------------


def churn(n):
    s = 0.0
    for i in range(n):
        g = JGrid(3, float(i))
        s += g.total()
    return s


def churn_tuples(n):
    s = 0.0
    for i in range(n):
        t = (JGrid(2), JGrid(3, 2.0), i)
        s += t[0].total() + t[1].a.sum() + t[2]
    return s


def churn_nested(n):
    s = 0.0
    for i in range(n):
        h = JHolder(JCell(float(i)), 2)
        h.cell = JCell(1.0)
        s += h.scaled()
    return s


def churn_buffers(n):
    s = 0.0
    for i in range(n):
        b = JBuffer(np.ones(4), np.ones((2, 2)), np.arange(2), 1.0)
        b.rebind(2.0)
        s += b.bump(1.0) + b.row_sums().sum()
    return s


@pytest.mark.parametrize("fn", [churn, churn_tuples, churn_nested, churn_buffers], ids=lambda f: f.__name__)
def test_no_leak_constructing_and_dropping_in_compiled_code(fn):
    f = njit(fn)
    want = with_plain_classes(fn)(1000)
    same(want, f(1000))  # compile, and check the workload computes the right thing
    before = live_allocations()
    for _ in range(3):
        f(1000)
    assert live_allocations() == before


def test_no_leak_instances_returned_to_python():
    f = njit(make_holder)
    g = njit(build_buffer)
    h = njit(many_cells)
    k = njit(make_pair)
    f(1.0), g(3), h(3), k(1.0)
    before = live_allocations()
    kept = [f(float(i)) for i in range(100)] + [g(5) for _ in range(100)] + [h(5) for _ in range(100)]
    kept += [k(1.0) for _ in range(100)]
    kept += [JGrid(4) for _ in range(100)]
    assert live_allocations() > before  # the instances (and their arrays) are alive
    del kept
    assert live_allocations() == before


def test_no_leak_through_python_members():
    a = np.arange(4.0)
    b = JBuffer(a, np.ones((2, 2)), np.array([0, 1]))
    h = JHolder(JCell(1.0), 1)
    b.rebind(1.0), b.row_sums(), h.scaled()
    before = live_allocations()
    for _ in range(200):
        b.a = a
        b.rebind(1.0)
        b.row_sums()
        b.bump(0.0)
        h.cell = JCell(2.0)
        h.absorb(JHolder(JCell(0.0), 0))
        h.cell.v  # noqa: B018
    b.a = a
    assert live_allocations() == before


def test_array_in_a_field_stays_alive_and_is_released():
    a = np.arange(5.0)
    base = sys.getrefcount(a)
    b = JBuffer(a, np.ones((1, 1)), np.zeros(1, dtype=np.int64))
    assert sys.getrefcount(a) == base + 1
    b2 = njit(ident)(b)  # another box of the same instance: no new reference to the array
    assert sys.getrefcount(a) == base + 1
    del b2
    b.a = np.zeros(1)
    assert sys.getrefcount(a) == base
    b.a = a
    assert sys.getrefcount(a) == base + 1
    del b
    gc.collect()
    assert sys.getrefcount(a) == base


def test_field_keeps_the_array_after_the_caller_drops_it():
    b = JBuffer(np.arange(5.0), np.ones((1, 1)), np.zeros(1, dtype=np.int64))
    gc.collect()
    held = b.a
    base = sys.getrefcount(held)
    del held
    b.bump(1.0)
    same(np.arange(1.0, 6.0), b.a)
    assert sys.getrefcount(b.a) == base


def keep(a):
    return JBuffer(a, np.ones((1, 1)), np.zeros(1, dtype=np.int64))


def test_array_stored_by_compiled_code_is_referenced_until_the_instance_dies():
    a = np.arange(3.0)
    base = sys.getrefcount(a)
    b = njit(keep)(a)
    assert b.a is a
    assert sys.getrefcount(a) == base + 1
    del b
    gc.collect()
    assert sys.getrefcount(a) == base


def test_nested_instance_outlives_its_python_box():
    h = JHolder(JCell(7.0), 3)  # the Cell's only Python box is dropped here
    gc.collect()
    assert h.cell._oxjit_refcount == 2  # the holder's field and the temporary box
    assert h.scaled() == 21.0
    c = h.cell
    del h
    gc.collect()
    assert c._oxjit_refcount == 1 and c.v == 7.0


@jitclass([("x", float64)])
class _Inner:
    def __init__(self):
        self.x = 1.0


@jitclass([("inner", _Inner.class_type.instance_type), ("a", float64[:])])
class _Unset:
    def __init__(self):
        pass


@njit
def _inner_x(o):
    return o.inner.x


def test_fields_never_set_raise_instead_of_crashing():
    o = _Unset()
    assert o.a.shape == (0,) and o.a.sum() == 0.0
    with pytest.raises(ValueError, match="never assigned"):
        o.inner
    with pytest.raises(ValueError, match="used before it was assigned"):
        _inner_x(o)


# ---------------------------------------------------------------------------
# Special methods in compiled code (operators, comparisons, `in`, subscripts, builtins)
# ---------------------------------------------------------------------------


class Vec2:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, o):
        return JVec2(self.x + o.x, self.y + o.y)

    def __sub__(self, o):
        return JVec2(self.x - o.x, self.y - o.y)

    def __mul__(self, k):
        return JVec2(self.x * k, self.y * k)

    def __rmul__(self, k):
        return JVec2(k * self.x, k * self.y)

    def __truediv__(self, k):
        return JVec2(self.x / k, self.y / k)

    def __neg__(self):
        return JVec2(-self.x, -self.y)

    def __eq__(self, o):
        return self.x == o.x and self.y == o.y

    def __lt__(self, o):
        return self.x * self.x + self.y * self.y < o.x * o.x + o.y * o.y

    def __abs__(self):
        return math.sqrt(self.x * self.x + self.y * self.y)

    def __bool__(self):
        return self.x != 0.0 or self.y != 0.0


_, JVec2 = twin(Vec2, [("x", float64), ("y", float64)])


class Ring:
    """A fixed-capacity ring buffer over an array: len, [], []=, in."""

    def __init__(self, cap):
        self.data = np.zeros(cap)
        self.start = 0
        self.n = 0

    def push(self, v):
        cap = self.data.shape[0]
        if self.n < cap:
            self.data[(self.start + self.n) % cap] = v
            self.n += 1
        else:
            self.data[self.start] = v
            self.start = (self.start + 1) % cap

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i < 0:
            i += self.n
        return self.data[(self.start + i) % self.data.shape[0]]

    def __setitem__(self, i, v):
        self.data[(self.start + i) % self.data.shape[0]] = v

    def __contains__(self, v):
        for i in range(self.n):
            if self[i] == v:
                return True
        return False


_, JRing = twin(Ring, [("data", float64[:]), ("start", int64), ("n", int64)])


def plain_reference(fn, *args):
    """``fn(*args)`` in CPython with the jitclass globals bound to the plain classes, for
    the function and for class bodies that construct instances (``Vec2.__add__``)."""
    g = globals()
    saved = {k: g[k] for k in ("JVec2", "JRing")}
    g.update(JVec2=Vec2, JRing=Ring)
    try:
        return fn(*args)
    finally:
        g.update(saved)


def vec_ops(ax, ay, bx, by, k):
    a = JVec2(ax, ay)
    b = JVec2(bx, by)
    c = a + b - a * k
    d = k * (-b) / 2.0
    e = a + b + a
    return (c.x, c.y, d.x, d.y, e.x, a == b, a == JVec2(ax, ay), a < b, b < a, b > a,
            abs(a), bool(a), bool(JVec2(0.0, 0.0)), float(abs(b)))


def ring_ops(cap, vals, probe):
    r = JRing(cap)
    for v in vals:
        r.push(v)
    r[0] = r[0] * 10.0
    total = 0.0
    for i in range(len(r)):
        total += r[i]
    return len(r), total, r[-1], probe in r, (probe * 10.0) in r, r[0]


@pytest.mark.parametrize(
    "args",
    [(1.0, 2.0, 3.0, 5.0, 2.0), (0.0, -0.0, 1.5, -2.5, -1.0), (3.0, 4.0, 3.0, 4.0, 0.5), (1e308, 1e308, -1.0, 2.0, 10.0)],
)
def test_operator_dunders_in_compiled_code(args):
    want = plain_reference(vec_ops, *args)
    same(want, njit(vec_ops)(*args))


@pytest.mark.parametrize(
    ("cap", "vals", "probe"),
    [(4, np.arange(1.0, 3.0), 2.0), (3, np.arange(1.0, 8.0), 6.0), (5, np.array([0.5]), 0.5), (2, np.arange(5.0), 9.0)],
)
def test_container_dunders_in_compiled_code(cap, vals, probe):
    want = plain_reference(ring_ops, cap, vals, probe)
    same(want, njit(ring_ops)(cap, vals, probe))


def test_dunders_from_python_match_compiled_code():
    a, b = JVec2(1.0, 2.0), JVec2(3.0, 5.0)
    assert (a + b).x == 4.0 and (2.0 * a).y == 4.0 and (a == b) is False and abs(JVec2(3.0, 4.0)) == 5.0
    r = JRing(3)
    r.push(1.5)
    assert len(r) == 1 and r[0] == 1.5 and 1.5 in r


def test_dunder_calls_do_not_leak(no_leaks):
    f = njit(vec_ops)
    g = njit(ring_ops)
    for _ in range(3):
        f(1.0, 2.0, 3.0, 5.0, 2.0)
        g(3, np.arange(1.0, 8.0), 6.0)


def test_missing_dunder_is_the_operator_error():
    @njit
    def bad(a):
        return a % 2.0

    with pytest.raises(TypingError, match=r"unsupported operand types for %: instance.jitclass.Vec2"):
        bad(JVec2(1.0, 2.0))


def test_dunder_with_wrong_parameters_is_diagnosed():
    class Odd:
        def __init__(self):
            self.v = 1.0

        def __len__(self, extra):
            return 1

    J = jitclass([("v", float64)])(Odd)

    @njit
    def use(o):
        return len(o)

    with pytest.raises(TypingError, match=r"`Odd.__len__` must take 1 parameter \(self included\)"):
        use(J())


# ---------------------------------------------------------------------------
# isinstance in compiled code (decided from the types; the other branch is not compiled)
# ---------------------------------------------------------------------------


def describe(x):
    if isinstance(x, JVec2):
        return x.x + x.y
    if isinstance(x, (JRing, np.ndarray)):
        return float(len(x))
    if not isinstance(x, float):
        return -1.0
    return x * 2.0


def kinds(v):
    return (isinstance(v, int), isinstance(v, float), isinstance(v, bool), isinstance(v, complex),
            isinstance(v, np.float64), isinstance(v, tuple), isinstance(v, (int, float)))


def test_isinstance_of_jitclass_instances_prunes_branches():
    f = njit(describe)
    assert f(JVec2(1.0, 2.0)) == 3.0
    r = JRing(4)
    r.push(1.0)
    assert f(r) == 1.0
    assert f(np.zeros(5)) == 5.0
    assert f(2.5) == 5.0
    assert f(3) == -1.0


@pytest.mark.parametrize("v", [1, 2.5, True, 1j, (1, 2.0)])
def test_isinstance_of_builtin_types_matches_python(v):
    got = njit(kinds)(v)
    want = kinds(v)
    # np.float64 is not Python's float: a float argument is float64 in compiled code
    # (as in Numba), the one place the answers differ on purpose.
    if isinstance(v, float):
        want = want[:4] + (True,) + want[5:]
    assert got == want


def test_isinstance_that_depends_on_the_run_is_an_error():
    @njit
    def f(x):
        y = None if x > 0 else 1.5
        return isinstance(y, float)

    with pytest.raises(TypingError, match="cannot be decided when compiling"):
        f(1.0)


# ---------------------------------------------------------------------------
# An array field adopted from Python, replaced in compiled code (found by the fuzzer:
# the returned array was released before it was taken: a use-after-free)
# ---------------------------------------------------------------------------


@jitclass([("x", float64[:])])
class Holds:
    def __init__(self, x):
        self.x = x


@njit
def swap_out(c):
    y = c.x
    c.x = np.zeros(3)
    return y


@njit
def swap_out_view(c):
    v = c.x[1:]
    c.x = np.zeros(3)
    np.full(4, 7.0)  # allocations after the release
    return v.sum(), v


@njit
def copy_then_replace(a):
    c2 = Holds(a.x)
    a.x = np.ones(2)
    return c2.x


def test_replacing_an_adopted_array_field_keeps_what_compiled_code_holds(no_leaks):
    for _ in range(3):
        c = Holds(np.arange(3.0))
        y = swap_out(c)
        np.testing.assert_array_equal(y, [0.0, 1.0, 2.0])
        np.testing.assert_array_equal(c.x, np.zeros(3))
        c = Holds(np.arange(3.0))
        s, v = swap_out_view(c)
        assert s == 3.0
        np.testing.assert_array_equal(v, [1.0, 2.0])
        a = Holds(np.arange(4.0))
        np.testing.assert_array_equal(copy_then_replace(a), np.arange(4.0))
        del c, y, v, a


# ---------------------------------------------------------------------------
# optional(...) fields
# ---------------------------------------------------------------------------


class MaybeArr:
    def __init__(self, a=None):
        self.x = None
        self.a = a
        self.n = 0

    def total(self):
        if self.a is None:
            return -1.0
        return self.a.sum()

    def take(self):
        a = self.a
        self.a = None
        return a


_, JMaybeArr = twin(MaybeArr, [("x", oxjit.optional(float64)), ("a", oxjit.optional(float64[:])), ("n", int64)])


def optional_field_ops(arr):
    o = JMaybeArr(arr)
    t1 = o.total()
    b = o.take()
    t2 = o.total()
    o.x = 1.5
    return t1, t2, b, o.x, o.x is None


def test_optional_fields_in_compiled_code(no_leaks):
    for _ in range(3):
        got = njit(optional_field_ops)(np.arange(4.0))
        assert got[:2] == (6.0, -1.0) and got[3:] == (1.5, False)
        np.testing.assert_array_equal(got[2], np.arange(4.0))
        del got


def test_optional_fields_from_python():
    o = JMaybeArr(np.ones(3))
    assert o.x is None and o.total() == 3.0
    o.a = None
    assert o.a is None and o.total() == -1.0
    o.a = np.zeros(2)
    assert o.total() == 0.0
    o.x = 2
    assert o.x == 2.0 and isinstance(o.x, float)
    o.x = None
    assert o.x is None
    # A string is a value compiled code holds, but not one this field takes.
    with pytest.raises(TypeError, match="cannot assign a unicode_type to field `x` of jitclass `MaybeArr`"):
        o.x = "text"
