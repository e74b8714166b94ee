"""Differential tests against NumPy for the shape-manipulation and remaining
array functions (``registry::Manip``): diag, diagonal, tri, tril, triu,
transpose, swapaxes, expand_dims, squeeze, stack, column_stack, repeat, tile,
roll, partition, cross, array_equal, argwhere, asfortranarray, histogram and
digitize. Results must match NumPy in dtype, shape and values (NaN equal to
NaN); errors must have NumPy's exception type and message. Arguments NumPy
only rejects at run time but oxjit can judge from types (an axis constant out
of range, a 3-d ``diag``) are compile-time diagnostics."""

import warnings

import numpy as np
import pytest
from oxjit import njit
from oxjit.errors import TypingError

nan = np.nan

DTYPES = [np.int64, np.int32, np.uint8, np.float64, np.float32, np.complex128, np.bool_]
REAL_DTYPES = [d for d in DTYPES if d is not np.complex128]


def sample(shape, dtype=np.float64):
    """Deterministic values of every sign for a dtype (zeros included)."""
    n = int(np.prod(shape))
    k = np.arange(n)
    if dtype is np.bool_:
        x = k % 3 == 0
    elif np.issubdtype(dtype, np.complexfloating):
        x = (k - 2) * 0.5 + 1j * (k % 3 - 1)
    elif np.issubdtype(dtype, np.unsignedinteger):
        x = (k * 7) % 11
    else:
        x = ((k * 7) % 11 - 4) * (0.5 if np.issubdtype(dtype, np.floating) else 1)
    return np.asarray(x).astype(dtype).reshape(shape)


def layouts(a):
    """``a``'s values as a C array, an F array, a strided view and (2-d and
    up) a transposed view, which compile to different array types."""
    out = [("C", np.ascontiguousarray(a)), ("F", np.asfortranarray(a))]
    big = np.zeros(tuple(2 * s + 1 for s in a.shape), a.dtype)
    view = big[tuple(slice(1, None, 2) for _ in a.shape)]
    view[...] = a
    out.append(("strided", view))
    if a.ndim >= 2:
        out.append(("T", np.ascontiguousarray(a.T).T))
    return out


def outcome(f, *args):
    try:
        with warnings.catch_warnings():
            # np.cross of 2-element vectors is deprecated, np.histogram of
            # booleans warns about converting them.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            return ("ok", f(*args))
    except Exception as e:  # noqa: BLE001 - any exception is compared
        return ("raise", type(e), str(e))


