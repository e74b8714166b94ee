"""numpy.random.Generator arguments in compiled code: the same draws as NumPy
for the same seed, the stream continuing in Python, NumPy's argument checks."""

import numpy as np
import pytest
from conftest import same_value
from oxjit import njit
from oxjit.errors import TypingError

BIT_GENERATORS = [np.random.PCG64, np.random.MT19937, np.random.Philox, np.random.SFC64, np.random.PCG64DXSM]


def pair(seed=12345, bitgen=np.random.PCG64):
    return np.random.Generator(bitgen(seed)), np.random.Generator(bitgen(seed))


def py_scalars(v):
    """NumPy scalars as the Python scalars compiled code returns (as Numba does)."""
    if isinstance(v, tuple):
        return tuple(py_scalars(x) for x in v)
    return v.item() if isinstance(v, np.generic) else v


def check_same(jitted, *args, seed=12345, bitgen=np.random.PCG64):
    """Run `jitted(rng, *args)` and `jitted.py_func(rng, *args)` on twin generators:
    same results (values, types, dtypes) and the same stream afterwards."""
    r1, r2 = pair(seed, bitgen)
    got = jitted(r1, *args)
    want = py_scalars(jitted.py_func(r2, *args))
    assert same_value(got, want), f"{got!r} != {want!r}"
    assert np.array_equal(r1.bit_generator.random_raw(4), r2.bit_generator.random_raw(4))
    assert r1.random() == r2.random()
    return got


@njit
def g_random(rng, n):
    return rng.random(), rng.random(n), rng.random((2, 3)), rng.random(size=n)


@njit
def g_float32(rng, n):
    return rng.random(n, dtype=np.float32), rng.standard_normal(n, np.float32), rng.random(dtype=np.float32)


@njit
def g_normal(rng, n):
    return rng.standard_normal(), rng.standard_normal(n), rng.normal(), rng.normal(2.0, 3.0, n), rng.normal(loc=-1.0, scale=0.5, size=(2, 2))


@njit
def g_cont(rng, n):
    return (rng.uniform(-1.0, 2.0, n), rng.uniform(), rng.exponential(2.0, n), rng.exponential(),
            rng.standard_exponential(n), rng.gamma(2.0, 1.5, n), rng.gamma(0.5), rng.standard_gamma(3.0, n),
            rng.beta(2.0, 3.0, n), rng.beta(0.5, 0.5), rng.lognormal(0.0, 1.0, n), rng.lognormal())


@njit
def g_disc(rng, n):
    return (rng.poisson(3.0, n), rng.poisson(), rng.poisson(1e6, n), rng.binomial(10, 0.3, n), rng.binomial(1000, 0.6, n),
            rng.binomial(5, 1.0), rng.binomial(0, 0.5), rng.geometric(0.2, n), rng.geometric(1.0))


@njit
def g_integers(rng, n):
    return (rng.integers(0, 10, n), rng.integers(5), rng.integers(-3, 3, size=(2, 2)), rng.integers(0, 2**40, n),
            rng.integers(-2**63, 2**63 - 1, n), rng.integers(1, 6, n, endpoint=True), rng.integers(3, 4, n),
            rng.integers(0, 2**32, n), rng.integers(7, high=9))


@pytest.mark.parametrize("bitgen", BIT_GENERATORS, ids=lambda b: b.__name__)
@pytest.mark.parametrize("fn", [g_random, g_float32, g_normal, g_cont, g_disc, g_integers], ids=lambda f: f.__name__)
def test_draws_match_numpy(fn, bitgen):
    check_same(fn, 7, bitgen=bitgen)


@pytest.mark.parametrize("seed", [0, 1, 2**32 + 5])
def test_draws_match_numpy_seeds(seed):
    for fn in (g_normal, g_disc, g_integers):
        check_same(fn, 50, seed=seed)


def test_stream_interleaves_with_python():
    @njit
    def one(rng):
        return rng.standard_normal()

    r1, r2 = pair()
    # Compiled and Python draws alternate on r1; r2 draws the same sequence in Python.
    seq1 = [one(r1), r1.standard_normal(), one(r1), r1.integers(100), one(r1)]
    seq2 = [r2.standard_normal(), r2.standard_normal(), r2.standard_normal(), r2.integers(100), r2.standard_normal()]
    assert seq1 == seq2


