"""Complex arrays in NumPy's order: comparisons are lexicographic (real parts
first, unless an imaginary part is NaN), a value with a NaN part is NaN in
min/max (it propagates) and in the nan-reductions (it is skipped)."""

import math

import numpy as np
import pytest
from oxjit import njit
from oxjit.errors import TypingError

NAN = math.nan
CASES = [
    [1 + 2j, 3 - 1j, -3 + 1j, 1 + 1j],
    [NAN + 1j, 1 + 2j, -3 + 1j],
    [complex(1, NAN), 1 + 2j, -3 + 1j],
    [1 + 2j, NAN, 3 - 1j],
    [1 + 2j, 1 + 1j, 1 + 3j, 1 + 1j],
]


def lt(a, b):
    return a < b


def le(a, b):
    return a <= b


def gt(a, b):
    return a > b


def ge(a, b):
    return a >= b


def lt_scalar(a):
    return a <= 5


@pytest.mark.parametrize("op", [lt, le, gt, ge], ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_array_comparisons_are_lexicographic(op, dtype):
    vals = [1 + 1j, NAN, complex(1, NAN), 2 - 1j, 1 + 0j, -0.0 + 1j, 3 + 0j]
    a = np.array([x for x in vals for _ in vals], dtype=dtype)
    b = np.array([y for _ in vals for y in vals], dtype=dtype)
    np.testing.assert_array_equal(njit(op)(a, b), op(a, b))


def test_compare_with_a_real_scalar():
    a = np.array([[complex(0.0, -1.0)], [5 + 1j], [5 - 1j]], dtype=np.complex64)
    np.testing.assert_array_equal(njit(lt_scalar)(a), lt_scalar(a))


def k_min(a):
    return np.min(a)


def k_max(a):
    return np.max(a)


def k_argmin(a):
    return np.argmin(a)


def k_argmax(a):
    return np.argmax(a)


def k_nanmin(a):
    return np.nanmin(a)


def k_nanmax(a):
    return np.nanmax(a)


def k_nansum(a):
    return np.nansum(a)


def k_nanmean(a):
    return np.nanmean(a)


def k_nanvar(a):
    return np.nanvar(a)


def k_nanstd(a):
    return np.nanstd(a, ddof=1)


KERNELS = [k_min, k_max, k_argmin, k_argmax, k_nanmin, k_nanmax, k_nansum, k_nanmean, k_nanvar, k_nanstd]


def same(w, g):
    w, g = complex(w), complex(g)
    ok = [(math.isnan(x) and math.isnan(y)) or x == y for x, y in ((w.real, g.real), (w.imag, g.imag))]
    return all(ok)


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_complex_reductions_with_nan(kernel, dtype, case):
    a = np.array(CASES[case], dtype=dtype)
    with np.errstate(all="ignore"):
        want = kernel(a)
        got = njit(kernel)(a)
    if kernel in (k_argmin, k_argmax):
        assert got == want
    else:
        # complex64 sums/means/variances are computed in their own widths; compare values
        assert same(want, got) or np.isclose(complex(want), complex(got), rtol=1e-6), (want, got)


def k_searchsorted(a, v):
    return np.searchsorted(a, v)


def test_searchsorted_of_complex_is_lexicographic():
    a = np.array([1 + 1j, 1 + 2j, 2 + 0j])
    v = np.array([1 + 1.5j, 2, 3 + 0j, 1 + 1j, 0 + 9j])
    np.testing.assert_array_equal(njit(k_searchsorted)(a, v), k_searchsorted(a, v))


def k_interp(x, xp, fp):
    return np.interp(x, xp, fp)


def test_interp_with_complex_samples_is_refused():
    # NumPy interpolates both parts; oxjit refuses rather than dropping one.
    with pytest.raises(TypingError, match="numpy.interp"):
        njit(k_interp)(np.array([0.5]), np.array([0.0, 1.0]), np.array([1 + 1j, 2 + 3j]))
