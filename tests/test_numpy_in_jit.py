"""NumPy inside @njit code, differential against NumPy itself (each kernel's
``py_func`` is the reference): array expressions with broadcasting, in-place
operators, element-wise math functions, reductions with and without ``axis=``
on C/F/strided/empty inputs, cumulative functions and statistics, creation and
manipulation functions, boolean-mask and index-array indexing, errors raised
with NumPy's exception types, and np.random's legacy streams."""

from __future__ import annotations

import warnings

import numpy as np
import oxjit
import pytest
from conftest import outcome
from oxjit import njit

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def sample(shape, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    dt = np.dtype(dtype)
    if dt.kind == "b":
        v = rng.integers(0, 2, n).astype(bool)
    elif dt.kind == "u":
        v = rng.integers(0, 50, n)
    elif dt.kind == "i":
        v = rng.integers(-50, 50, n)
    elif dt.kind == "f":
        v = np.round(rng.standard_normal(n) * 10, 2)
    else:
        v = np.round(rng.standard_normal(n) * 10, 2) + 1j * np.round(rng.standard_normal(n), 2)
    return np.asarray(v).astype(dt).reshape(shape)


def clone(a: np.ndarray) -> np.ndarray:
    """An independent copy with exactly the same strides (C, F, strided and
    negative-stride views stay what they are; ``a.copy()`` would make them C)."""
    if a.size == 0 or a.ndim == 0:
        return a.copy()
    isz = a.itemsize
    lo = sum((n - 1) * s for n, s in zip(a.shape, a.strides) if s < 0)
    hi = sum((n - 1) * s for n, s in zip(a.shape, a.strides) if s > 0)
    buf = np.empty((hi - lo) // isz + 1, dtype=a.dtype)
    out = np.ndarray(a.shape, a.dtype, buffer=buf, offset=-lo, strides=a.strides)
    out[...] = a
    assert out.strides == a.strides
    return out


def _copy_args(args):
    return [clone(a) if isinstance(a, np.ndarray) else a for a in args]


_PY_KIND = {"b": bool, "i": int, "u": int, "f": float, "c": complex}


def _same(got, want, close, rtol, atol, path="result"):
    """Arrays: same dtype, shape and values. NumPy scalars: compiled code returns
    the Python number of the same kind (the exact dtype is checked against the
    compiled signature by ``check``)."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), f"{path}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            _same(g, w, close, rtol, atol, f"{path}[{i}]")
        return
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray), f"{path}: got {got!r}, NumPy gave array {want!r}"
        assert got.dtype == want.dtype, f"{path}: dtype {got.dtype} != NumPy's {want.dtype}"
        assert got.shape == want.shape, f"{path}: shape {got.shape} != NumPy's {want.shape}"
        if close and want.dtype.kind in "fc":
            assert np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True), f"{path}: {got!r} vs {want!r}"
        else:
            assert np.array_equal(got, want, equal_nan=want.dtype.kind in "fc"), f"{path}: {got!r} vs {want!r}"
        return
    if isinstance(want, np.generic):
        kind = want.dtype.kind
        assert type(got) is _PY_KIND[kind], f"{path}: {got!r} ({type(got).__name__}) vs NumPy's {want!r}"
        want = want.item()
    assert type(got) is type(want), f"{path}: {got!r} ({type(got).__name__}) vs {want!r} ({type(want).__name__})"
    if isinstance(want, (float, complex)):
        if close:
            assert np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True), f"{path}: {got!r} vs {want!r}"
        else:
            assert np.array_equal(np.asarray(got), np.asarray(want), equal_nan=True), f"{path}: {got!r} vs {want!r}"
    else:
        assert got == want, f"{path}: {got!r} vs {want!r}"


def return_type(f, args) -> str:
    """The compiled return type of ``f`` for these arguments."""
    types = tuple(str(oxjit.typeof(a)) for a in args)
    for sig in f.nopython_signatures:
        if tuple(str(t) for t in sig.args) == types:
            return str(sig.return_type)
    raise AssertionError(f"no compiled signature of {f} for {types}")


def check(f, *args, close=False, rtol=1e-12, atol=0.0, mutated=False):
    """Run ``f`` and ``f.py_func`` on copies of the arguments and require the
    same result (dtype, shape and values of arrays; NumPy scalars by the compiled
    return type and value), or the same exception type. With ``mutated=True``
    the argument arrays must also end up equal."""
    ga, wa = _copy_args(args), _copy_args(args)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            want = outcome(f.py_func, *wa)
            got = outcome(f, *ga)
    if want[0] == "raise":
        assert got[0] == "raise", f"expected {want[1].__name__}{want[2]}, got {got[1]!r}"
        assert issubclass(got[1], want[1]), f"raised {got[1].__name__}{got[2]}, NumPy raised {want[1].__name__}{want[2]}"
        return got
    assert got[0] == "ok", f"raised {got[1].__name__}: {got[2]}; NumPy returned {want[1]!r}"
    _same(got[1], want[1], close, rtol, atol)
    if isinstance(want[1], np.generic):
        rt = return_type(f, args)
        assert rt == want[1].dtype.name, f"return type {rt}, NumPy's {want[1].dtype.name}"
    if mutated:
        for i, (g, w) in enumerate(zip(ga, wa)):
            if isinstance(w, np.ndarray):
                _same(g, w, close, rtol, atol, f"argument {i}")
    return got[1]


def layouts2d(dtype=np.float64, shape=(4, 6), seed=0):
    base = sample((shape[0] * 2, shape[1] * 2), dtype, seed)
    return {
        "C": np.ascontiguousarray(base[: shape[0], : shape[1]]),
        "F": np.asfortranarray(base[: shape[0], : shape[1]]),
        "strided": base[::2, ::2],
        "negative": base[::-2, ::-2],
        "transposed": np.ascontiguousarray(base[: shape[1], : shape[0]]).T,
    }


LAYOUT_NAMES = ["C", "F", "strided", "negative", "transposed"]

# ---------------------------------------------------------------------------
# Array expressions
# ---------------------------------------------------------------------------


@njit
def ex_axpy(a, b):
    return a * b + 1.0


@njit
def ex_hypot(a, b):
    return np.sqrt(a * a + b * b)


@njit
def ex_poly(a, b):
    return (a - b) * (a + 2) / (1.0 + b * b) - a**2


@njit
def ex_newaxis(a, b):
    return a[:, np.newaxis] * b


@njit
def ex_none_both(a, b):
    return a[:, None] - b[None, :]


@njit
def ex_newaxis_3d(a, b):
    return a[:, None, :] + b[None, :, :]


@njit
def ex_neg_abs(a):
    return -np.abs(a) + a


@njit
def ex_int_ops(a, b):
    return (a // 3 + b % 5) * 2 - (a << 1) + (b & 7) - (a | 1) + (b ^ 3)


@njit
def ex_floordiv_mod_float(a, b):
    return a // b, a % b


@njit
def ex_pow(a, b):
    return a**b


@njit
def ex_truediv_int(a, b):
    return a / b


@njit
def ex_compare(a, b):
    return a > b, a <= b, a == b, a != 0


@njit
def ex_bool_logic(a, b):
    return (a > 0) & (b < 1), (a > 0) | (b < 1), ~(a > 0), (a > 0) ^ (b > 0)


@njit
def ex_where(c, a, b):
    return np.where(c, a, b)


@njit
def ex_where_scalar(a):
    return np.where(a > 0, a, 0.0)


@njit
def ex_where_cond_expr(a, b):
    return np.where(a > b, a - b, b * 2)


@njit
def ex_maximum_minimum(a, b):
    return np.maximum(a, 0.0), np.minimum(a, b), np.maximum(a, b)


@njit
def ex_fmax_fmin(a, b):
    return np.fmax(a, b), np.fmin(a, b), np.fmax(a, 0.0)


@njit
def ex_scalar_on_left(a):
    return 2.0 - a, 3 * a, 1.0 / (a + 100.0)


@njit
def ex_mixed(a, b):
    return a + b


@njit
def ex_mixed_mul(a, b):
    return a * b


@njit
def ex_array_times_pyfloat(a):
    return a * 2.5


@njit
def ex_array_plus_pyint(a):
    return a + 3


@njit
def ex_nested_math(a, b):
    return np.exp(-a * a) * np.cos(b) + np.log1p(np.abs(a)) - np.arctan2(a, b)


@njit
def ex_0d_result(a):
    return a[0] * 2.0 + a[1]


@njit
def ex_complex(a, b):
    return a * b + np.conj(a) - 1j * b


@njit
def ex_broadcast_error(a, b):
    return a + b


@njit
def ex_assign_expr_into_slice(a, b):
    a[1:-1] = b[1:-1] * 2 + a[:-2]
    return a


EXPR_SHAPES = [
    ((5,), (5,)),
    ((5,), ()),
    ((3, 1), (4,)),
    ((3, 1), (1, 4)),
    ((2, 3, 4), (4,)),
    ((2, 1, 4), (3, 1)),
    ((0,), (1,)),
    ((0, 3), (3,)),
    ((1, 1), (2, 5)),
]


@pytest.mark.parametrize("sa, sb", EXPR_SHAPES, ids=[f"{a}x{b}" for a, b in EXPR_SHAPES])
@pytest.mark.parametrize("f", [ex_axpy, ex_hypot, ex_poly, ex_nested_math], ids=lambda f: f.__name__)
def test_array_expression_broadcasting(f, sa, sb):
    a = sample(sa, seed=1)
    b = sample(sb, seed=2)
    check(f, a, b, close=f is ex_nested_math)


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_array_expression_layouts(name):
    a = layouts2d()[name]
    b = layouts2d(seed=5)[name]
    check(ex_axpy, a, b)
    check(ex_poly, a, b)
    check(ex_poly, a, b[0])
    check(ex_poly, a, np.asfortranarray(b))


def test_newaxis_outer():
    a, b = sample((4,), seed=1), sample((5,), seed=2)
    check(ex_newaxis, a, b)
    check(ex_none_both, a, b)
    check(ex_newaxis, a[::-2], b[1::2])
    check(ex_newaxis_3d, sample((2, 4)), sample((3, 4)))




@pytest.mark.parametrize("dtype", [np.int64, pytest.param(np.int32, id="int32"),
                                   pytest.param(np.uint8, id="uint8"), np.float32, np.float64,
                                   np.complex128])
def test_unary_expression_dtypes(dtype):
    check(ex_neg_abs, sample((3, 4), dtype), close=np.dtype(dtype).kind == "c", rtol=1e-15, atol=1e-13)


@njit
def k_np_abs(a):
    return np.abs(a)


@njit
def k_negative(a):
    return -a


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32, np.float32])
def test_negative_keeps_dtype(dtype):
    check(k_negative, sample((5,), dtype))


def test_np_abs_keeps_small_int_dtype():
    assert k_np_abs(np.array([-1, 2], dtype=np.int32)).dtype == np.int32


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint32])
def test_integer_operators_on_arrays(dtype):
    a = np.abs(sample((3, 5), dtype, seed=1)).astype(dtype) + 1
    b = np.abs(sample((5,), dtype, seed=2)).astype(dtype) + 1
    check(ex_int_ops, a, b)


def test_float_floordiv_mod_arrays():
    a = sample((10,), seed=1)
    b = sample((10,), seed=2)
    check(ex_floordiv_mod_float, a, b)
    check(ex_floordiv_mod_float, np.array([7.0, -7.0, 0.5, -0.5]), np.array([2.0, 2.0, -0.25, 0.25]))


def test_float_mod_by_zero_arrays():
    check(ex_floordiv_mod_float, np.array([1.0, -1.0, 0.0]), np.array([1.0, 1.0, 1.0]))
    r = ex_floordiv_mod_float(np.array([1.0, -1.0, 0.0]), np.zeros(3))
    assert np.all(np.isnan(r[1]))  # NumPy: nan


def test_float_floordiv_by_zero_arrays():
    check(ex_floordiv_mod_float, np.array([1.0, -1.0, 0.0, 2.5]), np.array([0.0, 0.0, 0.0, -0.0]))


def test_power_arrays():
    a = np.abs(sample((6,), seed=1)) + 0.5
    check(ex_pow, a, sample((6,), seed=2) / 10)
    check(ex_pow, a, 2.0)
    check(ex_pow, np.arange(6), np.arange(6)[::-1])


def test_int_true_division_arrays():
    check(ex_truediv_int, np.arange(-4, 5), np.array([2, 3, -2, 1, 7, 2, 3, -3, 4]))
    check(ex_truediv_int, np.arange(-4, 5), 4)


@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.float32, np.bool_])
def test_comparisons(dtype):
    a = sample((4, 5), dtype, seed=1)
    b = sample((5,), dtype, seed=2)
    a[0, :] = b  # some equal elements
    check(ex_compare, a, b)


def test_comparisons_with_nan():
    a = np.array([1.0, np.nan, 3.0, -np.inf, 0.0])
    b = np.array([np.nan, np.nan, 3.0, np.inf, -0.0])
    check(ex_compare, a, b)


def test_bool_array_logic():
    check(ex_bool_logic, sample((3, 4), seed=1), sample((4,), seed=2))


@pytest.mark.parametrize("shapes", [((6,), (6,), (6,)), ((3, 1), (4,), ()), ((2, 3), (3,), (2, 1))],
                         ids=["same", "bcast", "bcast2"])
def test_where(shapes):
    c = sample(shapes[0], np.bool_, seed=1)
    a = sample(shapes[1], seed=2)
    b = sample(shapes[2], seed=3)
    check(ex_where, c, a, b)


def test_where_mixed_dtypes():
    c = sample((5,), np.bool_)
    check(ex_where, c, np.arange(5), np.arange(5) * 0.5)
    check(ex_where, c, np.arange(5, dtype=np.int32), np.arange(5, dtype=np.int64))
    check(ex_where_scalar, sample((3, 4)))
    check(ex_where_cond_expr, sample((3, 4)), sample((4,), seed=4))


def test_maximum_minimum_with_nan():
    a = np.array([1.0, np.nan, -2.0, 5.0, np.nan, 0.0, -0.0])
    b = np.array([np.nan, 2.0, -3.0, 7.0, np.nan, -0.0, 0.0])
    check(ex_maximum_minimum, a, b)
    check(ex_maximum_minimum, sample((3, 4)), sample((4,), seed=3))
    check(ex_maximum_minimum, sample((3, 4), np.int64), sample((4,), np.int64, seed=3))


def test_fmax_fmin_without_nan():
    check(ex_fmax_fmin, sample((3, 4)), sample((4,), seed=3))


def test_fmax_fmin_ignore_nan():
    check(ex_fmax_fmin, np.array([1.0, np.nan, np.nan]), np.array([np.nan, 2.0, np.nan]))


def test_scalar_on_the_left():
    check(ex_scalar_on_left, sample((2, 3)))


MIXED = [
    (np.int32, np.int64), (np.int64, np.float64), (np.float32, np.float64), (np.int64, np.float32),
    (np.int8, np.uint8), (np.bool_, np.int64), (np.int32, np.float32), (np.uint64, np.int64),
    (np.float64, np.complex128), (np.float32, np.complex64), (np.int16, np.int32),
]


@pytest.mark.parametrize("da, db", MIXED, ids=[f"{np.dtype(a).name}+{np.dtype(b).name}" for a, b in MIXED])
def test_promotion_of_arrays_like_numpy(da, db):
    a = sample((5,), da, seed=1)
    b = sample((5,), db, seed=2)
    check(ex_mixed, a, b)
    check(ex_mixed_mul, a, b)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int8, np.uint8, np.float64, np.int64, np.complex64])
def test_array_with_python_scalar_dtype(dtype):
    """NumPy 2: Python scalars are weak, the array's dtype wins where the value fits."""
    a = sample((5,), dtype)
    if np.dtype(dtype).kind != "c":
        a = np.abs(a).astype(dtype)
    check(ex_array_times_pyfloat, a)
    check(ex_array_plus_pyint, a)


def test_complex_expression():
    a = sample((6,), np.complex128, seed=1)
    b = sample((6,), np.complex128, seed=2)
    check(ex_complex, a, b, close=True, rtol=1e-15)


def test_expression_to_scalar():
    r = check(ex_0d_result, np.array([1.5, 2.0]))
    assert r == 5.0


def test_broadcast_mismatch_raises_value_error():
    with pytest.raises(ValueError) as ei:
        ex_broadcast_error(np.ones(3), np.ones(4))
    assert str(ei.value).startswith("operands could not be broadcast together")
    with pytest.raises(ValueError) as ei:
        ex_broadcast_error(np.ones((2, 3)), np.ones((3, 2)))
    assert str(ei.value).startswith("operands could not be broadcast together")


def test_broadcast_mismatch_message_exact():
    with pytest.raises(ValueError) as got:
        ex_broadcast_error(np.ones(3), np.ones(4))
    with pytest.raises(ValueError) as want:
        ex_broadcast_error.py_func(np.ones(3), np.ones(4))
    assert str(got.value) == str(want.value)


def test_assign_expression_into_overlapping_slice():
    a = sample((8,), seed=1)
    b = sample((8,), seed=2)
    check(ex_assign_expr_into_slice, a, b, mutated=True)


# ---------------------------------------------------------------------------
# In-place operators
# ---------------------------------------------------------------------------


@njit
def ip_add(a, b):
    a += b
    return a


@njit
def ip_ops(a, b):
    a -= b
    a *= 2
    a /= 4.0
    return a


@njit
def ip_slice(a):
    a[1:-1] *= 2
    a[::2] += 1.0
    a[-1:] -= 100
    return a


@njit
def ip_2d_slices(a, b):
    a[:, 1] += b
    a[1:, :] *= 3.0
    a[::2, ::-1] -= 1.0
    return a


@njit
def ip_self_overlap(a):
    a[1:] += a[:-1]
    return a


@njit
def ip_int(a, b):
    a //= 2
    a %= 7
    a += b
    a <<= 1
    a |= 1
    return a


@njit
def ip_broadcast_error(a, b):
    a += b
    return a


def test_inplace_add_same_and_broadcast():
    check(ip_add, sample((3, 4)), sample((3, 4), seed=1), mutated=True)
    check(ip_add, sample((3, 4)), sample((4,), seed=1), mutated=True)
    check(ip_add, sample((3, 4)), 2.5, mutated=True)
    check(ip_add, sample((3, 4), np.int64), sample((3, 1), np.int64, 1), mutated=True)


def test_inplace_returns_same_array():
    a = sample((5,))
    r = ip_add(a, 1.0)
    assert r is a or r.base is a or np.shares_memory(r, a)
    assert np.array_equal(a, r)


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_inplace_on_layouts(name):
    a = layouts2d()[name]
    check(ip_ops, a, sample((6,), seed=3), mutated=True)
    check(ip_2d_slices, layouts2d()[name], sample((4,), seed=3), mutated=True)


def test_inplace_slices():
    check(ip_slice, sample((9,)), mutated=True)
    check(ip_slice, sample((2,)), mutated=True)


def test_inplace_self_overlap_like_numpy():
    check(ip_self_overlap, np.arange(8.0), mutated=True)


def test_inplace_int_ops():
    check(ip_int, sample((6,), np.int64), sample((6,), np.int64, 1), mutated=True)


def test_inplace_int_array_plus_float_raises_type_error():
    # NumPy: UFuncTypeError "Cannot cast ufunc 'add' output from dtype('float64') to dtype('int64')";
    # oxjit refuses it at compile time (TypingError, also a TypeError)
    with pytest.raises(TypeError):
        ip_add.py_func(np.arange(4), np.ones(4) * 0.5)
    with pytest.raises(TypeError):
        ip_add(np.arange(4), np.ones(4) * 0.5)


def test_inplace_broadcast_error():
    check(ip_broadcast_error, np.ones((3, 4)), np.ones(3))  # ValueError


def test_inplace_output_would_grow_raises_value_error():
    check(ip_broadcast_error, np.ones(3), np.ones((2, 3)))


# ---------------------------------------------------------------------------
# Element-wise NumPy math functions on arrays
# ---------------------------------------------------------------------------


def _unary(fn):
    @njit
    def k(a):
        return fn(a)

    k.__name__ = k.py_func.__name__ = f"unary_{fn.__name__}"
    return k


def _binary(fn):
    @njit
    def k(a, b):
        return fn(a, b)

    k.__name__ = k.py_func.__name__ = f"binary_{fn.__name__}"
    return k


UNARY = [np.sqrt, np.exp, np.log, np.log10, np.log2, np.log1p, np.expm1, np.exp2, np.sin, np.cos,
         np.tan, np.arcsin, np.arccos, np.arctan, np.sinh, np.cosh, np.tanh, np.arcsinh, np.arccosh,
         np.arctanh, np.deg2rad, np.rad2deg, np.degrees, np.radians, np.cbrt, np.floor, np.ceil,
         np.trunc, np.fix, np.rint, np.abs, np.absolute, np.fabs, np.sign, np.square, np.isnan, np.isinf,
         np.isfinite, np.round, np.around, np.conj, np.conjugate]
UNARY_KERNELS = {fn.__name__: _unary(fn) for fn in UNARY}
BINARY = [np.arctan2, np.hypot, np.copysign, np.fmod, np.power]
BINARY_KERNELS = {fn.__name__: _binary(fn) for fn in BINARY}
# np.maximum & co. called directly (and through a variable in test_np_maximum_through_a_variable)


@njit
def b_maximum(a, b):
    return np.maximum(a, b)


@njit
def b_minimum(a, b):
    return np.minimum(a, b)


@njit
def b_fmax(a, b):
    return np.fmax(a, b)


@njit
def b_fmin(a, b):
    return np.fmin(a, b)


BINARY_KERNELS.update(maximum=b_maximum, minimum=b_minimum, fmax=b_fmax, fmin=b_fmin)

_np_maximum_alias = np.maximum


@njit
def b_maximum_alias(a, b):
    return _np_maximum_alias(a, b)


def test_np_maximum_through_a_variable():
    check(b_maximum_alias, np.array([1.0, 5.0, np.nan]), np.array([3.0, 2.0, 1.0]))

_EXACT = {"sqrt", "floor", "ceil", "trunc", "fix", "rint", "abs", "absolute", "fabs", "sign", "square", "isnan",
          "isinf", "isfinite", "round", "around", "conj", "conjugate", "maximum", "minimum", "fmax", "fmin", "copysign", "fmod"}


def _math_input(name, dtype):
    x = np.array([-3.7, -1.0, -0.5, -0.0, 0.0, 0.3, 0.5, 1.0, 2.5, 7.25, np.nan, np.inf, -np.inf])
    if name in ("arccosh",):
        x = np.abs(x) + 1.0
    if np.dtype(dtype).kind in "iu":
        x = np.array([-7, -3, -1, 0, 1, 2, 5, 9])
        if np.dtype(dtype).kind == "u":
            x = np.abs(x)
    return x.astype(dtype)


@pytest.mark.parametrize("name", list(UNARY_KERNELS))
def test_unary_math_float64_arrays(name):
    k = UNARY_KERNELS[name]
    x = _math_input(name, np.float64)
    check(k, x, close=name not in _EXACT, rtol=1e-14, atol=1e-300)
    check(k, x.reshape(13, 1)[::-2], close=name not in _EXACT, rtol=1e-14, atol=1e-300)



@pytest.mark.parametrize("name", [pytest.param(n, id=n) if n in ("floor", "ceil", "trunc", "fix") else n
                                  for n in UNARY_KERNELS if n not in ("conj", "conjugate")])
def test_unary_math_int_arrays(name):
    """Integer arrays: float functions promote to float64, the others keep ints."""
    k = UNARY_KERNELS[name]
    check(k, _math_input(name, np.int64).reshape(2, 4), close=name not in _EXACT, rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("name", list(UNARY_KERNELS))
def test_unary_math_float32_arrays(name):
    k = UNARY_KERNELS[name]
    check(k, _math_input(name, np.float32), close=name not in _EXACT, rtol=2e-6, atol=1e-30)


_COMPLEX_UFUNC = "NumPy math functions of complex values (scalars and arrays) are not supported: no implementation for (complex128)"


@pytest.mark.parametrize("name", [n if n in ("absolute", "conjugate") else pytest.param(n, id=n)
                                  for n in ["sqrt", "exp", "log", "sin", "cos", "absolute", "conjugate", "square",
                                            "isnan", "isfinite", "tanh"]])
def test_unary_math_complex_arrays(name):
    k = UNARY_KERNELS[name]
    z = np.array([1 + 2j, -0.5 + 0.25j, 3 - 1j, 0j, -2 - 0.5j])
    check(k, z, close=True, rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("name", list(BINARY_KERNELS))
def test_binary_math_arrays(name):
    k = BINARY_KERNELS[name]
    a = np.array([-3.5, -1.0, 0.0, -0.0, 0.5, 2.0, 7.0, np.nan, np.inf, 4.0])
    b = np.array([2.0, -0.0, 3.0, 1.0, -2.5, 0.5, np.inf, 1.0, 2.0, np.nan])
    check(k, a, b, close=name not in _EXACT, rtol=1e-14)
    check(k, a.reshape(2, 5), b[:5], close=name not in _EXACT, rtol=1e-14)
    check(k, a, 1.5, close=name not in _EXACT, rtol=1e-14)


def test_binary_math_int_arrays():
    a = np.array([3, -4, 5, 0, 7])
    b = np.array([2, 3, -1, 4, 2])
    for name in ["maximum", "minimum", "fmax", "fmin", "copysign", "arctan2", "hypot"]:
        check(BINARY_KERNELS[name], a, b, close=True, rtol=1e-14)
    check(BINARY_KERNELS["power"], a, np.abs(b))


@njit
def round_decimals(a):
    return np.round(a, 2), np.round(a, -1), np.around(a, 1)


@njit
def round_int_positive(a):
    return np.round(a), np.round(a, 2)


def test_round_decimals_arrays():
    check(round_decimals, np.array([1.234, -2.675, 0.125, 15.0, 25.0, -35.5, np.nan]))
    check(round_int_positive, np.array([14, 15, 25, -35]))


def test_round_int_negative_decimals():
    check(round_decimals, np.array([14, 15, 25, -35]))


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------

REDUCTIONS = ["sum", "prod", "min", "max", "mean", "var", "std", "argmin", "argmax", "any", "all", "count_nonzero"]
ARG_FLOAT_EXACT = {"min", "max", "argmin", "argmax", "any", "all", "count_nonzero"}


def _reduce_fn(name, axis):
    fn = getattr(np, name)
    if axis is None:

        @njit
        def k(a):
            return fn(a)
    else:

        @njit
        def k(a):
            return fn(a, axis=axis)

    k.__name__ = k.py_func.__name__ = f"np_{name}_axis{axis}"
    return k


def _reduce_method(name, axis):
    if axis is None:
        src = {
            "sum": lambda a: a.sum(), "prod": lambda a: a.prod(), "min": lambda a: a.min(),
            "max": lambda a: a.max(), "mean": lambda a: a.mean(), "var": lambda a: a.var(),
            "std": lambda a: a.std(), "argmin": lambda a: a.argmin(), "argmax": lambda a: a.argmax(),
            "any": lambda a: a.any(), "all": lambda a: a.all(),
        }
    elif axis == 0:
        src = {
            "sum": lambda a: a.sum(axis=0), "prod": lambda a: a.prod(axis=0), "min": lambda a: a.min(axis=0),
            "max": lambda a: a.max(axis=0), "mean": lambda a: a.mean(axis=0), "var": lambda a: a.var(axis=0),
            "std": lambda a: a.std(axis=0), "argmin": lambda a: a.argmin(axis=0),
            "argmax": lambda a: a.argmax(axis=0), "any": lambda a: a.any(axis=0), "all": lambda a: a.all(axis=0),
        }
    else:
        src = {
            "sum": lambda a: a.sum(axis=-1), "prod": lambda a: a.prod(axis=-1), "min": lambda a: a.min(axis=-1),
            "max": lambda a: a.max(axis=-1), "mean": lambda a: a.mean(axis=-1), "var": lambda a: a.var(axis=-1),
            "std": lambda a: a.std(axis=-1), "argmin": lambda a: a.argmin(axis=-1),
            "argmax": lambda a: a.argmax(axis=-1), "any": lambda a: a.any(axis=-1), "all": lambda a: a.all(axis=-1),
        }
    return njit(src[name])


AXES = [None, 0, 1, -1, 2, -2, -3]
_K = {(n, ax): _reduce_fn(n, ax) for n in REDUCTIONS for ax in AXES}
_M = {(n, ax): _reduce_method(n, ax) for n in REDUCTIONS if n != "count_nonzero" for ax in (None, 0, -1)}



def _rcheck(k, name, a):
    # float sums may differ from NumPy's pairwise summation in the last bits
    close = name not in ARG_FLOAT_EXACT
    rtol = 1e-5 if a.dtype in (np.float32, np.complex64) else 1e-12
    return check(k, a, close=close, rtol=rtol, atol=1e-12)


def _red_params():
    return [pytest.param(n, ax, id=f"{n}-axis{ax}") for n in REDUCTIONS for ax in AXES]


@pytest.mark.parametrize("name, axis", [p for p in _red_params() if p.values[1] != -2])
def test_reduction_3d_axes_float(name, axis):
    a = sample((3, 4, 5), seed=7)
    _rcheck(_K[name, axis], name, a)
    # C, F and strided
    _rcheck(_K[name, axis], name, np.asfortranarray(a))
    _rcheck(_K[name, axis], name, sample((6, 8, 10), seed=8)[::2, ::-2, 1::2])


@pytest.mark.parametrize("name, axis", [p for p in _red_params() if p.values[1] in (None, 0, -1)])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_, np.float32, np.complex128])
def test_reduction_2d_dtypes(name, axis, dtype):
    if np.dtype(dtype).kind == "c" and name in ("min", "max", "argmin", "argmax"):
        pytest.skip("complex ordering not part of this test")
    a = sample((5, 6), dtype, seed=3)
    # every layout for one integer dtype (floats get them in the 3-D test), C for the others
    lays = (a, np.asfortranarray(a), a[::-1, ::2]) if dtype is np.int64 else (a,)
    for lay in lays:
        _rcheck(_K[name, axis], name, lay)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_2d_negative_axis(name):
    a = sample((5, 6), np.int64, seed=11)
    _rcheck(_K[name, -2], name, a)
    _rcheck(_K[name, -2], name, a.T)


@pytest.mark.parametrize("name, axis", [p for p in _red_params() if p.values[1] in (None, 0, -1)])
def test_reduction_1d(name, axis):
    a = sample((11,), seed=4)
    _rcheck(_K[name, axis], name, a)
    _rcheck(_K[name, axis], name, a[::-3])


def _meth_params():
    return [pytest.param(n, ax, id=f"{n}-axis{ax}") for (n, ax) in _M]


@pytest.mark.parametrize("name, axis", _meth_params())
def test_reduction_methods(name, axis):
    a = sample((4, 5), seed=9)
    for lay in (a, a[::-1, ::2]):
        _rcheck(_M[name, axis], name, lay)


def test_argmin_argmax_ties_and_nan():
    a = np.array([[3.0, 1.0, 1.0], [np.nan, 0.0, 5.0], [2.0, 2.0, 2.0]])
    for name in ("argmin", "argmax"):
        check(_K[name, None], a)
        check(_K[name, None], a[[0, 2]])


def test_argmin_argmax_axis_small():
    a = np.array([[0.0, 5.0, 2.0], [3.0, 1.0, 2.0]])
    assert np.array_equal(_K["argmax", 0](a), np.array([1, 0, 0]))
    assert np.array_equal(_K["argmin", 0](a), np.array([0, 1, 0]))
    assert np.array_equal(_K["argmax", 1](a), np.array([1, 0]))
    assert np.array_equal(_K["argmin", -1](a), np.array([0, 1]))


def test_reductions_with_nan():
    a = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]])
    for name in ("sum", "prod", "min", "max", "mean", "var", "std", "argmin", "argmax", "any", "all",
                 "count_nonzero"):
        check(_K[name, None], a)
        check(_K[name, 0], a)
        check(_K[name, 1], a)


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("shape, axis", [((0,), None), ((0,), 0), ((0, 3), None), ((0, 3), 0), ((0, 3), 1),
                                         ((3, 0), 1), ((3, 0), 0)])
