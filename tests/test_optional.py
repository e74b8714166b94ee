"""Optional values (Numba's OptionalType): a function that returns None on one
path and a value on another, and a variable bound to None and later to a value.
Differential against ``py_func``; where a None is used as a value, oxjit raises
Numba's ``TypeError("expected int64, got None")``."""

from __future__ import annotations

import io

import numpy as np
import oxjit
import pytest
from conftest import assert_same, same_value
from oxjit import errors, njit


@njit
def value_or_none(x):
    if x > 0:
        return x
    return None


@njit
def float_or_none(x):
    if x > 0.5:
        return x * 2.0
    return None


@njit
def running_best(a):
    best = None
    for v in a:
        if best is None or v > best:
            best = v
    return best


@njit
def first_negative(a):
    found = None
    for i in range(a.shape[0]):
        if a[i] < 0:
            found = i
            break
    return found


@njit
def unwrapped(x):
    y = None
    if x > 0:
        y = x
    return y + 1


@njit
def unwrapped_float(x):
    y = None
    if x > 0:
        y = x * 1.5
    return y * 2


@njit
def widened(x):
    y = None
    if x > 0:
        y = x
    if x > 5:
        y = 2.5
    return y


@njit
def returns_widened(x):
    if x > 0:
        return None
    elif x > -5:
        return 1
    return 2.5


@njit
def optional_array(n):
    if n > 0:
        return np.ones(n)
    return None


@njit
def optional_array_sum(n):
    a = None
    if n > 0:
        a = np.arange(n)
    return a.sum() + a[0]


@njit
def optional_tuple(x):
    if x > 0:
        return (x, 2.0)
    return None


@njit
def in_tuple(x):
    y = None
    if x > 0:
        y = x
    return (y, 1)


@njit
def conditional(x):
    return x if x > 0 else None


@njit
def none_tests(x):
    y = None
    if x > 0:
        y = x
    return y is None, y is not None, y == None, y != None, None is y, not (y is None)  # noqa: E711, E714


@njit
def truth(x):
    y = None
    if x != 0:
        y = x
    if y:
        return 1
    return 0


@njit
def truth_float(x):
    y = None
    if x > -1.0:
        y = x
    return 1 if y else 0


@njit
def equals_three(x):
    y = None
    if x > 0:
        y = x
    return y == 3


@njit
def doubled(y):
    if y is None:
        return -1
    return y * 2


@njit
def passes_on(x):
    y = None
    if x > 0:
        y = x
    return doubled(y)


@njit
def identity(y):
    return y


@njit
def passes_through(x):
    y = None
    if x > 0:
        y = x
    return identity(y)


@njit
def guarded(a):
    total = 0.0
    last = None
    for v in a:
        if last is None:
            last = v
            continue
        total += v - last
        last = v
    return total, last


@njit
def default_then_value(x):
    y = None
    if x > 2:
        y = x
    if y is None:
        y = 10
    return y * 2


@njit
def early_return(x):
    y = None
    if x > 2:
        y = x
    if y is None:
        return -1
    return y + 100


@njit
def aug_assign(x):
    y = None
    if x > 0:
        y = x
    y += 1
    return y


@njit
def while_optional(n):
    i = 0
    hit = None
    while i < n:
        if i * i > 10:
            hit = i
            break
        i += 1
    return hit


@njit
def print_optional(x):
    y = None
    if x > 0:
        y = x
    print(y)
    print((y, 2))


@njit
def maybe_none(x):
    if x is None:
        return 0
    return x + 1


# numba-examples' histogram kernel: compute_bin returns None for values
# outside the bins.
@njit
def get_bin_edges(a, bins):
    bin_edges = np.zeros((bins + 1,), dtype=np.float64)
    a_min = a.min()
    a_max = a.max()
    delta = (a_max - a_min) / bins
    for i in range(bin_edges.shape[0]):
        bin_edges[i] = a_min + i * delta
    bin_edges[-1] = a_max
    return bin_edges


