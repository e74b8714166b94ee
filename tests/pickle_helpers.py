"""Jitted functions and ufuncs that the pickling tests send to other
processes: importable ones (pickled by reference) and ones made by a
function (pickled by value)."""

import math

import numpy as np
from oxjit import guvectorize, njit, vectorize

SCALE = 3.0


@njit
def scaled_sum(a):
    s = 0.0
    for x in a:
        s += x * SCALE
    return s


@njit
def calls_other(a):
    return scaled_sum(a) + math.sqrt(4.0)


@vectorize
def lazy_hypot(x, y):
    return math.sqrt(x * x + y * y)


@vectorize(["float64(float64)"])
def eager_square(x):
    return x * x


@guvectorize("(n)->()")
def lazy_total(a, out):
    t = 0.0
    for x in a:
        t += x
    out[0] = t


def make_closure(k):
    """A dispatcher whose function captures `k`: pickled by value."""

    @njit
    def shifted(a):
        return np.sum(a) + k

    return shifted


def make_lambda(p):
    return njit(lambda x: x**p + SCALE)


def apply(f, *args):
    return f(*args)


def make_eager_ufunc(k):
    """An eager @vectorize ufunc made inside a function: not importable."""

    @vectorize(["float64(float64)", "int64(int64)"], identity=0)
    def add_k(x):
        return x + k

    return add_k


def make_eager_gufunc(scale):
    @guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")
    def scaled(a, out):
        for i in range(a.shape[0]):
            out[i] = a[i] * scale

    return scaled
