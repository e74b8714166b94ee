"""Numba extension, loaded by Numba itself through the `numba_extensions`
entry point before its first compile: code compiled by Numba (a library such
as QuantEcon) can take oxjit-compiled functions as arguments and globals.

Numba cannot call oxjit's machine code, so it compiles the function's Python
source itself, once per function, with the options Numba understands; this
is the mirror of oxjit compiling Numba dispatchers' source (`_frontend.py`).
"""

from __future__ import annotations

from typing import Any

# jit options with the same meaning in Numba.
_SHARED_OPTIONS = ("fastmath", "error_model", "boundscheck", "nogil", "parallel", "inline")


def numba_twin(f: Any) -> Any:
    """The Numba function compiling `f`'s source: a dispatcher for `@njit`,
    a DUFunc for a lazy `@vectorize`. Made once and kept on `f`."""
    twin = getattr(f, "_oxjit_numba_twin", None)
    if twin is not None:
        return twin
    import numba

    from .ufunc import DUFunc

    if isinstance(f, DUFunc):
        twin = numba.vectorize(f.py_func)
    else:
        options = {k: v for k, v in getattr(f, "_options", {}).items() if k in _SHARED_OPTIONS and v is not None}
        twin = numba.njit(**options)(f.py_func)
    f._oxjit_numba_twin = twin
    return twin


def init() -> None:
    from numba.core.registry import cpu_target
    from numba.core.typing.typeof import Purpose, typeof
    from numba.extending import typeof_impl

    from .dispatcher import Dispatcher
    from .ufunc import DUFunc

    @typeof_impl.register(Dispatcher)
    def _typeof_oxjit_function(val: Any, c: Any) -> Any:
        return typeof(numba_twin(val), c.purpose)

    @typeof_impl.register(DUFunc)
    def _typeof_oxjit_ufunc(val: Any, c: Any) -> Any:
        # As a global only (Numba takes no ufunc arguments): the type Numba
        # gave its own DUFunc, whose key finds the twin's implementation.
        if c.purpose != Purpose.constant:
            return None
        return cpu_target.typing_context.resolve_value_type(numba_twin(val))
