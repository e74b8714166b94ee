"""Wrong answers found by running Numba's own test modules and by the
semantics review, each pinned: NumPy's values and types for ufuncs of 0-d
arrays, bool arithmetic, np.fmod of integers, ufunc division by zero, narrow
abs, float32 + complex, fresh copies of read-only arrays, eager signatures
converting arguments and results as Numba does."""

import math

import numpy as np
import pytest
from oxjit import njit
from oxjit.errors import TypingError


def sqrt0(a):
    return np.sqrt(a)


def add0(a):
    return a + 1


def expr0(a):
    return np.sqrt(a) * 2 + a


def neg0(a):
    return -a


def cmp0(a):
    return a > 1


@pytest.mark.parametrize("f", [sqrt0, add0, expr0, neg0, cmp0], ids=lambda f: f.__name__)
def test_ufunc_of_a_0d_array_is_a_scalar(f):
    a = np.array(4.0)
    want = f(a)
    got = njit(f)(a)
    assert not isinstance(got, np.ndarray)
    assert got == want


def where0(c):
    return np.where(c, 1.0, 2.0)


def test_where_of_0d_stays_an_array():
    got = njit(where0)(np.array(True))
    assert isinstance(got, np.ndarray) and got.ndim == 0 and got == 1.0


def inplace0(a):
    a += 1
    return a


def test_inplace_on_0d_array_keeps_the_array():
    a = np.array(3.0)
    got = njit(inplace0)(a)
    assert isinstance(got, np.ndarray) and got.ndim == 0 and got == 4.0


def bsub(a, b):
    return a - b


def bneg(a):
    return -a


def test_bool_subtract_and_negative_are_refused():
    b = np.array([True, False])
    with pytest.raises(TypingError, match="subtract booleans"):
        njit(bsub)(b, b)
    with pytest.raises(TypingError, match="boolean array"):
        njit(bneg)(b)


def bfloordiv(a, b):
    return a // b


def bpow(a, b):
    return a**b


def bmod(a, b):
    return a % b


@pytest.mark.parametrize("f", [bfloordiv, bpow, bmod], ids=lambda f: f.__name__)
def test_bool_arithmetic_goes_to_int8(f):
    a = np.array([True, False, True])
    b = np.array([True, True, True])
    with np.errstate(all="ignore"):
        want = f(a, b)
    got = njit(f)(a, b)
    assert got.dtype == want.dtype == np.int8
    np.testing.assert_array_equal(got, want)


def fmod_(a, b):
    return np.fmod(a, b)


def test_np_fmod_of_integers_stays_integer():
    a = np.array([7, -7, 7, -7, 5], dtype=np.int64)
    b = np.array([3, 3, -3, -3, 0], dtype=np.int64)
    with np.errstate(all="ignore"):
        want = fmod_(a, b)
    got = njit(fmod_)(a, b)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    assert njit(fmod_)(7, 0) == 0
    assert njit(fmod_)(-7, 3) == -1
    assert njit(fmod_)(np.int8(-128), np.int8(-1)) == 0


def np_divide(a, b):
    return np.divide(a, b)


def np_floor_divide(a, b):
    return np.floor_divide(a, b)


def np_remainder(a, b):
    return np.remainder(a, b)


@pytest.mark.parametrize("f", [np_divide, np_floor_divide, np_remainder], ids=lambda f: f.__name__)
@pytest.mark.parametrize("args", [(1.0, 0.0), (-1.0, 0.0), (7, 0), (0.0, 0.0)])
def test_numpy_division_functions_do_not_raise(f, args):
    with np.errstate(all="ignore"):
        want = f(np.float64(args[0]) if isinstance(args[0], float) else np.int64(args[0]),
                 np.float64(args[1]) if isinstance(args[1], float) else np.int64(args[1]))
    got = njit(f)(*args)
    assert (got == want) or (np.isnan(want) and np.isnan(got))


def abs_(x):
    return abs(x)


def test_abs_of_narrow_int_keeps_its_width():
    assert njit(abs_)(np.int8(-128)) == -128
    assert njit(abs_)(np.int16(-5)) == 5
    assert njit(abs_)(-(2**62)) == 2**62


def add_imag(a):
    return a + 1j


def test_float32_array_plus_python_complex_is_complex64():
    a = np.array([1.5, 2.0], dtype=np.float32)
    got = njit(add_imag)(a)
    assert got.dtype == add_imag(a).dtype == np.complex64


def ravel_(a):
    return a.ravel()


def contig(a):
    return np.ascontiguousarray(a)


def test_copies_of_read_only_arrays_are_writeable():
    a = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    a.flags.writeable = False
    got = njit(ravel_)(a)
    assert got.flags.writeable == ravel_(a).flags.writeable
    b = np.broadcast_to(np.arange(5.0), (2, 5)).T
    got = njit(contig)(b)
    assert got.flags.writeable and contig(b).flags.writeable
    np.testing.assert_array_equal(got, contig(b))


def part(a):
    return np.partition(a, 0)


def test_partition_of_0d_is_a_clean_error():
    with pytest.raises(TypingError, match="0-d"):
        njit(part)(np.array(3.0))


def ident(x):
    return x


def add(a, b):
    return a + b


def test_eager_narrow_return_wraps_like_numba():
    assert njit("int32(int32, int32)")(add)(2**31 - 1, 1) == -(2**31)
    assert njit("uint8(int64, int64)")(add)(255, 1) == 0


def scale(x):
    return x * 1.1


def test_eager_float32_return_is_rounded():
    got = njit("float32(float64)")(scale)(1.0)
    assert got == float(np.float32(1.1))


