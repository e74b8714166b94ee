"""Unary minus and invert of narrow integers are computed at the operand's
width, then widened (NumPy's and Numba's values): ~np.uint8(0) is 255, not
2**64 - 1. (The result comes back as a Python int, as in Numba.)"""

import numpy as np
import pytest
from oxjit import njit


@njit
def invert(x):
    return ~x


@njit
def negate(x):
    return -x


CASES = [
    np.uint8(0),
    np.uint8(1),
    np.uint8(200),
    np.int8(5),
    np.int8(-128),
    np.uint16(1),
    np.int16(-32768),
    np.uint32(1),
    np.int32(7),
    np.uint64(3),
    np.int64(-9),
    0,
    -5,
]


@pytest.mark.parametrize("x", CASES, ids=repr)
def test_invert_matches_numpy(x):
    assert invert(x) == int(~x)


@pytest.mark.parametrize("x", [*CASES, True, False], ids=repr)
def test_negate_matches_numpy_wrapping(x):
    with np.errstate(over="ignore"):
        want = -int(x) if isinstance(x, bool) else -x
    assert negate(x) == int(want)