def test_reduction_empty_arrays(name, shape, axis):
    check(_K[name, axis], np.zeros(shape))


@pytest.mark.parametrize("name", ["sum", "mean", "argmin"])
def test_reduction_axis_out_of_range(name):
    # np.exceptions.AxisError (a ValueError and an IndexError), raised when the call runs
    check(_K[name, 2], np.ones((2, 3)))
    check(_K[name, -3], np.ones((2, 3)))


def test_reduction_int_types_like_numpy():
    """sum/prod of small ints give int64 (NumPy's default), mean gives float64."""
    a = np.arange(1, 13, dtype=np.int8).reshape(3, 4)
    for name in ("sum", "prod", "mean", "min", "max", "var"):
        check(_K[name, None], a)
        check(_K[name, 0], a)
    b = np.arange(1, 13, dtype=np.uint32).reshape(3, 4)
    check(_K["sum", None], b)
    check(_K["sum", 1], b)


# ---------------------------------------------------------------------------
# Cumulative functions, statistics
# ---------------------------------------------------------------------------


@njit
def k_cumsum(a):
    return np.cumsum(a)


@njit
def k_cumprod(a):
    return np.cumprod(a)


@njit
def k_cum_methods(a):
    return a.cumsum(), a.cumprod()


@njit
def k_diff(a):
    return np.diff(a)


