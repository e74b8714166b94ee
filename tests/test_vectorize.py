"""@vectorize: eager ufuncs (genuine numpy.ufunc objects), the lazy DUFunc,
NumPy's ufunc machinery on top of compiled loops (broadcasting, dtypes,
strided inputs, out=/where=/dtype=, reduce/accumulate/outer/at), the parallel
target, fastmath accuracy, division by zero, errors and leaks.

Results are compared with np.vectorize(py_func) or the equivalent plain NumPy
expression."""

from __future__ import annotations

import gc
import math
import os
import resource
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import oxjit
import pytest
from oxjit import njit, vectorize
from oxjit.errors import CacheWarning, TypingError

# ---------------------------------------------------------------------------
# Kernels
# ---------------------------------------------------------------------------


@vectorize("float64(float64, float64)")
def add_one_sig(x, y):
    """Adds two numbers."""
    return x + y


@vectorize(["float32(float32, float32)", "float64(float64, float64)"])
def axpy_two_sigs(x, y):
    return 2.0 * x + y


@vectorize(oxjit.float64(oxjit.float64, oxjit.float64))
def mul_typeobj(x, y):
    return x * y


@vectorize([oxjit.int64(oxjit.int64, oxjit.int64), "float64(float64, float64)"])
def sub_mixed(x, y):
    return x - y


@vectorize(["int64(int64, int64)", "float64(float64, float64)", "complex128(complex128, complex128)"],
           identity=0)
def add_id0(x, y):
    return x + y


@vectorize(["int64(int64, int64)", "float64(float64, float64)"], identity=1)
def mul_id1(x, y):
    return x * y


@vectorize(["float64(float64, float64)"])
def add_noid(x, y):
    return x + y


@vectorize(["int64(int64, int64)", "float64(float64, float64)"], identity="reorderable")
def max_reorderable(x, y):
    return x if x >= y else y


def _poly(x, y):
    return x * y - 3 * x + y * y


poly = vectorize(_poly)  # lazy


@vectorize
def lazy_mixed(x, y):
    return x * y + x


@vectorize
def lazy_ne(x, y):
    return x != y


@vectorize
def lazy_scale(x):
    return x * 3 + 1


@vectorize(["float64(float64)"])
def unary_sq(x):
    return x * x + 1.0


@vectorize(["float64(float64, float64)"])
def fdiv(x, y):
    return x / y


@vectorize(["int64(int64, int64)"])
def ifloordiv(x, y):
    return x // y


@vectorize(["int64(int64, int64)"])
def imod(x, y):
    return x % y


@vectorize(["float64(int64, int64)"])
def itruediv(x, y):
    return x / y


@vectorize(["float64(float64, float64)"])
def fmodk(x, y):
    return x % y


def _trig(x, y):
    return math.sin(x) * math.cos(y) + math.exp(-x * x) * math.log1p(y * y)


trig_cpu = vectorize(["float64(float64, float64)"])(_trig)
trig_par = vectorize(["float64(float64, float64)"], target="parallel")(_trig)
trig_lazy_par = vectorize(target="parallel")(_trig)


def _lecture(x, y):
    return np.cos(x**2 + y**2) / (1 + x**2 + y**2)


lecture_cpu = vectorize(["float64(float64, float64)"])(_lecture)
lecture_par = vectorize(["float64(float64, float64)"], target="parallel")(_lecture)
lecture_fast = vectorize(["float64(float64, float64)"], fastmath=True)(_lecture)
lecture_fast_par = vectorize(["float64(float64, float64)"], target="parallel", fastmath=True)(_lecture)


def _transc(x, y):
    return math.exp(-0.25 * x * x) * math.sin(x) + math.log(1.0 + y * y) * math.cos(y) + math.sqrt(abs(x * y))


transc_fast = vectorize(["float64(float64, float64)"], fastmath=True)(_transc)
transc_fast_f32 = vectorize(["float32(float32, float32)"], fastmath=True)(_transc)

int_par = vectorize(["int64(int64, int64)"], target="parallel")(_poly)
int_cpu = vectorize(["int64(int64, int64)"])(_poly)


@vectorize
def use_module_global(x):
    return x * SCALE


SCALE = 2.5


@njit
def call_dufunc_scalar(a, b):
    return poly(a, b) + lazy_scale(a)


@njit
def call_dufunc_array(a, b):
    return lazy_mixed(a, b)


@njit
def call_eager_ufunc_scalar(a, b):
    return add_one_sig(a, b)


