"""`parallel=True` with `prange`: the loop body runs on the worker pool in chunks. Every
result is compared with the same function compiled without `parallel=True` (the serial
loop) and with plain Python: reductions of every operator and several dtypes, private and
shared variables, steps and negative bounds, nested prange, exceptions raised in the body,
leaks, a fork child, many Python threads, `set_num_threads`."""

import multiprocessing
import threading
import warnings

import numba  # numba.prange spelling (the same loop)
import numpy as np
import oxjit
import pytest
from oxjit import njit, prange

# The serial references compile the same loops without parallel=True, which warns by design.
pytestmark = pytest.mark.filterwarnings("ignore::oxjit.errors.NumbaPerformanceWarning")


def sum_sq(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i] * a[i]
    return s


def int_ops(a):
    add = 0
    sub = 100
    mul = 1
    bor = 0
    band = -1
    bxor = 0
    for i in prange(a.size):
        v = a[i]
        add += v
        sub -= v
        mul *= v % 3 + 1
        bor |= v
        band &= v | 1
        bxor ^= v
    return add, sub, mul, bor, band, bxor


def extremes(a):
    lo = np.inf
    hi = -np.inf
    for i in prange(a.size):
        lo = min(lo, a[i])
        hi = max(a[i], hi)
    return lo, hi


def row_norms(m):
    out = np.empty(m.shape[0])
    for i in prange(m.shape[0]):
        acc = 0.0  # private: assigned in the body
        for j in range(m.shape[1]):
            acc += m[i, j] * m[i, j]
        out[i] = np.sqrt(acc)
    return out


def stepped(n):
    total = 0
    for i in prange(n - 1, -n, -3):
        total += i * i
    return total


def nested(n):
    out = np.zeros((n, n))
    for i in prange(n):
        for j in prange(n):  # inner prange: serial inside the outer chunk
            out[i, j] = i * n + j
    return out


def temporaries(m):
    total = 0.0
    for i in prange(m.shape[0]):
        row = m[i] * 2.0 + 1.0  # a fresh array per iteration
        total += row.sum()
    return total


def raises_at(a, bad):
    s = 0
    for i in prange(a.size):
        if i == bad:
            raise ValueError("bad index", i)
        s += a[i]
    return s


def with_break(n):
    s = 0
    for i in prange(n):
        if i == 5:
            break  # a loop that leaves early runs serially
        s += i
    return s


def numba_spelling(a):
    s = 0.0
    for i in numba.prange(a.size):
        s += a[i]
    return s


def both(fn):
    return njit(fn), njit(parallel=True)(fn)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [0, 1, 7, 1000, 100_003])
def test_float_sum_reduction(dtype, n):
    a = (np.arange(n) % 97 / 7.0).astype(dtype)
    ser, par = both(sum_sq)
    assert par(a) == pytest.approx(ser(a), rel=1e-12 if dtype == np.float64 else 1e-5)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
@pytest.mark.parametrize("n", [0, 1, 5, 999, 65_537])
def test_integer_reductions_are_exact(dtype, n):
    a = (np.arange(n) * 7 % 31).astype(dtype)
    ser, par = both(int_ops)
    assert par(a) == ser(a)
    if dtype != np.uint8:  # (NumPy refuses `-1 & np.uint8(...)`)
        assert par(a) == int_ops(a)


@pytest.mark.parametrize("n", [1, 2, 33, 10_001])
def test_min_max_reductions(n):
    a = np.sin(np.arange(n) * 1.3)
    ser, par = both(extremes)
    assert par(a) == ser(a) == extremes(a)


def test_min_max_of_empty_keeps_the_start_values():
    ser, par = both(extremes)
    assert par(np.zeros(0)) == ser(np.zeros(0)) == (np.inf, -np.inf)


def test_private_and_shared_variables():
    m = np.arange(12_000.0).reshape(400, 30)
    ser, par = both(row_norms)
    np.testing.assert_array_equal(par(m), ser(m))


@pytest.mark.parametrize("n", [0, 1, 2, 10, 1001])
def test_step_and_negative_bounds(n):
    ser, par = both(stepped)
    assert par(n) == ser(n) == stepped(n)


def test_nested_prange():
    ser, par = both(nested)
    np.testing.assert_array_equal(par(50), ser(50))


def test_temporaries_in_the_body_do_not_leak(no_leaks):
    m = np.arange(3000.0).reshape(100, 30)
    ser, par = both(temporaries)
    for _ in range(3):
        assert par(m) == pytest.approx(ser(m), rel=1e-13)


