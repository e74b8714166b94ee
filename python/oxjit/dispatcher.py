"""The ``jit``/``njit`` decorators and the Python face of the native dispatcher.

Calls go straight to ``oxjit._native.Dispatcher.__call__`` (Rust): argument
typing, overload lookup, unboxing and boxing happen there. This class only adds
binding of defaults/keywords (slow path) and the inspection API.
"""

from __future__ import annotations

import functools
import inspect
import linecache
import os
import sys
import types
import warnings
from typing import Any, Callable

from . import _cache, _native, _pickling, config
from . import types as _types

# Every option Numba's @jit accepts. Those not implemented are accepted and
# ignored (documented in the README), never rejected.
_KNOWN_OPTIONS = {
    "nopython",
    "forceobj",
    "looplift",
    "nogil",
    "cache",
    "boundscheck",
    "fastmath",
    "error_model",
    "parallel",
    "inline",
    "locals",
    "debug",
    "target",
    "_nrt",
    "no_rewrites",
    "no_cpython_wrapper",
    "no_cfunc_wrapper",
    "pipeline_class",
    "_dbg_optnone",
    "_dbg_extend_lifetimes",
    "writable_args",
    "opt",
}


def _env_flag(*names: str) -> bool | None:
    for n in names:
        v = os.environ.get(n)
        if v is not None and v.strip() != "":
            return v.strip() not in ("0", "false", "False", "no")
    return None


class Dispatcher(_native.Dispatcher):
    """A jitted function: compiles one native specialisation per argument-type
    combination on first use (or eagerly from signatures)."""

    def __init__(self, py_func: Callable, nparams: int, *args: Any, **options: Any) -> None:
        self.__oxjit_py_func__ = py_func
        functools.update_wrapper(self, py_func)
        self._signature = inspect.signature(py_func)
        self._options = options
        _native._install_vectorcall(self)

    def _bind(self, args: tuple, kwargs: dict | None) -> tuple:
        try:
            bound = self._signature.bind(*args, **(kwargs or {}))
        except TypeError as e:
            # CPython's own wording: binding fails before the body runs.
            try:
                self.py_func(*args, **(kwargs or {}))
            except TypeError as cpython:
                raise cpython.with_traceback(None) from None
            raise TypeError(f"{self.__name__}() {e}") from None
        bound.apply_defaults()
        out = []
        for name, p in self._signature.parameters.items():
            v = bound.arguments[name]
            if p.kind is inspect.Parameter.VAR_POSITIONAL:
                out.extend(v)
            else:
                out.append(v)
        return tuple(out)

    def __get__(self, obj, objtype=None):
        # Like a function: accessing through an instance binds it.
        if obj is None:
            return self
        return types.MethodType(self, obj)

    def __repr__(self) -> str:
        return f"CPUDispatcher({self.py_func!r})"

    # --- pickling (multiprocessing, Dask) ----------------------------------

    def __reduce__(self):
        return _pickling.reduce(self, self.py_func, _rebuild, self._jit_sigs, self._jit_options)

    def __deepcopy__(self, memo: dict) -> Dispatcher:
        # A compiled function is immutable from Python: the same object.
        return self

    def __dask_tokenize__(self) -> tuple:
        return ("oxjit.Dispatcher", _pickling.token("njit", self.py_func, self._jit_sigs, sorted(self._jit_options.items(), key=repr)))

    # --- inspection (Numba's API) ------------------------------------------

    @property
    def signatures(self) -> list[tuple]:
        return [tuple(_types.from_string(a) for a in args) for args, _, _, _ in self._overloads()]

    @property
    def nopython_signatures(self) -> list:
        return [
            _types.Signature(_types.from_string(ret), tuple(_types.from_string(a) for a in args))
            for args, ret, _, _ in self._overloads()
        ]

    @property
    def overloads(self) -> dict:
        out = {}
        for args, ret, typed, ir in self._overloads():
            key = tuple(_types.from_string(a) for a in args)
            sig = _types.Signature(_types.from_string(ret), key)
            out[key] = _CompileResult(sig, typed, ir)
        return out

    def _select(self, signature):
        ovs = self._overloads()
        if signature is None:
            return list(range(len(ovs)))
        want = tuple(str(a) for a in signature)
        return [i for i, (args, _, _, _) in enumerate(ovs) if tuple(args) == want]

    def inspect_types(self, file=None, signature=None, pretty=False, style="default") -> None:
        file = file or sys.stdout
        ovs = self._overloads()
        for i in self._select(signature):
            args, ret, typed, _ = ovs[i]
            print(f"{self.__name__} ({', '.join(args)}) -> {ret}", file=file)
            print("-" * 80, file=file)
            try:
                src = inspect.getsource(self.py_func)
            except (OSError, TypeError):
                src = ""
            print(src, file=file)
            print(typed, file=file)
            print("=" * 80, file=file)

    def parallel_diagnostics(self, signature=None, level=1, file=None) -> None:
        """Print, for each compiled signature, which `prange` loops and array
        expressions run on the worker pool and why a loop stays serial
        (level 2 and up also lists the reductions and private variables)."""
        if not getattr(self, "_parallel", False):
            raise ValueError("parallel_diagnostics() needs a function compiled with parallel=True")
        file = file or sys.stdout
        ovs = self._overloads()
        for i in self._select(signature):
            args = ovs[i][0]
            print(f"Parallel diagnostics for {self.__name__} ({', '.join(args)}):", file=file)
            notes = self._parallel_notes(i)
            if not notes:
                print("  no prange loop or parallel array expression", file=file)
            for note in notes:
                if level < 2:
                    note = note.split("; reductions:")[0]
                print(f"  {note}", file=file)

    def inspect_llvm(self, signature=None):
        ovs = self._overloads()
        if signature is not None:
            idx = self._select(signature)
            return ovs[idx[0]][3] if idx else None
        return {tuple(_types.from_string(a) for a in ovs[i][0]): ovs[i][3] for i in range(len(ovs))}

    def inspect_asm(self, signature=None):
        ovs = self._overloads()
        if signature is not None:
            idx = self._select(signature)
            return self._asm(idx[0]) if idx else None
        return {tuple(_types.from_string(a) for a in ovs[i][0]): self._asm(i) for i in range(len(ovs))}

    def compile(self, sig) -> None:
        """Compile eagerly for a signature (string or type objects)."""
        self._compile_signature(_sig_text(sig))

    @property
    def stats(self) -> _cache.CacheStats:
        """Numba's ``stats``: the ``cache=True`` directory (None without a
        cache) and this process's cache hits and misses."""
        hits, misses = self._cache_stats()
        return _cache.CacheStats(getattr(self, "_cache_dir", None), hits, misses)


