"""Float powers of zero: inf with the sign of zero for negative exponents, as
NumPy and Numba give (CPython raises ZeroDivisionError for Python floats;
the README documents the choice). Scalars and arrays agree."""

import math

import numpy as np
import pytest
from oxjit import njit


@njit
def power(x, y):
    return x**y


@njit
def array_power(a, y):
    return a**y


@pytest.mark.parametrize(
    "x,y",
    [(0.0, -1.0), (-0.0, -1.0), (0.0, -2.0), (-0.0, -3.0), (0.0, -0.5), (0.0, -math.inf), (-0.0, -2.5)],
)
def test_zero_to_negative_power_is_numpys(x, y):
    got = power(x, y)
    with np.errstate(divide="ignore"):
        want = np.float64(x) ** np.float64(y)
    assert got == want and math.copysign(1, got) == math.copysign(1, want)


def test_arrays_agree_with_numpy():
    a = np.array([0.0, -0.0, 2.0, -2.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        want = a**-1.0
    np.testing.assert_array_equal(array_power(a, -1.0), want)
    assert np.signbit(array_power(a, -1.0)[1])


def test_ordinary_powers_are_unchanged():
    assert power(2.0, -1.0) == 0.5
    assert power(0.0, 0.0) == 1.0
    assert power(0.0, 2.0) == 0.0
