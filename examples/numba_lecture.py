"""The QuantEcon lecture on Numba (python.quantecon.org, "Numba"), run with oxjit.

The lecture's code is kept as it is, with `from oxjit import ...` where it had
`from numba import ...`. Timings use `time.perf_counter`. Every section runs
even if an earlier one fails. The script exits with status 1 if any section
failed.

    python3 examples/numba_lecture.py           # the lecture's sizes
    python3 examples/numba_lecture.py --quick   # smaller sizes, for a smoke test
"""

import os
import sys
import time
import traceback

import numpy as np
from oxjit import jit, njit, vectorize

QUICK = "--quick" in sys.argv[1:]
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
    path = os.path.abspath("qm_trajectory.png")
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


@section(f"vectorize: plain NumPy on a {GRID}x{GRID} grid")
def _():
    m, t = timed(lambda: np.max(f(x, y)))
    REFERENCE["max"] = float(m)
    print(f"np.max(f(x, y)) = {float(m)!r}   {t:.4f} s")


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
    check_max(m)


@section("vectorize: @vectorize('float64(float64, float64)')")
def _():
    @vectorize('float64(float64, float64)')
    def f_vec(x, y):
        return np.cos(x**2 + y**2) / (1 + x**2 + y**2)

    np.max(f_vec(x, y))  # warm up
    m, t = timed(lambda: np.max(f_vec(x, y)))
    print(f"np.max(f_vec(x, y)) = {float(m)!r}   {t:.4f} s")
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
    print(f"np.max(f_vec(x, y)) = {float(m)!r}   {t:.4f} s   ({os.cpu_count()} CPUs)")
    check_max(m)


print()
print("=" * 72)
if FAILED:
    print(f"{len(FAILED)} section(s) failed:")
    for name in FAILED:
        print(f"  - {name}")
    sys.exit(1)
print("all sections ran")
