"""`typed.List` and `typed.Dict` (oxjit's, with Numba's constructors; and Numba's
classes named inside compiled code)."""

import numba
import numpy as np
import pytest
from oxjit import njit, types
from oxjit.errors import TypingError
from oxjit.typed import Dict, List


@njit
def build(n):
    lst = List()
    for i in range(n):
        lst.append(i * 0.5)
    ints = List.empty_list(types.int64)
    ints.append(3)
    copy = List(lst)
    rows = Dict.empty(key_type=types.int64, value_type=types.float64[:])
    rows[1] = np.ones(2)
    names = List.empty_list(types.unicode_type)
    names.append("a")
    return lst, ints, copy, len(rows), rows[1].sum(), names


def test_typed_constructors_in_compiled_code(no_leaks):
    lst, ints, copy, n, total, names = build(3)
    assert lst == [0.0, 0.5, 1.0] and ints == [3] and copy == lst
    assert (n, total, names) == (1, 2.0, ["a"])
    assert type(ints[0]) is int


@njit
def use_numba_typed(n):
    d = numba.typed.Dict.empty(key_type=numba.types.int64, value_type=numba.types.float64)
    for i in range(n):
        d[i] = i * 1.5
    out = numba.typed.List.empty_list(numba.types.float64)
    for v in d.values():
        out.append(v)
    return out


def test_numbas_typed_classes_inside_compiled_code():
    assert use_numba_typed(3) == [0.0, 1.5, 3.0]


@njit
def grow(lst, d):
    lst.append(1.5)
    d[7] = 2.5
    return len(lst), len(d)


def test_empty_typed_containers_from_python_take_their_declared_types():
    lst = List.empty_list(types.float64)
    d = Dict.empty(types.int64, types.float64)
    assert grow(lst, d) == (1, 1)
    assert lst == [1.5] and d == {7: 2.5} and type(lst) is List and type(d) is Dict
    # Declared types win over the items': an int stored from Python is a float64 item.
    lst2 = List.empty_list(types.float64)
    lst2.append(2)
    assert grow(lst2, Dict.empty(types.int64, types.float64)) == (2, 1)
    assert lst2 == [2.0, 1.5]


@njit
def bad_item_type():
    return List.empty_list(types.Tuple((types.int64,)))


def test_unsupported_declared_type_is_a_diagnostic():
    with pytest.raises(TypingError, match="container item type"):
        bad_item_type()