def same(got, want):
    """Same dtype, shape and values (NaN equals NaN), or the same Python
    value for NumPy scalars (compiled code returns int/float/bool)."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), (got, want)
        for g, w in zip(got, want):
            same(g, w)
        return
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray), (got, want)
        assert got.dtype == want.dtype, (got.dtype, want.dtype)
        assert got.shape == want.shape, (got.shape, want.shape)
        assert np.array_equal(got, want, equal_nan=want.dtype.kind in "fc"), (got, want)
        return
    if isinstance(want, np.generic):
        want = want.item()
    assert type(got) is type(want) and got == want, (got, want)


def check(jf, *args):
    """Run a jitted function and its Python original on the same arguments:
    same result, or the same exception type and message."""
    want = outcome(jf.py_func, *args)
    got = outcome(jf, *args)
    if want[0] == "raise":
        assert got[0] == "raise", f"expected {want[1].__name__}({want[2]!r}), got {got[1]!r}"
        assert got[1] is want[1] and got[2] == want[2], (got, want)
        return None
    assert got[0] == "ok", f"raised {got[1].__name__}({got[2]!r}), NumPy gave {want[1]!r}"
    same(got[1], want[1])
    return got[1]


def axis_error(fn, *args):
    """A constant axis out of range: NumPy's AxisError, with NumPy's args and
    message, raised when the compiled call runs."""
    with pytest.raises(np.exceptions.AxisError) as want:
        fn(*args)
    with pytest.raises(np.exceptions.AxisError) as got:
        njit(fn)(*args)
    assert got.value.args == want.value.args and str(got.value) == str(want.value)


def diagnosed(fn, *args, match=None, unsupported=False):
    """Compiling ``fn`` for these arguments gives a diagnostic (an
    `unsupported-syntax` one for what compiled code does not support)."""
    with pytest.raises(TypingError, match=match) as ei:
        njit(fn)(*args)
    assert ("error[unsupported-syntax]" in str(ei.value)) == unsupported, str(ei.value)


# ---------------------------------------------------------------------------
# diag, diagonal
# ---------------------------------------------------------------------------


@njit
def k_diag(v, k):
    return np.diag(v, k)


@njit
def k_diag0(v):
    return np.diag(v)


@njit
def k_diag_kw(v, k):
    return np.diag(v, k=k)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", [0, 1, -2, 4])
def test_diag_builds_a_matrix_from_a_vector(dtype, k):
    for _, v in layouts(sample((4,), dtype)):
        check(k_diag, v, k)
    check(k_diag0, sample((3,), dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", [0, 1, -1, 3, -3, 9, -9])
def test_diag_extracts_a_diagonal(dtype, k):
    for _, m in layouts(sample((3, 4), dtype)):
        check(k_diag, m, k)
        check(k_diag_kw, m, k)


def test_diag_of_a_matrix_is_a_read_only_view_like_numpy():
    m = sample((4, 4))
    d = k_diag(m, 1)
    assert np.shares_memory(d, m) and not d.flags.writeable
    assert np.diag(m, 1).flags.writeable == d.flags.writeable


@pytest.mark.parametrize("shape", [(0,), (0, 0), (0, 3), (3, 0)])
def test_diag_empty(shape):
    check(k_diag, np.zeros(shape), 1)
    check(k_diag0, np.zeros(shape))


def test_diag_of_3d_is_diagnosed():
    diagnosed(lambda a: np.diag(a), np.zeros((2, 2, 2)), match="Input must be 1- or 2-d")


@njit
def k_diagonal(a, k):
    return np.diagonal(a, k)


@njit
def k_diagonal_method(a, k):
    return a.diagonal(k)


@njit
def k_diagonal_kw(a, k):
    return a.diagonal(offset=k)


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.complex128, np.bool_])
@pytest.mark.parametrize("k", [0, 2, -1, -5])
def test_diagonal(dtype, k):
    for _, m in layouts(sample((4, 3), dtype)):
        check(k_diagonal, m, k)
        check(k_diagonal_method, m, k)
        check(k_diagonal_kw, m, k)


def test_diagonal_needs_two_dimensions():
    diagnosed(lambda a: np.diagonal(a), np.zeros(3), match="at least two dimensions")
    diagnosed(lambda a: a.diagonal(), np.zeros((2, 2, 2)), unsupported=True)


# ---------------------------------------------------------------------------
# tri, tril, triu
# ---------------------------------------------------------------------------


@njit
def k_tri(n):
    return np.tri(n)


@njit
def k_tri_mk(n, m, k):
    return np.tri(n, m, k)


@njit
def k_tri_kw(n, m, k):
    return np.tri(n, M=m, k=k, dtype=np.int32)


@njit
def k_tri_dtype_pos(n):
    return np.tri(n, None, 0, np.bool_)


@pytest.mark.parametrize("n", [0, 1, 3, -2])
def test_tri(n):
    check(k_tri, n)
    check(k_tri_dtype_pos, n)
    for m in (0, 2, 5, -1):
        for k in (-3, -1, 0, 1, 4):
            check(k_tri_mk, n, m, k)
            check(k_tri_kw, n, m, k)


@njit
def k_tril(a, k):
    return np.tril(a, k)


@njit
def k_triu(a, k):
    return np.triu(a, k)


@njit
def k_tril_default(a):
    return np.tril(a), np.triu(a)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", [0, 1, -1, -5, 5])
def test_tril_triu_2d(dtype, k):
    for _, a in layouts(sample((3, 4), dtype)):
        check(k_tril, a, k)
        check(k_triu, a, k)


@pytest.mark.parametrize("shape", [(4,), (2, 3, 4), (0, 3), (3, 0), (0,)])
def test_tril_triu_other_ranks(shape):
    a = sample(shape)
    check(k_tril_default, a)
    check(k_tril, a, 1)
    check(k_triu, a, -1)


def test_tril_keeps_negative_zero_and_nan():
    a = np.array([[-0.0, nan], [nan, -0.0]])
    check(k_tril_default, a)


# ---------------------------------------------------------------------------
# transpose, swapaxes
# ---------------------------------------------------------------------------


@njit
def k_transpose(a):
    return np.transpose(a)


@njit
def k_transpose_axes(a):
    return np.transpose(a, (1, -1, 0))


@njit
def k_transpose_kw(a):
    return np.transpose(a, axes=(0, 2, 1))


@njit
def k_transpose_method(a):
    return a.transpose()


@njit
def k_transpose_method_args(a):
    return a.transpose(2, 0, 1), a.transpose((1, 2, 0))


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.complex128, np.bool_])
@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 3, 4), (0, 3)])
def test_transpose_reverses_axes(dtype, shape):
    for _, a in layouts(sample(shape, dtype)):
        check(k_transpose, a)
        check(k_transpose_method, a)


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_transpose_with_axes(dtype):
    for _, a in layouts(sample((2, 3, 4), dtype)):
        check(k_transpose_axes, a)
        check(k_transpose_kw, a)
        check(k_transpose_method_args, a)


def test_transpose_is_a_writable_view():
    a = sample((2, 3, 4))
    for r in (k_transpose(a), k_transpose_axes(a), k_transpose_method_args(a)[0]):
        assert np.shares_memory(r, a) and r.flags.writeable

    @njit
    def write_through(a):
        t = a.transpose()
        t[0, 1] = 99.0
        return a

    b = sample((3, 2))
    assert write_through(b)[1, 0] == 99.0


def test_transpose_layout_flags_match_numpy():
    for a in (sample((3, 4)), np.asfortranarray(sample((3, 4)))):
        r = k_transpose(a)
        assert (r.flags.c_contiguous, r.flags.f_contiguous) == (a.T.flags.c_contiguous, a.T.flags.f_contiguous)


@pytest.mark.parametrize(
    "fn, match",
    [
        (lambda a: np.transpose(a, (0, 1)), "axes don't match array"),
        (lambda a: np.transpose(a, (0, 0, 1)), "repeated axis in transpose"),
        (lambda a: a.transpose(0, 1), "axes don't match array"),
    ],
)
def test_transpose_bad_axes_are_diagnosed(fn, match):
    diagnosed(fn, np.zeros((2, 3, 4)), match=match)


def test_transpose_axis_out_of_range_raises_axis_error():
    axis_error(lambda a: np.transpose(a, (0, 1, 3)), np.zeros((2, 3, 4)))


def test_transpose_axes_must_be_constant():
    diagnosed(lambda a, i: np.transpose(a, (i, 0)), np.zeros((2, 3)), 1, unsupported=True)
    diagnosed(lambda a, i: a.transpose(i, 0), np.zeros((2, 3)), 1, unsupported=True)


@njit
def k_swapaxes_02(a):
    return np.swapaxes(a, 0, 2)


@njit
def k_swapaxes_neg(a):
    return np.swapaxes(a, -1, 1)


@njit
def k_swapaxes_same(a):
    return np.swapaxes(a, 1, -2)


@njit
def k_swapaxes_method(a):
    return a.swapaxes(0, 1)


@njit
def k_swapaxes_kw(a):
    return np.swapaxes(a, axis1=1, axis2=0)


@pytest.mark.parametrize("dtype", [np.int32, np.float64, np.complex128])
def test_swapaxes(dtype):
    for _, a in layouts(sample((2, 3, 4), dtype)):
        for k in (k_swapaxes_02, k_swapaxes_neg, k_swapaxes_same, k_swapaxes_method, k_swapaxes_kw):
            r = check(k, a)
            assert np.shares_memory(r, a)
    for _, a in layouts(sample((3, 2), dtype)):
        check(k_swapaxes_method, a)
        check(k_swapaxes_kw, a)


def test_swapaxes_diagnostics():
    axis_error(lambda a: np.swapaxes(a, 0, 2), np.zeros((2, 3)))
    axis_error(lambda a: np.swapaxes(a, -3, 0), np.zeros((2, 3)))
    diagnosed(lambda a, i: np.swapaxes(a, i, 0), np.zeros((2, 3)), 1, unsupported=True)


# ---------------------------------------------------------------------------
# expand_dims, squeeze
# ---------------------------------------------------------------------------


@njit
def k_expand_0(a):
    return np.expand_dims(a, 0)


@njit
def k_expand_last(a):
    return np.expand_dims(a, -1)


@njit
def k_expand_mid(a):
    return np.expand_dims(a, axis=1)


@njit
def k_expand_tuple(a):
    return np.expand_dims(a, (0, -1, 2))


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.bool_, np.complex128])
@pytest.mark.parametrize("shape", [(3,), (2, 3), (0, 2)])
def test_expand_dims(dtype, shape):
    for _, a in layouts(sample(shape, dtype)):
        for k in (k_expand_0, k_expand_last, k_expand_mid, k_expand_tuple):
            r = check(k, a)
            if a.size:
                assert np.shares_memory(r, a)


def test_expand_dims_of_contiguous_stays_contiguous():
    for a in (sample((2, 3)), np.asfortranarray(sample((2, 3)))):
        r = k_expand_mid(a)
        w = np.expand_dims(a, 1)
        assert (r.flags.c_contiguous, r.flags.f_contiguous) == (w.flags.c_contiguous, w.flags.f_contiguous)


@njit
def k_atleast(a):
    return np.atleast_1d(a), np.atleast_2d(a), np.atleast_3d(a)


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.complex128])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (0, 2), (2, 1, 3), (1, 2, 2, 1)])
def test_atleast_nd(dtype, shape):
    arrays = [np.array(7, dtype)] if shape == () else [a for _, a in layouts(sample(shape, dtype))]
    for a in arrays:
        got = k_atleast(a)
        want = (np.atleast_1d(a), np.atleast_2d(a), np.atleast_3d(a))
        for r, w in zip(got, want):
            assert r.dtype == w.dtype and r.shape == w.shape
            np.testing.assert_array_equal(r, w)
            assert (r.flags.c_contiguous, r.flags.f_contiguous) == (w.flags.c_contiguous, w.flags.f_contiguous)
            if a.size:
                assert np.shares_memory(r, a)


@pytest.mark.parametrize(
    "fn, match",
    [
        (lambda a: np.expand_dims(a, (0, 0)), "repeated axis"),
    ],
)
def test_expand_dims_bad_axis_is_diagnosed(fn, match):
    diagnosed(fn, np.zeros((2, 3)), match=match)


def test_expand_dims_axis_out_of_range_raises_axis_error():
    axis_error(lambda a: np.expand_dims(a, 3), np.zeros((2, 3)))
    axis_error(lambda a: np.expand_dims(a, -4), np.zeros((2, 3)))


def test_expand_dims_axis_must_be_constant():
    diagnosed(lambda a, i: np.expand_dims(a, i), np.zeros(3), 0, unsupported=True)


@njit
def k_squeeze_1(a):
    return np.squeeze(a, 1)


@njit
def k_squeeze_tuple(a):
    return np.squeeze(a, axis=(0, -1))


@njit
def k_squeeze_method(a):
    return a.squeeze(-1)


@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.bool_])
def test_squeeze(dtype):
    for _, a in layouts(sample((1, 1, 3, 1), dtype)):
        for k in (k_squeeze_1, k_squeeze_tuple, k_squeeze_method):
            r = check(k, a)
            assert np.shares_memory(r, a)
    for _, a in layouts(sample((1, 1, 0, 1), dtype)):
        check(k_squeeze_tuple, a)


@pytest.mark.parametrize("shape", [(1, 2, 1, 1), (2, 2, 3, 1), (1, 1, 3, 2), (1, 0, 1, 1)])
def test_squeeze_of_an_axis_not_of_size_one_raises(shape):
    a = np.zeros(shape)
    for k in (k_squeeze_1, k_squeeze_tuple, k_squeeze_method):
        check(k, a)


def test_squeeze_diagnostics():
    diagnosed(lambda a: np.squeeze(a), np.zeros((1, 3)), match="needs axis=", unsupported=True)
    diagnosed(lambda a: a.squeeze(), np.zeros((1, 3)), match="needs axis=", unsupported=True)
    diagnosed(lambda a: np.squeeze(a, 0), np.zeros(1), match="0-d", unsupported=True)
    axis_error(lambda a: np.squeeze(a, 2), np.zeros((1, 1)))
    diagnosed(lambda a: np.squeeze(a, (0, -2)), np.zeros((1, 1)), match="duplicate value in 'axis'")
    diagnosed(lambda a, i: np.squeeze(a, i), np.zeros((1, 3)), 0, unsupported=True)


# ---------------------------------------------------------------------------
# stack, column_stack
# ---------------------------------------------------------------------------


@njit
def k_stack(a, b):
    return np.stack((a, b))


@njit
def k_stack_1(a, b):
    return np.stack((a, b, a), axis=1)


@njit
def k_stack_last(a, b):
    return np.stack((a, b), axis=-1)


@njit
def k_stack_one(a):
    return np.stack((a,))


@pytest.mark.parametrize("da, db", [(np.int64, np.int64), (np.int32, np.float32), (np.bool_, np.uint8),
                                    (np.float64, np.complex128), (np.bool_, np.bool_)])
@pytest.mark.parametrize("shape", [(3,), (2, 3), (0, 2)])
def test_stack(da, db, shape):
    a = sample(shape, da)
    for _, b in layouts(sample(shape, db)[::-1].copy()):
        for k in (k_stack, k_stack_1, k_stack_last):
            check(k, a, b)
    check(k_stack_one, a)


@pytest.mark.parametrize("sb", [(2,), (3, 2), (2, 2)])
def test_stack_shape_mismatch_raises(sb):
    check(k_stack, np.zeros((2, 3))[0] if len(sb) == 1 else np.zeros((2, 3)), np.zeros(sb))


def test_stack_diagnostics():
    axis_error(lambda a: np.stack((a, a), axis=3), np.zeros((2, 3)))
    diagnosed(lambda a, b: np.stack((a, b)), np.zeros(3), np.zeros((1, 3)), match="same shape")
    diagnosed(lambda a, i: np.stack((a, a), axis=i), np.zeros(3), 0, unsupported=True)


@njit
def k_column_stack(a, b):
    return np.column_stack((a, b))


@njit
def k_column_stack3(a, b, c):
    return np.column_stack((a, b, c))


@pytest.mark.parametrize("sa, sb", [((3,), (3,)), ((3,), (3, 2)), ((3, 2), (3,)), ((3, 1), (3, 4)),
                                    ((2, 2, 3), (2, 1, 3)), ((0,), (0, 2))])
def test_column_stack(sa, sb):
    for _, a in layouts(sample(sa, np.int32)):
        check(k_column_stack, a, sample(sb, np.float64))
    check(k_column_stack3, sample(sa, np.bool_), sample(sb, np.bool_), sample(sa, np.bool_))


@pytest.mark.parametrize("sa, sb", [((3,), (2,)), ((3,), (2, 2)), ((2, 2, 3), (2, 1, 4)), ((3, 2), (4, 2))])
def test_column_stack_mismatch_message(sa, sb):
    check(k_column_stack, np.zeros(sa), np.zeros(sb))


def test_column_stack_rank_mismatch_is_diagnosed():
    diagnosed(k_column_stack.py_func, np.zeros(3), np.zeros((3, 1, 1)), match="same number of dimensions")


# ---------------------------------------------------------------------------
# repeat, tile
# ---------------------------------------------------------------------------


@njit
def k_repeat(a, r):
    return np.repeat(a, r)


@njit
def k_repeat_0(a, r):
    return np.repeat(a, r, axis=0)


@njit
def k_repeat_last(a, r):
    return np.repeat(a, r, axis=-1)


@njit
def k_repeat_method(a, r):
    return a.repeat(r, 1), a.repeat(r)


@njit
def k_repeat_kw(a, r):
    return np.repeat(a, repeats=r, axis=None)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("r", [0, 1, 3])
def test_repeat_int(dtype, r):
    for _, a in layouts(sample((2, 3), dtype)):
        for k in (k_repeat, k_repeat_0, k_repeat_last, k_repeat_method, k_repeat_kw):
            check(k, a, r)
    check(k_repeat, sample((4,), dtype), r)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0)])
@pytest.mark.parametrize("r", [2, -1])
def test_repeat_empty_and_negative(shape, r):
    a = np.zeros(shape)
    for k in (k_repeat, k_repeat_0, k_repeat_last):
        check(k, a, r)
    check(k_repeat, np.ones((2, 2)), -1)


@pytest.mark.parametrize(
    "reps",
    [np.array([1, 0, 2]), np.array([2]), np.array([-1]), np.array([1, -1, 2]), np.array([1, 2]),
     np.array([True, False, True]), np.array([0, 0, 0], dtype=np.int8), np.array([], dtype=np.int64)],
)
def test_repeat_counts_array(reps):
    a = sample((3, 2), np.float64)
    check(k_repeat_0, a, reps)
    check(k_repeat, a[:, 0], reps)
    check(k_repeat, a[:3, 0] if reps.size != 6 else a, reps)


def test_repeat_diagnostics():
    diagnosed(k_repeat_0.py_func, np.zeros(3), np.array([1], dtype=np.uint64))
    diagnosed(k_repeat.py_func, np.zeros(3), 1.5)
    diagnosed(lambda a: np.repeat(a, 2, axis=2), np.zeros((2, 3)), match="axis 2 is out of bounds")


@njit
def k_tile(a, reps):
    return np.tile(a, reps)


@njit
def k_tile_const(a):
    return np.tile(a, (2, 1, 3)), np.tile(a, ()), np.tile(a, reps=2)


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.complex128, np.bool_])
@pytest.mark.parametrize("reps", [2, 0, (2,), (1, 1), (2, 3), (3, 1, 2), (0, 2), (2, 1, 1, 2)])
def test_tile(dtype, reps):
    for _, a in layouts(sample((2, 3), dtype)):
        check(k_tile, a, reps)
    check(k_tile, sample((3,), dtype), reps)


def test_tile_constant_reps_and_empty():
    check(k_tile_const, sample((2, 2)))
    check(k_tile_const, np.zeros((0, 2)))
    check(k_tile, np.zeros((2, 0)), (3, 2))


def test_tile_negative_reps_raise():
    check(k_tile, np.ones((2, 2)), (1, -1))
    check(k_tile, np.ones(2), -2)


def test_tile_reps_must_be_ints():
    diagnosed(k_tile.py_func, np.zeros(3), 2.0)
    diagnosed(k_tile.py_func, np.zeros(3), (2, 1.0))


# ---------------------------------------------------------------------------
# roll
# ---------------------------------------------------------------------------


@njit
def k_roll(a, s):
    return np.roll(a, s)


@njit
def k_roll_0(a, s):
    return np.roll(a, s, axis=0)


@njit
def k_roll_last(a, s):
    return np.roll(a, s, -1)


@njit
def k_roll_axes(a, s):
    return np.roll(a, s, axis=(0, 1))


@njit
def k_roll_same_axis(a, s):
    return np.roll(a, s, axis=(1, -1))


@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.complex128, np.bool_])
@pytest.mark.parametrize("s", [0, 1, -1, 7, -13, 2**40])
def test_roll(dtype, s):
    for _, a in layouts(sample((3, 4), dtype)):
        for k in (k_roll, k_roll_0, k_roll_last, k_roll_axes, k_roll_same_axis):
            check(k, a, s)
    check(k_roll, sample((5,), dtype), s)


@pytest.mark.parametrize("s", [(1, 2), (-3, 5)])
def test_roll_tuple_shifts(s):
    a = sample((3, 4))
    check(k_roll, a, s)
    check(k_roll_0, a, s)
    check(k_roll_axes, a, s)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0)])
def test_roll_empty(shape):
    a = np.zeros(shape)
    for k in (k_roll, k_roll_0, k_roll_last):
        check(k, a, 3)
    if a.ndim == 2:
        check(k_roll_axes, a, 3)


def test_roll_diagnostics():
    axis_error(lambda a: np.roll(a, 1, axis=2), np.zeros((2, 2)))
    diagnosed(lambda a: np.roll(a, (1, 2), axis=(0, 1, 1)), np.zeros((2, 2)), match="shape mismatch")
    diagnosed(lambda a, i: np.roll(a, 1, axis=i), np.zeros((2, 2)), 0, unsupported=True)
    diagnosed(k_roll.py_func, np.zeros(3), 1.0)


# ---------------------------------------------------------------------------
# partition (a full sort along the axis, which satisfies partition's contract)
# ---------------------------------------------------------------------------


@njit
def k_partition(a, kth):
    return np.partition(a, kth)


@njit
def k_partition_0(a, kth):
    return np.partition(a, kth, axis=0)


@njit
def k_partition_none(a, kth):
    return np.partition(a, kth, axis=None)


@njit
def k_partition_method(a, kth):
    a.partition(kth)
    return a


def check_partition(k, a, kth, axis=-1):
    """Our result is NumPy's sort along the axis; at every kth it agrees with
    np.partition. Errors match NumPy's."""
    want = outcome(np.partition, a, kth, axis)
    got = outcome(k, a.copy() if k is k_partition_method else a, kth)
    if want[0] == "raise":
        assert got[0] == "raise" and got[1] is want[1] and got[2] == want[2], (got, want)
        return
    assert got[0] == "ok", got
    r = got[1]
    same(r, np.sort(a, axis=axis))
    flat_axis = -1 if axis is None else axis
    for kk in np.atleast_1d(kth):
        if want[1].shape[flat_axis]:
            same(np.asarray(np.take(r, kk, axis=flat_axis)), np.asarray(np.take(want[1], kk, axis=flat_axis)))


