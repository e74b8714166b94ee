"""oxjit: a Numba-compatible just-in-time compiler for numerical Python.

from oxjit import njit

@njit
def f(x):
    return x * 2.0
"""

from . import (
    config,
    errors,
    experimental,
    typed,
    types,
)
from ._cfunc import cfunc
from ._jitclass import jitclass
from ._native import allocation_stats, get_num_threads, get_thread_id, set_num_threads
from ._native import typeof as _typeof_text
from .dispatcher import Dispatcher, jit, njit
from .types import (  # noqa: F401  (Numba's type names)
    b1,
    bool_,
    boolean,
    c8,
    c16,
    complex64,
    complex128,
    deferred_type,
    double,
    f4,
    f8,
    float32,
    float64,
    i1,
    i2,
    i4,
    i8,
    int8,
    int16,
    int32,
    int64,
    intc,
    intp,
    none,
    optional,
    u1,
    u2,
    u4,
    u8,
    uint8,
    uint16,
    uint32,
    uint64,
    uintp,
    void,
)
from .ufunc import DUFunc, GUFunc, guvectorize, vectorize

__version__ = "0.1.0"

prange = range
"""Parallel range: in a ``parallel=True`` function, ``for i in prange(n)`` runs on the
worker pool (recognised by this name); elsewhere it is ``range``."""


def typeof(value):
    """The oxjit type of a Python value (``oxjit.typeof(1.0) == float64``)."""
    return types.from_string(_typeof_text(value))


__all__ = [
    "jit",
    "njit",
    "vectorize",
    "guvectorize",
    "DUFunc",
    "GUFunc",
    "get_num_threads",
    "get_thread_id",
    "set_num_threads",
    "prange",
    "typeof",
    "jitclass",
    "experimental",
    "typed",
    "cfunc",
    "config",
    "errors",
    "types",
    "Dispatcher",
    "allocation_stats",
    "float32",
    "float64",
    "int32",
    "int64",
    "boolean",
    "complex64",
    "complex128",
    "optional",
    "deferred_type",
]
