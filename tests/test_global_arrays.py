"""Global and closure arrays: frozen at compile time, read-only, and large
ones referenced by address (a private copy the machine code owns) instead
of written into the IR. No timings here: behaviour only."""

from __future__ import annotations

import gc
import sys
import types
import warnings

import numpy as np
import oxjit
import pytest
from oxjit import _native, errors, jit, njit
from oxjit._frontend import INLINE_ARRAY_BYTES
from oxjit.errors import TypingError

DTYPES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
          "float32", "float64", "complex64", "complex128"]

BIG = 100_000  # elements: well above the inline threshold for every dtype


def frozen_live() -> int:
    gc.collect()
    return _native._frozen_array_stats()[0]


def values(dtype: str, n: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if dtype.startswith("complex"):
        return (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dtype)
    if dtype.startswith("float"):
        return rng.standard_normal(n).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)


def make_reader(arr):
    def read(i):
        return arr[i]

    return read


def make_sum(arr):
    def total():
        s = arr[0, 0] * 0
        for i in range(arr.shape[0]):
            for j in range(arr.shape[1]):
                s += arr[i, j]
        return s

    return total


def make_pair(a, b):
    def f(i):
        return a[i] + b[i]

    return f


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [3, BIG])
def test_closure_array_values_every_dtype(dtype, n):
    a = values(dtype, n)
    py = make_reader(a)
    f = njit(py)
    for i in [0, 1, n - 1, -1, n // 2]:
        r = f(i)
        assert r == py(i)
        assert type(r) is type(py(i).item())


@pytest.mark.parametrize("order", ["C", "F", "strided", "reversed", "swapped"])
def test_non_contiguous_global_arrays(order):
    base = np.arange(300 * 200, dtype=np.float64).reshape(300, 200)
    arr = {
        "C": base,
        "F": np.asfortranarray(base),
        "strided": base[::2, ::3],
        "reversed": base[::-1, ::-1],
        "swapped": base.astype(base.dtype.newbyteorder()),
    }[order]
    assert arr.nbytes > INLINE_ARRAY_BYTES
    py = make_sum(arr)
    assert njit(py)() == py()
    g = njit(make_reader(arr))
    assert g(5).tolist() == arr[5].tolist()


def test_two_large_closure_arrays():
    a = np.arange(1_000_000, dtype=np.float64)
    b = np.ones(1_000_000)
    f = njit(make_pair(a, b))
    assert f(5) == 6.0
    assert f(-1) == 1_000_000.0


def test_frozen_at_compile_time():
    # Numba's semantic: the value at compile time, whatever happens later.
    a = np.zeros(BIG)
    f = njit(make_reader(a))
    assert f(3) == 0.0
    a[3] = 7.0  # a write after compiling is not seen
    assert f(3) == 0.0
    g = njit(make_reader(a))  # a new compile freezes the new value
    assert g(3) == 7.0


GLOBAL_BIG = np.arange(BIG, dtype=np.int64)


@njit
def read_global_big(i):
    return GLOBAL_BIG[i]


def test_global_rebinding_does_not_affect_compiled_code():
    global GLOBAL_BIG
    assert read_global_big(10) == 10
    old = GLOBAL_BIG
    try:
        GLOBAL_BIG = np.zeros(3, dtype=np.int64)
        assert read_global_big(10) == 10
    finally:
        GLOBAL_BIG = old


def test_global_array_kept_alive_after_del_and_gc(tmp_path):
    mod = types.ModuleType("oxjit_test_keepalive")
    mod.__file__ = str(tmp_path / "oxjit_test_keepalive.py")
    src = "import numpy as np\nT = np.arange(200_000) * 3\ndef f(i):\n    return T[i]\n"
    (tmp_path / "oxjit_test_keepalive.py").write_text(src)
    exec(compile(src, mod.__file__, "exec"), mod.__dict__)
    sys.modules[mod.__name__] = mod
    try:
        f = njit(mod.f)
        assert f(7) == 21
        del mod.T
        gc.collect()
        # Churn the allocator so freed memory would be reused.
        junk = [np.full(200_000, -1) for _ in range(8)]
        assert f(7) == 21
        assert f(199_999) == 599_997
        del junk
    finally:
        del sys.modules[mod.__name__]


def test_frozen_copy_lives_exactly_as_long_as_the_code():
    before = frozen_live()
    a = np.arange(BIG, dtype=np.float32)
    f = njit(make_reader(a))
    assert f(9) == 9.0
    del a
    assert frozen_live() == before + 1
    # More calls copy nothing.
    for i in range(100):
        f(i)
    assert frozen_live() == before + 1
    del f
    assert frozen_live() == before


def test_inline_arrays_are_not_frozen_copies():
    before = frozen_live()
    small = np.arange(INLINE_ARRAY_BYTES // 8, dtype=np.int64)
    f = njit(make_reader(small))
    assert f(4) == 4
    assert frozen_live() == before
    del f


def test_large_global_array_is_used_by_each_caller():
    a = np.arange(BIG, dtype=np.float64)
    inner = njit(make_reader(a))

    def outer(i):
        return inner(i) + inner(i + 1)

    assert njit(outer)(5) == 11.0


def test_write_to_large_global_array_is_refused():
    a = np.zeros(BIG)

    def w(i):
        a[i] = 1.0

    with pytest.raises(TypingError, match="readonly-array"):
        njit(w)(0)
    assert not a.any()


def test_inplace_method_on_large_global_array_is_refused():
    a = np.zeros(BIG)

    def w():
        a.sort()

    with pytest.raises(TypingError, match="readonly-array"):
        njit(w)()
    small = np.array([3.0, 1.0, 2.0])

    def ws():
        small.sort()

    with pytest.raises(TypingError, match="readonly-array"):
        njit(ws)()
    assert a.tolist() == [0.0] * BIG and small.tolist() == [3.0, 1.0, 2.0]


def test_augmented_write_to_large_global_array_is_refused():
    a = np.zeros(BIG)

    def w(i):
        a[i] += 1.0

    with pytest.raises(TypingError, match="readonly-array"):
        njit(w)(0)

    def w2():
        b = a
        b += 1.0

    with pytest.raises(TypingError, match="readonly-array"):
        njit(w2)()
    assert not a.any()


def test_sort_of_readonly_argument_is_refused():
    a = np.array([3.0, 1.0, 2.0])
    a.flags.writeable = False

    def s(x):
        x.sort()

    with pytest.raises(TypingError, match="readonly-array"):
        njit(s)(a)


def test_large_global_array_returned_is_a_copy():
    a = np.arange(BIG, dtype=np.float64)

    def r():
        return a

    out = njit(r)()
    assert out.tolist() == a.tolist()
    out[0] = -1.0  # the caller may write its copy
    assert njit(r)()[0] == 0.0


def test_large_global_array_in_vectorize_and_guvectorize():
    table = np.arange(BIG, dtype=np.float64) * 0.5

    def k(i):
        return table[int(i)]

    vf = oxjit.vectorize(["float64(float64)"])(k)
    assert vf(np.array([2.0, 9.0])).tolist() == [1.0, 4.5]

    def gk(x, out):
        for i in range(x.shape[0]):
            out[i] = table[int(x[i])]

    gf = oxjit.guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")(gk)
    assert gf(np.array([4.0, 6.0])).tolist() == [2.0, 3.0]


HUGE = np.ones(9 * 2**20)  # 72 MB: over the old 64 MB refusal


@njit
def read_huge(i):
    return HUGE[i] + 1.0


def test_global_array_over_64_mb_compiles():
    assert read_huge(12) == 2.0


def uncompilable_reads_huge(n):
    try:
        return [HUGE[i] for i in range(n)]
    except IndexError:
        return []


def test_jit_fallback_warning_points_at_the_caller():
    f = jit(uncompilable_reads_huge)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        r = f(2)
    assert r == [1.0, 1.0]
    ws = [w for w in rec if issubclass(w.category, errors.ObjectModeWarning)]
    assert len(ws) == 1
    assert ws[0].filename == __file__
    assert ws[0].lineno == line