@pytest.mark.parametrize("dtype", REAL_DTYPES)
@pytest.mark.parametrize("kth", [0, 2, -1, (1, 3), (-5, 0)])
def test_partition(dtype, kth):
    for _, a in layouts(sample((3, 5), dtype)):
        check_partition(k_partition, a, kth)
        check_partition(k_partition_method, a, kth)
    check_partition(k_partition_0, sample((5, 3), dtype), kth, axis=0)
    check_partition(k_partition_none, sample((2, 3), dtype), kth, axis=None)
    check_partition(k_partition, sample((2, 3, 5), dtype), kth)


def test_partition_nan_goes_last():
    a = np.array([3.0, nan, 1.0, -0.0, nan, 2.0])
    for kth in (0, 3, 5):
        check_partition(k_partition, a, kth)
    assert np.isnan(k_partition(a, 4)[4])


@pytest.mark.parametrize("kth", [5, -6, 7, (0, 5)])
def test_partition_kth_out_of_bounds(kth):
    a = sample((5,))
    check_partition(k_partition, a, kth)
    check_partition(k_partition_method, a, kth)


@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3)])
def test_partition_of_empty_arrays_never_raises(shape):
    check_partition(k_partition, np.zeros(shape), 3)


def test_partition_diagnostics():
    diagnosed(k_partition.py_func, np.zeros(3), 1.0, match="Partition index must be integer")
    diagnosed(k_partition.py_func, np.zeros(3, complex), 1, unsupported=True)
    diagnosed(lambda a: np.partition(a, 1, axis=2), np.zeros((2, 2)), match="axis 2 is out of bounds")


