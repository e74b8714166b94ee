"""Calls with tuple and named tuple arguments find their compiled overload without re-typing the
arguments (a structural match), and still pick a new overload when an item's type differs; an int
beyond int64 is typed uint64 on every path, as Numba types it."""

from collections import namedtuple

import numpy as np
from oxjit import njit

P = namedtuple("P", "x y")
Q = namedtuple("Q", "x y")


@njit
def first(t):
    return t[0]


@njit
def ident(x):
    return x


def test_tuple_items_of_other_types_compile_new_overloads():
    assert first((1, 2)) == 1
    assert first((1.5, 2)) == 1.5
    assert first((1, 2.5)) == 1
    assert first((np.ones(2), 1))[0] == 1.0
    assert first(((1, 2), 3)) == (1, 2)
    assert len(first.signatures) == 5
    for _ in range(3):  # repeated calls reuse them
        assert first((1, 2)) == 1 and first((1.5, 2)) == 1.5
    assert len(first.signatures) == 5


def test_named_tuple_classes_and_plain_tuples_are_told_apart():
    assert first(P(1, 2)) == 1
    assert first(Q(3, 4)) == 3
    assert first((5, 6)) == 5
    assert first(P(1.5, 2)) == 1.5
    assert len([s for s in first.signatures if "P(" in str(s)]) == 2
    r = ident(Q(1, 2))
    assert type(r) is Q and r == Q(1, 2)


def test_ints_beyond_int64_are_uint64_on_the_fast_path_too():
    assert ident(1) == 1
    assert ident(2**63) == 2**63
    assert ident(2**64 - 1) == 2**64 - 1
    assert first((2**63, 1)) == 2**63
    assert "uint64" in str(ident.signatures)
