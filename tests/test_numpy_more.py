"""Differential tests against NumPy for the later NumPy additions: argsort,
unique, flip, meshgrid, logspace, average, flatnonzero, allclose, clip,
isclose, nan-reductions and asarray."""

import importlib
import os
import sys
import tempfile

import numpy as np
import pytest
from oxjit import njit
from oxjit.errors import TypingError

nan = np.nan


@njit
def k_argsort(a):
    return np.argsort(a)


@njit
def k_unique(a):
    return np.unique(a)


@njit
def k_flip(a):
    return np.flip(a)


@njit
def k_meshgrid(x, y):
    return np.meshgrid(x, y)


@njit
def k_logspace(a, b, n):
    return np.logspace(a, b, n)


@njit
def k_average(a):
    return np.average(a)


@njit
def k_average_w(a, w):
    return np.average(a, weights=w)


@njit
def k_flatnonzero(a):
    return np.flatnonzero(a)


@njit
def k_allclose(a, b):
    return np.allclose(a, b)


@njit
def k_clip(a, lo, hi):
    return np.clip(a, lo, hi)


@njit
def k_isclose(a, b):
    return np.isclose(a, b)


@njit
def k_nan(a):
    return np.nansum(a), np.nanmean(a), np.nanmax(a), np.nanmin(a)


@njit
def k_asarray(a):
    return np.asarray(a)


def same(got, want):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            same(g, w)
        return
    g, w = np.asarray(got), np.asarray(want)
    assert g.shape == w.shape, (g.shape, w.shape)
    if w.dtype.kind in "fc":
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14, equal_nan=True)
    else:
        np.testing.assert_array_equal(g, w)
    if isinstance(want, np.ndarray):
        assert g.dtype == w.dtype, (g.dtype, w.dtype)


ARRAYS = [
    np.array([3.0, 1.0, 2.0, 1.0, nan, -0.5]),
    np.array([5, 3, 5, 1, 0, 3], dtype=np.int64),
    np.array([2, 1, 2], dtype=np.int32),
    np.arange(12.0).reshape(3, 4)[:, ::-1],
    np.array([], dtype=np.float64),
]


@pytest.mark.parametrize("a", [a for a in ARRAYS if a.ndim == 1])
def test_argsort_is_stable_like_numpy(a):
    same(k_argsort(a), np.argsort(a, kind="stable"))


@pytest.mark.parametrize("a", ARRAYS)
def test_unique(a):
    same(k_unique(a), np.unique(a))


@pytest.mark.parametrize("a", ARRAYS)
def test_flip_is_a_view(a):
    r = k_flip(a)
    same(r, np.flip(a))
    if a.size:
        assert np.shares_memory(r, a)


def test_meshgrid():
    same(k_meshgrid(np.arange(3.0), np.linspace(0, 1, 4)), tuple(np.meshgrid(np.arange(3.0), np.linspace(0, 1, 4))))


@pytest.mark.parametrize("args", [(0.0, 2.0, 5), (1.0, -1.0, 3), (0.0, 3.0, 1), (0.0, 1.0, 0)])
def test_logspace(args):
    same(k_logspace(*args), np.logspace(*args))


@pytest.mark.parametrize("a", [np.arange(5.0), np.arange(6).reshape(2, 3), np.array([1 + 2j, 3 - 1j])])
def test_average(a):
    same(k_average(a), np.average(a))


def test_average_weights_and_zero_weights():
    a, w = np.arange(5.0), np.arange(5.0) + 1
    same(k_average_w(a, w), np.average(a, weights=w))
    with pytest.raises(ZeroDivisionError):
        k_average_w(a, np.zeros(5))


@pytest.mark.parametrize("a", ARRAYS)
def test_flatnonzero(a):
    same(k_flatnonzero(a), np.flatnonzero(a))


@pytest.mark.parametrize("b", [1e-9, 1.0, nan])
def test_allclose_and_isclose(b):
    a = np.array([0.5, 1.0, 2.0])
    assert k_allclose(a, a + b) == np.allclose(a, a + b)
    same(k_isclose(a, a + b), np.isclose(a, a + b))
    assert k_allclose(a[:, None], a) == np.allclose(a[:, None], a)