@pytest.mark.parametrize("bad", [0, 517, 9_999])
def test_exception_in_the_body_is_raised_after_the_workers_stop(bad, no_leaks):
    a = np.ones(10_000, dtype=np.int64)
    _, par = both(raises_at)
    for _ in range(3):
        with pytest.raises(ValueError) as ei:
            par(a, bad)
        assert ei.value.args[0] == "bad index"
    # The process and the pool are fine afterwards.
    assert par(a, -1) == 10_000


def test_loop_with_break_runs_serially():
    ser, par = both(with_break)
    assert par(100) == ser(100) == with_break(100) == 10


def test_numba_prange_spelling():
    a = np.arange(5000.0)
    assert njit(parallel=True)(numba_spelling)(a) == a.sum()


def test_one_thread_gives_the_same_answers():
    a = np.arange(100_000) % 13
    _, par = both(int_ops)
    before = oxjit.get_num_threads()
    try:
        oxjit.set_num_threads(1)
        one = par(a)
    finally:
        oxjit.set_num_threads(before)
    assert one == par(a) == int_ops(a)


def from_threads(f, a, calls, nthreads=8):
    """`f(a)` called `calls` times from each of `nthreads` Python threads: the results
    (after checking that every thread finished)."""
    results = []

    def work():
        for _ in range(calls):
            results.append(f(a))

    threads = [threading.Thread(target=work) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def test_many_python_threads_call_one_parallel_function():
    a = np.arange(200_000) % 7
    _, par = both(int_ops)
    want = par(a)
    assert from_threads(par, a, 5) == [want] * 40


def _child(q):
    a = np.arange(100_000) % 7
    q.put(njit(parallel=True)(int_ops)(a) == int_ops(a))


def test_fork_child_runs_parallel_code():
    # The parent has used the pool; the child has none of its threads.
    _, par = both(int_ops)
    par(np.arange(100_000) % 7)
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    p.join(timeout=120)
    assert p.exitcode == 0
    assert q.get(timeout=10) is True


def printing(n):
    s = 0
    for i in prange(n):
        if i % 1000 == 0:
            print("at", i)
        s += i
    return s


def test_print_in_the_body_does_not_deadlock(capfd):
    # Workers print through Python while the caller waits with the GIL released.
    _, par = both(printing)
    assert par(4000) == sum(range(4000))
    out = capfd.readouterr().out.split("\n")
    assert sorted(line for line in out if line) == ["at 0", "at 1000", "at 2000", "at 3000"]


# -- array expressions of parallel=True functions (split over rows when large) -------


def expr_sum(a, b):
    return np.sum(np.sqrt(a * a + b * b))


def expr_new(a, b):
    return np.sqrt(a * a + b) + 1.0


def expr_reductions(a):
    return np.max(np.abs(a - 0.5)), np.min(a), np.mean(a * 2.0), np.sum(a)


def expr_2d(m, v):
    return np.sum(m * v), m * v + 1.0, np.max(m[:, ::2] - v[::2])


@pytest.mark.parametrize("n", [0, 10, 40_000, 1_000_001])
def test_parallel_array_expressions(n):
    rng = np.random.default_rng(n)
    a, b = rng.random(n), rng.random(n)
    for fn in (expr_sum, expr_new):
        ser, par = both(fn)
        np.testing.assert_allclose(par(a, b), ser(a, b), rtol=1e-12)
        np.testing.assert_allclose(par(a, b), fn(a, b), rtol=1e-12)
    if n:
        ser, par = both(expr_reductions)
        np.testing.assert_allclose(par(a), ser(a), rtol=1e-12)
        # max and min are exact whatever the chunks.
        assert par(a)[:2] == expr_reductions(a)[:2]


@pytest.mark.parametrize("order", ["C", "F"])
def test_parallel_2d_expressions_and_broadcasting(order):
    rng = np.random.default_rng(0)
    m = np.asarray(rng.random((3000, 40)), order=order)
    v = rng.random(40)
    ser, par = both(expr_2d)
    s, p = ser(m, v), par(m, v)
    assert p[0] == pytest.approx(s[0], rel=1e-12)
    np.testing.assert_array_equal(p[1], s[1])
    assert p[2] == s[2]
    x = rng.random((4, 1))
    row = rng.random((1, 50_000))
    _, par_new = both(expr_new)
    np.testing.assert_array_equal(par_new(row, x), expr_new(row, x))
    np.testing.assert_array_equal(par_new(x, row), expr_new(x, row))


def test_parallel_reduction_of_nan_and_empty():
    a = np.arange(100_000.0)
    a[77_777] = np.nan
    _, par = both(expr_reductions)
    r = par(a)
    assert np.isnan(r[0]) and np.isnan(r[1]) and np.isnan(r[2]) and np.isnan(r[3])
    with pytest.raises(ValueError, match="zero-size array"):
        par(np.zeros(0))


def test_parallel_expression_errors_and_leaks(no_leaks):
    _, par = both(expr_new)
    with pytest.raises(ValueError, match="could not be broadcast"):
        par(np.ones(50_000), np.ones(49_999))
    for _ in range(3):
        par(np.ones(50_000), np.ones(50_000))


def thread_ids(n):
    seen = np.zeros(n, dtype=np.int64)
    for i in prange(n):
        seen[i] = oxjit.get_thread_id()
    return seen, oxjit.get_num_threads(), numba.get_num_threads(), numba.get_thread_id()


def test_thread_id_and_count_in_compiled_code():
    n = 100_000
    seen, k, k_numba, outside = njit(parallel=True)(thread_ids)(n)
    assert k == k_numba == oxjit.get_num_threads()
    assert outside == 0 == oxjit.get_thread_id()
    assert seen.min() >= 0 and seen.max() < k
    seen, *_ = njit(thread_ids)(n)  # serial: the calling thread throughout
    assert not seen.any()


def column_sums(m):
    acc = np.zeros(m.shape[1])
    for i in prange(m.shape[0]):
        acc += m[i]
    return acc


def histogram_counts(x, nbins):
    counts = np.zeros(nbins, dtype=np.int64)
    for i in prange(x.size):
        row = np.zeros(nbins, dtype=np.int64)
        row[int(x[i] * nbins)] = 1
        counts += row
    return counts


def scaled_product(m):
    acc = np.ones(m.shape[1])
    for i in prange(m.shape[0]):
        acc *= 1.0 + m[i] / 1000.0
    return acc


@pytest.mark.parametrize("rows", [1, 3, 1000])
def test_array_reductions(rows, no_leaks):
    rng = np.random.default_rng(rows)
    m = rng.random((rows, 7))
    ser, par = both(column_sums)
    np.testing.assert_allclose(par(m), ser(m), rtol=1e-12)
    np.testing.assert_allclose(par(m), m.sum(axis=0), rtol=1e-12)
    ser, par = both(scaled_product)
    np.testing.assert_allclose(par(m), ser(m), rtol=1e-12)
    x = rng.random(rows * 10)
    ser, par = both(histogram_counts)
    np.testing.assert_array_equal(par(x, 5), ser(x, 5))
    # The accumulator the function started with is the one returned.
    assert par(x, 5).sum() == x.size


def diagnosed(a):
    s = 0.0
    best = -np.inf
    for i in prange(a.size):
        t = a[i] * 2
        s += t
        best = max(best, t)
    for i in prange(a.size):
        if a[i] < 0:
            break
    return s, best, np.sum(a * a), a.reshape(2, 5).max(axis=1)


def test_parallel_diagnostics(capsys):
    f = njit(parallel=True)(diagnosed)
    f(np.arange(10.0))
    f.parallel_diagnostics(level=2)
    out = capsys.readouterr().out
    assert "prange loop runs in parallel; reductions: best (max), s (+); private: i, t" in out
    assert "prange loop runs serially: it has `break`, `return` or `else`" in out
    assert "sum of an array expression runs in parallel" in out
    line = diagnosed.__code__.co_firstlineno + 10
    assert f"line {line}: max along an axis runs in parallel from 32768 elements" in out
    f.parallel_diagnostics(level=1)
    assert "reductions" not in capsys.readouterr().out
    with pytest.raises(ValueError, match="parallel=True"):
        njit(diagnosed).parallel_diagnostics()


def test_prange_without_parallel_true_warns_and_runs_serially():
    from oxjit.errors import NumbaPerformanceWarning

    def f(n):
        s = 0
        for i in prange(n):
            s += i
        return s

    with pytest.warns(NumbaPerformanceWarning, match="not compiled with parallel=True: it runs as range"):
        assert njit(f)(10) == 45


def test_nogil_parallel_function_from_many_threads():
    a = np.arange(300_000) % 11
    f = njit(parallel=True, nogil=True)(int_ops)
    assert from_threads(f, a, 4) == [int_ops(a)] * 32


def shifted_dependency(a):
    for i in prange(1, a.size):
        a[i] = a[i - 1] + 1.0
    return a


def independent_writes(a, b):
    for i in prange(a.size):
        a[i] = b[i] + a[i] * 2.0
        b[i] += 1.0
    return a


def test_cross_iteration_dependency_warns():
    from oxjit.errors import NumbaParallelSafetyWarning

    with pytest.warns(NumbaParallelSafetyWarning, match="possible race: .* `a`"):
        njit(parallel=True)(shifted_dependency)(np.zeros(10))
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumbaParallelSafetyWarning)
        out = njit(parallel=True)(independent_writes)(np.ones(5), np.ones(5))
    np.testing.assert_array_equal(out, [3.0] * 5)


