"""`cache=True`: compiled code written by one process and linked by the next,
keyed by everything that decides it (an edited callee recompiles its
caller), safe with many writers at once. Each test runs fresh interpreters
on a module written into a temporary directory (with `-B`: an edit that
keeps a file's size within one second would otherwise import a stale .pyc)."""

import json
import os
import subprocess
import sys
import textwrap
import warnings

import oxjit
import pytest
from oxjit import njit
from oxjit.errors import CacheWarning

MODULE = '''
import numpy as np
from oxjit import guvectorize, njit, prange, vectorize

@njit(cache=True)
def step(v):
    return 4 * v * (1 - v)

@njit(cache=True)
def qm(x0, n):
    x = np.empty(n + 1)
    x[0] = x0
    for t in range(n):
        x[t + 1] = step(x[t])
    return x

@njit("float64(float64[::1])", cache=True)
def total(a):
    s = 0.0
    for v in a:
        s += v
    return s

@njit(cache=True, parallel=True)
def psum(n):
    s = 0.0
    for i in prange(n):
        s += i * 0.5
    return s

@vectorize(["float64(float64, float64)"], cache=True)
def eager_vec(x, y):
    return x * y + 1.0

@vectorize(cache=True)
def lazy_vec(x):
    return x * 2 + 1

@guvectorize(["void(float64[:], float64[:])"], "(n)->(n)", cache=True)
def cumsum(a, out):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
        out[i] = s
'''

DRIVER = '''
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import mod
x = mod.qm(0.1, 20)
out = {
    "qm": x.tolist(),
    "qm_int": mod.qm(0, 3).tolist(),
    "total": mod.total(np.arange(5.0)),
    "psum": mod.psum(100),
    "eager_vec": mod.eager_vec(np.arange(3.0), 2.0).tolist(),
    "lazy_vec": mod.lazy_vec(np.arange(3)).tolist() + mod.lazy_vec(np.arange(2.0)).tolist(),
    "cumsum": mod.cumsum(np.arange(4.0)).tolist(),
    "stats": {n: list(getattr(mod, n).stats[1:]) for n in ("qm", "step", "total", "psum")},
    "path": mod.qm.stats.cache_path,
}
print(json.dumps(out))
'''


@pytest.fixture(autouse=True)
def _default_cache_place(monkeypatch):
    # These tests choose the cache directory themselves (conftest.py points
    # OXJIT_CACHE_DIR at the run's own directory for every other test).
    monkeypatch.delenv("OXJIT_CACHE_DIR", raising=False)
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)


