"""Complex elementary functions, bit for bit.

NumPy's complex ufuncs (``np.exp(z)``, ``np.arcsin(z)``, ...) give the C
library's results in the array's own width: a complex64 array stays complex64
and is computed in single precision. Python's ``cmath`` has its own algorithms
and special values; compiled ``cmath.f(z)`` equals interpreted ``cmath.f(z)``.
"""

import cmath
import math
import random

import numpy as np
import pytest
from oxjit import njit

INF, NAN = math.inf, math.nan
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-300, 1e300, INF, -INF, NAN]


def _values():
    rnd = random.Random(7)
    vals = [complex(a, b) for a in SPECIAL for b in SPECIAL]
    vals += [complex(rnd.uniform(-6, 6), rnd.uniform(-6, 6)) for _ in range(300)]
    vals += [complex(rnd.uniform(-1.2, 1.2), rnd.choice([0.0, -0.0, 1e-9])) for _ in range(60)]
    return vals


VALUES = _values()


def same_float(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def same_complex(a, b):
    return same_float(a.real, b.real) and same_float(a.imag, b.imag)


UFUNCS = ["exp", "log", "log10", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh",
          "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh"]


# Kernels compiled from this file (oxjit reads function source from files).
def k_exp(a):
    return np.exp(a)


def k_log(a):
    return np.log(a)


def k_log10(a):
    return np.log10(a)


def k_sqrt(a):
    return np.sqrt(a)


def k_sin(a):
    return np.sin(a)


def k_cos(a):
    return np.cos(a)


def k_tan(a):
    return np.tan(a)


def k_sinh(a):
    return np.sinh(a)


def k_cosh(a):
    return np.cosh(a)


def k_tanh(a):
    return np.tanh(a)


def k_arcsin(a):
    return np.arcsin(a)


def k_arccos(a):
    return np.arccos(a)


def k_arctan(a):
    return np.arctan(a)


def k_arcsinh(a):
    return np.arcsinh(a)


def k_arccosh(a):
    return np.arccosh(a)


def k_arctanh(a):
    return np.arctanh(a)


def k_expr(a):
    # Fused into one loop with an operator: still computed in the array's width.
    return np.exp(a) * a


KERNELS = {name: globals()[f"k_{name}"] for name in UFUNCS}


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("name", UFUNCS)
def test_numpy_complex_ufunc_is_bit_exact(name, dtype):
    a = np.array(VALUES, dtype=dtype)
    with np.errstate(all="ignore"):
        want = KERNELS[name](a)
        got = njit(KERNELS[name])(a)
    assert got.dtype == want.dtype == dtype
    bad = [(z, w, g) for z, w, g in zip(a.tolist(), want.tolist(), got.tolist()) if not same_complex(w, g)]
    assert not bad, f"{len(bad)} differ, e.g. {bad[:3]}"


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex64_stays_complex64_in_fused_expression(dtype):
    a = np.array(VALUES[:150], dtype=dtype)
    with np.errstate(all="ignore"):
        want = k_expr(a)
        got = njit(k_expr)(a)
    assert got.dtype == want.dtype == dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", ["exp", "sqrt", "tan", "arcsinh"])
def test_numpy_complex_ufunc_of_a_scalar(name):
    f = njit(KERNELS[name])
    for z in VALUES[::7]:
        with np.errstate(all="ignore"):
            want = complex(KERNELS[name](np.complex128(z)))
        assert same_complex(f(z), want), z


def c_sqrt(z):
    return cmath.sqrt(z)


def c_exp(z):
    return cmath.exp(z)


def c_log(z):
    return cmath.log(z)


def c_log10(z):
    return cmath.log10(z)


def c_sin(z):
    return cmath.sin(z)


def c_cos(z):
    return cmath.cos(z)


def c_tan(z):
    return cmath.tan(z)


def c_sinh(z):
    return cmath.sinh(z)


def c_cosh(z):
    return cmath.cosh(z)


def c_tanh(z):
    return cmath.tanh(z)


def c_asin(z):
    return cmath.asin(z)


def c_acos(z):
    return cmath.acos(z)


def c_atan(z):
    return cmath.atan(z)


def c_asinh(z):
    return cmath.asinh(z)


def c_acosh(z):
    return cmath.acosh(z)


def c_atanh(z):
    return cmath.atanh(z)


def c_rect(r, phi):
    return cmath.rect(r, phi)


CMATH = ["sqrt", "exp", "log", "log10", "sin", "cos", "tan", "sinh", "cosh", "tanh",
         "asin", "acos", "atan", "asinh", "acosh", "atanh"]


@pytest.mark.parametrize("name", CMATH)
def test_cmath_is_bit_exact_with_cpython(name):
    py = globals()[f"c_{name}"]
    f = njit(py)
    bad = []
    for z in VALUES:
        try:
            want = py(z)
        except (ValueError, OverflowError):
            continue  # documented: math domain/range errors give the IEEE value
        got = f(z)
        if not same_complex(want, got):
            bad.append((z, want, got))
    assert not bad, f"{len(bad)} differ, e.g. {bad[:3]}"


def test_cmath_rect_special_values():
    f = njit(c_rect)
    for r in SPECIAL:
        for phi in SPECIAL:
            try:
                want = cmath.rect(r, phi)
            except ValueError:
                continue
            got = f(r, phi)
            assert same_complex(want, got), (r, phi, want, got)


# --- NumPy's complex array loops for operators ---------------------------------------

def k_div(a, b):
    return a / b


def k_abs(a):
    return np.abs(a)


def k_rdiv(a):
    return 1.0 / a


def k_pow_int2(a):
    return a**2  # ndarray ** 2 is np.square


def k_pow_float2(a):
    return a**2.0  # np.power: repeated multiplication


def k_pow_int_m1(a):
    return a**-1  # np.reciprocal


def k_pow_float_m1(a):
    return a**-1.0


def k_pow_half(a):
    return a**0.5  # np.sqrt


def k_pow_7(a):
    return a**7


def k_pow_complex(a):
    return a ** (0.5 + 1j)


def k_pow_arrays(a, b):
    return a**b


def k_inplace_pow(a):
    a **= 2
    return a


OPERATOR_KERNELS = [k_div, k_abs, k_rdiv, k_pow_int2, k_pow_float2, k_pow_int_m1, k_pow_float_m1,
                    k_pow_half, k_pow_7, k_pow_complex, k_pow_arrays, k_inplace_pow]


def _same_array(want, got):
    assert got.dtype == want.dtype
    bad = [(w, g) for w, g in zip(want.tolist(), got.tolist()) if not same_complex(complex(w), complex(g))]
    assert not bad, f"{len(bad)} differ, e.g. {bad[:3]}"


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("kernel", OPERATOR_KERNELS, ids=lambda k: k.__name__)
def test_complex_array_operators_match_numpy(kernel, dtype):
    with np.errstate(all="ignore"):
        a = np.array(VALUES, dtype=dtype)
        b = np.array(VALUES[::-1], dtype=dtype)
        args = (a, b)[: kernel.__code__.co_argcount]
        want = kernel(*(x.copy() for x in args))
        got = njit(kernel)(*(x.copy() for x in args))
    _same_array(want, got)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_array_pow_half_is_sqrt(dtype):
    # -0.0 ** 0.5 is -0.0 and -inf ** 0.5 is nan through np.sqrt (pow gives 0.0 and inf).
    a = np.array([-0.0, 0.0, -np.inf, np.inf, np.nan, 2.0, -3.0, 0.1], dtype=dtype)
    with np.errstate(all="ignore"):
        want = k_pow_half(a)
        got = njit(k_pow_half)(a)
    _same_array(want, got)


def test_scalar_complex_division_follows_cpython():
    # Python complex scalars divide as CPython does (not NumPy's array loop).
    f = njit(lambda_free_div)
    for z, w in zip(VALUES[::5], VALUES[1::5]):
        if w == 0:
            continue
        assert same_complex(f(z, w), z / w), (z, w)


def lambda_free_div(z, w):
    return z / w


def k_gamma(x):
    return math.gamma(x)


def k_lgamma(x):
    return math.lgamma(x)


@pytest.mark.parametrize("kernel", [k_gamma, k_lgamma], ids=lambda k: k.__name__)
def test_math_gamma_is_cpythons(kernel):
    # CPython's own Lanczos approximation, not the C library's tgamma/lgamma.
    rnd = random.Random(3)
    f = njit(kernel)
    xs = [rnd.uniform(-180, 180) for _ in range(500)] + [rnd.uniform(-3, 3) for _ in range(500)]
    xs += [math.cos(100.0), 0.5, 1.0, 2.0, 3.0, 23.0, 24.0, 1e-21, -1e-21, 170.5, -0.0, math.inf, math.nan]
    for x in xs:
        try:
            want = kernel(x)
        except (ValueError, OverflowError):
            continue
        got = f(x)
        assert same_float(want, got), (x, want, got)
