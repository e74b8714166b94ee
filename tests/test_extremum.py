"""max/min/argmax/argmin of real arrays: a vectorised pass finds the extremum and a second
pass the first element equal to it. The result must be the one-pass rule's, bit for bit
(docs/semantics.md): among equal values the first in C index order wins (so the sign of a
zero comes from the first zero), and the first NaN wins with its own bits."""

import numpy as np
import pytest
from oxjit import njit, vectorize


def _ref(a, is_min, is_arg):
    flat = np.ascontiguousarray(a).reshape(-1)
    best, at = flat[0], 0
    for k in range(1, flat.size):
        x = flat[k]
        if flat.dtype.kind == "f":
            better = (x < best if is_min else x > best) or (np.isnan(x) and not np.isnan(best))
        else:
            better = x < best if is_min else x > best
        if better:
            best, at = x, k
    return at if is_arg else best


@njit
def _whole(a):
    return a.max(), a.min(), np.argmax(a), np.argmin(a)


@njit
def _rows(a):
    return a.max(axis=1), a.min(axis=1), np.argmax(a, axis=1), np.argmin(a, axis=1)


def _bits(x, dtype):
    return np.asarray(x, dtype=dtype).tobytes()


def _arrays(dtype, rng):
    n = 1000
    if np.dtype(dtype).kind == "f":
        x = rng.standard_normal(n).astype(dtype)
        quiet = np.array([np.nan], dtype=dtype)
        payload = quiet.view(np.uint64 if dtype == np.float64 else np.uint32) | 0b1011
        nan2 = payload.view(dtype)[0]
        yield x
        y = x.copy()
        y[317] = nan2  # the first NaN's bits come back
        y[600] = np.nan
        yield y
        yield np.array([-0.0, 0.0, -0.0], dtype=dtype)
        yield np.array([0.0, -0.0, 0.0], dtype=dtype)
        z = -np.abs(x)
        z[100] = -0.0  # max is a zero: the first one's sign
        z[700] = 0.0
        yield z
        w = np.abs(x)
        w[40] = 0.0
        w[41] = -0.0
        yield w
        yield np.array([np.inf, -np.inf, np.inf], dtype=dtype)
        yield np.full(37, np.nan, dtype=dtype)
        t = rng.integers(0, 5, n).astype(dtype)  # many ties
        yield t
    else:
        info = np.iinfo(dtype)
        yield rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)
        yield rng.integers(0, 3, n).astype(dtype)
        yield np.array([info.max, info.min, info.max, info.min], dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, np.uint64, np.uint8, np.int8])
def test_whole_array_extremum_bits(dtype):
    rng = np.random.default_rng(4)
    for x in _arrays(dtype, rng):
        for a in (x, x[::-3], x.reshape(-1, 1)[::2], np.asfortranarray(np.resize(x, (7, x.size))).T):
            got = _whole(a)
            exp = [_ref(a, m, g) for m, g in ((False, False), (True, False), (False, True), (True, True))]
            assert _bits(got[0], dtype) == _bits(exp[0], dtype), (a, got, exp)
            assert _bits(got[1], dtype) == _bits(exp[1], dtype), (a, got, exp)
            assert got[2] == exp[2] and got[3] == exp[3], (a, got, exp)
            if not (np.dtype(dtype).kind == "f" and np.isnan(a).any()):
                # NumPy agrees on the index (and on values but for a zero's sign).
                assert got[2] == np.argmax(a) and got[3] == np.argmin(a)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.uint16])
def test_row_extremum_bits(dtype):
    rng = np.random.default_rng(9)
    for x in _arrays(dtype, rng):
        a = np.resize(x, (9, max(x.size, 3)))
        for v in (a, np.asfortranarray(a), a[:, ::-2], a[::2]):
            got = _rows(v)
            for r, row in enumerate(v):
                for k, (m, g) in enumerate(((False, False), (True, False), (False, True), (True, True))):
                    e = _ref(row, m, g)
                    if g:
                        assert got[k][r] == e
                    else:
                        assert _bits(got[k][r], dtype) == _bits(e, dtype)


def test_empty_extremum_errors():
    with pytest.raises(ValueError, match="zero-size array to reduction operation maximum"):
        _whole(np.zeros(0))
    with pytest.raises(ValueError, match="zero-size array to reduction operation maximum"):
        _rows(np.zeros((3, 0)))


@njit(parallel=True)
def _whole_par(a):
    return a.max(), a.min(), np.max(a * 1.0), np.min(a + 0.0)


def test_parallel_extremum_bits():
    # Chunks of the pool combine in order with the same rule.
    rng = np.random.default_rng(2)
    x = -np.abs(rng.standard_normal(200_000))
    x[150_000] = -0.0
    x[190_000] = 0.0
    got = _whole_par(x)
    assert _bits(got[0], np.float64) == _bits(-0.0, np.float64)
    assert _bits(got[2], np.float64) == _bits(-0.0, np.float64)
    payload = np.array([np.nan]).view(np.uint64) | 0b1011
    y = rng.standard_normal(200_000)
    y[120_000] = payload.view(np.float64)[0]
    y[180_000] = np.nan
    got = _whole_par(y)
    for g in got:
        assert _bits(g, np.float64) == _bits(y[120_000], np.float64)


@vectorize(["float64(float64)"])
def _noisy(x):
    return x + np.random.random()


@njit
def _argmax_noisy(a, seed):
    np.random.seed(seed)
    i = np.argmax(_noisy(a))
    np.random.seed(seed)
    b = _noisy(a)
    return i, np.argmax(b), np.max(_noisy(a)) <= 2.0


def test_extremum_of_a_kernel_reads_each_element_once():
    # A @vectorize kernel may draw random numbers: its elements are computed
    # once (one pass), so the index is that of the drawn maximum.
    a = np.zeros(1000)
    for seed in range(5):
        i, j, ok = _argmax_noisy(a, seed)
        assert i == j and ok


@njit
def _var_noisy(a, seed):
    np.random.seed(seed)
    v = np.var(_noisy(a))
    np.random.seed(seed)
    return v, np.var(_noisy(a) + 0.0)


def test_two_pass_reductions_of_a_kernel_read_each_element_once():
    v, w = _var_noisy(np.zeros(500), 3)
    assert v == w
