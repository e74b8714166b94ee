# The public API: re-exports (each `X as X`), the runtime's `__all__`, `prange` and `typeof`.

from . import config as config
from . import errors as errors
from . import experimental as experimental
from . import typed as typed
from . import types as types
from ._cfunc import cfunc as cfunc
from ._jitclass import jitclass as jitclass
from ._native import allocation_stats as allocation_stats
from ._native import get_num_threads as get_num_threads
from ._native import get_thread_id as get_thread_id
from ._native import set_num_threads as set_num_threads
from .dispatcher import Dispatcher as Dispatcher
from .dispatcher import jit as jit
from .dispatcher import njit as njit
from .types import b1 as b1
from .types import bool_ as bool_
from .types import boolean as boolean
from .types import c8 as c8
from .types import c16 as c16
from .types import complex64 as complex64
from .types import complex128 as complex128
from .types import deferred_type as deferred_type
from .types import double as double
from .types import f4 as f4
from .types import f8 as f8
from .types import float32 as float32
from .types import float64 as float64
from .types import i1 as i1
from .types import i2 as i2
from .types import i4 as i4
from .types import i8 as i8
from .types import int8 as int8
from .types import int16 as int16
from .types import int32 as int32
from .types import int64 as int64
from .types import intc as intc
from .types import intp as intp
from .types import none as none
from .types import optional as optional
from .types import u1 as u1
from .types import u2 as u2
from .types import u4 as u4
from .types import u8 as u8
from .types import uint8 as uint8
from .types import uint16 as uint16
from .types import uint32 as uint32
from .types import uint64 as uint64
from .types import uintp as uintp
from .types import void as void
from .ufunc import DUFunc as DUFunc
from .ufunc import GUFunc as GUFunc
from .ufunc import guvectorize as guvectorize
from .ufunc import vectorize as vectorize

__version__: str

# `for i in prange(n)` runs on the worker pool in a `parallel=True` function;
# elsewhere (and for a type checker) it is `range`.
prange = range

# The oxjit type of a Python value (`oxjit.typeof(1.0) == float64`).
def typeof(value: object) -> types.Type: ...

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
