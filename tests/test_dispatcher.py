"""The dispatcher (Numba's API): lazy and eager compilation, signatures,
argument conversion and rejection, introspection, options, the object-mode
fallback of ``@jit``, module-alias spellings and concurrent first calls."""

from __future__ import annotations

import inspect
import io
import os
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import oxjit
import oxjit as nb  # the `import oxjit as numba` spelling
import pytest
from oxjit import errors, jit, njit

# ---------------------------------------------------------------------------
# Lazy compilation
# ---------------------------------------------------------------------------


def test_lazy_compile_per_signature():
    @njit
    def add(a, b):
        return a + b

    assert add.signatures == []
    assert add(1, 2) == 3
    assert add.signatures == [(oxjit.int64, oxjit.int64)]
    assert add(1.5, 2) == 3.5
    assert add(3, 4) == 7  # no new overload
    assert add.signatures == [(oxjit.int64, oxjit.int64), (oxjit.float64, oxjit.int64)]
    add(np.float32(1), np.float32(2))
    assert (oxjit.float32, oxjit.float32) in add.signatures
    assert len(add.signatures) == 3
    assert set(add.overloads) == set(add.signatures)


def test_array_signatures_are_distinguished():
    @njit
    def first(a):
        return a[0]

    first(np.zeros(3))
    first(np.zeros(3, dtype=np.int32))
    first(np.zeros((3, 3)))
    first(np.zeros((3, 3), order="F"))
    first(np.zeros(6)[::2])
    names = [str(s[0]) for s in first.signatures]
    assert names == ["array(float64, 1d, C)", "array(int32, 1d, C)", "array(float64, 2d, C)",
                     "array(float64, 2d, F)", "array(float64, 1d, A)"]


def test_tuple_and_none_and_bool_signatures():
    @njit
    def ident(x):
        return x

    assert ident((1, 2.0)) == (1, 2.0)
    assert ident((1, 2)) == (1, 2)
    assert ident(None) is None
    assert ident(True) is True
    assert ident(1j) == 1j
    sigs = [str(s[0]) for s in ident.signatures]
    assert sigs[2:] == ["none", "bool", "complex128"]
    assert sigs[0].startswith("Tuple(") and "int64" in sigs[0] and "float64" in sigs[0]
    assert sigs[1].startswith("UniTuple(")


def test_typeof():
    assert oxjit.typeof(1.0) == oxjit.float64
    assert oxjit.typeof(1) == oxjit.int64
    assert oxjit.typeof(True) == oxjit.boolean
    assert oxjit.typeof(np.float32(1)) == oxjit.float32
    assert oxjit.typeof(1j) == oxjit.complex128
    assert str(oxjit.typeof(np.zeros((2, 2), order="F"))) == "array(float64, 2d, F)"


# ---------------------------------------------------------------------------
# Eager compilation
# ---------------------------------------------------------------------------


@njit("float64(float64, int64)")
def eager_str(x, n):
    return x * n


@njit(["int64(int64)", "float64(float64)"])
def eager_list(x):
    return x + 1


@njit(oxjit.float64(oxjit.float64[:]))
def eager_obj(a):
    s = 0.0
    for v in a:
        s += v
    return s


@njit("f8[:](f8[:, ::1])")
def eager_array_sig(a):
    return a[0]


@jit("void(f8[:], f8)", nopython=True)
def eager_void(a, x):
    a[0] = x


@njit([oxjit.int32(oxjit.int32, oxjit.int32), oxjit.float32(oxjit.float32, oxjit.float32)])
def eager_objs_list(a, b):
    return a * b


def test_eager_string_signature():
    assert eager_str.signatures == [(oxjit.float64, oxjit.int64)]
    assert eager_str(1.5, 2) == 3.0
    sig = eager_str.nopython_signatures[0]
    assert sig.return_type == oxjit.float64 and sig.args == (oxjit.float64, oxjit.int64)


def test_eager_converts_safe_arguments():
    assert eager_str(2, 3) == 6.0  # int -> float64
    assert type(eager_str(2, 3)) is float
    assert eager_str(np.float32(0.5), np.int32(4)) == 2.0
    assert eager_str(True, 2) == 2.0
    assert eager_str.signatures == [(oxjit.float64, oxjit.int64)]  # nothing new compiled