def run(tmp_path, env=None):
    (tmp_path / "driver.py").write_text(DRIVER)
    full = dict(os.environ)
    for k in ("OXJIT_CACHE_DIR", "NUMBA_CACHE_DIR"):
        full.pop(k, None)
    full.update(env or {})
    r = subprocess.run(
        [sys.executable, "-B", str(tmp_path / "driver.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-4000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def entries(directory):
    return sorted(p for p in os.listdir(directory) if p.endswith(".oxjit")) if os.path.isdir(directory) else []


def plain_qm(x0, n):
    x = [float(x0)]
    for _ in range(n):
        x.append(4 * x[-1] * (1 - x[-1]))
    return x


def test_second_process_links_the_cached_code(tmp_path):
    (tmp_path / "mod.py").write_text(MODULE)
    first = run(tmp_path)
    cache = tmp_path / "__pycache__"
    assert first["path"] == str(cache)
    assert first["stats"]["qm"] == [0, 2]  # (float64, int64) and (int64, int64)
    assert first["stats"]["total"] == [0, 1]
    files = entries(cache)
    # qm x2 (step is compiled into qm's units: no entries of its own),
    # total, psum, eager_vec, lazy_vec x2, cumsum.
    assert len(files) == 8, files
    mtimes = {f: os.stat(cache / f).st_mtime_ns for f in files}
    # With a warm cache nothing is compiled: no module reaches LLVM.
    ir = tmp_path / "ir"
    ir.mkdir()
    second = run(tmp_path, {"OXJIT_DUMP_IR_DIR": str(ir)})
    assert os.listdir(ir) == []
    assert second["stats"]["qm"] == [2, 0]
    assert second["stats"]["total"] == [1, 0]
    assert second["stats"]["psum"] == [1, 0]
    assert {f: os.stat(cache / f).st_mtime_ns for f in entries(cache)} == mtimes  # nothing rewritten
    for k in ("qm", "qm_int", "total", "psum", "eager_vec", "lazy_vec", "cumsum"):
        assert second[k] == first[k], k
    assert first["qm"] == plain_qm(0.1, 20)
    assert first["qm_int"] == plain_qm(0, 3)
    assert first["total"] == 10.0
    assert first["psum"] == sum(i * 0.5 for i in range(100))
    assert first["eager_vec"] == [1.0, 3.0, 5.0]
    assert first["lazy_vec"] == [1, 3, 5, 1.0, 3.0]
    assert first["cumsum"] == [0.0, 1.0, 3.0, 6.0]


def test_an_edited_callee_recompiles_its_caller(tmp_path):
    (tmp_path / "mod.py").write_text(MODULE)
    before = run(tmp_path)
    (tmp_path / "mod.py").write_text(MODULE.replace("return 4 * v * (1 - v)", "return 3 * v * (1 - v)"))
    after = run(tmp_path)
    assert after["stats"]["qm"] == [0, 2]
    assert after["stats"]["total"] == [1, 0]  # untouched
    x = [0.1]
    for _ in range(20):
        x.append(3 * x[-1] * (1 - x[-1]))
    assert after["qm"] == x != before["qm"]
    # One file per function and argument types: the new key replaced the old.
    assert len(entries(tmp_path / "__pycache__")) == 8
    assert run(tmp_path)["stats"]["qm"] == [2, 0]


def test_a_changed_global_recompiles(tmp_path):
    src = "import numpy as np\nfrom oxjit import njit\nK = 2.0\n@njit(cache=True)\ndef f(x):\n    return x * K\n"
    (tmp_path / "g.py").write_text(src)
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import g; print(g.f(3.0), g.f.stats.cache_hits)"
    out = lambda: subprocess.run([sys.executable, "-B", "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out() == ["6.0", "0"]
    assert out() == ["6.0", "1"]
    (tmp_path / "g.py").write_text(src.replace("K = 2.0", "K = 5.0"))
    assert out() == ["15.0", "0"]


def test_cache_dir_from_the_environment(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mod.py").write_text(MODULE)
    (tmp_path / "src" / "driver.py").write_text(DRIVER)
    for var in ("OXJIT_CACHE_DIR", "NUMBA_CACHE_DIR"):
        root = tmp_path / var
        first = run(tmp_path / "src", {var: str(root)})
        # The source directory's path, mirrored under the cache directory.
        mirrored = os.path.join(str(root), str(tmp_path / "src").lstrip(os.sep))
        assert first["path"] == mirrored
        assert len(entries(mirrored)) == 8
        assert run(tmp_path / "src", {var: str(root)})["stats"]["qm"] == [2, 0]
    assert not (tmp_path / "src" / "__pycache__").exists() or not entries(tmp_path / "src" / "__pycache__")


def test_eight_processes_writing_at_once(tmp_path):
    (tmp_path / "mod.py").write_text(MODULE)
    (tmp_path / "driver.py").write_text(DRIVER)
    procs = [
        subprocess.Popen(
            [sys.executable, "-B", str(tmp_path / "driver.py"), str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-4000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    for r in results:
        assert r["qm"] == plain_qm(0.1, 20)
        assert r["cumsum"] == [0.0, 1.0, 3.0, 6.0]
    cache = tmp_path / "__pycache__"
    assert len(entries(cache)) == 8
    assert not [p for p in os.listdir(cache) if p.endswith(".tmp")]  # no half-written leftovers
    after = run(tmp_path)
    assert after["stats"]["qm"] == [2, 0] and after["stats"]["total"] == [1, 0]


def test_a_damaged_entry_is_a_miss(tmp_path):
    (tmp_path / "mod.py").write_text(MODULE)
    run(tmp_path)
    cache = tmp_path / "__pycache__"
    for f in entries(cache):
        data = (cache / f).read_bytes()
        (cache / f).write_bytes(data[: len(data) // 2])
    again = run(tmp_path)
    assert again["stats"]["qm"] == [0, 2]
    assert again["qm"] == plain_qm(0.1, 20)
    assert run(tmp_path)["stats"]["qm"] == [2, 0]
    # One byte changed, the length kept (a flipped bit on disk): the
    # checksum makes it a miss too, never linked.
    for f in entries(cache):
        data = bytearray((cache / f).read_bytes())
        data[len(data) * 3 // 4] ^= 0x40
        (cache / f).write_bytes(bytes(data))
    flipped = run(tmp_path)
    assert flipped["stats"]["qm"] == [0, 2] and flipped["stats"]["total"] == [0, 1]
    assert flipped["qm"] == plain_qm(0.1, 20)


def test_uncacheable_code_still_runs(tmp_path):
    src = textwrap.dedent(
        """
        import numpy as np
        from oxjit import njit
        from oxjit.experimental import jitclass
        from oxjit import float64

        @jitclass([("v", float64)])
        class Box:
            def __init__(self, v):
                self.v = v

        BIG = np.arange(100000.0)

        @njit(cache=True)
        def uses_class(x):
            return Box(x).v * 2

        @njit(cache=True)
        def uses_big_array(i):
            return BIG[i]
        """
    )
    (tmp_path / "u.py").write_text(src)
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import u; "
        "print(u.uses_class(2.0), u.uses_big_array(7), u.uses_class.stats.cache_misses)"
    )
    for _ in range(2):
        out = subprocess.run([sys.executable, "-B", "-c", code], capture_output=True, text=True, check=True).stdout
        assert out.split() == ["4.0", "7.0", "0"]
    assert entries(tmp_path / "__pycache__") == []


def test_a_function_in_no_file_warns(tmp_path):
    ns = {"njit": njit}
    with pytest.warns(CacheWarning, match="cannot cache function 'g': it is not defined in a file"):
        exec("def g(x):\n    return x\n", ns)  # noqa: S102
        g = njit(cache=True)(ns["g"])
    assert g.stats.cache_path is None


def test_stats_without_cache():
    @njit
    def f(x):
        return x + 1

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert f(1) == 2
    assert f.stats == oxjit._cache.CacheStats(None, 0, 0)


def test_cached_code_in_this_process_twice(tmp_path):
    # Two dispatchers of one function in one process: the second compiles
    # its own copy (the first one's symbols are taken) and both work.
    (tmp_path / "mod.py").write_text(MODULE)
    run(tmp_path)
    code = (
        f"import sys, importlib; sys.path.insert(0, {str(tmp_path)!r}); import mod; a = mod.qm(0.1, 3).tolist(); "
        "sys.modules.pop('mod'); mod2 = importlib.import_module('mod'); b = mod2.qm(0.1, 3).tolist(); "
        "print(a == b, tuple(mod.qm.stats[1:]), tuple(mod2.qm.stats[1:]))"
    )
    out = subprocess.run([sys.executable, "-B", "-c", code], capture_output=True, text=True, check=True).stdout
    # Counted by cache file, for both: the first linked, the second compiled.
    assert out.split(" ", 1) == ["True", "(1, 1) (1, 1)\n"]
