"""``@cfunc`` (Numba's ``numba.cfunc``): a compiled function with a C
signature, for C code that calls back into it (SciPy's ``LowLevelCallable``,
``ctypes``/``cffi`` callers). Arguments and the result are numbers (or the
result is ``void``); an exception raised inside is printed, and the result
is zero, since a C caller cannot receive it.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any, Callable

from . import _native
from . import types as _types
from .dispatcher import _sig_text, njit

_CTYPES = {
    "bool": ctypes.c_bool,
    "int8": ctypes.c_int8,
    "int16": ctypes.c_int16,
    "int32": ctypes.c_int32,
    "int64": ctypes.c_int64,
    "uint8": ctypes.c_uint8,
    "uint16": ctypes.c_uint16,
    "uint32": ctypes.c_uint32,
    "uint64": ctypes.c_uint64,
    "float32": ctypes.c_float,
    "float64": ctypes.c_double,
}


class CFunc:
    """A C-callable compiled function: ``address`` is its entry point,
    ``ctypes`` a ctypes function over it; calling the object calls it."""

    def __init__(self, py_func: Callable, sig: Any, options: dict):
        text = _sig_text(sig)
        ret, args = _native.parse_signature(text)
        if ret is None:
            raise TypeError(f"cfunc {py_func.__name__}: the signature needs a return type (or void): {text}")
        for t in [ret, *args]:
            if t not in _CTYPES and t != "none":
                raise TypeError(f"cfunc {py_func.__name__}: {t} has no C type; a cfunc takes and returns numbers")
        self._dispatcher = njit(text, **options)(py_func)
        self.__oxjit_py_func__ = py_func  # compiled code calls it as a jitted function
        functools.update_wrapper(self, py_func)
        self.address, self._code = self._dispatcher._cfunc_trampoline(text)
        restype = None if ret == "none" else _CTYPES[ret]
        self._signature = _types.from_string(ret)(*(_types.from_string(a) for a in args))
        self.ctypes = ctypes.CFUNCTYPE(restype, *(_CTYPES[a] for a in args))(self.address)
        self.native_name = f"cfunc.{py_func.__qualname__}"

    @property
    def signature(self) -> _types.Signature:
        return self._signature

    def __call__(self, *args: Any) -> Any:
        return self.ctypes(*args)

    def inspect_llvm(self) -> str:
        return next(iter(self._dispatcher.inspect_llvm().values()))

    def __repr__(self) -> str:
        return f"<cfunc {self.__qualname__} {self._signature}>"


def cfunc(sig: Any, locals: dict | None = None, cache: bool = False, **options: Any):
    """Compile a function for C callers (Numba's ``cfunc``), when it is decorated.

    ``@cfunc("float64(float64, float64)")``: ``sig`` (a string or a signature
    object) is required and has a return type (``void`` for none). Arguments
    and result are numbers: bool, the integer types and float32/float64;
    others raise ``TypeError``. The result is a ``CFunc``: ``.address`` is the
    entry point (for ``scipy.LowLevelCallable``, C code), ``.ctypes`` a ctypes
    function over it, and calling the object calls it (positional arguments).
    An exception raised inside is printed and the result is zero: a C caller
    cannot receive it.

    Other options are ``njit``'s (``fastmath``, ``boundscheck``,
    ``error_model``, ``nogil``, ``opt``, ...; see ``help(oxjit.njit)``):
    ``cache`` (True) caches the compiled function as ``njit``'s does (the small
    C trampoline around it is built in each process) and ``nopython`` is
    ignored.
    """
    options = {k: v for k, v in options.items() if k != "nopython"}
    if cache:
        options["cache"] = True

    def wrap(func: Callable) -> CFunc:
        return CFunc(func, sig, options)

    return wrap