def sample(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    dt = np.dtype(dtype)
    if dt.kind == "b":
        v = rng.integers(0, 2, n).astype(bool)
    elif dt.kind == "u":
        v = rng.integers(0, 50, n)
    elif dt.kind == "i":
        v = rng.integers(-50, 50, n)
    elif dt.kind == "f":
        v = np.round(rng.standard_normal(n) * 10, 3)
    else:
        v = np.round(rng.standard_normal(n) * 10, 3) + 1j * np.round(rng.standard_normal(n), 3)
    return np.asarray(v).astype(dt).reshape(shape)


def scalar_ref(f, *arrays):
    """f applied element by element to NumPy scalars of the arrays' own dtypes
    (np.vectorize goes through Python floats/complex, and NumPy's complex array
    loops use FMA, so neither is an exact reference for float32/complex)."""
    bs = np.broadcast_arrays(*arrays)
    vals = [f(*(b[idx] for b in bs)) for idx in np.ndindex(bs[0].shape)]
    return np.array(vals).reshape(bs[0].shape)


def assert_array_same(got, want):
    assert isinstance(got, np.ndarray), type(got)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert np.array_equal(got, want, equal_nan=got.dtype.kind in "fc"), (got, want)


# ---------------------------------------------------------------------------
# Eager ufuncs: attributes
# ---------------------------------------------------------------------------


def test_eager_one_signature_is_a_ufunc():
    assert isinstance(add_one_sig, np.ufunc)
    assert add_one_sig.nin == 2
    assert add_one_sig.nout == 1
    assert add_one_sig.nargs == 3
    assert add_one_sig.ntypes == 1
    assert add_one_sig.types == ["dd->d"]
    assert add_one_sig.identity is None
    assert add_one_sig.__name__ == "add_one_sig"
    assert "Adds two numbers." in add_one_sig.__doc__


def test_eager_signatures_kept_in_order():
    assert isinstance(axpy_two_sigs, np.ufunc)
    assert axpy_two_sigs.ntypes == 2
    assert axpy_two_sigs.types == ["ff->f", "dd->d"]
    assert axpy_two_sigs.__name__ == "axpy_two_sigs"


def test_eager_type_object_signatures():
    assert isinstance(mul_typeobj, np.ufunc)
    assert mul_typeobj.types == ["dd->d"]
    assert sub_mixed.types == ["ll->l", "dd->d"]
    a, b = sample(np.float64, (5,)), sample(np.float64, (5,), 1)
    assert_array_same(mul_typeobj(a, b), a * b)
    ia, ib = sample(np.int64, (5,)), sample(np.int64, (5,), 1)
    assert_array_same(sub_mixed(ia, ib), ia - ib)
    assert_array_same(sub_mixed(a, b), a - b)


def test_unary_ufunc_attributes():
    assert unary_sq.nin == 1 and unary_sq.nout == 1 and unary_sq.types == ["d->d"]
    x = sample(np.float64, (3, 4))
    assert_array_same(unary_sq(x), x * x + 1.0)


@pytest.mark.parametrize("f, ident", [(add_id0, 0), (mul_id1, 1), (add_noid, None)],
                         ids=["identity0", "identity1", "none"])
def test_identity_attribute(f, ident):
    assert f.identity == ident
    if ident is not None:
        assert type(f.identity) is int


def test_identity_invalid_value_rejected():
    with pytest.raises(ValueError):
        vectorize(["float64(float64, float64)"], identity=7)(_poly)


@pytest.mark.parametrize("dtype, want", [(np.float32, np.float32), (np.float64, np.float64),
                                         (np.int8, np.float32), (np.int16, np.float32),
                                         (np.int32, np.float64), (np.int64, np.float64),
                                         (np.uint8, np.float32)])
def test_loop_selection_like_numpy(dtype, want):
    """NumPy picks the first loop the inputs can be cast to safely."""
    a = sample(dtype, (6,))
    b = sample(dtype, (6,), 1)
    got = axpy_two_sigs(a, b)
    assert got.dtype == want
    ref = (2.0 * a.astype(want) + b.astype(want)).astype(want)
    assert np.array_equal(got, ref)


def test_scalar_inputs_give_numpy_scalars():
    r = add_one_sig(2.0, 3.5)
    assert type(r) is np.float64 and r == 5.5
    r = sub_mixed(7, 10)
    assert type(r) is np.int64 and r == -3


def test_signature_arity_mismatch_rejected():
    with pytest.raises(TypeError):
        vectorize(["float64(float64)"])(_poly)


def test_signature_without_return_type_rejected():
    with pytest.raises(TypeError):
        vectorize(["(float64, float64)"])(_poly)


def test_bad_target_rejected():
    with pytest.raises(ValueError, match="target"):
        vectorize(["float64(float64, float64)"], target="cuda")(_poly)


def test_cache_option_writes_loops(tmp_path, monkeypatch):
    monkeypatch.setenv("OXJIT_CACHE_DIR", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        f = vectorize(["float64(float64, float64)"], cache=True)(_poly)
    assert f(2.0, 3.0) == _poly(2.0, 3.0)
    written = [name for _, _, files in os.walk(tmp_path) for name in files]
    assert len(written) == 1 and written[0].startswith("test_vectorize._poly.")


def test_nopython_option_accepted():
    f = vectorize(["float64(float64, float64)"], nopython=True)(_poly)
    assert f(2.0, 3.0) == _poly(2.0, 3.0)


# ---------------------------------------------------------------------------
# Lazy (DUFunc)
# ---------------------------------------------------------------------------


def test_lazy_compiles_per_dtype_combination():
    f = vectorize(_poly)
    assert isinstance(f, oxjit.DUFunc)
    assert f.ntypes == 0 and f.types == []
    assert f.nin == 2 and f.nout == 1 and f.nargs == 3
    assert f.__name__ == "_poly"
    f(np.arange(3), np.arange(3))
    assert f.ntypes == 1 and f.types == ["ll->l"]
    f(np.arange(3.0), np.arange(3.0))
    assert f.ntypes == 2 and f.types == ["ll->l", "dd->d"]
    f(np.arange(5), np.arange(5))  # already compiled: no new loop
    assert f.ntypes == 2
    f(np.arange(3.0), np.arange(3))
    assert f.ntypes == 3
    assert isinstance(f.ufunc, np.ufunc)
    assert f.py_func is _poly


def test_lazy_ufunc_before_first_call_raises():
    f = vectorize(_poly)
    with pytest.raises(TypeError):
        f.ufunc  # noqa: B018


def test_lazy_wrong_arity():
    with pytest.raises(TypeError):
        poly(np.arange(3.0))


def test_lazy_doc_and_name_preserved():
    assert lazy_mixed.__name__ == "lazy_mixed"
    assert poly.__wrapped__ is _poly


def test_lazy_identity_option():
    f = vectorize(identity=0)(_poly)
    assert f.identity == 0


def test_lazy_global_frozen_at_compile_time():
    assert_array_same(use_module_global(np.array([1.0, 2.0])), np.array([2.5, 5.0]))


NUMERIC = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32, np.uint64,
           np.float32, np.float64, np.complex64, np.complex128]


@pytest.mark.parametrize("dtype", NUMERIC, ids=[np.dtype(d).name for d in NUMERIC])
def test_lazy_dtypes_against_np_vectorize(dtype):
    a = sample(dtype, (4, 5))
    b = sample(dtype, (4, 5), 1)
    got = lazy_mixed(a, b)
    dt = np.dtype(dtype)
    if dt.kind in "fc":
        # floats keep their type (Numba's rules equal NumPy's here); the reference is
        # the same expression on whole arrays (np.vectorize would compute float32 and
        # complex64 through Python floats)
        assert_array_same(got, scalar_ref(lazy_mixed.py_func, a, b))
    else:
        # Numba's integer typing: small signed ints give int64, unsigned uint64
        wide = np.int64 if dt.kind == "i" else np.uint64
        assert got.dtype == wide
        assert_array_same(got, np.vectorize(lazy_mixed.py_func)(a.astype(wide), b.astype(wide)))


def test_lazy_bool_inputs():
    a = sample(np.bool_, (7,))
    b = sample(np.bool_, (7,), 1)
    assert_array_same(lazy_ne(a, b), a != b)
    # bool arithmetic follows Python (and Numba): True * True + True == 2
    got = lazy_mixed(a, b)
    want = a.astype(np.int64) * b.astype(np.int64) + a.astype(np.int64)
    assert_array_same(got, want)


def test_lazy_rejects_unsupported_dtype():
    with pytest.raises(TypeError):
        lazy_scale(np.array(["a", "b"]))
    with pytest.raises(TypeError):
        lazy_scale(np.array([1, 2], dtype="datetime64[s]"))


# ---------------------------------------------------------------------------
# Broadcasting, layouts
# ---------------------------------------------------------------------------

BROADCAST_SHAPES = [
    ((), ()),
    ((5,), ()),
    ((), (5,)),
    ((3, 1), (4,)),
    ((3, 1), (1, 4)),
    ((2, 3, 4), (4,)),
    ((2, 1, 4), (3, 1)),
    ((0,), ()),
    ((0, 3), (3,)),
]


@pytest.mark.parametrize("sa, sb", BROADCAST_SHAPES, ids=[f"{a}x{b}" for a, b in BROADCAST_SHAPES])
@pytest.mark.parametrize("f", [poly, sub_mixed, axpy_two_sigs], ids=["lazy", "eager_ld", "eager_fd"])
def test_broadcasting(f, sa, sb):
    a = sample(np.float64, sa)
    b = sample(np.float64, sb, 1)
    got = f(a, b)
    want = np.vectorize(f.py_func if hasattr(f, "py_func") else _PYFUNCS[f.__name__], otypes=[np.float64])(a, b)
    if sa == () and sb == ():
        assert type(got) is np.float64 and got == want
    else:
        assert_array_same(got, want)


_PYFUNCS = {"sub_mixed": lambda x, y: x - y, "axpy_two_sigs": lambda x, y: 2.0 * x + y}


def test_broadcasting_python_scalars_and_lists():
    assert_array_same(poly([1.0, 2.0, 3.0], 2.0), np.array([_poly(v, 2.0) for v in [1.0, 2.0, 3.0]]))
    assert_array_same(add_one_sig(np.arange(3.0), 1), np.arange(3.0) + 1)


def test_broadcast_mismatch_raises_value_error():
    with pytest.raises(ValueError, match="operands could not be broadcast together"):
        poly(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="operands could not be broadcast together"):
        add_one_sig(np.ones((2, 3)), np.ones((3, 2)))


def _layouts():
    base = sample(np.float64, (8, 12))
    other = sample(np.float64, (8, 12), 1)
    return {
        "C": (base, other),
        "F": (np.asfortranarray(base), np.asfortranarray(other)),
        "transposed": (base.T, other.T),
        "step2": (base[::2, ::3], other[1::2, ::3]),
        "negative": (base[::-1, ::-2], other[:, ::-2]),
        "mixed": (base, np.asfortranarray(other)),
        "1d_step": (base.ravel()[::5][:19], other.ravel()[3::5]),
        "1d_negative": (base.ravel()[::-3], other.ravel()[::-1][:32]),
        "broadcast_view": (np.broadcast_to(base[0], (5, 12)), other[:5]),
    }


LAYOUTS = list(_layouts())


@pytest.mark.parametrize("name", LAYOUTS)
@pytest.mark.parametrize("f", [poly, trig_cpu, trig_par, lecture_fast], ids=["lazy", "eager", "parallel", "fastmath"])
def test_non_contiguous_inputs(f, name):
    a, b = _layouts()[name]
    got = f(a, b)
    # the same kernel on contiguous copies
    want = f(np.ascontiguousarray(a), np.ascontiguousarray(b))
    if f is lecture_fast:
        # fastmath: vector (libmvec) and scalar paths may differ in the last ulps
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.allclose(got, want, rtol=1e-13, atol=1e-15)
        return
    assert_array_same(got, want)
    if f is poly or f is trig_cpu:
        ref = np.vectorize(f.py_func if f is poly else _trig)(a, b)
        assert_array_same(got, ref)


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.complex128])
def test_negative_strides_every_kind(dtype):
    a = sample(dtype, (31,))
    b = sample(dtype, (31,), 1)
    got = lazy_mixed(a[::-1], b[::-2].repeat(2)[:31])
    want = lazy_mixed(a[::-1].copy(), b[::-2].repeat(2)[:31].copy())
    assert_array_same(got, want)
    assert_array_same(got, scalar_ref(lazy_mixed.py_func, a[::-1], b[::-2].repeat(2)[:31]))