@njit
def k_bincount(a):
    return np.bincount(a)


@njit
def k_bincount_min(a, m):
    return np.bincount(a, minlength=m)


@njit
def k_median(a):
    return np.median(a)


@njit
def k_percentile(a, q):
    return np.percentile(a, q)


@njit
def k_quantile(a, q):
    return np.quantile(a, q)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_, np.float32, np.float64, np.complex128])
def test_cumsum_cumprod_dtypes(dtype):
    a = sample((3, 4), dtype)
    if np.dtype(dtype).kind in "fc":
        a = a / 10
    check(k_cumsum, a, close=True, rtol=1e-6 if dtype == np.float32 else 1e-13)
    check(k_cumprod, a, close=True, rtol=1e-6 if dtype == np.float32 else 1e-13)
    check(k_cum_methods, a, close=True, rtol=1e-6 if dtype == np.float32 else 1e-13)


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_cumsum_layouts(name):
    a = layouts2d(np.int64)[name]
    check(k_cumsum, a)
    check(k_cumprod, a % 3 + 1)


def test_cumsum_empty_and_nan():
    check(k_cumsum, np.zeros(0))
    check(k_cumsum, np.array([1.0, np.nan, 2.0]))
    check(k_cumprod, np.zeros((0, 3), dtype=np.int64))


