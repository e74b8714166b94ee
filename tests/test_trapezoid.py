"""np.trapezoid in compiled code, against NumPy's own (NumPy 2's name for
trapz). NumPy sums the terms pairwise and oxjit in order, so lanes of more
than a few terms may differ in the last bits: compared with rtol=1e-13."""

import numpy as np
import pytest
from oxjit import njit
from oxjit.errors import TypingError


@njit
def trap_dx(y, dx):
    return np.trapezoid(y, dx=dx)


@njit
def trap_x(y, x):
    return np.trapezoid(y, x)


@njit
def trap_axis0(y, x):
    return np.trapezoid(y, x=x, axis=0)


@njit
def trap_default(y):
    return np.trapezoid(y)


@njit
def trap_axis(y, axis_is_1):
    if axis_is_1:
        return np.trapezoid(y, axis=1)
    return np.trapezoid(y, axis=-2)


def same(got, want):
    if np.ndim(want) == 0:
        # Scalar results come back as Python scalars (float32 ones too: the
        # boxing of NumPy scalar results is tracked in the reliability issue).
        assert np.asarray(got).dtype.kind == np.asarray(want).dtype.kind
        rtol = 1e-6 if np.asarray(want).dtype in (np.float32, np.complex64) else 1e-13
        np.testing.assert_allclose(got, want, rtol=rtol, atol=0)
        return
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)


rng = np.random.default_rng(7)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 9, 200])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.complex128])
def test_dx_matches_numpy(n, dtype):
    y = (rng.standard_normal(n) * 10).astype(dtype)
    for dx in (1.0, 0.25, 3):
        same(trap_dx(y, dx), np.trapezoid(y, dx=dx))


def test_small_lanes_are_bit_exact():
    y = np.array([0.1, 0.7, 0.2])
    assert trap_default(y) == np.trapezoid(y)
    assert trap_dx(np.array([1.0, 2.0]), 0.5) == 0.75


def test_x_as_1d_or_full_shape_and_strided():
    y = rng.standard_normal((4, 7))
    x = np.sort(rng.standard_normal(7))
    same(trap_x(y, x), np.trapezoid(y, x))
    xs = np.sort(rng.standard_normal((4, 7)), axis=1)
    same(trap_x(y, xs), np.trapezoid(y, xs))
    yt = rng.standard_normal((7, 5)).T  # F-ordered view
    same(trap_x(yt, x), np.trapezoid(yt, x))
    xi = np.arange(0, 14, 2)  # integer x
    same(trap_x(y.astype(np.float32), xi), np.trapezoid(y.astype(np.float32), xi))


def test_axis():
    y = rng.standard_normal((3, 5, 4))
    x = np.linspace(0, 1, 3)
    same(trap_axis0(y, x), np.trapezoid(y, x=x, axis=0))
    y2 = rng.standard_normal((6, 5))
    same(trap_axis(y2, True), np.trapezoid(y2, axis=1))
    same(trap_axis(y2, False), np.trapezoid(y2, axis=-2))


def test_nan_and_inf_propagate():
    y = np.array([1.0, np.nan, 2.0])
    assert np.isnan(trap_default(y))
    y = np.array([0.0, np.inf, 1.0])
    assert trap_default(y) == np.trapezoid(y) == np.inf


def test_mismatched_x_raises_value_error():
    with pytest.raises(ValueError, match="matching shapes"):
        trap_x(np.ones(5), np.ones(4))


def test_axis_out_of_range_is_numpys_axis_error():
    @njit
    def f(y):
        return np.trapezoid(y, axis=2)

    with pytest.raises(np.exceptions.AxisError):
        f(np.ones((2, 3)))


def test_bool_y_is_diagnosed():
    with pytest.raises(TypingError, match="numpy.trapezoid"):
        trap_default(np.ones(3, dtype=bool))
