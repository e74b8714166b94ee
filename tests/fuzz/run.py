"""Runs generated programs under CPython and oxjit and classifies the difference.

Categories:

- ``ok``: same value (or both raised the same exception class).
- ``mismatch``: different value, type, dtype or shape (of the result or of a mutated argument).
- ``exception-mismatch``: only one side raised, or the classes differ.
- ``unsupported``: oxjit refused to compile (``TypingError``/``UnsupportedError``) a program the
  generator believed supported. Not a wrong answer; a gap to look at.
- ``internal-error``: oxjit raised ``InternalCompilerError`` (a bug by definition).
- ``deviation``: CPython's behaviour is one oxjit documents as deliberately different; skipped.
  See ``DEVIATIONS``.
- ``crash``: the worker process died of a signal (segfault, abort) on this seed.
- ``timeout``: the worker produced nothing for ``TIMEOUT`` seconds on this seed.

Value comparison is exact: same Python type, NaN equals NaN, ``0.0`` and ``-0.0`` differ, arrays
by dtype, shape and values. Accepted equivalences:

1. oxjit returns every scalar as a Python scalar (like Numba); CPython gives NumPy scalars from
   array elements, reductions and NumPy scalar arguments. A NumPy scalar equals a Python one of
   its kind (``np.bool_`` ~ ``bool``, ``np.integer`` ~ ``int``, ``np.floating`` ~ ``float``,
   ``np.complexfloating`` ~ ``complex``) when ``.item()`` equals it exactly (so a float32 result
   must be the float32 value, widened).
2. Tolerances are per operation, named in ``TOLERANCES``, and apply only to the returned items the
   generator tagged (``Program.tolerant``), never to the rest of the result.

A named tuple must come back as its own class (``type(got) is type(want)``). A program may define
a jitclass: the plain class keeps its name (``K``) and the jitclass is bound to another (``JK``);
CPython's run (``reference``) binds that name to the plain class, whose field writes convert the
value as the spec says and as Numba does (``int``/``bool`` to ``float64`` give a float, a float to
``int64`` truncates toward zero, ``int32`` wraps, ``complex128`` makes a complex, an int outside
int64 raises the documented ``OverflowError``).
Instances (returned, or passed in and mutated) are compared by class name and fields.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import os
import subprocess
import sys
import threading
import time
import traceback
import types
import warnings

import numpy as np

from . import gen

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
TIMEOUT = 120.0
CHUNK = 150  # programs per worker process (bounds the JIT's memory)
TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.environ.get("OXJIT_FUZZ_DIR", "/tmp/fuzzer/progs")

CATEGORIES = ["ok", "mismatch", "exception-mismatch", "unsupported", "internal-error", "deviation", "crash",
              "timeout"]
BUGS = ("mismatch", "exception-mismatch", "internal-error", "crash", "timeout")

# (exception class, message fragment, reason): CPython outcomes oxjit documents as different.
DEVIATIONS = [
    (ValueError, "math domain error", "semantics row 16: math domain errors give IEEE results"),
    (OverflowError, "math range error", "semantics row 16: math range errors give IEEE results"),
    (OverflowError, "Numerical result out of range", "semantics row 16: float ** overflow gives inf"),
    (ZeroDivisionError, "0.0 cannot be raised to a negative power", "README: 0.0 ** -1.0 is inf"),
    (OverflowError, "int too large", "semantics row 1: integers are int64"),
    (OverflowError, "integer too large", "semantics row 1: integers are int64"),
    (OverflowError, "out of bounds for", "semantics row 1-3: Python int operand outside the NumPy dtype"),
]

INT64_WHY = "semantics row 1: integers are int64 (CPython went outside int64 on the way)"

# Named tolerances: tag -> relative/absolute tolerance in units of the dtype's epsilon.
# pairwise-sum: NumPy sums >= 8 float terms pairwise (8 partial sums), oxjit left to right; the
# project accepts the different rounding (semantics row 20: no reassociation, NumPy's own order
# is an implementation detail). Scale: |a - b| <= 64 eps (|a| + |b| + 16).
TOLERANCES = {"pairwise-sum": 64}

# Mismatches that are documented deviations when the program uses one of these features (checked by
# comparing again under the named equivalence; docs/semantics.md has each row):
# - simd-ulp: NumPy's SIMD loops (SVML-derived on AVX-512) for these functions differ from the C library
#   oxjit calls in the last ulps: values within 4 ulps are accepted.
#   (Relative to the larger magnitude or 1, so a cancellation after the function keeps its excuse.)
# - zero-sign: which of -0.0 and 0.0 NumPy's SIMD min/max reductions return depends on its vector
#   width and unrolling: results that differ only in the sign of a zero are accepted.
# - min/max ties: np.maximum/minimum/fmax/fmin of -0.0 and 0.0 return either, by NumPy's loop (even
#   within one call); CPython's run is repeated with ties going to the second argument, as in
#   oxjit, and a result that then agrees is the documented deviation (the sign may travel on).
# - NaN sign: the sign bit of a NaN made by an invalid operation (`inf % 5`) is not specified;
#   `math.copysign` makes it visible: results of equal magnitude and opposite sign are accepted.
SIMD_ULP_FEATURES = ("np.exp", "np.sin", "np.log1p", "np.arctan2", "array ** ", " ** array")
# - memory order: array expression results are C-ordered (NumPy and Numba keep an F input's order;
#   docs/semantics.md, "Known differences being fixed"), so a product or sum of one walks its
#   elements in another order: last bits, as for SIMD ulps.
ORDER_FEATURES = ("layout F", "method .T", "method .transpose()")
ORDER_REDUCTIONS = ("reduce prod", "reduce sum float", "reduce mean float")
ZERO_SIGN_FEATURES = ("reduce min", "reduce max", "np.maximum", "np.minimum", "np.fmax")
TIE_FEATURES = ("np.maximum", "np.minimum", "np.fmax", "np.fmin")


# ---------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------

def _py_scalar(x):
    if isinstance(x, np.generic):
        return x.item()
    return x


def _field_value(spec: str | None, value):
    """A value stored in a jitclass field of type ``spec``, converted as Numba does."""
    if spec == "float64":
        return float(value)
    if spec in ("int64", "int32"):
        v = int(value)  # a float truncates toward zero
        if not INT64_MIN <= v <= INT64_MAX:
            raise OverflowError("Python int too large to convert to an int64 field")
        return v if spec == "int64" else (v + 2**31) % 2**32 - 2**31  # int32 wraps
    if spec == "bool":
        return bool(value)
    if spec == "complex128":
        return complex(value)
    return value


def _plain_class(box, plain: type) -> type:
    """``plain`` (the class body a jitclass was made from), converting field writes as ``box``'s spec."""
    struct = {k: str(t) for k, t in box.class_type.struct.items()}

    def __setattr__(self, name, value):
        object.__setattr__(self, name, _field_value(struct.get(name), value))

    return type(plain.__name__, (plain,), {"__setattr__": __setattr__, "__oxjit_fields__": tuple(struct),
                                           "__qualname__": plain.__qualname__, "__module__": plain.__module__})


