"""Pickling jitted functions and lazy ufuncs, so that `multiprocessing`,
`concurrent.futures` and Dask can send them to other processes.

An object importable as itself (a module-level `@njit` function) pickles by
reference: its module and qualified name, as plain functions do. Any other
(a closure, a lambda, a function defined inside a function, or one whose name
was rebound) pickles by value: its code object (`marshal`, so the receiving
interpreter must be the same Python version), the globals it reads (modules
by name), its closure values, defaults, options, explicit signatures and its
source lines. Unpickled, it is decorated again and compiles in the new
process on first use; the source lines let the front end read it where the
file does not exist.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib
import linecache
import marshal
import sys
import types
from typing import Any, Callable


class _ModuleRef:
    """A module a pickled function reads, by name."""

    def __init__(self, name: str):
        self.name = name

    def __reduce__(self) -> tuple:
        return (_ModuleRef, (self.name,))


def by_reference(obj: Any) -> str | None:
    """The qualified name `obj` is importable by, if looking it up in its
    module gives `obj` itself."""
    module = sys.modules.get(getattr(obj, "__module__", None) or "")
    qualname = getattr(obj, "__qualname__", "") or ""
    if module is None or not qualname or "<" in qualname:
        return None
    target: Any = module
    for part in qualname.split("."):
        target = getattr(target, part, None)
        if target is None:
            return None
    return qualname if target is obj else None


def reduce(obj: Any, func: Callable, rebuild: Callable, *args: Any) -> str | tuple:
    """`obj.__reduce__()` of a jitted object made from `func`: its name when
    importable, else `rebuild(state of func, *args)`."""
    name = by_reference(obj)
    if name is not None:
        return name
    return (rebuild, (function_state(func), *args))


def _names(code: types.CodeType) -> set[str]:
    """The global names a code object and the code nested in it read."""
    out = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out |= _names(c)
    return out


def _freeze(v: Any) -> Any:
    return _ModuleRef(v.__name__) if isinstance(v, types.ModuleType) else v


def _thaw(v: Any) -> Any:
    return importlib.import_module(v.name) if isinstance(v, _ModuleRef) else v


def function_state(func: Callable) -> dict:
    """What rebuilds `func` in another process."""
    code = func.__code__
    glob = func.__globals__
    cells = []
    for c in func.__closure__ or ():
        try:
            cells.append(("value", _freeze(c.cell_contents)))
        except ValueError:  # an empty cell (a name bound later in the enclosing function)
            cells.append(("empty", None))
    return {
        "code": marshal.dumps(code),
        "name": func.__name__,
        "qualname": func.__qualname__,
        "module": func.__module__,
        "doc": func.__doc__,
        "defaults": func.__defaults__,
        "kwdefaults": func.__kwdefaults__,
        "globals": {n: _freeze(glob[n]) for n in sorted(_names(code)) if n in glob},
        "closure": cells,
        "lines": linecache.getlines(code.co_filename, glob),
    }


def rebuild_function(state: dict) -> types.FunctionType:
    code = marshal.loads(state["code"])
    lines = state["lines"]
    if lines and not linecache.getlines(code.co_filename):
        # The source where the file is not (another machine, an interpreter's input).
        linecache.cache[code.co_filename] = (sum(map(len, lines)), None, lines, code.co_filename)
    glob: dict[str, Any] = {"__builtins__": builtins, "__name__": state["module"]}
    glob.update({k: _thaw(v) for k, v in state["globals"].items()})
    closure = None
    if state["closure"]:
        closure = tuple(
            types.CellType(_thaw(v)) if kind == "value" else types.CellType() for kind, v in state["closure"]
        )
    f = types.FunctionType(code, glob, state["name"], state["defaults"], closure)
    f.__qualname__ = state["qualname"]
    f.__kwdefaults__ = state["kwdefaults"]
    f.__module__ = state["module"]
    f.__doc__ = state["doc"]
    return f


def token(kind: str, func: Callable, *extra: Any) -> str:
    """A deterministic token (Dask's `__dask_tokenize__`): the same function,
    options and signatures give the same token in every process."""
    code = func.__code__
    text = "".join(linecache.getlines(code.co_filename, func.__globals__)) or repr(code.co_code)
    h = hashlib.sha256()
    for part in (kind, func.__module__, func.__qualname__, str(code.co_firstlineno), text, repr(extra)):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def install_ufunc_reducer(rebuild: Callable) -> None:
    """Eager ``@vectorize``/``@guvectorize`` objects are NumPy ufuncs, which
    NumPy pickles by name: one made inside a function would not unpickle.
    Ours pickle by value unless importable by name (``rebuild(kind, state of
    the kernel, signatures, identity or layout, target, fastmath)``); every
    other ufunc goes to NumPy's own reducer."""
    import copyreg

    import numpy as np

    from . import _native

    numpy_reduce = copyreg.dispatch_table.get(np.ufunc)
    if getattr(numpy_reduce, "_oxjit", False):
        return

    def reduce_ufunc(u: Any) -> str | tuple:
        recipe = _native._ufunc_recipe(u)
        if recipe is not None:
            kind, func, *rest = recipe
            module = sys.modules.get(getattr(func, "__module__", None) or "")
            if module is None or getattr(module, u.__name__, None) is not u:
                return (rebuild, (kind, function_state(func), *rest))
        if numpy_reduce is not None:
            return numpy_reduce(u)
        return u.__reduce__()

    reduce_ufunc._oxjit = True  # type: ignore[attr-defined]
    copyreg.pickle(np.ufunc, reduce_ufunc)
