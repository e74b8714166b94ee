"""NumPy arrays in compiled code: every dtype, 1-3 dimensions, every layout,
indexing, views, assignment, creation functions, attributes, methods,
iteration, returned arrays, the allocation counters and boundscheck."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import oxjit
import pytest
from conftest import live_allocations, same_value
from hypothesis import given, settings
from hypothesis import strategies as st
from oxjit import float32, int16, njit

DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
          np.float32, np.float64, np.complex64, np.complex128]
DTYPE_IDS = [np.dtype(d).name for d in DTYPES]
NUMERIC = [d for d in DTYPES if d is not np.bool_]


def sample(dtype, shape, seed=0):
    """Deterministic, dtype-appropriate test data (negative values for signed
    types, fractional for floats, non-zero imaginary parts for complex)."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    dt = np.dtype(dtype)
    if dt.kind == "b":
        v = rng.integers(0, 2, n).astype(bool)
    elif dt.kind == "u":
        v = rng.integers(0, min(np.iinfo(dt).max, 200), n)
    elif dt.kind == "i":
        v = rng.integers(max(np.iinfo(dt).min, -100), min(np.iinfo(dt).max, 100), n)
    elif dt.kind == "f":
        v = rng.standard_normal(n) * 10
    else:
        v = rng.standard_normal(n) * 10 + 1j * rng.standard_normal(n)
    return np.asarray(v).astype(dt).reshape(shape)


def py_scalar(v):
    return v.item() if isinstance(v, np.generic) else v


# ---------------------------------------------------------------------------
# Kernels
# ---------------------------------------------------------------------------


@njit
def get1(a, i):
    return a[i]


@njit
def get2(a, i, j):
    return a[i, j]


@njit
def get3(a, i, j, k):
    return a[i, j, k]


@njit
def get_tuple_index(a, idx):
    return a[idx]


@njit
def copy_loop1(a):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        out[i] = a[i]
    return out


@njit
def copy_loop2(a):
    out = np.empty(a.shape, dtype=a.dtype)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = a[i, j]
    return out


@njit
def copy_loop3(a):
    out = np.empty_like(a)
    n0, n1, n2 = a.shape
    for i in range(n0):
        for j in range(n1):
            for k in range(n2):
                out[i, j, k] = a[i, j, k]
    return out