@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.uint8, np.bool_, np.float32])
def test_diff(dtype):
    a = sample((9,), dtype)
    check(k_diff, a)
    check(k_diff, a[::-2])
    check(k_diff, a[:1])
    check(k_diff, a[:0])


def test_bincount():
    a = np.array([0, 1, 1, 3, 2, 1, 7])
    check(k_bincount, a)
    check(k_bincount, a.astype(np.int32))
    check(k_bincount, a[::-2])
    check(k_bincount_min, a, 3)
    check(k_bincount_min, a, 12)
    check(k_bincount, np.zeros(0, dtype=np.int64))


def test_bincount_negative_raises_value_error():
    check(k_bincount, np.array([1, -1, 2]))


@pytest.mark.parametrize("n", [1, 2, 5, 6, 101])
def test_median(n):
    a = sample((n,), seed=n)
    check(k_median, a, close=True, rtol=1e-15)
    check(k_median, a.astype(np.int64))
    check(k_median, a.reshape(n, 1)[::-1], close=True, rtol=1e-15)


def test_median_even_count_exact():
    check(k_median, np.array([1.89, -5.23]))


def test_median_2d_and_nan():
    check(k_median, sample((4, 5)))
    check(k_median, np.asfortranarray(sample((4, 5))))
    check(k_median, np.array([1.0, np.nan, 3.0]))
    check(k_median, np.array([np.inf, -np.inf, 1.0]))


