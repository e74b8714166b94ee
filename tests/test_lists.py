"""Python lists in compiled code (Numba's ``list(T)``; reflected lists when passed in), against
CPython: construction, comprehensions, methods, indexing, slicing, operators, builtins, item
types, list arguments mutated in place, CPython's exceptions, leaks, edge values, diagnostics.

``check`` runs the plain and the compiled function on separate deep copies of the arguments and
requires the same result (item types too; NumPy scalars in CPython's result count as Python
scalars, which compiled code returns, as Numba) or the same exception (type and message), and
list arguments left alike. Deliberate differences from CPython have their own tests, each with a
comment: item types unify (``[1, 2.5]`` is ``[1.0, 2.5]``), ``sum`` of an empty float list is
``0.0``, ``list.index``'s message, NaN sorts last.
"""

import copy
import functools
import math
import sys

import numpy as np
import pytest
from conftest import outcome, same_value
from oxjit import njit
from oxjit.errors import TypingError

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

jit = functools.lru_cache(maxsize=None)(njit)  # one dispatcher per function


def py(value):
    """NumPy scalars made by CPython as Python scalars (compiled code returns those)."""
    return value.item() if isinstance(value, np.generic) else value


def same(want, got, where="result"):
    """Exact equality, lists and tuples item by item (a list must come back as a ``list``)."""
    want = py(want)
    if isinstance(want, (list, tuple)):
        assert type(got) is type(want), f"{where}: got {got!r} ({type(got).__name__}), want {want!r}"
        assert len(got) == len(want), f"{where}: got {got!r}, want {want!r}"
        for i, (w, g) in enumerate(zip(want, got)):
            same(w, g, f"{where}[{i}]")
    else:
        assert same_value(want, got), f"{where}: got {got!r} ({type(got).__name__}), want {want!r} ({type(want).__name__})"


def check(fn, *args, message=True):
    """``jit(fn)(*args)`` against ``fn(*args)`` on deep copies of the arguments: the same result
    or exception (type, and args unless ``message=False``), list arguments mutated alike, and a
    list argument returned as itself exactly when CPython returns it."""
    py_args, jit_args = copy.deepcopy(args), copy.deepcopy(args)
    want = outcome(fn, *py_args)
    got = outcome(jit(fn), *jit_args)
    name = fn.__name__
    if want[0] == "raise":
        assert got[0] == "raise", f"{name}: expected {want[1].__name__}{want[2]}, got {got[1]!r}"
        assert got[1] is want[1], f"{name}: raised {got[1].__name__}{got[2]}, CPython {want[1].__name__}{want[2]}"
        if message:
            assert got[2] == want[2], f"{name}: message {got[2]!r} != CPython's {want[2]!r}"
    else:
        assert got[0] == "ok", f"{name}: raised {got[1].__name__}{got[2]}, CPython returned {want[1]!r}"
        same(want[1], got[1], name)
        for p, j in zip(py_args, jit_args):
            if isinstance(p, list):
                assert (want[1] is p) == (got[1] is j), f"{name}: identity of the returned list argument"
    for i, (p, j) in enumerate(zip(py_args, jit_args)):
        same(p, j, f"{name}: argument {i} after the call")
    return got[1] if got[0] == "ok" else None


def cases(*items):
    """pytest params ``(fn, args)`` from tuples ``(fn, *args)``, named after the function."""
    out, seen = [], {}
    for fn, *args in items:
        k = seen[fn.__name__] = seen.get(fn.__name__, -1) + 1
        out.append(pytest.param(fn, tuple(args), id=f"{fn.__name__}-{k}"))
    return out


FLOATS = np.array([3.5, -1.0, 0.0, 2.25, -7.5, 1.0])
INTS = np.array([4, -2, 0, 9, -2, 7])

# ---------------------------------------------------------------------------
# 1. Literals and construction
# ---------------------------------------------------------------------------


def literals(x):
    return [1, 2, 3], [1.5, -0.0, 2.0], [x, x * 2, -x]


def appends(n):
    a = []
    b = list()
    for i in range(n):
        a.append(i * 0.5)
        b.append(i - 2)
    return a, b