def test_eager_truncates_a_float_for_an_int_parameter():
    # Numba's unsafe conversion: float -> int truncates toward zero.
    assert eager_str(1.5, 2.5) == eager_str(1.5, 2)


@pytest.mark.parametrize("args", [(1.5, None), (np.zeros(2), 1), (1j, 1)])
def test_eager_rejects_unsafe_arguments(args):
    with pytest.raises(TypeError) as ei:
        eager_str(*args)
    msg = str(ei.value)
    assert "float64" in msg and "int64" in msg, msg
    assert eager_str.signatures == [(oxjit.float64, oxjit.int64)]


@pytest.mark.parametrize("args", [(1.5, "x"), ("a", 1)])
def test_eager_rejects_unsupported_types(args):
    with pytest.raises(TypeError, match="unicode_type"):
        eager_str(*args)


def test_eager_list_of_signatures():
    assert eager_list.signatures == [(oxjit.int64,), (oxjit.float64,)]
    r = eager_list(1)
    assert r == 2 and type(r) is int
    r = eager_list(1.5)
    assert r == 2.5 and type(r) is float
    r = eager_list(np.int16(4))
    assert r == 5 and type(r) is int
    with pytest.raises(TypeError):
        eager_list(1j)


def test_eager_type_objects():
    assert str(eager_obj.signatures[0][0]) == "array(float64, 1d, A)"
    assert eager_obj(np.arange(4.0)) == 6.0
    assert eager_obj(np.arange(8.0)[::2]) == 12.0  # A layout accepts strided views
    with pytest.raises(TypeError):
        eager_obj(np.arange(4))  # int64 array is not float64


def test_eager_array_layout_signature():
    a = np.arange(6.0).reshape(2, 3)
    r = eager_array_sig(a)
    assert np.array_equal(r, [0.0, 1.0, 2.0]) and np.shares_memory(r, a)
    with pytest.raises(TypeError) as ei:
        eager_array_sig(np.asfortranarray(a))
    assert "array(float64, 2d, C)" in str(ei.value) or "float64" in str(ei.value)
    with pytest.raises(TypeError):
        eager_array_sig(np.arange(6.0))


def test_eager_void_return():
    a = np.zeros(2)
    assert eager_void(a, 3.0) is None
    assert a[0] == 3.0
    assert eager_void.nopython_signatures[0].return_type == oxjit.none


def test_eager_list_of_type_objects():
    assert eager_objs_list.signatures == [(oxjit.int32, oxjit.int32), (oxjit.float32, oxjit.float32)]
    assert eager_objs_list(np.int32(6), np.int32(7)) == 42
    assert eager_objs_list(np.float32(1.5), np.float32(2)) == 3.0


def test_eager_compile_error_raises_at_decoration():
    with pytest.raises(errors.TypingError):
        @njit("float64(float64)")
        def bad(x):
            return undefined_name_xyz + x  # noqa: F821


def test_compile_method():
    @njit
    def g(x):
        return x * 2

    g.compile("int64(int64)")
    g.compile((oxjit.float64,))
    assert g.signatures == [(oxjit.int64,), (oxjit.float64,)]
    assert g(3) == 6


@pytest.mark.parametrize("sig", ["float64(", "notatype(int64)", "float64(int64"])
def test_bad_signature_strings_raise(sig):
    with pytest.raises((TypeError, ValueError, SyntaxError)):
        @njit(sig)
        def h(x):
            return x


# ---------------------------------------------------------------------------
# Introspection
# ---------------------------------------------------------------------------


@njit
def documented(x, y=2):
    """Multiply x by y."""
    return x * y


def test_py_func_name_doc_wrapped():
    assert documented.py_func(3) == 6
    assert inspect.isfunction(documented.py_func)
    assert documented.__name__ == "documented"
    assert documented.__qualname__ == "documented"
    assert documented.__doc__ == "Multiply x by y."
    assert documented.__wrapped__ is documented.py_func
    assert documented.__module__ == __name__
    assert inspect.signature(documented) == inspect.signature(documented.py_func)
    assert "documented" in repr(documented)


def test_inspect_types(capsys):
    documented(3)
    documented.inspect_types()
    out = capsys.readouterr().out
    assert "documented" in out and "int64" in out
    assert "return x * y" in out
    buf = io.StringIO()
    documented.inspect_types(file=buf)
    assert buf.getvalue() == out