# ---------------------------------------------------------------------------
# cross
# ---------------------------------------------------------------------------


@njit
def k_cross(a, b):
    return np.cross(a, b)


@pytest.mark.parametrize(
    "da, db",
    [(np.int64, np.int64), (np.int8, np.uint8), (np.float32, np.float32), (np.int32, np.float64),
     (np.complex128, np.float64), (np.bool_, np.int64)],
)
@pytest.mark.parametrize("na, nb", [(3, 3), (2, 3), (3, 2)])
def test_cross_vectors(da, db, na, nb):
    for _, a in layouts(sample((na,), da)):
        check(k_cross, a, sample((nb,), db)[::-1].copy())


def test_cross_signed_zeros_and_infinities_like_numpy():
    a = np.array([0.0, 1.0])
    b = np.array([np.inf, 0.0, -0.0])
    check(k_cross, a, b)
    check(k_cross, b, a)
    check(k_cross, np.array([-0.0, 0.0, 0.0]), np.array([0.0, -0.0, 1.0]))


@pytest.mark.parametrize("sa, sb", [((4, 3), (4, 3)), ((4, 3), (3,)), ((2,), (4, 3)), ((2, 1, 3), (4, 2)),
                                    ((0, 3), (3,)), ((2, 3), (3, 3)), ((2, 4, 3), (3, 3))])