@njit
def weighted_sum2(a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += a[i, j] * (i + 1) * (j + 2)
    return s


def weighted_sum2_ref(a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += float(a[i, j]) * (i + 1) * (j + 2)
    return s


# ---------------------------------------------------------------------------
# Every dtype, 1-3 dims
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_element_read_every_dtype_1d(dtype):
    a = sample(dtype, (7,))
    for i in [0, 3, 6, -1, -7]:
        got = get1(a, i)
        want = a[i].item()
        assert same_value(got, want), (dtype, i, got, want)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_element_read_every_dtype_2d_3d(dtype):
    a = sample(dtype, (3, 4))
    assert same_value(get2(a, 2, 3), a[2, 3].item())
    assert same_value(get2(a, -1, -4), a[-1, -4].item())
    b = sample(dtype, (2, 3, 4), seed=1)
    assert same_value(get3(b, 1, 2, 3), b[1, 2, 3].item())
    assert same_value(get3(b, -2, 0, -1), b[-2, 0, -1].item())


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_copy_loop_every_dtype(dtype, ndim):
    shape = {1: (6,), 2: (3, 5), 3: (2, 3, 4)}[ndim]
    a = sample(dtype, shape)
    out = {1: copy_loop1, 2: copy_loop2, 3: copy_loop3}[ndim](a)
    assert out.dtype == a.dtype and out.shape == a.shape
    assert np.array_equal(out, a)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_signature_records_dtype_and_layout(dtype):
    a = sample(dtype, (3, 4))
    get2(a, 0, 0)
    name = np.dtype(dtype).name
    assert any(str(sig[0]) == f"array({name}, 2d, C)" for sig in get2.signatures), get2.signatures


def test_tuple_index():
    a = sample(np.float64, (3, 4, 5))
    assert get_tuple_index(a, (1, 2, 3)) == a[1, 2, 3]
    assert get_tuple_index(a, (-1, -1, -1)) == a[-1, -1, -1]


# ---------------------------------------------------------------------------
# Layouts: C, F, strided, transposed, negative strides, read-only
# ---------------------------------------------------------------------------


def _layouts():
    base = np.arange(60.0).reshape(6, 10) * 1.5 - 7
    return {
        "C": base,
        "F": np.asfortranarray(base),
        "T": base.T,
        "step-rows": base[::2],
        "step-cols": base[:, ::3],
        "neg-rows": base[::-1],
        "neg-both": base[::-2, ::-3],
        "sub-block": base[1:5, 2:9],
        "F-sliced": np.asfortranarray(base)[1:, ::2],
        "broadcast-0-stride": np.broadcast_to(np.arange(10.0), (6, 10)),
    }


LAYOUTS = _layouts()


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_2d_layouts_read(name):
    a = LAYOUTS[name]
    assert weighted_sum2(a) == pytest.approx(weighted_sum2_ref(a), rel=1e-13)
    assert get2(a, -1, 0) == a[-1, 0]
    assert get2(a, 1, -2) == a[1, -2]
    out = copy_loop2(a)
    assert np.array_equal(out, a) and out.flags.c_contiguous


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_2d_layouts_methods(name):
    a = LAYOUTS[name]
    s, mn, mx, me = methods(a)
    assert s == pytest.approx(a.sum(), rel=1e-13)
    assert (mn, mx) == (a.min(), a.max())
    assert me == pytest.approx(a.mean(), rel=1e-13)


def test_layout_in_signature():
    base = np.zeros((4, 6))
    get2(base, 0, 0)
    get2(np.asfortranarray(base), 0, 0)
    get2(base[:, ::2], 0, 0)
    sigs = {str(s[0]) for s in get2.signatures}
    assert {"array(float64, 2d, C)", "array(float64, 2d, F)", "array(float64, 2d, A)"} <= sigs


@pytest.mark.parametrize("dtype", [np.int32, np.float64, np.complex128, np.bool_], ids=str)
def test_1d_negative_stride(dtype):
    a = sample(dtype, (9,))[::-2]
    assert np.array_equal(copy_loop1(a), a)
    assert same_value(get1(a, 0), a[0].item())
    assert same_value(get1(a, -1), a[-1].item())


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_readonly_arrays_can_be_read(ndim):
    shape = {1: (5,), 2: (3, 4), 3: (2, 3, 2)}[ndim]
    a = sample(np.float64, shape)
    a.setflags(write=False)
    out = {1: copy_loop1, 2: copy_loop2, 3: copy_loop3}[ndim](a)
    assert np.array_equal(out, a)
    assert out.flags.writeable


@njit
def write_first(a):
    a[0] = 1.0


def test_readonly_array_signature_and_write_rejected():
    a = np.zeros(3)
    a.setflags(write=False)
    copy_loop1(a)
    assert any(str(s[0]).startswith("readonly array(") for s in copy_loop1.signatures)
    with pytest.raises(TypeError):
        write_first(a)
    assert a[0] == 0.0


def test_3d_transposed_and_sliced():
    a = sample(np.float64, (4, 5, 6))
    for v in [a.transpose(2, 0, 1), a[::-1, 1::2, ::-3], np.asfortranarray(a)]:
        assert np.array_equal(copy_loop3(v), v)
        assert get3(v, -1, -1, -1) == v[-1, -1, -1]


def test_0d_array_argument():
    @njit
    def zero_d(a):
        return a.ndim, a.size, a.shape

    assert zero_d(np.array(3.5)) == (0, 1, ())


# ---------------------------------------------------------------------------
# Element and slice assignment
# ---------------------------------------------------------------------------


@njit
def set_elements(a, x):
    a[0] = x
    a[-1] = x * 2
    a[len(a) // 2] += 1


@njit
def set_elements2(a, x):
    a[0, 0] = x
    a[-1, -1] = -x
    a[1, -2] *= 3


@njit
def slice_assign_scalar(a, x):
    a[1:4] = x
    a[::3] = -x


@njit
def slice_assign_array(a, b):
    a[2:2 + len(b)] = b


@njit
def slice_assign_2d(a, x, row):
    a[1, :] = x
    a[:, 0] = row[: a.shape[0]]
    a[2:, 2:] = -1


@njit
def assign_whole(a, x):
    a[:] = x


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_element_assignment_every_dtype(dtype):
    a = sample(dtype, (5,))
    b = a.copy()
    x = sample(dtype, (1,), seed=3)[0].item()
    if np.dtype(dtype).kind in "iu":
        x %= 40  # keep x * 2 + 1 in range for NumPy's own (checking) assignment in py_func
    set_elements(a, x)
    set_elements.py_func(b, x)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("dtype", [np.int8, np.float32, np.complex64, np.uint16], ids=str)
def test_element_assignment_converts_like_numpy(dtype):
    a = np.zeros(5, dtype=dtype)
    b = a.copy()
    set_elements(a, 3)
    set_elements.py_func(b, 3)
    assert np.array_equal(a, b)


def test_element_assignment_2d_layouts():
    for name, base in LAYOUTS.items():
        if name == "broadcast-0-stride":
            continue
        a = base.copy(order="K") if name in ("C", "F") else _layouts()[name]
        b = a.copy()
        set_elements2(a, 2.5)
        set_elements2.py_func(b, 2.5)
        assert np.array_equal(a, b), name


def test_slice_assignment_scalar_broadcast():
    a = np.arange(10.0)
    b = a.copy()
    slice_assign_scalar(a, 7.0)
    slice_assign_scalar.py_func(b, 7.0)
    assert np.array_equal(a, b)
    c = np.arange(10)
    slice_assign_scalar(c, 7)
    assert np.array_equal(c, np.array([-7, 7, 7, -7, 4, 5, -7, 7, 8, -7]))


def test_slice_assignment_array_copy():
    a = np.zeros(8)
    slice_assign_array(a, np.array([1.0, 2.0, 3.0]))
    assert np.array_equal(a, [0, 0, 1, 2, 3, 0, 0, 0])
    a = np.zeros(8)
    slice_assign_array(a, np.arange(5.0)[::-2])
    assert np.array_equal(a, [0, 0, 4, 2, 0, 0, 0, 0])


def test_slice_assignment_array_shape_mismatch_raises():
    a = np.zeros(4)
    with pytest.raises(ValueError):
        slice_assign_array(a, np.ones(5))


def test_slice_assignment_2d():
    a = np.zeros((4, 5))
    b = a.copy()
    row = np.arange(10.0)
    slice_assign_2d(a, 3.0, row)
    slice_assign_2d.py_func(b, 3.0, row)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_assign_whole_array(dtype):
    a = sample(dtype, (2, 3))
    x = sample(dtype, (1,), seed=5)[0].item()
    assign_whole(a, x)
    assert np.all(a == np.asarray(x, dtype=dtype))


def test_assign_overlapping_slices():
    a = np.arange(10.0)
    b = a.copy()

    @njit
    def shift(a):
        a[1:] = a[:-1]

    shift(a)
    b[1:] = b[:-1]
    assert np.array_equal(a, b)


# ---------------------------------------------------------------------------
# Views returned to Python
# ---------------------------------------------------------------------------


@njit
def views(a):
    return a[1:5:2], a[::-1], a[2:], a[:0]


@njit
def view2d(a):
    return a[1], a[:, 2], a[1:3, ::-1], a.T


@njit
def mutate_through_view(a):
    v = a[::2]
    v[0] = 100.0
    v[1:] = -1.0
    row = a[1:]
    row[-1] = 42.0


def test_slicing_views_returned_to_python():
    a = np.arange(10.0)
    got = views(a)
    want = views.py_func(a)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape and g.strides == w.strides
        assert np.array_equal(g, w)
        if g.size:
            assert np.shares_memory(g, a)
    got[0][0] = 99.0
    assert a[1] == 99.0
    got[1][0] = -5.0
    assert a[9] == -5.0


def test_2d_views_returned_to_python():
    a = np.arange(20.0).reshape(4, 5)
    got = view2d(a)
    want = view2d.py_func(a)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.strides == w.strides and np.array_equal(g, w)
        assert np.shares_memory(g, a)
    got[3][0, 1] = -1.0
    assert a[1, 0] == -1.0


def test_mutation_through_view_inside_jit():
    a = np.zeros(7)
    b = a.copy()
    mutate_through_view(a)
    mutate_through_view.py_func(b)
    assert np.array_equal(a, b)


@njit
def view_of_new_array(n):
    a = np.arange(n * 1.0)
    return a[::2]


def test_view_of_array_created_in_jit(no_leaks):
    v = view_of_new_array(10)
    assert np.array_equal(v, np.arange(0.0, 10.0, 2.0))
    w = v[1:]
    del v
    assert np.array_equal(w, [2.0, 4.0, 6.0, 8.0])
    del w


@njit
def slice_bounds_clipped(a, lo, hi, step):
    return a[lo:hi:step]


@pytest.mark.parametrize("lo,hi,step", [(0, 100, 1), (-100, 3, 1), (8, 2, -2), (-1, -100, -1), (5, 5, 1),
                                        (3, 1, 1), (2, 9, 4)])
def test_slice_bounds_like_numpy(lo, hi, step):
    a = np.arange(10)
    got = slice_bounds_clipped(a, lo, hi, step)
    assert np.array_equal(got, a[lo:hi:step]) and got.shape == a[lo:hi:step].shape


@njit
def slice2d(a, lo0, hi0, st0, lo1, hi1, st1):
    return a[lo0:hi0:st0, lo1:hi1:st1]


def _strides_that_matter(a):
    """Strides of axes longer than 1 (NumPy leaves the others unspecified); none for empty arrays."""
    if a.size == 0:
        return ()
    return tuple(s for s, n in zip(a.strides, a.shape) if n > 1)


_BOUND = st.integers(-12, 12)
_STEP = st.integers(-4, 4).filter(lambda v: v != 0)


@settings(max_examples=150, deadline=None)
@given(lo=_BOUND, hi=_BOUND, step=_STEP, n=st.integers(0, 10))
def test_prop_1d_slicing_like_numpy(lo, hi, step, n):
    a = np.arange(n) * 10
    got, want = slice_bounds_clipped(a, lo, hi, step), a[lo:hi:step]
    assert got.shape == want.shape and np.array_equal(got, want)
    assert _strides_that_matter(got) == _strides_that_matter(want)


@settings(max_examples=100, deadline=None)
@given(lo0=_BOUND, hi0=_BOUND, st0=_STEP, lo1=_BOUND, hi1=_BOUND, st1=_STEP, order=st.sampled_from("CF"))
def test_prop_2d_slicing_like_numpy(lo0, hi0, st0, lo1, hi1, st1, order):
    a = np.asarray(np.arange(42.0).reshape(6, 7), order=order)
    got = slice2d(a, lo0, hi0, st0, lo1, hi1, st1)
    want = a[lo0:hi0:st0, lo1:hi1:st1]
    assert got.shape == want.shape and np.array_equal(got, want)
    assert _strides_that_matter(got) == _strides_that_matter(want)
    if got.size:
        assert np.shares_memory(got, a)


@njit
def slice_zero_step(a, step):
    return a[::step]


def test_slice_zero_step_raises():
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        slice_zero_step(np.arange(5), 0)


# ---------------------------------------------------------------------------
# Creation functions
# ---------------------------------------------------------------------------


@njit
def create_int_shape(n):
    return np.empty(n), np.zeros(n), np.ones(n), np.full(n, 2.5)


@njit
def create_tuple_shape(n, m):
    return np.empty((n, m)), np.zeros((n, m)), np.ones((n, m, 2)), np.full((n, m), 3)


@njit
def create_dtypes(n):
    return (np.zeros(n, dtype=np.int32), np.ones(n, dtype=np.float32), np.zeros(n, dtype="float32"),
            np.ones(n, dtype=np.bool_), np.full(n, 3, dtype=np.uint8), np.zeros((n, 2), dtype=np.complex64),
            np.ones(n, np.int16), np.empty(n, dtype=np.int64), np.zeros(n, dtype="int8"),
            np.ones(n, dtype=np.complex128), np.full((2, n), 1.5, np.float32))


@njit
def create_oxjit_dtype(n):
    return np.zeros(n, dtype=oxjit.float32), np.ones(n, dtype=oxjit.int16)


@njit
def create_imported_oxjit_dtype(n):
    return np.zeros(n, dtype=float32), np.ones(n, dtype=int16)


@njit
def create_full_infers_dtype(n):
    return np.full(n, 3), np.full(n, 2.5), np.full(n, True), np.full(n, 1j)


def _check_new(got, want):
    assert isinstance(got, np.ndarray)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape
    assert got.flags.c_contiguous and got.flags.writeable and got.flags.aligned


@pytest.mark.parametrize("n", [0, 1, 5])
def test_create_int_shape(n):
    got = create_int_shape(n)
    want = create_int_shape.py_func(n)
    for i, (g, w) in enumerate(zip(got, want)):
        _check_new(g, w)
        if i:  # np.empty is uninitialised
            assert np.array_equal(g, w)


@pytest.mark.parametrize("n,m", [(2, 3), (0, 4), (3, 0), (1, 1)])
def test_create_tuple_shape(n, m):
    got = create_tuple_shape(n, m)
    want = create_tuple_shape.py_func(n, m)
    for i, (g, w) in enumerate(zip(got, want)):
        _check_new(g, w)
        if i:
            assert np.array_equal(g, w)


def test_create_with_dtypes():
    got = create_dtypes(4)
    want = create_dtypes.py_func(4)
    for i, (g, w) in enumerate(zip(got, want)):
        _check_new(g, w)
        if i != 7:
            assert np.array_equal(g, w), i


def test_create_with_imported_oxjit_type_as_dtype():
    a, b = create_imported_oxjit_dtype(3)
    assert a.dtype == np.float32 and b.dtype == np.int16
    assert np.array_equal(b, [1, 1, 1])


def test_create_with_oxjit_module_type_as_dtype():
    a, b = create_oxjit_dtype(3)
    assert a.dtype == np.float32 and b.dtype == np.int16


def test_full_infers_dtype_from_fill_value():
    got = create_full_infers_dtype(3)
    want = create_full_infers_dtype.py_func(3)
    for g, w in zip(got, want):
        _check_new(g, w)
        assert np.array_equal(g, w)


@njit
def create_negative(n):
    return np.zeros(n)


def test_create_negative_size_raises():
    with pytest.raises(ValueError, match="negative"):
        create_negative(-1)


@njit
def like_functions(a):
    return np.empty_like(a), np.zeros_like(a), np.ones_like(a), np.full_like(a, 7)


@njit
def like_with_dtype(a):
    return np.zeros_like(a, dtype=np.float32), np.ones_like(a, np.int8), np.full_like(a, 2.5, dtype=np.float64)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_like_functions_every_dtype(dtype):
    a = sample(dtype, (3, 2))
    got = like_functions(a)
    want = like_functions.py_func(a)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == w.dtype and g.shape == w.shape
        if i:
            assert np.array_equal(g, w)


@pytest.mark.parametrize("name", ["F", "T", "neg-both", "sub-block"])
def test_like_functions_non_c_inputs(name):
    a = LAYOUTS[name]
    got = like_functions(a)
    for g in got:
        assert g.shape == a.shape and g.dtype == a.dtype
    assert np.all(got[1] == 0) and np.all(got[2] == 1) and np.all(got[3] == 7)


def test_like_with_dtype():
    a = np.arange(6).reshape(2, 3)
    got = like_with_dtype(a)
    want = like_with_dtype.py_func(a)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape and np.array_equal(g, w)


@njit
def arange1(n):
    return np.arange(n)


@njit
def arange2(a, b):
    return np.arange(a, b)


@njit
def arange3(a, b, s):
    return np.arange(a, b, s)


@njit
def arange_dtype(n):
    return np.arange(n, dtype=np.float32), np.arange(0, n, 2, dtype=np.int8), np.arange(1.5, n, dtype=np.float64)


@njit
def arange_positional_dtype(n):
    return np.arange(0, n, 2, np.int8)


@pytest.mark.parametrize("args", [(5,), (0,), (-3,), (2.5,), (np.int32(4),)])
def test_arange_one_arg(args):
    got, want = arange1(*args), np.arange(*args)
    assert got.dtype == want.dtype and np.array_equal(got, want)


@pytest.mark.parametrize("args", [(2, 9), (9, 2), (-3, 3), (0.5, 4), (1, 2.5), (-2.5, -0.5)])
def test_arange_two_args(args):
    got, want = arange2(*args), np.arange(*args)
    assert got.dtype == want.dtype and np.array_equal(got, want)


@pytest.mark.parametrize("args", [(0, 10, 3), (10, 0, -3), (0, 1, 0.1), (1.0, 0.0, -0.25), (5, 5, 1), (0, 10, -1),
                                  (-1.0, 1.0, 0.3)])
def test_arange_three_args(args):
    got, want = arange3(*args), np.arange(*args)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.allclose(got, want, rtol=1e-15, atol=1e-15)


def test_arange_zero_step_raises():
    # NumPy: ZeroDivisionError; Numba: ValueError("Maximum allowed size exceeded").
    with pytest.raises((ZeroDivisionError, ValueError)):
        arange3(0, 10, 0)


def test_arange_dtype():
    got = arange_dtype(7)
    want = arange_dtype.py_func(7)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and np.array_equal(g, w)


def test_arange_positional_dtype():
    got = arange_positional_dtype(7)
    assert got.dtype == np.int8 and np.array_equal(got, [0, 2, 4, 6])


@njit
def linspace(a, b, n):
    return np.linspace(a, b, n)


@pytest.mark.parametrize("a,b,n", [(0.0, 1.0, 11), (0, 1, 5), (-3.0, 7.5, 100), (1.0, 0.0, 4), (2.0, 2.0, 3),
                                   (0.0, 1.0, 2), (0.0, 1.0, 0), (0, 10**6, 7), (1e-3, 1e3, 50),
                                   pytest.param(0.0, 1.0, 1),
                                   pytest.param(3.0, 5.0, 1)])
def test_linspace(a, b, n):
    got, want = linspace(a, b, n), np.linspace(a, b, n)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.allclose(got, want, rtol=1e-15, atol=0)
    if n:
        assert got[0] == want[0] and got[-1] == want[-1]


# ---------------------------------------------------------------------------
# Attributes
# ---------------------------------------------------------------------------


@njit
def attributes(a):
    return a.shape, a.size, a.ndim, len(a)


@njit
def transpose_attr(a):
    return a.T


@njit
def dtype_attr(a, n):
    return np.zeros(n, dtype=a.dtype), np.ones_like(a, dtype=a.dtype)


@pytest.mark.parametrize("shape", [(0,), (5,), (3, 4), (2, 0, 3), (2, 3, 4), (1, 1, 1, 1)])
def test_shape_size_ndim(shape):
    a = np.zeros(shape)
    assert attributes(a) == (shape, a.size, a.ndim, shape[0])


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)])
def test_T(shape):
    a = sample(np.float64, shape)
    t = transpose_attr(a)
    assert t.shape == a.T.shape and t.strides == a.T.strides and np.array_equal(t, a.T)
    assert np.shares_memory(t, a)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_dtype_attribute(dtype):
    a = sample(dtype, (3,))
    z, o = dtype_attr(a, 2)
    assert z.dtype == a.dtype and o.dtype == a.dtype