def test_inspect_llvm_and_asm():
    documented(3)
    documented(1.5)
    ir = documented.inspect_llvm()
    asm = documented.inspect_asm()
    assert set(ir) == set(documented.signatures) == set(asm)
    for sig, text in ir.items():
        assert isinstance(text, str) and "define" in text and "documented" in text
    for sig, text in asm.items():
        assert isinstance(text, str) and "documented" in text
    one = documented.inspect_llvm(documented.signatures[0])
    assert one == ir[documented.signatures[0]]
    one_asm = documented.inspect_asm(documented.signatures[1])
    assert isinstance(one_asm, str) and "documented" in one_asm


def test_overloads_entries():
    documented(2)
    key = (oxjit.int64, oxjit.int64)
    cr = documented.overloads[key]
    assert cr.signature.return_type == oxjit.int64
    assert "documented" in cr.llvm_ir


@njit(fastmath=True)
def fm_sum(a):
    s = 0.0
    for v in a:
        s += v
    return s


@njit
def plain_sum(a):
    s = 0.0
    for v in a:
        s += v
    return s


def test_fastmath_sets_llvm_flags():
    a = np.arange(10.0)
    assert fm_sum(a) == plain_sum(a) == 45.0
    fast_ir = fm_sum.inspect_llvm(fm_sum.signatures[0])
    plain_ir = plain_sum.inspect_llvm(plain_sum.signatures[0])
    flags = ("fast", "reassoc", "contract")
    assert any(f"fadd {f}" in fast_ir for f in flags)
    assert not any(f"fadd {f}" in plain_ir for f in flags)


# ---------------------------------------------------------------------------
# Argument errors
# ---------------------------------------------------------------------------


@njit
def two_args(a, b):
    return a + b




@pytest.mark.parametrize("args", [pytest.param((), id="none"), pytest.param((1,), id="one"),
                                  pytest.param((1, 2, 3), id="three")])
def test_wrong_argument_count_like_cpython(args):
    with pytest.raises(TypeError) as got:
        two_args(*args)
    with pytest.raises(TypeError) as want:
        two_args.py_func(*args)
    assert str(got.value) == str(want.value)


def test_keyword_arguments_to_simple_function():
    assert two_args(a=1, b=2) == 3
    assert two_args(1, b=2.5) == 3.5
    with pytest.raises(TypeError):
        two_args(1, c=2)


def test_unexpected_keyword_message_like_cpython():
    with pytest.raises(TypeError) as got:
        two_args(1, c=2)
    with pytest.raises(TypeError) as want:
        two_args.py_func(1, c=2)
    assert str(got.value) == str(want.value)


@njit
def takes_float(x):
    return x * 2.0


@njit
def takes_array(a):
    return a.sum()


class Opaque:
    pass


@pytest.mark.parametrize("value", [["a", "b"], {"a": 1}, None, Opaque(), "text", b"bytes", [1.0, 2.0],
                                   {1, 2}, 2**64, -(2**63) - 1, 10**40, object()],
                         ids=["list-str", "dict", "None", "instance", "str", "bytes", "list-float", "set",
                              "2**64", "-2**63-1", "10**40", "object"])
def test_unsupported_argument_types_raise_typeerror(value):
    with pytest.raises(TypeError):
        takes_float(value)


@pytest.mark.parametrize("arr", [np.zeros(3, dtype=np.float16), np.array([1, "a"], dtype=object),
                                 np.zeros(3, dtype="U3"), np.zeros(3, dtype=[("a", "f8")]),
                                 np.zeros(3, dtype="M8[s]"), np.zeros(3, dtype=np.longdouble)],
                         ids=["float16", "object", "unicode", "record", "datetime", "longdouble"])
def test_unsupported_array_dtypes_raise_typeerror(arr):
    with pytest.raises(TypeError):
        takes_array(arr)


def test_unsupported_argument_message_names_the_type():
    with pytest.raises(TypeError) as ei:
        takes_array(np.zeros(3, dtype=np.float16))
    assert "float16" in str(ei.value)
    with pytest.raises(TypeError) as ei:
        takes_float({"a": 1})
    assert "dict" in str(ei.value)


def test_none_where_float_needed():
    @njit
    def f(x):
        return x + 1.0

    with pytest.raises(TypeError):
        f(None)
    assert f(1.0) == 2.0


def test_failed_argument_typing_does_not_break_dispatcher():
    with pytest.raises(TypeError):
        takes_float(["x"])
    assert takes_float(2.0) == 4.0


