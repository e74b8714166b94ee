"""Big tuples (hundreds of items) as arguments, results and locals: values
equal to Python's. Tuples of 16 or more items of one type are LLVM arrays
in compiled code (compile time linear in the length); no timings here."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import no_leaks  # noqa: F401 -- fixture
from oxjit import njit

SIZES = [15, 16, 17, 50, 400]


def length(t):
    return len(t)


def total(t):
    s = 0.0
    for x in t:
        s += x
    return s


def at(t, i):
    return t[i]


def ident(t):
    return t


def tail_head(t):
    return t[1:], t[0], t[-1]


def unpack_sum16(t):
    a, b, c, d, e, f, g, h, i, j, k, l_, m, n, o, p = t
    return a + b * 2 + p * 3 + (i - j) + c + d + e + f + g + h + k + l_ + m + n + o


def concat(t, u):
    return t + u


def same(t, u):
    return t == u


def arrays_sum(ts):
    s = 0.0
    for a in ts:
        s += a.sum()
    return s


def make_source(n: int) -> str:
    return "def build(x):\n    return (" + ", ".join(f"x + {i}" for i in range(n)) + ",)\n"


@pytest.mark.parametrize("n", SIZES)
def test_big_float_tuple_argument(n):
    t = tuple(float(i) * 0.5 for i in range(n))
    assert njit(length)(t) == n
    assert njit(total)(t) == total(t)
    assert njit(ident)(t) == t
    assert njit(tail_head)(t) == tail_head(t)
    f = njit(at)
    for i in [0, n - 1, -1, n // 2]:
        assert f(t, i) == t[i]


@pytest.mark.parametrize("n", SIZES)
def test_big_int_and_bool_tuples(n):
    ti = tuple(range(-n, 0))
    tb = tuple(i % 3 == 0 for i in range(n))
    assert njit(ident)(ti) == ti
    assert njit(ident)(tb) == tb
    assert njit(total)(ti) == total(ti)
    assert njit(same)(ti, ti) is True
    assert njit(same)(ti, ti[:-1] + (7,)) is False
    assert njit(concat)(ti, tb) == ti + tb


def test_unpack_sixteen():
    t = tuple(float(i) for i in range(16))
    assert njit(unpack_sum16)(t) == unpack_sum16(t)


@pytest.mark.parametrize("n", [16, 40])
def test_big_tuple_of_arrays(n, no_leaks):  # noqa: F811
    ts = tuple(np.arange(i + 1.0) for i in range(n))
    assert njit(arrays_sum)(ts) == arrays_sum(ts)
    back = njit(ident)(ts)
    assert all(np.array_equal(a, b) for a, b in zip(back, ts))
    del back


def test_nested_big_tuples():
    t = tuple((i, float(i)) for i in range(20))
    assert njit(ident)(t) == t
    u = tuple(tuple(range(i, i + 17)) for i in range(17))
    assert njit(ident)(u) == u


@pytest.mark.parametrize("n", [16, 200])
def test_big_tuple_built_in_compiled_code(n, tmp_path, monkeypatch):
    (tmp_path / f"bigtup{n}.py").write_text(make_source(n))
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = __import__(f"bigtup{n}")
    r = njit(mod.build)(1.5)
    assert r == mod.build(1.5)
    assert type(r) is tuple and len(r) == n


BIG_CONST = tuple(range(100))


@njit
def read_big_const(i):
    return BIG_CONST[i] + len(BIG_CONST)


def test_big_tuple_global_constant():
    assert read_big_const(42) == 142
    assert read_big_const(-1) == 199