# ---------------------------------------------------------------------------
# out=, where=, dtype=, casting
# ---------------------------------------------------------------------------


def test_out_argument():
    a, b = sample(np.float64, (4, 5)), sample(np.float64, (4, 5), 1)
    out = np.empty((4, 5))
    r = add_one_sig(a, b, out=out)
    assert r is out
    assert_array_same(out, a + b)
    out2 = np.zeros((4, 5))
    r = add_one_sig(a, b, out2)  # positional out
    assert r is out2
    assert_array_same(out2, a + b)


def test_out_argument_lazy_and_noncontiguous():
    a, b = sample(np.float64, (4, 5)), sample(np.float64, (5,), 1)
    big = np.full((8, 10), -1.0)
    view = big[::2, ::2]
    r = poly(a, b, out=view)
    assert r.base is big or r is view
    assert_array_same(big[::2, ::2], np.vectorize(_poly)(a, b))
    assert np.all(big[1::2] == -1.0) and np.all(big[:, 1::2] == -1.0)


def test_out_same_kind_cast():
    a, b = sample(np.float64, (6,)), sample(np.float64, (6,), 1)
    out = np.empty(6, dtype=np.float32)
    add_one_sig(a, b, out=out)
    assert np.array_equal(out, (a + b).astype(np.float32))
    with pytest.raises(TypeError):  # float64 -> int64 is not same_kind
        add_one_sig(a, b, out=np.empty(6, dtype=np.int64))


