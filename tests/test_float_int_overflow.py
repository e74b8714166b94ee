"""Floats that do not fit a 64-bit integer raise OverflowError in int(),
math.floor/ceil/trunc and round() (CPython would make a big int; the old
behaviour saturated silently); math.ldexp with a huge exponent overflows as
CPython's does ("math range error") instead of wrapping the exponent."""

import math

import pytest
from oxjit import njit


@njit
def to_int(x):
    return int(x)


@njit
def floor_int(x):
    return math.floor(x)


@njit
def ldexp(x, e):
    return math.ldexp(x, e)


@pytest.mark.parametrize("x", [0.0, -1.5, 2.0**62, -(2.0**63), 9.223372036854774784e18, -9.223372036854774784e18])
def test_in_range_values_convert(x):
    assert to_int(x) == int(x)
    assert floor_int(x) == math.floor(x)


@pytest.mark.parametrize("x", [1e300, -1e300, 2.0**63, -(2.0**63) * 1.0000001])
def test_out_of_range_values_raise(x):
    with pytest.raises(OverflowError, match="64-bit"):
        to_int(x)
    with pytest.raises(OverflowError, match="64-bit"):
        floor_int(x)


def test_nan_and_inf_keep_cpythons_errors():
    with pytest.raises(ValueError, match="NaN"):
        to_int(math.nan)
    with pytest.raises(OverflowError, match="infinity"):
        to_int(-math.inf)


@pytest.mark.parametrize(
    "x,e",
    [(1.0, 10), (1.0, -1074), (1.0, -2**40), (0.0, 2**40), (math.inf, 5), (-1.5, 1023), (1.0, -1080)],
)
def test_ldexp_matches_cpython(x, e):
    assert ldexp(x, e) == math.ldexp(x, e)


@pytest.mark.parametrize("x,e", [(1.0, 2**40), (1.0, 1024), (2.0, 1023), (1.0, 2**31 + 5), (-1.0, 5000)])
def test_ldexp_overflow_is_a_range_error(x, e):
    with pytest.raises(OverflowError, match="math range error"):
        math.ldexp(x, e)
    with pytest.raises(OverflowError, match="math range error"):
        ldexp(x, e)


def test_ldexp_nan():
    assert math.isnan(ldexp(math.nan, 3))
