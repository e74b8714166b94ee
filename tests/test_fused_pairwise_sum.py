"""np.sum of a 1-d float expression equals NumPy's bit for bit (NumPy sums
the materialised expression pairwise); up to 128 elements it is computed
without a temporary, longer ones are materialised."""

import numpy as np
import pytest
from oxjit import njit


@njit
def sum_sq_diff(a, b):
    d = a - b
    return np.sum(d * d)


@njit
def sum_prod(a, b):
    return np.sum(a * b)


@njit
def sum_strided(a):
    return np.sum(a[::3] * 0.1 + 1.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_length_is_numpys(dtype):
    rng = np.random.default_rng(5)
    for n in list(range(0, 140)) + [200, 255, 256, 257, 1000, 4097]:
        a = rng.standard_normal(n).astype(dtype) * 1e3
        b = rng.standard_normal(n).astype(dtype)
        want = np.sum((a - b) * (a - b))
        got = sum_sq_diff(a, b)
        assert np.asarray(got, dtype=dtype).tobytes() == np.asarray(want).tobytes(), n
        assert sum_prod(a, b) == np.sum(a * b), n


def test_strided_and_special_values():
    rng = np.random.default_rng(6)
    for n in (1, 7, 8, 9, 100, 383, 500):
        a = rng.standard_normal(n)
        assert sum_strided(a) == np.sum(a[::3] * 0.1 + 1.0), n
    assert np.isnan(sum_prod(np.array([1.0, np.nan]), np.ones(2)))
    assert sum_prod(np.array([-0.0]), np.array([1.0])) == 0.0
    assert np.signbit(sum_prod(np.array([-0.0]), np.array([1.0]))) == np.signbit(np.sum(np.array([-0.0])))
