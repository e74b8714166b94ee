"""np.where(cond, a, b) gives NumPy's result dtype for every mix of scalars
and arrays (np.where(c, True, False) was int64; NumPy gives bool)."""

import numpy as np
import pytest
from oxjit import njit


@njit
def where3(c, a, b):
    return np.where(c, a, b)


COND = np.array([True, False, True])
CASES = [
    (True, False),
    (1, 2.0),
    (1, 2),
    (np.arange(3, dtype=np.int32), 5),
    (np.arange(3.0, dtype=np.float32), 2.5),
    (np.ones(3, bool), np.zeros(3, bool)),
    (np.ones(3, bool), 3),
    (np.uint8(1), np.arange(3, dtype=np.uint8)),
    (np.arange(3, dtype=np.int16), np.arange(3.0)),
]


@pytest.mark.parametrize("a,b", CASES, ids=lambda v: type(v).__name__ if not hasattr(v, "dtype") else str(v.dtype))
def test_where_result_dtype_and_values(a, b):
    got, want = where3(COND, a, b), np.where(COND, a, b)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
