"""np.linalg inside compiled code, against NumPy itself: values (to rounding),
dtypes, shapes, layouts, and NumPy's exceptions."""

import importlib
import os
import sys
import tempfile

import numpy as np
import pytest
from oxjit import njit
from oxjit.errors import TypingError

RNG = np.random.default_rng(2024)
DTYPES = [np.float64, np.float32, np.complex128, np.complex64]


def tol(dtype):
    return 2e-4 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10


def mat(n, m=None, dtype=np.float64, spd=False):
    m = n if m is None else m
    a = RNG.standard_normal((n, m))
    if np.dtype(dtype).kind == "c":
        a = a + 1j * RNG.standard_normal((n, m))
    if spd:
        a = a @ a.conj().T + n * np.eye(n)
    return a.astype(dtype)


def layouts(a):
    """The same matrix as C, F and a strided view."""
    big = np.zeros((a.shape[0] * 2, a.shape[1] * 2), a.dtype)
    big[::2, ::2] = a
    return [a.copy(order="C"), np.asfortranarray(a), big[::2, ::2]]


def close(got, want, dtype):
    """Equal to rounding; arrays also in dtype and shape (scalars come back as
    Python numbers, as from Numba)."""
    array = isinstance(got, np.ndarray)
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    if array:
        assert got.dtype == want.dtype, (got.dtype, want.dtype)
    t = tol(dtype)
    assert np.allclose(got, want, rtol=t, atol=t * max(1.0, float(np.abs(want).max(initial=0.0)))), (got, want)


@njit
def solve(a, b):
    return np.linalg.solve(a, b)


@njit
def inv(a):
    return np.linalg.inv(a)


@njit
def det(a):
    return np.linalg.det(a)


@njit
def slogdet(a):
    return np.linalg.slogdet(a)


@pytest.mark.parametrize("dtype", DTYPES + [np.int64])
@pytest.mark.parametrize("n", [1, 3, 8])
def test_solve_inv_det(dtype, n):
    a = mat(n, dtype=np.float64 if dtype == np.int64 else dtype)
    if dtype == np.int64:
        a = (a * 10).astype(np.int64) + 20 * np.eye(n, dtype=np.int64)
    b1 = mat(n, 1, dtype=a.dtype)[:, 0]
    b2 = mat(n, 2, dtype=a.dtype)
    for x in layouts(a):
        close(solve(x, b1), np.linalg.solve(x, b1), dtype)
        close(solve(x, b2), np.linalg.solve(x, b2), dtype)
        close(inv(x), np.linalg.inv(x), dtype)
        d = det(x)
        assert type(d) is type(np.linalg.det(x).item())
        close(d, np.linalg.det(x), dtype)
        s, ld = slogdet(x)
        ws, wld = np.linalg.slogdet(x)
        close(s, ws, dtype)
        close(ld, wld, dtype)


def test_solve_mixed_dtypes_and_strided_rhs():
    a = mat(4)
    b = np.arange(8, dtype=np.int32)[::2]
    close(solve(a, b), np.linalg.solve(a, b), np.float64)
    af = a.astype(np.float32)
    close(solve(af, b.astype(np.float32)), np.linalg.solve(af, b.astype(np.float32)), np.float32)


def test_singular_and_shape_errors():
    s = np.array([[1.0, 2.0], [2.0, 4.0]])
    for f, args in [(solve, (s, np.ones(2))), (inv, (s,))]:
        with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
            f(*args)
    assert det(s) == 0.0
    assert slogdet(s) == (0.0, -np.inf)
    with pytest.raises(np.linalg.LinAlgError, match="Last 2 dimensions of the array must be square"):
        inv(np.ones((2, 3)))
    with pytest.raises(ValueError) as got:
        solve(np.eye(3), np.ones(2))
    with pytest.raises(ValueError) as want:
        np.linalg.solve(np.eye(3), np.ones(2))
    assert str(got.value) == str(want.value)


def test_empty_matrices():
    e = np.zeros((0, 0))
    assert inv(e).shape == (0, 0)
    assert det(e) == np.linalg.det(e)
    assert solve(e, np.zeros(0)).shape == (0,)


@njit
def cholesky(a):
    return np.linalg.cholesky(a)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cholesky(dtype):
    a = mat(5, dtype=dtype, spd=True)
    for x in layouts(a):
        close(cholesky(x), np.linalg.cholesky(x), dtype)
    with pytest.raises(np.linalg.LinAlgError, match="Matrix is not positive definite"):
        cholesky(-np.eye(3, dtype=dtype))


