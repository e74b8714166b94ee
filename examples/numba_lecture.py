"""The QuantEcon lecture on Numba (python.quantecon.org, "Numba"), run with oxjit.

The lecture's code is kept as it is, with `from oxjit import ...` where it had
`from numba import ...`. Timings use `time.perf_counter`. Every section runs
even if an earlier one fails. The script exits with status 1 if any section
failed.

    python3 examples/numba_lecture.py            # the lecture's sizes
    python3 examples/numba_lecture.py --quick    # smaller sizes, for a smoke test
    python3 examples/numba_lecture.py --out DIR  # where the plot goes (default: a temporary directory)

Each timed section prints its speed-up against pure Python and plain NumPy.
"""

import argparse
import os
import sys
import tempfile
import time
import traceback

import numpy as np
import oxjit
from oxjit import jit, njit, vectorize

_args = argparse.ArgumentParser(description="The QuantEcon Numba lecture, run with oxjit.")
_args.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke test")
_args.add_argument("--out", metavar="DIR", help="directory for the plot (default: a new temporary directory)")
ARGS = _args.parse_args()
QUICK = ARGS.quick
N = 10**6 if QUICK else 10**7  # length of the quadratic-map trajectory
GRID = 1000 if QUICK else 5000  # the lecture's meshgrid is 5000 x 5000

FAILED = []


def section(name):
    """Run the decorated function now as a named section and record failures."""

    def run(fn):
        print()
        print("=" * 72)
        print(name)
        print("=" * 72, flush=True)
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - report the failure and go on to the next section
            FAILED.append(name)
            sys.stdout.flush()
            traceback.print_exc()
            sys.stderr.flush()
            print(f"SECTION {name} FAILED: {type(e).__name__}: {e}", flush=True)
        return fn

    return run


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


# --------------------------------------------------------------------------
# Compiling Functions: an example
# --------------------------------------------------------------------------


def qm(x0, n):
    x = np.empty(n+1)
    x[0] = x0
    for t in range(n):
        x[t+1] = 4 * x[t] * (1 - x[t])
    return x


@section("qm: pure Python vs jit(qm)")
def _():
    qm_numba = jit(qm)  # qm_numba is now a 'compiled' version of qm

    x_py, t_py = timed(qm, 0.1, int(N))
    print(f"pure Python   qm(0.1, {N:.0e}): {t_py:9.4f} s")

    x_first, t_first = timed(qm_numba, 0.1, int(N))
    print(f"jit, 1st call qm(0.1, {N:.0e}): {t_first:9.4f} s   (compile + run)")

    x_later, t_later = timed(qm_numba, 0.1, int(N))
    print(f"jit, 2nd call qm(0.1, {N:.0e}): {t_later:9.4f} s")

    print(f"compile time (1st - 2nd call): {max(t_first - t_later, 0.0):.4f} s")
    print(f"speed-up of the compiled call over pure Python: {t_py / t_later:.1f}x")

    # The map is chaotic, so any difference in rounding would show. With
    # fastmath off, compiled code does the same IEEE operations as Python.
    same = np.array_equal(x_py, x_first) and np.array_equal(x_py, x_later)
    print(f"compiled trajectory equals the Python one: {same}")
    if not same:
        raise AssertionError("jit(qm) gave a different trajectory from plain Python")


@section("qm trajectory plot")
def _():
    x = qm(0.1, 250)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: skipped the trajectory plot")
        return
    fig, ax = plt.subplots()
    ax.plot(x, 'b-', lw=2, alpha=0.8)
    ax.set_xlabel('$t$', fontsize=12)
    ax.set_ylabel('$x_{t}$', fontsize=12)
    out = ARGS.out or tempfile.mkdtemp(prefix="oxjit-lecture-")
    os.makedirs(out, exist_ok=True)
    path = os.path.abspath(os.path.join(out, "qm_trajectory.png"))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"saved the trajectory of qm(0.1, 250) to {path}")


# --------------------------------------------------------------------------
# Decorator notation
# --------------------------------------------------------------------------


@section("decorator notation: @jit")
def _():
    @jit
    def qm(x0, n):
        x = np.empty(n+1)
        x[0] = x0
        for t in range(n):
            x[t+1] = 4 * x[t] * (1 - x[t])
        return x

    print("qm(0.1, 10) =")
    print(qm(0.1, 10))
    print("signatures:", qm.signatures)


# --------------------------------------------------------------------------
# How and when it works: nopython mode
# --------------------------------------------------------------------------


@section("nopython mode: @jit(nopython=True)")
def _():
    @jit(nopython=True)
    def qm(x0, n):
        x = np.empty(n+1)
        x[0] = x0
        for t in range(n):
            x[t+1] = 4 * x[t] * (1 - x[t])
        return x

    print("qm(0.1, 10) =")
    print(qm(0.1, 10))