def from_ranges(n):
    return list(range(n)), list(range(10, 0, -3)), list((1, 2, 3))


def from_array(a):
    return list(a)


def from_list(x):
    base = [1, 2, 3]
    other = list(base)  # a copy
    other.append(x)
    other[0] = 7
    return base, other


def comp_squares(n):
    return [i * i for i in range(n)]


def comp_filter_array(a):
    return [x for x in a if x > 0]


def comp_enumerate_zip(a, b):
    return [i * x for i, x in enumerate(a)], [x - y for x, y in zip(a, b)]


def comp_over_lists(n):
    xs = [i - 3 for i in range(n)]
    ys = [i * 1.5 for i in range(n + 2)]
    return [x * 2 for x in xs if x > 0], [(i, y) for i, y in enumerate(ys)], [x + y for x, y in zip(xs, ys)]


def comp_nested(n):
    return [[j for j in range(i + 1)] for i in range(n)]


@pytest.mark.parametrize("fn,args", cases(
    (literals, 3), (literals, 2.5), (appends, 4), (appends, 0), (from_ranges, 5), (from_ranges, 0),
    (from_array, FLOATS), (from_array, INTS), (from_array, FLOATS > 0), (from_array, np.zeros(0)),
    (from_array, FLOATS[::-2]), (from_list, 4),
    (comp_squares, 6), (comp_squares, 0), (comp_filter_array, FLOATS), (comp_filter_array, -np.ones(3)),
    (comp_enumerate_zip, FLOATS, INTS[:4]), (comp_over_lists, 7), (comp_over_lists, 0), (comp_nested, 4),
))
def test_construction(fn, args):
    check(fn, *args)


def mixed_literal():
    return [1, 2.5]


def mixed_appends():
    a = []
    a.append(1)
    a.append(2.5)
    b = [1, 2]
    b.append(2.5)
    return a, b


def float_list_int_store():
    out = [1.5, 2.5]
    out[0] = 3
    out.append(True)
    return out


@pytest.mark.parametrize("fn,want", [
    (mixed_literal, [1.0, 2.5]),
    (mixed_appends, ([1.0, 2.5], [1.0, 2.0, 2.5])),
    (float_list_int_store, [3.0, 2.5, 1.0]),
])
def test_item_types_unify_as_in_numba(fn, want):
    # Deliberate difference: a list has one item type, the unification of everything stored in
    # it, so ints and bools become floats (CPython keeps [1, 2.5]). This is Numba's answer.
    got = jit(fn)()
    same(want, got)
    assert fn() == want  # equal values, only the item types differ


# ---------------------------------------------------------------------------
# 2. Methods
# ---------------------------------------------------------------------------


def m_append(n):
    out = [0.5]
    for i in range(n):
        out.append(i * 2.0)
    return out, len(out)


def m_extend(a):
    out = [1, 2]
    out.extend([3, 4])
    out.extend((5, 6))
    out.extend(range(2))
    out.extend(out)
    floats = [0.5]
    floats.extend(a)
    return out, floats


def m_insert(i):
    out = [0, 1, 2]
    out.insert(i, 9)
    return out


def m_pops():
    out = [0, 1, 2, 3, 4, 5]
    return out.pop(), out.pop(0), out.pop(-1), out.pop(1), out


def m_pop_at(i):
    out = [10, 11, 12]
    return out.pop(i), out


def m_remove(x):
    out = [1, 2, 1, 3]
    out.remove(x)
    return out


def m_clear_copy_reverse(n):
    out = list(range(n))
    out.reverse()
    other = out.copy()
    other.append(-1)
    out.clear()
    k = len(out)
    out.append(7)
    return out, k, other


def m_index(x):
    out = [5, 6, 5, 7]
    return out.index(x)


def m_index_range():
    out = [5, 6, 5, 7]
    return out.index(5, 1), out.index(7, 0, 4), out.index(5, -2)


def m_count(x):
    out = [1.0, 2.0, 1.0, -0.0]
    return out.count(x)


def m_sort(a):
    out = list(a)
    out.sort()
    down = list(a)
    down.sort(reverse=True)
    return out, down