@pytest.mark.parametrize("q", [0, 10, 25, 50, 62.5, 99, 100])
def test_percentile(q):
    a = sample((17,), seed=3)
    check(k_percentile, a, q, close=True, rtol=1e-13)
    check(k_percentile, sample((3, 4), np.int64), q, close=True, rtol=1e-13)
    check(k_quantile, a, q / 100, close=True, rtol=1e-13)


def test_percentile_array_q():
    a = sample((10,))
    check(k_percentile, a, np.array([5.0, 50.0, 95.0]), close=True, rtol=1e-13)
    check(k_quantile, a, np.array([0.0, 0.5, 1.0]), close=True, rtol=1e-13)


def test_percentile_nan_and_errors():
    a = sample((10,))
    check(k_percentile, np.array([1.0, np.nan, 2.0]), 50.0)
    check(k_percentile, a, 101.0)  # ValueError
    check(k_quantile, a, -0.5)  # ValueError


def test_median_empty():
    check(k_median, np.zeros(0))  # NumPy: nan with a RuntimeWarning


# ---------------------------------------------------------------------------
# Shape manipulation, conversion
# ---------------------------------------------------------------------------


@njit
def k_reshape_tuple(a):
    return a.reshape((3, 4))


@njit
def k_reshape_args(a):
    return a.reshape(2, 6)


@njit
def k_reshape_neg(a):
    return a.reshape(-1, 3)


@njit
def k_reshape_neg_last(a):
    return a.reshape((2, -1))


@njit
def k_reshape_3d(a):
    return np.reshape(a, (2, 3, -1))


@njit
def k_reshape_1d(a):
    return a.reshape(-1)


@njit
def k_reshape_var(a, n, m):
    return a.reshape((n, m))


@njit
def k_reshape_is_view(a):
    b = a.reshape((3, 4))
    b[0, 0] = 99.0
    return a[0]


@njit
def k_ravel(a):
    return a.ravel()


@njit
def k_np_ravel(a):
    return np.ravel(a)


@njit
def k_flatten(a):
    return a.flatten()


@njit
def k_flatten_is_copy(a):
    b = a.flatten()
    b[0] = -1.0
    return a[0, 0]


@njit
def k_astype_f32(a):
    return a.astype(np.float32)


@njit
def k_astype_i64(a):
    return a.astype(np.int64)


@njit
def k_astype_bool(a):
    return a.astype(np.bool_)


@njit
def k_astype_u8(a):
    return a.astype(np.uint8)


@njit
def k_astype_c128(a):
    return a.astype(np.complex128)


@njit
def k_ascontig(a):
    return np.ascontiguousarray(a)


@njit
def k_copy(a):
    return np.copy(a), a.copy()


@pytest.mark.parametrize("f", [k_reshape_tuple, k_reshape_args, k_reshape_neg, k_reshape_neg_last, k_reshape_3d,
                               k_reshape_1d], ids=lambda f: f.__name__)
@pytest.mark.parametrize("src", ["1d", "2d", "F", "strided"])
def test_reshape(f, src):
    base = np.arange(24.0)
    a = {"1d": base[:12], "2d": base[:12].reshape(4, 3), "F": np.asfortranarray(base[:12].reshape(4, 3)),
         "strided": base[::2]}[src]
    check(f, a)


@pytest.mark.parametrize("n, m", [(3, 4), (12, 1), (-1, 6), (5, 2), (-1, 5), (-1, -1), (0, 12)])
def test_reshape_sizes(n, m):
    check(k_reshape_var, np.arange(12.0), n, m)  # bad sizes: ValueError like NumPy


def test_reshape_bad_size_message():
    with pytest.raises(ValueError) as got:
        k_reshape_var(np.arange(12.0), 5, 2)
    with pytest.raises(ValueError) as want:
        k_reshape_var.py_func(np.arange(12.0), 5, 2)
    assert str(got.value) == str(want.value)


def test_reshape_c_contiguous_is_view():
    a = np.arange(12.0)
    r = k_reshape_is_view(a)
    assert r == 99.0 and a[0] == 99.0


