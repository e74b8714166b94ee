"""pytest plugin: run Numba's own test modules against oxjit.

Load with ``python3 -m pytest -p tests.numba_suite.plugin --pyargs numba.tests.test_xxx``
from the repository root (``python3 -m tests.numba_suite`` does this per module).

At import time, before pytest imports any of Numba's test modules, it replaces
``numba.jit``/``njit``/``vectorize``/``guvectorize`` (and the same names in
``numba.core.decorators``, ``numba.np.ufunc`` and ``numba.np.ufunc.decorators``)
with adapters that compile with oxjit. The rest of Numba (``numba.types``,
``typeof``, the test support code) stays Numba's own: the tests use it to build
signatures and expectations.

The adapters
  * accept Numba's calling forms (``njit(f)``, ``njit(sig)(f)``, ``jit((types.int32,), **flags)(f)``,
    ``jit(nopython=True)``, lists of signatures, signature strings) and translate Numba type
    objects into oxjit's signature text;
  * refuse ``forceobj=True`` (Numba's object mode) with :class:`NumbaInternalsOnly`;
  * re-raise oxjit's typing errors as classes that also derive from Numba's
    ``TypingError``/``UnsupportedError``, so ``assertRaises(numba.core.errors.TypingError)``
    sees a compile-time refusal as one (the message stays oxjit's).

With ``OXJIT_NBSUITE_OUT=path`` set, every test start and outcome is appended to
``path`` as JSON lines (read by :mod:`tests.numba_suite.runner`). With
``OXJIT_NBSUITE_DESELECT=path`` (one node id a line) those tests are deselected (used
to resume a module after a crash or a hang).
"""

from __future__ import annotations

import functools
import itertools
import json
import linecache
import os
import sys
import traceback

import numba  # noqa: F401  -- imported fully (numba.typed etc.) before anything is patched
import numba.core.decorators as _nb_decorators
import numba.core.errors as _nb_errors
import numba.np.ufunc as _nb_ufunc
import numba.np.ufunc.decorators as _nb_ufunc_decorators
import numba.tests.support as _nb_support
import numba.typed  # noqa: F401
import oxjit
import oxjit.errors as _ox_errors
from numba.core import types as _nbt
from numba.core.typing.templates import Signature as _NbSignature

# ---------------------------------------------------------------------------
# Adapter errors (the runner's classifier keys on these class names)
# ---------------------------------------------------------------------------


class AdapterError(Exception):
    """The adapter could not express a Numba request in oxjit terms."""


class NumbaInternalsOnly(AdapterError):
    """The request only makes sense for Numba's own machinery (object mode, ...)."""


class UnmappableType(AdapterError):
    """A Numba type in a signature has no oxjit counterpart."""

    def __init__(self, nbtype, feature: bool):
        self.nbtype = nbtype
        self.feature = feature  # True: a data type oxjit lacks; False: a Numba-internal type
        kind = "missing feature" if feature else "numba internal"
        super().__init__(f"numba type {nbtype!r} ({type(nbtype).__name__}) has no oxjit equivalent [{kind}]")


# ---------------------------------------------------------------------------
# Numba types -> oxjit signature text
# ---------------------------------------------------------------------------

# Numba types that are data oxjit does not (yet) have: a missing feature, not an internal.
_FEATURE_TYPES = tuple(
    getattr(_nbt, n)
    for n in (
        "UnicodeType",
        "CharSeq",
        "UnicodeCharSeq",
        "List",
        "ListType",
        "Reflected",
        "DictType",
        "Set",
        "Record",
        "NestedArray",
        "NPDatetime",
        "NPTimedelta",
        "Optional",
        "EnumMember",
        "IntEnumMember",
        "NamedUniTuple",
        "NamedTuple",
        "Bytes",
        "ByteArray",
        "RangeType",
        "SliceType",
        "EllipsisType",
    )
    if hasattr(_nbt, n)
)