def m_sort_key_abs(a):
    out = list(a)
    out.sort(key=abs)
    return out


def m_sort_key_lambda(a):
    out = list(a)
    out.sort(key=lambda x: abs(x), reverse=True)
    return out


def m_sorted(a):
    out = list(a)
    return sorted(out), out, sorted(out, reverse=True), sorted(out, key=lambda x: -x)


@pytest.mark.parametrize("fn,args", cases(
    (m_append, 3), (m_append, 0), (m_extend, FLOATS),
    (m_insert, 0), (m_insert, 1), (m_insert, 3), (m_insert, -1), (m_insert, 100), (m_insert, -100),
    (m_pops,), (m_pop_at, 0), (m_pop_at, 2), (m_pop_at, -1), (m_pop_at, -3),
    (m_remove, 1), (m_remove, 3), (m_clear_copy_reverse, 5), (m_clear_copy_reverse, 0),
    (m_index, 5), (m_index, 7), (m_index_range,), (m_count, 1.0), (m_count, 0.0), (m_count, 9.0),
))
def test_methods(fn, args):
    check(fn, *args)


SORT_INPUTS = [
    FLOATS, INTS, np.array([3, -1, 1, -3, 2, 1]),
    np.array([0.0, -0.0, -1.0, -0.0, 0.0, 1.0]),  # stable: equal zeros keep their order
    np.array([2.0, -2.0, 1.5, -1.5, 2.0]), np.arange(20.0)[::-1], np.zeros(0), np.array([7]),
]


@pytest.mark.parametrize("fn", [m_sort, m_sort_key_abs, m_sort_key_lambda, m_sorted])
@pytest.mark.parametrize("a", SORT_INPUTS, ids=range(len(SORT_INPUTS)))
def test_sorting(fn, a):
    # Numba rejects `key=abs` (a builtin as key); CPython's answer is the one to match.
    check(fn, a)


# ---------------------------------------------------------------------------
# 3. Indexing and slicing
# ---------------------------------------------------------------------------


def at(i):
    out = [10, 20, 30, 40]
    return out[i]


def set_at(i, v):
    out = [1.5, 2.5, 3.5]
    out[i] = v
    return out


def slices():
    out = list(range(6))
    part = out[:]  # a copy
    part[0] = 9
    return out[1:3], out[::-1], out[::2], out[-3:], out[:0], out[4:100], out[-100:2], out[5:1:-2], part


def slice_var(a, b, c):
    out = list(range(6))
    return out[a:b:c]


def del_at(i):
    out = list(range(5))
    del out[i]
    return out


def del_slices():
    a = list(range(6))
    del a[1:3]
    b = list(range(6))
    del b[-2:]
    c = list(range(6))
    del c[:]
    d = list(range(10))
    del d[::3]
    e = list(range(10))
    del e[8:1:-2]
    f = list(range(4))
    f.__delitem__(1)  # what `del f[1]` calls
    return a, b, c, d, e, f


@pytest.mark.parametrize("fn,args", cases(
    (at, 0), (at, 3), (at, -1), (at, -4), (set_at, 0, 9.5), (set_at, -1, -0.0), (set_at, 1, 4.0),
    (slices,), (slice_var, 1, 5, 1), (slice_var, 5, 1, -2), (slice_var, -100, 100, 3), (slice_var, 4, 2, 1),
    (slice_var, -2, -6, -1),
    (del_at, 0), (del_at, 2), (del_at, -1), (del_at, -5), (del_slices,),
))
def test_indexing_and_slicing(fn, args):
    check(fn, *args)


# ---------------------------------------------------------------------------
# 4. Operators and builtins
# ---------------------------------------------------------------------------


def contains_len_repeat(n):
    out = [1, 2]
    return n in out, n not in out, len(out * n), len(list(range(n))), out * n, n * out


def concat():
    a = [1, 2]
    b = [3, 4, 5]
    c = a + b
    c[0] = 9
    alias = a
    a += [6, 7]  # in place: `alias` sees it
    return c, a, b, alias


