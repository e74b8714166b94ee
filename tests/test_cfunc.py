"""`@cfunc`: compiled functions with a C signature, called through ctypes,
by SciPy's `LowLevelCallable` (for real), and from compiled code; an
exception inside is printed, since no C caller can receive it."""

import ctypes
import math

import pytest
from oxjit import cfunc, njit

scipy_integrate = pytest.importorskip("scipy.integrate")
LowLevelCallable = pytest.importorskip("scipy").LowLevelCallable


def gauss(x):
    return math.exp(-x * x)


def test_quad_with_a_low_level_callable_matches_python():
    f = cfunc("float64(float64)")(gauss)
    got = scipy_integrate.quad(LowLevelCallable(f.ctypes), -3, 3)
    want = scipy_integrate.quad(gauss, -3, 3)
    assert got[0] == pytest.approx(want[0], rel=1e-14)
    assert f(0.5) == gauss(0.5) and isinstance(f.address, int) and f.address > 0


def test_argument_and_result_conversions():
    @cfunc("int32(int64, float32, bool)")
    def mix(a, b, flag):
        return a + int(b) if flag else a - int(b)

    assert mix(3, 2.5, True) == 5 and mix(3, 2.5, False) == 1
    proto = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_int64, ctypes.c_float, ctypes.c_bool)
    assert proto(mix.address)(10, 4.0, True) == 14

    @cfunc("float64(int64)")
    def half(n):
        return n // 2

    assert half(7) == 3.0 and type(half(7)) is float


def test_void_result():
    @cfunc("void(float64)")
    def nothing(x):
        y = x * 2  # noqa: F841

    assert nothing(1.0) is None


def test_exception_inside_is_printed_and_gives_zero(capfd):
    @cfunc("float64(float64)")
    def bad(x):
        return 1 // int(x)

    assert bad(0.0) == 0.0
    err = capfd.readouterr().err
    assert "Exception ignored in cfunc 'bad'" in err and "ZeroDivisionError" in err
    assert bad(2.0) == 0.0 and bad(1.0) == 1.0


def test_called_from_compiled_code():
    sq = cfunc("float64(float64)")(lambda x: x * x)

    @njit
    def use(x):
        return sq(x) + 1.0

    assert use(3.0) == 10.0


def test_signatures_without_c_types_are_refused():
    with pytest.raises(TypeError, match="needs a return type"):
        cfunc("(float64,)")(gauss)
    with pytest.raises(TypeError, match="has no C type"):
        cfunc("float64(float64[:])")(gauss)


def test_numba_spelling():
    import oxjit as numba

    assert numba.cfunc is cfunc