_native._install_fast_call(Dispatcher)


class _CompileResult:
    def __init__(self, signature, typed: str, llvm_ir: str):
        self.signature = signature
        self.typed = typed
        self.llvm_ir = llvm_ir
        self.entry_point = None

    def __repr__(self) -> str:
        return f"<compiled {self.signature}>"


def _sig_text(sig) -> str:
    if isinstance(sig, str):
        return sig
    if isinstance(sig, _types.Signature):
        return str(sig)
    if isinstance(sig, tuple):
        return "(" + ", ".join(map(str, sig)) + ")"
    raise TypeError(
        f"a signature must be a string, a signature object or a tuple of types, not {type(sig).__name__}"
    )


def _keep_source(func: Callable) -> None:
    """Keep the lines of the function's file as they are when it is decorated:
    an edit to the file afterwards never changes what compiles (the bytecode
    `py_func` runs is the decorated one too)."""
    try:
        filename = func.__code__.co_filename
        if filename in ("<stdin>", "<string>"):
            return  # the prompt's and exec's inputs share a name: found when compiling
        lines = linecache.getlines(filename, func.__globals__)
        if lines:
            func.__oxjit_source__ = lines
    except (AttributeError, TypeError):
        pass


def _rebuild(state: dict, sigs: list | None, options: dict) -> Dispatcher:
    """A dispatcher pickled by value, decorated again in this process."""
    return _make(_pickling.rebuild_function(state), sigs, options)