# ---------------------------------------------------------------------------
# Methods: copy fill sum min max mean
# ---------------------------------------------------------------------------


@njit
def methods(a):
    return a.sum(), a.min(), a.max(), a.mean()


@njit
def m_sum(a):
    return a.sum()


@njit
def m_mean(a):
    return a.mean()


@njit
def m_min(a):
    return a.min()


@njit
def m_max(a):
    return a.max()


@njit
def m_copy(a):
    return a.copy()


@njit
def m_fill(a, x):
    a.fill(x)


@njit
def np_functions(a):
    return np.sum(a), np.min(a), np.max(a), np.mean(a)


def _return_type(f):
    return str(f.nopython_signatures[-1].return_type)


def _check_reduction(f, npf, a, exact=True):
    got = f(a)
    want = npf(a)
    assert _return_type(f) == want.dtype.name, (np.dtype(a.dtype).name, _return_type(f), want.dtype)
    if exact and a.dtype.kind not in "fc":
        assert got == want.item()
    else:
        rtol = 1e-5 if want.dtype in (np.float32, np.complex64) else 1e-12
        assert np.isclose(got, want.item(), rtol=rtol, equal_nan=True), (got, want)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2)], ids=["1d", "2d", "3d"])
def test_sum_mean_like_numpy(dtype, shape):
    a = sample(dtype, shape)
    _check_reduction(m_sum, np.sum, a)
    _check_reduction(m_mean, np.mean, a)