@njit
def compute_bin(x, bin_edges):
    n = bin_edges.shape[0] - 1
    a_min = bin_edges[0]
    a_max = bin_edges[-1]
    if x == a_max:
        return n - 1
    bin = int(n * (x - a_min) / (a_max - a_min))
    if bin < 0 or bin >= n:
        return None
    else:
        return bin


@njit
def numba_histogram(a, bins):
    hist = np.zeros((bins,), dtype=np.int64)
    bin_edges = get_bin_edges(a, bins)
    for x in a:
        bin = compute_bin(x, bin_edges)
        if bin is not None:
            hist[int(bin)] += 1
    return hist, bin_edges


@njit
def histogram_with_outliers(a, edges):
    hist = np.zeros((edges.shape[0] - 1,), dtype=np.int64)
    skipped = 0
    for x in a:
        bin = compute_bin(x, edges)
        if bin is None:
            skipped += 1
            continue
        hist[bin] += 1
    return hist, skipped


@njit
def arrays_differ(x):
    if x > 0:
        return np.zeros(3)
    return np.zeros(3, np.int64)


# ---------------------------------------------------------------------------


def plain(v):
    """Python's result with NumPy scalars as Python scalars (compiled code
    returns array elements as Python numbers, as Numba does)."""
    if isinstance(v, tuple):
        return tuple(plain(x) for x in v)
    return v.item() if isinstance(v, np.generic) else v


def assert_same_plain(jitted, *args):
    got, want = jitted(*args), plain(jitted.py_func(*args))
    assert same_value(got, want), f"{jitted.__name__}{args}: got {got!r}, Python gave {want!r}"


@pytest.mark.parametrize("x", [-3, 0, 1, 7])
def test_value_or_none(x):
    assert_same(value_or_none, x)


@pytest.mark.parametrize("x", [0.0, 0.5, 0.75, 3.0])
def test_float_or_none(x):
    assert_same(float_or_none, x)


def test_return_type_is_optional():
    value_or_none(1)
    assert [str(s) for s in value_or_none.nopython_signatures] == ["OptionalType(int64)(int64)"]
    sig = value_or_none.nopython_signatures[0]
    assert isinstance(sig.return_type, oxjit.types.Optional)
    assert sig.return_type.type == oxjit.types.int64
    assert oxjit.types.optional(oxjit.types.float64).name == "OptionalType(float64)"


@pytest.mark.parametrize(
    "a",
    [np.array([3.0, 1.0, 7.5, 2.0]), np.zeros(0), np.array([-1.0]), np.array([4, 9, 2], dtype=np.int64)],
    ids=["floats", "empty", "one", "ints"],
)
def test_running_best(a):
    assert_same_plain(running_best, a)


@pytest.mark.parametrize("a", [np.array([1.0, -2.0, -3.0]), np.array([1.0, 2.0]), np.zeros(0)])
def test_first_negative(a):
    assert_same(first_negative, a)


def test_unwrap_value():
    assert_same(unwrapped, 3)
    assert_same(unwrapped_float, 2)


@pytest.mark.parametrize(
    "fn, arg, msg",
    [
        (unwrapped, -1, "expected int64, got None"),
        (unwrapped_float, -1, "expected float64, got None"),
        (optional_array_sum, 0, "expected array(int64, 1d, C), got None"),
        (aug_assign, -1, "expected int64, got None"),
    ],
)
def test_unwrap_none_raises_numbas_type_error(fn, arg, msg, no_leaks):
    with pytest.raises(TypeError) as ei:
        fn(arg)
    assert str(ei.value) == msg
    # Python raises too (its message names the operation).
    with pytest.raises((TypeError, AttributeError)):
        fn.py_func(arg)


def test_compare_with_value_unwraps_like_numba():
    # `y == 3` with y None: Python gives False, Numba (and oxjit) raise.
    assert_same(equals_three, 3)
    assert_same(equals_three, 4)
    with pytest.raises(TypeError, match="expected int64, got None"):
        equals_three(-1)


