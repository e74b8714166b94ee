"""Numba's typed containers, ``List`` and ``Dict`` (``numba.typed``).

Here they are a ``list`` and a ``dict`` that also have Numba's constructors
(``List.empty_list(item_type)``, ``Dict.empty(key_type, value_type)``). Passed to
compiled code they behave as Python lists and dicts do: copied in for the call
and written back when compiled code changed them; an empty one made by
``empty_list``/``empty`` is typed from its declared types. Inside compiled code
``List()``, ``List(iterable)``, ``List.empty_list(t)``, ``Dict()`` and
``Dict.empty(k, v)`` make lists and dicts.
"""

from __future__ import annotations

from typing import Any


class List(list):
    """A list with ``numba.typed.List``'s constructors."""

    _oxjit_item_type: Any = None

    @classmethod
    def empty_list(cls, item_type: Any, allocated: int = 0) -> List:
        out = cls()
        out._oxjit_item_type = item_type
        return out


class Dict(dict):
    """A dict with ``numba.typed.Dict``'s constructors."""

    _oxjit_key_type: Any = None
    _oxjit_value_type: Any = None

    @classmethod
    def empty(cls, key_type: Any, value_type: Any, n_keys: int = 0) -> Dict:
        out = cls()
        out._oxjit_key_type, out._oxjit_value_type = key_type, value_type
        return out


__all__ = ["Dict", "List"]