def reference(mod):
    """``mod.f`` and ``mod.make_args`` for CPython's run: each global jitclass (``JK``) bound to the
    plain class it was made from (the module's global of the jitclass's own name, ``K``)."""
    from oxjit._jitclass import JitClassType

    boxes = {name: v for name, v in vars(mod).items() if isinstance(v, JitClassType)}
    if not boxes:
        return mod.f, mod.make_args
    g = dict(vars(mod))
    for name, box in boxes.items():
        plain = g.get(box.__name__)
        if not isinstance(plain, type) or isinstance(plain, JitClassType):
            raise ValueError(f"jitclass {name}: no plain class {box.__name__} in the module")
        g[name] = _plain_class(box, plain)

    def rebind(fn):
        return types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)

    return rebind(mod.f), rebind(mod.make_args)


def _is_instance(x) -> bool:
    """A jitclass instance (oxjit's box) or an instance of a plain class standing in for one."""
    return hasattr(type(x), "__oxjit_fields__") or hasattr(type(x), "__oxjit_class__")


def _compared_args(args) -> tuple:
    """The arguments a call may mutate: arrays and jitclass instances."""
    return tuple(a for a in args if isinstance(a, np.ndarray) or _is_instance(a))


def _close(a: float, b: float, eps: float, tol: str | None) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if tol == "zero-sign":
        return a == b
    if tol in (None, "int-float") or math.isinf(a) or math.isinf(b):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if tol == "simd-ulp":
        return abs(a - b) <= 32 * eps * max(abs(a), abs(b), 1.0)
    if tol == "nan-sign":
        return abs(a) == abs(b)
    k = TOLERANCES[tol]
    return abs(a - b) <= k * eps * (abs(a) + abs(b) + 16)