def type_text(t) -> str:
    """oxjit's spelling of a Numba type (or a string passed through)."""
    if isinstance(t, str):
        return t
    if isinstance(t, oxjit.types.Type):
        return str(t)
    if isinstance(t, _nbt.Literal):
        return type_text(t.literal_type)
    if isinstance(t, (_nbt.Boolean, _nbt.Integer, _nbt.Float, _nbt.Complex)):
        return str(t)
    if isinstance(t, _nbt.NoneType):
        return "none"
    if isinstance(t, _nbt.Array) and type(t) is _nbt.Array:
        prefix = "" if t.mutable else "readonly "
        return f"{prefix}array({type_text(t.dtype)}, {t.ndim}d, {t.layout})"
    if isinstance(t, _nbt.UniTuple) and type(t) is _nbt.UniTuple:
        return f"UniTuple({type_text(t.dtype)} x {t.count})"
    if isinstance(t, _nbt.Tuple) and type(t) is _nbt.Tuple:
        return "Tuple(" + ", ".join(type_text(x) for x in t.types) + ")"
    raise UnmappableType(t, isinstance(t, _FEATURE_TYPES))


def sig_text(sig) -> str:
    """oxjit's spelling of one Numba signature: a string, a Signature or a tuple of argument types."""
    if isinstance(sig, str):
        return sig
    if isinstance(sig, _NbSignature):
        args = ", ".join(type_text(a) for a in sig.args)
        ret = sig.return_type
        return f"{type_text(ret)}({args})" if ret is not None else f"({args})"
    if isinstance(sig, (tuple, list)):
        return "(" + ", ".join(type_text(a) for a in sig) + ")"
    if isinstance(sig, oxjit.types.Signature):
        return str(sig)
    raise UnmappableType(sig, False)


def _sig_list(sigs) -> list[str] | None:
    if sigs is None:
        return None
    if isinstance(sigs, list):
        return [sig_text(s) for s in sigs]
    return [sig_text(sigs)]


# ---------------------------------------------------------------------------
# Error translation: oxjit's compile errors also count as Numba's
# ---------------------------------------------------------------------------

_translated: dict[type, type] = {}


def _numba_twin(cls: type) -> type | None:
    if not issubclass(cls, _ox_errors.TypingError):
        return None
    twin = _translated.get(cls)
    if twin is None:
        nb = (
            _nb_errors.UnsupportedError
            if issubclass(cls, _ox_errors.UnsupportedError)
            else _nb_errors.TypingError
        )
        twin = type(
            cls.__name__, (cls, nb), {"__module__": "oxjit.errors.as_numba", "__str__": Exception.__str__}
        )
        _translated[cls] = twin
    return twin


def _translate(e: BaseException) -> BaseException | None:
    twin = _numba_twin(type(e))
    if twin is None:
        return None
    new = twin.__new__(twin)
    new.args = e.args
    new.msg = str(e)
    new.__traceback__ = e.__traceback__
    return new


class Jitted:
    """Numba-facing wrapper of an oxjit dispatcher (or ufunc): forwards everything,
    translating oxjit's typing errors into Numba-compatible ones."""

    def __init__(self, target, py_func):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "__oxjit_py_func__", py_func)
        functools.update_wrapper(self, py_func, updated=())

    def __call__(self, *args, **kwargs):
        try:
            return self._target(*args, **kwargs)
        except _ox_errors.TypingError as e:
            new = _translate(e)
            raise new.with_traceback(e.__traceback__) from None

    def __getattr__(self, name):
        return getattr(self._target, name)

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __repr__(self) -> str:
        return f"CPUDispatcher({self.py_func!r})"


def _reject_options(options: dict) -> None:
    if options.get("forceobj"):
        raise NumbaInternalsOnly("jit(forceobj=True): Numba's object mode is not part of oxjit")


def _compile(func, sigs, options):
    if isinstance(func, Jitted):
        func = func.py_func
    try:
        d = oxjit.jit(sigs, **options)(func) if sigs else oxjit.jit(**options)(func)
    except _ox_errors.TypingError as e:
        new = _translate(e)
        raise new.with_traceback(e.__traceback__) from None
    return Jitted(d, func)


def jit(
    signature_or_function=None, locals=None, cache=False, pipeline_class=None, boundscheck=None, **options
):
    """Numba's ``jit`` compiled by oxjit. Numba >= 0.59 defaults to nopython mode."""
    _reject_options(options)
    options.pop("nopython", None)
    if options.pop("_nrt", True) is False:
        pass  # NRT-less compilation is a Numba code-generation detail; oxjit always has its runtime
    opts = dict(options, nopython=True, cache=cache, boundscheck=boundscheck)
    if locals:
        opts["locals"] = locals
    if pipeline_class is not None:
        raise NumbaInternalsOnly("jit(pipeline_class=...): a Numba compiler pipeline")
    if callable(signature_or_function) and not isinstance(
        signature_or_function, (str, _nbt.Type, oxjit.types.Type, tuple, list)
    ):
        return _compile(signature_or_function, None, opts)
    sigs = _sig_list(signature_or_function)

    def wrapper(func):
        return _compile(func, sigs, opts)

    return wrapper


