"""`a is b` on arrays: true for the same array object passed twice (it was
always false), false for different arrays, even with equal contents or
shared data; a view of a different part is not the array. `a is a[:]` is
true, as in Numba (Python says False: documented)."""

import numpy as np
from oxjit import njit


@njit
def same(a, b):
    return a is b, a is not b


@njit
def view_identity(a):
    return a is a[:], a is a[1:], a[1:] is a[1:]


@njit
def fresh_arrays(n):
    x = np.zeros(n)
    y = np.zeros(n)
    z = x
    return x is y, x is z


def test_same_object_twice():
    a = np.arange(5.0)
    assert same(a, a) == (True, False)


def test_different_objects():
    a = np.arange(5.0)
    assert same(a, a.copy()) == (False, True)
    assert same(a, a.view()) == (False, True)  # shares data, another object
    assert same(np.zeros((2, 3)), np.zeros((2, 3))) == (False, True)


def test_views_made_in_compiled_code():
    assert view_identity(np.arange(6.0)) == (True, False, True)


def test_arrays_made_in_compiled_code():
    assert fresh_arrays(4) == (False, True)
