from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Literal, overload, type_check_only

import numpy as np
from numpy.typing import ArrayLike, NDArray
from typing_extensions import Self, TypeAlias, TypedDict, Unpack

from .types import Signature

# `identity=` of `@vectorize` (what `.reduce` starts from).
_Identity: TypeAlias = Literal[0, 1, "reorderable"] | None
_Target: TypeAlias = Literal["cpu", "parallel"]
# One loop signature with a return type: "float64(float64, float64)" or `float64(float64, float64)`.
_LoopSig: TypeAlias = str | Signature

@type_check_only
class _VectorizeOptions(TypedDict, total=False):
    identity: _Identity
    target: _Target
    fastmath: bool | AbstractSet[str]
    cache: bool
    # Accepted and ignored.
    nopython: bool
    forceobj: bool
    writable_args: Sequence[int | str]
    nogil: bool

@type_check_only
class _GUVectorizeOptions(TypedDict, total=False):
    target: _Target
    fastmath: bool | AbstractSet[str]
    cache: bool
    # Accepted and ignored.
    identity: _Identity
    nopython: bool
    forceobj: bool
    writable_args: Sequence[int | str]
    nogil: bool

class DUFunc:
    py_func: Callable[..., Any]
    # Set from the kernel (functools.update_wrapper).
    __name__: str
    __qualname__: str
    __wrapped__: Callable[..., Any]
    def __init__(
        self,
        py_func: Callable[..., Any],
        identity: _Identity = None,
        target: _Target = "cpu",
        fastmath: bool = False,
        cache: bool = False,
    ) -> None: ...
    def __reduce__(self) -> str | tuple[Any, ...]: ...
    def __deepcopy__(self, memo: dict[int, Any]) -> Self: ...
    def __dask_tokenize__(self) -> tuple[Any, ...]: ...
    # The NumPy ufunc holding the loops compiled so far (TypeError before the first call).
    @property
    def ufunc(self) -> np.ufunc: ...
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...
    def reduce(self, array: ArrayLike, *args: Any, **kwargs: Any) -> Any: ...
    def accumulate(self, array: ArrayLike, *args: Any, **kwargs: Any) -> NDArray[Any]: ...
    def reduceat(self, array: ArrayLike, indices: ArrayLike, *args: Any, **kwargs: Any) -> NDArray[Any]: ...
    def outer(self, a: ArrayLike, b: ArrayLike, **kwargs: Any) -> Any: ...
    def at(self, a: NDArray[Any], indices: Any, b: ArrayLike | None = None) -> None: ...
    @property
    def nin(self) -> int: ...
    @property
    def nout(self) -> int: ...
    @property
    def nargs(self) -> int: ...
    @property
    def ntypes(self) -> int: ...
    @property
    def types(self) -> list[str]: ...
    @property
    def identity(self) -> _Identity: ...

# `@vectorize` (lazy: a DUFunc compiling a loop per new combination of input dtypes).
@overload
def vectorize(ftylist_or_function: Callable[..., Any], **kws: Unpack[_VectorizeOptions]) -> DUFunc: ...

# `@vectorize("f8(f8, f8)")`, `@vectorize(["f8(f8)", "f4(f4)"])` (eager: a genuine numpy.ufunc;
# an empty list gives a DUFunc).
@overload
def vectorize(
    ftylist_or_function: _LoopSig | Sequence[_LoopSig], **kws: Unpack[_VectorizeOptions]
) -> Callable[[Callable[..., Any]], np.ufunc]: ...

# `@vectorize()`, `@vectorize(target="parallel")` (lazy).
@overload
def vectorize(**kws: Unpack[_VectorizeOptions]) -> Callable[[Callable[..., Any]], DUFunc]: ...

class GUFunc:
    py_func: Callable[..., Any]
    __name__: str
    __qualname__: str
    __wrapped__: Callable[..., Any]
    def __init__(
        self, py_func: Callable[..., Any], layout: str, target: _Target, fastmath: bool, cache: bool = False
    ) -> None: ...
    def __reduce__(self) -> str | tuple[Any, ...]: ...
    def __deepcopy__(self, memo: dict[int, Any]) -> Self: ...
    def __dask_tokenize__(self) -> tuple[Any, ...]: ...
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...
    # The gufunc holding the loops compiled so far (None before the first call).
    @property
    def ufunc(self) -> np.ufunc | None: ...

# A gufunc signature's argument types, outputs last: "void(f8[:], f8, f8[:])".
_GUSigs: TypeAlias = _LoopSig | Sequence[_LoopSig]

# `@guvectorize([sigs], "(n),()->(n)")`: a genuine numpy.ufunc (a gufunc).
@overload
def guvectorize(
    ftylist: _GUSigs, layout: str, /, **kws: Unpack[_GUVectorizeOptions]
) -> Callable[[Callable[..., object]], np.ufunc]: ...

# `@guvectorize([sigs], signature="(n),()->(n)")`.
@overload
def guvectorize(
    ftylist: _GUSigs, /, *, signature: str, **kws: Unpack[_GUVectorizeOptions]
) -> Callable[[Callable[..., object]], np.ufunc]: ...

# `@guvectorize("(n),()->(n)")` (lazy: a GUFunc compiling a loop per new combination of input dtypes).
@overload
def guvectorize(
    layout: str, /, **kws: Unpack[_GUVectorizeOptions]
) -> Callable[[Callable[..., object]], GUFunc]: ...
