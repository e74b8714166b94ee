"""oxjit-compiled code calling into libraries compiled with Numba: `@numba.njit`
dispatchers (as globals and as arguments), `@numba.vectorize` functions,
`register_jitable` helpers, array defaults; QuantEcon's optimizers and root
finders. oxjit compiles the library functions' Python source itself, so Numba
never compiles them; answers are compared with Numba's and Python's."""

import math

import numba
import numba_lib as lib
import numpy as np
import pytest
import quantecon as qe
from oxjit import njit, vectorize
from oxjit.errors import TypingError
from quantecon.optimize import bisect, brent_max, brentq, nelder_mead, newton

# -- globals that are Numba functions ------------------------------------------


@njit
def call_square(x):
    return lib.square(x) + 1


@njit
def call_sum(a):
    return lib.sum_of_squares(a)


@njit
def call_clipped(a):
    return lib.clipped(a)


@njit
def call_clipped_bounds(a, b):
    return lib.clipped(a, b)


@njit
def call_row_means(m):
    return lib.row_means(m)


@njit
def call_halve(x):
    return lib.uses_halve(x), lib.halve(x)


@njit
def call_logistic(x):
    return lib.logistic(x)


@pytest.mark.parametrize("x", [3, -2.5, 0.0, 2**31, float("nan")])
def test_dispatcher_global(x):
    got = call_square(x)
    want = lib.square(x) + 1  # Numba's own answer
    assert type(got) is type(want)
    assert got == want or (math.isnan(got) and math.isnan(want))


@pytest.mark.parametrize("a", [np.arange(5.0), np.zeros(0), np.linspace(-1, 1, 7)[::2]])
def test_dispatcher_calling_dispatcher(a):
    assert call_sum(a) == pytest.approx(lib.sum_of_squares(a), rel=1e-15)


def test_array_default_is_frozen_like_numba():
    a = np.array([-0.5, 0.25, 3.0])
    np.testing.assert_array_equal(call_clipped(a), lib.clipped(a))
    np.testing.assert_array_equal(call_clipped(a), [0.0, 0.25, 1.0])
    b = np.array([-1.0, 2.0])
    np.testing.assert_array_equal(call_clipped_bounds(a, b), [-0.5, 0.25, 2.0])


def test_parallel_prange_library_function():
    m = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(call_row_means(m), m.mean(axis=1))


def test_register_jitable_and_numba_does_not_compile():
    assert call_halve(7) == (4.5, 3.5)
    # oxjit compiled the library's source: Numba compiled nothing.
    assert lib.uses_halve.signatures == []


@pytest.mark.parametrize("x", [0.0, -3.0, 40.0])
def test_vectorize_scalar(x):
    assert call_logistic(x) == lib.logistic(x)


@njit
def call_soft_threshold(a, t):
    return lib.soft_threshold(a, t), lib.denoise(a, t)


@pytest.mark.parametrize(
    "a", [np.linspace(-2, 2, 9), np.arange(12.0).reshape(3, 4) - 6, np.arange(-3, 4, dtype=np.int32), np.zeros(0)]
)
def test_vectorize_maps_over_arrays_like_numba(a):
    got, got2 = call_soft_threshold(a, 1.5)
    want = lib.denoise(a, 1.5)  # the DUFunc called inside Numba's own njit
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got2, want)


# -- Numba functions as arguments ------------------------------------------------


@njit
def apply(f, x):
    return f(x)


@njit
def cubic(x):
    return x**3 - 2.0


@njit
def root_of(f):
    return lib.find_root(f, 0.0, 2.0)


def test_numba_dispatcher_as_argument():
    assert apply(lib.square, 4.0) == 16.0
    assert apply(lib.square, 3) == 9
    # Another function object: another specialisation, not the cached one.
    assert apply(lib.uses_halve, 3.0) == 2.5
    assert apply(lib.logistic, 0.0) == 0.5


def test_oxjit_function_into_numba_library():
    assert root_of(cubic) == pytest.approx(2 ** (1 / 3), abs=1e-11)


# -- oxjit functions passed to Numba-compiled code from Python ----------------------


@njit
def scaled_cubic(x):
    return cubic(x) * 2.0  # an oxjit global: Numba compiles it too


def test_numba_library_called_from_python_with_an_oxjit_function():
    # Numba compiles the oxjit functions' source (the numba_extensions entry
    # point registers their type); the answers are Numba's own.
    assert lib.find_root(cubic, 0.0, 2.0) == pytest.approx(2 ** (1 / 3), abs=1e-11)
    assert lib.find_root(scaled_cubic, 0.0, 2.0) == lib.find_root(numba.njit(cubic.py_func), 0.0, 2.0)
    r = brentq(f_root, 1.0, 2.0)
    assert r.converged and r.root == roots()[0]