def test_default_rng_in_a_loop():
    @njit
    def walk(rng, n):
        x = 0.0
        out = np.empty(n)
        for i in range(n):
            x += rng.normal(0.0, 0.1)
            if rng.random() < 0.5:
                x -= rng.exponential(0.01)
            out[i] = x
        return out

    check_same(walk, 1000)


@njit
def g_shuffle(rng, a):
    rng.shuffle(a)
    return a


@pytest.mark.parametrize("shape", [(0,), (1,), (2,), (10,), (6, 3), (4, 2, 2), (3, 0)])
def test_shuffle(shape):
    base = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    r1, r2 = pair()
    a1, a2 = base.copy(), base.copy()
    g_shuffle(r1, a1)
    r2.shuffle(a2)
    assert np.array_equal(a1, a2)
    assert r1.random() == r2.random()


def test_shuffle_non_contiguous_and_int():
    r1, r2 = pair()
    a1 = np.arange(20, dtype=np.int32)
    a2 = a1.copy()
    g_shuffle(r1, a1[::2])
    r2.shuffle(a2[::2])
    assert np.array_equal(a1, a2)


@njit
def g_perm(rng, x):
    return rng.permutation(x)


@pytest.mark.parametrize("x", [0, 1, 10, -3, np.arange(5.0), np.arange(12).reshape(4, 3), np.array([True, False, True])],
                         ids=str)
def test_permutation(x):
    check_same(g_perm, x)


@njit
def g_choice(rng, pop, k):
    return rng.choice(pop, k), rng.choice(pop), rng.choice(pop, (2, 2))


@njit
def g_choice_noreplace(rng, pop, k):
    return rng.choice(pop, k, replace=False)


@njit
def g_choice_noshuffle(rng, pop, k):
    return rng.choice(pop, k, replace=False, shuffle=False)


@njit
def g_choice_p(rng, pop, k, p):
    return rng.choice(pop, k, p=p), rng.choice(pop, p=p)


@pytest.mark.parametrize("pop,k", [(1, 1), (10, 3), (10, 10), (20000, 5000), (20000, 10), (50000, 2000)])
def test_choice(pop, k):
    check_same(g_choice, pop, k)
    check_same(g_choice_noreplace, pop, k)
    check_same(g_choice_noshuffle, pop, k)


def test_choice_from_array_and_p():
    a = np.array([1.5, -2.0, 7.25, 0.0])
    check_same(g_choice, a, 5)
    check_same(g_choice_noreplace, a, 3)
    p = np.array([0.1, 0.2, 0.3, 0.4])
    check_same(g_choice_p, 4, 6, p)
    check_same(g_choice_p, a, 6, p)


@pytest.mark.parametrize(
    "fn,args",
    [
        (lambda rng, s: rng.normal(0.0, s), (-1.0,)),
        (lambda rng, s: rng.normal(0.0, s), (-0.0,)),
        (lambda rng, s: rng.exponential(s), (-2.0,)),
        (lambda rng, s: rng.gamma(s), (-1.0,)),
        (lambda rng, s: rng.beta(s, 1.0), (0.0,)),
        (lambda rng, s: rng.poisson(s), (-1.0,)),
        (lambda rng, s: rng.poisson(s), (float("nan"),)),
        (lambda rng, s: rng.poisson(s), (1e19,)),
        (lambda rng, s: rng.geometric(s), (0.0,)),
        (lambda rng, s: rng.geometric(s), (1.5,)),
        (lambda rng, s: rng.binomial(10, s), (1.5,)),
        (lambda rng, s: rng.binomial(s, 0.5), (-1,)),
        (lambda rng, s: rng.uniform(s, 0.0), (1.0,)),
        (lambda rng, s: rng.uniform(s, np.inf), (0.0,)),
        (lambda rng, s: rng.integers(s), (0,)),
        (lambda rng, s: rng.integers(s, 3), (5,)),
        (lambda rng, s: rng.integers(s, 3, endpoint=True), (5,)),
        (lambda rng, s: rng.integers(0, s, endpoint=True), (-1,)),
        (lambda rng, s: rng.choice(s), (0,)),
        (lambda rng, s: rng.choice(3, s, replace=False), (5,)),
        (lambda rng, s: rng.choice(3, 2, p=s), (np.array([0.5, 0.6, 0.1]),)),
        (lambda rng, s: rng.choice(3, 2, p=s), (np.array([0.5, 0.6]),)),
        (lambda rng, s: rng.choice(3, 2, p=s), (np.array([1.5, -0.5, 0.0]),)),
        (lambda rng, s: rng.choice(3, 2, p=s), (np.array([np.nan, 0.5, 0.5]),)),
    ],
)
def test_argument_errors_match_numpy(fn, args):
    # Lambdas need their source for compilation; define a named wrapper per case.
    src = fn
    jitted = njit(src)
    r1, r2 = pair()
    with pytest.raises(Exception) as want:
        src(r2, *args)
    with pytest.raises(want.type) as got:
        jitted(r1, *args)
    assert str(got.value) == str(want.value)