def test_out_in_place_aliasing():
    a = sample(np.float64, (10,))
    want = a + a[::-1]
    add_one_sig(a, a[::-1].copy(), out=a)
    assert_array_same(a, want)


def test_where_argument():
    a, b = sample(np.float64, (3, 4)), sample(np.float64, (3, 4), 1)
    mask = a > 0
    out = np.full((3, 4), 99.0)
    r = poly(a, b, out=out, where=mask)
    assert r is out
    want = np.where(mask, np.vectorize(_poly)(a, b), 99.0)
    assert_array_same(out, want)
    out2 = np.full((3, 4), 7.0)
    add_one_sig(a, b, out=out2, where=np.array([True, False, True, False]))  # broadcast mask
    want2 = np.where([True, False, True, False], a + b, 7.0)
    assert_array_same(out2, want2)


def test_dtype_argument_selects_loop():
    a = sample(np.float32, (5,))
    b = sample(np.float32, (5,), 1)
    r32 = axpy_two_sigs(a, b)
    r64 = axpy_two_sigs(a, b, dtype=np.float64)
    assert r32.dtype == np.float32 and r64.dtype == np.float64
    assert np.array_equal(r64, 2.0 * a.astype(np.float64) + b.astype(np.float64))


def test_dtype_argument_lazy():
    a = np.arange(5)
    r = poly(a, a, dtype=np.float64)
    assert r.dtype == np.float64
    assert np.array_equal(r, np.vectorize(_poly)(a.astype(float), a.astype(float)))


def test_casting_argument():
    a = np.arange(4, dtype=np.int64)
    with pytest.raises(TypeError):
        mul_id1(a.astype(np.float64), a.astype(np.float64), dtype=np.int64)  # not safe without casting=
    r = mul_id1(a.astype(np.float64), a.astype(np.float64), dtype=np.int64, casting="unsafe")
    assert r.dtype == np.int64 and np.array_equal(r, a * a)


# ---------------------------------------------------------------------------
# reduce / accumulate / outer / at
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1, 2, None, (0, 2)])
def test_reduce_axis(axis):
    a = sample(np.int64, (3, 4, 5))
    got = add_id0.reduce(a, axis=axis)
    want = np.add.reduce(a, axis=axis)
    if axis is None:
        assert got == want and type(got) is np.int64
    else:
        assert_array_same(got, want)


def test_reduce_default_axis_and_float():
    a = sample(np.float64, (6, 3))
    assert_array_same(add_id0.reduce(a), np.add.reduce(a))
    assert_array_same(mul_id1.reduce(a, axis=1), np.multiply.reduce(a, axis=1))
    assert_array_same(add_noid.reduce(a, axis=0), np.add.reduce(a, axis=0))


def test_reduce_keepdims_dtype_out():
    a = sample(np.int64, (3, 4))
    assert_array_same(add_id0.reduce(a, axis=1, keepdims=True), np.add.reduce(a, axis=1, keepdims=True))
    got = add_id0.reduce(a, axis=0, dtype=np.float64)
    assert_array_same(got, np.add.reduce(a, axis=0, dtype=np.float64))
    out = np.empty(4, dtype=np.int64)
    assert add_id0.reduce(a, axis=0, out=out) is out
    assert_array_same(out, a.sum(axis=0))


@pytest.mark.parametrize("f, want", [(add_id0, 0), (mul_id1, 1)], ids=["identity0", "identity1"])
def test_reduce_empty_gives_identity(f, want):
    r = f.reduce(np.zeros(0, dtype=np.int64))
    assert r == want and type(r) is np.int64
    r2 = f.reduce(np.zeros((0, 3)), axis=0)
    assert_array_same(r2, np.full(3, float(want)))


