"""np.sum / np.mean of float and complex arrays are bit-exact with NumPy:
pairwise runs, NumPy's axis order and buffered chunks (oxjit_runtime/src/sum.rs)."""

import numpy as np
import pytest
from oxjit import njit

DTYPES = [np.float64, np.float32, np.complex128, np.complex64]


def bits_equal(x, y):
    y = np.asarray(y)
    # Scalars come back as Python floats/complexes (as in Numba): exact for
    # float32/complex64 too, so compare them in NumPy's result dtype.
    x = np.asarray(x, dtype=y.dtype) if y.ndim == 0 else np.asarray(x)
    return x.shape == y.shape and x.dtype == y.dtype and x.tobytes() == y.tobytes()


def data(shape, dt, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 10.0 ** rng.uniform(-6, 6, shape)
    if np.dtype(dt).kind == "c":
        x = x + 1j * rng.standard_normal(shape) * 10.0 ** rng.uniform(-6, 6, shape)
    return x.astype(dt)


@njit
def s_all(a):
    return np.sum(a)


@njit
def s_meth(a):
    return a.sum()


@njit
def m_all(a):
    return np.mean(a)


@njit
def m_meth(a):
    return a.mean()


@njit
def s_ax0(a):
    return np.sum(a, axis=0)


@njit
def s_ax1(a):
    return a.sum(axis=1)


@njit
def s_axm1(a):
    return np.sum(a, axis=-1)


@njit
def m_ax0(a):
    return np.mean(a, axis=0)


@njit
def m_axm1(a):
    return a.mean(axis=-1)


@njit
def s_prod(a, b):
    return np.sum(a * b)


@njit
def s_add(a, b):
    return np.sum(a + b)


@njit
def m_expr(a, b):
    return np.mean(a - 2.0 * b)


def check_all(c):
    assert bits_equal(s_all(c), np.sum(c)), (c.shape, c.strides)
    assert bits_equal(s_meth(c), c.sum())
    if c.size:
        assert bits_equal(m_all(c), np.mean(c)), (c.shape, c.strides)
        assert bits_equal(m_meth(c), c.mean())


def check_axes(c):
    assert bits_equal(s_ax0(c), np.sum(c, axis=0)), (c.shape, c.strides)
    assert bits_equal(s_axm1(c), np.sum(c, axis=-1)), (c.shape, c.strides)
    if c.ndim > 1:
        assert bits_equal(s_ax1(c), c.sum(axis=1)), (c.shape, c.strides)
    if c.size:
        assert bits_equal(m_ax0(c), np.mean(c, axis=0)), (c.shape, c.strides)
        assert bits_equal(m_axm1(c), c.mean(axis=-1)), (c.shape, c.strides)


def test_the_motivating_case():
    assert s_all(np.full(29, 0.1)) == 2.900000000000001
    assert np.sum(np.full(29, 0.1)) == 2.900000000000001


@pytest.mark.parametrize("dt", DTYPES)
def test_1d_every_size(dt):
    x = data(1000, dt)
    for n in list(range(0, 301)) + [1000]:
        check_all(x[:n].copy())


@pytest.mark.parametrize("dt", DTYPES)
def test_1d_large_and_strided(dt):
    x = data(200_003, dt, seed=1)
    for c in [x[:100_000], x[::2], x[::-1], x[1::3], x[::-7]]:
        check_all(c)
        check_axes(c)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(3, 5), (9, 17), (17, 130), (130, 9), (0, 4), (4, 0),
                                   (1, 200), (300, 99), (99, 300), (90, 91), (3, 20000)])
def test_2d_layouts(dt, shape):
    x = data(shape, dt, seed=2)
    for c in [x, np.asfortranarray(x), x[:, ::2], x[::-1], x[:, ::-1], x.T, x[::2, 1:], x[:, 1:]]:
        check_all(c)
        check_axes(c)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(3, 4, 5), (9, 10, 20), (2, 130, 3), (20, 3, 40),
                                   (6, 41, 99), (7, 60, 99), (5, 30, 121)])
def test_3d_layouts(dt, shape):
    x = data(shape, dt, seed=3)
    for c in [x, np.asfortranarray(x), x.transpose(1, 0, 2), x[:, ::2], x[..., ::-2],
              x.transpose(2, 0, 1), x[:, 1:, :-1], np.asfortranarray(x)[1:]]:
        check_all(c)
        check_axes(c)


def test_nan_inf_and_signed_zero():
    for c in [np.array([np.nan, 1.0]), np.array([np.inf, -np.inf, 1.0]),
              np.full(10, -0.0), np.array([-0.0]), np.full(200, np.inf)]:
        check_all(c)


@pytest.mark.parametrize("dt", DTYPES)
def test_fused_expressions(dt):
    for n in [0, 1, 7, 29, 128, 129, 1000, 100_000]:
        a = data(n, dt, seed=4)
        b = data(n, dt, seed=5)
        assert bits_equal(s_add(a, b), np.sum(a + b)), n
        if np.dtype(dt).kind == "f":
            assert bits_equal(s_prod(a, b), np.sum(a * b)), n
        if n:
            assert bits_equal(m_expr(a, b), np.mean(a - 2.0 * b)), n
    a = data((40, 300), dt, seed=6)
    b = data((40, 300), dt, seed=7)
    assert bits_equal(s_add(a, b), np.sum(a + b))
    x, y = a[:, ::3], b[:, 1::3]
    assert bits_equal(s_add(x, y), np.sum(x + y))
    if np.dtype(dt).kind == "f":
        # (oxjit's complex products can differ from NumPy's in the last bit
        # already, before any summation: only float products are compared.)
        assert bits_equal(s_prod(a, b), np.sum(a * b))
        assert bits_equal(s_prod(x, y), np.sum(x * y))
