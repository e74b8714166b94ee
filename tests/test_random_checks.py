"""NumPy's parameter checks in the legacy np.random functions (the values
that returned a draw before: geometric(0.0), binomial(10, 1.1), NaN
parameters) and integer parameters of any width (randint(np.int32(5)) used
to produce invalid IR)."""

import math

import numpy as np
import pytest
from oxjit import njit


@njit
def geometric(p):
    return np.random.geometric(p)


@njit
def binomial(n, p):
    return np.random.binomial(n, p)


@njit
def poisson(lam):
    return np.random.poisson(lam)


@njit
def randint1(high):
    return np.random.randint(high)


@njit
def randint2(low, high):
    return np.random.randint(low, high)


def numpy_message(f, *args):
    with pytest.raises(ValueError) as info:
        f(*args)
    return str(info.value)


@pytest.mark.parametrize("p", [0.0, -0.5, 1.5, math.nan])
def test_geometric_checks_p(p):
    want = numpy_message(np.random.geometric, p)
    with pytest.raises(ValueError, match=want.replace("(", r"\(")):
        geometric(p)


@pytest.mark.parametrize("n,p", [(10, 1.1), (10, -0.1), (10, math.nan), (-1, 0.5), (-1, 1.1)])
def test_binomial_checks_n_and_p_in_numpys_order(n, p):
    want = numpy_message(np.random.binomial, n, p)
    with pytest.raises(ValueError) as info:
        binomial(n, p)
    assert str(info.value) == want


@pytest.mark.parametrize("lam", [-1.0, math.nan, 1e19])
def test_poisson_checks_lam(lam):
    want = numpy_message(np.random.poisson, lam)
    with pytest.raises(ValueError) as info:
        poisson(lam)
    assert str(info.value) == want


def test_valid_parameters_still_draw_numpys_values():
    @njit
    def seeded():
        np.random.seed(3)
        return np.random.geometric(0.25), np.random.binomial(10, 0.3), np.random.poisson(2.0)

    np.random.seed(3)
    want = (np.random.geometric(0.25), np.random.binomial(10, 0.3), np.random.poisson(2.0))
    assert seeded() == want


@pytest.mark.parametrize("ty", [np.int8, np.int16, np.int32, np.uint8, np.uint32, np.int64])
def test_randint_with_narrow_integer_bounds(ty):
    for _ in range(20):
        assert 0 <= randint1(ty(5)) < 5
        assert 2 <= randint2(ty(2), ty(7)) < 7
    with pytest.raises(ValueError, match="low >= high"):
        randint2(ty(7), ty(2))