def _make(func: Callable, sigs: list | None, options: dict) -> Dispatcher:
    unknown = set(options) - _KNOWN_OPTIONS
    if unknown:
        raise KeyError(f"unrecognized jit options: {', '.join(sorted(unknown))}")
    if not callable(func) or not hasattr(func, "__code__"):
        raise TypeError(f"jit() needs a Python function, got {type(func).__name__}")
    _keep_source(func)
    place = _cache.place(func, stacklevel=4) if options.get("cache") else None
    boundscheck = options.get("boundscheck")
    if boundscheck is None:
        boundscheck = _env_flag("OXJIT_BOUNDSCHECK", "NUMBA_BOUNDSCHECK") or False
    error_model = options.get("error_model", "python")
    if error_model not in ("python", "numpy"):
        raise ValueError(f"error_model must be 'python' or 'numpy', not {error_model!r}")
    nopython = bool(options.get("nopython", False)) and not options.get("forceobj", False)
    code = func.__code__
    nparams = code.co_argcount
    if code.co_flags & inspect.CO_VARARGS or code.co_kwonlyargcount:
        nparams = 1 << 30  # always bind in Python
    opt = int(options.get("opt", os.environ.get("OXJIT_OPT", 3)))
    d = Dispatcher(
        func,
        nparams,
        bool(options.get("fastmath", False)),
        bool(boundscheck),
        error_model == "numpy",
        nopython,
        bool(options.get("nogil", False)),
        max(0, min(3, opt)),
        bool(options.get("parallel", False)),
    )
    d._parallel = bool(options.get("parallel", False))
    if place is not None:
        d._enable_cache(*place)
        d._cache_dir = place[0]
    # What a by-value pickle decorates again with.
    d._jit_sigs = [_sig_text(s) for s in sigs] if sigs else None
    d._jit_options = {k: v for k, v in options.items() if k != "cache"}
    if sigs:
        for s in sigs:
            d._compile_signature(_sig_text(s))
        d._freeze()
    return d


def jit(
    signature_or_function=None, locals=None, cache=False, pipeline_class=None, boundscheck=None, **options
):
    """Compile a function to native code (Numba's ``jit``).

    ``@jit``, ``@jit(option=...)`` and ``jit(f, option=...)`` compile on the
    first call and again for each new combination of argument types.
    ``@jit(sig)`` or ``@jit([sig, ...])`` compile when the function is
    decorated, and only for those signatures: a signature is a string
    (``"float64(float64, int64[:])"``), a signature object
    (``float64(float64, int64[:])``) or a tuple of argument types. Arguments
    are converted to a compiled signature they fit; others raise ``TypeError``.

    Returns a ``Dispatcher``, called like the function, with ``py_func``,
    ``signatures``, ``overloads``, ``compile()``, ``inspect_types()``,
    ``inspect_llvm()``, ``inspect_asm()`` and ``parallel_diagnostics()``. With
    ``OXJIT_DISABLE_JIT=1`` (``oxjit.config.DISABLE_JIT``) it returns the
    function itself.

    Options with an effect:

    ``nopython`` (default False)
        False: a function that cannot be compiled runs as plain Python, with an
        ``ObjectModeWarning`` carrying the diagnostic. True (what ``njit``
        sets): ``oxjit.errors.TypingError``, a ``TypeError``, is raised.
    """
    options.update(cache=cache, boundscheck=boundscheck)
    if locals is not None:
        options["locals"] = locals
    if pipeline_class is not None:
        options["pipeline_class"] = pipeline_class
    if callable(signature_or_function) and not isinstance(signature_or_function, (str, _types.Type)):
        if config.DISABLE_JIT:
            return signature_or_function
        return _make(signature_or_function, None, options)
    sigs = signature_or_function
    if sigs is not None and not isinstance(sigs, list):
        sigs = [sigs]

    def wrapper(func: Callable) -> Dispatcher:
        if config.DISABLE_JIT:
            # `OXJIT_DISABLE_JIT=1`: the Python function itself (a debugger steps through it).
            return func
        return _make(func, sigs, options)

    return wrapper


