"""Wrong answers the 100,000-program fuzz campaigns found (tests/fuzz/campaigns.md), each compared
with what CPython/NumPy give for the same code. Every test failed before its fix."""

import cmath
import math

import numpy as np
import pytest
from oxjit import njit


def same(want, got):
    """Exact equality: values, dtype, shape; NaN equals NaN; the sign of zero counts."""
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray)
        assert want.dtype == got.dtype and want.shape == got.shape, (want, got)
        np.testing.assert_array_equal(want, got, strict=True)
        return
    want = want.item() if isinstance(want, np.generic) else want
    assert type(want) is type(got), (want, got)
    if isinstance(want, complex):
        same(want.real, got.real)
        same(want.imag, got.imag)
    elif isinstance(want, float):
        assert (math.isnan(want) and math.isnan(got)) or (
            want == got and math.copysign(1, want) == math.copysign(1, got)
        ), (want, got)
    else:
        assert want == got


def check(fn, *make):
    args_w = [m() if callable(m) else m for m in make]
    args_g = [m() if callable(m) else m for m in make]
    want = fn(*args_w)
    got = njit(fn)(*args_g)
    if isinstance(want, tuple):
        assert len(want) == len(got)
        for w, g in zip(want, got):
            same(w, g)
    else:
        same(want, got)
    for w, g in zip(args_w, args_g):
        if isinstance(w, np.ndarray):
            same(w, g)


# ---- complex mean: NumPy divides the sum by (n + 0j), so a NaN or inf part spreads --------------

def complex_mean(a):
    return np.mean(a)


def complex_mean_axis(a):
    return np.mean(a, axis=-1)


@pytest.mark.parametrize("dt", [np.complex128, np.complex64])
@pytest.mark.parametrize("n", [2, 8, 9])
def test_complex_mean_with_nan_part(dt, n):
    a = (np.arange(n) - 1j * np.arange(n)).astype(dt)
    a += np.nan  # real parts NaN, imaginary parts finite
    check(complex_mean, a)


def test_complex_mean_with_infinite_part():
    a = np.array([complex(-1.0, 2.0), complex(1.0, math.inf)] * 4)
    check(complex_mean, a)
    check(complex_mean_axis, a.reshape(2, 4))


# ---- result dtypes of boolean arrays -------------------------------------------------------------

def bool_pow2(a):
    return (a * (a == a)) ** 2


def bool_abs(a):
    return np.abs(a == a), abs(a)


def bool_square_conj(a):
    return np.square(a), np.conj(a)


def bool_fmod(a):
    return np.fmod(a, a)


def int8_clip(a):
    return np.clip(a, 0, 1), np.clip(a, 0, 1.5)


BOOLS = np.array([True, False, True])


@pytest.mark.parametrize("fn", [bool_pow2, bool_abs, bool_square_conj])
def test_bool_array_unary_dtypes(fn):
    check(fn, BOOLS.copy)


def test_fmod_of_bool_arrays_is_int8():
    # Was an internal compiler error.
    with np.errstate(all="ignore"):
        check(bool_fmod, np.array([True, True]))


def test_clip_keeps_int8_with_python_bounds():
    check(int8_clip, np.array([-3, 0, 5], dtype=np.int8))


def sign_of_bool(a):
    return np.sign(a)


def test_sign_of_bool_is_refused_as_numpy_does():
    from oxjit.errors import TypingError

    with pytest.raises(TypeError):
        np.sign(BOOLS)
    with pytest.raises(TypingError, match="sign"):
        njit(sign_of_bool)(BOOLS)


# ---- float ufuncs: NumPy's promotion of mixed inputs ---------------------------------------------

def hypot(a, b):
    return np.hypot(a, b)


def arctan2_scalar(a):
    return np.arctan2(a, 1.5)


def sqrt(a):
    return np.sqrt(a)


@pytest.mark.parametrize("da,db", [("float32", "bool"), ("int8", "float32"), ("int16", "int16"),
                                   ("uint16", "float32"), ("float32", "float32"), ("int32", "float32")])
def test_binary_float_ufunc_dtype(da, db):
    a = np.array([1, 0, 3]).astype(da)
    b = np.array([2, 1, 0]).astype(db)
    check(hypot, a, b)


def test_float32_array_with_python_float_stays_float32():
    # The values may differ in the last ulp: NumPy's SIMD arctan2 (docs/semantics.md).
    a = np.array([1.0, -2.0], dtype=np.float32)
    want, got = arctan2_scalar(a), njit(arctan2_scalar)(a)
    assert got.dtype == want.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=4e-7)


@pytest.mark.parametrize("dt", ["int16", "uint16"])
def test_sqrt_of_int16_is_float32(dt):
    check(sqrt, np.array([4, 2, 9], dtype=dt))


