"""Statements and functions: loops, ranges, iteration helpers, unpacking,
recursion, closures, calls between jitted functions, arguments, lambdas,
Unicode names, raise/assert and deep recursion. Differential against
``py_func`` wherever Python and oxjit agree."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import oxjit
import pytest
from conftest import assert_same, same_value
from oxjit import jit, njit

# ---------------------------------------------------------------------------
# while / for / break / continue / else
# ---------------------------------------------------------------------------


@njit
def while_sum(n):
    i = 0
    s = 0
    while i < n:
        s += i
        i += 1
    return s


@njit
def while_break_continue(n):
    i = 0
    s = 0
    while True:
        i += 1
        if i > n:
            break
        if i % 3 == 0:
            continue
        s += i
    return s, i


@njit
def while_else(n, stop):
    i = 0
    found = -1
    while i < n:
        if i == stop:
            found = i
            break
        i += 1
    else:
        found = -2
    return found, i


@njit
def for_else(n, stop):
    r = 0
    for i in range(n):
        if i == stop:
            r = i
            break
    else:
        r = -1
    return r


@njit
def for_else_continue(n):
    s = 0
    for i in range(n):
        if i % 2:
            continue
        s += i
    else:
        s += 1000
    return s


@njit
def nested_loops(n, m):
    s = 0
    for i in range(n):
        for j in range(m):
            if j > i:
                break
            if (i + j) % 2 == 0:
                continue
            s += i * j
        else:
            s += 1
    return s


@njit
def loop_variable_after_loop(n):
    i = -1
    for i in range(n):
        pass
    return i


@njit
def collatz_steps(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


@njit
def if_elif_else(x):
    if x < -10:
        return 0
    elif x < 0:
        return 1
    elif x == 0:
        return 2
    elif x < 10:
        return 3
    else:
        return 4


@njit
def nested_if_no_else(x, y):
    r = 0
    if x > 0:
        if y > 0:
            r = 1
        r += 10
    return r


@pytest.mark.parametrize("n", [0, 1, 5, 100])
def test_while(n):
    assert_same(while_sum, n)
    assert_same(while_break_continue, n)


@pytest.mark.parametrize("n,stop", [(10, 3), (10, 20), (0, 0), (5, 4), (5, 5)])
def test_while_else_and_for_else(n, stop):
    assert_same(while_else, n, stop)
    assert_same(for_else, n, stop)


@pytest.mark.parametrize("n", [0, 1, 7])
def test_for_else_with_continue(n):
    assert_same(for_else_continue, n)


@pytest.mark.parametrize("n,m", [(0, 0), (3, 4), (6, 6), (10, 2)])
def test_nested_loops(n, m):
    assert_same(nested_loops, n, m)


@pytest.mark.parametrize("n", [0, 1, 10])
def test_loop_variable_after_loop(n):
    assert_same(loop_variable_after_loop, n)


@pytest.mark.parametrize("n", [1, 6, 27, 97])
def test_collatz(n):
    assert_same(collatz_steps, n)


@pytest.mark.parametrize("x", [-20, -5, 0, 5, 50, -10, 10, 2.5])
def test_if_elif_else(x):
    assert_same(if_elif_else, x)


@pytest.mark.parametrize("x,y", [(1, 1), (1, -1), (-1, 1)])
def test_nested_if(x, y):
    assert_same(nested_if_no_else, x, y)


# ---------------------------------------------------------------------------
# range
# ---------------------------------------------------------------------------


@njit
def range1(n):
    s = 0
    c = 0
    for i in range(n):
        s += i * (c + 1)
        c += 1
    return s, c


@njit
def range2(a, b):
    s = 0
    c = 0
    for i in range(a, b):
        s += i * (c + 1)
        c += 1
    return s, c


@njit
def range3(a, b, step):
    s = 0
    c = 0
    last = 12345
    for i in range(a, b, step):
        s += i * (c + 1)
        c += 1
        last = i
    return s, c, last


@njit
def range_len(a, b, step):
    return len(range(a, b, step))


@pytest.mark.parametrize("n", [0, 1, 10, -3])
def test_range_one_arg(n):
    assert_same(range1, n)


@pytest.mark.parametrize("a,b", [(0, 10), (5, 5), (5, 2), (-5, 5), (-10, -3), (3, 4)])
def test_range_two_args(a, b):
    assert_same(range2, a, b)


@pytest.mark.parametrize("a,b,step", [(0, 10, 3), (10, 0, -1), (10, 0, -3), (0, 10, -1), (10, 0, 2), (-5, 5, 5),
                                      (5, -5, -5), (0, 1, 100), (7, 7, -1), (-3, 4, 7), (3, -4, -7)])
def test_range_three_args(a, b, step):
    assert_same(range3, a, b, step)
    assert_same(range_len, a, b, step)


@njit
def range_count_last(a, b, step):
    c = 0
    last = 0
    for i in range(a, b, step):
        c += 1
        last = i
    return c, last


@pytest.mark.parametrize("a,b,step", [(2**62, 2**62 + 10, 4), (-(2**62), -(2**62) - 9, -2),
                                      (2**63 - 5, 2**63 - 1, 1), (-(2**63), -(2**63) + 3, 1),
                                      (2**63 - 10, 2**63 - 1, 3), (-(2**63) + 9, -(2**63), -4)])
def test_range_near_int64_limits(a, b, step):
    assert_same(range_count_last, a, b, step)
    assert_same(range_len, a, b, step)


def test_range_zero_step_raises():
    assert_same(range3, 0, 10, 0)
    with pytest.raises(ValueError, match="range\\(\\) arg 3 must not be zero"):
        range3(0, 10, 0)


@njit
def iterate_range_object(r):
    s = 0
    for i in r:
        s += i
    return s


@njit
def return_range(n):
    return range(0, n, 2)


@pytest.mark.parametrize("r", [range(5), range(2, 9, 3), range(10, 0, -2), range(0)])
def test_range_object_argument(r):
    assert_same(iterate_range_object, r)


def test_range_object_return():
    r = return_range(7)
    assert list(r) == [0, 2, 4, 6]


@njit
def prange_sum(n):
    s = 0
    for i in oxjit.prange(n):
        s += i
    return s


def test_prange_runs_like_range():
    assert prange_sum(100) == sum(range(100))


# ---------------------------------------------------------------------------
# enumerate / zip / tuples / arrays
# ---------------------------------------------------------------------------


@njit
def enumerate_range(n):
    s = 0
    for i, v in enumerate(range(10, 10 + n)):
        s += i * v
    return s


@njit
def enumerate_start(n):
    s = 0
    for i, v in enumerate(range(n), 5):
        s += i * v
    return s


@njit
def enumerate_array(a):
    s = 0.0
    for i, v in enumerate(a):
        s += i * v
    return s


@njit
def enumerate_tuple(t):
    s = 0
    for i, v in enumerate(t):
        s += (i + 1) * v
    return s


@njit
def zip_ranges(n, m):
    s = 0
    for a, b in zip(range(n), range(10, 10 + m)):
        s += a * b
    return s


@njit
def zip_arrays(a, b):
    s = 0.0
    for x, y in zip(a, b):
        s += x * y
    return s


@njit
def zip_three(a, t, n):
    s = 0.0
    for x, y, z in zip(a, t, range(n)):
        s += x * y + z
    return s


@njit
def zip_enumerate(a, b):
    s = 0.0
    for i, (x, y) in enumerate(zip(a, b)):
        s += i * x - y
    return s


@njit
def iterate_tuple(t):
    s = 0.0
    for v in t:
        s += v
    return s


@njit
def iterate_hetero_tuple(t):
    s = 0.0
    for v in t:
        s = s * 2 + v
    return s


@pytest.mark.parametrize("n", [0, 1, 5])
def test_enumerate_range(n):
    assert_same(enumerate_range, n)
    assert_same(enumerate_start, n)


def test_enumerate_array_and_tuple():
    a = np.arange(6.0)
    assert enumerate_array(a) == enumerate_array.py_func(a)
    assert enumerate_array(a[::-2]) == enumerate_array.py_func(a[::-2])
    assert_same(enumerate_tuple, (3, 1, 4, 1, 5))


@pytest.mark.parametrize("n,m", [(0, 5), (5, 3), (3, 5), (4, 4)])
def test_zip_ranges_shortest(n, m):
    assert_same(zip_ranges, n, m)


def test_zip_arrays_and_tuples():
    a = np.arange(5.0)
    b = np.linspace(0, 1, 7)
    assert zip_arrays(a, b) == zip_arrays.py_func(a, b)
    assert zip_three(a, (1.0, 2.0, 3.0), 10) == zip_three.py_func(a, (1.0, 2.0, 3.0), 10)


def test_enumerate_of_zip():
    a = np.arange(5.0)
    b = np.linspace(0, 1, 7)
    assert zip_enumerate(a, b) == zip_enumerate.py_func(a, b)


@pytest.mark.parametrize("t", [(1.0, 2.0, 3.0), (1, 2), (), (5,)])
def test_iterate_tuple(t):
    assert_same(iterate_tuple, t)


def test_iterate_heterogeneous_tuple():
    assert_same(iterate_hetero_tuple, (1, 2.5, True))


# ---------------------------------------------------------------------------
# Assignment forms
# ---------------------------------------------------------------------------


@njit
def swap(a, b):
    a, b = b, a
    return a, b


@njit
def nested_unpack(t):
    (a, (b, c)), d = t
    return a + b * c - d


@njit
def unpack_from_call(x):
    q, r = divmod(x, 7)
    return q, r


@njit
def chained_assign(x):
    a = b = c = x * 2
    a += 1
    return a, b, c


@njit
def tuple_index_and_len(t):
    return t[0], t[2], len(t), t[-1], t[-2]


@njit
def tuple_slices(t):
    return t[1:], t[::-1], t[:-1]


@njit
def fib_iter(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


@njit
def augmented_on_tuple_elem(t):
    x = t[0]
    x += t[1]
    x *= t[2]
    return x


@pytest.mark.parametrize("a,b", [(1, 2), (1.5, -2.5), (True, False), (1j, 2j)])
def test_swap(a, b):
    assert_same(swap, a, b)


def test_variable_types_unify_like_numba():
    # A variable assigned an int and a float is a float64 variable (Numba's unification).
    assert same_value(swap(1.5, -2), (-2.0, 1.5))


def test_nested_unpack():
    assert_same(nested_unpack, ((1, (2.0, 3)), 4))


@pytest.mark.parametrize("x", [20, -20, 0])
def test_unpack_from_call(x):
    assert_same(unpack_from_call, x)


def test_chained_assign():
    assert_same(chained_assign, 5)
    assert_same(chained_assign, 1.5)


def test_tuple_index_and_len():
    assert_same(tuple_index_and_len, (1, 2, 3, 4))
    assert_same(tuple_index_and_len, (1.5, 2.5, 3.5))


def test_heterogeneous_tuple_negative_constant_index():
    assert_same(tuple_index_and_len, (1, 2.5, 3, True))


def test_tuple_slicing():
    assert_same(tuple_slices, (1, 2, 3, 4))


@pytest.mark.parametrize("n", [0, 1, 2, 10, 90])
def test_fib_iter(n):
    assert_same(fib_iter, n)


def test_augmented_tuple_elements():
    assert_same(augmented_on_tuple_elem, (1, 2.0, 3))


@njit
def unpack_wrong_count(t):
    a, b = t
    return a + b


def test_unpack_wrong_count_is_a_typing_error():
    with pytest.raises(TypeError):
        unpack_wrong_count((1, 2, 3))


# ---------------------------------------------------------------------------
# Recursion
# ---------------------------------------------------------------------------


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@njit
def fact(n):
    if n <= 1:
        return 1.0
    return n * fact(n - 1)


@njit
def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


@njit
def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


@njit
def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


@njit
def gcd_rec(a, b):
    return a if b == 0 else gcd_rec(b, a % b)


@pytest.mark.parametrize("n", [0, 1, 2, 10, 20])
def test_fib(n):
    assert_same(fib, n)


@pytest.mark.parametrize("n", [0, 1, 5, 20, 170])
def test_fact_float(n):
    assert_same(fact, n)


@pytest.mark.parametrize("n", [0, 1, 10, 11, 1001])
def test_mutual_recursion(n):
    assert_same(is_even, n)
    assert_same(is_odd, n)


def test_ackermann():
    assert_same(ackermann, 2, 3)


@pytest.mark.parametrize("a,b", [(48, 18), (17, 5), (0, 9), (-12, 8)])
def test_recursive_ternary(a, b):
    assert_same(gcd_rec, a, b)


@njit
def recurse_forever(n):
    return recurse_forever(n + 1) + 1


def test_recursion_without_base_case_is_a_typing_error():
    with pytest.raises(oxjit.errors.TypingError):
        recurse_forever(0)


def _run_script(tmp_path, body: str) -> subprocess.CompletedProcess:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(body), encoding="utf-8")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          cwd=str(tmp_path))


def test_deep_recursion_raises_recursion_error_and_process_survives(tmp_path):
    proc = _run_script(tmp_path, """
        from oxjit import njit

        @njit
        def down(n):
            if n == 0:
                return 0
            return down(n - 1) + 1

        @njit
        def down_float(n, x):
            if n <= 0:
                return x
            return down_float(n - 1, x * 1.0000001)

        assert down(1000) == 1000
        for f, args in [(down, (10**9,)), (down_float, (10**8, 1.0)), (down, (10**9,))]:
            try:
                f(*args)
            except RecursionError as e:
                print("RecursionError", e)
            else:
                print("no error")
        assert down(2000) == 2000
        print("alive")
    """)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert [ln.split()[0] for ln in lines] == ["RecursionError"] * 3 + ["alive"], proc.stdout


# ---------------------------------------------------------------------------
# Calls between jitted functions, defaults, keywords, *args
# ---------------------------------------------------------------------------


@njit
def square(x):
    return x * x


@njit
def sum_of_squares(a, b):
    return square(a) + square(b)


@njit
def with_defaults(x, scale=2.0, shift=1):
    return x * scale + shift


@njit
def calls_with_keywords(x):
    return with_defaults(x), with_defaults(x, 3.0), with_defaults(x, shift=5), with_defaults(x, shift=1, scale=0.5)


@njit
def star_args(x, *args):
    s = x
    for a in args:
        s += a
    return s, len(args)


@njit
def calls_star_args(x):
    t = (1.0, 2.0)
    return star_args(x), star_args(x, 1), star_args(x, 1, 2.5), star_args(x, *t)


@njit
def forwards_star_args(x, *args):
    return star_args(x, *args)


@njit
def none_default(x, y=None):
    if y is None:
        return x
    return x + y


def test_calls_between_jitted_functions():
    assert_same(sum_of_squares, 3, 4)
    assert_same(sum_of_squares, 1.5, -2)


@pytest.mark.parametrize("args,kwargs", [((1.0,), {}), ((1.0, 3.0), {}), ((1.0,), {"shift": 5}),
                                         ((2,), {"scale": 0.5, "shift": 1}), ((), {"x": 4, "scale": 1}),
                                         ((1, 2, 3), {})])
def test_defaults_and_keywords_from_python(args, kwargs):
    assert_same(with_defaults, *args, **kwargs)


def test_defaults_and_keywords_inside_jit():
    assert_same(calls_with_keywords, 2.0)
    assert_same(calls_with_keywords, 2)


@pytest.mark.parametrize("args", [(1,), (1, 2), (1, 2.5, 3), (1.0, True)])
def test_star_args_from_python(args):
    assert_same(star_args, *args)


def test_star_args_inside_jit():
    assert_same(calls_star_args, 1.0)
    assert_same(forwards_star_args, 1, 2, 3)
    assert_same(forwards_star_args, 1.0)


def test_none_default():
    assert_same(none_default, 2)
    assert_same(none_default, 2, 3)
    assert_same(none_default, 2.0, y=1.5)




@pytest.mark.parametrize("args,kwargs", [pytest.param((), {}, id="missing"),
                                         pytest.param((1, 2, 3, 4), {}, id="too-many"),
                                         pytest.param((1,), {"nope": 2}, id="unexpected-keyword"),
                                         pytest.param((1,), {"x": 2}, id="multiple-values")])
def test_bad_call_arguments_like_cpython(args, kwargs):
    with pytest.raises(TypeError) as got:
        with_defaults(*args, **kwargs)
    with pytest.raises(TypeError) as want:
        with_defaults.py_func(*args, **kwargs)
    assert str(got.value) == str(want.value)


# ---------------------------------------------------------------------------
# Functions as arguments
# ---------------------------------------------------------------------------


@njit
def apply(f, x):
    return f(x)


@njit
def apply_twice(f, x):
    return f(f(x))


@njit
def integrate(f, a, b, n):
    h = (b - a) / n
    s = 0.5 * (f(a) + f(b))
    for i in range(1, n):
        s += f(a + i * h)
    return s * h


@njit
def cube(x):
    return x * x * x


@njit
def passes_function_on(x):
    return apply(square, x) + apply(cube, x)


def test_jitted_function_as_argument():
    assert apply(square, 3) == 9
    assert apply(cube, 2.0) == 8.0
    assert apply_twice(square, 3) == 81


@njit
def fn_arg_a(x):
    return x + 1


@njit
def fn_arg_b(x):
    return x * 100


def test_function_arguments_with_same_types_are_distinguished():
    assert apply(fn_arg_a, 1.0) == 2.0
    assert apply(fn_arg_b, 1.0) == 100.0
    assert apply(fn_arg_a, 2) == 3
    assert apply(fn_arg_b, 2) == 200


def test_integrate_with_function_argument():
    r = integrate(cube, 0.0, 1.0, 1000)
    assert r == integrate.py_func(cube.py_func, 0.0, 1.0, 1000)


def test_function_passed_inside_jit():
    assert passes_function_on(2) == 4 + 8
    assert passes_function_on(1.5) == 1.5**2 + 1.5**3


def test_function_argument_signatures_differ_per_function():
    apply(square, 2)
    apply(cube, 2)
    assert len(apply.signatures) >= 2


def test_plain_python_function_as_argument_is_rejected():
    def plain(x):
        return x

    with pytest.raises(TypeError):
        apply(plain, 2)


# ---------------------------------------------------------------------------
# Closures: inner defs and factories
# ---------------------------------------------------------------------------


@njit
def inner_def(x, n):
    def add(y):
        return x + y

    s = 0.0
    for i in range(n):
        s += add(i)
    return s


@njit
def inner_def_calls_inner(x):
    def f(y):
        return y * 2

    def g(y):
        return f(y) + x

    return g(x)


@njit
def inner_recursive_use_of_outer(n):
    def step(k):
        return square(k) + n

    return step(n)


def make_polynomial(a, b, c):
    @njit
    def p(x):
        return a * x * x + b * x + c

    return p


def make_operator_factory(beta, f):
    @njit
    def T(v):
        return beta * f(v) + 1.0

    return T


def make_nested_factory(scale):
    g = make_polynomial(scale, 0.0, 1.0)

    @njit
    def h(x):
        return g(x) * 2

    return h


def make_loop_closure(grid):
    n = len(grid)

    @njit
    def total(k):
        s = 0.0
        for i in range(n):
            s += grid[i] * k
        return s

    return total


@pytest.mark.parametrize("x,n", [(1.5, 4), (2, 0), (-1, 3)])
def test_inner_def_closure(x, n):
    assert_same(inner_def, x, n)


def test_inner_defs_calling_each_other():
    assert_same(inner_def_calls_inner, 3)
    assert_same(inner_recursive_use_of_outer, 4)


def test_factory_captures_variables():
    p1 = make_polynomial(1.0, 2.0, 3.0)
    p2 = make_polynomial(-1.0, 0.0, 0.5)
    assert p1(2.0) == 11.0
    assert p2(2.0) == -3.5
    assert p1(2.0) == 11.0  # distinct closures stay distinct


def test_factory_captures_jitted_function():
    T = make_operator_factory(0.5, square)
    assert T(4.0) == 0.5 * 16.0 + 1.0
    T2 = make_operator_factory(2.0, cube)
    assert T2(2.0) == 17.0


def test_factory_of_factory():
    h = make_nested_factory(3.0)
    assert h(2.0) == (3.0 * 4.0 + 1.0) * 2


def test_factory_captures_array():
    total = make_loop_closure(np.array([1.0, 2.0, 3.0]))
    assert total(2.0) == 12.0


# ---------------------------------------------------------------------------
# Lambdas and jit(f)
# ---------------------------------------------------------------------------


def plain_function(x, y):
    return x * y - 1


def test_jit_of_existing_function():
    f = jit(plain_function)
    g = njit(plain_function)
    assert f(3, 4) == 11
    assert g(1.5, 2) == 2.0
    assert f.py_func is plain_function


def test_jit_lambda():
    f = jit(lambda x: x * 2 + 1)
    assert f(3) == 7
    assert f(1.5) == 4.0
    g = njit(lambda a, b=2: a**b)
    assert g(3) == 9
    assert g(2, 10) == 1024


def test_two_lambdas_on_one_line():
    f, g = njit(lambda x: x + 1), njit(lambda x: x * 10)
    assert (f(1), g(1)) == (2, 10)


def test_jit_lambda_calling_jitted():
    h = njit(lambda x: square(x) + 1)
    assert h(3) == 10


# ---------------------------------------------------------------------------
# Unicode identifiers
# ---------------------------------------------------------------------------


@njit
def unicode_names(α, β=0.5):
    γ = α * β
    Δt = 0.1
    σ2 = γ**2
    return γ + Δt + σ2


def make_unicode_factory(ρ):
    @njit
    def ϕ(x):
        return ρ * x

    return ϕ


@njit
def micro_sign(µ, x):
    # U+00B5 MICRO SIGN is NFKC-normalised by Python to U+03BC GREEK SMALL LETTER MU.
    return µ * x + μ


def test_unicode_identifiers():
    assert_same(unicode_names, 2.0)
    assert_same(unicode_names, 2.0, β=3.0)
    assert make_unicode_factory(0.9)(10.0) == 9.0


def test_nfkc_normalised_identifier():
    assert_same(micro_sign, 2.0, 3.0)


# ---------------------------------------------------------------------------
# raise / assert
# ---------------------------------------------------------------------------


@njit
def raise_with_values(x):
    if x < 0:
        raise ValueError("negative value", x)
    if x == 0:
        raise ZeroDivisionError("zero!")
    if x > 100:
        raise OverflowError
    if x == 42:
        raise RuntimeError()
    return x


@njit
def raise_various(k, x):
    if k == 0:
        raise IndexError("index", k, x)
    if k == 1:
        raise KeyError(x)
    if k == 2:
        raise TypeError("bad type")
    if k == 3:
        raise NotImplementedError("todo")
    if k == 4:
        raise ArithmeticError(x, x * 2)
    if k == 5:
        raise Exception("plain")
    if k == 6:
        raise StopIteration
    return 0


@njit
def raise_in_loop(n):
    s = 0
    for i in range(n):
        s += i
        if s > 10:
            raise ValueError("too big at", i, s)
    return s


@njit
def raise_from_callee(x):
    return raise_with_values(x) + 1


@pytest.mark.parametrize("x", [5, -3, -2.5, 0, 101, 42])
def test_raise_same_type_and_args(x):
    assert_same(raise_with_values, x)


@pytest.mark.parametrize("k", range(8))
@pytest.mark.parametrize("x", [7, 1.5])
def test_raise_builtin_exception_classes(k, x):
    assert_same(raise_various, k, x)


def test_raise_in_loop_and_through_calls():
    assert_same(raise_in_loop, 3)
    assert_same(raise_in_loop, 10)
    assert_same(raise_from_callee, -1)
    assert_same(raise_from_callee, 1)


def test_raise_message_str():
    with pytest.raises(ValueError) as ei:
        raise_with_values(-7)
    assert ei.value.args == ("negative value", -7)
    assert str(ei.value) == "('negative value', -7)"


@njit
def assert_with_message(x):
    assert x > 0, "x must be positive"
    return x


@njit
def assert_plain(x):
    assert x != 3
    return x


@njit
def assert_tuple_condition(x, y):
    assert 0 <= x < y, "out of range"
    return y - x


# pytest rewrites `assert` in this module's py_funcs, so the expected exceptions are
# spelled out instead of taken from py_func.


@pytest.mark.parametrize("x", [1, 0.5])
def test_assert_passes(x):
    assert assert_with_message(x) == x


@pytest.mark.parametrize("x", [-1, 0.0, -0.5])
def test_assert_with_message(x):
    with pytest.raises(AssertionError) as ei:
        assert_with_message(x)
    assert ei.value.args == ("x must be positive",)


@pytest.mark.parametrize("x,fails", [(1, False), (3, True)])
def test_assert_without_message(x, fails):
    if fails:
        with pytest.raises(AssertionError) as ei:
            assert_plain(x)
        assert ei.value.args == ()
    else:
        assert assert_plain(x) == x


@pytest.mark.parametrize("x,y,fails", [(0, 1, False), (1, 1, True), (-1, 5, True)])
def test_assert_chained(x, y, fails):
    if fails:
        with pytest.raises(AssertionError, match="^out of range$"):
            assert_tuple_condition(x, y)
    else:
        assert assert_tuple_condition(x, y) == y - x


def test_exception_does_not_poison_later_calls():
    for _ in range(3):
        with pytest.raises(ValueError):
            raise_with_values(-1)
        assert raise_with_values(3) == 3
