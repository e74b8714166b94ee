"""Hostile sizes: an element or byte count that overflows raises NumPy's
ValueError("array is too big; ...") instead of allocating a wrapped-around
size (np.arange(2**62) used to crash the interpreter); a size that fits but
cannot be allocated raises MemoryError. Nothing leaks."""

import numpy as np
import pytest
from oxjit import njit

TOO_BIG = "array is too big"


@njit
def arange_n(n):
    return np.arange(n)


@njit
def zeros_n(n):
    return np.zeros(n)


@njit
def ones_2d(n, m):
    return np.ones((n, m))


@njit
def empty_3d(n):
    return np.empty((n, n, n), dtype=np.int8)


@pytest.mark.parametrize(
    "call",
    [
        lambda: arange_n(2**62),
        lambda: zeros_n(2**62),
        lambda: zeros_n(2**61),
        lambda: ones_2d(2**32, 2**32),
        lambda: ones_2d(2**31, 2**33),
        lambda: empty_3d(2**22),
    ],
)
def test_overflowing_sizes_raise_numpys_value_error(call):
    with pytest.raises(ValueError, match=TOO_BIG):
        call()


def test_numpy_agrees_on_the_message():
    with pytest.raises(ValueError, match=TOO_BIG):
        np.zeros(2**62)


def test_a_size_that_fits_but_cannot_be_allocated_is_a_memory_error():
    with pytest.raises(MemoryError):
        zeros_n(2**59)  # 4 EiB: fits in the byte count, not in memory


def test_negative_dimensions_are_still_reported_first():
    with pytest.raises(ValueError, match="negative dimensions"):
        ones_2d(-1, 2**62)


def test_ordinary_sizes_still_work_and_nothing_leaks(no_leaks):
    for _ in range(3):
        with pytest.raises(ValueError, match=TOO_BIG):
            arange_n(2**62)
        assert zeros_n(5).shape == (5,)
        assert ones_2d(0, 2**59).shape == (0, 2**59)
        # NumPy refuses this shape even with no elements (its byte-size check
        # multiplies every dimension): so does the boxed result.
        with pytest.raises(ValueError, match=TOO_BIG):
            np.ones((0, 2**62))
        with pytest.raises(ValueError, match=TOO_BIG):
            ones_2d(0, 2**62)