@pytest.mark.parametrize("a", [np.linspace(-1, 2, 7), np.arange(-3, 4), np.array([nan, 0.5])])
def test_clip(a):
    same(k_clip(a, 0, 1), np.clip(a, 0, 1))
    same(k_clip(a, 0.25, 0.75), np.clip(a, 0.25, 0.75))


@pytest.mark.parametrize(
    "a",
    [np.array([1.0, nan, 3.0]), np.array([nan, nan]), np.arange(4.0).reshape(2, 2), np.array([2, 1, 3])],
)
def test_nan_reductions(a):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = (np.nansum(a), np.nanmean(a), np.nanmax(a), np.nanmin(a))
    same(k_nan(a), want)


def test_asarray_returns_the_same_array():
    a = np.arange(4.0)
    r = k_asarray(a)
    assert np.shares_memory(r, a)
    same(r, a)


@njit
def k_rows(a, idx):
    return a[idx]


def test_integer_index_array_selects_rows():
    a = np.arange(12.0).reshape(4, 3)
    for idx in (np.array([2, 0, -1]), np.array([[0, 1], [3, 2]])):
        same(k_rows(a, idx), a[idx])
    with pytest.raises(IndexError):
        k_rows(a, np.array([4]))


def _assign_rows(a, idx):
    a[idx] = 0.0
    return a


def _assign_cols(a, idx):
    a[:, idx] = np.arange(a.shape[0] * 1.0)[:, None] * 10
    return a


def _update_cols(a, idx):
    a[1:, idx] += 1.0
    return a


def _read_mixed(a, idx):
    return a[:, idx], a[1, idx], a[::-1, idx], a[None, 1:, idx]


def _read_mask_rows(a, m):
    return a[m], a[m, 1:], a[m, 0]


def _assign_mask_rows(a, m):
    a[m, 1] = -5.0
    a[m] = a[0] * 2
    return a


@pytest.mark.parametrize("idx", [np.array([0]), np.array([2, 0, -1]), np.array([1, 1, 3]), np.array([], dtype=np.int64),
                                 np.array([1, 0], dtype=np.int8)], ids=str)
def test_index_array_among_other_indices(idx):
    a = np.arange(20.0).reshape(4, 5)
    for f in (_assign_rows, _assign_cols, _update_cols):
        got, want = njit(f)(a.copy(), idx), f(a.copy(), idx)
        assert np.array_equal(got, want), f.__name__
    for g, w in zip(njit(_read_mixed)(a, idx), _read_mixed(a, idx)):
        assert g.shape == w.shape and np.array_equal(g, w)
    for g, w in zip(njit(_read_mixed)(np.asfortranarray(a), idx), _read_mixed(a, idx)):
        assert np.array_equal(g, w)


def test_mask_on_rows():
    a = np.arange(20.0).reshape(4, 5)
    m = np.array([True, False, True, True])
    for g, w in zip(njit(_read_mask_rows)(a, m), _read_mask_rows(a, m)):
        assert g.shape == w.shape and np.array_equal(g, w)
    assert np.array_equal(njit(_assign_mask_rows)(a.copy(), m), _assign_mask_rows(a.copy(), m))


def test_index_array_errors_match_numpy():
    a = np.arange(20.0).reshape(4, 5)
    for f, args in [(_read_mixed, (a, np.array([5]))), (_read_mask_rows, (a, np.array([True, False]))),
                    (_assign_cols, (a.copy(), np.array([-6])))]:
        with pytest.raises(IndexError) as want:
            f(*args)
        with pytest.raises(IndexError) as got:
            njit(f)(*args)
        assert str(got.value) == str(want.value)


@njit
def k_matmul(a, b):
    return a @ b


@njit
def k_dot(a, b):
    return np.dot(a, b)