def test_cross_stacks_broadcast(sa, sb):
    for _, a in layouts(sample(sa, np.float64)):
        check(k_cross, a, sample(sb, np.int64))


@pytest.mark.parametrize("sa, sb", [((4,), (3,)), ((3,), (1,)), ((2, 4), (2, 3))])
def test_cross_needs_2_or_3_components(sa, sb):
    check(k_cross, np.ones(sa), np.ones(sb))


def test_cross_of_two_2_vectors_is_not_supported():
    # NumPy before 2.5 gives a 0-d array (one dimension less): compiled code
    # raises; NumPy 2.5 raises for any 2-element vector, and so does oxjit there.
    numpy_2_5 = tuple(int(p) for p in np.__version__.split(".")[:2]) >= (2, 5)
    with pytest.raises(ValueError, match="3-dimensional vectors" if numpy_2_5 else "2-element vectors"):
        k_cross(np.ones(2), np.ones(2))


def test_cross_of_booleans_is_diagnosed():
    diagnosed(k_cross.py_func, np.ones(3, bool), np.ones(3, bool), match="boolean subtract")


# ---------------------------------------------------------------------------
# array_equal, argwhere, asfortranarray
# ---------------------------------------------------------------------------


@njit
def k_array_equal(a, b):
    return np.array_equal(a, b)