# ---- pow: the C library's, never LLVM's rewrite of a constant base ------------------------------

def pow_const_base(x):
    return 8 ** x, 2.0 ** x, 10.0 ** x


@pytest.mark.parametrize("x", [math.sqrt(10.0), 0.1, -3.3, 17.25])
def test_pow_of_constant_base_matches_cpython(x):
    check(pow_const_base, x)


# ---- nested frexp: LLVM 19 folded the outer exponent to the inner one ---------------------------

def nested_frexp(x):
    return math.frexp(math.frexp(x)[0]), math.frexp(math.frexp(x)[0])[1]


@pytest.mark.parametrize("x", [4.0, 0.3, -1e300, 0.0])
def test_nested_frexp(x):
    check(nested_frexp, x)


# ---- int() of uint64 >= 2**63: an error, not a wrapped value -------------------------------------

def int_of_u64(a):
    return int(a[0]), a[0] > 5


def test_int_of_large_uint64_raises():
    a = np.array([2**64 - 14], dtype=np.uint64)
    with pytest.raises(OverflowError, match="64-bit integer"):
        njit(int_of_u64)(a)
    check(int_of_u64, np.array([2**63 - 1], dtype=np.uint64))


# ---- ravel/reshape of a view that is C-contiguous at run time is a view ---------------------------

def ravel_write(a):
    v = a[:, ::-1].ravel()
    v[0] = 99
    return v


def reshape_write(a):
    v = a[1:, :].reshape(2, 2)
    v[0, 0] = 55
    return v


def test_ravel_of_contiguous_view_writes_through():
    check(ravel_write, lambda: np.asfortranarray(np.array([[7], [6], [0], [2]], dtype=np.uint64)))
    check(ravel_write, lambda: np.arange(6.0).reshape(2, 3))  # not contiguous: a copy


def test_reshape_of_contiguous_view_writes_through():
    check(reshape_write, lambda: np.arange(6.0).reshape(3, 2))


# ---- complex64 products: NumPy's unfused loop when a 1-d operand is read backwards --------------

def mul(a, b):
    return a * b


def imul(a, b):
    a *= b


def imul_sum(a, b):
    a *= b * b


RNG = np.random.default_rng(5)
C64 = (RNG.standard_normal(300) + 1j * RNG.standard_normal(300)).astype(np.complex64)
D64 = (RNG.standard_normal(300) + 1j * RNG.standard_normal(300)).astype(np.complex64)


@pytest.mark.parametrize("case", ["rev", "both rev", "rev scalar", "2d cols rev", "contiguous"])
def test_complex64_product_matches_numpy(case):
    a, b = {
        "rev": (C64[::-1], D64),
        "both rev": (C64[::-1], D64[::-1]),
        "rev scalar": (C64[::-1], np.complex64(1.3 - 0.7j)),
        "2d cols rev": (C64.reshape(15, 20)[:, ::-1], D64.reshape(15, 20)),
        "contiguous": (C64, D64),
    }[case]
    check(mul, a, b)


@pytest.mark.parametrize("fn", [imul, imul_sum])
@pytest.mark.parametrize("rev_a,rev_b", [(True, False), (False, True), (True, True)])
def test_complex64_inplace_product_matches_numpy(fn, rev_a, rev_b):
    def ma():
        return C64.copy()[::-1] if rev_a else C64.copy()

    def mb():
        return D64.copy()[::-1] if rev_b else D64.copy()

    check(fn, ma, mb)


def imul_python_scalar(a):
    a[:] *= cmath.log10(2j)


def test_complex64_inplace_times_python_complex():
    check(imul_python_scalar, lambda: C64.copy()[::-1])


# ---- np.maximum/minimum/fmax/fmin of complex values: NumPy's lexicographic order --------------

def cmax(a, b):
    return np.maximum(a, b), np.minimum(a, b), np.fmax(a, b), np.fmin(a, b)


SPECIAL = [0.0, -0.0, 1.0, -1.0, np.nan, np.inf, -np.inf]
CS = np.array([complex(r, i) for r in SPECIAL for i in SPECIAL])


@pytest.mark.parametrize("dt", [np.complex128, np.complex64])
def test_complex_extrema_match_numpy(dt):
    a = np.repeat(CS, len(CS)).astype(dt)
    b = np.tile(CS, len(CS)).astype(dt)
    with np.errstate(all="ignore"):
        check(cmax, a, b)


def test_complex_extrema_of_scalars_and_mixed_kinds():
    check(cmax, complex(1.0, 2.0), complex(1.0, np.nan))
    check(cmax, np.array([1 + 2j, 3 + 0j]), 2.0)