def test_reduce_without_identity():
    with pytest.raises(ValueError):
        add_noid.reduce(np.zeros(0))
    a = sample(np.float64, (3, 4))
    # no identity: not reorderable, so only a single axis
    with pytest.raises(ValueError):
        add_noid.reduce(a, axis=None)
    assert_array_same(add_noid.reduce(a, axis=1), a.sum(axis=1))


def test_reduce_reorderable_identity():
    a = sample(np.int64, (3, 4, 2))
    assert max_reorderable.reduce(a, axis=None) == a.max()
    assert_array_same(max_reorderable.reduce(a, axis=(0, 2)), a.max(axis=(0, 2)))
    with pytest.raises(ValueError):
        max_reorderable.reduce(np.zeros(0, dtype=np.int64))


def test_reduce_noncontiguous():
    a = sample(np.float64, (10, 12))[::-2, 1::3]
    assert_array_same(add_id0.reduce(a, axis=0), np.add.reduce(a, axis=0))
    assert_array_same(add_id0.reduce(a, axis=1), np.add.reduce(a, axis=1))


def test_lazy_reduce_accumulate():
    f = vectorize(identity=0)(lambda_free_add)
    a = sample(np.int64, (4, 6))
    assert_array_same(f.reduce(a, axis=1), a.sum(axis=1))
    assert f.reduce(a.ravel()) == a.sum()
    assert_array_same(f.accumulate(a, axis=0), np.cumsum(a, axis=0))
    assert f.types == ["ll->l"]
    with pytest.raises(ValueError):
        vectorize(lambda_free_add).reduce(np.zeros(0))  # no identity


def lambda_free_add(x, y):
    return x + y


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_accumulate(axis):
    a = sample(np.float64, (4, 5))
    assert_array_same(add_noid.accumulate(a, axis=axis), np.add.accumulate(a, axis=axis))
    ai = sample(np.int64, (4, 5))
    assert_array_same(mul_id1.accumulate(ai, axis=axis), np.multiply.accumulate(ai, axis=axis))


def test_accumulate_1d_and_strided():
    a = sample(np.int64, (20,))
    assert_array_same(add_id0.accumulate(a[::-3]), np.cumsum(a[::-3]))
    assert_array_same(poly.accumulate(a.astype(float)), np.frompyfunc(_poly, 2, 1).accumulate(a.astype(float)).astype(float))


def test_outer():
    a = sample(np.float64, (4,))
    b = sample(np.float64, (3,), 1)
    assert_array_same(add_one_sig.outer(a, b), np.add.outer(a, b))
    assert_array_same(poly.outer(a, b), np.vectorize(_poly)(a[:, None], b[None, :]))
    a2 = sample(np.float64, (2, 3))
    assert_array_same(mul_typeobj.outer(a2, b[::-1]), np.multiply.outer(a2, b[::-1]))


def test_at():
    a = np.zeros(5)
    add_one_sig.at(a, [0, 0, 1, 4, 4, 4], 1.5)
    assert_array_same(a, np.array([3.0, 1.5, 0.0, 0.0, 4.5]))
    b = np.arange(6.0)
    poly.at(b, np.array([1, 3]), np.array([2.0, 3.0]))
    want = np.arange(6.0)
    want[1] = _poly(1.0, 2.0)
    want[3] = _poly(3.0, 3.0)
    assert_array_same(b, want)
    c = np.arange(4.0)
    unary_sq.at(c, [0, 2])
    assert_array_same(c, np.array([1.0, 1.0, 5.0, 3.0]))


def test_reduceat_lazy():
    f = vectorize(identity=0)(lambda_free_add)
    a = np.arange(8)
    assert_array_same(f.reduceat(a, [0, 4, 6]), np.add.reduceat(a, [0, 4, 6]))


# ---------------------------------------------------------------------------
# Parallel target, thread count
# ---------------------------------------------------------------------------


def _grid(n, m):
    x = np.linspace(-3, 3, n)
    y = np.linspace(-2, 4, m)
    return np.meshgrid(x, y)


@pytest.mark.parametrize("shape", [(), (1,), (7,), (0,), (3, 5), (150_001,), (400, 300), (3, 200, 171)],
                         ids=lambda s: "x".join(map(str, s)) or "scalar")
def test_parallel_equals_cpu(shape):
    a = sample(np.float64, shape)
    b = sample(np.float64, shape, 1)
    c = trig_cpu(a, b)
    p = trig_par(a, b)
    lp = trig_lazy_par(a, b)
    if shape == ():
        assert c == p == lp
    else:
        assert_array_same(p, c)
        assert_array_same(lp, c)
    assert_array_same(np.asarray(c), np.vectorize(_trig, otypes=[np.float64])(a, b))


def test_parallel_lecture_grid_equals_cpu():
    x, y = _grid(600, 500)
    assert_array_same(lecture_par(x, y), lecture_cpu(x, y))
    assert lecture_par(x, y).max() == np.max(lecture_cpu(x, y))


def test_parallel_noncontiguous_and_broadcast_large():
    a = sample(np.float64, (800, 300))
    col = sample(np.float64, (800, 1), 1)
    for x, y in [(a.T, a[::-1].T), (a[:, ::2], col), (a[::3], a[0]), (np.asfortranarray(a), col)]:
        assert_array_same(trig_par(x, y), trig_cpu(x, y))