@section("nopython mode: @njit")
def _():
    @njit
    def qm(x0, n):
        x = np.empty(n+1)
        x[0] = x0
        for t in range(n):
            x[t+1] = 4 * x[t] * (1 - x[t])
        return x

    print("qm(0.1, 10) =")
    print(qm(0.1, 10))


# --------------------------------------------------------------------------
# Vectorization
# --------------------------------------------------------------------------


def f(x, y):
    return np.cos(x**2 + y**2) / (1 + x**2 + y**2)


grid = np.linspace(-3, 3, GRID)
x, y = np.meshgrid(grid, grid)
REFERENCE = {}
TIMES = {}  # seconds, by what ran: "python", "numpy", "cpu"


def speedups(t):
    """The speed-up of a run that took `t` seconds against pure Python and
    plain NumPy (and, for the parallel target, against the cpu target)."""
    parts = []
    for label, key in (("pure Python", "python"), ("NumPy", "numpy"), ("the cpu target", "cpu")):
        if key in TIMES and t > 0:
            parts.append(f"{TIMES[key] / t:.1f}x over {label}")
    return "speed-up: " + ", ".join(parts) if parts else ""


@section(f"vectorize: plain NumPy on a {GRID}x{GRID} grid")
def _():
    m, t = timed(lambda: np.max(f(x, y)))
    REFERENCE["max"] = float(m)
    TIMES["numpy"] = t
    print(f"np.max(f(x, y)) = {float(m)!r}   {t:.4f} s")
    # Pure Python on the whole grid takes tens of seconds: time every 100th
    # row with scalar calls of `f` and scale by the number of rows.
    rows = range(0, GRID, 100)
    start = time.perf_counter()
    best = max(f(float(a), float(b)) for r in rows for a, b in zip(x[r].tolist(), y[r].tolist()))
    TIMES["python"] = (time.perf_counter() - start) * GRID / len(rows)
    print(f"pure Python, estimated from {len(rows)} of {GRID} rows: {TIMES['python']:.1f} s "
          f"(max over those rows {best:.6f})")


def check_max(m):
    ref = REFERENCE.get("max")
    if ref is not None and not np.isclose(m, ref, rtol=1e-12, atol=0.0):
        raise AssertionError(f"max {float(m)!r} differs from NumPy's {ref!r}")


@section("vectorize: @vectorize (lazy, no signature)")
def _():
    @vectorize
    def f_vec(x, y):
        return np.cos(x**2 + y**2) / (1 + x**2 + y**2)

    m0, t0 = timed(lambda: np.max(f_vec(x, y)))  # Run once to compile
    m, t = timed(lambda: np.max(f_vec(x, y)))
    print(f"1st call (compile + run): np.max(f_vec(x, y)) = {float(m0)!r}   {t0:.4f} s")
    print(f"2nd call:                 np.max(f_vec(x, y)) = {float(m)!r}   {t:.4f} s")
    print(speedups(t))
    check_max(m)


@section("vectorize: @vectorize('float64(float64, float64)')")
def _():
    @vectorize('float64(float64, float64)')
    def f_vec(x, y):
        return np.cos(x**2 + y**2) / (1 + x**2 + y**2)

    np.max(f_vec(x, y))  # warm up
    m, t = timed(lambda: np.max(f_vec(x, y)))
    print(f"np.max(f_vec(x, y)) = {float(m)!r}   {t:.4f} s")
    print(speedups(t))
    TIMES["cpu"] = t
    check_max(m)


# --------------------------------------------------------------------------
# Parallelization
# --------------------------------------------------------------------------


@section("parallelization: @vectorize('float64(float64, float64)', target='parallel')")
def _():
    @vectorize('float64(float64, float64)', target='parallel')
    def f_vec(x, y):
        return np.cos(x**2 + y**2) / (1 + x**2 + y**2)

    np.max(f_vec(x, y))  # Run once to compile
    m, t = timed(lambda: np.max(f_vec(x, y)))
    threads = oxjit.get_num_threads()
    print(f"np.max(f_vec(x, y)) = {float(m)!r}   {t:.4f} s   ({threads} threads on {os.cpu_count()} CPUs)")
    print(speedups(t))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if threads < 2:
        print("note: one worker thread (OXJIT_NUM_THREADS or one CPU), so the parallel target "
              "cannot beat the cpu one here")
    # (The load average counts this script itself: about 1.)
    elif load - 1.0 >= 1.0 or TIMES.get("cpu", 0.0) < 1.3 * t:
        print(f"note: the machine is busy (load average {load:.1f} on {os.cpu_count()} CPUs): the "
              "worker threads share the cores with other processes, so the parallel target gains "
              "less than on an idle machine, and can even be slower than the cpu one")
    check_max(m)


print()
print("=" * 72)
if FAILED:
    print(f"{len(FAILED)} section(s) failed:")
    for name in FAILED:
        print(f"  - {name}")
    sys.exit(1)
print("all sections ran")