def test_values_unify_like_numba():
    # int then float: the variable and the returns are OptionalType(float64).
    assert same_value(widened(3), 3.0)
    assert widened(-3) is None
    assert same_value(widened(7), 2.5)
    assert same_value(returns_widened(-3), 1.0)
    assert returns_widened(3) is None
    assert same_value(returns_widened(-7), 2.5)
    assert str(widened.nopython_signatures[0].return_type) == "OptionalType(float64)"


@pytest.mark.parametrize("n", [0, 1, 4])
def test_optional_array(n, no_leaks):
    got = optional_array(n)
    assert same_value(got, optional_array.py_func(n))
    del got


def test_optional_array_unwrap_no_leak(no_leaks):
    assert same_value(optional_array_sum(4), plain(optional_array_sum.py_func(4)))
    for _ in range(3):
        with pytest.raises(TypeError):
            optional_array_sum(0)


@pytest.mark.parametrize("x", [-2, 5])
def test_optional_tuples(x):
    assert_same(optional_tuple, x)
    assert_same(in_tuple, x)


@pytest.mark.parametrize("x", [-2.0, 0.0, 5.5])
def test_conditional_expression(x):
    assert_same(conditional, x)


@pytest.mark.parametrize("x", [-2, 0, 5])
def test_none_tests(x):
    assert_same(none_tests, x)


@pytest.mark.parametrize("x", [-2, 0, 5])
def test_truth_is_pythons(x):
    # Numba rejects `if y:` on an optional value; oxjit follows Python.
    assert_same(truth, x)


@pytest.mark.parametrize("x", [-2.0, 0.0, 0.5])
def test_truth_float(x):
    assert_same(truth_float, x)


@pytest.mark.parametrize("x", [-2, 4])
def test_passed_to_jitted_functions(x):
    assert_same(passes_on, x)
    assert_same(passes_through, x)
    # The callee gets an instance for the optional argument.
    out = io.StringIO()
    passes_on.inspect_types(file=out)
    assert "doubled(y: OptionalType(int64)) -> int64" in out.getvalue()


def test_guarded_uses():
    assert_same_plain(guarded, np.array([1.0, 4.0, 2.0]))
    assert_same_plain(guarded, np.zeros(0))
    for x in [0, 5]:
        assert_same(default_then_value, x)
        assert_same(early_return, x)
    assert_same(aug_assign, 3)


@pytest.mark.parametrize("n", [0, 3, 10])
def test_while_optional(n):
    assert_same(while_optional, n)


@pytest.mark.parametrize("x", [-1, 3])
def test_print_optional(capsys, x):
    capsys.readouterr()
    print_optional(x)
    got = capsys.readouterr().out
    print_optional.py_func(x)
    want = capsys.readouterr().out
    assert got == want


def test_none_argument_is_its_own_specialization():
    assert_same(maybe_none, None)
    assert_same(maybe_none, 4)
    assert_same(maybe_none, 2.5)
    sigs = [tuple(str(a) for a in s) for s in maybe_none.signatures]
    assert ("none",) in sigs and ("int64",) in sigs


def test_histogram_kernel(no_leaks):
    rng = np.random.default_rng(0)
    a = rng.normal(size=1000)
    hist, edges = numba_histogram(a, 20)
    want_hist, want_edges = np.histogram(a, bins=20)
    np.testing.assert_array_equal(hist, want_hist)
    np.testing.assert_allclose(edges, want_edges)
    assert same_value(numba_histogram(a, 7), numba_histogram.py_func(a, 7))
    edges = np.linspace(-1.0, 1.0, 9)
    assert_same(histogram_with_outliers, a, edges)
    del hist, edges


def test_arrays_of_different_dtypes_are_a_typing_error():
    # Numba: "Can't unify return type from the following types:
    # array(float64, 1d, C), array(int64, 1d, C)".
    with pytest.raises(errors.TypingError) as ei:
        arrays_differ(1)
    text = str(ei.value)
    assert "return-type-mismatch" in text
    assert "array(float64, 1d, C), array(int64, 1d, C)" in text
    line = arrays_differ.py_func.__code__.co_firstlineno
    assert f"line {line + 3}, column 16 gives array(float64, 1d, C)" in text  # the first return, in a note