def compare():
    a = [1, 2]
    return a == [1, 2], a != [1, 2], a == [1, 3], a != [1, 3], a == [1, 2, 3], [1.0, 2.0] == [1.0, 2.0, 3.0]


def iterate(n):
    xs = [i + 1 for i in range(n)]
    ys = [0.5, 1.5, 2.5]
    out = 0.0
    for x in ys:
        out += x
    for i, x in enumerate(xs):
        out += i * x
    for x, y in zip(xs, ys):
        out += x * y
    return out


def reductions(a):
    out = list(a)
    return sum(out), min(out), max(out)


def any_all(a):
    out = list(a)
    return any(out), all(out)


def truthiness(n):
    out = list(range(n))
    if out:
        return 1, not out, bool(out)
    return 0, not out, bool(out)


def to_array(n):
    out = [i * 0.5 for i in range(n)]
    return np.array(out), np.asarray(out)


def to_array_ints(n):
    out = [i - 1 for i in range(n)]
    return np.array(out), np.asarray(out)


@pytest.mark.parametrize("fn,args", cases(
    (contains_len_repeat, 2), (contains_len_repeat, 3), (contains_len_repeat, 1), (contains_len_repeat, 0),
    (contains_len_repeat, -2), (concat,), (compare,), (iterate, 5), (iterate, 2), (iterate, 0),
    (reductions, FLOATS), (reductions, INTS), (reductions, np.array([2.5])),
    (any_all, FLOATS), (any_all, INTS[3:]), (any_all, np.zeros(3)), (any_all, np.zeros(0)), (any_all, FLOATS > 9),
    (truthiness, 0), (truthiness, 2), (to_array, 4), (to_array, 0), (to_array_ints, 3),
))
def test_operators_and_builtins(fn, args):
    check(fn, *args)


def reductions_sum(a):
    return sum(list(a))


def test_sum_of_an_empty_float_list_is_a_float():
    # Deliberate difference (Numba's): `sum` of a list(float64) is a float64, 0.0 when empty;
    # CPython's `sum([])` is the int 0 (its start value).
    same(0.0, jit(reductions_sum)(np.zeros(0)))
    same(0, reductions_sum(np.zeros(0)))


# ---------------------------------------------------------------------------
# 5. Item types
# ---------------------------------------------------------------------------


def items_bool(a):
    out = [x > 0 for x in a]
    out.append(False)
    return out, sum(out)


def items_complex():
    out = [1 + 2j, -3j]
    out.append(complex(0.5, -0.0))
    return out, sum(out), out[1]


def items_tuples(n):
    out = [(i, i * 0.5) for i in range(n)]
    out.append((7, -1.5))
    a, b = out[0]
    out.sort()
    return out, a + b


def items_arrays(n):
    out = [np.zeros(3) for _ in range(n)]
    out[0][1] = 5.0  # in place: visible through the list
    for x in out:
        x += 1.0
    return out


def items_aliases():
    a = np.zeros(3)
    arrays = [a, a]
    arrays[0][0] = 1.0
    inner = [1]
    lists = [inner, inner]
    inner.append(2)
    lists[0][0] = 7
    return a, arrays, lists


def items_lists():
    out = [[1, 2], [3]]
    out[1].append(4)
    inner = out[0]
    inner.append(9)
    out.append([5, 6])
    return out, len(out[1]), out[0][-1]


@pytest.mark.parametrize("fn,args", cases(
    (items_bool, FLOATS), (items_complex,), (items_tuples, 3), (items_tuples, 0),
    (items_arrays, 3), (items_aliases,), (items_lists,),
))
def test_item_types(fn, args):
    # Numba gets items_arrays wrong: `x += 1.0` on the items of `for x in out` is not seen in the list.
    check(fn, *args)


# ---------------------------------------------------------------------------
# 6. Python lists as arguments (reflected lists)
# ---------------------------------------------------------------------------


def r_read(lst):
    total = 0
    for x in lst:
        total += x
    return total, lst[0], lst[-1], len(lst)


def r_mutate(lst):
    lst.append(lst[0])
    lst[0] = lst[-2]
    x = lst.pop(1)
    lst.sort()
    return x


