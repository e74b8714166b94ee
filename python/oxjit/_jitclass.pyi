from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, overload

from typing_extensions import TypeAlias

from .types import Type

_T = TypeVar("_T")

# A field's type: a type object (`float64`, `int64[:]`,
# `Other.class_type.instance_type`), a jitclass, int/float/bool/complex, or an
# annotation's text (evaluated in the class's module).
_FieldType: TypeAlias = Type | type | str
_Spec: TypeAlias = Sequence[tuple[str, _FieldType]] | Mapping[str, _FieldType]

# Box classes by number (the number compiled code knows a class by).
CLASSES: dict[int, JitClassType]

class InstanceType(Type):
    jitclass: JitClassType
    def __init__(self, box: JitClassType) -> None: ...

class ClassType:
    class_name: str
    instance_type: InstanceType
    struct: dict[str, Type]
    methods: dict[str, Callable[..., Any]]
    jit_props: dict[str, tuple[Callable[..., Any], Callable[..., Any] | None]]
    jit_static_methods: dict[str, Callable[..., Any]]
    def __init__(self, box: JitClassType, fields: list[tuple[str, Type]]) -> None: ...

class JitClassType(type):
    # Set on each box class (`Cls.class_type.instance_type` names its instances' type).
    class_type: ClassType
    def __call__(cls, *args: Any, **kwargs: Any) -> Any: ...

# The decorated class keeps its own type for a type checker: its instances have
# the same fields and methods. (`Cls.class_type` exists at runtime but a type
# checker sees the class as written.)
@overload
def jitclass(cls_or_spec: type[_T], spec: _Spec | None = None) -> type[_T]: ...
@overload
def jitclass(
    cls_or_spec: _Spec | None = None, spec: _Spec | None = None
) -> Callable[[type[_T]], type[_T]]: ...