@pytest.mark.parametrize("f", [k_ravel, k_np_ravel, k_flatten], ids=lambda f: f.__name__)
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_ravel_flatten(f, name):
    check(f, layouts2d()[name])


def test_ravel_view_and_flatten_copy():
    a = np.arange(6.0).reshape(2, 3)
    r = k_ravel(a)
    assert np.shares_memory(r, a)
    r2 = k_flatten(a)
    assert not np.shares_memory(r2, a)
    assert k_flatten_is_copy(a) == 0.0


@pytest.mark.parametrize("f", [k_astype_f32, k_astype_i64, k_astype_bool, k_astype_u8, k_astype_c128],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int8, np.bool_, np.uint16])
def test_astype(f, dtype):
    a = sample((3, 4), dtype)
    if f is k_astype_u8 and np.dtype(dtype).kind in "f":
        a = np.abs(a)  # float -> uint8 of negative values is undefined in C
    check(f, a)
    check(f, a.T)


def test_astype_float_to_int_truncates():
    check(k_astype_i64, np.array([1.9, -1.9, 0.5, -0.5, 1e15]))


def test_astype_complex_to_float():
    # NumPy discards the imaginary part with a ComplexWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(k_astype_f32, np.array([1.5 + 2j, -3 - 1j]))


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_ascontiguousarray(name):
    a = layouts2d()[name]
    check(k_ascontig, a)
    r = k_ascontig(a)
    assert r.flags.c_contiguous
    if name == "C":
        assert np.shares_memory(r, a)
    else:
        assert not np.shares_memory(r, a)


def test_copy():
    a = layouts2d()["negative"]
    check(k_copy, a)
    r = k_copy(a)
    assert r[0].flags.c_contiguous and not np.shares_memory(r[0], a)


# ---------------------------------------------------------------------------
# Creation and joining
# ---------------------------------------------------------------------------


@njit
def k_eye(n):
    return np.eye(n)


@njit
def k_eye_nm(n, m):
    return np.eye(n, m)


@njit
def k_eye_k(n, m, k):
    return np.eye(n, m, k)


@njit
def k_eye_dtype(n):
    return np.eye(n, dtype=np.int32)


@njit
def k_identity(n):
    return np.identity(n), np.identity(n, dtype=np.int64)


@njit
def k_concat(a, b):
    return np.concatenate((a, b))


@njit
def k_concat3(a, b, c):
    return np.concatenate((a, b, c))


@njit
def k_concat_axis0(a, b):
    return np.concatenate((a, b), axis=0)


@njit
def k_concat_axis1(a, b):
    return np.concatenate((a, b), axis=1)


@njit
def k_vstack(a, b):
    return np.vstack((a, b))


@njit
def k_hstack(a, b):
    return np.hstack((a, b))


@njit
def k_array_list():
    return np.array([1, 2, 3])


@njit
def k_array_float_list():
    return np.array([1.0, 2, 3.5])


@njit
def k_array_nested():
    return np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


@njit
def k_array_nested_int():
    return np.array([[1, 2], [3, 4], [5, 6]])


@njit
def k_array_vars(x, y):
    return np.array([[x, y], [y, x]])


@njit
def k_array_dtype(x):
    return np.array([x, 2, 3], dtype=np.float32)


@njit
def k_array_bool():
    return np.array([True, False, True])


@njit
def k_array_complex():
    return np.array([1 + 2j, 3.0, 0j])


@njit
def k_array_tuple():
    return np.array((1.5, 2.5))


@njit
def k_asarray_list():
    return np.asarray([[1, 2, 3]])


@njit
def k_array_of_array(a):
    return np.array(a), np.asarray(a)


@njit
def k_array_ragged():
    return np.array([[1, 2], [3]])


@pytest.mark.parametrize("n", [0, 1, 4])
def test_eye_identity(n):
    check(k_eye, n)
    check(k_eye_dtype, n)
    check(k_identity, n)
    check(k_eye_nm, n, 3)


@pytest.mark.parametrize("k", [-4, -1, 0, 1, 2, 5])
def test_eye_offset(k):
    check(k_eye_k, 3, 5, k)
    check(k_eye_k, 5, 3, k)


def test_concatenate_1d():
    a, b = sample((4,)), sample((3,), seed=1)
    check(k_concat, a, b)
    check(k_concat, a[::-1], b[::2])
    check(k_concat3, a, b, a)
    check(k_concat, np.zeros(0), b)
    check(k_concat, np.arange(3), np.arange(2))
    check(k_concat, np.arange(3), np.arange(2.0))  # int + float -> float64


def test_concatenate_2d_axes():
    a, b = sample((2, 3)), sample((4, 3), seed=1)
    check(k_concat, a, b)
    check(k_concat_axis0, a, b)
    check(k_concat_axis1, a.T, b.T)
    check(k_concat_axis1, np.asfortranarray(a), sample((2, 5), seed=2)[:, ::-1])
    check(k_concat_axis0, a, sample((4, 2), seed=1))  # ValueError
    check(k_concat_axis1, a, b)  # ValueError


def test_vstack_hstack():
    a1, b1 = sample((3,)), sample((3,), seed=1)
    check(k_vstack, a1, b1)
    check(k_hstack, a1, b1)
    check(k_hstack, a1, sample((5,), seed=1))
    a2, b2 = sample((2, 3)), sample((4, 3), seed=1)
    check(k_vstack, a2, b2)
    check(k_hstack, a2.T, b2.T)
    check(k_vstack, a2, sample((2, 4), seed=1))  # ValueError
    check(k_hstack, a2, sample((3, 3), seed=1))  # ValueError


@pytest.mark.parametrize("f", [k_array_list, k_array_float_list, k_array_nested, k_array_nested_int,
                               k_array_bool, k_array_complex, k_array_tuple, k_asarray_list],
                         ids=lambda f: f.__name__)
def test_np_array_from_literals(f):
    check(f)


def test_np_array_from_variables():
    check(k_array_vars, 1.5, 2.5)
    check(k_array_vars, 1, 2)
    check(k_array_dtype, 7)
    a = sample((3,))
    check(k_array_of_array, a)
    r = k_array_of_array(a)
    assert not np.shares_memory(r[0], a)  # np.array copies


def test_np_asarray_of_array_does_not_copy():
    a = sample((3,))
    assert np.shares_memory(k_array_of_array(a)[1], a)


# ---------------------------------------------------------------------------
# searchsorted, interp, convolve, nonzero, sort
# ---------------------------------------------------------------------------


@njit
def k_searchsorted(a, v):
    return np.searchsorted(a, v)


@njit
def k_searchsorted_left(a, v):
    return np.searchsorted(a, v, side="left")


@njit
def k_searchsorted_right(a, v):
    return np.searchsorted(a, v, side="right")


@njit
def k_searchsorted_method(a, v):
    return a.searchsorted(v), a.searchsorted(v, side="right")


@njit
def k_interp(x, xp, fp):
    return np.interp(x, xp, fp)


@njit
def k_convolve(a, v):
    return np.convolve(a, v)


@njit
def k_nonzero(a):
    return np.nonzero(a)


@njit
def k_nonzero_method(a):
    return a.nonzero()


@njit
def k_sort(a):
    return np.sort(a)


@njit
def k_sort_method(a):
    b = a.copy()
    b.sort()
    return b


@njit
def k_sort_method_inplace(a):
    a.sort()
    return a


@pytest.mark.parametrize("f", [k_searchsorted, k_searchsorted_left, k_searchsorted_right, k_searchsorted_method],
                         ids=lambda f: f.__name__)
def test_searchsorted(f):
    a = np.array([1.0, 2.0, 2.0, 2.0, 5.0, 7.5, 10.0])
    for v in [0.0, 1.0, 2.0, 3.0, 7.5, 10.0, 11.0, -np.inf, np.inf]:
        check(f, a, v)
    check(f, a, np.array([2.0, -1.0, 10.0, 6.0]))
    check(f, a[::-1][::-1], np.array([[2.0, 5.0], [1.0, 9.0]]))
    check(f, np.arange(10), 4)
    check(f, np.arange(10), np.array([4, 4, 11]))
    check(f, np.zeros(0), 1.0)


