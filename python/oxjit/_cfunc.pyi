from _ctypes import CFuncPtr
from collections.abc import Callable
from typing import Any, type_check_only

from typing_extensions import Unpack

from .dispatcher import _JitOptions
from .types import Signature

@type_check_only
class _CFuncOptions(_JitOptions, total=False):
    # Passed on to `njit` (`nopython` is dropped: a cfunc is always nopython).
    pipeline_class: type | None
    boundscheck: bool | None

class CFunc:
    # The entry point, for C callers.
    address: int
    # A ctypes function over `address`.
    ctypes: CFuncPtr
    native_name: str
    # Set from the decorated function (functools.update_wrapper).
    __name__: str
    __qualname__: str
    __wrapped__: Callable[..., Any]
    def __init__(self, py_func: Callable[..., Any], sig: Any, options: dict[str, Any]) -> None: ...
    @property
    def signature(self) -> Signature: ...
    # Calls the compiled code through `ctypes` (positional numbers only).
    def __call__(self, *args: Any) -> Any: ...
    def inspect_llvm(self) -> str: ...

# `@cfunc("float64(float64, float64)")`: the signature is required.
def cfunc(
    sig: str | Signature,
    locals: dict[str, Any] | None = None,
    cache: bool = False,
    **options: Unpack[_CFuncOptions],
) -> Callable[[Callable[..., Any]], CFunc]: ...
