"""oxjit and Numba side by side in one run.

    python3 benchmarks/bench.py                      # full sizes
    python3 benchmarks/bench.py --quick              # smaller sizes
    python3 benchmarks/bench.py --only qm_run,call_overhead
    python3 benchmarks/bench.py --list

Every row gives oxjit's figure, Numba's figure and the ratio oxjit/numba.
Below 1 means oxjit is faster. Import and first-call compile times are
measured in fresh subprocesses, so they are cold. The other rows are
measured in this process after a warm-up call. Nothing here asserts a
threshold. If one provider fails on a row, the error is printed and the run
goes on.

Before NumPy is imported, the BLAS/OpenMP thread variables (OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS, MKL_NUM_THREADS) the environment leaves unset are set to 1;
--blas-threads N sets all three to N. The subprocesses inherit them. The
header reports what was used, the machine's load, and oxjit's and Numba's
worker-thread counts for the parallel rows. A row whose repeats spread by more
than 25% of their median is marked noisy. A legend at the end explains every
column and unit.
"""

import argparse
import importlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import warnings
from collections import namedtuple

# --------------------------------------------------------------------------
# BLAS/OpenMP threads: pinned before NumPy is imported (it reads them once, when its
# BLAS loads). NumPy's BLAS threads competing for busy cores made ratios meaningless.
# --------------------------------------------------------------------------

BLAS_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
DEFAULT_BLAS_THREADS = 1


def add_blas_option(parser):
    parser.add_argument(
        "--blas-threads", type=int, default=None, metavar="N",
        help=f"set {', '.join(BLAS_ENV_VARS)} to N for this run and its subprocesses, over the "
             f"environment's values (default: {DEFAULT_BLAS_THREADS} for each one the environment "
             "does not set; 0: leave unset ones unset)",
    )


def pin_blas_threads(argv):
    """Set the BLAS/OpenMP thread variables. `--blas-threads N` in argv sets all of them
    to N; without it, each one the environment leaves unset gets the default and the
    environment's own values stay. Returns {"vars": {name: (value or None, source)},
    "late": whether NumPy was imported already (then its BLAS ignores the change)}."""
    pre = argparse.ArgumentParser(add_help=False)
    add_blas_option(pre)
    n = pre.parse_known_args(argv)[0].blas_threads
    out = {}
    for var in BLAS_ENV_VARS:
        if n is not None and n > 0:
            os.environ[var] = str(n)
            out[var] = (str(n), "--blas-threads")
        elif os.environ.get(var, "").strip():
            out[var] = (os.environ[var], "your environment")
        elif n is None:
            os.environ[var] = str(DEFAULT_BLAS_THREADS)
            out[var] = (str(DEFAULT_BLAS_THREADS), "set here")
        else:
            out[var] = (None, "unset by --blas-threads 0: the library's default")
    return {"vars": out, "late": "numpy" in sys.modules}


# Run as a script: pinned now, before the NumPy import below. (Imported as a module,
# main() pins later: NumPy's BLAS is loaded by then, and the header says so.)
BLAS_PIN = pin_blas_threads(sys.argv[1:]) if __name__ == "__main__" else None

import numpy as np  # noqa: E402  (after the pin above, on purpose)

# --------------------------------------------------------------------------
# Kernels (plain Python; each provider compiles its own copy)
# --------------------------------------------------------------------------


def qm(x0, n):
    x = np.empty(n + 1)
    x[0] = x0
    for t in range(n):
        x[t + 1] = 4 * x[t] * (1 - x[t])
    return x


def add1(x):
    return x + 1.0


# A McCall-style job-search model's parameters, held in a named tuple as newer QuantEcon
# lectures do; value function iteration reads them inside the compiled loop.
McCall = namedtuple("McCall", ["beta", "c", "w", "q"])


def mccall_vfi(m, tol, max_iter):
    n = m.w.shape[0]
    v = m.w / (1 - m.beta)
    v_new = np.empty(n)
    for _ in range(max_iter):
        ev = 0.0
        for j in range(n):
            ev += v[j] * m.q[j]
        cont = m.c + m.beta * ev
        err = 0.0
        for i in range(n):
            stop = m.w[i] / (1 - m.beta)
            v_new[i] = stop if stop > cont else cont
            d = abs(v_new[i] - v[i])
            if d > err:
                err = d
        v[:] = v_new
        if err < tol:
            break
    return v


def beta_of(m):
    return m.beta


# The same model as a jitclass (QuantEcon's older lectures): each provider
# decorates this plain class with its own `jitclass`.
class McCallModel:
    def __init__(self, beta, c, w, q):
        self.beta = beta
        self.c = c
        self.w = w
        self.q = q

    def stop_value(self, i):
        return self.w[i] / (1 - self.beta)


def mccall_spec(prov):
    return [("beta", prov.float64), ("c", prov.float64), ("w", prov.float64[:]), ("q", prov.float64[:])]


class Particle:
    def __init__(self, x, v):
        self.x = x
        self.v = v

    def energy(self):
        return 0.5 * self.v * self.v


class ListNode:
    def __init__(self, data, next):
        self.data = data
        self.next = next


def make_linked(cls):
    def run(n):
        head = cls(0, None)
        for i in range(1, n):
            head = cls(i, head)
        total = 0
        node = head
        while node is not None:
            total += node.data
            node = node.next
        return total

    return run


def record_energy(a):
    e = 0.0
    for i in range(a.shape[0]):
        r = a[i]
        e += 0.5 * r.m * r.v * r.v
        r.v *= 0.99
    return e


def make_particles(cls):
    def run(n):
        e = 0.0
        for i in range(n):
            p = cls(i * 0.5, 1.0 + i)
            e += p.energy() + p.x
        return e

    return run


def jitclass_of(prov, cls, spec):
    jitclass = importlib.import_module(prov.__name__ + ".experimental").jitclass
    return jitclass(spec)(cls)


def mccall_model(prov, data):
    key = ("mccall_jc", prov.__name__)
    if key not in data:
        m = data["mccall"]
        data[key] = jitclass_of(prov, McCallModel, mccall_spec(prov))(m.beta, m.c, m.w, m.q)
    return data[key]


