"""print() in compiled code writes exactly what Python's print writes for the
same values, through sys.stdout (so capsys sees it, in order with Python's own
prints)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from oxjit import njit


def printed(capsys, fn, *args):
    capsys.readouterr()
    fn(*args)
    return capsys.readouterr().out


def assert_prints_same(capsys, jitted, *args):
    got = printed(capsys, jitted, *args)
    want = printed(capsys, jitted.py_func, *args)
    assert got == want, f"compiled printed {got!r}, Python printed {want!r}"
    return got


@njit
def print1(x):
    print(x)


@njit
def print2(x, y):
    print(x, y)


@njit
def print_sep(x, y, z):
    print(x, y, z, sep=", ")


@njit
def print_end(x):
    print(x, end="")
    print(x, end=" | ")
    print("done")


@njit
def print_sep_end(x, y):
    print(x, y, sep="", end="!\n")
    print(x, y, sep="\t", end="\n\n")


@njit
def print_nothing():
    print()


@njit
def print_literals():
    print("hello", "world")
    print("")
    print("αβγ ✓ — 日本")
    print("a\nb\tc 'q' \"dq\" \\")
    print(1, 2.5, True, None, "s", (1, "x"))


FLOATS = [0.0, -0.0, 0.1, 1 / 3, 2.5, 1e16, 1e15, 1.5e300, 1e-5, 1e-4, 5e-324, 2.0**60, 123456789.123,
          -7.25, math.inf, -math.inf, math.nan, 1e22, 9007199254740993.0, 0.30000000000000004]
INTS = [0, 1, -5, 2**63 - 1, -(2**63), 10**18]
COMPLEX = [1 + 2j, -1.5j, 0j, complex(-0.0, -0.0), complex(math.nan, math.inf), 1e20 + 1e-20j, complex(1, -0.0),
           3j, -(1 + 1j)]


@pytest.mark.parametrize("x", FLOATS, ids=repr)
def test_print_float_repr_exact(capsys, x):
    out = assert_prints_same(capsys, print1, x)
    assert out == repr(x) + "\n"


@pytest.mark.parametrize("x", INTS, ids=repr)
def test_print_int(capsys, x):
    assert assert_prints_same(capsys, print1, x) == f"{x}\n"


@pytest.mark.parametrize("x", [True, False, None])
def test_print_bool_none(capsys, x):
    assert assert_prints_same(capsys, print1, x) == f"{x}\n"


@pytest.mark.parametrize("x", COMPLEX, ids=repr)
def test_print_complex(capsys, x):
    assert_prints_same(capsys, print1, x)


@pytest.mark.parametrize("x", [(1, 2.5), (1,), (2.5,), (), ((1, 2), (3.0,)), (True, None, -0.0), (1j, 2),
                               (math.nan, math.inf)], ids=repr)
def test_print_tuples(capsys, x):
    assert_prints_same(capsys, print1, x)


@pytest.mark.parametrize("x", [np.int8(-3), np.uint16(7), np.int32(5), np.float64(0.1), np.bool_(True)],
                         ids=repr)
def test_print_numpy_scalar_arguments(capsys, x):
    got = printed(capsys, print1, x)
    assert got == f"{x.item()}\n"


def test_print_mixed_args(capsys):
    assert_prints_same(capsys, print2, 1, 2.5)
    assert_prints_same(capsys, print2, -3, 0.1)
    assert_prints_same(capsys, print2, (1,), None)


def test_print_strings(capsys):
    assert_prints_same(capsys, print_literals)


@pytest.mark.parametrize("args", [(1, 2.0, 3j), (True, None, (1, 2)), (0.1, 0.2, 0.30000000000000004)])
def test_print_sep(capsys, args):
    assert_prints_same(capsys, print_sep, *args)


@pytest.mark.parametrize("x", [1, 2.5, (1, 2)])
def test_print_end(capsys, x):
    assert_prints_same(capsys, print_end, x)


def test_print_sep_and_end(capsys):
    assert_prints_same(capsys, print_sep_end, 1, 2.5)


def test_print_empty_line(capsys):
    assert assert_prints_same(capsys, print_nothing) == "\n"


# ---------------------------------------------------------------------------
# Arrays
# ---------------------------------------------------------------------------

ARRAYS = {
    "int": np.arange(5),
    "float": np.array([0.1, 1.5, -2.0, 1e-3]),
    "float-big": np.array([1e10, 1.0, 2.5]),
    "float-nan-inf": np.array([np.nan, np.inf, -np.inf, 0.0, -0.0]),
    "2d": np.arange(6.0).reshape(2, 3),
    "3d": np.arange(24).reshape(2, 3, 4),
    "bool": np.array([True, False, True]),
    "int8": np.array([-128, 0, 127], dtype=np.int8),
    "uint64": np.array([0, 2**64 - 1], dtype=np.uint64),
    "float32": np.array([0.1, 2.5], dtype=np.float32),
    "complex": np.array([1 + 2j, -0.5j]),
    "empty": np.zeros(0),
    "empty-2d": np.zeros((0, 3)),
    "long": np.arange(2000.0),
    "F": np.asfortranarray(np.arange(6).reshape(2, 3)),
    "neg-stride": np.arange(10)[::-3],
}


@pytest.mark.parametrize("name", list(ARRAYS))
def test_print_arrays_like_numpy(capsys, name):
    a = ARRAYS[name]
    out = assert_prints_same(capsys, print1, a)
    assert out == str(a) + "\n"


@njit
def print_created_array(n):
    a = np.zeros(n)
    for i in range(n):
        a[i] = i / 3
    print(a)
    print(a[::2], a.shape)


def test_print_array_created_in_compiled_code(capsys):
    assert_prints_same(capsys, print_created_array, 4)


@njit
def print_array_and_scalar(a, x):
    print("a:", a, "x:", x)


def test_print_array_among_other_args(capsys):
    assert_prints_same(capsys, print_array_and_scalar, np.arange(3), 0.5)


# ---------------------------------------------------------------------------
# Ordering with Python's prints, loops and exceptions
# ---------------------------------------------------------------------------


@njit
def print_loop(n):
    for i in range(n):
        print("i =", i, i * 0.5)


@njit
def print_then_raise(x):
    print("before", x)
    if x > 0:
        raise ValueError("boom")
    print("after")


def test_interleaves_with_python_prints(capsys):
    capsys.readouterr()
    print("py 1")
    print1(2.5)
    print("py 2")
    print_loop(3)
    print("py 3", end="")
    print1(None)
    out = capsys.readouterr().out
    assert out == "py 1\n2.5\npy 2\ni = 0 0.0\ni = 1 0.5\ni = 2 1.0\npy 3None\n"


def test_print_in_loop(capsys):
    assert_prints_same(capsys, print_loop, 5)


def test_output_before_exception_is_kept(capsys):
    capsys.readouterr()
    with pytest.raises(ValueError):
        print_then_raise(1)
    assert capsys.readouterr().out == "before 1\n"
    print_then_raise(-1)
    assert capsys.readouterr().out == "before -1\nafter\n"


@njit
def print_flush(x):
    print(x, flush=True)


def test_print_flush_keyword(capsys):
    assert assert_prints_same(capsys, print_flush, 3) == "3\n"


def test_print_goes_through_sys_stdout(monkeypatch):
    import io
    import sys

    buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buf)
    print1(0.1)
    print2(7, (1,))
    print_literals()
    assert buf.getvalue().startswith("0.1\n7 (1,)\nhello world\n")