@njit(parallel=True)
def inner_parallel(a, k):
    s = 0.0
    for j in prange(a.size):
        s += a[j] * k
    return s


def outer_calls_parallel(a):
    out = np.empty(8)
    for k in prange(8):
        out[k] = inner_parallel(a, k)
    return out


def test_parallel_function_called_from_a_prange_body():
    a = np.arange(50_000.0)
    got = njit(parallel=True)(outer_calls_parallel)(a)
    np.testing.assert_allclose(got, [a.sum() * k for k in range(8)], rtol=1e-12)


def float_range(x):
    s = 0
    for i in prange(x):
        s += i
    return s


def test_prange_over_a_float_is_a_typing_error():
    from oxjit.errors import TypingError

    with pytest.raises(TypingError):
        njit(parallel=True)(float_range)(2.5)


def array_reduction_that_raises(m, bad):
    acc = np.zeros(m.shape[1])
    for i in prange(m.shape[0]):
        if i == bad:
            raise ValueError("bad row")
        acc += m[i]
    return acc


def test_array_reduction_that_raises_does_not_leak(no_leaks):
    m = np.ones((1000, 4))
    _, par = both(array_reduction_that_raises)
    for bad in (0, 500, 999):
        with pytest.raises(ValueError, match="bad row"):
            par(m, bad)
    np.testing.assert_array_equal(par(m, -1), [1000.0] * 4)