def njit(*args, **kwargs):
    """Compile a function to native code, raising if it cannot be compiled
    (Numba's ``njit``: ``jit`` with ``nopython=True``).

    ``@njit``, ``@njit(option=...)`` and ``njit(f, option=...)`` compile on
    the first call and again for each new combination of argument types.
    ``@njit(sig)`` or ``@njit([sig, ...])`` compile when the function is
    decorated, and only for those signatures: a signature is a string
    (``"float64(float64, int64[:])"``), a signature object
    (``float64(float64, int64[:])``) or a tuple of argument types. Arguments
    are converted to a compiled signature they fit; others raise ``TypeError``.

    Returns a ``Dispatcher``, called like the function, with ``py_func``,
    ``signatures``, ``overloads``, ``compile()``, ``inspect_types()``,
    ``inspect_llvm()``, ``inspect_asm()`` and ``parallel_diagnostics()``. A
    function that cannot be compiled raises ``oxjit.errors.TypingError`` (a
    ``TypeError``) with a diagnostic pointing at the source. With
    ``OXJIT_DISABLE_JIT=1`` (``oxjit.config.DISABLE_JIT``) it returns the
    function itself. Passing ``nopython`` warns (``RuntimeWarning``) and is
    ignored.

    Options with an effect:

    """
    if "nopython" in kwargs:
        warnings.warn("nopython is set for njit and is ignored", RuntimeWarning, stacklevel=2)
    kwargs["nopython"] = True
    return jit(*args, **kwargs)


# The options `jit` and `njit` share (after `jit`'s `nopython`), written once.
_OPTIONS_DOC = """
    ``parallel`` (default False)
        ``prange`` loops and large array expressions run on the worker pool
        (``oxjit.set_num_threads``, ``OXJIT_NUM_THREADS``);
        ``f.parallel_diagnostics()`` tells which, and why a loop stays serial.
    ``fastmath`` (default False)
        Float arithmetic may be reordered and contracted and is assumed free
        of NaN and inf; transcendental functions use vector routines (a few
        ulp). NaN tests (``math.isnan``, ``np.isnan``, ``x != x``) still work.
        A set of flag names (Numba's ``{"nsz", "arcp"}``) counts as True.
    ``forceobj`` (default False)
        True turns ``nopython`` off (in ``njit`` too). There is no object mode:
        the function is still compiled when it can be, and otherwise runs as
        plain Python with an ``ObjectModeWarning``.
    ``nogil`` (default False)
        Release the GIL while the compiled code runs.
    ``boundscheck`` (default None)
        True: an out-of-bounds index raises ``IndexError``. False: indices are
        not checked (an out-of-bounds one reads garbage or crashes). None: the
        ``OXJIT_BOUNDSCHECK``/``NUMBA_BOUNDSCHECK`` environment variable
        decides, unchecked if unset.
    ``error_model`` (``'python'``, the default, or ``'numpy'``)
        ``'python'``: division by zero raises ``ZeroDivisionError``.
        ``'numpy'``: it gives inf or nan (0 for integer ``//`` and ``%``).
        Any other value raises ``ValueError``.
    ``cache`` (default False)
        True: compiled code is written to ``__pycache__`` next to the source
        file (or under ``OXJIT_CACHE_DIR``/``NUMBA_CACHE_DIR``), and later
        processes link it instead of compiling. Any edit to the function, to a
        jitted function it calls or to a global it reads recompiles. A
        function defined in no file warns (``CacheWarning``) and compiles in
        each process. ``f.stats`` counts hits and misses.
    ``opt`` (0 to 3; default ``OXJIT_OPT`` or 3)
        LLVM's optimisation level (oxjit's own option).

    Accepted for compatibility with Numba and ignored: ``locals``, ``looplift``,
    ``inline``, ``debug``, ``target``, ``pipeline_class``, ``no_rewrites``,
    ``no_cpython_wrapper``, ``no_cfunc_wrapper``, ``writable_args``, ``_nrt``,
    ``_dbg_optnone``, ``_dbg_extend_lifetimes``. Any other keyword raises
    ``KeyError`` when the function is decorated.
"""
jit.__doc__ = (jit.__doc__ or "").rstrip() + "\n" + _OPTIONS_DOC.strip("\n")
njit.__doc__ = (njit.__doc__ or "").rstrip() + "\n\n" + _OPTIONS_DOC.strip("\n")
