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


# ---------------------------------------------------------------------------
# Shared with compiled code: no copy, nothing written back
# ---------------------------------------------------------------------------


@njit
def push_and_sum(lst, x):
    lst.append(x)
    return sum(lst)


@njit
def identity(x):
    return x


def test_typed_list_is_shared_not_copied(no_leaks):
    lst = List([1.0, 2.0])
    assert lst._oxjit_refcount == 1
    assert push_and_sum(lst, 3.0) == 6.0
    assert list(lst) == [1.0, 2.0, 3.0]
    # The same object comes back, and compiled code held no reference after.
    assert identity(lst) is lst and lst._oxjit_refcount == 1
    lst[0] = 10
    assert push_and_sum(lst, 0.5) == 15.5 and lst[-1] == 0.5 and type(lst[0]) is float


@njit
def count_words(words, counts):
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return len(counts)


def test_typed_dict_is_shared(no_leaks):
    counts = Dict.empty(types.unicode_type, types.int64)
    words = List(["a", "b", "a"])
    assert count_words(words, counts) == 2
    assert dict(counts) == {"a": 2, "b": 1}
    counts["c"] = 5
    assert count_words(List(["c"]), counts) == 3 and counts["c"] == 6
    del counts["a"]
    assert list(counts.keys()) == ["b", "c"] and "a" not in counts
    with pytest.raises(KeyError):
        counts["zz"]


def test_typed_list_python_protocol():
    lst = List()
    assert len(lst) == 0 and repr(lst) == "ListType[undefined]([])"
    lst.extend([3, 1, 2])
    assert repr(lst) == "ListType[int64]([3, 1, 2])" and str(lst) == "[3, 1, 2]"
    lst.sort()
    assert lst == [1, 2, 3]
    lst.insert(0, 9)
    lst.reverse()
    assert lst == [3, 2, 1, 9] and lst.pop() == 9 and lst.pop(0) == 3
    assert 2 in lst and lst.index(1) == 1 and lst.count(2) == 1
    sub = lst[::-1]
    assert type(sub) is List and sub == [1, 2]
    lst[0:1] = [7, 8]
    del lst[-1]
    assert lst == [7, 8]
    with pytest.raises(IndexError, match="list index out of range"):
        lst[5]
    with pytest.raises(IndexError, match="pop from empty list"):
        List().pop()
    # A value of another type leaves the list as it was.
    with pytest.raises(TypeError):
        lst.append("x")
    with pytest.raises(TypeError):
        lst[0:1] = ["x", 1]
    assert lst == [7, 8]
    lst.clear()
    assert len(lst) == 0 and lst == []


def test_typed_dict_python_protocol():
    d = Dict()
    d[(1, "x")] = 2.5
    assert repr(d) == "DictType[Tuple(int64, unicode_type),float64]({(1, 'x'): 2.5})"
    d.update({(2, "y"): 1.0})
    assert d.get((2, "y")) == 1.0 and d.get((3, "z")) is None and d.get("bad key type", 4) == 4
    assert d.pop((1, "x")) == 2.5 and len(d) == 1
    assert d.setdefault((5, "q"), 9.0) == 9.0 and sorted(d.values()) == [1.0, 9.0]
    assert d == {(2, "y"): 1.0, (5, "q"): 9.0} and d.copy() == d and type(d.copy()) is Dict
    with pytest.raises(TypeError):
        d[(1, "x")] = "not a float"
    assert len(d) == 2


@njit
def grid_rows(rows):
    total = 0.0
    for r in rows:
        total += r.sum()
    rows[0][0] = -1.0
    return total


def test_typed_list_of_arrays_shares_the_arrays(no_leaks):
    rows = List.empty_list(types.float64[::1])
    a = np.arange(3.0)
    rows.append(a)
    rows.append(np.ones(2))
    assert grid_rows(rows) == 5.0
    assert a[0] == -1.0 and rows[0] is not None and rows[0][0] == -1.0


def test_nested_typed_containers_come_out_as_views():
    outer = List.empty_list(types.ListType(types.int64))
    outer.append([1, 2])
    inner = outer[0]
    assert type(inner) is List
    inner.append(3)
    assert list(outer[0]) == [1, 2, 3]


@njit
def make_list(n):
    out = List()
    for i in range(n):
        out.append(i)
    return out


def test_typed_list_made_in_compiled_code_returns_a_list():
    assert make_list(3) == [0, 1, 2]


def test_pickle_round_trip():
    import pickle

    lst = List(["a", "b"])
    d = Dict.empty(types.int64, types.float64)
    d[1] = 0.5
    lst2, d2 = pickle.loads(pickle.dumps((lst, d)))
    assert type(lst2) is List and lst2 == ["a", "b"] and type(d2) is Dict and d2 == {1: 0.5}


def test_untyped_empty_typed_list_argument_is_a_type_error():
    with pytest.raises(TypeError, match="is empty"):
        push_and_sum(List(), 1.0)


def test_typed_containers_do_not_leak(no_leaks):
    for _ in range(50):
        lst = List(["x" * 3, "y"])
        d = Dict()
        d["k"] = np.ones(4)
        push_and_sum(List([1.0]), 2.0)
        count_words(lst, Dict.empty(types.unicode_type, types.int64))
    del lst, d


@njit
def numba_list_sum(lst, d):
    lst.append(4.0)
    d["n"] = len(lst)
    return sum(lst)


def test_numbas_own_typed_containers_as_arguments():
    lst = numba.typed.List([1.0, 2.0])
    d = numba.typed.Dict.empty(numba.types.unicode_type, numba.types.int64)
    assert numba_list_sum(lst, d) == 7.0
    assert list(lst) == [1.0, 2.0, 4.0] and dict(d) == {"n": 3}
