"""@guvectorize: generalized ufuncs with compiled kernels. Layouts with core
dimensions, scalar inputs and outputs (through out[0]), several outputs,
broadcasting over loop dimensions, the lazy layout-only form, the parallel
target, and errors. Results are compared with plain NumPy."""

from __future__ import annotations

import functools
import gc
import math
import operator
import sys

import numpy as np
import oxjit
import pytest
from oxjit import guvectorize
from oxjit.errors import TypingError

# ---------------------------------------------------------------------------
# Kernels
# ---------------------------------------------------------------------------


@guvectorize(["void(float64[:], float64, float64[:])", "void(int64[:], int64, int64[:])"], "(n),()->(n)")
def add_scalar(x, c, out):
    """Adds c to every element."""
    for i in range(x.shape[0]):
        out[i] = x[i] + c


@guvectorize(["void(float64[:], float64[:])", "void(int64[:], int64[:])"], "(n)->()")
def total(x, out):
    acc = x[0] - x[0]
    for v in x:
        acc += v
    out[0] = acc


def _matmul(a, b, out):
    m, n = a.shape
    p = b.shape[1]
    for i in range(m):
        for j in range(p):
            acc = 0.0
            for k in range(n):
                acc += a[i, k] * b[k, j]
            out[i, j] = acc


matmul = guvectorize(["void(float64[:,:], float64[:,:], float64[:,:])"], "(m,n),(n,p)->(m,p)")(_matmul)
matmul_par = guvectorize(["void(float64[:,:], float64[:,:], float64[:,:])"], "(m,n),(n,p)->(m,p)",
                         target="parallel")(_matmul)


@guvectorize(["void(float64[:], float64[:], float64[:])"], "(n)->(),()")
def min_max(x, lo, hi):
    a = x[0]
    b = x[0]
    for v in x:
        if v < a:
            a = v
        if v > b:
            b = v
    lo[0] = a
    hi[0] = b


@guvectorize(["void(float64[:], float64[:], float64[:], float64[:])"], "(n),(n)->(n),()")
def prod_and_dot(x, y, p, d):
    acc = 0.0
    for i in range(x.shape[0]):
        p[i] = x[i] * y[i]
        acc += p[i]
    d[0] = acc


def _smooth(x, w, out):
    n = x.shape[0]
    for i in range(n):
        lo = max(0, i - w)
        hi = min(n, i + w + 1)
        s = 0.0
        for j in range(lo, hi):
            s += math.sin(x[j])
        out[i] = s / (hi - lo)


smooth_cpu = guvectorize(["void(float64[:], int64, float64[:])"], "(n),()->(n)")(_smooth)
smooth_par = guvectorize(["void(float64[:], int64, float64[:])"], "(n),()->(n)", target="parallel")(_smooth)


def _smooth_ref(x, w):
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    n = x.shape[-1]
    for idx in np.ndindex(x.shape[:-1]):
        row = np.sin(x[idx])
        for i in range(n):
            lo, hi = max(0, i - w), min(n, i + w + 1)
            out[idx + (i,)] = row[lo:hi].sum() / (hi - lo)
    return out


@guvectorize("(n),()->(n)")
def lazy_scale(x, c, out):
    for i in range(x.shape[0]):
        out[i] = x[i] * c


@guvectorize("(n)->()", target="parallel")
def lazy_sumsq_par(x, out):
    acc = x[0] * 0
    for v in x:
        acc += v * v
    out[0] = acc


@guvectorize("(n)->()")
def lazy_sumsq(x, out):
    acc = x[0] * 0
    for v in x:
        acc += v * v
    out[0] = acc


@guvectorize(oxjit.void(oxjit.float64[:], oxjit.float64[:]), "(n)->(n)")
def cumulative(x, out):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i]
        out[i] = acc


@guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")
def div_by_zero(x, out):
    for i in range(x.shape[0]):
        out[i] = x[i] / 0.0


def sample(shape, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-50, 50, shape).astype(dtype)
    return np.round(rng.standard_normal(shape) * 10, 3).astype(dtype)


def assert_array_same(got, want):
    assert isinstance(got, np.ndarray), type(got)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert np.array_equal(got, want, equal_nan=got.dtype.kind in "fc"), (got, want)


# ---------------------------------------------------------------------------
# Attributes
# ---------------------------------------------------------------------------


def test_is_a_numpy_gufunc():
    assert isinstance(add_scalar, np.ufunc)
    assert add_scalar.signature == "(n),()->(n)"
    assert add_scalar.nin == 2 and add_scalar.nout == 1
    assert add_scalar.ntypes == 2
    assert add_scalar.types == ["dd->d", "ll->l"]
    assert add_scalar.__name__ == "add_scalar"
    assert min_max.nin == 1 and min_max.nout == 2 and min_max.signature == "(n)->(),()"
    assert matmul.signature == "(m,n),(n,p)->(m,p)"