def test_searchsorted_nan():
    a = np.array([1.0, 2.0, 2.0, 2.0, 5.0, 7.5, 10.0])
    check(k_searchsorted, a, np.nan)
    check(k_searchsorted_right, a, np.array([np.nan, 1.0]))


@pytest.mark.parametrize("x", [-1.0, 0.0, 0.5, 1.0, 2.75, 4.0, 10.0, np.nan])
def test_interp_scalar(x):
    xp = np.array([0.0, 1.0, 2.5, 4.0])
    fp = np.array([1.0, -1.0, 3.0, 0.5])
    check(k_interp, x, xp, fp, close=True, rtol=1e-15)


def test_interp_array():
    xp = np.array([0.0, 1.0, 2.5, 4.0])
    fp = np.array([1.0, -1.0, 3.0, 0.5])
    x = np.linspace(-1, 5, 25)
    check(k_interp, x, xp, fp, close=True, rtol=1e-14, atol=1e-15)
    check(k_interp, x[::-1].reshape(5, 5), xp, fp, close=True, rtol=1e-14, atol=1e-15)
    check(k_interp, np.arange(5), xp, fp, close=True, rtol=1e-14, atol=1e-15)


def test_interp_errors():
    check(k_interp, 1.0, np.array([0.0, 1.0]), np.array([1.0, 2.0, 3.0]))  # ValueError
    check(k_interp, 1.0, np.zeros(0), np.zeros(0))  # ValueError


@pytest.mark.parametrize("na, nv", [(5, 3), (3, 5), (1, 1), (6, 6), (8, 1)])
def test_convolve(na, nv):
    a = sample((na,), seed=1)
    v = sample((nv,), seed=2)
    check(k_convolve, a, v, close=True, rtol=1e-13, atol=1e-12)
    check(k_convolve, np.arange(na), np.arange(nv))


def test_convolve_empty_raises():
    check(k_convolve, np.zeros(0), np.ones(3))


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.bool_])
def test_nonzero(dtype):
    a = sample((4, 5), dtype)
    a.ravel()[::3] = 0
    check(k_nonzero, a)
    check(k_nonzero, a.ravel())
    check(k_nonzero, a.T)
    check(k_nonzero_method, a[::-1])
    check(k_nonzero, np.zeros(0, dtype=dtype))
    check(k_nonzero, np.zeros((2, 3, 2), dtype=dtype) + (np.arange(12).reshape(2, 3, 2) % 5 == 0))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int8, np.uint16, np.bool_])
def test_sort(dtype):
    a = sample((37,), dtype)
    check(k_sort, a)
    check(k_sort, a[::-3])
    check(k_sort_method, a)
    check(k_sort, a[:0])


def test_sort_nan_last_and_signed_zero():
    a = np.array([3.0, np.nan, -1.0, np.inf, -np.inf, 0.0, np.nan, 2.0])
    check(k_sort, a)
    check(k_sort_method, a)


def test_sort_method_in_place():
    check(k_sort_method_inplace, sample((20,)), mutated=True)


def test_sort_2d():
    check(k_sort, sample((3, 4)))


# ---------------------------------------------------------------------------
# Boolean masks and index arrays
# ---------------------------------------------------------------------------


@njit
def m_read(a):
    return a[a > 0]


@njit
def m_read_mask(a, m):
    return a[m]


@njit
def m_assign_scalar(a):
    a[a < 0] = 0.0
    return a


@njit
def m_assign_mask(a, m, v):
    a[m] = v
    return a


@njit
def m_iadd(a):
    a[a > 0] += 1
    return a


@njit
def m_iadd_mask(a, m, v):
    a[m] += v
    return a


@njit
def m_assign_from_masked(a, b):
    m = a > b
    a[m] = b[m]
    return a


@njit
def m_count(a):
    return a[np.isnan(a)].size, a[~np.isnan(a)].sum()


@njit
def i_read(a, idx):
    return a[idx]


@njit
def i_assign(a, idx, v):
    a[idx] = v
    return a


@njit
def i_iadd(a, idx):
    a[idx] += 1
    return a


@njit
def i_read_rows(a, idx):
    return a[idx, :]


def test_mask_read_1d():
    a = sample((12,))
    check(m_read, a)
    check(m_read, a[::-2])
    check(m_read, np.zeros(0))
    check(m_read, -np.abs(a))  # empty result


def test_mask_read_given_mask():
    a = sample((8,))
    m = sample((8,), np.bool_, seed=3)
    check(m_read_mask, a, m)
    check(m_read_mask, a.astype(np.int32), m)


def test_mask_assign_and_iadd_1d():
    a = sample((12,))
    check(m_assign_scalar, a, mutated=True)
    check(m_iadd, a, mutated=True)
    check(m_iadd, sample((12,), np.int64), mutated=True)
    check(m_iadd, a[::-1], mutated=True)
    m = sample((12,), np.bool_, seed=4)
    check(m_assign_mask, a, m, 7.5, mutated=True)
    check(m_iadd_mask, a, m, 2.0, mutated=True)
    check(m_assign_mask, a, m, sample((int(m.sum()),), seed=6), mutated=True)
    check(m_assign_from_masked, a, sample((12,), seed=8), mutated=True)


def test_mask_nan_filtering():
    check(m_count, np.array([1.0, np.nan, 2.5, np.nan, -1.0]))


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 2)])
def test_mask_read_nd(shape):
    check(m_read, sample(shape))


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 2)])
def test_mask_assign_nd(shape):
    check(m_assign_scalar, sample(shape), mutated=True)
    check(m_iadd, sample(shape), mutated=True)


@pytest.mark.parametrize("mshape", [(4,), (13,), (11,)])
def test_mask_shape_mismatch_raises_index_error(mshape):
    a = sample((12,))
    m = np.ones(mshape, dtype=np.bool_)
    check(m_read_mask, a, m)
    check(m_assign_mask, a, m, 1.0)
    check(m_iadd_mask, a, m, 1.0)


def test_mask_shape_mismatch_message():
    a = sample((12,))
    m = np.ones(4, dtype=np.bool_)
    with pytest.raises(IndexError) as got:
        m_read_mask(a, m)
    with pytest.raises(IndexError) as want:
        m_read_mask.py_func(a, m)
    assert str(got.value) == str(want.value)


def test_mask_assign_value_count_mismatch():
    a = sample((6,))
    m = np.array([True, False, True, True, False, False])
    check(m_assign_mask, a, m, np.ones(2))  # ValueError (NumPy: "NumPy boolean array indexing assignment ...")


def test_index_array_read():
    a = sample((10,))
    check(i_read, a, np.array([0, 3, 3, -1, 9]))
    check(i_read, a, np.array([], dtype=np.int64))
    check(i_read, a[::-1], np.array([1, 2], dtype=np.int32))
    check(i_read, a, np.array([10]))  # IndexError
    check(i_read, a, np.array([-11]))  # IndexError


def test_index_array_assign_and_iadd():
    a = sample((10,))
    check(i_assign, a, np.array([0, 3, -1]), 5.0, mutated=True)
    check(i_assign, a, np.array([0, 3, -1]), np.array([1.0, 2.0, 3.0]), mutated=True)
    # repeated indices: a[idx] += 1 adds once per distinct index, like NumPy
    check(i_iadd, a, np.array([1, 1, 1, 4]), mutated=True)
    check(i_iadd, np.arange(5), np.array([0, -1]), mutated=True)
    check(i_assign, a, np.array([12]), 0.0)  # IndexError


_FANCY_2D = "integer index arrays on arrays with more than one dimension are not supported (a[idx], a[idx, :])"


def test_index_array_rows_2d():
    a = sample((5, 3))
    check(i_read_rows, a, np.array([4, 0, 0]))


def test_index_array_read_2d_first_axis():
    a = sample((5, 3))
    check(i_read, a, np.array([4, 0, 2]))


# ---------------------------------------------------------------------------
# np.random: NumPy's legacy streams
# ---------------------------------------------------------------------------


@njit
def r_random(s):
    np.random.seed(s)
    return np.random.random(), np.random.random(), np.random.random(5), np.random.random((2, 3))


@njit
def r_rand(s):
    np.random.seed(s)
    return np.random.rand(), np.random.rand(4), np.random.rand(2, 3)