def sum_sq(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * a[i]
    return s


def stencil2d(a):
    out = np.zeros_like(a)
    n, m = a.shape
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            out[i, j] = 0.25 * (a[i - 1, j] + a[i + 1, j] + a[i, j - 1] + a[i, j + 1])
    return out


def mandelbrot(width, height, max_iter):
    out = np.zeros((height, width), dtype=np.int64)
    for row in range(height):
        ci = -1.25 + 2.5 * row / height
        for col in range(width):
            cr = -2.0 + 3.0 * col / width
            zr = 0.0
            zi = 0.0
            k = 0
            while k < max_iter and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                k += 1
            out[row, col] = k
    return out


def f_scalar(x, y):
    return np.cos(x**2 + y**2) / (1 + x**2 + y**2)


def array_expr(a, b):
    return np.sqrt(a * a + b * b) + 1.0


def max_abs_diff(v_new, v):
    return np.max(np.abs(v_new - v))


def axis_mean(A):
    return np.sum(A, axis=0) / A.shape[0]


def random_walk(seed, n):
    np.random.seed(seed)
    s = 0.0
    for _ in range(n):
        s += np.random.normal()
    return s


def list_build(n):
    out = []
    for i in range(n):
        out.append(i * 0.5)
    return sum(out)


def list_sort(a):
    lst = list(a)
    lst.sort()
    m = sorted(lst, key=lambda x: -x)
    return lst[0] + m[0] + lst[len(lst) // 2]


def list_comp(a):
    sq = [x * x for x in a if x > 0.5]
    return len(sq), sq[0]


def dict_count(a):
    d = {}
    for x in a:
        if x in d:
            d[x] += 1
        else:
            d[x] = 1
    return len(d), d[a[0]]


def try_lookup(a, n):
    # try/except in a hot loop: one lookup in ten misses and raises KeyError
    # (Numba takes only `except Exception` or a bare `except`).
    d = {}
    for i in range(0, n, 10):
        for j in range(9):
            d[i + j] = 1.0 / (j + 1)
    s = 0.0
    misses = 0
    for x in a:
        try:
            s += d[x]
        except Exception:
            misses += 1
    return s, misses


def str_build(n):
    return len(",".join([str(i) for i in range(n)]))


def dict_insert_lookup(n):
    d = {}
    for i in range(n):
        d[i * 7] = i
    s = 0
    for i in range(n):
        s += d[i * 7]
    return len(d), s


def word_count(words):
    d = {}
    for w in words:
        if w in d:
            d[w] += 1
        else:
            d[w] = 1
    return len(d), d[words[0]]


def str_format(n):
    out = []
    for i in range(n):
        out.append(f"{i}:{i * 3}")
    return len(" ".join(out)), out[n // 2]


def list_mutate(lst):
    for i in range(len(lst)):
        lst[i] += 1.0
    return lst[0]


def list_sum_arg(lst):
    s = 0.0
    for x in lst:
        s += x
    return s


# --------------------------------------------------------------------------
# Measurement helpers
# --------------------------------------------------------------------------


# prange kernels: compiled with parallel=True and without (the serial rows).
# `prange` is Numba's when Numba is importable (oxjit recognises it too), else
# oxjit's (which is `range`, recognised by name).
try:
    from numba import prange
except ImportError:  # pragma: no cover - oxjit only
    from oxjit import prange


def par_sum(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i] * a[i]
    return s


def par_montecarlo(n):
    hits = 0
    for _ in prange(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            hits += 1
    return 4.0 * hits / n


def par_stencil(a):
    out = np.zeros_like(a)
    n, m = a.shape
    for i in prange(1, n - 1):
        for j in range(1, m - 1):
            out[i, j] = 0.25 * (a[i - 1, j] + a[i + 1, j] + a[i, j - 1] + a[i, j + 1])
    return out


def par_region(out):
    # A prange region with almost no work: what entering one costs.
    for i in prange(out.shape[0]):
        out[i] = i


def par_grid_max(w, q, betas):
    # QuantEcon's McCall idiom: for each discount factor, iterate the value
    # function to its fixed point; the largest reservation value overall.
    out = np.empty(betas.size)
    best = -np.inf
    for k in prange(betas.size):
        beta = betas[k]
        h = np.sum(w * q) / (1 - beta)
        for _ in range(200):
            s = 0.0
            for j in range(w.size):
                s += max(w[j] / (1 - beta), h) * q[j]
            h = 25.0 + beta * s
        out[k] = h
        best = max(best, h)
    out[0] = max(out[0], best)  # (one array result, for the comparison)
    return out


def par_array_expr(a, b):
    return np.sum(np.sqrt(a * a + b * b))


# A row is "noisy" when the repeats behind its figure spread by more than this
# fraction of their median: (max - min) / median. On a quiet machine the repeats mostly
# agree within a few percent; 25% means something else took the cores.
NOISY_SPREAD = 0.25

# The repeats of the last measurement: the benchmark functions return one figure;
# main() reads the repeats behind it here, for the noise flag.
_LAST_REPEATS = []


def record_repeats(times):
    _LAST_REPEATS[:] = times


def spread(times):
    """(max - min) / median of the repeats, or None with fewer than two."""
    if times is None or len(times) < 2:
        return None
    med = statistics.median(times)
    return (max(times) - min(times)) / med if med > 0 else None


def median_time(fn, repeat, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    record_repeats(times)
    return statistics.median(times)


def best_per_call(fn, number, repeat=5):
    """Seconds per call: the best of `repeat` timeit runs of `number` calls each."""
    times = [t / number for t in timeit.repeat(fn, number=number, repeat=repeat)]
    record_repeats(times)
    return min(times)


def median_of(samples):
    """The median of figures measured elsewhere (fresh subprocesses)."""
    samples = list(samples)
    record_repeats(samples)
    return statistics.median(samples)


class NoiseTally:
    """Counts the measured rows and the noisy ones, over every table printed."""

    def __init__(self):
        self.rows = 0
        self.noisy = []

    def note(self, row, repeats):
        """repeats: {provider: list of repeat times or None}. Returns "" or the row's
        noisy marker, e.g. "noisy: spread oxjit 43%, numba 8%"."""
        spreads = {p: spread(t) for p, t in repeats.items()}
        if any(v is not None for v in spreads.values()):
            self.rows += 1
        # (compared as printed, in whole percent)
        if not any(v is not None and round(v * 100) > NOISY_SPREAD * 100 for v in spreads.values()):
            return ""
        self.noisy.append(row)
        parts = ", ".join(f"{p} {v:.0%}" for p, v in spreads.items() if v is not None)
        return f"noisy: spread {parts}"


_TMPDIR = None


def tmpdir():
    global _TMPDIR
    if _TMPDIR is None:
        _TMPDIR = tempfile.mkdtemp(prefix="oxjit-bench-")
    return _TMPDIR


def run_script(source, *args):
    """Run `source` as a file in a fresh interpreter (a real file, so the JIT can
    read the function source). The script's last stdout line is JSON."""
    path = os.path.join(tmpdir(), "script.py")
    with open(path, "w") as fh:
        fh.write(source)
    proc = subprocess.run(
        [sys.executable, path, *args], cwd=tmpdir(), capture_output=True, text=True, timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        lines = (proc.stderr.strip() or proc.stdout.strip() or "no output").splitlines()
        # The traceback's exception line, not a continuation line of a long message.
        exc = [ln for ln in lines if not ln.startswith(" ") and ("Error" in ln or "Exception" in ln)]
        raise RuntimeError(f"subprocess exited with {proc.returncode}: {(exc or lines)[-1]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


IMPORT_SCRIPT = """\
import json, sys, time
t0 = time.perf_counter()
__import__(sys.argv[1])
print(json.dumps(time.perf_counter() - t0))
"""

COMPILE_SCRIPT = """\
import json, sys, time
import numpy as np
prov = __import__(sys.argv[1])

def qm(x0, n):
    x = np.empty(n + 1)
    x[0] = x0
    for t in range(n):
        x[t + 1] = 4 * x[t] * (1 - x[t])
    return x

f = prov.njit(qm)
t0 = time.perf_counter()
f(0.1, 10)
print(json.dumps(time.perf_counter() - t0))
"""


# First-call compile time of functions that read big arrays from a closure or
# a global (frozen at compile time), and of one taking a 400-tuple.
BIG_CONST_SCRIPT = """\
import json, sys, time
import numpy as np
prov = __import__(sys.argv[1])
case = sys.argv[2]
G = np.arange(100 * 2**20 // 8, dtype=np.float64)  # 100 MB


def read_global(i):
    return G[i] * 2.0


def make_pair():
    a = np.arange(1_000_000, dtype=np.float64)
    b = np.ones(1_000_000)

    def pair(i):
        return a[i] + b[i]

    return pair


def length(t):
    return len(t)


if case == "closure":
    f, args = prov.njit(make_pair()), (5,)
elif case == "global":
    f, args = prov.njit(read_global), (7,)
else:
    f, args = prov.njit(length), (tuple(float(i) for i in range(400)),)
t0 = time.perf_counter()
f(*args)
print(json.dumps(time.perf_counter() - t0))
"""


# --------------------------------------------------------------------------
# Benchmarks: each returns (value, unit, result-for-cross-check or None)
# --------------------------------------------------------------------------

SIZES = {
    "full": {
        "reps_sub": 5, "compile_reps": 3, "reps": 7, "qm_n": 10**7, "calls": 200_000, "sum_n": 10**7,
        "stencil_n": 2000, "mandel": (800, 600, 200), "grid": 5000, "vec_reps": 5,
    },
    "quick": {
        "reps_sub": 3, "compile_reps": 1, "reps": 3, "qm_n": 10**6, "calls": 50_000, "sum_n": 10**6,
        "stencil_n": 500, "mandel": (200, 150, 100), "grid": 1000, "vec_reps": 3,
    },
}


class Bench:
    def __init__(self, name, kind, unit, fn, doc, python=False):
        self.name, self.kind, self.unit, self.fn, self.doc = name, kind, unit, fn, doc
        # Also run the kernel as plain Python (the containers' rows), printed in the note.
        self.python = python


class PlainPython:
    """The kernels run by CPython itself: `njit` gives the function back."""

    typed = type("typed", (), {"List": list, "Dict": dict})

    @staticmethod
    def njit(f=None, **kwargs):
        return f if f is not None else (lambda g: g)


def b_import(prov, name, S, data):
    return median_of(run_script(IMPORT_SCRIPT, name) for _ in range(S["reps_sub"])), None


def b_compile_qm(prov, name, S, data):
    return median_of(run_script(COMPILE_SCRIPT, name) for _ in range(S["compile_reps"])), None


CACHED_MODULE = """\
import numpy as np
from {prov} import njit

@njit(cache=True)
def qm(x0, n):
    x = np.empty(n + 1)
    x[0] = x0
    for t in range(n):
        x[t + 1] = 4 * x[t] * (1 - x[t])
    return x
"""

CACHED_SCRIPT = """\
import json, sys, time
sys.path.insert(0, sys.argv[1])
import cached_qm
t0 = time.perf_counter()
cached_qm.qm(0.1, 10)
print(json.dumps(time.perf_counter() - t0))
"""


def cached_qm_dir(name, fresh):
    """A directory holding `cached_qm.py` for provider `name`; `fresh`: its
    cache emptied first."""
    d = os.path.join(tmpdir(), f"cache_{name}")
    if fresh and os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "cached_qm.py"), "w") as fh:
        fh.write(CACHED_MODULE.format(prov=name))
    return d


def b_cache_write_qm(prov, name, S, data):
    def once():
        return run_script(CACHED_SCRIPT, cached_qm_dir(name, fresh=True))

    return median_of(once() for _ in range(S["compile_reps"])), None


def b_cache_hit_qm(prov, name, S, data):
    d = cached_qm_dir(name, fresh=True)
    run_script(CACHED_SCRIPT, d)  # writes the cache
    return median_of(run_script(CACHED_SCRIPT, d) for _ in range(S["compile_reps"])), None


def make_compile_bench(case):
    def run(prov, name, S, data):
        return median_of(run_script(BIG_CONST_SCRIPT, name, case) for _ in range(S["compile_reps"])), None

    return run


def b_qm_run(prov, name, S, data):
    f = prov.njit(qm)
    n = S["qm_n"]
    return median_time(lambda: f(0.1, n), S["reps"]), f(0.1, 1000)


def b_call_overhead(prov, name, S, data):
    f = prov.njit(add1)
    f(1.0)
    calls = S["calls"]
    return best_per_call(lambda: f(1.0), calls) * 1e9, f(1.0)


def b_par_region(prov, name, S, data):
    f = prov.njit(parallel=True)(par_region)
    out = np.zeros(64)
    f(out)
    return best_per_call(lambda: f(out), max(S["calls"] // 100, 100)) * 1e9, out.copy()


def b_call_namedtuple(prov, name, S, data):
    f = prov.njit(beta_of)
    m = data["mccall"]
    f(m)
    calls = S["calls"]
    return best_per_call(lambda: f(m), calls) * 1e9, f(m)


def b_mccall_vfi(prov, name, S, data):
    f = prov.njit(mccall_vfi)
    m = data["mccall"]
    return median_time(lambda: f(m, 1e-10, 2000), S["reps"]), f(m, 1e-10, 2000)


def b_jitclass_vfi(prov, name, S, data):
    f = prov.njit(mccall_vfi)
    m = mccall_model(prov, data)
    return median_time(lambda: f(m, 1e-10, 2000), S["reps"]), f(m, 1e-10, 2000)


def b_jitclass_field(prov, name, S, data):
    m = mccall_model(prov, data)
    calls = S["calls"]
    return best_per_call(lambda: m.beta, calls) * 1e9, m.beta


def b_jitclass_method(prov, name, S, data):
    m = mccall_model(prov, data)
    m.stop_value(3)
    calls = S["calls"]
    return best_per_call(lambda: m.stop_value(3), calls) * 1e9, m.stop_value(3)


def b_jitclass_construct(prov, name, S, data):
    spec = [("x", prov.float64), ("v", prov.float64)]
    f = prov.njit(make_particles(jitclass_of(prov, Particle, spec)))
    return median_time(lambda: f(100_000), S["reps"]), f(100_000)


def b_linked_list(prov, name, S, data):
    node_type = prov.deferred_type()
    spec = [("data", prov.int64), ("next", prov.optional(node_type))]
    cls = jitclass_of(prov, ListNode, spec)
    node_type.define(cls.class_type.instance_type)
    f = prov.njit(make_linked(cls))
    return median_time(lambda: f(100_000), S["reps"]), f(100_000)


def b_record_energy(prov, name, S, data):
    f = prov.njit(record_energy)
    a = np.zeros(S["sum_n"] // 10, dtype=[("m", "f8"), ("v", "f8"), ("id", "i4")])
    a["m"], a["v"] = 1.5, 2.0
    return median_time(lambda: f(a), S["reps"]), None


def b_sum_sq(prov, name, S, data):
    f = prov.njit(sum_sq)
    a = data["sum_a"]
    return median_time(lambda: f(a), S["reps"]), f(a)


def b_stencil2d(prov, name, S, data):
    f = prov.njit(stencil2d)
    a = data["stencil_a"]
    return median_time(lambda: f(a), S["reps"]), f(a)


def b_mandelbrot(prov, name, S, data):
    f = prov.njit(mandelbrot)
    w, h, it = S["mandel"]
    return median_time(lambda: f(w, h, it), S["reps"]), f(w, h, it)


def b_ufunc_small(prov, name, S, data):
    f_vec = prov.vectorize("float64(float64, float64)")(f_scalar)
    one = np.ones(1)
    f_vec(one, one)
    calls = S["calls"] // 4
    return best_per_call(lambda: f_vec(one, one), calls) * 1e9, f_vec(one, one)


def b_array_expr(prov, name, S, data):
    f = prov.njit(array_expr)
    a, b = data["expr_ab"]
    return median_time(lambda: f(a, b), S["reps"]), f(a, b)


def b_max_abs_diff(prov, name, S, data):
    f = prov.njit(max_abs_diff)
    a, b = data["expr_ab"]
    return median_time(lambda: f(a, b), S["reps"]), f(a, b)


def b_axis_mean(prov, name, S, data):
    f = prov.njit(axis_mean)
    A = data["axis_A"]
    return median_time(lambda: f(A), S["reps"]), f(A)


def b_random_walk(prov, name, S, data):
    f = prov.njit(random_walk)
    n = S["sum_n"]
    return median_time(lambda: f(1, n), S["reps"]), f(1, n)


def b_list_build(prov, name, S, data):
    f = prov.njit(list_build)
    n = S["sum_n"] // 10
    return median_time(lambda: f(n), S["reps"]), f(n)


def b_list_sort(prov, name, S, data):
    f = prov.njit(list_sort)
    a = data["sum_a"][: S["sum_n"] // 10]
    return median_time(lambda: f(a), S["reps"]), f(a)


def b_list_comp(prov, name, S, data):
    f = prov.njit(list_comp)
    a = data["sum_a"][: S["sum_n"] // 10]
    return median_time(lambda: f(a), S["reps"]), f(a)


def b_dict_count(prov, name, S, data):
    f = prov.njit(dict_count)
    a = (data["sum_a"][: S["sum_n"] // 10] * 1000).astype(np.int64)
    return median_time(lambda: f(a), S["reps"]), f(a)


def b_try_lookup(prov, name, S, data):
    f = prov.njit(try_lookup)
    n = S["sum_n"] // 10
    a = np.arange(n, dtype=np.int64)
    return median_time(lambda: f(a, n), S["reps"]), f(a, n)


def b_str_build(prov, name, S, data):
    f = prov.njit(str_build)
    n = S["sum_n"] // 100
    return median_time(lambda: f(n), S["reps"]), f(n)


def b_dict_insert_lookup(prov, name, S, data):
    f = prov.njit(dict_insert_lookup)
    n = S["sum_n"] // 10
    return median_time(lambda: f(n), S["reps"]), f(n)


def b_word_count(prov, name, S, data):
    f = prov.njit(word_count)
    words = prov.typed.List(data["words"])
    return median_time(lambda: f(words), S["reps"]), f(words)


def b_str_format(prov, name, S, data):
    f = prov.njit(str_format)
    n = S["sum_n"] // 1000
    return median_time(lambda: f(n), S["reps"]), f(n)


def b_list_mutate(prov, name, S, data):
    f = prov.njit(list_mutate)
    lst = [float(i) for i in range(S["sum_n"] // 100)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Numba's reflected-list deprecation warning
        f(lst)
        return median_time(lambda: f(lst), S["reps"]), None


def b_list_arg(prov, name, S, data):
    f = prov.njit(list_sum_arg)
    lst = [float(i) for i in range(1000)]
    f(lst)
    n = S["calls"] // 20
    return best_per_call(lambda: f(lst), n) * 1e9, f(lst)


def make_par_bench(kernel, args_of, parallel):
    def run(prov, name, S, data):
        f = prov.njit(parallel=parallel)(kernel)
        args = args_of(S, data)
        with warnings.catch_warnings():
            # (both warn that prange without parallel=True is range: the serial rows mean it)
            warnings.simplefilter("ignore")
            r = f(*args)
        # Warm-up calls until the allocator is in its steady state: a kernel
        # that allocates a large result (par_stencil's 30 MB) page-faults it
        # in for its first ~10 calls, until glibc raises its mmap threshold,
        # and only the provider measured first would pay for that.
        return (
            median_time(lambda: f(*args), S["reps"], warmup=12),
            None if kernel is par_montecarlo else r,
        )

    return run


def par_benches():
    kernels = [
        ("par_sum", par_sum, lambda S, d: (d["sum_a"],), "prange sum of squares over 1e7 float64"),
        ("par_montecarlo", par_montecarlo, lambda S, d: (S["sum_n"],),
         "prange Monte Carlo pi, np.random.random() in the body, 1e7 draws"),
        ("par_stencil", par_stencil, lambda S, d: (d["stencil_a"],), "4-point stencil, prange over rows, 2000x2000"),
        ("par_grid_max", par_grid_max, lambda S, d: (d["mccall"].w, d["mccall"].q, d["betas"]),
         "McCall grid: a value iteration per discount factor (64), max-reduction"),
        ("par_array_expr", par_array_expr, lambda S, d: d["expr_ab"], "np.sum(np.sqrt(a*a + b*b)) on 1e7 float64"),
    ]
    out = []
    for name, kernel, args_of, doc in kernels:
        out.append(Bench(name, "runtime", "s", make_par_bench(kernel, args_of, True), f"{doc}; parallel=True"))
        out.append(Bench(name + "_serial", "runtime", "s", make_par_bench(kernel, args_of, False),
                         "the same, parallel=False"))
    return out


def make_vec_bench(target, fastmath):
    def run(prov, name, S, data):
        f_vec = prov.vectorize("float64(float64, float64)", target=target, fastmath=fastmath)(f_scalar)
        x, y = data["grid"]
        t = median_time(lambda: np.max(f_vec(x, y)), S["vec_reps"])
        return t, f_vec(x, y)

    return run


BENCHES = [
    Bench("import", "startup", "s", b_import, "import <pkg> in a fresh interpreter (median of 5)"),
    Bench("compile_qm", "startup", "s", b_compile_qm, "cold first call of njit(qm)(0.1, 10), fresh process"),
    Bench("cache_write_qm", "startup", "s", b_cache_write_qm,
          "first call of njit(qm, cache=True), fresh process, empty cache (compile + write)"),
    Bench("cache_hit_qm", "startup", "s", b_cache_hit_qm,
          "first call of njit(qm, cache=True), fresh process, cache written by an earlier one"),
    Bench("compile_closure_arrays", "startup", "s", make_compile_bench("closure"),
          "cold first call reading two captured 1e6-float64 arrays, fresh process"),
    Bench("compile_global_100mb", "startup", "s", make_compile_bench("global"),
          "cold first call reading a 100 MB global array, fresh process"),
    Bench("compile_tuple400", "startup", "s", make_compile_bench("tuple"),
          "cold first call of len(t) for a 400-tuple argument, fresh process"),
    Bench("qm_run", "runtime", "s", b_qm_run, "qm(0.1, 10**7) steady state (median of 7)"),
    Bench("call_overhead", "overhead", "ns", b_call_overhead, "njit(add1)(1.0) per call, timeit"),
    Bench("par_region", "overhead", "ns", b_par_region,
          "a call of a parallel=True function whose prange loop writes 64 floats (entering a region)"),
    Bench("call_namedtuple", "overhead", "ns", b_call_namedtuple,
          "njit(beta_of)(m) with a 4-field named tuple (two arrays), per call"),
    Bench("mccall_vfi", "runtime", "s", b_mccall_vfi,
          "value function iteration reading a named tuple model (1000 wage points)"),
    Bench("jitclass_vfi", "runtime", "s", b_jitclass_vfi,
          "the same value function iteration reading a jitclass model"),
    Bench("jitclass_field", "overhead", "ns", b_jitclass_field, "m.beta of a jitclass instance from Python"),
    Bench("jitclass_method", "overhead", "ns", b_jitclass_method,
          "m.stop_value(3) (a compiled method) from Python, per call"),
    Bench("linked_list", "runtime", "s", b_linked_list,
          "a jitclass linked list (deferred_type): build 1e5 nodes, walk, release"),
    Bench("record_energy", "runtime", "s", b_record_energy,
          "a loop over 1e6 records of a structured array: read two fields, update one"),
    Bench("jitclass_construct", "runtime", "s", b_jitclass_construct,
          "10^5 jitclass instances built and used inside compiled code"),
    Bench("sum_sq", "runtime", "s", b_sum_sq, "sum of squares loop over 1e7 float64"),
    Bench("stencil2d", "runtime", "s", b_stencil2d, "4-point stencil loop on 2000x2000"),
    Bench("mandelbrot", "runtime", "s", b_mandelbrot, "escape-time loop, 800x600, 200 iterations"),
    Bench("array_expr", "runtime", "s", b_array_expr, "np.sqrt(a*a + b*b) + 1.0 on 1e7 float64 (fused)"),
    Bench("max_abs_diff", "runtime", "s", b_max_abs_diff, "np.max(np.abs(v_new - v)) on 1e7 float64"),
    Bench("axis_mean", "runtime", "s", b_axis_mean, "np.sum(A, axis=0) / n on 2000x2000"),
    Bench("random_walk", "runtime", "s", b_random_walk, "np.random.normal() in a loop, 1e7 draws"),
    Bench("list_build", "runtime", "s", b_list_build, "append 1e6 floats to a list in a loop, then sum()", python=True),
    Bench("list_sort", "runtime", "s", b_list_sort, "list(a) of 1e6 floats, .sort(), sorted(key=lambda)", python=True),
    Bench("list_comp", "runtime", "s", b_list_comp, "[x * x for x in a if x > 0.5] over 1e6 float64", python=True),
    Bench("list_arg", "overhead", "ns", b_list_arg,
          "a reflected list of 1000 floats passed in and summed, per call"),
    Bench("dict_count", "runtime", "s", b_dict_count, "count 1e6 ints (1000 distinct) in a dict", python=True),
    Bench("try_lookup", "runtime", "s", b_try_lookup,
          "1e6 dict lookups in try/except, one in ten raising KeyError", python=True),
    Bench("str_build", "runtime", "s", b_str_build, '",".join([str(i) for i in range(1e5)])', python=True),
    Bench("dict_insert_lookup", "runtime", "s", b_dict_insert_lookup,
          "1e6 int-keyed inserts into a dict made in compiled code, then 1e6 lookups", python=True),
    Bench("word_count", "runtime", "s", b_word_count, "count 1e5 words (1000 distinct) from a typed.List into a dict", python=True),
    Bench("str_format", "runtime", "s", b_str_format, '" ".join of f"{i}:{i * 3}" for 1e4 ints', python=True),
    Bench("list_mutate", "runtime", "s", b_list_mutate,
          "a reflected list of 1e5 floats passed in, every item changed (unboxing and write-back)", python=True),
    Bench("ufunc_call_1elem", "overhead", "ns", b_ufunc_small, "eager @vectorize on 1-element arrays, per call"),
    # The fastmath rows come first: in Numba 0.68, a fastmath kernel compiled after a plain
    # kernel of the same function in the same process comes out different (2 ulp from NumPy
    # on this grid, against ~1.7e5 ulp when compiled first, as in a fresh process).
    Bench("vec_cpu_fastmath", "runtime", "s", make_vec_bench("cpu", True),
          "np.max(f_vec(x, y)) on the lecture grid, fastmath=True"),
    Bench("vec_parallel_fastmath", "runtime", "s", make_vec_bench("parallel", True),
          "same, target='parallel', fastmath=True"),
    Bench("vec_cpu", "runtime", "s", make_vec_bench("cpu", False), "same, no fastmath"),
    Bench("vec_parallel", "runtime", "s", make_vec_bench("parallel", False), "same, target='parallel'"),
    *par_benches(),
]


def prepare_data(S, names):
    data = {}
    rng = np.random.default_rng(0)
    if ("sum_sq" in names or "par_sum" in names or "par_sum_serial" in names
            or "list_sort" in names or "list_comp" in names or "dict_count" in names):
        data["sum_a"] = rng.random(S["sum_n"])
    if any(n.startswith("par_grid") for n in names):
        data["betas"] = np.linspace(0.9, 0.99, 64)
    if "stencil2d" in names or any(n.startswith("par_stencil") for n in names):
        n = S["stencil_n"]
        data["stencil_a"] = rng.random((n, n))
    if "array_expr" in names or "max_abs_diff" in names or any(n.startswith("par_array") for n in names):
        data["expr_ab"] = (rng.random(S["sum_n"]), rng.random(S["sum_n"]))
    if "word_count" in names:
        vocab = [f"w{k}" for k in range(1000)]
        data["words"] = [vocab[k] for k in rng.integers(0, 1000, S["sum_n"] // 100)]
    if "axis_mean" in names:
        n = S["stencil_n"]
        data["axis_A"] = rng.random((n, n))
    if ("call_namedtuple" in names or "mccall_vfi" in names or any(n.startswith("jitclass_") for n in names)
            or any(n.startswith("par_grid") for n in names)):
        w = np.linspace(10, 60, 1000)
        q = rng.random(1000)
        data["mccall"] = McCall(0.99, 25.0, w, q / q.sum())
    if any(n.startswith("vec_") for n in names):
        grid = np.linspace(-3, 3, S["grid"])
        data["grid"] = np.meshgrid(grid, grid)
    return data


def accuracy(result, reference):
    """Max error in ulps of the reference (the error over the spacing of float64s at the
    reference value), |reference| where that max is, and the max absolute error."""
    result = np.asarray(result, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    err = np.abs(result - reference)
    ulps = err / np.spacing(np.abs(reference))
    at = int(np.argmax(ulps))
    return float(ulps.flat[at]), float(np.abs(reference).flat[at]), float(np.max(err))


def compare(a, b):
    """None if the results agree, else a short note."""
    if a is None or b is None:
        return None
    if isinstance(a, tuple) and any(isinstance(x, str) for x in a):
        return None if a == b else "results differ"
    try:
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return f"shape {a.shape} vs {b.shape}"
        if not np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True):
            return "results differ"
    except Exception as e:  # noqa: BLE001
        return f"cannot compare: {e}"
    return None


def fmt(value, unit):
    if value is None:
        return "-"
    if unit == "ns":
        return f"{value:10.1f} ns"
    if value < 1e-3:
        return f"{value * 1e6:10.1f} us"
    if value < 1.0:
        return f"{value * 1e3:10.2f} ms"
    return f"{value:10.3f} s "


def fmt_ratio(r, width, decimals):
    """A ratio with `decimals` decimals, or two significant digits when that would
    round a small ratio to 0."""
    if r is None:
        return f"{'-':>{width}s}"
    return f"{r:{width}.{decimals}f}" if r == 0 or r >= 10 ** -(decimals - 1) else f"{r:{width}.2g}"


def load_average():
    """The 1-minute load average, or None where the OS has none (Windows)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def blas_report(pin):
    """Header lines: the BLAS/OpenMP thread variables and what the BLAS library says."""
    if pin is None:
        return ["BLAS threads: not pinned"]
    how = {}
    for var, (value, source) in pin["vars"].items():
        how.setdefault(source, []).append(var if value is None else f"{var}={value}")
    lines = ["BLAS/OpenMP threads: " + "; ".join(
        f"{', '.join(v)} ({src}{'; --blas-threads N to change' if src == 'set here' else ''})"
        for src, v in how.items())]
    if pin["late"]:
        lines.append("  note: NumPy was imported before the pin: its BLAS keeps its own count; the "
                     "subprocesses and libraries loaded later use these")
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        built = f"NumPy built with {blas.get('name', '?')} {blas.get('version', '')}".rstrip()
    except Exception:  # noqa: BLE001  (older NumPy: no mode="dicts")
        built = "NumPy's BLAS: unknown"
    try:
        import threadpoolctl

        libs = [f"{i.get('internal_api', '?')} {i.get('version') or ''} ({i.get('user_api', '?')}): "
                f"{i.get('num_threads')} threads" for i in threadpoolctl.threadpool_info()]
        lines.append(f"  {built}; threadpoolctl reports: {'; '.join(libs) or 'no BLAS/OpenMP library loaded'}")
    except ImportError:
        lines.append(f"  {built}; threadpoolctl is not importable, so the library's own count is not checked")
    return lines


def parallel_report(providers):
    """The worker threads the parallel rows (par_*, vec_parallel*) can use."""
    parts = []
    for name, mod in providers.items():
        try:
            parts.append(f"{name} {mod.get_num_threads()}")
        except Exception:  # noqa: BLE001
            continue
    if not parts:
        return None
    return (f"parallel rows' worker threads: {', '.join(parts)} "
            "(OXJIT_NUM_THREADS / NUMBA_NUM_THREADS to change)")


def load_report(label, explain=True):
    load, cpus = load_average(), os.cpu_count() or 1
    if load is None:
        return [f"{label}: load average not available on this OS; {cpus} CPUs"]
    line = f"{label}: load average {load:.2f} (1 min{'' if explain else ', this run included'}) on {cpus} CPUs"
    if load <= cpus:
        return [line]
    if not explain:
        return [line + ": above the core count"]
    return [line, f"  WARNING: the load exceeds the {cpus} CPUs: other processes compete for the cores, "
                  "so the timings are slower and noisier than on a quiet machine"]


# The legend, one entry per thing printed; main() prints the entries for what ran.
LEGEND = {
    "table": f"""\
  oxjit, numba   time of one call (s, ms, us = microseconds, ns = nanoseconds). Runtime rows: the
                 median of the repeats after a warm-up call; ns rows: per call, best of 5 timeit runs;
                 import/compile rows: median over fresh interpreters (cold).
  oxjit/numba    oxjit's time divided by Numba's: < 1 means oxjit is faster, 2.0 means twice as slow.
                 The geometric mean summarises the runtime rows only.
  noisy          the repeats spread by more than {NOISY_SPREAD:.0%} of their median ((max-min)/median,
                 per provider): the machine was busy during that row; the figure is less trustworthy.""",
    "python": """\
  python T (Nx)  the same kernel run once by plain CPython: its time T, and T over oxjit's time.""",
    "ulp": """\
  ulp            units in the last place: the error divided by the spacing of float64 values at the
                 reference value (NumPy, no fastmath, on the same grid). Near a zero of the function
                 that spacing is tiny, so a small absolute error is many ulp: the note also gives |ref|
                 where the max is, and the max absolute error.""",
    "numpy": """\
  matmul/linalg  oxjit/numpy, numba/numpy: time in compiled code over NumPy's own call (< 1: faster);
                 times per call, best of 5 timeit runs.""",
    "memory": """\
  memory         MiB = 2**20 bytes of peak resident-memory growth during one call; "x the result"
                 is that growth over the result array's size.""",
}
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    ap.add_argument("--only", default="", help="comma-separated benchmark names (see --list)")
    ap.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    add_blas_option(ap)
    args = ap.parse_args(argv)
    if args.blas_threads is not None and args.blas_threads < 0:
        ap.error("--blas-threads must be 0 or more")
    # Run as a script, the pin happened before NumPy's import; else it happens now.
    pin = BLAS_PIN if BLAS_PIN is not None else pin_blas_threads(sys.argv[1:] if argv is None else argv)

    if args.list:
        for b in BENCHES:
            print(f"{b.name:24s} {b.doc}")
        return 0

    selected = BENCHES
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        known = {b.name for b in BENCHES} | {"matmul", "linalg", "memory"}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            ap.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        selected = [b for b in BENCHES if b.name in wanted]

    S = SIZES["quick" if args.quick else "full"]

    providers = {}
    for name in ("oxjit", "numba"):
        try:
            providers[name] = __import__(name)
        except Exception as e:  # noqa: BLE001
            providers[name] = None
            if name == "numba":
                print(f"note: Numba is not importable ({type(e).__name__}: {e}); running oxjit only "
                      "(install it with: pip install '.[bench]')")
            else:
                print(f"note: cannot import oxjit ({type(e).__name__}: {e}); its column is empty")

    versions = ", ".join(
        f"{n} {getattr(m, '__version__', '?')}" for n, m in providers.items() if m is not None
    )
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {versions}; "
          f"{os.cpu_count()} CPUs; sizes: {'quick' if args.quick else 'full'}")
    for line in [*blas_report(pin), parallel_report({n: m for n, m in providers.items() if m is not None}),
                 *load_report("machine at start")]:
        if line:
            print(line)

    data = prepare_data(S, {b.name for b in selected})

    header = f"{'benchmark':24s} {'oxjit':>13s} {'numba':>13s} {'oxjit/numba':>12s}  note"
    print()
    print(header)
    print("-" * len(header))
    runtime_ratios = []
    noise = NoiseTally()
    for b in selected:
        values, results, repeats, notes = {}, {}, {}, []
        for pname, prov in providers.items():
            values[pname], results[pname], repeats[pname] = None, None, None
            if prov is None:
                continue
            record_repeats([])
            try:
                values[pname], results[pname] = b.fn(prov, pname, S, data)
                repeats[pname] = list(_LAST_REPEATS)
            except Exception as e:  # noqa: BLE001
                msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
                notes.append(f"{pname}: ERROR {type(e).__name__}: {msg}")
        noisy = noise.note(b.name, repeats)
        if noisy:
            notes.insert(0, noisy)
        ox, nb = values["oxjit"], values["numba"]
        ratio = ox / nb if ox is not None and nb else None
        if ratio is not None and b.kind == "runtime":
            runtime_ratios.append(ratio)
        if b.python and ox is not None:
            try:
                # One warm-up and one timed run: plain Python is the slow column.
                py_s, _ = b.fn(PlainPython, "python", {**S, "reps": 1}, data)
                notes.append(f"python {fmt(py_s, b.unit).strip()} ({py_s / ox:.0f}x oxjit's time)")
            except Exception as e:  # noqa: BLE001
                notes.append(f"python: ERROR {type(e).__name__}")
        mismatch = compare(results["oxjit"], results["numba"])
        if mismatch:
            notes.append(f"MISMATCH: {mismatch}")
        if b.name.endswith("_fastmath") and "grid" in data:
            if "grid_ref" not in data:
                data["grid_ref"] = f_scalar(*data["grid"])
            for pname in ("oxjit", "numba"):
                if results.get(pname) is not None:
                    ulp, ref_at, abs_err = accuracy(results[pname], data["grid_ref"])
                    notes.append(f"{pname} vs NumPy: max {ulp:.3g} ulp (at |ref| {ref_at:.2g}), "
                                 f"max abs err {abs_err:.2g}")
        print(f"{b.name:24s} {fmt(ox, b.unit):>13s} {fmt(nb, b.unit):>13s} {fmt_ratio(ratio, 12, 3)}  "
              f"{'; '.join(notes)}", flush=True)

    print()
    if runtime_ratios:
        gm = math.exp(sum(math.log(r) for r in runtime_ratios) / len(runtime_ratios))
        print(f"geometric mean of runtime ratios oxjit/numba over {len(runtime_ratios)} benchmarks: {gm:.3f}"
              "  (<1: oxjit faster)")
    else:
        print("geometric mean of runtime ratios: n/a (no runtime benchmark ran on both)")
    only = args.only.split(",") if args.only else None
    legend = ["table"] if selected else []
    if any(b.python for b in selected):
        legend.append("python")
    if any(b.name.endswith("_fastmath") for b in selected):
        legend.append("ulp")
    if not only or "matmul" in only:
        matmul_vs_numpy(args.quick, noise)
        legend.append("numpy")
    if not only or "linalg" in only:
        linalg_side_by_side(args.quick, providers.get("numba"), noise)
        legend.append("numpy")
    if not only or "memory" in only:
        memory_peaks(args.quick)
        legend.append("memory")
    print()
    print("legend:")
    for key in dict.fromkeys(legend):
        print(LEGEND[key])
    print()
    for line in load_report("machine at the end", explain=False):
        print(line)
    if noise.noisy:
        print(f"{len(noise.noisy)} of {noise.rows} rows with repeats were noisy (spread > {NOISY_SPREAD:.0%}): "
              f"{', '.join(noise.noisy)}. The machine was busy; rerun on a quieter machine to trust those.")
    else:
        print(f"none of the {noise.rows} rows with repeats was noisy (spread <= {NOISY_SPREAD:.0%} everywhere)")
    return 0


def matmul_vs_numpy(quick, noise):
    """np.dot/@ inside njit against NumPy's own call (Numba needs SciPy for these)."""
    import oxjit

    f = oxjit.njit(lambda a, b: a @ b)
    print()
    print("matmul (a @ b in njit) against NumPy's own a @ b, float64")
    rng = np.random.default_rng(0)
    for n in (4, 8, 16, 100 if quick else 500):
        a, b = rng.random((n, n)), rng.random((n, n))
        f(a, b)
        number = max(1, 20000 // (n * n))
        t_ox = best_per_call(lambda: f(a, b), number)
        rep_ox = list(_LAST_REPEATS)
        t_np = best_per_call(lambda: a @ b, number)
        noisy = noise.note(f"matmul {n}x{n}", {"oxjit": rep_ox, "numpy": list(_LAST_REPEATS)})
        ok = np.allclose(f(a, b), a @ b)
        print(f"  {n:4d}x{n:<4d} oxjit {fmt(t_ox, 's')}  numpy {fmt(t_np, 's')}  "
              f"oxjit/numpy {fmt_ratio(t_ox / t_np, 6, 2)}{'' if ok else '  RESULTS DIFFER'}"
              f"{'  ' + noisy if noisy else ''}")



def _solve(a, b):
    return np.linalg.solve(a, b)


def _inv(a):
    return np.linalg.inv(a)


def _det(a):
    return np.linalg.det(a)


def _eigh(a):
    return np.linalg.eigh(a)[0]


def _svd(a):
    return np.linalg.svd(a)[1]


def linalg_side_by_side(quick, numba_mod, noise):
    """np.linalg inside njit (oxjit: faer; Numba: SciPy's LAPACK) against NumPy's own call."""
    import oxjit

    try:
        import scipy  # noqa: F401  (Numba's np.linalg needs SciPy's LAPACK)
    except ImportError:
        numba_mod = None
        print("\nnote: SciPy is not installed, so Numba's np.linalg cannot run; its column is empty")
    kernels = [("solve", _solve, 2), ("inv", _inv, 1), ("det", _det, 1), ("eigh", _eigh, 1), ("svd", _svd, 1)]
    print()
    print("np.linalg in compiled code; times per call, ratios against NumPy's own call (<1: faster)")
    print(f"  {'function':8s} {'n':>5s} {'oxjit':>13s} {'numba':>13s} {'numpy':>13s} {'oxjit/np':>9s} {'numba/np':>9s}")
    rng = np.random.default_rng(0)
    for name, kern, nargs in kernels:
        ox = oxjit.njit(kern)
        nb = numba_mod.njit(kern) if numba_mod is not None else None
        for n in (4, 8, 16, 100 if quick else 500):
            a = rng.random((n, n)) + n * np.eye(n)
            a = a + a.T if name == "eigh" else a
            args = (a, rng.random(n))[:nargs]
            number = max(1, 20000 // (n * n))
            t, reps = {}, {}
            for label, fn in (("oxjit", ox), ("numba", nb), ("numpy", kern)):
                if fn is None:
                    continue
                try:
                    fn(*args)
                    t[label] = best_per_call(lambda fn=fn: fn(*args), number)
                    reps[label] = list(_LAST_REPEATS)
                except Exception as e:  # noqa: BLE001
                    print(f"  {name} {label}: ERROR {type(e).__name__}: {str(e).splitlines()[0]}")
            noisy = noise.note(f"{name} {n}", reps)
            ok = np.allclose(ox(*args), kern(*args))
            r_ox = t["oxjit"] / t["numpy"] if "oxjit" in t and "numpy" in t else None
            r_nb = t["numba"] / t["numpy"] if "numba" in t and "numpy" in t else None
            print(f"  {name:8s} {n:5d} {fmt(t.get('oxjit'), 's'):>10s} {fmt(t.get('numba'), 's'):>10s} "
                  f"{fmt(t.get('numpy'), 's'):>10s} {fmt_ratio(r_ox, 9, 2)} {fmt_ratio(r_nb, 9, 2)}"
                  f"{'' if ok else '  RESULTS DIFFER'}{'  ' + noisy if noisy else ''}")


_MEMORY_SCRIPT = """
import sys
import numpy as np


def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024

which, n = sys.argv[1], int(sys.argv[2])

def expr(a, b):
    return np.sqrt(a * a + b * b) + 1.0

# Inputs made without temporaries, so the baseline peak is the live memory.
a = np.empty(n)
np.random.default_rng(0).random(out=a)
b = np.empty(n)
b[:] = a[::-1]
if which != "numpy":
    mod = __import__(which)
    f = mod.njit(expr)
    f(a[:4], b[:4])
else:
    f = expr
# Reset the peak to the current resident size (Linux: clear_refs 5), call, read the peak.
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")
before = status("VmRSS")
out = f(a, b)
print(status("VmHWM") - before)
"""


def memory_peaks(quick):
    """Peak extra memory of one fused expression, next to NumPy's temporaries."""
    n = 2_000_000 if quick else 10_000_000
    print()
    print(f"memory peak of np.sqrt(a*a + b*b) + 1.0 on {n:,} float64 (result alone: {n * 8 / 2**20:.0f} MiB),")
    print("growth of the process's peak RSS during the call, fresh process each")
    script = os.path.join(tempfile.mkdtemp(prefix="oxjit_mem_"), "mem_peak.py")
    with open(script, "w") as fh:
        fh.write(_MEMORY_SCRIPT)  # a file: the JITs read the kernel's source
    for which in ("oxjit", "numba", "numpy"):
        try:
            out = subprocess.run([sys.executable, script, which, str(n)], capture_output=True,
                                 text=True, check=True, timeout=600)
            peak = int(out.stdout.strip().splitlines()[-1])
            print(f"  {which:6s} {peak / 2**20:8.0f} MiB  ({peak / (n * 8):.1f}x the result)")
        except Exception as e:  # noqa: BLE001
            print(f"  {which:6s} ERROR {type(e).__name__}: {e}")


if __name__ == "__main__":
    sys.exit(main())
