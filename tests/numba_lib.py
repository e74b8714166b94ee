"""A small library compiled with Numba, as QuantEcon or numba-stats would ship
one: oxjit-compiled code calls into it (tests/test_numba_libraries.py)."""

import numba
import numpy as np
from numba.experimental import jitclass
from numba.extending import overload, register_jitable


@numba.njit
def square(x):
    return x * x


@numba.njit(fastmath=True, cache=False)
def sum_of_squares(a):
    s = 0.0
    for v in a:
        s += square(v)
    return s


@numba.jit(nopython=True)
def find_root(f, lo, hi, tol=1e-12):
    """Bisection on a function passed in: the QuantEcon idiom."""
    flo = f(lo)
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return 0.5 * (lo + hi)


@numba.njit
def clipped(a, bounds=np.array([0.0, 1.0])):
    out = np.empty_like(a)
    for i in range(a.size):
        out[i] = min(max(a[i], bounds[0]), bounds[1])
    return out


@numba.njit(parallel=True)
def row_means(m):
    out = np.empty(m.shape[0])
    for i in numba.prange(m.shape[0]):
        out[i] = m[i].mean()
    return out


@numba.vectorize
def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


@numba.vectorize
def soft_threshold(x, t):
    if x > t:
        return x - t
    if x < -t:
        return x + t
    return 0.0


@numba.njit
def denoise(a, t):
    return soft_threshold(a, t)


@register_jitable
def halve(x):
    return x / 2


@numba.njit
def uses_halve(x):
    return halve(x) + 1


@numba.guvectorize(["void(float64[:], float64[:])"], "(n)->()")
def gu_total(x, out):
    out[0] = x.sum()


@jitclass([("v", numba.float64)])
class Box:
    def __init__(self, v):
        self.v = v


def python_only(x):
    return x


@overload(python_only)
def _python_only_impl(x):
    return lambda x: x