def test_parallel_out_where():
    a = sample(np.float64, (200_000,))
    b = sample(np.float64, (200_000,), 1)
    out = np.zeros(200_000)
    mask = a > 0
    r = trig_par(a, b, out=out, where=mask)
    assert r is out
    assert_array_same(out, np.where(mask, trig_cpu(a, b), 0.0))


def test_parallel_integer_kernel():
    a = sample(np.int64, (120_000,))
    b = sample(np.int64, (120_000,), 1)
    assert_array_same(int_par(a, b), int_cpu(a, b))
    assert_array_same(int_par(a, b), a * b - 3 * a + b * b)


def test_parallel_reduce_equals_cpu():
    f = vectorize(["float64(float64, float64)"], target="parallel", identity=0)(lambda_free_add)
    g = vectorize(["float64(float64, float64)"], identity=0)(lambda_free_add)
    a = sample(np.float64, (1000, 200))
    for axis in [0, 1]:
        got = f.reduce(a, axis=axis)
        assert_array_same(got, g.reduce(a, axis=axis))
        # a custom ufunc reduces sequentially (no pairwise summation like np.add)
        assert_array_same(got, np.add.accumulate(a, axis=axis).take(-1, axis=axis))


def test_parallel_fastmath_equals_cpu_fastmath():
    x, y = _grid(400, 300)
    assert_array_same(lecture_fast_par(x, y), lecture_fast(x, y))


@pytest.fixture
def restore_threads():
    n = oxjit.get_num_threads()
    yield n
    oxjit.set_num_threads(n)


def test_get_set_num_threads(restore_threads):
    n = restore_threads
    assert isinstance(n, int) and n >= 1
    oxjit.set_num_threads(1)
    assert oxjit.get_num_threads() == 1
    a = sample(np.float64, (200_000,))
    one = trig_par(a, a[::-1])
    oxjit.set_num_threads(n)
    assert oxjit.get_num_threads() == n
    assert_array_same(trig_par(a, a[::-1]), one)


@pytest.mark.parametrize("bad", [0, 10_000])
def test_set_num_threads_out_of_range(restore_threads, bad):
    with pytest.raises(ValueError, match="number of threads"):
        oxjit.set_num_threads(bad)
    assert oxjit.get_num_threads() == restore_threads


def test_set_num_threads_negative(restore_threads):
    with pytest.raises(ValueError):
        oxjit.set_num_threads(-1)


def test_set_num_threads_non_int(restore_threads):
    with pytest.raises(TypeError):
        oxjit.set_num_threads(1.5)


def _threads_in_subprocess(env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("OXJIT_NUM_THREADS", "NUMBA_NUM_THREADS")}
    env.update(env_extra)
    code = "import oxjit; print(oxjit.get_num_threads())"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return int(r.stdout.strip())


def test_thread_count_from_environment():
    assert _threads_in_subprocess({"OXJIT_NUM_THREADS": "1"}) == 1
    assert _threads_in_subprocess({"NUMBA_NUM_THREADS": "1"}) == 1
    assert _threads_in_subprocess({}) >= 1


def test_parallel_with_one_thread_in_subprocess(tmp_path):
    script = tmp_path / "par_one.py"
    script.write_text(textwrap.dedent("""
        import math
        import numpy as np
        import oxjit

        @oxjit.vectorize(["float64(float64)"], target="parallel")
        def f(x):
            return math.sin(x) + x * x

        x = np.linspace(0, 10, 300_001)
        assert oxjit.get_num_threads() == 1
        assert np.array_equal(f(x), np.sin(x) + x * x)
        print("ok")
    """))
    env = dict(os.environ, OXJIT_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in [os.path.dirname(os.path.dirname(oxjit.__file__)),
                                                   env.get("PYTHONPATH", "")] if p)
    r = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


# ---------------------------------------------------------------------------
# fastmath accuracy
# ---------------------------------------------------------------------------


def test_fastmath_lecture_kernel_accuracy():
    x, y = _grid(1001, 777)
    got = lecture_fast(x, y)
    want = np.cos(x**2 + y**2) / (1 + x**2 + y**2)
    assert got.dtype == np.float64
    assert np.allclose(got, want, rtol=1e-12, atol=1e-14)
    # and really the same function as the cpu kernel
    assert np.max(np.abs(got - lecture_cpu(x, y))) <= 1e-13


def test_fastmath_transcendental_accuracy():
    x, y = _grid(701, 503)
    got = transc_fast(x, y)
    want = np.exp(-0.25 * x * x) * np.sin(x) + np.log(1.0 + y * y) * np.cos(y) + np.sqrt(np.abs(x * y))
    assert np.allclose(got, want, rtol=1e-12, atol=1e-14)


def test_fastmath_float32_accuracy():
    x, y = _grid(301, 211)
    x, y = x.astype(np.float32), y.astype(np.float32)
    got = transc_fast_f32(x, y)
    assert got.dtype == np.float32
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    want = np.exp(-0.25 * x64 * x64) * np.sin(x64) + np.log(1.0 + y64 * y64) * np.cos(y64) + np.sqrt(np.abs(x64 * y64))
    assert np.allclose(got, want, rtol=1e-5, atol=1e-5)


def test_fastmath_odd_lengths_and_strides():
    """Vector bodies and scalar tails must agree."""
    for n in [1, 2, 3, 5, 7, 8, 9, 15, 17, 33]:
        x = np.linspace(-2, 2, n)
        y = np.linspace(3, -1, n)
        want = np.cos(x**2 + y**2) / (1 + x**2 + y**2)
        assert np.allclose(lecture_fast(x, y), want, rtol=1e-12, atol=1e-14), n
        assert np.allclose(lecture_fast(x[::-1], y[::-1]), want[::-1], rtol=1e-12, atol=1e-14), n