def njit(*args, **kwargs):
    kwargs.pop("nopython", None)
    return jit(*args, **kwargs)


def _ufunc_sig_list(sigs):
    if sigs is None:
        return None
    if not isinstance(sigs, list):
        sigs = [sigs]
    return [sig_text(s) for s in sigs]


def vectorize(ftylist_or_function=(), **kws):
    """Numba's ``vectorize`` compiled by oxjit."""
    _reject_options(kws)
    kws.pop("nopython", None)
    if callable(ftylist_or_function) and not isinstance(ftylist_or_function, (str, list, tuple, _nbt.Type)):
        return oxjit.vectorize(**kws)(ftylist_or_function)
    sigs = _ufunc_sig_list(ftylist_or_function) if ftylist_or_function != () else None
    return oxjit.vectorize(sigs, **kws) if sigs else oxjit.vectorize(**kws)


def guvectorize(*args, **kws):
    """Numba's ``guvectorize`` compiled by oxjit (``guvectorize(sigs, layout)`` or ``guvectorize(layout)``)."""
    _reject_options(kws)
    kws.pop("nopython", None)
    if args and not isinstance(args[0], str) or len(args) >= 2:
        sigs = _ufunc_sig_list(args[0])
        return oxjit.guvectorize(sigs, *args[1:], **kws)
    return oxjit.guvectorize(*args, **kws)


# ---------------------------------------------------------------------------
# Patching
# ---------------------------------------------------------------------------

_counter = itertools.count()


def compile_function(name, code, globs):
    """``numba.tests.support.compile_function`` with a source oxjit can read back:
    the code gets a unique pseudo-file registered in ``linecache``."""
    filename = f"<nbsuite-compiled-{next(_counter)}>"
    text = code.rstrip() + "\n"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    co = compile(text, filename, "exec")
    ns: dict = {}
    exec(co, globs, ns)
    return ns[name]


def install() -> None:
    for mod in (numba, _nb_decorators):
        mod.jit = jit
        mod.njit = njit
    for mod in (numba, _nb_ufunc, _nb_ufunc_decorators):
        mod.vectorize = vectorize
        mod.guvectorize = guvectorize
    _nb_support.compile_function = compile_function


install()


# ---------------------------------------------------------------------------
# Result recording
# ---------------------------------------------------------------------------

_OUT = os.environ.get("OXJIT_NBSUITE_OUT")


def _emit(record: dict) -> None:
    if not _OUT:
        return
    with open(_OUT, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
        f.flush()
        os.fsync(f.fileno())


def pytest_collection_modifyitems(session, config, items):
    path = os.environ.get("OXJIT_NBSUITE_DESELECT")
    if not path or not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        drop = {line.strip() for line in f if line.strip()}
    keep = [it for it in items if it.nodeid not in drop]
    gone = [it for it in items if it.nodeid in drop]
    if gone:
        config.hook.pytest_deselected(items=gone)
    items[:] = keep


def pytest_runtest_logstart(nodeid, location):
    _emit({"event": "start", "nodeid": nodeid})


def _frames(tb) -> list[str]:
    out = []
    for fs in traceback.extract_tb(tb)[-8:]:
        out.append(f"{os.path.basename(fs.filename)}:{fs.lineno}:{fs.name}")
    return out


def _chain(exc: BaseException) -> list[dict]:
    seen = []
    while exc is not None and len(seen) < 4:
        seen.append({"type": f"{type(exc).__module__}.{type(exc).__qualname__}", "message": str(exc)[:3000]})
        exc = exc.__cause__ or exc.__context__
    return seen


import pytest  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    rec = {"event": "report", "nodeid": item.nodeid, "when": call.when, "outcome": rep.outcome}
    if hasattr(rep, "wasxfail"):
        rec["xfail"] = True
    if call.excinfo is not None and rep.outcome != "passed":
        exc = call.excinfo.value
        rec["chain"] = _chain(exc)
        rec["frames"] = _frames(call.excinfo.tb)
        if rep.outcome == "skipped":
            rec["chain"] = rec["chain"][:1]
    _emit(rec)


def pytest_sessionfinish(session, exitstatus):
    _emit({"event": "finish", "exitstatus": int(exitstatus)})


if __name__ == "__main__":  # pragma: no cover
    print(sys.modules[__name__].__doc__)