# ---------------------------------------------------------------------------
# @jit fallback and @njit errors
# ---------------------------------------------------------------------------


def uncompilable(n):
    out = 0
    for i in range(n):
        with open(__file__):
            out += i * i
    return out


_UNCOMPILABLE_LINE = inspect.getsourcelines(uncompilable)[1]


def test_jit_falls_back_with_object_mode_warning():
    f = jit(uncompilable)
    with pytest.warns(errors.ObjectModeWarning) as rec:
        r = f(5)
    assert r == uncompilable(5)
    msg = str(rec[0].message)
    assert "uncompilable" in msg or "test_dispatcher.py" in msg
    assert "error[" in msg
    # later calls keep working
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert f(3) == 5


def test_jit_decorator_forms_fall_back():
    @jit
    def a(n):
        return b"x" * n

    @jit()
    def b(n):
        return bytes([n])

    with pytest.warns(errors.ObjectModeWarning):
        assert a(3) == b"xxx"
    with pytest.warns(errors.ObjectModeWarning):
        assert b(3) == b"\x03"


def test_object_mode_warning_is_a_user_warning():
    assert issubclass(errors.ObjectModeWarning, UserWarning)
    assert issubclass(errors.CacheWarning, UserWarning)


@pytest.mark.parametrize("deco", [njit, jit(nopython=True), njit(), nb.njit, nb.jit(nopython=True)],
                         ids=["njit", "jit(nopython=True)", "njit()", "nb.njit", "nb.jit(nopython=True)"])
def test_njit_raises_typing_error_with_location(deco):
    f = deco(uncompilable)
    with pytest.raises(errors.TypingError) as ei:
        f(5)
    assert isinstance(ei.value, TypeError)
    msg = str(ei.value)
    assert "test_dispatcher.py" in msg
    assert f":{_UNCOMPILABLE_LINE + 1}:" in msg or f":{_UNCOMPILABLE_LINE + 3}:" in msg, msg
    assert "^" in msg
    assert "error[" in msg


def test_typing_error_is_catchable_as_typeerror():
    f = njit(uncompilable)
    try:
        f(3)
    except TypeError as e:
        assert isinstance(e, errors.TypingError)
    else:
        pytest.fail("no error")


def test_njit_error_repeats_on_each_call():
    f = njit(uncompilable)
    for _ in range(2):
        with pytest.raises(errors.TypingError):
            f(2)


def test_error_class_hierarchy():
    assert issubclass(errors.TypingError, TypeError)
    assert issubclass(errors.TypingError, errors.OxjitError)
    assert issubclass(errors.UnsupportedError, errors.TypingError)
    assert errors.NumbaError is errors.OxjitError


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------

ALL_OPTIONS = dict(parallel=True, cache=True, inline="always", locals={}, nogil=True, fastmath=True,
                   boundscheck=True, error_model="numpy", nopython=True, forceobj=False, looplift=True,
                   debug=False, no_rewrites=False, no_cpython_wrapper=False, no_cfunc_wrapper=False,
                   _nrt=True, target="cpu", opt=3)


def test_every_option_accepted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", errors.CacheWarning)

        @jit(**ALL_OPTIONS)
        def f(a, x):
            s = 0.0
            for i in range(a.shape[0]):
                s += a[i] / x
            return s

    assert f(np.ones(4), 2.0) == 2.0
    assert f(np.ones(4), 0.0) == np.inf  # error_model='numpy'
    with pytest.raises(IndexError):

        @njit(boundscheck=True, parallel=True, nogil=True)
        def g(a):
            return a[10]

        g(np.ones(3))


@pytest.mark.parametrize("opt", [dict(parallel=True), dict(inline="always"), dict(inline="never"),
                                 dict(locals={"s": oxjit.float64}), dict(nogil=True), dict(fastmath={"nsz", "arcp"}),
                                 dict(boundscheck=False), dict(error_model="python"), dict(looplift=False),
                                 dict(forceobj=False), dict(debug=True), dict(parallel={"prange": True})],
                         ids=lambda d: ",".join(d))
def test_each_option_accepted_alone(opt):
    @njit(**opt)
    def f(x):
        s = 0.0
        for i in range(3):
            s += x
        return s

    assert f(1.5) == 4.5