def test_empty_integers_draw_nothing_and_check_nothing():
    @njit
    def f(rng):
        return rng.integers(5, 1, size=0)

    r1, r2 = pair()
    out = f(r1)
    assert out.shape == (0,) and out.dtype == np.int64
    assert r1.random() == r2.random()


def test_generator_cannot_be_returned():
    @njit
    def f(rng):
        return rng

    with pytest.raises(TypingError, match="Generator"):
        f(np.random.default_rng())


def test_unknown_method_is_diagnosed():
    @njit
    def f(rng):
        return rng.zipf(2.0)

    with pytest.raises(TypingError, match="no method `zipf`"):
        f(np.random.default_rng())


def test_complex_parameters_are_diagnosed():
    @njit
    def f(rng, a):
        return rng.normal(a)

    with pytest.raises(TypingError, match="must be a real number or a real array"):
        f(np.random.default_rng(), np.zeros(3, dtype=np.complex128))


def test_readonly_shuffle_is_diagnosed():
    @njit
    def f(rng, a):
        rng.shuffle(a)

    a = np.arange(3.0)
    a.flags.writeable = False
    with pytest.raises(TypingError, match="read-only"):
        f(np.random.default_rng(), a)


def test_generator_argument_type_checked_at_call():
    @njit
    def f(rng):
        return rng.random()

    f(np.random.default_rng(0))
    with pytest.raises(TypeError):
        f(np.random.RandomState(0))


def test_no_leaks(no_leaks):
    @njit
    def f(rng):
        a = rng.standard_normal(100)
        b = rng.choice(a, 10)
        c = rng.permutation(a)
        d = rng.normal(a, 1.0, size=(3, 100))
        e = rng.integers(0, 5, 7, dtype=np.int8)
        return b.sum() + c.sum() + d.sum() + e.sum()

    for _ in range(5):
        f(np.random.default_rng(1))

    @njit
    def g(rng, s):
        t = rng.normal(np.zeros(4), 1.0)
        return rng.normal(0.0, s).sum() + t.sum()

    for _ in range(3):
        with pytest.raises(ValueError, match="scale < 0"):
            g(np.random.default_rng(1), -np.ones(3))


# ---------------------------------------------------------------------------
# The legacy global state: np.random.choice / shuffle / permutation
# ---------------------------------------------------------------------------


def legacy_draws(seed, a, x, p):
    np.random.seed(seed)
    r1 = np.random.choice(10, 5)
    r2 = np.random.choice(a, 3)
    r3 = np.random.choice(10, 4, replace=False)
    r4 = np.random.choice(4, (2, 3), p=p)
    np.random.shuffle(x)
    r5 = np.random.permutation(7)
    r6 = np.random.permutation(a)
    r7 = np.random.choice(5)
    r8 = np.random.choice(a, size=2, replace=False)
    return r1, r2, r3, r4, x, r5, r6, r7, r8, np.random.random()


@pytest.mark.parametrize("seed", [0, 3, 12345])
def test_legacy_choice_shuffle_permutation_match_numpy(seed):
    a = np.arange(6.0) * 1.5
    p = np.array([0.1, 0.2, 0.3, 0.4])
    x1 = np.arange(14).reshape(7, 2)
    x2 = x1.copy()
    got = njit(legacy_draws)(seed, a, x1, p)
    want = py_scalars(legacy_draws(seed, a, x2, p))
    assert same_value(got, want)