def r_identity(lst):
    return lst


def r_extend_clear(lst, more):
    lst.extend(more)
    more.clear()
    return len(lst)


def r_new_lists(lst):
    out = list(lst)
    out.append(lst[0])
    return out, sorted(lst), lst.copy()


def r_mutate_then_raise(lst):
    lst.append(5)
    lst[0] = 9
    return lst[10]


def r_arrays(lst):
    lst.append(np.ones(2))
    lst[0][0] = 7.0
    lst[1] = np.zeros(1)
    return len(lst)


def r_array_items(lst):
    return [lst[1], lst[0]]


def r_tuples(lst):
    lst.append((5, 6.5))
    return lst[0][1]


@pytest.mark.parametrize("fn,args", cases(
    (r_read, [1, 2, 3]), (r_read, [0.5, -1.5]), (r_read, [True, False, True]),
    (r_mutate, [1, 2, 3]), (r_mutate, [1.5, 2.5, 0.5]), (r_mutate, [True, False]),
    (r_identity, [1, 2]), (r_extend_clear, [1, 2], [3, 4]), (r_new_lists, [4, 5, 1]), (r_mutate_then_raise, [1, 2]),
    (r_arrays, [np.zeros(2), np.arange(3.0)]), (r_array_items, [np.zeros(2), np.arange(3.0)]),
    (r_tuples, [(1, 2.5)]), (r_new_lists, [2**63 - 1, -2**63, 0]), (r_extend_clear, [2**63 - 1], [-2**63, 1]),
))
def test_reflected_lists(fn, args):
    check(fn, *args)


def test_reflected_list_is_mutated_in_place():
    lst = [3, 1, 2]
    assert jit(r_mutate)(lst) == 1
    assert lst == [2, 2, 3] and all(type(x) is int for x in lst)
    assert jit(r_identity)(lst) is lst
    out = jit(r_new_lists)(lst)[0]
    assert type(out) is list and out is not lst and out == [2, 2, 3, 2] and lst == [2, 2, 3]


def r_store(lst, x):
    lst[0] = x
    lst.append(x)


def test_reflected_list_stores_convert_to_the_item_type():
    # Deliberate difference (Numba's): a stored value takes the list's item type, so the caller's
    # float list gets 9.0 where CPython stores the int 9.
    lst = [1.5, 2.5]
    jit(r_store)(lst, 9)
    same([9.0, 2.5, 9.0], lst)


def test_reflected_list_of_arrays_keeps_the_array_objects():
    a, b = np.zeros(2), np.arange(3.0)
    lst = [a, b]
    out = jit(r_array_items)(lst)
    assert out[0] is b and out[1] is a
    jit(r_arrays)(lst)
    assert lst[0] is a and a[0] == 7.0  # mutated in place, still the caller's array
    assert len(lst) == 3 and same_value(lst[1], np.zeros(1)) and same_value(lst[2], np.ones(2))


def test_empty_list_argument_is_rejected():
    # Numba cannot type an empty reflected list (no item to take the type from): it raises
    # (a ValueError there); only require an exception.
    with pytest.raises(Exception):
        jit(r_read)([])


# ---------------------------------------------------------------------------
# 7. Errors: CPython's exception types and messages
# ---------------------------------------------------------------------------


def pop_empty():
    out = [1]
    out.pop()
    return out.pop()


def r_at(lst, i):
    return lst[i]


def min_of(n):
    return min([i * 1.0 for i in range(n)])


def max_of(n):
    return max([i for i in range(n)])


@pytest.mark.parametrize("fn,args", cases(
    (at, 4), (at, 10), (at, -5), (r_at, [1.5, 2.5], 2),   # IndexError('list index out of range')
    (set_at, 3, 1.0), (set_at, -4, 1.0),                    # 'list assignment index out of range'
    (del_at, 5), (del_at, -6),                              # 'list assignment index out of range'
    (pop_empty,), (m_pop_at, 3), (m_pop_at, -4),            # 'pop from empty list', 'pop index out of range'
    (m_remove, 99),                                         # ValueError('list.remove(x): x not in list')
    (slice_var, 1, 5, 0),                                   # ValueError('slice step cannot be zero')
    # CPython's ValueError('min() arg is an empty sequence'); Numba raises StopIteration here.
    (min_of, 0), (max_of, 0),
))
def test_errors(fn, args):
    # Numba's messages differ for indexing ('getitem out of range', 'setitem out of range');
    # oxjit gives CPython's.
    check(fn, *args)