@vectorize
def oxjit_twice(x):
    return 2 * x


@numba.njit
def numba_uses_oxjit_ufunc(a):
    return oxjit_twice(a) + 1


def test_numba_code_using_an_oxjit_vectorize_global():
    np.testing.assert_array_equal(numba_uses_oxjit_ufunc(np.arange(3.0)), [1.0, 3.0, 5.0])
    assert numba_uses_oxjit_ufunc(2.0) == 5.0


# -- what oxjit cannot take from Numba: clear diagnostics -------------------------


@njit
def call_gufunc(a):
    return lib.gu_total(a)


@njit
def make_box(v):
    return lib.Box(v)


@njit
def call_overloaded(x):
    return lib.python_only(x)


@pytest.mark.parametrize(
    ("fn", "arg", "words"),
    [
        (call_gufunc, np.ones(3), "Numba @guvectorize function 'gu_total'"),
        (make_box, 1.0, "Numba jitclass 'Box'"),
        (call_overloaded, 1.0, "function 'python_only' with a Numba @overload"),
    ],
)
def test_unusable_numba_objects_are_named(fn, arg, words):
    with pytest.raises(TypingError) as ei:
        fn(arg)
    assert words in str(ei.value)


# -- QuantEcon's Numba-compiled routines called from oxjit code ---------------------


@njit
def objective(c, y, beta):
    return np.log(c) + beta * np.log(y - c)


@njit
def bellman_argmax(ys, beta):
    out = np.empty((ys.size, 3))
    for i in range(ys.size):
        c, v, info = brent_max(objective, 1e-10, ys[i], args=(ys[i], beta))
        out[i, 0], out[i, 1], out[i, 2] = c, v, info[0]
    return out


def test_quantecon_brent_max_matches_numba():
    ys = np.linspace(0.5, 5.0, 9)
    got = bellman_argmax(ys, 0.9)
    numba_objective = numba.njit(objective.py_func)
    want = np.array(
        [(c, v, info[0]) for c, v, info in (brent_max(numba_objective, 1e-10, y, args=(y, 0.9)) for y in ys)]
    )
    np.testing.assert_array_equal(got, want)


@njit
def rosenbrock(x):
    return -(100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2)


@njit
def minimise():
    r = nelder_mead(rosenbrock, np.array([-1.2, 1.0]))
    return r.x, r.fun, r.nit, r.success


def test_quantecon_nelder_mead_matches_numba():
    x, fun, nit, ok = minimise()
    r = nelder_mead(numba.njit(rosenbrock.py_func), np.array([-1.2, 1.0]))
    np.testing.assert_array_equal(x, r.x)
    assert (fun, nit, ok) == (r.fun, r.nit, r.success)
    np.testing.assert_allclose(x, [1.0, 1.0], atol=1e-4)


@njit
def f_root(x):
    return x**3 - x - 1.0


@njit
def f_root_prime(x):
    return 3 * x**2 - 1.0


@njit
def roots():
    a = brentq(f_root, 1.0, 2.0)
    b = bisect(f_root, 1.0, 2.0)
    c = newton(f_root, 1.5, f_root_prime)
    return a.root, a.iterations, b.root, c.root, c.converged


def test_quantecon_root_finders_match_numba():
    got = roots()
    nf, nfp = numba.njit(f_root.py_func), numba.njit(f_root_prime.py_func)
    a, b, c = brentq(nf, 1.0, 2.0), bisect(nf, 1.0, 2.0), newton(nf, 1.5, nfp)
    assert got == (a.root, a.iterations, b.root, c.root, c.converged)


@njit
def searchsorted_all(a, vs):
    out = np.empty(vs.size, np.int64)
    for i in range(vs.size):
        out[i] = qe.util.searchsorted(a, vs[i])
    return out


def test_quantecon_searchsorted():
    a = np.array([0.0, 0.5, 1.0, 2.0])
    vs = np.array([-1.0, 0.0, 0.7, 2.0, 3.0])
    np.testing.assert_array_equal(searchsorted_all(a, vs), [qe.util.searchsorted(a, v) for v in vs])


@njit
def assign_module_attribute(x):
    lib.SCALE = x
    return x


def test_assigning_a_module_attribute_is_refused():
    with pytest.raises(TypingError):
        assign_module_attribute(1.0)
    assert not hasattr(lib, "SCALE")
