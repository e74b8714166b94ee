"""``jitclass``: classes whose instances compiled code holds (Numba's
``numba.experimental.jitclass``).

The decorator turns a plain class into a *box class*: a subclass of
``_native.JitInstance`` whose objects each hold one reference to an instance
made by compiled code (its fields, in spec order). Compiled code sees the same
fields; nothing is copied between Python and compiled code.

From Python, every member goes through compiled code: the class call runs a
compiled constructor (allocation, then ``__init__``), a field is a property
whose getter and setter are small compiled functions, and methods, properties
and static methods are dispatchers of the class's own functions. Compiled code
calls the same functions directly (the front end puts the class in the unit's
class table).
"""

from __future__ import annotations

import inspect
import itertools
import linecache
import sys
import types as _pytypes
from typing import Any, Callable

from . import _native
from . import types as _types
from .dispatcher import njit

# Box classes by number (the number compiled code knows a class by).
CLASSES: dict[int, JitClassType] = {}

_counter = itertools.count()

# Members every class body has; not the user's.
# What Python puts in every class's namespace (`__firstlineno__` and
# `__static_attributes__` from 3.13; `__annotate__` from 3.14).
_IGNORED = {
    "__module__",
    "__qualname__",
    "__doc__",
    "__dict__",
    "__weakref__",
    "__annotations__",
    "__firstlineno__",
    "__static_attributes__",
    "__annotate__",
    "__type_params__",
}

_PY_SCALARS = {int: _types.int64, float: _types.float64, bool: _types.boolean, complex: _types.complex128}


class InstanceType(_types.Type):
    """``Cls.class_type.instance_type``: an instance's type, for specs of other
    classes and for signatures."""

    def __init__(self, box: JitClassType):
        self.jitclass = box
        super().__init__(_native.jitclass_instance_type(box.__oxjit_class__.number))

    def __str__(self) -> str:
        # With the fields once they are defined (a class with deferred fields).
        return _native.jitclass_instance_type(self.jitclass.__oxjit_class__.number)


class ClassType:
    """``Cls.class_type``: the class as a compile-time type."""

    def __init__(self, box: JitClassType, fields: list[tuple[str, _types.Type]]):
        self.class_name = box.__name__
        self.instance_type = InstanceType(box)
        self.struct = dict(fields)
        info = box.__oxjit_class__
        self.methods = dict(info.methods)
        self.jit_props = dict(info.properties)
        self.jit_static_methods = dict(info.statics)

    def __repr__(self) -> str:
        inner = ",".join(f"{k}:{v}" for k, v in self.struct.items())
        return f"jitclass.{self.class_name}<{inner}>"


class _ClassInfo:
    """What the front end needs to put a class in a unit."""

    def __init__(self, name: str):
        self.name = name
        self.number = 0
        self.field_texts: list[list[str]] = []
        self.field_classes: list[JitClassType] = []
        self.methods: dict[str, Callable] = {}
        self.properties: dict[str, tuple[Callable, Callable | None]] = {}
        self.statics: dict[str, Callable] = {}
        # Define the fields (once their deferred types are): before the class
        # is constructed or compiled code names it.
        self.define: Callable[[], None] = lambda: None


