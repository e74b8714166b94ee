"""Shared fixtures and helpers for the oxjit test suite.

Tests run against whatever ``import oxjit`` finds (the installed package in CI,
``PYTHONPATH=python`` during development); nothing here depends on the repo
layout.
"""

from __future__ import annotations

import cmath
import gc
import math
import os
import tempfile

import numpy as np
import oxjit
import pytest
from hypothesis import settings

# No example database on disk (the suite runs from a source checkout) and no
# per-example deadline (the first example of a property includes compilation).
settings.register_profile("oxjit", database=None, deadline=None)
settings.load_profile("oxjit")

# `cache=True` in a test writes to a directory of the run's own, never into
# the source tree (tests/test_cache.py sets its own per test), so a later run
# compiles (and verifies) again.
os.environ.setdefault("OXJIT_CACHE_DIR", tempfile.mkdtemp(prefix="oxjit-test-cache-"))


# ---------------------------------------------------------------------------
# Leak checks
# ---------------------------------------------------------------------------


def live_allocations() -> int:
    """Native allocations not yet freed (after collecting Python garbage)."""
    gc.collect()
    allocs, frees = oxjit.allocation_stats()
    return allocs - frees


@pytest.fixture
def no_leaks():
    """Fails the test if the native runtime's allocation counters do not return
    to their starting balance once the test's objects are gone.

    Usage: take the fixture and drop references to returned arrays before the
    test ends (locals of the test function are released when it returns, which
    is before the fixture's teardown runs).
    """
    before = live_allocations()
    yield
    after = live_allocations()
    assert after == before, f"native allocations leaked: {after - before} (live before {before}, after {after})"


# ---------------------------------------------------------------------------
# Differential helpers
# ---------------------------------------------------------------------------


def outcome(fn, *args, **kwargs):
    """("ok", value) or ("raise", exception type, exception args)."""
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - we compare any exception
        return ("raise", type(e), e.args)


def xfail(reason: str):
    """A strict xfail mark: the test documents a known oxjit gap and must keep failing
    until the gap is closed (then the mark has to go)."""
    return pytest.mark.xfail(reason=reason, strict=True)


def xparam(*values, reason: str, id=None):
    """A parametrize case that is a known, strict xfail."""
    return pytest.param(*values, marks=xfail(reason), id=id)


def same_value(a, b) -> bool:
    """Exact equality of two results: same Python type (bool/int/float/complex
    distinguished), NaN equals NaN, 0.0 and -0.0 differ, tuples elementwise,
    arrays by dtype, shape and values."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.dtype != b.dtype or a.shape != b.shape:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (
            isinstance(a, tuple)
            and isinstance(b, tuple)
            and len(a) == len(b)
            and all(same_value(x, y) for x, y in zip(a, b))
        )
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, complex):
        return same_value(a.real, b.real) and same_value(a.imag, b.imag)
    return a == b


def close_value(a, b, rel=1e-12, abs_=0.0) -> bool:
    """Like same_value but floats (and complex parts) only need to agree to
    ``rel`` (for libm functions that may differ in the last ulp)."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(close_value(x, y, rel, abs_) for x, y in zip(a, b))
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b) or ((a == 0.0 or b == 0.0) and abs_ == 0.0):
            return a == b
        return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)
    if isinstance(a, complex):
        return close_value(a.real, b.real, rel, abs_) and close_value(a.imag, b.imag, rel, abs_)
    return a == b


def assert_same(jitted, *args, close=False, rel=1e-12, abs_=0.0, **kwargs):
    """Call ``jitted`` and its ``py_func`` with the same arguments and require
    the same result (exact type and value) or the same exception (type and args)."""
    got = outcome(jitted, *args, **kwargs)
    want = outcome(jitted.py_func, *args, **kwargs)
    if want[0] == "raise":
        assert got[0] == "raise", f"{jitted.__name__}{args}: expected {want[1].__name__}{want[2]}, got {got[1]!r}"
        assert got[1] is want[1], f"{jitted.__name__}{args}: raised {got[1].__name__}{got[2]}, Python raised {want[1].__name__}{want[2]}"
        assert got[2] == want[2], f"{jitted.__name__}{args}: message {got[2]!r} != Python's {want[2]!r}"
        return got
    assert got[0] == "ok", f"{jitted.__name__}{args}: raised {got[1].__name__}{got[2]}, Python returned {want[1]!r}"
    ok = close_value(got[1], want[1], rel, abs_) if close else same_value(got[1], want[1])
    assert ok, f"{jitted.__name__}{args}: got {got[1]!r} ({type(got[1]).__name__}), Python gave {want[1]!r} ({type(want[1]).__name__})"
    return got[1]


# Edge values used by several files.
FLOAT_EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-310, -1e-310, 1.7976931348623157e308, -1e308,
               math.inf, -math.inf, math.nan, 3.0, -7.0, 1e16, 2.0**53 + 1]
INT_EDGES = [0, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 2**31, -2**31, 2**62, -2**62, 2**63 - 1, -2**63]

__all__ = ["xfail", "xparam", "no_leaks", "live_allocations", "outcome", "same_value", "close_value", "assert_same",
           "FLOAT_EDGES", "INT_EDGES", "cmath"]