@njit
def k_array_equal_nan(a, b, en):
    return np.array_equal(a, b, equal_nan=en)


EQ_PAIRS = [
    (np.arange(6).reshape(2, 3), np.arange(6.0).reshape(2, 3)),
    (np.arange(6).reshape(2, 3), np.arange(6).reshape(3, 2)),
    (np.arange(6).reshape(2, 3), np.arange(6)),
    (np.array([1.0, nan]), np.array([1.0, nan])),
    (np.array([1.0, nan]), np.array([nan, 1.0])),
    (np.array([complex(nan, 1)]), np.array([complex(nan, 2)])),
    (np.array([1 + 2j, 3j]), np.array([1 + 2j, 3j])),
    (np.array([True, False]), np.array([1, 0])),
    (np.array([0.0]), np.array([-0.0])),
    (np.zeros(0), np.zeros(0)),
    (np.zeros((0, 2)), np.zeros((2, 0))),
    (np.array([1]), 1),
    (2, 2.0),
    (nan, nan),
]


@pytest.mark.parametrize("a, b", EQ_PAIRS)
def test_array_equal(a, b):
    check(k_array_equal, a, b)
    check(k_array_equal, b, a)
    for en in (True, False):
        check(k_array_equal_nan, a, b, en)


def test_array_equal_layouts():
    a = sample((3, 4), np.int32)
    for _, x in layouts(a):
        check(k_array_equal, x, a)
        y = x.copy()
        y[2, 3] += 1
        check(k_array_equal, x, y)