class JitClassType(type):
    """The metaclass of box classes: calling the class builds an instance in
    compiled code (its ``__init__`` runs compiled)."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        cls.__oxjit_class__.define()
        return cls._oxjit_ctor(*args, **kwargs)

    def __repr__(cls) -> str:
        return f"<class '{cls.__module__}.{cls.__qualname__}' (jitclass)>"


def _as_type(t: Any, cls_name: str, field: str, module_globals: dict) -> _types.Type:
    if isinstance(t, str):  # `from __future__ import annotations`
        try:
            t = eval(t, module_globals)  # noqa: S307 -- the user's own annotation
        except Exception as e:  # noqa: BLE001 -- any failure is the same error to the user
            raise TypeError(f"jitclass '{cls_name}': cannot evaluate the annotation of field '{field}': {e}") from None
    if isinstance(t, _types.Type):
        return t
    if isinstance(t, JitClassType):
        return t.class_type.instance_type
    if t in _PY_SCALARS:
        return _PY_SCALARS[t]
    raise TypeError(
        f"jitclass '{cls_name}': field '{field}' has type {t!r}, which compiled code cannot hold; "
        "give a type such as float64, int64[:] or Other.class_type.instance_type"
    )


def _fields(cls: type, spec: Any) -> list[tuple[str, _types.Type]]:
    """The spec (a list of pairs, a dict) then the class annotations it does not name."""
    name = cls.__name__
    if spec is None:
        items: list = []
    elif isinstance(spec, dict):
        items = list(spec.items())
    elif isinstance(spec, (list, tuple)):
        items = list(spec)
    else:
        raise TypeError(f"jitclass '{name}': spec must be a list of (name, type) pairs or a dict, not {type(spec).__name__}")
    glob = getattr(sys.modules.get(cls.__module__), "__dict__", {})
    out: list[tuple[str, _types.Type]] = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            raise TypeError(f"jitclass '{name}': each spec entry must be a (name, type) pair, not {item!r}")
        out.append((item[0], _as_type(item[1], name, item[0], glob)))
    named = {f for f, _ in out}
    for f, t in cls.__dict__.get("__annotations__", {}).items():
        if f not in named:
            out.append((f, _as_type(t, name, f, glob)))
    seen: set[str] = set()
    for f, _ in out:
        if f in seen:
            raise TypeError(f"jitclass '{name}': field '{f}' is declared twice")
        seen.add(f)
    return out


def _members(cls: type, info: _ClassInfo, fields: set[str]) -> None:
    name = cls.__name__
    for k, v in cls.__dict__.items():
        if k in _IGNORED or (k == "__hash__" and v is None):
            # (Python sets `__hash__ = None` on a class that defines `__eq__`.)
            continue
        if k in fields:
            raise TypeError(f"jitclass '{name}': '{k}' is both a field and a class member")
        if isinstance(v, staticmethod):
            info.statics[k] = v.__func__
        elif isinstance(v, property):
            if not isinstance(v.fget, _pytypes.FunctionType):
                raise TypeError(f"jitclass '{name}': property '{k}' needs a getter function")
            if v.fset is not None and not isinstance(v.fset, _pytypes.FunctionType):
                raise TypeError(f"jitclass '{name}': the setter of property '{k}' must be a function")
            info.properties[k] = (v.fget, v.fset)
        elif isinstance(v, _pytypes.FunctionType):
            info.methods[k] = v
        elif isinstance(v, classmethod):
            raise TypeError(f"jitclass '{name}': class methods are not supported ('{k}'); use a static method")
        else:
            raise TypeError(
                f"jitclass '{name}': class attribute '{k}' ({type(v).__name__}) is not supported; "
                "jitclass members are fields (in the spec), methods, properties and static methods"
            )


def _generated(qualname: str, src: str, globs: dict) -> _pytypes.FunctionType:
    """A function from generated source, registered in `linecache` so the
    front end (and tracebacks) can read it."""
    filename = f"<oxjit jitclass {qualname} #{next(_counter)}>"
    lines = src.splitlines(keepends=True)
    linecache.cache[filename] = (len(src), None, lines, filename)
    ns: dict = {}
    exec(compile(src, filename, "exec"), globs, ns)  # noqa: S102 -- our own generated source
    f = next(v for v in ns.values() if isinstance(v, _pytypes.FunctionType))
    f.__qualname__ = qualname
    return f


def _constructor(box: JitClassType, init: Callable | None) -> _pytypes.FunctionType:
    """`def Name(<__init__'s parameters but self>): return Name(...)`, compiled."""
    name = box.__name__
    globs = {"__oxjit_cls": box}
    if init is None:
        return _generated(name, "def __oxjit_new():\n    return __oxjit_cls()\n", globs)
    params = list(inspect.signature(init).parameters.values())[1:]
    head, call, defaults, kwdefaults = [], [], [], {}
    star = False
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            head.append(p.name if p.default is p.empty else f"{p.name}=None")
            call.append(p.name)
            if p.default is not p.empty:
                defaults.append(p.default)
        elif p.kind is p.VAR_POSITIONAL:
            head.append(f"*{p.name}")
            call.append(f"*{p.name}")
            star = True
        elif p.kind is p.KEYWORD_ONLY:
            if not star:
                head.append("*")
                star = True
            head.append(p.name if p.default is p.empty else f"{p.name}=None")
            call.append(f"{p.name}={p.name}")
            if p.default is not p.empty:
                kwdefaults[p.name] = p.default
        else:
            raise TypeError(f"jitclass '{name}': __init__ cannot take **{p.name}")
    src = f"def __oxjit_new({', '.join(head)}):\n    return __oxjit_cls({', '.join(call)})\n"
    f = _generated(name, src, globs)
    f.__defaults__ = tuple(defaults) or None
    f.__kwdefaults__ = kwdefaults or None
    return f


def _field_setter(box_name: str, field: str) -> Any:
    """The compiled `obj.field = value` a field descriptor writes through."""
    put = _generated(f"{box_name}.{field}", f"def put(self, value):\n    self.{field} = value\n", {})
    return njit(put)


def _make(cls: type, spec: Any) -> JitClassType:
    if not isinstance(cls, type):
        raise TypeError(f"jitclass() decorates a class, not {type(cls).__name__}")
    fields = _fields(cls, spec)
    info = _ClassInfo(cls.__name__)
    _members(cls, info, {f for f, _ in fields})
    ns: dict[str, Any] = {
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
        "__slots__": (),
        "__oxjit_class__": info,
    }
    for k, fn in info.methods.items():
        if k != "__init__":
            ns[k] = njit(fn)
    for k, (g, s) in info.properties.items():
        ns[k] = property(njit(g), None if s is None else njit(s), doc=g.__doc__)
    for k, fn in info.statics.items():
        ns[k] = staticmethod(njit(fn))
    box = JitClassType(cls.__name__, (_native.JitInstance,), ns)
    info.number = _native.register_jitclass(box, cls.__name__)
    CLASSES[info.number] = box
    box.class_type = ClassType(box, fields)
    box._oxjit_ctor = njit(_constructor(box, info.methods.get("__init__")))
    pending = list(fields)

    def define() -> None:
        if not pending:
            return
        for f, t in pending:
            if "deferred_type" in str(t):
                raise TypeError(
                    f"jitclass '{cls.__name__}': the deferred type of field '{f}' is not defined yet; "
                    "call its define(...) before using the class"
                )
        _native.define_jitclass(info.number, [(f, str(t)) for f, t in pending])
        info.field_texts = [[f, str(t)] for f, t in pending]
        info.field_classes = [c for _, t in pending for c in _held_classes(t)]
        for f, _ in pending:
            # Read from the instance's memory, written through compiled code.
            setattr(box, f, _native.JitField(info.number, f, _field_setter(cls.__name__, f)))
        pending.clear()

    info.define = define
    if not any("deferred_type" in str(t) for _, t in fields):
        define()
    return box


def _held_classes(t: Any) -> list[JitClassType]:
    """The jitclasses whose instances a field of type `t` holds."""
    if isinstance(t, _types.DeferredType):
        return _held_classes(t.get()) if t.defined else []
    if isinstance(t, _types.Optional):
        return _held_classes(t.type)
    return [t.jitclass] if isinstance(t, InstanceType) else []


def jitclass(cls_or_spec: Any = None, spec: Any = None):
    """Compile a class's methods and hold its instances in compiled code
    (Numba's ``numba.experimental.jitclass``).

    ``@jitclass(spec)``, ``@jitclass`` (fields from annotations) and
    ``jitclass(cls, spec)``, as Numba's. ``spec`` lists the fields as
    ``(name, type)`` pairs or a dict; annotated fields it does not name are
    added. A field's type is a type object (``float64``, ``int64[:]``,
    ``ListType(float64)``, ``Other.class_type.instance_type``,
    ``deferred_type()`` for a class holding its own instances), another
    jitclass, or ``int``/``float``/``bool``/``complex``.

    The class may have methods (``__init__`` included), properties and static
    methods, all compiled (class methods and other class attributes raise
    ``TypeError``). The result is a new class of the same name: calling it
    runs the compiled constructor, fields are read from the instance's memory
    and written through compiled code, and ``Cls.class_type.instance_type`` is
    its instances' type for signatures and other specs. With
    ``OXJIT_DISABLE_JIT=1`` the class is returned unchanged.
    """
    from . import config

    if isinstance(cls_or_spec, type):
        return cls_or_spec if config.DISABLE_JIT else _make(cls_or_spec, spec)
    spec = cls_or_spec if spec is None else spec

    def wrap(cls: type) -> JitClassType:
        return cls if config.DISABLE_JIT else _make(cls, spec)

    return wrap