def test_index_of_missing_value_raises_value_error():
    # CPython says '99 is not in list', Numba 'value not in list': match the type only.
    check(m_index, 99, message=False)
    with pytest.raises(ValueError):
        jit(m_index)(99)


# ---------------------------------------------------------------------------
# 8. Leak checks (native allocation counters, Python reference counts)
# ---------------------------------------------------------------------------


def leak_churn(n):
    total = 0.0
    for i in range(n):
        arrs = [np.ones(3) * i for _ in range(4)]
        arrs.append(np.zeros(2))
        arrs.pop(0)
        arrs.insert(0, np.ones(1))
        del arrs[1]
        arrs[0] = np.arange(2.0)
        more = arrs + arrs[::-1]
        nested = [[j * 1.0] for j in range(i + 1)]
        nested[0].append(2.0)
        nested.extend([[3.0]])
        nested = nested * 2
        deep = [[np.ones(2)] for _ in range(2)]
        deep[0].append(np.zeros(3))
        total += arrs[0].sum() + len(more) + len(nested) + deep[0][1].size
        arrs.clear()
    return total


def leak_returned(n):
    return [np.arange(float(i)) for i in range(n)], [[i, i] for i in range(n)]


def leak_raise(n):
    arrs = [np.ones(3) for _ in range(n)]
    nested = [[np.zeros(2)] for _ in range(n)]
    return arrs[n + 5].sum() + len(nested)


def leak_raise_in_loop(n):
    arrs = [np.ones(2) * i for i in range(n)]
    nested = [[1.0] for _ in range(n)]
    for x in arrs:
        if x.sum() > 1.0:
            raise ValueError("boom")
    return len(nested)


def test_no_leaks_building_and_dropping(no_leaks):
    for _ in range(3):
        assert jit(leak_churn)(4) == leak_churn(4)
        arrs, nested = jit(leak_returned)(5)
        same(leak_returned(5), (arrs, nested))
    del arrs, nested


def test_no_leaks_when_compiled_code_raises(no_leaks):
    for _ in range(3):
        with pytest.raises(IndexError):
            jit(leak_raise)(3)
        with pytest.raises(ValueError, match="boom"):
            jit(leak_raise_in_loop)(4)


def test_no_leaks_reflected_list_of_arrays(no_leaks):
    a, b = np.zeros(2), np.arange(3.0)
    base_a, base_b = sys.getrefcount(a), sys.getrefcount(b)
    for _ in range(3):
        lst = [a, b]
        jit(r_arrays)(lst)  # replaces b in the list, appends a new array
        out = jit(r_array_items)(lst)
        assert out[1] is a
        with pytest.raises(IndexError):
            jit(r_at)(lst, 10)
        del lst, out
    assert sys.getrefcount(a) == base_a and sys.getrefcount(b) == base_b


# ---------------------------------------------------------------------------
# 9. Edge values
# ---------------------------------------------------------------------------


def sort_nan():
    out = [3.0, math.nan, 1.0, math.nan, -1.0]
    other = sorted(out)
    out.sort()
    return out, other


def test_nan_sorts_last():
    # Deliberate difference (oxjit's documented order, as NumPy's sort): NaNs go last.
    # CPython (and Numba, whose sort is CPython's timsort on `<`) leave them where the
    # comparisons happen to put them: this input comes back unchanged.
    out, other = jit(sort_nan)()
    want = [-1.0, 1.0, 3.0, math.nan, math.nan]
    same(want, out)
    same(want, other)


def signed_zeros():
    out = [0.0, -0.0, -1.0, -0.0, 0.0]
    firsts = max([-0.0, 0.0]), min([0.0, -0.0]), max(out), min(out)
    return sorted(out), firsts, -0.0 in [0.0], [0.0].index(-0.0), out.count(-0.0), out == [-0.0, 0.0, -1.0, 0.0, -0.0]