@njit
def r_randn(s):
    np.random.seed(s)
    return np.random.randn(), np.random.randn(5), np.random.randn(2, 2)


@njit
def r_sample_aliases(s):
    np.random.seed(s)
    return np.random.random_sample(), np.random.sample(3), np.random.ranf(2)


@njit
def r_normal(s):
    np.random.seed(s)
    return (np.random.normal(), np.random.normal(2.0), np.random.normal(1.0, 3.0),
            np.random.normal(0.5, 2.0, 7), np.random.normal(size=(2, 3)))


@njit
def r_standard_normal(s):
    np.random.seed(s)
    return np.random.standard_normal(), np.random.standard_normal(9), np.random.standard_normal((3, 2))


@njit
def r_randint(s):
    np.random.seed(s)
    return (np.random.randint(10), np.random.randint(-5, 5), np.random.randint(0, 1000, 10),
            np.random.randint(3, size=(2, 4)), np.random.randint(0, 2**40, 4))


@njit
def r_randint_small_ranges(s):
    np.random.seed(s)
    return np.random.randint(0, 1, 5), np.random.randint(0, 2, 20), np.random.randint(7, 8), \
        np.random.randint(-2**31, 2**31, 6)


@njit
def r_uniform(s):
    np.random.seed(s)
    return np.random.uniform(), np.random.uniform(-2.0, 3.0), np.random.uniform(1.0, 2.0, 6), \
        np.random.uniform(5.0, 1.0, (2, 2))


@njit
def r_exponential(s):
    np.random.seed(s)
    return np.random.exponential(), np.random.exponential(2.5), np.random.exponential(0.5, 8)


@njit
def r_poisson(s):
    np.random.seed(s)
    return (np.random.poisson(), np.random.poisson(3.0), np.random.poisson(4.5, 10), np.random.poisson(50.0, 10),
            np.random.poisson(0.0), np.random.poisson(1000.0, 5))


@njit
def r_binomial(s):
    np.random.seed(s)
    return (np.random.binomial(10, 0.3), np.random.binomial(10, 0.3, 10), np.random.binomial(1000, 0.5, 10),
            np.random.binomial(20, 0.9, 5), np.random.binomial(5, 0.0), np.random.binomial(5, 1.0),
            np.random.binomial(0, 0.5))


@njit
def r_gamma(s):
    np.random.seed(s)
    return (np.random.gamma(2.0), np.random.gamma(0.5, 2.0), np.random.gamma(1.0, 1.0, 6), np.random.gamma(7.5, 0.1, 6),
            np.random.gamma(0.05, 1.0, 6))


@njit
def r_standard_gamma(s):
    np.random.seed(s)
    return np.random.standard_gamma(2.0), np.random.standard_gamma(0.3, 5), np.random.standard_gamma(1.0, 3)


@njit
def r_beta(s):
    np.random.seed(s)
    return (np.random.beta(2.0, 3.0), np.random.beta(0.5, 0.5, 6), np.random.beta(5.0, 1.5, 6),
            np.random.beta(0.2, 4.0, 6))


@njit
def r_geometric(s):
    np.random.seed(s)
    return np.random.geometric(0.3), np.random.geometric(0.5, 8), np.random.geometric(0.01, 5), \
        np.random.geometric(1.0, 3)


@njit
def r_mixed_sequence(s, n):
    np.random.seed(s)
    out = np.empty(n)
    for i in range(n):
        if i % 3 == 0:
            out[i] = np.random.normal()
        elif i % 3 == 1:
            out[i] = np.random.random()
        else:
            out[i] = np.random.poisson(2.0) + np.random.randint(0, 10)
    return out


@njit
def r_no_seed_draw():
    return np.random.random()


@njit
def r_seed_only(s):
    np.random.seed(s)


RANDOM_KERNELS = [r_random, r_rand, r_randn, r_sample_aliases, r_normal, r_standard_normal, r_randint,
                  r_randint_small_ranges, r_uniform, r_exponential, r_poisson, r_binomial, r_gamma,
                  r_standard_gamma, r_beta, r_geometric]


def _random_same(f, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = f(*args)
        want = f.py_func(*args)  # seeds NumPy's global legacy RandomState
    _same(got, want, False, 0, 0)


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**32 - 1])
@pytest.mark.parametrize("f", RANDOM_KERNELS, ids=lambda f: f.__name__)
def test_random_streams_equal_numpy(f, seed):
    state = np.random.get_state()
    try:
        _random_same(f, seed)
    finally:
        np.random.set_state(state)


def test_random_long_mixed_sequence():
    state = np.random.get_state()
    try:
        _random_same(r_mixed_sequence, 42, 3000)
    finally:
        np.random.set_state(state)


def test_random_state_lives_in_compiled_code():
    """Seeding compiled code does not touch NumPy's global state, and reseeding
    gives the same draws again."""
    state = np.random.get_state()
    try:
        np.random.seed(7)
        before = np.random.get_state()[1].copy()
        r_seed_only(123)
        assert np.array_equal(np.random.get_state()[1], before)
        r_seed_only(5)
        x = r_no_seed_draw()
        r_seed_only(5)
        assert r_no_seed_draw() == x
        np.random.seed(5)
        assert x == np.random.random()
    finally:
        np.random.set_state(state)


def test_random_randint_empty_range_raises():
    state = np.random.get_state()
    try:
        check(r_bad_randint, 1)  # ValueError: low >= high
    finally:
        np.random.set_state(state)


def test_random_negative_scale_raises():
    state = np.random.get_state()
    try:
        check(r_bad_scale, 1)
    finally:
        np.random.set_state(state)


@njit
def r_bad_scale(s):
    np.random.seed(s)
    return np.random.normal(0.0, -1.0)


@njit
def r_bad_randint(s):
    np.random.seed(s)
    return np.random.randint(5, 5)


# ---------------------------------------------------------------------------
# Leaks
# ---------------------------------------------------------------------------


def test_no_leaks_expressions(no_leaks):
    a, b = sample((30, 20)), sample((20,), seed=1)
    for _ in range(3):
        ex_poly(a, b)
        ex_newaxis(a[:, 0], b)
        ex_where_cond_expr(a, b)
        ex_maximum_minimum(a, b)
        ex_compare(a, b)


def test_no_leaks_reductions_and_functions(no_leaks):
    a = sample((6, 7))
    for name in ("sum", "mean", "std", "argmin", "count_nonzero"):
        _K[name, 0](a)
        _K[name, None](a)
    k_cumsum(a)
    k_median(a)
    k_percentile(a, 90.0)
    k_reshape_neg(np.arange(12.0))
    k_flatten(a.T)
    k_concat_axis1(a, a)
    k_vstack(a, a)
    k_nonzero(a > 0)
    k_sort(a[0])
    k_interp(np.linspace(0, 1, 9), np.array([0.0, 1.0]), np.array([1.0, 2.0]))
    k_convolve(a[0], a[1])
    k_bincount(np.array([1, 2, 2]))
    k_array_nested()


def test_no_leaks_indexing(no_leaks):
    a = sample((40,))
    m_read(a)
    m_iadd(a)
    m_assign_from_masked(a, a[::-1].copy())
    i_read(a, np.array([1, 2, 3]))
    i_iadd(a, np.array([1, 1, 5]))


def test_no_leaks_random(no_leaks):
    state = np.random.get_state()
    try:
        r_normal(3)
        r_binomial(3)
        r_gamma(3)
        r_randint(3)
    finally:
        np.random.set_state(state)


def test_no_leaks_when_raising(no_leaks):
    with pytest.raises(ValueError):
        ex_broadcast_error(np.ones(3), np.ones(4))
    with pytest.raises(ValueError):
        k_reshape_var(np.arange(12.0), 5, 2)
    with pytest.raises(IndexError):
        m_read_mask(np.ones(5), np.ones(3, dtype=np.bool_))
    with pytest.raises(IndexError):
        i_read(np.ones(5), np.array([7]))
    with pytest.raises(ValueError):
        _K["min", None](np.zeros(0))
    with pytest.raises(ValueError):
        k_concat_axis0(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError):
        k_bincount(np.array([1, -1]))
    with pytest.raises(ValueError):
        ip_broadcast_error(np.ones((3, 4)), np.ones(3))