@pytest.mark.parametrize("dtype", [pytest.param(d, id=np.dtype(d).name) if np.dtype(d).kind == "c"
                                   else pytest.param(d, id=np.dtype(d).name) for d in DTYPES])
@pytest.mark.parametrize("shape", [(7,), (3, 4)], ids=["1d", "2d"])
def test_min_max_like_numpy(dtype, shape):
    a = sample(dtype, shape)
    if np.dtype(dtype).kind == "c":
        a = a + np.arange(a.size).reshape(shape)  # distinct real parts
    _check_reduction(m_min, np.min, a)
    _check_reduction(m_max, np.max, a)


def test_min_max_with_nan_propagates():
    a = np.array([1.0, np.nan, -3.0])
    assert np.isnan(m_min(a)) and np.isnan(m_max(a))
    b = np.array([np.nan, 5.0])
    assert np.isnan(m_min(b)) and np.isnan(m_max(b))


def test_min_max_signed_zero_and_inf():
    a = np.array([np.inf, -np.inf, 0.0])
    assert m_min(a) == -np.inf and m_max(a) == np.inf


def test_np_function_forms():
    a = sample(np.float64, (4, 3))
    got = np_functions(a)
    want = tuple(v.item() for v in np_functions.py_func(a))
    assert np.allclose(got, want, rtol=1e-13)