@njit
def qr(a):
    return np.linalg.qr(a)


@njit
def qr_r(a):
    return np.linalg.qr(a, mode="r")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 4), (6, 3), (3, 6), (1, 1)])
def test_qr_matches_numpy(dtype, shape):
    a = mat(*shape, dtype=dtype)
    for x in layouts(a):
        q, r = qr(x)
        wq, wr = np.linalg.qr(x)
        close(q, wq, dtype)
        close(r, wr, dtype)
        close(qr_r(x), np.linalg.qr(x, mode="r"), dtype)


@njit
def svd(a):
    return np.linalg.svd(a)


@njit
def svd_thin(a):
    return np.linalg.svd(a, full_matrices=False)


@njit
def svd_vals(a):
    return np.linalg.svd(a, compute_uv=False)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4, 4), (6, 3), (3, 6)])
def test_svd(dtype, shape):
    a = mat(*shape, dtype=dtype)
    k = min(shape)
    for x in layouts(a):
        u, s, vh = svd(x)
        wu, ws, wvh = np.linalg.svd(x)
        assert u.shape == wu.shape and vh.shape == wvh.shape and u.dtype == wu.dtype
        close(s, ws, dtype)
        close((u[:, :k] * s) @ vh[:k], x, dtype)
        close(u.conj().T @ u, np.eye(shape[0], dtype=dtype), dtype)
        u, s, vh = svd_thin(x)
        assert u.shape == (shape[0], k) and vh.shape == (k, shape[1])
        close((u * s) @ vh, x, dtype)
        close(svd_vals(x), ws, dtype)


def test_svd_of_nan_raises():
    a = np.eye(3)
    a[1, 1] = np.nan
    with pytest.raises(np.linalg.LinAlgError, match="SVD did not converge"):
        svd(a)


@njit
def eig(a):
    return np.linalg.eig(a)


@njit
def eigvals(a):
    return np.linalg.eigvals(a)


@njit
def eigh(a):
    return np.linalg.eigh(a)


@njit
def eigh_upper(a):
    return np.linalg.eigh(a, UPLO="U")


@njit
def eigvalsh(a):
    return np.linalg.eigvalsh(a)


@pytest.mark.parametrize("dtype", DTYPES)
def test_eig(dtype):
    a = mat(5, dtype=dtype, spd=True)  # real eigenvalues for real input
    for x in layouts(a):
        w, v = eig(x)
        ww = np.linalg.eigvals(x)
        # NumPy 2.5 returns complex results for every real input (so does oxjit under it).
        assert w.dtype == ww.dtype and v.dtype == np.linalg.eig(x)[1].dtype
        close(np.sort_complex(w.astype(np.complex128)), np.sort_complex(ww.astype(np.complex128)), dtype)
        close(x @ v, v * w, dtype)
        close(np.linalg.norm(v, axis=0), np.ones(5, dtype=np.dtype(dtype).type(0).real.dtype), dtype)
        close(np.sort_complex(eigvals(x).astype(np.complex128)), np.sort_complex(ww.astype(np.complex128)), dtype)


NUMPY_2_5 = tuple(int(p) for p in np.__version__.split(".")[:2]) >= (2, 5)


def test_eig_of_real_matrix_with_complex_eigenvalues():
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])
    if NUMPY_2_5:
        # Complex results, as NumPy 2.5 gives them: conjugate pairs.
        w, v = eig(rot)
        ww, wv = np.linalg.eig(rot)
        assert w.dtype == ww.dtype == v.dtype == wv.dtype == np.complex128
        assert np.allclose(np.sort_complex(w), [-1j, 1j])
        assert np.allclose(rot @ v, v * w) and np.allclose(np.linalg.norm(v, axis=0), 1.0)
        assert np.array_equal(v, wv)  # the same normalisation as dgeev here
    else:
        with pytest.raises(ValueError, match="complex eigenvalues"):
            eig(rot)
    w, v = eig(rot.astype(np.complex128))
    assert np.allclose(np.sort_complex(w), [-1j, 1j])