@pytest.mark.parametrize(
    "sa,sb",
    [((3, 4), (4, 5)), ((4,), (4, 3)), ((3, 4), (4,)), ((5,), (5,)), ((0, 3), (3, 2)), ((3, 0), (0, 2))],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matmul_and_dot(sa, sb, dtype):
    rng = np.random.default_rng(1)
    a, b = rng.random(sa).astype(dtype), rng.random(sb).astype(dtype)
    for f in (k_matmul, k_dot):
        got, want = f(a, b), f.py_func(a, b)
        np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12)
        assert np.shape(got) == np.shape(want)


def test_matmul_any_layout_and_mismatch():
    rng = np.random.default_rng(2)
    a, b = rng.random((6, 5)), rng.random((6, 4))
    np.testing.assert_allclose(k_matmul(a.T, b), a.T @ b, rtol=1e-12)
    np.testing.assert_allclose(k_matmul(a[::2, ::-1], b[:5, ::-1]), a[::2, ::-1] @ b[:5, ::-1], rtol=1e-12)
    with pytest.raises(ValueError, match="mismatch"):
        k_matmul(a, a)


@njit
def k_linalg_bits(a, v, w):
    return np.linalg.norm(a), np.linalg.norm(v), np.trace(a), np.outer(v, w), np.vdot(v, w)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.complex128])
def test_norm_trace_outer_vdot(dtype):
    rng = np.random.default_rng(3)
    a = (rng.random((3, 4)) * 10).astype(dtype)
    v = (rng.random(5) * 10).astype(dtype)
    w = (rng.random(5) * 10).astype(dtype)
    got = k_linalg_bits(a, v, w)
    want = k_linalg_bits.py_func(a, v, w)
    for g, x in zip(got, want):
        np.testing.assert_allclose(g, x, rtol=1e-5 if dtype == np.float32 else 1e-12)
    with pytest.raises(ValueError):
        k_linalg_bits(a, v, w[:3])


# ---------------------------------------------------------------------------
# keepdims=, ddof=, nanvar/nanstd
# ---------------------------------------------------------------------------


@njit
def k_keep(a):
    return (np.sum(a, axis=0, keepdims=True), np.mean(a, axis=-1, keepdims=True), np.max(a, keepdims=True),
            a.min(axis=1, keepdims=True), np.std(a, axis=0, keepdims=True, ddof=1))


@njit
def k_ddof(a, d):
    return np.var(a, ddof=d), np.std(a, ddof=d), np.var(a, axis=0, ddof=d), a.std(axis=1, ddof=d)


@njit
def k_nanvar(a):
    return np.nanvar(a), np.nanstd(a), np.nanvar(a, axis=0), np.nanstd(a, axis=1, ddof=1)


def _same_arrays(got, want):
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, (g.shape, w.shape)
        assert np.allclose(g, w, equal_nan=True, rtol=1e-12, atol=1e-12), (g, w)


@pytest.mark.parametrize("a", [np.arange(12.0).reshape(3, 4), np.asfortranarray(np.arange(12.0).reshape(3, 4)) ** 0.5,
                               np.arange(24.0).reshape(4, 6)[::2, ::3], np.arange(12).reshape(3, 4)])
def test_keepdims(a):
    got = k_keep(a)
    for g in got:
        assert g.ndim == a.ndim
    _same_arrays(got, k_keep.py_func(a))


