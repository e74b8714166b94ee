import types
from collections.abc import Sequence
from typing import Any

__all__ = ["build_unit", "build_unit_refs"]

# Global arrays up to this size are frozen into the unit as constants.
INLINE_ARRAY_BYTES: int

# The JSON compilation unit for `py_func` and the jitted functions it reaches.
def build_unit(
    py_func: types.FunctionType, extras: Sequence[Any] = (), classes: Sequence[int] = ()
) -> str: ...
def build_unit_refs(
    py_func: types.FunctionType, extras: Sequence[Any] = (), classes: Sequence[int] = ()
) -> tuple[str, list[Any]]: ...
