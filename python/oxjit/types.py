"""Type objects for signatures, spelled as in Numba.

``float64(int64, float64[:, ::1])`` builds a signature; ``str()`` of any type or
signature is the canonical text the compiler parses (``oxjit._native``).
"""

from __future__ import annotations


class Type:
    """A compile-time type; callable to form a signature, sliceable to form an
    array type (``float64[:]``, ``float64[:, ::1]`` for C order, ``float64[::1, :]`` for F)."""

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return str(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Type) and str(other) == str(self)

    def __hash__(self) -> int:
        return hash(str(self))

    def __call__(self, *args: Type) -> Signature:
        return Signature(self, tuple(args))

    def __getitem__(self, index) -> Array:
        if not isinstance(index, tuple):
            index = (index,)
        if not all(isinstance(s, slice) for s in index):
            raise TypeError("array types are written with slices, e.g. float64[:, ::1]")
        ndim = len(index)
        layout = "A"
        if index[-1].step == 1 and ndim >= 1:
            layout = "C"
        elif index[0].step == 1 and ndim > 1:
            layout = "F"
        return Array(self, ndim, layout)


class Array(Type):
    def __init__(self, dtype: Type, ndim: int, layout: str = "A", readonly: bool = False):
        self.dtype, self.ndim, self.layout, self.readonly = dtype, ndim, layout, readonly
        prefix = "readonly " if readonly else ""
        super().__init__(f"{prefix}array({dtype}, {ndim}d, {layout})")


class UniTuple(Type):
    def __init__(self, dtype: Type, count: int):
        self.dtype, self.count = dtype, count
        super().__init__(f"UniTuple({dtype}, {count})")


class Tuple(Type):
    def __init__(self, types):
        self.types = tuple(types)
        super().__init__("Tuple(" + ", ".join(map(str, self.types)) + ")")


class ListType(Type):
    """A list of one item type (Numba's ``types.ListType``, what a typed
    ``List`` holds; also a jitclass field type)."""

    def __init__(self, item_type: Type):
        self.item_type = item_type
        super().__init__(f"list({item_type})")


class DictType(Type):
    """A dict of one key and one value type (Numba's ``types.DictType``)."""

    def __init__(self, key_type: Type, value_type: Type):
        self.key_type, self.value_type = key_type, value_type
        super().__init__(f"dict({key_type}, {value_type})")


class Set(Type):
    """A set of one item type (Numba's ``types.Set``)."""

    def __init__(self, dtype: Type, reflected: bool = False):
        self.dtype = dtype
        super().__init__(f"set({dtype})")


def List(dtype: Type, reflected: bool = False) -> ListType:  # noqa: N802 (Numba's name)
    """Numba's ``types.List``: here the same list type as ``ListType``."""
    return ListType(dtype)


class Optional(Type):
    """A value or None (Numba's ``OptionalType``): what a function returns when
    one path returns None and another a value. ``type`` is the value's type."""

    def __init__(self, typ: Type):
        self.type = typ
        super().__init__(f"OptionalType({typ})")

    def __str__(self) -> str:
        # The item's text now: it may be a deferred type defined since.
        return f"OptionalType({self.type})"


class DeferredType(Type):
    """A type named before it is known (Numba's ``deferred_type()``): a
    jitclass field that holds the class's own instances, as in a linked list,
    is declared with one, then ``define(Cls.class_type.instance_type)``."""

    def __init__(self) -> None:
        super().__init__("deferred_type")
        self._defined: Type | None = None

    def define(self, typ: Type) -> None:
        if self._defined is not None:
            raise TypeError("this deferred type is defined already")
        self._defined = typ

    def get(self) -> Type:
        if self._defined is None:
            raise TypeError("this deferred type is not defined yet")
        return self._defined

    @property
    def defined(self) -> bool:
        return self._defined is not None

    def __str__(self) -> str:
        return str(self._defined) if self._defined is not None else "deferred_type"


def deferred_type() -> DeferredType:
    """A type defined later (``numba.deferred_type``)."""
    return DeferredType()


def optional(typ: Type) -> Optional:
    """``OptionalType(typ)``, as ``numba.types.optional``."""
    return Optional(typ)


class Signature:
    def __init__(self, return_type: Type | None, args: tuple):
        self.return_type = return_type
        self.args = args

    def __str__(self) -> str:
        inner = ", ".join(map(str, self.args))
        return f"{self.return_type}({inner})" if self.return_type is not None else f"({inner})"

    __repr__ = __str__


boolean = bool_ = b1 = Type("bool")
int8 = i1 = Type("int8")
int16 = i2 = Type("int16")
int32 = i4 = Type("int32")
int64 = i8 = intp = intc = Type("int64")
uint8 = u1 = Type("uint8")
uint16 = u2 = Type("uint16")
uint32 = u4 = Type("uint32")
uint64 = u8 = uintp = Type("uint64")
float32 = f4 = Type("float32")
float64 = f8 = double = Type("float64")
complex64 = c8 = Type("complex64")
complex128 = c16 = Type("complex128")
none = void = Type("none")
unicode_type = string = Type("unicode_type")

_SCALARS = {
    t.name: t
    for t in [
        boolean,
        int8,
        int16,
        int32,
        int64,
        uint8,
        uint16,
        uint32,
        uint64,
        float32,
        float64,
        complex64,
        complex128,
        none,
    ]
}


def from_string(text: str) -> Type:
    """Rebuild a type object from the compiler's canonical spelling."""
    text = text.strip()
    if text in _SCALARS:
        return _SCALARS[text]
    readonly = text.startswith("readonly ")
    if readonly:
        text = text[len("readonly ") :]
    if text.startswith("array(") and text.endswith(")"):
        dt, nd, layout = (p.strip() for p in text[6:-1].split(","))
        return Array(_SCALARS[dt], int(nd.rstrip("d")), layout, readonly)
    if text.startswith("OptionalType(") and text.endswith(")"):
        return Optional(from_string(text[len("OptionalType(") : -1]))
    if text.startswith("UniTuple(") and text.endswith(")"):
        inner = text[9:-1]
        sep = " x " if " x " in inner else ","
        dt, n = inner.rsplit(sep, 1)
        return UniTuple(from_string(dt), int(n))
    if text.startswith("Tuple(") and text.endswith(")"):
        parts, depth, cur = [], 0, ""
        for ch in text[6:-1]:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += ch == "("
            depth -= ch == ")"
            cur += ch
        if cur.strip():
            parts.append(cur)
        return Tuple(from_string(p) for p in parts)
    return Type(text)


for _t in _SCALARS.values():
    if _t is not none:
        _t.__oxjit_dtype__ = _t.name  # lets `dtype=oxjit.float32` work inside compiled code