def py_max_complex(a, b):
    return max(a, b)


def test_builtin_max_of_complex_is_still_refused():
    from oxjit.errors import TypingError

    with pytest.raises(TypingError, match="real numbers"):
        njit(py_max_complex)(1j, 2j)


# ---- np.prod of an F-ordered or transposed array multiplies in memory order, as NumPy -----------

def prod_all(a):
    return a.prod(), np.prod(a)


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.complex64, np.complex128])
@pytest.mark.parametrize("view", ["F", "T", "F reversed", "3d F", "C"])
def test_prod_follows_numpy_order(dt, view):
    rng = np.random.default_rng(11)
    base = rng.standard_normal((4, 6, 3)) * 3
    if np.dtype(dt).kind == "c":
        base = base + 1j * rng.standard_normal((4, 6, 3))
    base = base.astype(dt)
    a = {
        "F": np.asfortranarray(base[:, :, 0]),
        "T": base[:, :, 1].T,
        "F reversed": np.asfortranarray(base[:, :, 0])[::-1, ::-1],
        "3d F": np.asfortranarray(base),
        "C": base[:, :, 2].copy(),
    }[view]
    check(prod_all, a)


def test_prod_of_complex_with_an_infinite_part():
    check(prod_all, np.asfortranarray(np.array([[complex(np.inf, 0), 2 + 0j], [1j, 3 + 0j]])))


# ---- comparisons of booleans: LLVM 19 folded `(True >= False) | (True != True)` to False --------

def bool_compare_branch():
    if (True >= False) | (True != True):  # noqa: E712 - the pattern LLVM miscompiled
        return 1
    return 2


def bool_compare_raise(x):
    if (True >= False) | (True != True):  # noqa: E712 - the pattern LLVM miscompiled
        raise ValueError("generated")
    return x


def test_constant_boolean_comparisons():
    assert njit(bool_compare_branch)() == 1
    with pytest.raises(ValueError, match="generated"):
        njit(bool_compare_raise)(3)


def all_bool_pairs(a, b, c, d):
    return (
        ((a >= b) | (c != d)), ((a > b) | (c == d)), ((a <= b) & (c != d)), ((a < b) ^ (c >= d)),
    )


@pytest.mark.parametrize("a,b,c,d", [(x, y, z, w) for x in (True, False) for y in (True, False)
                                     for z in (True, False) for w in (True, False)])
def test_boolean_comparisons_at_run_time(a, b, c, d):
    check(all_bool_pairs, a, b, c, d)


# ---- a one-element in-place complex product: NumPy's reduce loop (unfused) ----------------------

def imul_scalar(x, s):
    x *= s


def imul_slice(x, s):
    x[0:] *= s


@pytest.mark.parametrize("dt", [np.complex128, np.complex64])
@pytest.mark.parametrize("n", [1, 2, 5])
@pytest.mark.parametrize("fn", [imul_scalar, imul_slice])
def test_one_element_inplace_complex_product(dt, n, fn):
    x = (np.arange(1, n + 1) * (1.5 - 1.0j)).astype(dt)
    check(fn, x.copy, complex(1.2984575814159773, -0.6349639147847361))
    check(imul, x.copy, (x * (0.3 + 0.7j)).copy)


def sign(a):
    return np.sign(a)


def test_sign_of_negative_zero_is_positive_zero_as_numpy():
    check(sign, np.array([-0.0, 0.0, -2.0, np.nan, 3.0]))
    check(sign, -0.0)
    check(sign, np.array([-0.0, 1.0], dtype=np.float32))


# ---- an integer array ** k inside a wider expression wraps to the element type first -----------

def pow_in_float_expr(a):
    return a / (a ** 2), 1.0 * (a ** 2), (a ** 3) + 0.5


@pytest.mark.parametrize("dt", [np.int8, np.uint8, np.int16, np.int32])
def test_int_power_wraps_before_the_float_operation(dt):
    with np.errstate(all="ignore"):
        check(pow_in_float_expr, np.array([-13, 100, 3, 7], dtype=np.int64).astype(dt))


def mul_out_self(x, s):
    np.multiply(x, s, out=x)
    return x


def add_out_self_overlap(x):
    np.add(x[:-1], x[1:], out=x[1:])  # overlapping, not identical: buffered as NumPy
    return x


@pytest.mark.parametrize("dt", [np.complex128, np.complex64])
def test_ufunc_out_identical_to_an_input(dt):
    check(mul_out_self, np.array([1.5 - 1j], dtype=dt).copy, complex(1.2984575814159773, -0.6349639147847361))
    check(mul_out_self, np.arange(5, dtype=dt).copy, 0.3 + 0.7j)
    check(add_out_self_overlap, np.arange(6, dtype=dt).copy)