@njit(parallel=True)
def _literal_bounds(a):
    out = np.zeros(a.size)
    for i in prange(2, a.size - 1):
        out[i] = a[i - 2] + a[i + 1]
    return out


@njit(parallel=True)
def _literal_negative_start_and_step(a):
    s = 0.0
    for i in prange(-3, 4, 2):
        s += a[i]
    t = 0
    for k in prange(10, 0, -3):
        t += k
    return s, t


def test_literal_starts_and_steps_match_the_serial_loop():
    # A literal start or step is a constant in the outlined body.
    a = np.arange(100.0)
    exp = np.zeros(100)
    for i in range(2, 99):
        exp[i] = a[i - 2] + a[i + 1]
    assert np.array_equal(_literal_bounds(a), exp)
    assert _literal_negative_start_and_step(a) == (sum(a[i] for i in range(-3, 4, 2)), sum(range(10, 0, -3)))


@njit(parallel=True)
def _stencil_rows(a):
    out = np.zeros_like(a)
    n, m = a.shape
    for i in prange(1, n - 1):
        for j in range(1, m - 1):
            out[i, j] = 0.25 * (a[i - 1, j] + a[i + 1, j] + a[i, j - 1] + a[i, j + 1])
    return out


@njit(parallel=True)
def _not_a_size(a):
    # `k` is assigned a shape item and then something else: a negative
    # index, wrapped around as NumPy does.
    out = np.zeros(a.shape[0])
    n, m = a.shape
    k = a.shape[1]
    k = k - 2 * m
    for i in prange(n):
        out[i] = a[i, k] + a[i, m - 1]
    return out


def test_sizes_in_prange_bodies():
    # Names bound only to sizes are known non-negative in the body (the
    # inner loop vectorises); anything else keeps NumPy's negative indexing.
    a = np.random.default_rng(3).random((37, 29))
    exp = np.zeros_like(a)
    exp[1:-1, 1:-1] = 0.25 * (a[:-2, 1:-1] + a[2:, 1:-1] + a[1:-1, :-2] + a[1:-1, 2:])
    assert np.allclose(_stencil_rows(a), exp, rtol=0, atol=0)
    assert np.array_equal(_not_a_size(a), a[:, -29] + a[:, 28])


@njit(parallel=True)
def _axis_sums(a):
    return np.sum(a, axis=0), a.sum(axis=1), np.mean(a, axis=0), a.mean(axis=-1)


@njit(parallel=True)
def _axis_sums_3d(a):
    return a.sum(axis=0), a.sum(axis=1), a.sum(axis=2)


