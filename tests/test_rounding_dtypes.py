"""np.floor/ceil/trunc/fix keep the input dtype as NumPy 2 does, bool
included (np.floor of a bool array was float64); float32 array op Python
float runs in float32 (the product was rounded from double)."""

import numpy as np
import pytest
from oxjit import njit


@njit
def rounders(a):
    return np.floor(a), np.ceil(a), np.trunc(a), np.fix(a)


@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.uint16, np.int64, np.float32, np.float64])
def test_rounding_keeps_dtype(dtype):
    a = np.array([1, 0, 1], dtype=dtype) if dtype is np.bool_ else np.array([-2.5, 0.5, 3.7]).astype(dtype)
    for got, f in zip(rounders(a), (np.floor, np.ceil, np.trunc, np.fix)):
        want = f(a)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


@njit
def scale(a, s):
    return a * s - s


def test_float32_array_times_python_float_is_numpys():
    a = np.random.default_rng(1).standard_normal(2000).astype(np.float32)
    got, want = scale(a, 0.1), a * 0.1 - 0.1
    assert got.dtype == want.dtype == np.float32
    assert (got == want).all()