def test_type_object_signature():
    assert isinstance(cumulative, np.ufunc)
    x = sample((3, 6))
    assert_array_same(cumulative(x), np.add.accumulate(x, axis=-1))


# ---------------------------------------------------------------------------
# Layouts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.int64])
def test_vector_and_scalar_to_vector(dtype):
    x = sample((7,), dtype=dtype)
    assert_array_same(add_scalar(x, dtype(3)), x + dtype(3))
    x2 = sample((4, 7), 1, dtype=dtype)
    assert_array_same(add_scalar(x2, dtype(-2)), x2 - dtype(2))


def test_scalar_argument_broadcast_over_loop_dims():
    x = sample((4, 5))
    c = np.array([1.0, 10.0, 100.0, 1000.0])
    assert_array_same(add_scalar(x, c), x + c[:, None])  # loop shapes (4,) and (4,)
    c3 = np.array([1.0, 2.0, 3.0])
    got = add_scalar(x, c3[:, None])  # loop shapes (4,) and (3, 1) -> (3, 4)
    assert got.shape == (3, 4, 5)
    assert_array_same(got, x[None, :, :] + c3[:, None, None])


def test_vector_to_scalar_output():
    x = sample((5, 8))
    seq = np.add.accumulate(x, axis=1)[:, -1]  # sequential sums (x.sum is pairwise)
    assert_array_same(total(x), seq)
    r = total(x[0])
    assert type(r) is np.float64 and r == seq[0]
    xi = sample((3, 4, 6), dtype=np.int64)
    assert_array_same(total(xi), xi.sum(axis=-1))


def test_matmul_against_numpy():
    a = sample((3, 4))
    b = sample((4, 5), 1)
    assert np.allclose(matmul(a, b), a @ b, rtol=1e-13, atol=1e-12)
    got = matmul(a, b)
    assert got.shape == (3, 5) and got.dtype == np.float64


def test_matmul_broadcasting_loop_dims():
    a = sample((6, 3, 4))
    b = sample((4, 2), 1)
    assert np.allclose(matmul(a, b), a @ b, rtol=1e-13, atol=1e-12)
    b2 = sample((2, 1, 4, 5), 2)
    got = matmul(a, b2)
    assert got.shape == (2, 6, 3, 5)
    assert np.allclose(got, a @ b2, rtol=1e-13, atol=1e-12)


def test_matmul_non_contiguous():
    a = sample((8, 10))
    b = sample((10, 6), 1)
    for x, y in [(a.T[::2], a[:8, ::2]), (np.asfortranarray(a), b), (a[::-1, ::-1], b[::-1])]:
        assert np.allclose(matmul(x, y), x @ y, rtol=1e-13, atol=1e-12)


def test_matmul_exact_against_python_loops():
    a = sample((3, 4))
    b = sample((4, 2), 1)
    want = np.empty((3, 2))
    _matmul(a, b, want)
    assert_array_same(matmul(a, b), want)


def test_several_outputs():
    x = sample((4, 9))
    lo, hi = min_max(x)
    assert_array_same(lo, x.min(axis=1))
    assert_array_same(hi, x.max(axis=1))
    y = sample((4, 9), 1)
    p, d = prod_and_dot(x, y)
    assert_array_same(p, x * y)
    want = np.empty(4)
    for i in range(4):
        acc = 0.0
        for k in range(9):
            acc += x[i, k] * y[i, k]
        want[i] = acc
    assert_array_same(d, want)


def test_shared_core_dimension_mismatch():
    with pytest.raises(ValueError, match="core dimension"):
        prod_and_dot(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="core dimension"):
        matmul(np.ones((2, 3)), np.ones((2, 3)))


def test_loop_dims_broadcast_mismatch():
    with pytest.raises(ValueError):
        add_scalar(np.ones((3, 4)), np.ones(2))


def test_output_arrays_passed_in():
    x = sample((3, 5))
    out = np.empty((3, 5))
    r = add_scalar(x, 1.0, out)
    assert r is out
    assert_array_same(out, x + 1.0)
    out2 = np.zeros((3, 5))
    assert add_scalar(x, 2.0, out=out2) is out2
    assert_array_same(out2, x + 2.0)
    lo, hi = np.empty(3), np.empty(3)
    r = min_max(x, out=(lo, hi))
    assert r[0] is lo and r[1] is hi
    assert_array_same(lo, x.min(axis=1))


def test_output_into_strided_view():
    x = sample((3, 5))
    big = np.full((6, 10), -7.0)
    add_scalar(x, 1.0, out=big[::2, ::2])
    assert_array_same(big[::2, ::2], x + 1.0)
    assert np.all(big[1::2] == -7.0) and np.all(big[:, 1::2] == -7.0)