def test_sum_int_wraps_like_numpy():
    a = np.array([2**62, 2**62, 2**62], dtype=np.int64)
    assert m_sum(a) == int(a.sum())


def test_float32_sum_close_to_numpy():
    a = np.linspace(0, 1, 1001, dtype=np.float32)
    assert abs(m_sum(a) - float(a.sum())) <= 1e-3




@pytest.mark.parametrize("dtype", [pytest.param(d, id=np.dtype(d).name)
                                   if np.dtype(d).kind == "c" else pytest.param(d, id=np.dtype(d).name)
                                   for d in DTYPES])
def test_empty_array_reductions(dtype):
    a = np.zeros(0, dtype=dtype)
    assert m_sum(a) == a.sum().item()
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Mean of empty slice"
        want_mean = a.mean()
    got_mean = m_mean(a)
    assert np.isnan(got_mean) and np.isnan(want_mean)
    for f, npf in [(m_min, np.min), (m_max, np.max)]:
        with pytest.raises(ValueError) as got:
            f(a)
        with pytest.raises(ValueError) as want:
            npf(a)
        assert str(got.value) == str(want.value)


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("name", ["C", "F", "neg-both"])
def test_copy_method(dtype, name):
    a = LAYOUTS[name].astype(dtype) if name == "C" else (
        np.asfortranarray(sample(dtype, (4, 6))) if name == "F" else sample(dtype, (4, 6))[::-2, ::-3])
    c = m_copy(a)
    assert c.dtype == a.dtype and c.shape == a.shape and np.array_equal(c, a)
    assert not np.shares_memory(c, a)
    assert c.flags.writeable