def _out_of_int64(x) -> bool:
    if isinstance(x, tuple):
        return any(_out_of_int64(y) for y in x)
    return type(x) is int and not (INT64_MIN <= x <= INT64_MAX)


def diff(want, got, tol: str | None = None, path: str = "result") -> str | None:
    """None if equal under the accepted equivalences, else a description of the difference."""
    if isinstance(want, np.ndarray) or isinstance(got, np.ndarray):
        if not (isinstance(want, np.ndarray) and isinstance(got, np.ndarray)):
            return f"{path}: {type(want).__name__} vs {type(got).__name__}"
        if want.dtype != got.dtype:
            return f"{path}: dtype {want.dtype} vs {got.dtype}"
        if want.shape != got.shape:
            return f"{path}: shape {want.shape} vs {got.shape}"
        eps = float(np.finfo(want.dtype).eps) if want.dtype.kind in "fc" else 0.0
        for idx in np.ndindex(want.shape):
            d = diff(want[idx], got[idx].item(), tol, f"{path}[{', '.join(map(str, idx))}]") \
                if eps else (None if want[idx] == got[idx] else f"{path}{list(idx)}: {want[idx]!r} vs {got[idx]!r}")
            if d:
                return d
        return None
    if _is_instance(want) or _is_instance(got):
        if not (hasattr(type(want), "__oxjit_fields__") and hasattr(type(got), "__oxjit_class__")
                and type(want).__name__ == type(got).__name__):
            return f"{path}: {type(want).__name__} vs {type(got).__name__}"
        for name in type(want).__oxjit_fields__:
            d = diff(getattr(want, name), getattr(got, name), tol, f"{path}.{name}")
            if d:
                return d
        return None
    if isinstance(want, tuple) or isinstance(got, tuple):
        if not (isinstance(want, tuple) and isinstance(got, tuple) and len(want) == len(got)):
            return f"{path}: {want!r} vs {got!r}"
        if type(want) is not type(got):  # a named tuple comes back as its class
            return f"{path}: {type(want).__name__} vs {type(got).__name__}"
        for i, (w, g) in enumerate(zip(want, got)):
            d = diff(w, g, tol, f"{path}[{i}]")
            if d:
                return d
        return None
    eps = 2.0**-52
    if isinstance(want, np.generic):
        if want.dtype.kind in "fc":
            eps = float(np.finfo(want.dtype).eps)
        want = want.item()  # equivalence 1
    if type(want) is not type(got):
        if tol == "int-float" and type(want) is int and type(got) is float and want == got:
            return None
        return f"{path}: {want!r} ({type(want).__name__}) vs {got!r} ({type(got).__name__})"
    if isinstance(want, float):
        ok = _close(want, got, eps, tol)
    elif isinstance(want, complex):
        ok = _close(want.real, got.real, eps, tol) and _close(want.imag, got.imag, eps, tol)
    else:
        ok = want == got
    return None if ok else f"{path}: {want!r} vs {got!r}"


# ---------------------------------------------------------------------------
# running one program
# ---------------------------------------------------------------------------