def test_output_wrong_core_size():
    with pytest.raises(ValueError):
        add_scalar(np.ones(3), 1.0, out=np.empty(4))


def test_non_contiguous_core_dimension():
    x = sample((6, 10))
    for v in [x[:, ::3], x[::-1, ::-2], x.T, np.asfortranarray(x)]:
        assert_array_same(add_scalar(v, 0.5), v + 0.5)
        assert_array_same(cumulative(v), np.add.accumulate(v, axis=-1))


def test_axes_keyword():
    x = sample((5, 3))
    got = total(x, axes=[(0,), ()])
    # In order, as the kernel adds (CPython 3.12's sum() compensates the rounding).
    assert_array_same(got, np.array([functools.reduce(operator.add, x[:, j].tolist()) for j in range(3)]))


def test_zero_size_loop_dimension():
    r = add_scalar(np.zeros((0, 4)), 1.0)
    assert r.shape == (0, 4) and r.dtype == np.float64


def test_casting_inputs_to_loop():
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    got = add_scalar(x, 1)  # NumPy takes the first loop int32 casts to safely: dd->d
    assert_array_same(got, x.astype(np.float64) + 1)
    got = add_scalar(x.astype(np.int64), np.int64(1))  # exact match: the ll->l loop
    assert_array_same(got, x.astype(np.int64) + 1)
    got = add_scalar(x.astype(np.int64), 1)  # a Python int is a weak scalar: linear search finds dd->d
    assert_array_same(got, x.astype(np.float64) + 1)
    gotf = add_scalar(x.astype(np.float32), 0.5)  # float32 -> float64 loop
    assert_array_same(gotf, x.astype(np.float64) + 0.5)


def test_division_by_zero_in_kernel():
    with np.errstate(all="ignore"):
        got = div_by_zero(np.array([1.0, -1.0, 0.0]))
    assert got[0] == np.inf and got[1] == -np.inf and np.isnan(got[2])


# ---------------------------------------------------------------------------
# Lazy form
# ---------------------------------------------------------------------------


def test_lazy_layout_only():
    assert isinstance(lazy_scale, oxjit.GUFunc)
    x = sample((3, 4))
    assert_array_same(lazy_scale(x, 2.0), x * 2.0)
    x32 = sample((5,), dtype=np.float32)
    got32 = lazy_scale(x32, np.float32(0.5))
    assert got32.dtype == np.float32
    assert_array_same(got32, x32 * np.float32(0.5))
    assert isinstance(lazy_scale.ufunc, np.ufunc)
    assert len(lazy_scale.ufunc.types) >= 2


def test_lazy_int_first_then_float():
    g = guvectorize("(n),()->(n)")(_lazy_add)
    xi = sample((3, 4), dtype=np.int64)
    assert_array_same(g(xi, 3), xi + 3)  # output dtype follows the first input
    x = sample((3, 4))
    assert_array_same(g(x, 0.5), x + 0.5)


def test_lazy_float_first_then_int():
    g = guvectorize("(n),()->(n)")(_lazy_add)
    x = sample((3, 4))
    assert_array_same(g(x, 0.5), x + 0.5)
    xi = sample((3, 4), dtype=np.int64)
    assert_array_same(g(xi, np.int64(3)), xi + 3)  # exact dtypes: the new ll->l loop is used
    assert_array_same(g(xi, 3), xi + 3)


def test_lazy_with_output_given():
    x = sample((2, 3))
    out = np.empty((2, 3))
    r = lazy_scale(x, 4.0, out)
    assert r is out
    assert_array_same(out, x * 4.0)


def test_lazy_parallel_equals_cpu():
    x = sample((50_000, 8))
    assert_array_same(lazy_sumsq_par(x), lazy_sumsq(x))
    xi = sample((30_000, 5), dtype=np.int64)
    assert_array_same(lazy_sumsq_par(xi), (xi * xi).sum(axis=1))


def test_lazy_unsupported_dtype():
    with pytest.raises(TypeError):
        lazy_scale(np.array(["a", "b"]), 1.0)


def _lazy_add(x, c, out):
    for i in range(x.shape[0]):
        out[i] = x[i] + c


def test_lazy_too_few_arguments_raises_type_error():
    g = guvectorize("(n),()->(n)")(_lazy_add)
    with pytest.raises(TypeError):
        g(np.ones(3))


def test_lazy_usable_after_bad_call():
    g = guvectorize("(n),()->(n)")(_lazy_add)
    with pytest.raises(TypeError):
        g(np.ones(3))
    assert_array_same(g(np.ones(3), 1.0), np.full(3, 2.0))