@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_fill_method(dtype):
    a = sample(dtype, (3, 4))
    x = sample(dtype, (1,), seed=9)[0].item()
    m_fill(a, x)
    assert np.all(a == np.asarray(x, dtype=dtype))
    v = sample(dtype, (10,))
    m_fill(v[::3], x)
    assert np.all(v[::3] == np.asarray(x, dtype=dtype))


def test_fill_converts_value():
    a = np.zeros(3, dtype=np.int32)
    m_fill(a, 7)
    assert np.array_equal(a, [7, 7, 7])
    f = np.zeros(3, dtype=np.float32)
    m_fill(f, 2)
    assert np.array_equal(f, [2.0, 2.0, 2.0])


# ---------------------------------------------------------------------------
# Iteration
# ---------------------------------------------------------------------------


@njit
def iterate_1d(a):
    s = 0.0
    n = 0
    for x in a:
        s += x
        n += 1
    return s, n


@njit
def iterate_2d_rows(a):
    total = 0.0
    rows = 0
    for row in a:
        for x in row:
            total += x * (rows + 1)
        rows += 1
    return total, rows


@njit
def iterate_bool(a):
    c = 0
    for x in a:
        if x:
            c += 1
    return c


@pytest.mark.parametrize("a", [np.arange(5.0), np.arange(10.0)[::-3], np.zeros(0), np.arange(6)],
                         ids=["plain", "neg-stride", "empty", "int"])