@pytest.mark.parametrize("call", [
    lambda s: np.random.choice(s, 3, replace=False),
    lambda s: np.random.choice(s - 2, 3),
    lambda s: np.random.choice(3, 2, p=np.array([0.5, 0.6, 0.1]) * s / 2),
    lambda s: np.random.choice(3, 2, p=np.array([0.5, 0.5]) * s / 2),
])
def test_legacy_choice_errors_match_numpy(call):
    jitted = njit(call)
    with pytest.raises(ValueError) as want:
        call(2)
    with pytest.raises(ValueError) as got:
        jitted(2)
    assert str(got.value) == str(want.value)


@njit
def g_int_dtypes(rng, n):
    return (rng.integers(0, 10, n, dtype=np.int8), rng.integers(0, 10, dtype=np.int8), rng.integers(-5, 300, n, dtype=np.int16),
            rng.integers(0, 256, n, dtype=np.uint8), rng.integers(0, 2, n, dtype=np.bool_), rng.integers(0, 1, dtype=np.bool_),
            rng.integers(-(2**31), 2**31 - 1, n, dtype=np.int32), rng.integers(0, 2**32 - 1, n, dtype=np.uint32),
            rng.integers(0, 100, n, dtype=np.uint64), rng.integers(3, 9, (2, 2), dtype=np.int32, endpoint=True))


@pytest.mark.parametrize("bitgen", BIT_GENERATORS, ids=lambda b: b.__name__)
def test_integers_dtypes_match_numpy(bitgen):
    check_same(g_int_dtypes, 9, bitgen=bitgen)


@pytest.mark.parametrize("call", [
    lambda rng, s: rng.integers(s - 2, 5, dtype=np.uint8),
    lambda rng, s: rng.integers(0, 256 + s, dtype=np.uint8),
    lambda rng, s: rng.integers(0, 255 + s, dtype=np.uint8, endpoint=True),
    lambda rng, s: rng.integers(-127 - 2 * s, 0, dtype=np.int8),
    lambda rng, s: rng.integers(0, 2 + s, dtype=np.bool_),
])
def test_integers_dtype_bounds_errors(call):
    r1, r2 = pair()
    with pytest.raises(ValueError) as want:
        call(r2, 1)
    with pytest.raises(ValueError) as got:
        njit(call)(r1, 1)
    assert str(got.value) == str(want.value)


@njit
def g_array_params(rng, mu, sig, lam, p, n):
    return (rng.normal(mu, 1.0), rng.normal(0.0, sig), rng.normal(mu, sig[:1]), rng.normal(mu, 2.0, size=(2, 3)),
            rng.uniform(mu, mu + sig), rng.exponential(sig), rng.gamma(sig, 2.0), rng.beta(sig, sig + 1.0),
            rng.lognormal(mu, sig), rng.poisson(lam), rng.geometric(p), rng.binomial(n, p), rng.binomial(10, p),
            rng.standard_gamma(sig))


@pytest.mark.parametrize("bitgen", BIT_GENERATORS, ids=lambda b: b.__name__)
def test_array_parameters_match_numpy(bitgen):
    mu = np.array([0.0, 10.0, -5.0])
    sig = np.array([1.0, 0.5, 2.0])
    lam = np.array([[1.0, 4.0], [0.0, 50.0]])
    p = np.array([0.3, 0.9, 1.0])
    n = np.array([5, 0, 20])
    check_same(g_array_params, mu, sig, lam, p, n, bitgen=bitgen)


@pytest.mark.parametrize("call", [
    lambda rng, a: rng.normal(0.0, a),
    lambda rng, a: rng.exponential(a),
    lambda rng, a: rng.beta(a, 1.0),
    lambda rng, a: rng.poisson(a),
    lambda rng, a: rng.poisson(a * np.nan),
    lambda rng, a: rng.poisson(a * 1e19),
    lambda rng, a: rng.geometric(a),
    lambda rng, a: rng.binomial(3, a + 2.0),
    lambda rng, a: rng.binomial(a.astype(np.int64) - 2, a + 2.0),
    lambda rng, a: rng.uniform(a, 0.0),
    lambda rng, a: rng.uniform(0.0, a * np.inf),
])
def test_array_parameter_errors_match_numpy(call):
    a = np.array([1.0, -1.0, 0.5])
    r1, r2 = pair()
    with pytest.raises(Exception) as want:
        call(r2, a)
    with pytest.raises(want.type) as got:
        njit(call)(r1, a)
    assert str(got.value) == str(want.value)
