from collections.abc import Iterable

class Type:
    name: str
    def __init__(self, name: str) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    # `float64(int64, float64[:])`: a signature.
    def __call__(self, *args: Type) -> Signature: ...
    # `float64[:]`, `float64[:, ::1]` (C order), `float64[::1, :]` (F order).
    def __getitem__(self, index: slice | tuple[slice, ...]) -> Array: ...

class Array(Type):
    dtype: Type
    ndim: int
    layout: str
    readonly: bool
    def __init__(self, dtype: Type, ndim: int, layout: str = "A", readonly: bool = False) -> None: ...

class UniTuple(Type):
    dtype: Type
    count: int
    def __init__(self, dtype: Type, count: int) -> None: ...

class Tuple(Type):
    types: tuple[Type, ...]
    def __init__(self, types: Iterable[Type]) -> None: ...

class ListType(Type):
    item_type: Type
    def __init__(self, item_type: Type) -> None: ...

class DictType(Type):
    key_type: Type
    value_type: Type
    def __init__(self, key_type: Type, value_type: Type) -> None: ...

class Set(Type):
    dtype: Type
    def __init__(self, dtype: Type, reflected: bool = False) -> None: ...

def List(dtype: Type, reflected: bool = False) -> ListType: ...  # noqa: N802 (Numba's name)

class Optional(Type):
    type: Type
    def __init__(self, typ: Type) -> None: ...

class DeferredType(Type):
    def __init__(self) -> None: ...
    def define(self, typ: Type) -> None: ...
    def get(self) -> Type: ...
    @property
    def defined(self) -> bool: ...

def deferred_type() -> DeferredType: ...
def optional(typ: Type) -> Optional: ...

class Signature:
    return_type: Type | None
    args: tuple[Type, ...]
    def __init__(self, return_type: Type | None, args: tuple[Type, ...]) -> None: ...

boolean: Type
bool_: Type
b1: Type
int8: Type
i1: Type
int16: Type
i2: Type
int32: Type
i4: Type
int64: Type
i8: Type
intp: Type
intc: Type
uint8: Type
u1: Type
uint16: Type
u2: Type
uint32: Type
u4: Type
uint64: Type
u8: Type
uintp: Type
float32: Type
f4: Type
float64: Type
f8: Type
double: Type
complex64: Type
c8: Type
complex128: Type
c16: Type
none: Type
void: Type
unicode_type: Type
string: Type

def from_string(text: str) -> Type: ...
