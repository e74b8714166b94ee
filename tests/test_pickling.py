"""Pickling jitted functions and lazy ufuncs: by reference when importable,
by value otherwise (closures, lambdas), and for real across processes:
`multiprocessing` pools (spawn and fork) and `ProcessPoolExecutor`."""

import copy
import multiprocessing as mp
import pickle
import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pickle_helpers as ph
import pytest

A = np.arange(5.0)


def test_importable_functions_pickle_by_reference():
    for f in (ph.scaled_sum, ph.calls_other, ph.lazy_hypot, ph.lazy_total, ph.eager_square):
        assert pickle.loads(pickle.dumps(f)) is f
    assert copy.deepcopy(ph.scaled_sum) is ph.scaled_sum and copy.copy(ph.scaled_sum) is ph.scaled_sum


def test_closures_and_lambdas_pickle_by_value():
    f = ph.make_closure(10.0)
    g = pickle.loads(pickle.dumps(f))
    assert g is not f and g(A) == f(A) == 20.0
    h = pickle.loads(pickle.dumps(ph.make_lambda(2)))
    assert h(3.0) == 12.0
    # The options and explicit signatures travel too.
    from oxjit import njit

    def make(k):
        return njit("float64(float64)", fastmath=True)(lambda x: x + k)

    e = pickle.loads(pickle.dumps(make(1.5)))
    assert e(1.0) == 2.5 and len(e.signatures) == 1


def test_eager_ufuncs_made_in_functions_pickle_by_value():
    u = ph.make_eager_ufunc(3)
    v = pickle.loads(pickle.dumps(u))
    assert isinstance(v, np.ufunc) and v is not u
    assert v.types == u.types and v.identity == 0
    assert v(np.arange(3)).tolist() == [3, 4, 5] and v(1.5) == 4.5
    g = pickle.loads(pickle.dumps(ph.make_eager_gufunc(2.0)))
    assert g(np.arange(3.0)).tolist() == [0.0, 2.0, 4.0]
    # NumPy's own ufuncs still pickle by name.
    assert pickle.loads(pickle.dumps(np.add)) is np.add
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as ex:
        assert ex.submit(ph.apply, u, 2.0).result() == 5.0


def _run_pool(method):
    ctx = mp.get_context(method)
    with ctx.Pool(2) as pool:
        by_ref = pool.starmap(ph.apply, [(ph.scaled_sum, A), (ph.calls_other, A), (ph.lazy_hypot, 3.0, 4.0),
                                         (ph.eager_square, 3.0)])
        by_value = pool.starmap(ph.apply, [(ph.make_closure(1.0), A), (ph.make_lambda(3), 2.0)])
        mapped = pool.map(ph.make_closure(0.5), [A, A * 2])
    return by_ref, by_value, mapped


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_multiprocessing_pool(method):
    by_ref, by_value, mapped = _run_pool(method)
    assert by_ref == [30.0, 32.0, 5.0, 9.0]
    assert by_value == [11.0, 11.0]
    assert mapped == [10.5, 20.5]


def test_process_pool_executor():
    with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as ex:
        futs = [ex.submit(ph.apply, ph.lazy_total, np.ones((3, 4))), ex.submit(ph.apply, ph.make_closure(2.0), A)]
        got = [f.result() for f in futs]
    assert np.array_equal(got[0], np.full(3, 4.0)) and got[1] == 12.0


def test_unpickled_in_a_fresh_interpreter_without_the_source_file(tmp_path):
    """A function pickled by value carries its source: a process where the
    file does not exist still compiles it."""
    src = tmp_path / "gone.py"
    src.write_text(textwrap.dedent("""
        from oxjit import njit
        def make(k):
            @njit
            def f(x):
                y = 0.0
                for i in range(x):
                    y += i * k
                return y
            return f
    """))
    code = f"import sys, pickle; sys.path.insert(0, {str(tmp_path)!r}); import gone; " \
           "sys.stdout.buffer.write(pickle.dumps(gone.make(2.0)))"
    blob = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True).stdout
    src.unlink()
    run = "import pickle, sys; f = pickle.loads(sys.stdin.buffer.read()); print(f(4))"
    out = subprocess.run([sys.executable, "-c", run], input=blob, check=True, capture_output=True).stdout
    assert out.strip() == b"12.0"


def test_dask_tokens_are_deterministic():
    t1 = ph.scaled_sum.__dask_tokenize__()
    assert t1 == ph.scaled_sum.__dask_tokenize__() and t1 != ph.calls_other.__dask_tokenize__()
    code = "import pickle_helpers as ph; print(ph.scaled_sum.__dask_tokenize__())"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=str(__import__("pathlib").Path(__file__).parent)).stdout
    assert out.strip() == str(t1)


def test_dask_local_cluster_maps_jitted_functions_and_ufuncs():
    """Dask distributed with worker processes: a jitted function (by reference
    and by value) and a lazy ufunc over the chunks of a Dask array."""
    da = pytest.importorskip("dask.array")
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        x = da.from_array(np.arange(12.0), chunks=4)
        sums = x.map_blocks(lambda b: np.array([ph.scaled_sum(b)]), chunks=(1,)).compute()
        assert list(sums) == [18.0, 66.0, 114.0]
        hyp = da.map_blocks(ph.lazy_hypot, x, x).compute()
        assert np.allclose(hyp, np.hypot(np.arange(12.0), np.arange(12.0)))
        shifted = ph.make_closure(1.0)
        futs = client.map(shifted, [np.ones(3), np.zeros(2)])
        assert client.gather(futs) == [4.0, 1.0]
