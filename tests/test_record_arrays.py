"""Structured arrays (NumPy structured dtypes, Numba's record arrays) in
compiled code: records by reference (`a[i].x`, `a[i]['x']`, writes reach the
array), field views (`a['x']`), slices, iteration, record scalars as
arguments, packed, aligned and nested dtypes; differential against the same
code run by NumPy, leak checks and diagnostics."""

import numpy as np
import pytest
from oxjit import njit
from oxjit.errors import TypingError

DT = np.dtype([("x", "f8"), ("n", "i4"), ("ok", "?")])
PACKED = np.dtype([("a", "i1"), ("b", "f8"), ("c", "u2")], align=False)
ALIGNED = np.dtype([("a", "i1"), ("b", "f8"), ("c", "u2")], align=True)
NESTED = np.dtype([("pos", [("x", "f8"), ("y", "f8")]), ("m", "f4")])


def make(dt, n=5):
    a = np.zeros(n, dtype=dt)
    for name in dt.names:
        if dt[name].names is None:
            a[name] = (np.arange(n) * 3 + 1) % 7
    return a


def plain(v):
    """NumPy's scalars as the Python numbers compiled code returns."""
    if isinstance(v, tuple):
        return tuple(plain(x) for x in v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v.item() if isinstance(v, np.generic) else v


def check(fn, *arrays):
    """Run `fn` on copies under Python and compiled; same results, same arrays
    after. Python runs on a `np.recarray` view (NumPy's records have fields as
    attributes only there; compiled code, as Numba's, has them on any
    structured array)."""
    py = [a.copy().view(np.recarray) for a in arrays]
    jt = [a.copy() for a in arrays]
    want = plain(fn(*py))
    got = njit(fn)(*jt)
    assert type(got) is type(want) and got == want, (got, want)
    for p, j in zip(py, jt):
        # Field by field (a copy leaves an aligned dtype's padding undefined).
        assert (np.asarray(p) == j).all(), (p, j)


def weighted(a):
    s = 0.0
    for i in range(len(a)):
        s += a[i].x * a[i]["n"]
    return s


def update(a):
    for i in range(a.shape[0]):
        a[i].x += 1.5
        a[i]["n"] = a[i]["n"] * 2 - 1
        a[i].ok = a[i].n > 4
    return a.size, a.ndim, a.itemsize


def by_iteration(a):
    t = 0
    for r in a:
        t += r.n
        r.x = t
    return t


def field_views(a):
    v = a["x"]
    v[0] = -7.0
    v[1:] *= 2.0
    return float(v.sum()), int(a["n"].max()), a["x"].shape[0]


def slices(a):
    b = a[1:4]
    b[0].n = 40
    return len(b), int(a[1:][0].n), int(a[::2]["n"].sum())


@pytest.mark.parametrize("fn", [weighted, update, by_iteration, field_views, slices])
@pytest.mark.parametrize("n", [4, 7])
def test_record_array_kernels_match_numpy(fn, n):
    check(fn, make(DT, n))


def packed_ops(p):
    p[1].b = 9.25
    p[0]["c"] = 65535
    p[2].a = -3
    return p[0].b + p[2]["b"] + p[1].a + p[0].c


@pytest.mark.parametrize("dt", [PACKED, ALIGNED], ids=["packed", "aligned"])
def test_packed_and_aligned_dtypes(dt):
    check(packed_ops, make(dt, 3))


def nested(q):
    q[0].pos.x = 5.0
    q[1]["pos"]["y"] += 1.0
    return q[1].pos.y * q[1].m + q["pos"]["x"].sum()


def test_nested_records():
    check(nested, make(NESTED, 2))


def two_d(b):
    b[1, 2].x = 4.0
    t = 0.0
    for i in range(b.shape[0]):
        for j in range(b.shape[1]):
            t += b[i, j].x
    return t, b.shape


def test_two_dimensional_record_arrays():
    check(two_d, make(DT, 6).reshape(2, 3))


@njit
def set_record(r, v):
    r.x = v
    return r.n


def test_record_scalar_argument_writes_through():
    a = make(DT)
    assert set_record(a[2], 99.0) == a[2]["n"]
    assert a[2]["x"] == 99.0


@njit
def field_view_out(a):
    return a["n"]


def test_field_view_returned_is_a_view_of_the_argument(no_leaks):
    a = make(DT)
    v = field_view_out(a)
    assert v.dtype == np.int32 and np.shares_memory(v, a)
    v[0] = 123
    assert a[0]["n"] == 123
    del v


@njit
def keep_records(a, n):
    t = 0.0
    for _ in range(n):
        r = a[0]
        for s in a[1:]:
            t += s.x + r.x
    return t


def test_records_do_not_leak(no_leaks):
    assert keep_records(make(DT), 20) == pytest.approx(weighted_sum_pairs(make(DT)) * 20)


def weighted_sum_pairs(a):
    return sum(float(s["x"] + a[0]["x"]) for s in a[1:])


def test_recarray_arguments():
    r = make(DT).view(np.recarray)
    assert njit(weighted)(r) == weighted(r)


def missing_field(a):
    return a[0].zz


def record_store_complex(a):
    a[0].x = 1j


def returns_record(a):
    return a[0]


def bad_index(a):
    return a[0.5]


@pytest.mark.parametrize("fn,needle", [
    (missing_field, "the record has no field `zz`"),
    (record_store_complex, "cannot store a complex128 in record field `x`"),
    (returns_record, "a record or an array of records"),
    (bad_index, "cannot index"),
])
def test_record_diagnostics(fn, needle):
    with pytest.raises(TypingError) as info:
        njit(fn)(make(DT))
    assert needle in str(info.value)


def test_unsupported_structured_arguments_are_type_errors():
    ro = make(DT)
    ro.flags.writeable = False
    with pytest.raises(TypeError, match="read-only structured array"):
        njit(weighted)(ro)
    sub = np.zeros(2, dtype=[("v", "f8", (3,))])
    with pytest.raises(TypeError, match="subarray"):
        njit(weighted)(sub)