# ---------------------------------------------------------------------------
# Parallel target
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(7,), (1, 7), (3, 7), (20_000, 9), (40, 50, 11)],
                         ids=lambda s: "x".join(map(str, s)))
def test_parallel_equals_cpu(shape):
    x = sample(shape)
    w = 2
    c = smooth_cpu(x, w)
    p = smooth_par(x, w)
    assert_array_same(p, c)
    if x.size < 1000:
        assert np.allclose(c, _smooth_ref(x, w), rtol=1e-13, atol=1e-14)


def test_parallel_broadcast_scalar_per_row():
    x = sample((5000, 12))
    w = np.arange(5000) % 4
    assert_array_same(smooth_par(x, w), smooth_cpu(x, w))
    assert_array_same(smooth_par(x[::-1, ::2], 1), smooth_cpu(x[::-1, ::2], 1))


def test_parallel_matmul_equals_cpu():
    a = sample((4000, 3, 4))
    b = sample((4000, 4, 2), 1)
    assert_array_same(matmul_par(a, b), matmul(a, b))
    out = np.empty((4000, 3, 2))
    assert matmul_par(a, b, out=out) is out
    assert_array_same(out, matmul(a, b))


def test_parallel_with_one_thread():
    n = oxjit.get_num_threads()
    try:
        oxjit.set_num_threads(1)
        x = sample((3000, 10))
        one = smooth_par(x, 3)
    finally:
        oxjit.set_num_threads(n)
    assert_array_same(smooth_par(x, 3), one)
    assert_array_same(one, smooth_cpu(x, 3))


# ---------------------------------------------------------------------------
# Errors at definition
# ---------------------------------------------------------------------------


def _k2(x, out):
    for i in range(x.shape[0]):
        out[i] = x[i]


def _bad_kernel(x, out):
    out[0] = x.not_an_attribute


def test_signature_arity_does_not_match_layout():
    with pytest.raises(TypeError):
        guvectorize(["void(float64[:], float64[:])"], "(n),()->(n)")(_k2)


def test_signature_ndim_does_not_match_layout():
    with pytest.raises(TypeError):
        guvectorize(["void(float64[:,:], float64[:])"], "(n)->(n)")(_k2)


@pytest.mark.parametrize("layout", ["(n),(n)->(n", "(n),(n)", "(n)(n)->(n)", "(n),(n)->(n),", "(n),(n)->(n)->(n)"])
def test_invalid_layout(layout):
    with pytest.raises(ValueError):
        guvectorize(["void(float64[:], float64[:], float64[:])"], layout)(_k3)


def _k3(x, y, out):
    for i in range(x.shape[0]):
        out[i] = x[i] + y[i]


def test_bad_target():
    with pytest.raises(ValueError, match="target"):
        guvectorize(["void(float64[:], float64[:])"], "(n)->(n)", target="cuda")(_k2)


def test_untypable_kernel_diagnostic():
    with pytest.raises(TypingError) as ei:
        guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")(_bad_kernel)
    msg = str(ei.value)
    assert "not_an_attribute" in msg and "test_guvectorize.py" in msg


def test_untypable_lazy_kernel_on_call():
    g = guvectorize("(n)->(n)")(_bad_kernel)
    with pytest.raises(TypingError):
        g(np.ones(3))


def test_unsupported_dtype_for_eager_gufunc():
    with pytest.raises(TypeError):
        add_scalar(np.ones(3, dtype=np.complex128), 1.0)


def test_unspecified_output_core_dimension():
    g = guvectorize(["void(float64[:], float64[:])"], "(n)->(m)")(_k2)
    with pytest.raises(ValueError):
        g(np.ones(3))


def test_many_gufuncs_released():
    gc.collect()
    rc = sys.getrefcount(_k2)
    x = np.arange(6.0).reshape(2, 3)
    for _ in range(60):
        g = guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")(_k2)
        assert_array_same(g(x), x)
    del g
    gc.collect()
    assert sys.getrefcount(_k2) == rc


def _every_fourth(x, out):
    for i in range(x.size):
        if i % 4 == 0:
            out[i] = 1


def test_output_cast_through_a_buffer_keeps_unwritten_elements():
    # NumPy casts an int8 out through a uint8 buffer; the buffer starts from
    # out's values, so elements the kernel leaves alone keep them (Numba too).
    g = guvectorize(["void(float64[:], uint8[:])"], "(n)->(n)")(_every_fourth)
    for fill in (0, 7):
        out = np.full((2, 5), fill, dtype=np.int8)
        g(np.random.rand(2, 5), out)
        assert out.tolist() == [[1, fill, fill, fill, 1]] * 2
    out = np.full((2, 5), 3, dtype=np.uint8)
    g(np.random.rand(2, 5), out=out)
    assert out.tolist() == [[1, 3, 3, 3, 1]] * 2