def test_special_values_through_cpu_kernel():
    x = np.array([0.0, 1e-300, 1e300, np.inf, -np.inf, np.nan, -0.0])
    with np.errstate(all="ignore"):
        got = lecture_cpu(x, np.zeros_like(x))
        want = np.cos(x**2) / (1 + x**2)
    assert np.allclose(got, want, rtol=1e-12, atol=1e-14, equal_nan=True)


# ---------------------------------------------------------------------------
# Division by zero, bad kernels, bad dtypes
# ---------------------------------------------------------------------------


def test_float_division_by_zero_gives_inf_nan():
    x = np.array([1.0, -1.0, 0.0, np.inf])
    with np.errstate(all="ignore"):
        got = fdiv(x, 0.0)
        want = x / 0.0
    assert_array_same(got, want)
    with np.errstate(all="ignore"):
        assert_array_same(fdiv(x, -0.0), x / -0.0)
        r = fdiv(1.0, 0.0)
    assert r == np.inf


def test_float_modulo_by_zero_gives_nan():
    with np.errstate(all="ignore"):
        got = fmodk(np.array([1.0, -2.5]), 0.0)
    assert np.all(np.isnan(got))


@pytest.mark.parametrize("f", [ifloordiv, imod], ids=["floordiv", "mod"])
def test_integer_division_by_zero_gives_zero(f):
    x = np.array([7, -7, 0, 2**62], dtype=np.int64)
    with np.errstate(all="ignore"):
        got = f(x, 0)
    assert_array_same(got, np.zeros(4, dtype=np.int64))
    # regular values still follow Python's floor semantics
    y = np.array([2, -2, 3, -3], dtype=np.int64)
    want = x // y if f is ifloordiv else x % y
    assert_array_same(f(x, y), want)


def test_integer_true_division_by_zero():
    x = np.array([1, -1, 0], dtype=np.int64)
    with np.errstate(all="ignore"):
        got = itruediv(x, np.zeros(3, dtype=np.int64))
    assert got[0] == np.inf and got[1] == -np.inf and np.isnan(got[2])


def test_lazy_integer_floordiv_by_zero():
    f = vectorize(lambda_free_div)
    with np.errstate(all="ignore"):
        assert_array_same(f(np.array([5, -5, 0]), np.zeros(3, dtype=np.int64)), np.array([0, 0, 0]))
        assert_array_same(f(np.array([5, -5], dtype=np.int32), np.int32(0)), np.array([0, 0]))


def test_float_floordiv_by_zero_like_numpy():
    f = vectorize(lambda_free_div)
    x = np.array([1.0, -1.0, 0.0, 2.5])
    with np.errstate(all="ignore"):
        assert_array_same(f(x, np.zeros(4)), np.floor_divide(x, 0.0))


def lambda_free_div(x, y):
    return x // y


def bad_attr_kernel(x):
    return x.no_such_attribute + 1


def bad_name_kernel(x):
    return x + not_defined_anywhere  # noqa: F821


def test_untypable_kernel_eager_raises_typing_error():
    with pytest.raises(TypingError) as ei:
        vectorize(["float64(float64)"])(bad_attr_kernel)
    msg = str(ei.value)
    assert "no_such_attribute" in msg
    assert "test_vectorize.py" in msg
    assert "error[" in msg


def test_untypable_kernel_lazy_raises_typing_error_on_call():
    f = vectorize(bad_name_kernel)  # nothing compiled yet
    with pytest.raises(TypingError) as ei:
        f(np.arange(3.0))
    msg = str(ei.value)
    assert "not_defined_anywhere" in msg and "test_vectorize.py" in msg
    assert isinstance(ei.value, TypeError)


def test_eager_unsupported_input_dtype_raises_type_error():
    with pytest.raises(TypeError, match="add_one_sig"):
        add_one_sig(np.array(["a"]), np.array(["b"]))
    with pytest.raises(TypeError):
        add_one_sig(np.ones(3, dtype=np.complex128), 1.0)  # complex cannot be cast to float64 safely
    with pytest.raises(TypeError):
        ifloordiv(np.ones(2, dtype=np.uint64), np.ones(2, dtype=np.uint64))  # uint64 -> int64 is unsafe
    with pytest.raises(TypeError):
        ifloordiv(np.ones(2), np.ones(2))  # float64 -> int64 is unsafe


# ---------------------------------------------------------------------------
# Lifetime
# ---------------------------------------------------------------------------


def _leak_kernel(x):
    return x * 2.0 + 1.0


def test_many_eager_ufuncs_no_crash_no_runaway_memory():
    gc.collect()
    rc = sys.getrefcount(_leak_kernel)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    x = np.arange(10.0)
    for _ in range(200):
        u = vectorize(["float64(float64)"])(_leak_kernel)
        assert_array_same(u(x), x * 2.0 + 1.0)
    del u
    gc.collect()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0
    assert grown < 300 * 1024, f"max RSS grew by {grown} KiB for 200 ufuncs"
    # the ufuncs kept the Python function alive exactly as long as they lived
    assert sys.getrefcount(_leak_kernel) == rc


def test_many_lazy_ufuncs_released():
    gc.collect()
    rc = sys.getrefcount(_leak_kernel)
    x = np.arange(4.0)
    for _ in range(40):
        u = vectorize(_leak_kernel)
        u(x)
        u(x.astype(np.float32))
    del u
    gc.collect()
    assert sys.getrefcount(_leak_kernel) == rc