def test_cache_true_writes_an_entry(tmp_path, monkeypatch):
    # (tests/test_cache.py covers the cache across processes.)
    monkeypatch.setenv("OXJIT_CACHE_DIR", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        @njit(cache=True)
        def f(x):
            return x + 1

        assert f(1) == 2
    assert f.stats.cache_path.startswith(str(tmp_path))
    assert f.stats.cache_misses == 1
    assert [p for p in os.listdir(f.stats.cache_path) if p.startswith("test_dispatcher.")]


def test_unknown_option_rejected():
    with pytest.raises((KeyError, TypeError)):

        @njit(definitely_not_an_option=True)
        def f(x):
            return x


def test_bad_error_model_rejected():
    with pytest.raises(ValueError):

        @njit(error_model="fortran")
        def f(x):
            return x


FLAG = True
FLAGS = {"fastmath": False}


def test_options_whose_values_are_expressions():
    flag = not FLAG

    @njit(fastmath=flag, boundscheck=FLAG and True, error_model="num" + "py", nogil=FLAGS["fastmath"] or 1 > 0)
    def f(a, i):
        return a[i] / 0.0

    assert f(np.ones(2), 0) == np.inf
    with pytest.raises(IndexError):
        f(np.ones(2), 5)

    opts = dict(nopython=True, cache=False)

    @jit(**opts)
    def g(x):
        return x * 2

    assert g(2) == 4


def test_nogil_function_from_threads():
    @njit(nogil=True)
    def work(n, k):
        s = 0
        for i in range(n):
            s += (i * k) % 7
        return s

    work(10, 1)  # compile first
    with ThreadPoolExecutor(4) as ex:
        results = list(ex.map(lambda k: work(100000, k), range(8)))
    assert results == [work.py_func(100000, k) for k in range(8)]


# ---------------------------------------------------------------------------
# Spellings
# ---------------------------------------------------------------------------


def test_module_alias_spellings():
    @nb.njit
    def a(x):
        return x + 1

    @nb.jit(nopython=True)
    def b(x):
        return x + 2

    @nb.jit
    def c(x):
        return x + 3

    @nb.njit("int64(int64)")
    def d(x):
        return x + 4

    assert (a(1), b(1), c(1), d(1)) == (2, 3, 4, 5)
    assert all(isinstance(f, oxjit.Dispatcher) for f in (a, b, c, d))


def test_jit_call_forms():
    def base(x):
        return x * 3

    for f in [jit(base), njit(base), jit(nopython=True)(base), njit()(base), jit()(base),
              jit("int64(int64)")(base), jit(["int64(int64)"], nopython=True)(base)]:
        assert f(2) == 6
        assert f.py_func is base


def test_njit_nopython_argument_warns_but_works():
    with pytest.warns(RuntimeWarning):
        f = njit(nopython=True)(lambda x: x + 1)
    assert f(1) == 2


def test_jit_of_non_function_rejected():
    with pytest.raises(TypeError):
        njit(print)
    with pytest.raises(TypeError):
        jit(np.sqrt)


def test_dispatcher_as_staticmethod():
    class S:
        m = staticmethod(njit(lambda x: x * 2))

    assert S.m(3) == 6
    assert S().m(4) == 8


# ---------------------------------------------------------------------------
# Concurrency
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_first_calls_compile_once(round_):
    @njit
    def poly(x):
        s = 0.0
        for k in range(20):
            s = s * x + k
        return s

    n = 8
    barrier = threading.Barrier(n)

    def call(i):
        barrier.wait()
        return poly(1.5)

    with ThreadPoolExecutor(n) as ex:
        results = list(ex.map(call, range(n)))
    assert results == [poly.py_func(1.5)] * n
    assert poly.signatures == [(oxjit.float64,)]


def test_concurrent_first_calls_different_signatures():
    @njit
    def twice(x):
        return x + x

    values = [1, 2.5, True, 1j, np.float32(2), np.int8(3), (1, 2), 7, 3.5, 1j]
    barrier = threading.Barrier(len(values))

    def call(v):
        barrier.wait()
        return twice(v)

    with ThreadPoolExecutor(len(values)) as ex:
        results = list(ex.map(call, values))
    assert results == [twice.py_func(v) if not isinstance(v, np.generic) else twice.py_func(v.item())
                       for v in values]
    assert len(twice.signatures) == len({str(oxjit.typeof(v)) for v in values})