@pytest.mark.parametrize("dtype", DTYPES)
def test_eigh(dtype):
    a = mat(6, dtype=dtype, spd=True)
    for x in layouts(a):
        w, v = eigh(x)
        ww, wv = np.linalg.eigh(x)
        close(w, ww, dtype)
        assert v.dtype == wv.dtype
        close(x @ v, v * w, dtype)
        close(eigvalsh(x), np.linalg.eigvalsh(x), dtype)
    # Only one triangle is read.
    lower = np.tril(a) + np.triu(np.full_like(a, 99), 1)
    close(eigh(lower)[0], np.linalg.eigh(lower)[0], dtype)
    upper = np.triu(a) + np.tril(np.full_like(a, 99), -1)
    close(eigh_upper(upper)[0], np.linalg.eigh(upper, UPLO="U")[0], dtype)


@njit
def lstsq(a, b):
    return np.linalg.lstsq(a, b)


@njit
def lstsq_rcond(a, b, r):
    return np.linalg.lstsq(a, b, rcond=r)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(8, 3), (3, 8), (4, 4)])
def test_lstsq(dtype, shape):
    a = mat(*shape, dtype=dtype)
    for b in (mat(shape[0], 2, dtype=dtype), mat(shape[0], 1, dtype=dtype)[:, 0]):
        x, res, rank, s = lstsq(a, b)
        wx, wres, wrank, ws = np.linalg.lstsq(a, b)
        close(x, wx, dtype)
        close(res, wres, dtype)
        assert rank == wrank
        close(s, ws, dtype)


def test_lstsq_rank_deficient_and_rcond():
    a = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    b = np.array([1.0, 2.0, 3.1])
    x, res, rank, s = lstsq(a, b)
    wx, wres, wrank, ws = np.linalg.lstsq(a, b)
    assert rank == wrank == 1 and res.shape == wres.shape == (0,)
    close(x, wx, np.float64)
    a2 = mat(5, 3) @ np.diag([1.0, 0.6, 0.01])
    for r in (0.5, 0.05, None):
        got, want = lstsq_rcond(a2, np.ones(5), r), np.linalg.lstsq(a2, np.ones(5), rcond=r)
        close(got[0], want[0], np.float64)
        assert got[2] == want[2]
    with pytest.raises(np.linalg.LinAlgError, match="Incompatible dimensions"):
        lstsq(np.ones((3, 2)), np.ones(4))


@njit
def pinv(a):
    return np.linalg.pinv(a)


@njit
def matrix_power(a, n):
    return np.linalg.matrix_power(a, n)


@njit
def cond(a):
    return np.linalg.cond(a)


@njit
def matrix_rank(a):
    return np.linalg.matrix_rank(a)


@pytest.mark.parametrize("dtype", DTYPES)
def test_pinv_cond_rank(dtype):
    for shape in [(4, 4), (6, 3), (3, 6)]:
        a = mat(*shape, dtype=dtype)
        close(pinv(a), np.linalg.pinv(a), dtype)
        close(cond(a), np.linalg.cond(a), dtype)
        assert matrix_rank(a) == np.linalg.matrix_rank(a)
    low = np.outer(np.arange(1.0, 5.0), np.arange(1.0, 4.0)).astype(dtype)
    assert matrix_rank(low) == np.linalg.matrix_rank(low) == 1


@pytest.mark.parametrize("p", [0, 1, 2, 3, 7, -1, -3])
@pytest.mark.parametrize("dtype", DTYPES + [np.int64, np.int32])
def test_matrix_power(p, dtype):
    if np.dtype(dtype).kind == "i":
        a = np.array([[1, 1], [1, 0]], dtype=dtype)
        if p < 0:
            with pytest.raises(TypeError, match="negative power"):
                matrix_power(a, p)
            return
    else:
        a = mat(3, dtype=dtype) + 3 * np.eye(3, dtype=dtype)
    got, want = matrix_power(a, p), np.linalg.matrix_power(a, p)
    close(got, want, dtype)


def test_matrix_power_singular():
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        matrix_power(np.zeros((2, 2)), -1)


ORDS_VEC = [None, 1, 2, 3, 0, 0.5, -1, np.inf, -np.inf]
ORDS_MAT = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


_NORM_DIR = tempfile.mkdtemp(prefix="oxjit_norm_")
sys.path.insert(0, _NORM_DIR)