@njit
def k_argwhere(a):
    return np.argwhere(a)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 2), (0,), (0, 3)])
def test_argwhere(dtype, shape):
    for _, a in layouts(sample(shape, dtype)):
        check(k_argwhere, a)


def test_argwhere_nan_is_true_and_negative_zero_false():
    check(k_argwhere, np.array([nan, 0.0, -0.0, 1e-300]))


@njit
def k_asfortranarray(a):
    return np.asfortranarray(a)


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.complex128, np.bool_])
@pytest.mark.parametrize("shape", [(5,), (2, 3), (2, 3, 4), (0, 3)])
def test_asfortranarray(dtype, shape):
    for _, a in layouts(sample(shape, dtype)):
        r = check(k_asfortranarray, a)
        assert r.flags.f_contiguous


def test_asfortranarray_copies_only_when_needed():
    c = sample((3, 4))
    r = k_asfortranarray(c)
    assert not np.shares_memory(r, c) and r.flags.writeable
    f = np.asfortranarray(c)
    assert np.shares_memory(k_asfortranarray(f), f)
    v = sample((4,))
    assert np.shares_memory(k_asfortranarray(v), v)


# ---------------------------------------------------------------------------
# histogram
# ---------------------------------------------------------------------------


@njit
def k_hist(a):
    return np.histogram(a)


@njit
def k_hist_bins(a, bins):
    return np.histogram(a, bins)


@njit
def k_hist_range(a, bins, lo, hi):
    return np.histogram(a, bins, (lo, hi))


@njit
def k_hist_kw(a, bins, r):
    return np.histogram(a, bins=bins, range=r)


HIST_DATA = [
    np.array([1, 2, 2, 3, 5.0]),
    np.array([1, 2, 2, 3, 5]),
    np.array([2.0, 2.0]),
    np.array([-3.5, 0.1, 0.2, 0.30000000000000004, 7.25, 1e-300]),
    np.linspace(0, 1, 101),
    np.random.default_rng(0).normal(size=1000),
    np.random.default_rng(1).random(500).astype(np.float32),
    np.array([True, False, True]),
    np.array([1, 200, 3], dtype=np.uint8),
    np.array([-(2**40), 2**40, 3], dtype=np.int64),
    np.array([0.0, 1e-310]),
    np.arange(24.0).reshape(2, 3, 4)[:, ::2],
]


@pytest.mark.parametrize("a", HIST_DATA, ids=lambda a: f"{a.dtype}{a.shape}")
@pytest.mark.parametrize("bins", [1, 3, 10, 17])
def test_histogram_equal_bins(a, bins):
    check(k_hist, a)
    check(k_hist_bins, a, bins)


@pytest.mark.parametrize("a", HIST_DATA, ids=lambda a: f"{a.dtype}{a.shape}")
@pytest.mark.parametrize("lo, hi", [(0, 4), (0.5, 2.5), (-1.0, 1.0), (2, 2), (0.1, 0.3)])
def test_histogram_range_ignores_values_outside(a, lo, hi):
    check(k_hist_range, a, 5, lo, hi)
    check(k_hist_kw, a, 3, (lo, hi))
    check(k_hist_kw, a, 4, None)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_histogram_empty(dtype):
    a = np.zeros(0, dtype)
    check(k_hist, a)
    check(k_hist_bins, a, 7)
    check(k_hist_range, a, 2, 1.0, 3.0)


def test_histogram_nan():
    a = np.array([1.0, nan, 3.0])
    check(k_hist, a)  # autodetected range of [nan, nan] is not finite
    check(k_hist_range, a, 3, 0.0, 4.0)  # NaN is outside every bin
    check(k_hist_bins, a, np.array([0.0, 2.0, 4.0]))
    check(k_hist_bins, np.array([1.0, np.inf]), 2)


@pytest.mark.parametrize(
    "bins, lo, hi",
    [(0, 0.0, 1.0), (-1, 0.0, 1.0), (2, 3.0, 1.0), (2, 0.0, np.inf), (2, -np.inf, 1.0), (2, nan, 1.0),
     (2, 0.0, nan)],
)
def test_histogram_errors(bins, lo, hi):
    check(k_hist_range, np.arange(5.0), bins, lo, hi)


def test_histogram_too_many_bins():
    check(k_hist_range, np.arange(5.0), 1000, 1.0, 1.0 + 1e-13)


@pytest.mark.parametrize(
    "bins",
    [np.array([0, 1, 2.5, 3]), np.array([0, 2, 4]), np.array([1.0, 1.0, 2.0]), np.array([3.0, 1.0]),
     np.array([0.5]), np.array([-np.inf, 0.0, np.inf]), np.array([2, 3], dtype=np.int32)],
)
def test_histogram_bin_edges(bins):
    for a in (np.array([2.0, 2.0, 0.5, 3, 4, nan, -1.0]), np.array([0, 1, 2, 3, 4]), np.zeros(0)):
        r = check(k_hist_bins, a, bins)
        if r is not None:
            assert r[1] is bins or np.shares_memory(r[1], bins)


