"""Numba's typed containers, ``List`` and ``Dict`` (``numba.typed``).

Each holds a native list or dict, the one compiled code works on: passed to
a compiled function it is shared, not copied (what the function changes,
Python sees at once, and the reverse), and returned unchanged it is the same
object. The item (key, value) types are declared (``List.empty_list(t)``,
``Dict.empty(k, v)``) or taken from the first item added. Reading an item
from Python boxes it and writing one unboxes it, as Numba does; a list or
dict held inside comes out as a typed view of the same memory.

Inside compiled code ``List()``, ``List(iterable)``, ``List.empty_list(t)``,
``Dict()`` and ``Dict.empty(k, v)`` make lists and dicts; returned, those
come back as a Python ``list`` and ``dict``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping, MutableSequence
from typing import Any

from ._native import NativeDict, NativeList, _register_typed


class List(NativeList, MutableSequence):
    """A list of one item type, shared with compiled code (``numba.typed.List``)."""

    def __init__(self, iterable: Iterable[Any] | None = None, allocated: int = 0) -> None:
        if iterable is not None:
            self.extend(iterable)

    @classmethod
    def empty_list(cls, item_type: Any, allocated: int = 0) -> List:
        out = cls()
        out._set_item_type(str(item_type))
        return out

    def __len__(self) -> int:
        return self._len()

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return self._like(self._items()[i])
        return self._get(i)

    def __setitem__(self, i: Any, v: Any) -> None:
        if isinstance(i, slice):
            items = self._items()
            items[i] = v
            self._replace(items)
        else:
            self._set(i, v)

    def __delitem__(self, i: Any) -> None:
        if isinstance(i, slice):
            items = self._items()
            del items[i]
            self._replace(items)
        else:
            self._delete(i)

    def insert(self, i: int, v: Any) -> None:
        self._insert(i, v)

    def append(self, v: Any) -> None:
        self._append(v)

    def extend(self, values: Iterable[Any]) -> None:
        for v in list(values):
            self._append(v)

    def pop(self, i: int = -1) -> Any:
        return self._pop(i)

    def clear(self) -> None:
        self._clear()

    def reverse(self) -> None:
        self._reverse()

    def __iter__(self):
        return iter(self._items())

    def sort(self, key: Any = None, reverse: bool = False) -> None:
        self._replace(sorted(self._items(), key=key, reverse=reverse))

    def copy(self) -> List:
        return self._like(self._items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, List)):
            return self._items() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        t = self._item_type()
        return f"ListType[{t if t is not None else 'undefined'}]({self._items()!r})"

    def __str__(self) -> str:
        return str(self._items())

    def __reduce__(self) -> tuple:
        return (_rebuild_list, (self._item_type(), self._items()))

    def _like(self, items: list) -> List:
        out = List()
        t = self._item_type()
        if t is not None:
            out._set_item_type(t)
        out.extend(items)
        return out

    def _replace(self, items: list) -> None:
        # Unboxed before the list changes: a bad item leaves it as it was.
        staged = self._like(items)
        self._clear()
        for v in staged._items():
            self._append(v)


class Dict(NativeDict, MutableMapping):
    """A dict of one key and one value type, shared with compiled code
    (``numba.typed.Dict``)."""

    def __init__(self, other: Mapping | Iterable | None = None, **kwargs: Any) -> None:
        if other is not None or kwargs:
            self.update(other or (), **kwargs)

    @classmethod
    def empty(cls, key_type: Any, value_type: Any, n_keys: int = 0) -> Dict:
        out = cls()
        out._set_types(str(key_type), str(value_type))
        return out

    def __len__(self) -> int:
        return self._len()

    def __getitem__(self, k: Any) -> Any:
        return self._get(k)

    def __setitem__(self, k: Any, v: Any) -> None:
        self._set(k, v)

    def __delitem__(self, k: Any) -> None:
        self._delete(k)

    def __contains__(self, k: object) -> bool:
        return self._contains(k)

    def __iter__(self):
        return iter(self._entries(0))

    def keys(self):  # type: ignore[override]
        return self._entries(0)

    def values(self):  # type: ignore[override]
        return self._entries(1)

    def items(self):  # type: ignore[override]
        return self._entries(2)

    def get(self, k: Any, default: Any = None) -> Any:
        return self._get(k) if self._contains(k) else default

    def clear(self) -> None:
        self._clear()

    def copy(self) -> Dict:
        out = Dict()
        types = self._types()
        if types is not None:
            out._set_types(*types)
        for k, v in self._entries(2):
            out[k] = v
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (dict, Dict)):
            return dict(self._entries(2)) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        types = self._types()
        k, v = types if types is not None else ("undefined", "undefined")
        return f"DictType[{k},{v}]({dict(self._entries(2))!r})"

    def __str__(self) -> str:
        return str(dict(self._entries(2)))

    def __reduce__(self) -> tuple:
        return (_rebuild_dict, (self._types(), self._entries(2)))


def _rebuild_list(item_type: str | None, items: list) -> List:
    out = List()
    if item_type is not None:
        out._set_item_type(item_type)
    out.extend(items)
    return out


def _rebuild_dict(types: tuple[str, str] | None, items: list) -> Dict:
    out = Dict()
    if types is not None:
        out._set_types(*types)
    for k, v in items:
        out[k] = v
    return out


_register_typed(List, Dict)

__all__ = ["Dict", "List"]