def norm_fn(ord_, axis=None):
    """A function calling norm with constant ord/axis (compiled code needs them constant)."""
    name = "normfn_" + "".join(c if c.isalnum() else "_" for c in f"{ord_}_{axis}")
    path = os.path.join(_NORM_DIR, name + ".py")
    src = f"import numpy as np\n\n\ndef f(x):\n    return np.linalg.norm(x, {ord_!r}, {axis!r})\n".replace("inf", "np.inf")
    with open(path, "w") as fh:
        fh.write(src)
    return importlib.import_module(name).f


@pytest.mark.parametrize("ord_", ORDS_VEC, ids=str)
@pytest.mark.parametrize("dtype", DTYPES + [np.int64])
def test_vector_norms(ord_, dtype):
    v = (mat(7, 1, dtype=np.float64 if dtype == np.int64 else dtype)[:, 0] * 3).astype(dtype)
    f = norm_fn(ord_)
    got = njit(f)(v)
    want = f(v)
    close(got, want, dtype)


@pytest.mark.parametrize("ord_", ORDS_MAT, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_matrix_norms(ord_, dtype):
    a = mat(4, 6, dtype=dtype)
    f = norm_fn(ord_)
    for x in layouts(a):
        close(njit(f)(x), f(x), dtype)


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("ord_", [None, 1, np.inf], ids=str)
def test_norm_axis(axis, ord_):
    a = mat(4, 6)
    f = norm_fn(ord_, axis)
    close(njit(f)(a), f(a), np.float64)


def test_norm_bad_order_is_diagnosed():
    @njit
    def f(a):
        return np.linalg.norm(a, 3)

    with pytest.raises(TypingError, match="Invalid norm order for matrices"):
        f(np.eye(2))


@njit
def matmul(a, b):
    return a @ b


@njit
def dot(a, b):
    return np.dot(a, b)


@pytest.mark.parametrize(
    "da,db",
    [(np.int64, np.int64), (np.int32, np.int32), (np.int8, np.int16), (np.int64, np.float64), (np.complex128, np.complex128),
     (np.complex64, np.complex64), (np.complex128, np.float64), (np.bool_, np.bool_), (np.uint8, np.uint8)],
)
def test_products_of_other_dtypes(da, db):
    a = (RNG.standard_normal((4, 5)) * 5).astype(da)
    b = (RNG.standard_normal((5, 3)) * 5).astype(db)
    if np.dtype(da).kind == "c":
        a = a + 1j * a[::-1]
    for x, y in [(a, b), (a[0], b), (a, b[:, 0]), (a[0], b[:, 0]), (np.asfortranarray(a), b[::-1])]:
        got, want = matmul(x, y), x @ y
        if isinstance(want, np.generic):
            want = want.item()
            assert type(got) is type(want) and np.isclose(got, want)
        else:
            close(got, want, want.dtype.type)
        got = dot(x, y)
        assert np.allclose(got, np.dot(x, y))


def test_integer_product_wraps_like_numpy():
    a = np.full((2, 2), 2**62, dtype=np.int64)
    assert np.array_equal(matmul(a, a), a @ a)
    b = np.full((2, 2), 100, dtype=np.int8)
    assert np.array_equal(matmul(b, b), b @ b)


def test_stacked_input_is_diagnosed():
    with pytest.raises(TypingError, match="2-d array"):
        inv(np.zeros((2, 3, 3)))


def test_no_leaks(no_leaks):
    @njit
    def f(a, b):
        q, r = np.linalg.qr(a)
        u, s, vh = np.linalg.svd(a)
        x = np.linalg.solve(a, b)
        return q.sum() + r.sum() + s.sum() + x.sum() + np.linalg.det(a)

    a = mat(4) + 4 * np.eye(4)
    for _ in range(3):
        f(a, np.ones(4))
    with pytest.raises(np.linalg.LinAlgError):
        f(np.zeros((4, 4)), np.ones(4))


def test_review_edge_cases():
    """Regressions from review: empty inputs and boolean vdot."""
    with pytest.raises(np.linalg.LinAlgError, match="cond is not defined on empty arrays"):
        cond(np.zeros((0, 0)))
    for x, o in [(np.zeros(0), np.inf), (np.zeros((0, 3)), 2), (np.zeros((0, 3)), np.inf), (np.zeros((0, 3)), 1)]:
        assert njit(norm_fn(o))(x) == 0.0
    with pytest.raises(ValueError, match="zero-size array"):
        njit(norm_fn(-np.inf))(np.zeros(0))

    @njit
    def vd(a):
        return np.vdot(a, a)

    assert vd(np.array([True, True])) is True
    assert vd(np.array([False, False])) is False
