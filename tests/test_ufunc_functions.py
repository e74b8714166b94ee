"""NumPy functions that had no test calling them: np.angle, np.amin/np.amax
and the bitwise ufuncs called as functions, against NumPy."""

import numpy as np
import pytest
from oxjit import njit


@njit
def k_angle(z):
    return np.angle(z)


@njit
def k_amin_amax(a):
    return np.amin(a), np.amax(a)


@njit
def k_bitwise(a, b):
    return (
        np.bitwise_and(a, b),
        np.bitwise_or(a, b),
        np.bitwise_xor(a, b),
        np.left_shift(a, 2),
        np.right_shift(a, 1),
    )


def test_angle_of_complex_scalars():
    for z in (1 + 1j, -1 + 0j, -1 - 0j, 0j, complex(np.nan, 1.0), 3.0 - 4j):
        got, want = k_angle(z), np.angle(z)
        assert got == want or (np.isnan(got) and np.isnan(want))


@pytest.mark.xfail(
    strict=True,
    reason="np.angle shares cmath.phase's registry variant, which is scalar-only; "
    "needs one registry row per callable",
)
def test_angle_of_complex_arrays():
    z = np.array([1j, -2 + 0.5j, 3 - 3j])
    np.testing.assert_array_equal(k_angle(z), np.angle(z))


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.uint8])
def test_amin_amax(dtype):
    a = np.array([[3, 9, 1], [7, 2, 8]], dtype=dtype)
    assert k_amin_amax(a) == (np.amin(a), np.amax(a))
    f = np.array([1.0, np.nan, -2.0])
    lo, hi = k_amin_amax(f)
    assert np.isnan(lo) and np.isnan(hi)  # NaN propagates, as in NumPy


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.uint16])
def test_bitwise_functions(dtype):
    a = np.array([0, 5, 12, 100], dtype=dtype)
    b = np.array([3, 6, 10, 7], dtype=dtype)
    got = k_bitwise(a, b)
    want = (
        np.bitwise_and(a, b),
        np.bitwise_or(a, b),
        np.bitwise_xor(a, b),
        np.left_shift(a, 2),
        np.right_shift(a, 1),
    )
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
        assert g.dtype == w.dtype
