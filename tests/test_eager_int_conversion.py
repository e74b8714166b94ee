"""Eager signatures with narrow integer parameters accept Python and NumPy
integers whose value fits (as Numba converts them); a value that does not fit
raises OverflowError (Numba wraps it silently: a documented difference).
Floats are not converted to integers."""

import numpy as np
import pytest
from oxjit import njit


@njit("int32(int32)")
def inc32(x):
    return x + 1


@njit("uint8(uint8, int16)")
def mix(a, b):
    return a + b


@njit(["int64(int64)", "int32(int32)"])
def twice(x):
    return 2 * x


@pytest.mark.parametrize("v", [5, -7, 2**31 - 2, -(2**31), np.int64(9), np.int8(-3), np.uint16(7), True])
def test_values_that_fit_are_converted(v):
    assert inc32(v) == int(v) + 1


@pytest.mark.parametrize("v", [2**31, -(2**31) - 1, 2**40, np.int64(2**33)])
def test_values_that_do_not_fit_raise_overflow(v):
    with pytest.raises(OverflowError, match="out of bounds for int32"):
        inc32(v)


def test_several_narrow_parameters():
    assert mix(200, -5) == 195
    with pytest.raises(OverflowError, match="uint8"):
        mix(256, 0)
    with pytest.raises(OverflowError, match="uint8"):
        mix(-1, 0)
    with pytest.raises(OverflowError, match="int16"):
        mix(1, 40000)


def test_the_exact_signature_is_preferred():
    # A Python int is int64: the int64 overload runs, no narrowing.
    assert twice(2**40) == 2**41
    assert twice(np.int32(3)) == 6


def test_floats_are_truncated_as_numba_converts_them():
    assert inc32(3.7) == inc32(3)
    assert inc32(-3.7) == inc32(-3)
    with pytest.raises(OverflowError):
        inc32(float("nan"))
