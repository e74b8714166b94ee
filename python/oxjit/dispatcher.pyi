# `@jit`/`@njit` keep the decorated function's parameters and return type:
# `Dispatcher[P, R]` is called as the function is (`P`), and returns what it
# returns (`R`; compiled code returns the same kinds of values, with Python
# scalars for NumPy scalars). With `OXJIT_DISABLE_JIT=1` the decorators return
# the function itself, which these stubs do not model.

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from types import MethodType
from typing import Any, Generic, Literal, TypeVar, overload, type_check_only

from _typeshed import SupportsWrite
from typing_extensions import ParamSpec, Self, TypeAlias, TypedDict, Unpack

from . import _native
from ._cache import CacheStats
from .types import Signature, Type

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)

# One eager signature: "float64(float64, int64)", `float64(float64, int64)`,
# or a tuple of argument types.
_Sig: TypeAlias = str | Signature | tuple[Type, ...]
# What `@jit(...)` takes first: one signature or a list of them.
_Sigs: TypeAlias = _Sig | list[_Sig]

@type_check_only
class _JitOptions(TypedDict, total=False):
    # Options with an effect (the docstring of `jit` explains each).
    nopython: bool
    forceobj: bool
    nogil: bool
    parallel: bool
    fastmath: bool | AbstractSet[str]
    error_model: Literal["python", "numpy"]
    opt: int
    # Accepted for Numba compatibility and ignored.
    looplift: bool
    inline: Literal["never", "always"] | Callable[..., bool]
    debug: bool
    target: str
    no_rewrites: bool
    no_cpython_wrapper: bool
    no_cfunc_wrapper: bool
    writable_args: Sequence[int | str]
    _nrt: bool
    _dbg_optnone: bool
    _dbg_extend_lifetimes: bool

class _CompileResult:
    signature: Signature
    typed: str
    llvm_ir: str
    entry_point: None
    def __init__(self, signature: Signature, typed: str, llvm_ir: str) -> None: ...

class Dispatcher(_native.Dispatcher, Generic[_P, _R_co]):
    # Set from the decorated function (functools.update_wrapper).
    __name__: str
    __qualname__: str
    __wrapped__: Callable[_P, _R_co]
    def __init__(self, py_func: Callable[_P, _R_co], nparams: int, *args: Any, **options: Any) -> None: ...
    @property
    def py_func(self) -> Callable[_P, _R_co]: ...
    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...
    # Through an instance (a jitted function stored on a class), a bound method.
    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> MethodType: ...
    def __reduce__(self) -> str | tuple[Any, ...]: ...
    def __deepcopy__(self, memo: dict[int, Any]) -> Self: ...
    def __dask_tokenize__(self) -> tuple[Any, ...]: ...
    # One tuple of argument types per compiled specialisation.
    @property
    def signatures(self) -> list[tuple[Type, ...]]: ...
    @property
    def nopython_signatures(self) -> list[Signature]: ...
    @property
    def overloads(self) -> dict[tuple[Type, ...], _CompileResult]: ...
    def inspect_types(
        self,
        file: SupportsWrite[str] | None = None,
        signature: Iterable[Type | str] | None = None,
        pretty: bool = False,
        style: str = "default",
    ) -> None: ...
    def parallel_diagnostics(
        self,
        signature: Iterable[Type | str] | None = None,
        level: int = 1,
        file: SupportsWrite[str] | None = None,
    ) -> None: ...
    # Without a signature, the LLVM IR (assembly) of every specialisation, by argument types.
    @overload
    def inspect_llvm(self, signature: None = None) -> dict[tuple[Type, ...], str]: ...
    @overload
    def inspect_llvm(self, signature: Iterable[Type | str]) -> str | None: ...
    @overload
    def inspect_asm(self, signature: None = None) -> dict[tuple[Type, ...], str]: ...
    @overload
    def inspect_asm(self, signature: Iterable[Type | str]) -> str | None: ...
    def compile(self, sig: _Sig) -> None: ...
    @property
    def stats(self) -> CacheStats: ...

# `@jit` / `jit(f)` / `jit(f, cache=True)`.
@overload
def jit(
    signature_or_function: Callable[_P, _R],
    locals: dict[str, Any] | None = None,
    cache: bool = False,
    pipeline_class: type | None = None,
    boundscheck: bool | None = None,
    **options: Unpack[_JitOptions],
) -> Dispatcher[_P, _R]: ...

# `@jit(...)`, `@jit("float64(float64)", ...)`, `@jit([sig, ...], ...)`.
@overload
def jit(
    signature_or_function: _Sigs | None = None,
    locals: dict[str, Any] | None = None,
    cache: bool = False,
    pipeline_class: type | None = None,
    boundscheck: bool | None = None,
    **options: Unpack[_JitOptions],
) -> Callable[[Callable[_P, _R]], Dispatcher[_P, _R]]: ...

# `njit` takes `jit`'s arguments (`nopython` is accepted, with a warning that it is ignored).
@overload
def njit(
    signature_or_function: Callable[_P, _R],
    locals: dict[str, Any] | None = None,
    cache: bool = False,
    pipeline_class: type | None = None,
    boundscheck: bool | None = None,
    **kwargs: Unpack[_JitOptions],
) -> Dispatcher[_P, _R]: ...
@overload
def njit(
    signature_or_function: _Sigs | None = None,
    locals: dict[str, Any] | None = None,
    cache: bool = False,
    pipeline_class: type | None = None,
    boundscheck: bool | None = None,
    **kwargs: Unpack[_JitOptions],
) -> Callable[[Callable[_P, _R]], Dispatcher[_P, _R]]: ...