def test_iterate_1d(a):
    assert iterate_1d(a) == iterate_1d.py_func(a)


@pytest.mark.parametrize("name", ["C", "F", "T", "neg-both"])
def test_iterate_2d_rows(name):
    a = LAYOUTS[name]
    got = iterate_2d_rows(a)
    want = iterate_2d_rows.py_func(a)
    assert got[1] == want[1] and got[0] == pytest.approx(want[0], rel=1e-13)


def test_iterate_empty_2d():
    assert iterate_2d_rows(np.zeros((0, 3))) == (0.0, 0)
    assert iterate_2d_rows(np.zeros((3, 0))) == (0.0, 3)


def test_iterate_bool_array():
    a = np.array([True, False, True, True])
    assert iterate_bool(a) == 3


# ---------------------------------------------------------------------------
# Empty arrays
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (0, 0, 2)])
def test_empty_arrays_pass_through(shape):
    a = np.zeros(shape)
    assert attributes(a)[0] == shape
    out = {1: copy_loop1, 2: copy_loop2, 3: copy_loop3}[len(shape)](a)
    assert out.shape == shape and out.dtype == a.dtype


@njit
def identity(a):
    return a


def test_array_identity_returns_same_object_or_view():
    a = np.arange(6.0).reshape(2, 3)
    r = identity(a)
    assert np.shares_memory(r, a) and r.shape == a.shape and r.strides == a.strides
    r[0, 0] = 42.0
    assert a[0, 0] == 42.0


# ---------------------------------------------------------------------------
# Returned arrays and the allocation counters
# ---------------------------------------------------------------------------


@njit
def make_and_fill(n):
    a = np.empty(n)
    for i in range(n):
        a[i] = i * 0.5
    return a


@njit
def temporaries(n):
    s = 0.0
    for k in range(5):
        t = np.ones(n)
        u = t.copy()
        s += u.sum() + t[::2].sum()
    return s


@njit
def allocate_then_raise(n):
    a = np.zeros(n)
    b = np.ones((n, 2))
    for i in range(n):
        a[i] = b[i, 0]
    if n > 3:
        raise ValueError("too big", n)
    return a.sum()


@njit
def allocate_in_callee(n):
    return make_and_fill(n)


@njit
def allocate_callee_raises(n):
    a = make_and_fill(n)
    b = allocate_then_raise(n)
    return a.sum() + b


@njit
def tuple_of_arrays(n):
    a = np.zeros(n)
    return a, (np.ones(n), a[1:])


@njit
def allocate_then_zerodiv(n, d):
    a = np.arange(n)
    return a.sum() // d


@njit
def allocate_then_int_nan(x):
    a = np.full(3, x)
    return int(a[0])


def test_returned_array_counters(no_leaks):
    before = live_allocations()
    a = make_and_fill(10)
    assert np.array_equal(a, np.arange(10) * 0.5)
    assert live_allocations() == before + 1
    b = a
    del a
    assert live_allocations() == before + 1
    del b
    assert live_allocations() == before


def test_temporaries_are_freed(no_leaks):
    assert temporaries(8) == 5 * (8 + 4)


def test_no_leak_after_exception(no_leaks):
    assert allocate_then_raise(3) == 3.0
    for _ in range(3):
        with pytest.raises(ValueError) as ei:
            allocate_then_raise(10)
        assert ei.value.args == ("too big", 10)


def test_no_leak_after_exception_in_callee(no_leaks):
    with pytest.raises(ValueError):
        allocate_callee_raises(10)
    assert allocate_callee_raises(2) == 0.5 + 2.0