def load(source: str, name: str, extra: dict | None = None):
    os.makedirs(SCRATCH, exist_ok=True)
    path = os.path.join(SCRATCH, f"{name}_{os.getpid()}.py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(f"{name}_{os.getpid()}", path)
    mod = importlib.util.module_from_spec(spec)
    mod.__dict__.update(extra or {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # the reducer's candidates may be odd
        spec.loader.exec_module(mod)
    return mod, path


def _call(fn, args):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return ("ok", fn(*args), args)
        except Exception as e:  # noqa: BLE001 - every exception is compared
            return ("raise", type(e), str(e)[:300])


class _TiesToSecond:
    """numpy, except that np.maximum/minimum/fmax/fmin give ties (-0.0 vs 0.0) to the second argument."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def _ties(f):
        def g(a, b, *args, **kw):
            r = f(a, b, *args, **kw)
            a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
            r2 = np.where(a == b, b, r).astype(np.asarray(r).dtype)
            return r2[()] if r2.ndim == 0 else r2
        return g


for _name in TIE_FEATURES:
    setattr(_TiesToSecond, _name[3:], staticmethod(_TiesToSecond._ties(getattr(np, _name[3:]))))


def _rerun_with_ties(source: str, name: str):
    """CPython's (result, arrays after) with np.maximum & co. breaking ties as oxjit does."""
    mod, path = load(source, name + "_ties")
    try:
        mod.np = _TiesToSecond()
        f, make_args = reference(mod)
        out = _call(f, make_args())
    finally:
        os.unlink(path)
    if out[0] != "ok":
        return None
    return out[1], _compared_args(out[2])


def _documented(want, got, tolerant: dict, features, source: str | None = None,
                name: str = "prog") -> str | None:
    """The deviation a result mismatch is explained by, if any (see SIMD_ULP_FEATURES)."""
    def same(tol, w=want):
        (wr, wa), (gr, ga) = w, got
        return diff_result(wr, gr, tolerant, tol) is None and diff(wa, ga, tol) is None
    if same("int-float"):
        # A variable has one type: `v = -2.25; v = 3` or `max(5, 1e-09)` is a float (as in Numba).
        return "semantics: int and float unify to float"
    if any(f.startswith(ZERO_SIGN_FEATURES) for f in features) and same("zero-sign"):
        return "semantics: the sign of a zero from NumPy's SIMD min/max"
    if any(k in f for f in features for k in SIMD_ULP_FEATURES) and same("simd-ulp"):
        return "semantics: NumPy's SIMD transcendental functions differ in the last ulps"
    if any(f in ORDER_FEATURES for f in features) and any(f.startswith(ORDER_REDUCTIONS) for f in features) \
            and same("simd-ulp"):
        return "known difference: array expression results are C-ordered (reductions in another order)"
    if any(f.startswith("math.copysign") for f in features) and same("nan-sign"):
        return "semantics: the sign of a NaN from an invalid operation is not specified"
    if source is not None and any(f in TIE_FEATURES for f in features):
        tied = _rerun_with_ties(source, name)
        if tied is not None and len(tied[1]) == len(want[1]) and same(None, tied):
            return "semantics: which of -0.0 and 0.0 np.maximum & co. return for equal values"
    return None


class Int64Overflow(Exception):
    """CPython computed a Python int outside int64 (oxjit's integers are int64: documented)."""


def _ck(x):
    if type(x) is int and not INT64_MIN <= x <= INT64_MAX:
        raise Int64Overflow(x)
    return x


class _CheckInts(ast.NodeTransformer):
    """Wraps every operator result (and `name op= value`) in `_ck`."""

    def _wrap(self, node):
        return ast.Call(ast.Name("_ck", ast.Load()), [node], [])

    def visit_BinOp(self, node):
        return self._wrap(self.generic_visit(node))

    def visit_UnaryOp(self, node):
        return self._wrap(self.generic_visit(node))

    def visit_AugAssign(self, node):
        node = self.generic_visit(node)
        if not isinstance(node.target, ast.Name):
            return node
        value = ast.BinOp(ast.Name(node.target.id, ast.Load()), node.op, node.value)
        return ast.Assign([node.target], self._wrap(value))


def int64_overflows(source: str, name: str) -> bool:
    """Whether CPython's run of the program computes an int outside int64 along the way."""
    tree = ast.fix_missing_locations(_CheckInts().visit(ast.parse(source)))
    mod, path = load(ast.unparse(tree), name + "_ck", {"_ck": _ck})
    try:
        f, make_args = reference(mod)
        return _call(f, make_args())[1] is Int64Overflow
    finally:
        os.unlink(path)


def caught_deviation(source: str, name: str) -> str | None:
    """A documented deviation CPython raised on the way and the program caught (`try`/`except`):
    oxjit computes the IEEE value there and goes on another path, as documented."""
    if "try:" not in source:
        return None
    mod, path = load(source, name + "_tr")
    seen = []

    def tracer(frame, event, arg):
        if event == "exception":
            seen.append(arg[:2])
        return tracer

    try:
        f, make_args = reference(mod)
        args = make_args()
        sys.settrace(tracer)
        try:
            _call(f, args)
        finally:
            sys.settrace(None)
    finally:
        os.unlink(path)
    for cls, value in seen:
        for dcls, frag, why in DEVIATIONS:
            if issubclass(cls, dcls) and frag in str(value):
                return f"{why} (caught by the program)"
    return None


def check_source(source: str, tolerant: dict | None = None, name: str = "prog", features=()) -> dict:
    """Runs one program text; returns {"category", "detail", ...}."""
    from oxjit import njit
    from oxjit.errors import OxjitError, TypingError

    mod, path = load(source, name)
    try:
        tolerant = tolerant if tolerant is not None else getattr(mod, "TOLERANT", {})
        f, make_args = reference(mod)
        want = _call(f, make_args())
        jf = njit(mod.f)
        args = _call(mod.make_args, ())  # jitclass instances are built by compiled code
        got = _call(jf, args[1]) if args[0] == "ok" else args
        if got[0] == "raise" and issubclass(got[1], TypingError):
            return {"category": "unsupported", "detail": got[2].splitlines()[1] if "\n" in got[2] else got[2]}
        if got[0] == "raise" and issubclass(got[1], OxjitError):
            return {"category": "internal-error", "detail": f"{got[1].__name__}: {got[2]}"}
        if got[0] == "raise" and issubclass(got[1], ValueError) and "negative integer powers" in got[2]:
            # int ** negative int: CPython's result is a float, whose type would depend on a value.
            # (CPython does not raise there, so any exception of its own comes later.)
            return {"category": "deviation", "detail": "semantics: int ** negative int raises ValueError"}
        if got[0] == "raise" and issubclass(got[1], OverflowError) and "to a 64-bit integer" in got[2]:
            # A float outside int64 converted to int: CPython goes on with a big int (documented).
            return {"category": "deviation", "detail": "semantics: integers are int64 (int() of a value outside int64)"}
        if want[0] == "raise":
            for cls, frag, why in DEVIATIONS:
                if issubclass(want[1], cls) and frag in want[2]:
                    return {"category": "deviation", "detail": why}
            if got[0] == "raise" and got[1] is want[1]:
                return {"category": "ok", "detail": ""}
            g = f"{got[1].__name__}: {got[2]}" if got[0] == "raise" else f"returned {got[1]!r}"
            if int64_overflows(source, name):
                return {"category": "deviation", "detail": INT64_WHY}
            why = caught_deviation(source, name)
            if why:
                return {"category": "deviation", "detail": why}
            return {"category": "exception-mismatch", "detail": f"CPython raised {want[1].__name__}: {want[2]}; oxjit {g}",
                    "exc": [want[1].__name__, got[1].__name__ if got[0] == "raise" else "ok"]}
        if _out_of_int64(want[1]):
            return {"category": "deviation", "detail": "semantics row 1: result outside int64"}
        if got[0] == "raise" and int64_overflows(source, name):
            return {"category": "deviation", "detail": INT64_WHY}
        if got[0] == "raise" and caught_deviation(source, name):
            return {"category": "deviation", "detail": caught_deviation(source, name)}
        if got[0] == "raise":
            return {"category": "exception-mismatch",
                    "detail": f"CPython returned {want[1]!r}; oxjit raised {got[1].__name__}: {got[2]}",
                    "exc": ["ok", got[1].__name__]}
        d = diff_result(want[1], got[1], tolerant)
        after = (_compared_args(want[2]), _compared_args(got[2]))
        if d is None:  # arrays and instances the function may have mutated
            d = diff(*after, None, "array args after call")
        if d:
            why = _documented((want[1], after[0]), (got[1], after[1]), tolerant, features, source, name)
            if why:
                return {"category": "deviation", "detail": why}
            if int64_overflows(source, name):
                return {"category": "deviation", "detail": INT64_WHY}
            why = caught_deviation(source, name)
            if why:
                return {"category": "deviation", "detail": why}
            return {"category": "mismatch", "detail": d}
        return {"category": "ok", "detail": ""}
    finally:
        os.unlink(path)


def diff_result(want, got, tolerant: dict, tol: str | None = None):
    """diff of the returned values: the generator's tolerance tags per item, else `tol`."""
    if tolerant and isinstance(want, tuple) and isinstance(got, tuple) and len(want) == len(got):
        for i, (w, g) in enumerate(zip(want, got)):
            d = diff(w, g, tolerant.get(i, tol), f"result[{i}]")
            if d:
                return d
        return None
    return diff(want, got, tol)


def check_seed(seed: int, include_known: bool = False) -> dict:
    try:
        prog = gen.generate(seed, include_known)
    except Exception:  # noqa: BLE001 - a generator bug is reported, not fatal
        return {"seed": seed, "category": "generator-error", "detail": traceback.format_exc(limit=3)}
    try:
        res = check_source(prog.source, prog.tolerant, name=f"p{seed}", features=prog.features)
    except Exception:  # noqa: BLE001
        res = {"category": "runner-error", "detail": traceback.format_exc(limit=3)}
    res["seed"] = seed
    res["features"] = sorted(prog.features)
    return res


# ---------------------------------------------------------------------------
# batches in subprocesses
# ---------------------------------------------------------------------------

def worker_main(argv: list[str]) -> None:
    """``--worker start stop step [--include-known]``: one JSON line per seed, ``BEGIN`` first."""
    start, stop, step = (int(x) for x in argv[1:4])
    include_known = "--include-known" in argv
    out = sys.stdout
    for seed in range(start, stop, step):
        out.write(f"BEGIN {seed}\n")
        out.flush()
        res = check_seed(seed, include_known)
        out.write("RESULT " + json.dumps(res) + "\n")
        out.flush()


def _spawn(seeds: range, include_known: bool):
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from fuzz.run import worker_main; "
            "worker_main(sys.argv[1:])")
    cmd = [sys.executable, "-c", code, TESTS_DIR, str(seeds.start), str(seeds.stop), str(seeds.step)]
    if include_known:
        cmd.append("--include-known")
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=TESTS_DIR)


def run_seeds(seeds: range, include_known: bool, on_result) -> None:
    """Runs ``seeds`` in worker processes of CHUNK programs; a dead worker is a crash of its seed."""
    todo = list(seeds)
    while todo:
        chunk, todo = todo[:CHUNK], todo[CHUNK:]
        step = seeds.step
        rng = range(chunk[0], chunk[-1] + 1, step)
        proc = _spawn(rng, include_known)
        current = None
        done = set()
        last = [time.monotonic()]
        killed = [False]

        def watchdog(proc=proc, last=last, killed=killed):
            while proc.poll() is None:
                if time.monotonic() - last[0] > TIMEOUT:
                    killed[0] = True
                    proc.kill()
                    return
                time.sleep(1.0)

        threading.Thread(target=watchdog, daemon=True).start()
        for line in proc.stdout:
            last[0] = time.monotonic()
            if line.startswith("BEGIN "):
                current = int(line.split()[1])
            elif line.startswith("RESULT "):
                res = json.loads(line[7:])
                done.add(res["seed"])
                on_result(res)
                current = None
        rc = proc.wait()
        if current is not None:
            cat = "timeout" if killed[0] else "crash"
            on_result({"seed": current, "category": cat, "detail": f"worker exit status {rc}", "features": []})
            done.add(current)
        rest = [s for s in rng if s not in done]
        if rest:
            todo = rest + todo


def campaign(seed: int, count: int, jobs: int = 1, include_known: bool = False, category: str | None = None,
             progress: bool = False) -> tuple[dict, list[dict]]:
    """Runs seeds seed..seed+count-1 on ``jobs`` workers; returns (counts, failures)."""
    counts = {c: 0 for c in CATEGORIES}
    failures: list[dict] = []
    lock = threading.Lock()
    t0 = time.monotonic()

    def on_result(res):
        with lock:
            counts[res["category"]] = counts.get(res["category"], 0) + 1
            if res["category"] != "ok" and res["category"] != "deviation" and (
                    category is None or res["category"] == category):
                failures.append(res)
            n = sum(counts.values())
            if progress and n % 500 == 0:
                print(f"[{time.monotonic() - t0:7.1f}s] {n}/{count} {counts}", file=sys.stderr, flush=True)

    threads = [threading.Thread(target=run_seeds, args=(range(seed + j, seed + count, jobs), include_known, on_result))
               for j in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts, sorted(failures, key=lambda r: r["seed"])