def _in_layout(base, layout):
    return {
        "C": base,
        "F": np.asfortranarray(base),
        "strided": base[::2, ::3],
        "negative": base[::-1, ::-2],
    }[layout]


@pytest.mark.parametrize("layout", ["C", "F", "strided", "negative"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_parallel_axis_sums_are_numpys_bits(layout, dtype):
    # Split over the pool by rows of the result, each element summed as in
    # one serial call: NumPy's order, bit for bit, whatever the layout.
    rng = np.random.default_rng(7)
    base = rng.random((700, 301)) * 1e3
    if dtype is np.complex128:
        base = base + 1j * rng.random((700, 301))
    base = base.astype(dtype)
    a = _in_layout(base, layout)
    got = _axis_sums(a)
    exp = (np.sum(a, axis=0), a.sum(axis=1), np.mean(a, axis=0), a.mean(axis=-1))
    for g, e in zip(got, exp):
        assert g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_array_equal(g, e)
    b = rng.random((40, 90, 33))
    for x in (b, np.asfortranarray(b), b[:, ::2, ::-1]):
        for g, e in zip(_axis_sums_3d(x), (x.sum(axis=0), x.sum(axis=1), x.sum(axis=2))):
            np.testing.assert_array_equal(g, e)


def _axis_reductions(a):
    return (
        a.max(axis=0),
        np.min(a, axis=1),
        np.argmax(a, axis=0),
        np.argmin(a, axis=-1),
        np.prod(a, axis=1),
        np.var(a, axis=0),
        np.std(a, axis=1),
        np.any(a > 0.5, axis=0),
        np.all(a > 0.01, axis=1),
        np.max(a, axis=1, keepdims=True),
    )


_axis_reductions_par = njit(parallel=True)(_axis_reductions)
_axis_reductions_ser = njit(_axis_reductions)


@pytest.mark.parametrize("layout", ["C", "F", "strided", "negative"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, np.uint8])
def test_parallel_axis_reductions_are_serial_bits(layout, dtype):
    # max/min/argmax/argmin/prod/var/std/any/all along an axis split the
    # result's first axis over the pool; each element is reduced by one
    # chunk in the serial order, so the bits are the serial function's.
    rng = np.random.default_rng(11)
    base = rng.random((700, 301))
    if np.dtype(dtype).kind == "f":
        base[rng.random(base.shape) < 0.001] = np.nan  # NaN propagates in every chunk
        base = base.astype(dtype)
    else:
        base = (base * 200).astype(dtype)
    a = _in_layout(base, layout)
    assert a.size >= 32 * 1024  # on the pool
    with np.errstate(all="ignore"):
        exp = _axis_reductions(a)
    got = _axis_reductions_par(a)
    ser = _axis_reductions_ser(a)
    for g, s, e in zip(got, ser, exp):
        assert g.dtype == s.dtype and g.shape == s.shape == e.shape
        assert g.tobytes() == s.tobytes()
        if g.dtype.kind == "f":
            np.testing.assert_allclose(g, e, rtol=1e-5 if dtype == np.float32 else 1e-12)
        else:
            np.testing.assert_array_equal(g, e)


@njit(parallel=True)
def _axis_max_3d(a):
    return a.max(axis=0), a.max(axis=1), np.argmax(a, axis=2), a.sum(axis=1)


def test_parallel_axis_reductions_3d_and_small():
    rng = np.random.default_rng(5)
    b = (rng.random((40, 90, 33)) * 1000).astype(np.int64)
    for x in (b, np.asfortranarray(b), b[:, ::2, ::-1], b[:2], b[:1, :3]):
        exp = (x.max(axis=0), x.max(axis=1), np.argmax(x, axis=2), x.sum(axis=1))
        for g, e in zip(_axis_max_3d(x), exp):
            np.testing.assert_array_equal(g, e)
    with pytest.raises(ValueError, match="zero-size array to reduction operation maximum"):
        _axis_max_3d(np.zeros((0, 4, 5), dtype=np.int64))


@njit(parallel=True)
def _axis_var_ddof(a):
    return np.var(a, axis=1, ddof=1), a.std(axis=0, ddof=1), np.nanvar(a, axis=0, ddof=2)


def test_parallel_axis_var_keeps_ddof():
    a = np.random.default_rng(1).random((300, 200))  # on the pool
    got = _axis_var_ddof(a)
    exp = (np.var(a, axis=1, ddof=1), a.std(axis=0, ddof=1), np.nanvar(a, axis=0, ddof=2))
    for g, e in zip(got, exp):
        np.testing.assert_allclose(g, e, rtol=1e-12)
