"""``@vectorize``: NumPy ufuncs whose inner loops are compiled kernels.

Eager form (signatures given): a genuine ``numpy.ufunc`` with one compiled loop
per signature, tried in the order given. Lazy form: a ``DUFunc`` that compiles a
new loop the first time it meets a new combination of input dtypes and
forwards everything else to the ufunc it maintains.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable

import numpy as np

from . import _cache, _native, _pickling
from . import types as _types

_IDENTITY = {None: -1, 0: 0, 1: 1, "reorderable": -2}
_TARGETS = ("cpu", "parallel")
_SUPPORTED = {
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "complex64",
    "complex128",
}


def _identity_code(identity: Any) -> int:
    if isinstance(identity, bool) or identity not in _IDENTITY:
        raise ValueError(f"Invalid identity value {identity!r}: use 0, 1, None or 'reorderable'")
    return _IDENTITY[identity]


def _parse(sig) -> tuple[list[str], str]:
    text = sig if isinstance(sig, str) else str(sig)
    ret, args = _native.parse_signature(text)
    if ret is None:
        raise TypeError(f"a @vectorize signature needs a return type: {text!r}")
    return args, ret


def _check_target(target: str) -> None:
    if target not in _TARGETS:
        raise ValueError(f"Unsupported target {target!r}: oxjit's @vectorize supports {', '.join(_TARGETS)}")


class DUFunc:
    """A lazily compiled ufunc (Numba's DUFunc)."""

    def __init__(
        self, py_func: Callable, identity=None, target: str = "cpu", fastmath: bool = False, cache: bool = False
    ):
        _check_target(target)
        self.__oxjit_py_func__ = py_func  # callable from compiled code as a scalar function
        self.py_func = py_func
        self._cache = _cache.place(py_func, "ufunc", stacklevel=4) if cache else None
        self._identity = _identity_code(identity)
        self._identity_value = identity
        self._parallel = target == "parallel"
        self._fastmath = bool(fastmath)
        # Published together: `_ufunc` first, then `_loops` (a reader that
        # finds its loop in `_loops` finds it in `_ufunc` too). New loops are
        # compiled under `_lock`, once each, whatever the number of threads.
        self._loops: list[tuple[list[str], str]] = []
        self._nin = py_func.__code__.co_argcount
        self._ufunc = None
        self._lock = threading.Lock()
        functools.update_wrapper(self, py_func)

    def __reduce__(self):
        # By reference when importable; else by value, compiled again where
        # it is unpickled (loops are not carried over).
        target = "parallel" if self._parallel else "cpu"
        return _pickling.reduce(self, self.py_func, _rebuild_dufunc, self._identity_value, target, self._fastmath)

    def __deepcopy__(self, memo: dict) -> DUFunc:
        return self

    def __dask_tokenize__(self) -> tuple:
        return ("oxjit.DUFunc", _pickling.token("vectorize", self.py_func, self._identity_value, self._parallel, self._fastmath))

    def _has(self, names: list[str]) -> bool:
        return any(ins == names for ins, _ in self._loops)

    def _ensure(self, dtypes: list[np.dtype]) -> None:
        names = [np.dtype(d).name for d in dtypes]
        for n in names:
            if n not in _SUPPORTED:
                raise TypeError(f"{self.__name__}: cannot compile a loop for input dtype {n}")
        if self._has(names):
            return
        with self._lock:
            if self._has(names):  # another thread compiled it meanwhile
                return
            ret = _native.infer_return(self.py_func, names)
            loops = [*self._loops, (names, ret)]
            # A failed compile publishes nothing: the DUFunc stays usable.
            self._ufunc = _native.make_ufunc(
                self.py_func,
                self.py_func.__name__,
                self.py_func.__doc__ or "",
                self._nin,
                self._identity,
                loops,
                self._parallel,
                self._fastmath,
                self._cache,
                self._ufunc,  # its loops are kept, not compiled again
            )
            self._loops = loops

    def _input_dtypes(self, args) -> list[np.dtype]:
        return [np.asarray(a).dtype for a in args]

    @property
    def ufunc(self):
        if self._ufunc is None:
            raise TypeError(f"{self.__name__} has no compiled loops yet: call it first")
        return self._ufunc

    def __call__(self, *args, **kwargs):
        if len(args) != self._nin:
            raise TypeError(
                f"{self.__name__}() takes {self._nin} positional arguments but {len(args)} were given"
            )
        self._ensure(self._input_dtypes(args[: self._nin]))
        return self._ufunc(*args, **kwargs)

    def reduce(self, array, *args, **kwargs):
        a = np.asarray(array)
        self._ensure([a.dtype, a.dtype])
        return self._ufunc.reduce(a, *args, **kwargs)

    def accumulate(self, array, *args, **kwargs):
        a = np.asarray(array)
        self._ensure([a.dtype, a.dtype])
        return self._ufunc.accumulate(a, *args, **kwargs)

    def reduceat(self, array, indices, *args, **kwargs):
        a = np.asarray(array)
        self._ensure([a.dtype, a.dtype])
        return self._ufunc.reduceat(a, indices, *args, **kwargs)

    def outer(self, a, b, **kwargs):
        self._ensure(self._input_dtypes([a, b]))
        return self._ufunc.outer(a, b, **kwargs)

    def at(self, a, indices, b=None):
        dts = [np.asarray(a).dtype] + ([np.asarray(b).dtype] if b is not None else [])
        self._ensure(dts)
        return self._ufunc.at(a, indices) if b is None else self._ufunc.at(a, indices, b)

    @property
    def nin(self) -> int:
        return self._nin

    @property
    def nout(self) -> int:
        return 1

    @property
    def nargs(self) -> int:
        return self._nin + 1

    @property
    def ntypes(self) -> int:
        return len(self._loops)

    @property
    def types(self) -> list[str]:
        return [] if self._ufunc is None else self._ufunc.types

    @property
    def identity(self):
        return self._identity_value

    def __repr__(self) -> str:
        return f"<oxjit.DUFunc '{self.__name__}'>"


def vectorize(ftylist_or_function=(), **kws):
    """Make a NumPy ufunc from a function of scalars (Numba's ``vectorize``).

    ``@vectorize(["float64(float64, float64)", "float32(float32, float32)"])``
    (or one signature, a string or a signature object, each with a return
    type) compiles one inner loop per signature when the function is
    decorated and returns a genuine ``numpy.ufunc``, which tries the loops in
    the order given: broadcasting, ``out=``, ``where=``, ``dtype=``,
    ``.reduce``, ``.accumulate``, ``.reduceat``, ``.outer`` and ``.at``.

    ``@vectorize`` or ``@vectorize(option=...)`` without signatures (or with
    an empty list) returns a ``DUFunc``: it compiles a loop the first time it
    meets a new combination of input dtypes (bool, integers, floats,
    complex), with the return type the kernel has for them, and otherwise
    behaves as the ufunc it keeps (``.ufunc``).

    ``identity`` (0, 1, ``'reorderable'`` or None, the default)
        The ufunc's identity, where ``.reduce`` starts (an empty array, or
        several axes at once). Any other value raises ``ValueError``.
    ``target`` (``'cpu'``, the default, or ``'parallel'``)
        ``'parallel'`` splits each call over the worker pool
        (``oxjit.set_num_threads``, ``OXJIT_NUM_THREADS``). Any other target
        (``'cuda'``) raises ``ValueError``.
    ``fastmath`` (default False)
        Fast-math inner loops; transcendental functions use glibc's libmvec
        vector routines.
    ``cache`` (default False)
        True: each compiled loop is written to ``__pycache__`` next to the
        source file (or under ``OXJIT_CACHE_DIR``/``NUMBA_CACHE_DIR``) and
        linked by later processes, as ``@jit(cache=True)`` does.

    Accepted and ignored: ``nopython``, ``forceobj``, ``writable_args``,
    ``nogil``. Any other keyword raises ``KeyError``. ``OXJIT_DISABLE_JIT``
    does not apply: the loops are compiled all the same, as in Numba.
    """
    identity = kws.pop("identity", None)
    target = kws.pop("target", "cpu")
    fastmath = kws.pop("fastmath", False)
    cache = bool(kws.pop("cache", False))
    for k in ("nopython", "forceobj", "writable_args", "nogil"):
        kws.pop(k, None)
    if kws:
        raise KeyError(f"unrecognized vectorize options: {', '.join(sorted(kws))}")
    _check_target(target)
    if callable(ftylist_or_function) and not isinstance(ftylist_or_function, (str, _types.Type)):
        return DUFunc(ftylist_or_function, identity, target, fastmath, cache)
    sigs = ftylist_or_function
    if isinstance(sigs, (str, _types.Signature)):
        sigs = [sigs]
    sigs = list(sigs)

    def wrap(func: Callable):
        if not sigs:
            return DUFunc(func, identity, target, fastmath, cache)
        loops = [_parse(s) for s in sigs]
        nin = func.__code__.co_argcount
        for ins, _ in loops:
            if len(ins) != nin:
                raise TypeError(f"signature {ins} does not match {func.__name__}'s {nin} parameters")
        u = _native.make_ufunc(
            func,
            func.__name__,
            func.__doc__ or "",
            nin,
            _identity_code(identity),
            loops,
            target == "parallel",
            bool(fastmath),
            _cache.place(func, "ufunc") if cache else None,
        )
        texts = [f"{ret}({', '.join(ins)})" for ins, ret in loops]
        _native._set_ufunc_recipe(u, ("vectorize", func, texts, identity, target, bool(fastmath)))
        return u

    return wrap


def _parse_layout(layout: str) -> tuple[int, int, list[list[int]]]:
    """`"(n),()->(n)"` → (nin, nout, core-dimension indices per argument)."""
    import re

    text = layout.replace(" ", "")
    if "->" not in text:
        raise ValueError(f"invalid gufunc layout {layout!r}: expected '(...)->(...)'")
    ins, outs = text.split("->")
    names: dict[str, int] = {}

    def groups(part: str) -> list[list[int]]:
        found = re.findall(r"\(([^()]*)\)", part)
        if re.sub(r"\([^()]*\)", "", part).strip(","):
            raise ValueError(f"invalid gufunc layout {layout!r}")
        out = []
        for g in found:
            dims = [d for d in g.split(",") if d]
            out.append([names.setdefault(d, len(names)) for d in dims])
        return out

    gi, go = groups(ins), groups(outs)
    return len(gi), len(go), gi + go


def _sig_args(sig) -> list[str]:
    text = sig if isinstance(sig, str) else str(sig)
    _, args = _native.parse_signature(text)
    return args


class GUFunc:
    """A lazily compiled generalized ufunc (`@guvectorize` with a layout only):
    compiles a loop per combination of input dtypes, outputs of the same
    dtype as the first input."""

    def __init__(self, py_func: Callable, layout: str, target: str, fastmath: bool, cache: bool = False):
        _check_target(target)
        self.py_func = py_func
        self._cache = _cache.place(py_func, "gufunc", stacklevel=4) if cache else None
        self._layout = layout
        self._nin, self._nout, self._core = _parse_layout(layout)
        self._parallel = target == "parallel"
        self._fastmath = bool(fastmath)
        # As in DUFunc: compiled under `_lock`, published `_gufunc` first.
        self._sigs: list[list[str]] = []
        self._gufunc = None
        self._lock = threading.Lock()
        functools.update_wrapper(self, py_func)

    def __reduce__(self):
        target = "parallel" if self._parallel else "cpu"
        return _pickling.reduce(self, self.py_func, _rebuild_gufunc, self._layout, target, self._fastmath)

    def __deepcopy__(self, memo: dict) -> GUFunc:
        return self

    def __dask_tokenize__(self) -> tuple:
        return ("oxjit.GUFunc", _pickling.token("guvectorize", self.py_func, self._layout, self._parallel, self._fastmath))

    def _type_of(self, a, k: int) -> str:
        dt = np.asarray(a).dtype.name
        if dt not in _SUPPORTED:
            raise TypeError(f"{self.__name__}: cannot compile a loop for dtype {dt}")
        nd = len(self._core[k])
        return f"array({dt}, {nd}d, A)" if nd else dt

    def __call__(self, *args, **kwargs):
        ins = [self._type_of(a, k) for k, a in enumerate(args[: self._nin])]
        first = np.asarray(args[0]).dtype.name if args else "float64"
        outs = [f"array({first}, {max(1, len(self._core[self._nin + j]))}d, A)" for j in range(self._nout)]
        sig = ins + outs
        if sig not in self._sigs:
            with self._lock:
                if sig not in self._sigs:
                    # The signature is kept only once its loop compiled.
                    sigs = [*self._sigs, sig]
                    self._gufunc = _native.make_gufunc(
                        self.py_func,
                        self.py_func.__name__,
                        self.py_func.__doc__ or "",
                        self._nin,
                        self._nout,
                        self._layout,
                        self._core,
                        sigs,
                        self._parallel,
                        self._fastmath,
                        self._cache,
                        self._gufunc,  # its loops are kept, not compiled again
                    )
                    self._sigs = sigs
        if "signature" not in kwargs and "dtype" not in kwargs:
            # Use the loop just chosen: NumPy's own search would take the first
            # loop a Python scalar fits (a weak int fits an earlier 'dd->d').
            types = [np.asarray(a).dtype for a in args[: self._nin]]
            kwargs["signature"] = (*types, *[np.dtype(first)] * self._nout)
        return self._gufunc(*args, **kwargs)

    @property
    def ufunc(self):
        return self._gufunc

    def __repr__(self) -> str:
        return f"<oxjit.GUFunc '{self.__name__}' {self._layout}>"


def guvectorize(*args, **kws):
    """Make a generalized NumPy ufunc (Numba's ``guvectorize``).

    ``@guvectorize(["void(float64[:], float64, float64[:])"], "(n),()->(n)")``
    (the layout may also be given as ``signature="..."``) compiles one loop
    per signature when the function is decorated and returns a genuine
    ``numpy.ufunc`` (a gufunc). The kernel takes the outputs as its last
    parameters, writes them in place (``out[i] = ...``, ``out[0]`` for a
    scalar output) and returns nothing; a caller that leaves the outputs out
    gets them allocated by NumPy. The layout names the core dimensions, shared
    between arguments (``()`` is a scalar); several outputs are allowed.

    ``@guvectorize("(n),()->(n)")`` (a layout only) returns a ``GUFunc``: it
    compiles a loop the first time it meets a new combination of input dtypes,
    with outputs of the first input's dtype.

    ``target`` (``'cpu'``, the default, or ``'parallel'``)
        ``'parallel'`` splits each call over the worker pool. Any other target
        raises ``ValueError``.
    ``fastmath`` (default False)
        Fast-math loops.
    ``cache`` (default False)
        True: each compiled loop is written to ``__pycache__`` next to the
        source file (or under ``OXJIT_CACHE_DIR``/``NUMBA_CACHE_DIR``) and
        linked by later processes, as ``@jit(cache=True)`` does.

    Accepted and ignored: ``identity``, ``nopython``, ``forceobj``,
    ``writable_args``, ``nogil``. Any other keyword raises ``KeyError``.
    """
    target = kws.pop("target", "cpu")
    fastmath = kws.pop("fastmath", False)
    kws.pop("identity", None)
    cache = bool(kws.pop("cache", False))
    for k in ("nopython", "forceobj", "writable_args", "nogil"):
        kws.pop(k, None)
    layout = kws.pop("signature", None)
    if kws:
        raise KeyError(f"unrecognized guvectorize options: {', '.join(sorted(kws))}")
    _check_target(target)
    if len(args) == 2:
        sigs, layout = args
    elif len(args) == 1 and layout is None:
        sigs, layout = None, args[0]
    elif len(args) == 1:
        sigs = args[0]
    else:
        raise TypeError("guvectorize(signatures, layout) or guvectorize(layout)")
    if isinstance(sigs, (str, _types.Signature)):
        sigs = [sigs]

    def wrap(func: Callable):
        if not sigs:
            return GUFunc(func, layout, target, fastmath, cache)
        nin, nout, core = _parse_layout(layout)
        parsed = [_sig_args(s) for s in sigs]
        u = _native.make_gufunc(
            func,
            func.__name__,
            func.__doc__ or "",
            nin,
            nout,
            layout.replace(" ", ""),
            core,
            parsed,
            target == "parallel",
            bool(fastmath),
            _cache.place(func, "gufunc") if cache else None,
        )
        texts = [f"void({', '.join(args)})" for args in parsed]
        _native._set_ufunc_recipe(u, ("guvectorize", func, texts, layout, target, bool(fastmath)))
        return u

    return wrap


def _rebuild_dufunc(state: dict, identity: Any, target: str, fastmath: bool) -> DUFunc:
    return DUFunc(_pickling.rebuild_function(state), identity, target, fastmath)


def _rebuild_gufunc(state: dict, layout: str, target: str, fastmath: bool) -> GUFunc:
    return GUFunc(_pickling.rebuild_function(state), layout, target, fastmath)


def _rebuild_ufunc(kind: str, state: dict, sigs: list[str], extra: Any, target: str, fastmath: bool):
    """An eager ``@vectorize``/``@guvectorize`` ufunc pickled by value."""
    func = _pickling.rebuild_function(state)
    if kind == "vectorize":
        return vectorize(sigs, identity=extra, target=target, fastmath=fastmath)(func)
    return guvectorize(sigs, extra, target=target, fastmath=fastmath)(func)


_pickling.install_ufunc_reducer(_rebuild_ufunc)