def test_no_leak_after_builtin_errors(no_leaks):
    with pytest.raises(ZeroDivisionError):
        allocate_then_zerodiv(5, 0)
    with pytest.raises(ValueError):
        allocate_then_int_nan(float("nan"))
    with pytest.raises(OverflowError):
        allocate_then_int_nan(float("inf"))
    assert allocate_then_int_nan(2.5) == 2


def test_no_leak_callee_returns_array(no_leaks):
    a = allocate_in_callee(4)
    assert np.array_equal(a, [0.0, 0.5, 1.0, 1.5])
    del a


def test_no_leak_tuple_of_arrays_and_views(no_leaks):
    a, (b, c) = tuple_of_arrays(4)
    c[0] = 9.0
    assert a[1] == 9.0
    del a
    assert c[0] == 9.0  # c keeps the buffer alive
    del b, c


def test_returned_arrays_freed_exactly_once():
    before = live_allocations()
    arrays = [make_and_fill(5) for _ in range(20)]
    views = [a[::2] for a in arrays]
    assert live_allocations() == before + 20
    del arrays
    assert live_allocations() == before + 20
    assert all(np.array_equal(v, [0.0, 1.0, 2.0]) for v in views)
    del views
    assert live_allocations() == before
    allocs, frees = oxjit.allocation_stats()
    assert allocs >= frees >= 0


def test_allocation_stats_shape():
    stats = oxjit.allocation_stats()
    assert isinstance(stats, tuple) and len(stats) == 2 and all(isinstance(v, int) for v in stats)


def test_no_leak_passing_arrays_in(no_leaks):
    a = np.arange(100.0)
    for _ in range(10):
        m_sum(a)
        copy_loop1(a)
        identity(a)
    del a


# ---------------------------------------------------------------------------
# Global arrays
# ---------------------------------------------------------------------------

TABLE = np.array([1.0, 2.0, 4.0])


@njit
def uses_global_array(i):
    return TABLE[i]


def test_global_array_constant():
    assert uses_global_array(2) == 4.0


# ---------------------------------------------------------------------------
# boundscheck
# ---------------------------------------------------------------------------


@njit(boundscheck=True)
def bc_get1(a, i):
    return a[i]


@njit(boundscheck=True)
def bc_get2(a, i, j):
    return a[i, j]


@njit(boundscheck=True)
def bc_set1(a, i, x):
    a[i] = x


@njit(boundscheck=True)
def bc_alloc_then_index(n, i):
    a = np.zeros(n)
    return a[i]


@pytest.mark.parametrize("i", [5, 100, -6, -100])
def test_boundscheck_1d(i):
    a = np.arange(5.0)
    with pytest.raises(IndexError) as ei:
        bc_get1(a, i)
    msg = str(ei.value)
    assert msg == f"index {i} is out of bounds for axis 0 with size 5"
    with pytest.raises(IndexError, match=f"index {i} is out of bounds for axis 0 with size 5"):
        bc_set1(a, i, 1.0)


@pytest.mark.parametrize("i,j,axis,bad,size", [(3, 0, 0, 3, 3), (0, 4, 1, 4, 4), (-4, 0, 0, -4, 3),
                                               (1, -5, 1, -5, 4)])
def test_boundscheck_2d_names_axis(i, j, axis, bad, size):
    a = np.zeros((3, 4))
    with pytest.raises(IndexError) as ei:
        bc_get2(a, i, j)
    assert str(ei.value) == f"index {bad} is out of bounds for axis {axis} with size {size}"


def test_boundscheck_in_range_ok():
    a = np.arange(5.0)
    assert bc_get1(a, -5) == 0.0 and bc_get1(a, 4) == 4.0
    assert bc_get2(np.ones((2, 2)), -1, -2) == 1.0


def test_boundscheck_on_strided_views():
    a = np.arange(10.0)[::3]  # size 4
    assert bc_get1(a, 3) == 9.0
    with pytest.raises(IndexError, match="axis 0 with size 4"):
        bc_get1(a, 4)


def test_boundscheck_error_frees_allocations(no_leaks):
    with pytest.raises(IndexError):
        bc_alloc_then_index(3, 3)
    assert bc_alloc_then_index(3, 2) == 0.0


def test_boundscheck_env_variable(tmp_path):
    script = tmp_path / "bc.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        from oxjit import njit

        @njit
        def get(a, i):
            return a[i]

        try:
            get(np.arange(3.0), 7)
        except IndexError as e:
            print("IndexError:", e)
    """), encoding="utf-8")
    env = dict(os.environ, OXJIT_BOUNDSCHECK="1")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "IndexError: index 7 is out of bounds for axis 0 with size 3"


def test_boundscheck_off_by_default_in_range_still_correct():
    a = np.arange(5.0)
    assert get1(a, -1) == 4.0 and get1(a, 0) == 0.0