def test_eager_float32_parameter_takes_a_python_float():
    assert njit("float32(float32)")(ident)(1.5) == 1.5
    assert njit("float32(float32)")(ident)(0.1) == float(np.float32(0.1))


def test_eager_int_parameter_truncates_a_float():
    assert njit("int32(int32)")(ident)(1.7) == 1
    assert njit("int64(int64)")(ident)(-2.9) == -2


def test_eager_complex_to_real_is_refused():
    with pytest.raises(TypeError, match="No matching definition"):
        njit("float64(float64)")(ident)(1 + 2j)


def test_uint64_arguments_above_int64():
    assert njit("uint64(uint64)")(ident)(2**64 - 1) == 2**64 - 1
    assert njit(ident)(2**63) == 2**63
    with pytest.raises(TypeError, match="does not fit"):
        njit(ident)(2**64)


def reraise(x):
    if x > 0:
        raise
    return x


def test_bare_raise_reraises_the_exception_being_handled():
    f = njit(reraise)
    with pytest.raises(ValueError, match="inner"):
        try:
            raise ValueError("inner")
        except ValueError:
            f(1)
    with pytest.raises(RuntimeError, match="No active exception to reraise"):
        f(1)


def round_n(x, n):
    return round(x, n)


def test_round_with_negative_ndigits_is_correctly_rounded():
    import math
    import random

    f = njit(round_n)
    rng = random.Random(4)
    cases = [(1.93661707109813e147, -147), (25.0, -1), (35.0, -1), (-25.0, -1), (25.000000001, -1),
             (5000.0, -4), (6000.0, -4), (-4.0, -1), (999.0, -3)]
    cases += [(rng.uniform(-1, 1) * 10 ** rng.randint(-5, 300), rng.randint(-310, 5)) for _ in range(3000)]
    for x, n in cases:
        want, got = round(x, n), f(x, n)
        assert want == got and math.copysign(1, want) == math.copysign(1, got), (x, n, want, got)


def store_isqrt(a, i, k, v):
    a[i, math.isqrt(k)] = v


def store_mod(a, i, j, m, v):
    a[i, j % m] = v


def test_every_index_is_evaluated_before_bounds_checks():
    # CPython: the second index's error comes before the first index's IndexError.
    a = np.zeros((3, 3))
    with pytest.raises(ValueError, match="isqrt"):
        njit(boundscheck=True)(store_isqrt)(a, 10, -1, 1.0)
    with pytest.raises(ZeroDivisionError):
        njit(boundscheck=True)(store_mod)(a, 10, 1, 0, 1.0)
    with pytest.raises(IndexError):
        njit(boundscheck=True)(store_mod)(a, 10, 1, 2, 1.0)


def ssorted(a, v):
    return np.searchsorted(a, v)


def ssorted_right(a, v):
    return np.searchsorted(a, v, side="right")


def test_searchsorted_complex_with_nan_parts_follows_numpys_sort_order():
    nan = float("nan")
    a = np.sort(np.array([0j, 1 + 0j, complex(1, nan), complex(nan, 0), complex(nan, nan), 2 + 1j]))
    v = np.array([complex(nan, 0), complex(1, nan), 0j, 1 + 0j, complex(nan, nan), 5 + 0j, complex(0, nan)])
    np.testing.assert_array_equal(njit(ssorted)(a, v), ssorted(a, v))
    np.testing.assert_array_equal(njit(ssorted_right)(a, v), ssorted_right(a, v))


def test_round_of_an_int_is_exact():
    f = njit(round_n)
    for x, n in [(10**17 + 51, -2), (25, -1), (35, -1), (-25, -1), (-26, -1), (7, 3), (2**62 + 1, -5)]:
        assert f(x, n) == round(x, n)
    with pytest.raises(OverflowError):
        f(2**63 - 1, -1)


def where3(c, x, y):
    return np.where(c, x, y)


def test_where_of_scalars_is_a_0d_array():
    got = njit(where3)(True, 1, 2)
    want = where3(True, 1, 2)
    assert isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype == want.dtype and got == want


def test_eager_complex_result_to_a_real_type_is_refused():
    with pytest.raises(TypeError, match="declared return type"):
        njit("float64(complex128)")(ident)


def contig0(a):
    return np.ascontiguousarray(a)


def fortran0(a):
    return np.asfortranarray(a)


def flip0(a):
    return np.flip(a)


def test_zero_d_arrays_in_ascontiguousarray_asfortranarray_flip():
    a = np.array(7.5)
    for f in (contig0, fortran0):
        want, got = f(a), njit(f)(a)
        assert got.shape == want.shape == (1,) and got[0] == 7.5
    got = njit(flip0)(a)
    assert not isinstance(got, np.ndarray) and got == flip0(a)


def gt0(a):
    return a > 0


def gt_ab(a, b):
    return a > b


def le_ab(a, b):
    return a <= b


def test_uint64_above_int64_compares_exactly_with_signed_ints():
    # Found by the 100k fuzz campaign: 2**64-3 > 0 was False (compared as signed).
    a = np.array([2**64 - 3, 5, 0, 2**63], dtype=np.uint64)
    np.testing.assert_array_equal(njit(gt0)(a), gt0(a))
    b = np.array([-1, 5, 1, -(2**63)], dtype=np.int64)
    for f in (gt_ab, le_ab):
        np.testing.assert_array_equal(njit(f)(a, b), f(a, b))
        np.testing.assert_array_equal(njit(f)(b, a), f(b, a))
        assert njit(f)(np.uint64(2**64 - 1), -1) == f(2**64 - 1, -1)
        assert njit(f)(-1, np.uint64(2**64 - 1)) == f(-1, 2**64 - 1)