@pytest.mark.parametrize("d", [0, 1, 2, 5])
def test_ddof(d):
    import warnings

    a = np.random.default_rng(0).random((3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_arrays(k_ddof(a, d), k_ddof.py_func(a, d))


def test_nanvar_nanstd():
    import warnings

    a = np.random.default_rng(1).random((4, 5))
    a[1, 2] = a[3, 0] = nan
    a[2, :] = nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_arrays(k_nanvar(a), k_nanvar.py_func(a))


# ---------------------------------------------------------------------------
# np.ndindex, np.ndenumerate, a.flat in for loops
# ---------------------------------------------------------------------------


@njit
def k_nditer(a):
    s = 0.0
    for idx in np.ndindex(a.shape):
        s += a[idx] * (idx[0] + 1)
    for idx, x in np.ndenumerate(a):
        s = s * 0.5 + x * (idx[-1] + 1)
    for x in a.flat:
        s += x * x
    return s


@njit
def k_ndindex_args(n, m):
    total = 0
    for i, j in np.ndindex(n, m):
        total = total * 3 + i * 10 + j
    return total


@pytest.mark.parametrize("a", [np.arange(12.0).reshape(3, 4), np.arange(24.0).reshape(2, 3, 4)[:, ::2, ::-1],
                               np.arange(6.0), np.asfortranarray(np.arange(12.0).reshape(3, 4)), np.zeros((0, 3)),
                               np.arange(12.0).reshape(3, 4).T])
def test_nd_iteration(a):
    assert k_nditer(a) == k_nditer.py_func(a)


def test_ndindex_arguments():
    for n, m in [(2, 3), (0, 3), (1, 1), (4, 0)]:
        assert k_ndindex_args(n, m) == k_ndindex_args.py_func(n, m)
    with pytest.raises(ValueError, match="negative dimensions are not allowed"):
        k_ndindex_args(-1, 2)


def test_ndenumerate_bool_and_int():
    @njit
    def f(a):
        c = 0
        for idx, x in np.ndenumerate(a):
            if x:
                c += idx[0] * 7 + idx[1]
        return c

    for a in (np.array([[True, False], [False, True]]), np.arange(6).reshape(2, 3) % 2):
        assert f(a) == f.py_func(a)


@njit
def k_cum_axis(a):
    return np.cumsum(a, axis=0), np.cumprod(a, 1), a.cumsum(axis=-1), np.cumsum(a, axis=None)


@pytest.mark.parametrize("a", [np.arange(1, 13.0).reshape(3, 4), np.arange(1, 13).reshape(3, 4)[:, ::-1],
                               np.asfortranarray(np.arange(12).reshape(3, 4) % 3 == 0), np.zeros((0, 2))])
def test_cumsum_cumprod_axis(a):
    for g, w in zip(k_cum_axis(a), k_cum_axis.py_func(a)):
        assert g.dtype == w.dtype and g.shape == w.shape and np.array_equal(g, w)


def test_unsupported_keywords_are_diagnosed_not_ignored():
    from oxjit.errors import TypingError

    @njit
    def f(a):
        return np.median(a, overwrite_input=True)

    with pytest.raises(TypingError, match="`numpy.median` takes no keyword argument `overwrite_input`"):
        f(np.ones((2, 2)))

    @njit
    def g(a):
        return np.unique(a, return_counts=True)

    with pytest.raises(TypingError, match="return_counts"):
        g(np.ones(3))


# ---------------------------------------------------------------------------
# Operators as ufunc functions, out= arguments, order=, np.where(cond)
# ---------------------------------------------------------------------------

UFUNC2 = ["add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "power", "remainder", "mod",
          "greater", "greater_equal", "less", "less_equal", "equal", "not_equal"]


def _ufunc_kernel(name, with_out):
    ns = {"np": np}
    body = f"np.{name}(a, b, out)\n    return out" if with_out else f"return np.{name}(a, b)"
    src = f"def k(a, b, out):\n    {body}\n"
    path = os.path.join(_GEN_DIR, f"uf_{name}_{int(with_out)}.py")
    with open(path, "w") as fh:
        fh.write("import numpy as np\n\n\n" + src)
    mod = importlib.import_module(f"uf_{name}_{int(with_out)}")
    return mod.k


_GEN_DIR = tempfile.mkdtemp(prefix="oxjit_uf_")
sys.path.insert(0, _GEN_DIR)


@pytest.mark.parametrize("name", UFUNC2)
@pytest.mark.parametrize("dtypes", [(np.float64, np.float64), (np.int64, np.int64), (np.int32, np.float32),
                                    (np.float64, "scalar")])
def test_binary_ufunc_functions(name, dtypes):
    import warnings

    a = np.arange(1, 7).reshape(2, 3).astype(dtypes[0])
    b = 2.5 if dtypes[1] == "scalar" else (np.arange(3) + 1).astype(dtypes[1])
    k = _ufunc_kernel(name, False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = k(a, b, None)
        got = njit(k)(a, b, None)
    assert got.dtype == want.dtype and np.array_equal(got, want)
    ko = _ufunc_kernel(name, True)
    out = np.zeros((2, 3), dtype=want.dtype)
    out2 = out.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = njit(ko)(a, b, out)
        ko(a, b, out2)
    assert r is out or np.shares_memory(r, out)
    assert np.array_equal(out, out2)


def test_unary_ufunc_out_and_overlap():
    @njit
    def f(a):
        o = np.empty_like(a)
        np.sqrt(a, o)
        np.exp(a, out=o[::-1])
        b = a.copy()
        np.add(b[1:], b[:-1], b[1:])
        np.negative(b, b)
        return o, b

    a = np.arange(1.0, 9.0)
    for g, w in zip(f(a), f.py_func(a)):
        assert np.array_equal(g, w)


def test_ufunc_out_casting_is_diagnosed():
    from oxjit.errors import TypingError

    @njit
    def f(a):
        o = np.zeros(3, dtype=np.int64)
        np.add(a, 0.5, o)
        return o

    with pytest.raises(TypingError, match="same_kind"):
        f(np.ones(3))


def test_scalar_ufunc_functions():
    @njit
    def f(x, y):
        return np.add(x, y), np.floor_divide(x, y), np.less(x, y), np.power(x, 2)

    assert f(7, 2) == (9, 3, False, 49)
    assert f(7.5, 2.0) == f.py_func(7.5, 2.0)


def test_alloc_order():
    @njit
    def f(n):
        return np.zeros((n, n + 1), order="F"), np.ones((2, 3, 4), np.int32, order="F"), np.empty(n, order="F")

    for g, w in zip(f(3), f.py_func(3)):
        assert g.shape == w.shape and g.dtype == w.dtype and g.flags.f_contiguous == w.flags.f_contiguous
    assert np.array_equal(f(3)[0], f.py_func(3)[0])


def test_where_single_argument():
    @njit
    def f(a):
        return np.where(a > 2)

    a = np.arange(12).reshape(3, 4) % 5
    for g, w in zip(f(a), f.py_func(a)):
        assert np.array_equal(g, w)


def _quantiles_axis(a):
    return (np.median(a, axis=0), np.median(a, 1), np.percentile(a, 30, axis=-1), np.quantile(a, 0.75, axis=0),
            np.median(a[0], axis=0))


@pytest.mark.parametrize("a", [np.arange(20.0).reshape(5, 4) ** 1.5 % 7, np.arange(20).reshape(4, 5)[:, ::-1],
                               np.asfortranarray(np.arange(12.0).reshape(3, 4)), np.array([[1.0, np.nan], [3.0, 4.0]])])
def test_median_percentile_quantile_axis(a):
    for g, w in zip(njit(_quantiles_axis)(a), _quantiles_axis(a)):
        assert np.shape(g) == np.shape(w) and np.allclose(g, w, equal_nan=True, rtol=1e-14, atol=0)


def _reduce_dtype(a, b):
    return (np.sum(a, dtype=np.int8), np.sum(b, dtype=np.float64), b.mean(dtype=np.float64),
            np.prod(a, axis=0, dtype=np.float64), np.mean(a, axis=1, dtype=np.float32), b.sum(axis=0, dtype=np.float64))


def test_reduction_dtype_keyword():
    a = np.arange(1, 13, dtype=np.int64).reshape(3, 4) * 30
    b = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    for g, w in zip(njit(_reduce_dtype)(a, b), _reduce_dtype(a, b)):
        if isinstance(w, np.ndarray):
            assert g.dtype == w.dtype
        assert np.array_equal(g, w)


def _selections_in_a_loop(a, m):
    s = 0.0
    for _ in range(3):
        t = np.nonzero(a)
        s += t[0].shape[0] + np.flatnonzero(a).sum() + np.argwhere(a).sum() + a[a > 0].sum()
        s += a.reshape(5, 1)[m, 0].sum()
    return s


def test_selections_restart_their_count_in_loops():
    # Regression: the counters of nonzero and boolean masks kept their value
    # from the previous iteration.
    a = np.array([0, 1, 2, 0, 3])
    m = np.array([True, False, True, True, False])
    assert njit(_selections_in_a_loop)(a, m) == _selections_in_a_loop(a, m)


def test_review_reduction_edge_cases():
    import warnings

    from oxjit.errors import TypingError

    c = np.array([[1 + 5j, 2 + 0j], [1 + 6j, 3 - 1j], [0 + 9j, 3 - 2j]])

    @njit
    def cmax(a):
        return np.max(a, axis=0), a.min(axis=1), np.max(a, axis=0, keepdims=True)

    for g, w in zip(cmax(c), cmax.py_func(c)):
        assert np.array_equal(g, w)

    @njit
    def nstd(a):
        return np.nanstd(a, axis=1, ddof=3), np.nanvar(a, ddof=5), np.var(a[0], ddof=5)

    a = np.array([[1.0, 2.0], [3.0, np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for g, w in zip(nstd(a), nstd.py_func(a)):
            assert np.array_equal(g, w, equal_nan=True)

    @njit
    def neg():
        return np.empty(-1)

    with pytest.raises(ValueError, match="negative dimensions are not allowed"):
        neg()

    @njit
    def bsum(a):
        return np.sum(a, dtype=np.bool_)

    with pytest.raises(TypingError, match="dtype="):
        bsum(np.ones(3, dtype=np.bool_))

    @njit
    def imatmul(a, b):
        a @= b
        return a

    with pytest.raises(TypingError, match="@="):
        imatmul(np.eye(2), np.eye(2))


def _diffs(a, b):
    return (np.diff(a), np.diff(a, 2), np.diff(a, n=0), np.diff(b, axis=0), np.diff(b), np.diff(b, 2, axis=1),
            np.diff((np.array([1, 5, 3], dtype=np.int8) * 60).astype(np.int8)), np.diff(b > 3), np.diff(b.T, axis=-2))


def test_diff_n_and_axis():
    a = np.arange(8.0) ** 2
    b = np.arange(12).reshape(3, 4) ** 2
    for g, w in zip(njit(_diffs)(a, b), _diffs(a, b)):
        assert g.dtype == w.dtype and g.shape == w.shape and np.array_equal(g, w)


@pytest.mark.parametrize("fn", [
    lambda a: np.concatenate((a, a), axis=2),
    lambda a: np.linalg.norm(a, axis=2),
    lambda a: np.cumsum(a, axis=-3),
    lambda a: np.median(a, axis=2),
    lambda a: np.diff(a, axis=5),
    lambda a: np.sum(a, axis=2),
    lambda a: a.mean(axis=-3, keepdims=True),
])
def test_axis_out_of_range_raises_numpys_axis_error(fn):
    a = np.ones((2, 3))
    with pytest.raises(np.exceptions.AxisError) as want:
        fn(a)
    with pytest.raises(np.exceptions.AxisError) as got:
        njit(fn)(a)
    assert got.value.args == want.value.args


def test_axis_error_only_when_the_call_runs():
    @njit
    def f(a, k):
        if k > 100:
            return np.sum(np.cumsum(a, axis=4))
        return a.sum()

    assert f(np.ones((2, 3)), 1) == 6.0


def _orders(a):
    return (a.reshape((4, 3), order="F"), a.ravel(order="F"), a.flatten(order="F"), np.reshape(a, (2, 6), order="C"),
            a.reshape(-1, 2, order="F"), a.T.ravel(order="F"))


@pytest.mark.parametrize("a", [np.arange(12.0).reshape(3, 4), np.asfortranarray(np.arange(12.0).reshape(3, 4)),
                               np.arange(24.0).reshape(6, 4)[::2]])
def test_reshape_ravel_flatten_order_f(a):
    for g, w in zip(njit(_orders)(a), _orders(a)):
        assert g.shape == w.shape and np.array_equal(g, w)
    # ravel(order='F') of an F-contiguous array is a view, as in NumPy
    if a.flags.f_contiguous:
        assert np.shares_memory(njit(lambda x: x.ravel(order="F"))(a), a)


def test_no_leaks_in_this_sessions_features(no_leaks):
    @njit
    def f(a, idx, m):
        b = a.copy()
        b[:, idx] += 1.0
        c = b[m, 1:]
        o = np.empty_like(a)
        np.add(a, b, o)
        s = np.sum(a, axis=0, keepdims=True).sum() + np.nanstd(a, axis=1).sum() + np.cumsum(a, axis=1).sum()
        for i, j in np.ndindex(a.shape):
            s += a[i, j]
        for idx2, x in np.ndenumerate(c):
            s += x
        s += np.median(a, axis=0).sum() + np.diff(a, 2, axis=1).sum() + a.reshape(-1, order="F").sum()
        return s + o.sum() + np.where(a > 2)[0].sum()

    @njit
    def g(a):
        t = np.ones(10)
        return np.sum(a, axis=5) + t.sum()

    a = np.arange(12.0).reshape(3, 4)
    idx = np.array([0, 2, 2])
    m = np.array([True, False, True])
    for _ in range(3):
        assert f(a, idx, m) == f.py_func(a, idx, m)
        with pytest.raises(np.exceptions.AxisError):
            g(a)


# ---------------------------------------------------------------------------
# np.kron, np.iinfo, np.finfo
# ---------------------------------------------------------------------------


@njit
def k_kron(a, b):
    return np.kron(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (np.arange(3.0), np.array([1, 10])),
        (np.arange(4).reshape(2, 2), np.ones((2, 3))),
        (np.arange(2.0), np.eye(2)),
        (np.eye(3)[:, ::-1], np.arange(3, dtype=np.int32)),
        (np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.array([[1j, 2.0]])),
        (np.zeros((0, 2)), np.ones((2, 2))),
        (np.array([True, False]), np.array([2, 3], dtype=np.uint8)),
    ],
)
def test_kron_matches_numpy(a, b):
    got, want = k_kron(a, b), np.kron(a, b)
    assert got.dtype == want.dtype and got.shape == want.shape and got.flags.c_contiguous
    np.testing.assert_array_equal(got, want)


@njit
def k_iinfo_type(x):
    i = np.iinfo(x)
    return i.min, i.max, i.bits


@njit
def k_iinfo_names():
    return (np.iinfo(np.int8).min, np.iinfo(np.int16).max, np.iinfo(np.int32).max, np.iinfo(np.int64).min,
            np.iinfo(np.uint8).max, np.iinfo(np.uint16).max, np.iinfo(np.uint32).max, np.iinfo(np.uint64).max,
            np.iinfo(np.intp).bits)


@njit
def k_finfo(a):
    f = np.finfo(a.dtype)
    return (f.eps, f.epsneg, f.iexp, f.machep, f.max, f.maxexp, f.min, f.minexp, f.negep, f.nexp, f.nmant,
            f.precision, f.resolution, f.tiny, f.bits, f.smallest_normal)


_FINFO_FIELDS = ("eps", "epsneg", "iexp", "machep", "max", "maxexp", "min", "minexp", "negep", "nexp", "nmant",
                 "precision", "resolution", "tiny", "bits", "smallest_normal")


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64])
def test_iinfo_matches_numpy(dtype):
    info = np.iinfo(dtype)
    assert k_iinfo_type(dtype(3)) == (info.min, info.max, info.bits)
    assert k_iinfo_type(np.zeros(1, dtype)[0]) == (info.min, info.max, info.bits)


def test_iinfo_of_named_types():
    names = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64, np.intp)
    fields = ("min", "max", "max", "min", "max", "max", "max", "max", "bits")
    assert k_iinfo_names() == tuple(getattr(np.iinfo(t), f) for t, f in zip(names, fields))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.complex64])
def test_finfo_matches_numpy(dtype):
    info = np.finfo(dtype)
    got = k_finfo(np.zeros(1, dtype))
    for name, value in zip(_FINFO_FIELDS, got):
        want = getattr(info, name)
        assert value == want, name
        assert isinstance(value, int) == isinstance(want, int), name


@njit
def k_iinfo_of_float(x):
    return np.iinfo(x).max


def test_iinfo_of_a_float_is_a_typing_error():
    with pytest.raises(TypingError, match=r"numpy.iinfo\(\) needs an integer dtype"):
        k_iinfo_of_float(1.5)