def test_histogram_diagnostics():
    diagnosed(k_hist_bins.py_func, np.zeros(3), 2.5, match="`bins` must be an integer")
    diagnosed(k_hist_bins.py_func, np.zeros(3), np.zeros((2, 2)), match="`bins` must be 1d")
    diagnosed(k_hist.py_func, np.zeros(3, complex), unsupported=True)
    diagnosed(lambda a: np.histogram(a, weights=a), np.zeros(3), match="weights")


# ---------------------------------------------------------------------------
# digitize
# ---------------------------------------------------------------------------


@njit
def k_digitize(x, bins):
    return np.digitize(x, bins)


@njit
def k_digitize_right(x, bins, right):
    return np.digitize(x, bins, right)


@njit
def k_digitize_kw(x, bins):
    return np.digitize(x, bins, right=True)


X = np.array([-1, 0, 0.5, 1, 2.5, 3, 4, 5, nan, -np.inf, np.inf])
BINS = [
    np.array([0.0, 1.0, 2.5, 4.0]),
    np.array([4.0, 2.5, 1.0, 0.0]),
    np.array([0.0, 0.0, 1.0, 1.0, 4.0]),
    np.array([4.0, 4.0, 1.0]),
    np.array([2.0, 2.0]),
    np.array([3.0]),
    np.zeros(0),
    np.array([nan, 1.0]),
    np.array([1.0, nan]),
    np.array([0, 2, 4]),
    np.array([-np.inf, 0.0, np.inf]),
]


@pytest.mark.parametrize("bins", BINS, ids=lambda b: str(b.tolist()))
def test_digitize(bins):
    for _, b in layouts(bins):
        check(k_digitize, X, b)
        check(k_digitize_kw, X, b)
        for right in (False, True):
            check(k_digitize_right, X, b, right)


@pytest.mark.parametrize("x", [2.5, 0, -7, 10**6, nan, np.float32(1.0), True])
def test_digitize_scalar(x):
    for b in BINS[:4] + [BINS[9]]:
        check(k_digitize, x, b)
        check(k_digitize_kw, x, b)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.float32, np.bool_])
def test_digitize_dtypes_and_shapes(dtype):
    x = sample((3, 4), dtype)
    for _, xv in layouts(x):
        check(k_digitize, xv, np.array([0, 1, 3]))
        check(k_digitize_kw, xv, np.array([2.5, 0.5, -1.0]))
    check(k_digitize, x, np.array([1, 2], dtype=dtype))


def test_digitize_not_monotonic():
    check(k_digitize, X, np.array([1.0, 3.0, 2.0]))
    check(k_digitize, 1.0, np.array([3.0, 1.0, 2.0]))


def test_digitize_diagnostics():
    diagnosed(k_digitize.py_func, np.ones(2, complex), np.ones(2), match="x may not be complex")
    diagnosed(k_digitize.py_func, 1j, np.ones(2), match="x may not be complex")
    diagnosed(k_digitize.py_func, np.ones(2), np.ones((2, 2)), match="too deep")


# ---------------------------------------------------------------------------
# Ownership: no allocation outlives its arrays, also on error paths
# ---------------------------------------------------------------------------


@njit
def k_views_and_copies(a, v):
    t = np.transpose(a)
    e = np.expand_dims(t, 0)
    s = np.squeeze(e, 0)
    d = np.diag(a)
    h = np.histogram(v, 4)
    return (s.sum() + d.sum() + np.tril(a).sum() + np.tile(v, 2).sum() + np.roll(v, 1)[0]
            + np.repeat(v, 2).sum() + np.stack((v, v))[1, 0] + np.cross(v[:3], v[1:4])[0]
            + np.partition(v, 1)[1] + np.argwhere(a).sum() + np.asfortranarray(a)[0, 1]
            + h[0].sum() + h[1][0] + np.digitize(v, np.array([0.0, 1.0])).sum()
            + np.column_stack((v, v))[0, 1])


def test_no_leaks(no_leaks):
    a = sample((3, 3))
    v = np.arange(5.0)
    assert k_views_and_copies(a, v) == k_views_and_copies.py_func(a, v)
    for _ in range(3):
        with pytest.raises(ValueError):
            k_squeeze_1(np.zeros((2, 2, 1)))
        with pytest.raises(ValueError):
            k_partition(np.zeros(3), 5)
        with pytest.raises(ValueError):
            k_hist_range(np.zeros(3), 2, 1.0, 0.0)
        r = (k_transpose(a), k_diag(a, 1), k_expand_tuple(a), k_hist_bins(v, v), k_asfortranarray(a))
        del r


def _hist_density(x, b):
    return (np.histogram(x, bins=7, density=True), np.histogram(x, b, density=True),
            np.histogram(x, 5, range=(0.0, 2.0), density=True), np.histogram(x, 4, density=False))


@pytest.mark.parametrize("x", [np.random.default_rng(0).normal(size=1000), np.arange(10, dtype=np.int32),
                               np.random.default_rng(1).random(50).astype(np.float32)])
def test_histogram_density(x):
    b = np.array([-3.0, -1.0, 0.0, 0.5, 2.5])
    for (gh, ge), (wh, we) in zip(njit(_hist_density)(x, b), _hist_density(x, b)):
        assert gh.dtype == wh.dtype and np.array_equal(gh, wh) and np.array_equal(ge, we)
