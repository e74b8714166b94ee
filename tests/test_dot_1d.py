"""1-d `a @ b`: short vectors are summed in order without a fused
multiply-add, so the result is NumPy's ([0.1, 0.7] @ [0.3, 0.9] is 0.66, not
0.6599999999999999); long vectors use the GEMM kernel (like BLAS, the last
bits may differ). Both paths agree with NumPy to rounding."""

import numpy as np
import pytest
from oxjit import njit


@njit
def matmul(a, b):
    return a @ b


@njit
def dot(a, b):
    return np.dot(a, b)


def test_short_vectors_match_numpy_exactly():
    a, b = np.array([0.1, 0.7]), np.array([0.3, 0.9])
    assert matmul(a, b) == 0.66 == a @ b
    assert dot(a, b) == np.dot(a, b)


@pytest.mark.parametrize("n", [0, 1, 2, 7, 51, 128])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_short_vectors_are_sequential_sums(n, dtype):
    rng = np.random.default_rng(n)
    a, b = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
    want = dtype(0.0)
    for x, y in zip(a, b):
        want = dtype(want + dtype(x * y))
    assert matmul(a, b) == want
    assert matmul(a[::-1], b[::-1]) == dot(a[::-1].copy(), b[::-1].copy())


@pytest.mark.parametrize("n", [129, 1000, 100_000])
def test_long_vectors_agree_with_numpy(n):
    rng = np.random.default_rng(n)
    a, b = rng.standard_normal(n), rng.standard_normal(n)
    np.testing.assert_allclose(matmul(a, b), a @ b, rtol=1e-12)
    np.testing.assert_allclose(matmul(a[::2], b[::2]), a[::2] @ b[::2], rtol=1e-12)


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="mismatch in its core dimension"):
        matmul(np.ones(3), np.ones(4))