def test_ufunc_usable_after_decorator_scope_ends():
    def make():
        def k(x, y):
            return x - 2 * y

        return vectorize(["float64(float64, float64)"])(k)

    u = make()
    gc.collect()
    assert_array_same(u(np.arange(3.0), 1.0), np.arange(3.0) - 2.0)


# ---------------------------------------------------------------------------
# From compiled code
# ---------------------------------------------------------------------------


def test_dufunc_called_from_njit_on_scalars():
    assert call_dufunc_scalar(2.0, 3.0) == _poly(2.0, 3.0) + (2.0 * 3 + 1)
    assert call_dufunc_scalar(2, 3) == _poly(2, 3) + 7
    assert type(call_dufunc_scalar(2, 3)) is int


def test_dufunc_called_from_njit_on_arrays():
    a = sample(np.float64, (3, 4))
    b = sample(np.float64, (4,), 1)
    assert_array_same(call_dufunc_array(a, b), a * b + a)


def test_eager_ufunc_called_from_njit():
    assert call_eager_ufunc_scalar(2.0, 3.0) == 5.0


@vectorize
def branchy(x, y):
    if x > y:
        return x - y
    return y * 2


@vectorize
def reciprocal(x):
    return 1 / x


@vectorize
def checked_sqrt(x):
    if x < 0:
        raise ValueError("negative")
    return math.sqrt(x)


@njit
def call_branchy(a, b):
    return branchy(a, b)


@njit
def call_branchy_expr(a, b):
    # A mapped call inside a larger array expression, and a scalar argument.
    return branchy(a * 2, b) + branchy(a, 1)


@njit
def call_reciprocal(x):
    return reciprocal(x)


@njit
def call_checked_sqrt(a):
    return checked_sqrt(a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (np.arange(6.0).reshape(2, 3), np.array([1.0, 4.0, 2.5])),
        (np.arange(5, dtype=np.int32), np.int32(2)),
        (np.arange(12.0).reshape(3, 4)[:, ::2], np.arange(3.0)[:, None]),
        (np.zeros((0, 3)), np.ones(3)),
        (np.array(3.0), np.array(1.0)),
    ],
)
def test_dufunc_with_branches_maps_over_arrays(a, b):
    got = call_branchy(a, b)
    want = np.vectorize(branchy.py_func, otypes=[got.dtype if isinstance(got, np.ndarray) else float])(a, b)
    if np.ndim(want) == 0:
        # Every argument 0-d: a scalar, as NumPy.
        assert not isinstance(got, np.ndarray) and got == want
    else:
        assert got.shape == want.shape and got.flags.c_contiguous
        np.testing.assert_array_equal(got, want)
    a2 = np.asarray(a)
    vec = np.vectorize(branchy.py_func, otypes=[np.float64 if a2.dtype.kind == "f" else np.int64])
    want2 = vec(a2 * 2, b) + vec(a2, 1)
    np.testing.assert_array_equal(call_branchy_expr(a, b), want2)


def test_dufunc_result_dtype_follows_the_kernel():
    # The kernel is typed for the element types, as Numba types it:
    # float32 * int64 is float64 and int32 * int64 is int64.
    assert call_branchy(np.arange(4, dtype=np.float32), np.float32(1)).dtype == np.float64
    assert call_branchy(np.arange(4, dtype=np.int32), np.int32(1)).dtype == np.int64
    assert call_reciprocal(np.arange(1, 3, dtype=np.float32)).dtype == np.float64


def test_dufunc_divides_like_numpy_from_compiled_code():
    # As in Numba: a @vectorize kernel uses NumPy's error model, called
    # with numbers or arrays.
    assert call_reciprocal(0.0) == math.inf
    np.testing.assert_array_equal(call_reciprocal(np.array([0.0, -0.0, 2.0])), [math.inf, -math.inf, 0.5])


def test_dufunc_raising_inside_a_mapped_call_does_not_leak(no_leaks):
    np.testing.assert_array_equal(call_checked_sqrt(np.array([4.0, 9.0])), [2.0, 3.0])
    for _ in range(3):
        with pytest.raises(ValueError, match="negative"):
            call_checked_sqrt(np.array([4.0, -1.0, 9.0]))


@njit
def call_dufunc_with_tuple(t):
    return branchy(t, 1.0)


def test_dufunc_mapped_over_a_tuple_is_a_clear_error():
    with pytest.raises(TypingError, match="takes numbers and arrays, not"):
        call_dufunc_with_tuple((np.ones(2), 1.0))


def test_a_lazy_ufunc_compiles_each_loop_once(tmp_path):
    # Each new dtype combination builds the next version of the ufunc; the
    # earlier loops are kept, not compiled again (one module per loop).
    code = textwrap.dedent(
        """
        import numpy as np
        from oxjit import guvectorize, vectorize

        @vectorize
        def lv(x):
            return x * 2 + 1

        @guvectorize("(n)->()")
        def tot(a, out):
            s = 0
            for v in a:
                s += v
            out[0] = s

        for dt in (np.float64, np.int64, np.float32, np.int32):
            assert lv(np.arange(3, dtype=dt)).tolist() == [1, 3, 5]
        for dt in (np.float64, np.int64, np.int32):
            assert tot(np.arange(4, dtype=dt)) == 6
        """
    )
    (tmp_path / "lazy.py").write_text(code)
    ir = tmp_path / "ir"
    ir.mkdir()
    env = dict(os.environ, OXJIT_DUMP_IR_DIR=str(ir))
    subprocess.run([sys.executable, str(tmp_path / "lazy.py")], check=True, env=env)
    assert len(os.listdir(ir)) == 4 + 3
