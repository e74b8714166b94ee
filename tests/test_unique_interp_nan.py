"""np.unique collapses NaNs into one (NumPy >= 1.21); np.interp rescues NaN
from infinite samples as NumPy does (interpolating from the other end)."""

import numpy as np
import pytest
from oxjit import njit


@njit
def unique(a):
    return np.unique(a)


@njit
def interp(x, xp, fp):
    return np.interp(x, xp, fp)


@pytest.mark.parametrize(
    "a",
    [
        [np.nan, 1.0, np.nan, 1.0],
        [np.nan, np.nan],
        [np.nan],
        [3.0, np.nan, -1.0, np.nan, 3.0],
        [],
        [1.0, 2.0, 2.0],
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_unique_collapses_nans(a, dtype):
    x = np.array(a, dtype=dtype)
    got, want = unique(x), np.unique(x)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_unique_of_ints_unchanged():
    np.testing.assert_array_equal(unique(np.array([3, 1, 3, 2])), [1, 2, 3])


@pytest.mark.parametrize(
    "fp",
    [
        [0.0, -np.inf, 1.0, 2.0],
        [0.0, np.inf, 1.0, 2.0],
        [np.inf, np.inf, 1.0, 2.0],
        [-np.inf, 0.0, np.inf, 2.0],
        [0.0, 1.0, 2.0, 3.0],
    ],
)
def test_interp_with_infinite_samples(fp):
    xp = np.array([0.0, 1.0, 2.0, 3.0])
    fp = np.array(fp)
    x = np.array([-1.0, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0])
    with np.errstate(all="ignore"):
        want = np.interp(x, xp, fp)
    np.testing.assert_array_equal(interp(x, xp, fp), want)
