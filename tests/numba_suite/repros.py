"""Minimal reproducers of the wrong answers and crashes found by running Numba's test suite
under oxjit (see docs/numba_suite.md). ``python3 -m tests.numba_suite.repros`` prints, per
case, the result of plain Python/NumPy, of oxjit and (when installed) of Numba.

Each function is the smallest form of a failing Numba test; the expected result is
Python's/NumPy's unless the note says otherwise.
"""

from __future__ import annotations

import warnings

import numpy as np


def nanmin(a):
    return np.nanmin(a)


def nanmax(a):
    return np.nanmax(a)


def nanvar(a):
    return np.nanvar(a)


def nanstd_ddof1(a):
    return np.nanstd(a, ddof=1)


def searchsorted(a, v):
    return np.searchsorted(a, v)


def interp(x, xp, fp):
    return np.interp(x, xp, fp)


def partition0(a):
    return np.partition(a, 0)


def ravel(a):
    return a.ravel()


def ascontiguousarray(a):
    return np.ascontiguousarray(a)


def asfortranarray(a):
    return np.asfortranarray(a)


def flip(a):
    return np.flip(a)


def add(a, b):
    return a + b


def power(a, b):
    return a**b


def gu_kernel(x, out):
    for i in range(x.size):
        if i % 4 == 0:
            out[i] = 1


def _readonly_f():
    a = np.arange(9).reshape((3, 3)).copy(order="F")
    a.flags.writeable = False
    return a


def _readonly_view():
    return np.broadcast_to(np.arange(5.0), (2, 5)).T


# (name, function, args, signature or None, what to look at)
CASES = [
    ("W1 nanmin complex NaN", nanmin, (np.array([np.nan + 1j, 1 + 2j, -3 + 1j]),), None, "value"),
    ("W1 nanmax complex NaN", nanmax, (np.array([np.nan + 1j, 1 + 2j, -3 + 1j]),), None, "value"),
    ("W2 nanvar complex NaN", nanvar, (np.array([1 + 2j, np.nan, 3 - 1j]),), None, "value"),
    (
        "W2 nanstd complex64 NaN",
        nanstd_ddof1,
        (np.array([1 + 2j, np.nan, 3 - 1j, np.nan, 5], np.complex64),),
        None,
        "value",
    ),
    (
        "W3 searchsorted complex",
        searchsorted,
        (np.array([1 + 1j, 1 + 2j, 2 + 0j]), np.array([1 + 1.5j, 2, 3 + 0j])),
        None,
        "value",
    ),
    (
        "W4 interp complex fp",
        interp,
        (np.array([0.5, 1.5]), np.array([0.0, 1.0, 2.0]), np.array([1 + 1j, 2 + 3j, 5 - 1j])),
        None,
        "value",
    ),
    ("W5 partition 0-d (ICE)", partition0, (np.array(3.0),), None, "value"),
    ("W6 ravel copy of read-only F array writeable", ravel, (_readonly_f(),), None, "writeable"),
    (
        "W6 ascontiguousarray copy of read-only view writeable",
        ascontiguousarray,
        (_readonly_view(),),
        None,
        "writeable",
    ),
    ("W7 ascontiguousarray of 0-d", ascontiguousarray, (np.array(0),), None, "value"),
    ("W7 asfortranarray of 0-d", asfortranarray, (np.array(0),), None, "value"),
    ("W8 flip of 0-d", flip, (np.array(1.0),), None, "value"),
    (
        "W9 declared int32 return type",
        add,
        (2**31 - 1, 1),
        "int32(int32, int32)",
        "value (Numba: -2147483648)",
    ),
    ("W10 int ** negative int", power, (2, -1), None, "value (Numba: 0)"),
    ("W11 float32 array ** np.uint64", power, (np.float32([1, 2]), np.uint64(3)), None, "dtype"),
]


def _show(fn, args, what):
    try:
        r = fn(*args)
    except Exception as e:  # noqa: BLE001
        return f"raises {type(e).__name__}: {str(e).splitlines()[0][:120]}"
    if what == "writeable":
        return f"flags.writeable={r.flags.writeable}"
    if what == "dtype":
        return f"dtype={r.dtype}"
    return f"{r!r}"


def _guvectorize_case(jit_mod):
    gu = jit_mod.guvectorize(["void(float64[:], uint8[:])"], "(n)->(n)")(gu_kernel)
    out = np.zeros((2, 5), dtype=np.int8)  # not the declared uint8: NumPy casts through a buffer
    gu(np.random.rand(2, 5), out)
    return out.tolist()


def main() -> None:
    warnings.simplefilter("ignore")
    import oxjit

    try:
        import numba
    except ImportError:  # pragma: no cover
        numba = None
    for name, fn, args, sig, what in CASES:
        print(f"--- {name}: {fn.__name__}{tuple(type(a).__name__ for a in args)} [{what}]")
        print("  python/numpy:", _show(fn, args, what))
        print("  oxjit       :", _show((oxjit.njit(sig) if sig else oxjit.njit)(fn), args, what))
        if numba is not None:
            print("  numba       :", _show((numba.njit(sig) if sig else numba.njit)(fn), args, what))
    print("--- W12 guvectorize writing an int8 out= through a uint8 signature (untouched elements)")
    print("  oxjit       :", _guvectorize_case(oxjit))
    if numba is not None:
        print("  numba       :", _guvectorize_case(numba))
    print("  expected    : zeros where the kernel does not write")


if __name__ == "__main__":
    main()