def big_ints(hi, lo):
    # The extremes come in as arguments (a literal -2**63 is an overflowing 2**63, negated).
    out = [hi, lo, 0, hi - 1]
    out.sort()
    out.append(-hi - 1)
    out.reverse()
    return out, max(out), min(out), hi in out, out.index(lo), [hi] * 2, out[0] == lo


@pytest.mark.parametrize("fn,args", cases(
    (signed_zeros,), (big_ints, 2**63 - 1, -2**63), (big_ints, 2**62, -1),
    (m_sort, np.array([1e308, -np.inf, 5e-324, np.inf, -0.0])),
))
def test_edge_values(fn, args):
    check(fn, *args)


# ---------------------------------------------------------------------------
# 10. Diagnostics
# ---------------------------------------------------------------------------


def bad_mixed_items():
    return [1, (2, 3)]


def bad_append_type():
    out = [1, 2]
    out.append((2, 3))
    return out


def bad_method():
    out = [1]
    out.push(1)
    return out


@pytest.mark.parametrize("fn,word", [
    (bad_mixed_items, "list"),   # Numba fails here with an internal TypeError ("unhashable type")
    (bad_append_type, "list"),
    (bad_method, "push"),
])
def test_typing_errors(fn, word):
    with pytest.raises(TypingError) as ei:
        jit(fn)()
    assert word in str(ei.value)


def bad_narrowing(lst):
    lst.append(2.5)  # a list(int64) argument: a float would be truncated


def test_appending_a_float_to_an_int_argument_list_is_an_error():
    with pytest.raises(TypingError) as ei:
        jit(bad_narrowing)([1, 2])
    assert "cannot put a float64 into a list(int64)" in str(ei.value)


def test_empty_list_argument_is_a_clear_type_error():
    with pytest.raises(TypeError, match="argument 1 is empty"):
        jit(r_read)([])
    with pytest.raises(TypeError, match="is empty"):
        jit(r_read)([[], []])


# ---------------------------------------------------------------------------
# 11. Nested reflected lists, printing, mixed concatenation
# ---------------------------------------------------------------------------


def nested_inner_append(ll):
    ll[0].append(9)
    ll[-1].append(len(ll))
    return len(ll)


def nested_outer_change(ll):
    ll.append([7])
    ll[0].pop()
    return ll


def test_lists_inside_a_list_argument_are_reflected(no_leaks):
    ll = [[1, 2], [], [3]]
    inner = ll[0]
    assert jit(nested_inner_append)(ll) == 3
    assert ll == [[1, 2, 9], [], [3, 3]] and ll[0] is inner
    out = jit(nested_outer_change)(ll)
    assert out is ll and ll == [[1, 2], [], [3, 3], [7]] and ll[0] is inner


def prints(n):
    lst = [i * 0.5 for i in range(n)]
    print(lst, [[1, 2], []], [(1, 2.5)], [True, False], [])


def prints_ok(n):
    lst = [i * 0.5 for i in range(n)]
    nested = [[1, 2], [3]]
    nested[1].pop()
    print(lst, nested, [(1, 2.5)], [True, False])


def test_print_lists_as_python(capsys):
    jit(prints_ok)(3)
    got = capsys.readouterr().out
    prints_ok(3)
    assert got == capsys.readouterr().out == "[0.0, 0.5, 1.0] [[1, 2], []] [(1, 2.5)] [True, False]\n"
    with pytest.raises(TypingError, match="empty list"):
        jit(prints)(2)


def concat_mixed(n):
    return [1.5] + list(range(n)), list(range(n)) + [0.5]


def test_concatenating_int_and_float_lists_unifies():
    # A new list of the unified item type (documented): CPython keeps the ints as ints.
    a, b = jit(concat_mixed)(3)
    assert a == [1.5, 0.0, 1.0, 2.0] and b == [0.0, 1.0, 2.0, 0.5]
    assert all(type(x) is float for x in a + b)
