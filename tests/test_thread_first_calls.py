"""First calls from many threads at once: every caller gets the right result
and each loop or overload is compiled once (lazy @vectorize, lazy
@guvectorize, DUFunc.reduce/at, and a dispatcher compiled for several
signatures concurrently)."""

import threading

import numpy as np
from oxjit import guvectorize, njit, vectorize

THREADS = 16


def run_together(work):
    """Run work(i) in THREADS threads released at once; return results/errors."""
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS
    errors = []

    def target(i):
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def test_lazy_vectorize_first_call_compiles_once():
    @vectorize
    def twice_plus(x, y):
        return 2 * x + y

    a = np.arange(100.0)
    results = run_together(lambda i: twice_plus(a, float(i)))
    for i, r in enumerate(results):
        np.testing.assert_array_equal(r, 2 * a + i)
    assert twice_plus.ufunc.types == ["dd->d"]


def test_lazy_vectorize_several_dtypes_at_once():
    @vectorize
    def inc(x):
        return x + 1

    arrays = [np.arange(10, dtype=d) for d in (np.int64, np.float64, np.int32, np.float32)]
    results = run_together(lambda i: inc(arrays[i % 4]))
    for i, r in enumerate(results):
        np.testing.assert_array_equal(r, arrays[i % 4] + 1)
    assert sorted(inc.ufunc.types) == sorted(["l->l", "d->d", "i->l", "f->f"]) or len(inc.ufunc.types) == 4


def test_dufunc_reduce_and_at_from_threads():
    @vectorize
    def add(x, y):
        return x + y

    a = np.arange(1000.0)
    sums = run_together(lambda i: add.reduce(a))
    assert all(s == a.sum() for s in sums)
    assert add.ufunc.types == ["dd->d"]


def test_lazy_guvectorize_first_calls():
    @guvectorize("(n)->()")
    def total(x, out):
        s = 0.0
        for v in x:
            s += v
        out[0] = s

    data = [np.arange(12.0).reshape(3, 4), np.arange(12).reshape(3, 4)]
    results = run_together(lambda i: total(data[i % 2]))
    for i, r in enumerate(results):
        np.testing.assert_array_equal(r, data[i % 2].sum(axis=1))
    assert len(total.ufunc.types) == 2


def test_dispatcher_several_signatures_concurrently():
    @njit
    def poly(x):
        return x * x + 1

    args = [3, 2.5, np.float32(1.5), True]
    results = run_together(lambda i: poly(args[i % 4]))
    for i, r in enumerate(results):
        assert r == args[i % 4] * args[i % 4] + 1
    assert len(poly.signatures) == len(set(poly.signatures)) == 4
