"""Python front end: turn a function into the JSON compilation unit.

The Rust side (`oxjit_syntax`: `Unit::from_json` in `lib.rs`, `hir::Reader`
in `hir.rs`) never sees Python objects. This module parses the function with
the running interpreter's own `ast` module, flattens the tree into nested
lists `[tag, line, col, end_line, end_col, fields...]`, freezes the globals
and closure cells the body reads, and follows references to other jitted
functions so that one unit holds everything a compile needs.

Positions are 1-based line numbers in the user's file and 0-based UTF-8 byte
columns into the original (not dedented) line, exactly as `ast` reports them
for the whole file; diagnostics render straight from them.

Anything Python accepts must produce a unit: syntax we do not compile becomes
an `Unsupported` node carrying a short description, which the type checker
reports at that span as "<description> is not supported in compiled code".
"""

from __future__ import annotations
import __future__

import ast
import builtins
import dis
import functools
import importlib
import inspect
import json
import linecache
import operator
import re
import sys
import threading
import types
import warnings
from typing import Any, Sequence

import numpy as np
import numpy.linalg

# NumPy's (major, minor): compiled code follows the running NumPy where its
# behaviour changed (NumPy 2.5: `np.linalg.eig` of a real matrix is complex).
_NUMPY_VERSION = [int(p) for p in np.__version__.split(".")[:2]]


def _textformat() -> types.ModuleType:
    """The template parser of `%` and `str.format`, imported when first
    needed (it imports `dataclasses`: 2 ms of a cached first call)."""
    mod = sys.modules.get(f"{__package__}._textformat" if __package__ else "_oxjit_textformat")
    if mod is not None:
        return mod
    if __package__:
        return importlib.import_module(f"{__package__}._textformat")
    # Loaded on its own from the source tree (tests/test_frontend.py,
    # scripts/fixture_units.py): its sibling by path.
    import importlib.util as _util

    spec = _util.spec_from_file_location("_oxjit_textformat", __file__.replace("_frontend.py", "_textformat.py"))
    assert spec is not None and spec.loader is not None
    mod = _util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


__all__ = ["build_unit", "build_unit_refs"]

Node = list  # a flattened HIR node: [tag, line, col, end_line, end_col, ...]

# Modules compiled code may name, by their `__name__` (registry::is_module).
_KNOWN_MODULES = frozenset({"math", "cmath", "random", "numpy", "numpy.random", "numpy.linalg", "oxjit", "numba"})
# Scanned (in this order; the first path found for an object wins) to name
# the callables they export. Builtins come first so `float` stays "float".
_CALLABLE_MODULES = ("math", "cmath", "random", "numpy", "numpy.random", "numpy.linalg")
# Dtypes the reader's `Dtype::from_name` knows, for frozen global arrays.
_ARRAY_DTYPES = frozenset(
    ["bool", *(f"{k}{n}" for k in ("int", "uint") for n in (8, 16, 32, 64))]
    + ["float32", "float64", "complex64", "complex128"]
)
# Global arrays up to this size are frozen as hex text and become IR constants
# (LLVM can fold their elements); larger ones are handed to the compiler by
# address, copied once, and read by address from compiled code.
INLINE_ARRAY_BYTES = 4096


# ---------------------------------------------------------------------------
# Source: find the def / lambda node and where its text sits in the file
# ---------------------------------------------------------------------------


def _parse_block(lines: list[str]) -> tuple[ast.Module, int]:
    """Parse a source block cut out of a file; return the tree and the number
    to add to the tree's line numbers to get line numbers within the block.

    An indented block (a method, an inner def) is parsed under an `if 1:`
    header instead of being dedented, so column offsets stay those of the
    original lines; this also copes with multi-line strings whose continuation
    lines are indented less than the def, which defeat `textwrap.dedent`.
    """
    text = "".join(lines)
    if lines and lines[0][:1] in (" ", "\t"):
        return ast.parse("if 1:\n" + text), -1
    return ast.parse(text), 0


# Only files holding jitted lambdas get here; a few entries at most.
_file_trees: dict[str, tuple[str, ast.Module | None]] = {}


def _parse_file(filename: str, lines: list[str]) -> ast.Module | None:
    """The whole file's tree (one cached per file), None if it does not parse
    (edited since it was imported, say)."""
    text = "".join(lines)
    cached = _file_trees.get(filename)
    if cached is not None and cached[0] == text:
        return cached[1]
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        tree = None
    _file_trees[filename] = (text, tree)
    return tree


def _code_arg_names(code: types.CodeType) -> tuple[str, ...]:
    # co_varnames starts with positional, keyword-only, *args, **kwargs names.
    n = code.co_argcount + code.co_kwonlyargcount
    n += bool(code.co_flags & inspect.CO_VARARGS)
    n += bool(code.co_flags & inspect.CO_VARKEYWORDS)
    return tuple(code.co_varnames[:n])


def _ast_arg_names(a: ast.arguments) -> tuple[str, ...]:
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    names += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
    return tuple(names)


def _pick_lambda(cands: list[ast.Lambda], code: types.CodeType, delta: int) -> ast.Lambda:
    """Among same-line lambdas with the same parameters, the innermost one
    whose body contains every instruction position of `code` (Python 3.11+
    records them; without them the first candidate wins)."""
    positions = [
        (l, c, el, ec)
        for l, el, c, ec in getattr(code, "co_positions", lambda: ())()
        if None not in (l, el, c, ec) and (el, ec) > (l, c)  # skips RESUME
    ]

    def contains(lam: ast.Lambda) -> bool:
        b = lam.body
        lo = (b.lineno + delta, b.col_offset)
        hi = (b.end_lineno + delta, b.end_col_offset)
        return all(lo <= (l, c) and (el, ec) <= hi for l, c, el, ec in positions)

    inside = [lam for lam in cands if contains(lam)]
    if not inside or not positions:
        return cands[0]
    return max(inside, key=lambda lam: (lam.lineno, lam.col_offset))


def _find_lambda(tree: ast.AST, code: types.CodeType, delta: int) -> ast.Lambda | None:
    want = _code_arg_names(code)
    cands = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Lambda)
        and n.lineno + delta == code.co_firstlineno
        and _ast_arg_names(n.args) == want
    ]
    return _pick_lambda(cands, code, delta) if cands else None


# What a module oxjit knows lacks (`np.sqroot`): see `_Converter.expr`.
_MISSING = object()


class _Source:
    """Where a function's node is: the node, the offset turning its line
    numbers into file lines, and the file lines to show in diagnostics."""

    def __init__(self, node: ast.AST, line_delta: int, first_line: int, lines: list[str]):
        self.node = node
        self.line_delta = line_delta
        self.first_line = first_line
        self.lines = [l.rstrip("\r\n") for l in lines]


# The linecache entries `_source_of` made, by filename.
_registered: dict[str, tuple] = {}


def _typed_in_input(code: types.CodeType, module_globals: dict) -> list[str] | None:
    """The source of a function defined where no file holds it: the code of
    `python -c`, or the interactive prompt's input (its readline history,
    as `dill.source` reads it): the lines of the last block that defines
    it, decorators first."""
    main = sys.modules.get("__main__")
    # Only code of `__main__` itself: `exec` of a string into another
    # namespace (as pytest-xdist's workers, themselves run by `-c`, do)
    # is not the `-c` program.
    from_c = main is not None and module_globals is vars(main)
    if code.co_filename == "<string>" and from_c and "-c" in sys.orig_argv[:-1]:
        return sys.orig_argv[sys.orig_argv.index("-c") + 1].splitlines(keepends=True)
    if code.co_filename != "<stdin>":
        return None
    try:
        import readline
    except ImportError:
        return None
    history = [readline.get_history_item(i) or "" for i in range(1, readline.get_current_history_length() + 1)]
    if code.co_name == "<lambda>":
        head = re.compile(r".*\blambda\b")
    else:
        head = re.compile(rf"(async\s+)?def\s+{re.escape(code.co_name)}\s*\(")
    for start in range(len(history) - 1, -1, -1):
        if not head.match(history[start]):
            continue
        first = start
        while first > 0 and history[first - 1].startswith("@"):
            first -= 1
        end = start + 1
        while end < len(history) and history[end][:1] in (" ", "\t"):
            end += 1
        block = [line + "\n" for line in history[first:end]]
        # The prompt numbers each input from 1: the block's first line.
        return ["\n"] * (code.co_firstlineno - 1) + block
    return None


# Reading source swaps `linecache` entries for a moment: one thread at a time.
_source_lock = threading.RLock()


def _source_of(py_func: types.FunctionType) -> _Source:
    """The function's source as it was when it was decorated (the lines the
    decorator kept), else as `linecache` has it now."""
    kept = getattr(py_func, "__oxjit_source__", None)
    filename = py_func.__code__.co_filename
    if not kept:
        with _source_lock:
            return _source_now(py_func)
    with _source_lock:
        before = linecache.cache.get(filename)
        # No modification time: `checkcache` leaves the entry alone.
        linecache.cache[filename] = (sum(map(len, kept)), None, kept, filename)
        try:
            return _source_now(py_func)
        finally:
            if before is None:
                linecache.cache.pop(filename, None)
            else:
                linecache.cache[filename] = before


def _source_now(py_func: types.FunctionType) -> _Source:
    code = py_func.__code__
    name = py_func.__qualname__
    # (Each input at the prompt is its own "<stdin>": looked up every time;
    # lines someone else registered under the name are left alone.)
    entry = linecache.cache.get(code.co_filename)
    typed = _typed_in_input(code, py_func.__globals__) if entry is None or entry is _registered.get(code.co_filename) else None
    if typed:
        entry = (sum(map(len, typed)), None, typed, code.co_filename)
        linecache.cache[code.co_filename] = _registered[code.co_filename] = entry
    elif entry is not None and entry is _registered.get(code.co_filename):
        # Lines registered for another function's input are not this one's.
        del linecache.cache[code.co_filename]
    try:
        if code.co_name == "<lambda>":
            return _lambda_source(code, name, py_func.__globals__)
        lines, first = _getsourcelines(code, py_func.__globals__)
    except (OSError, TypeError) as e:
        where = {"<string>": "a string given to exec() or compile()", "<stdin>": "input read from stdin"}
        if code.co_filename in where:
            raise ValueError(
                f"cannot read the source of {name}: it was defined in {where[code.co_filename]}, which "
                "keeps no source; put the function in a file (or register its lines with "
                "linecache.cache under the filename given to compile())"
            ) from None
        raise ValueError(f"cannot read the source of {name}: {e}") from None
    try:
        tree, delta = _parse_block(lines)
    except (SyntaxError, ValueError) as e:
        raise ValueError(f"cannot parse the source of {name}: {e}") from None
    # Breadth-first, so the outermost def of that name (not an inner one).
    for n in ast.walk(tree):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == code.co_name:
            _check_same_code(n, code, name)
            return _Source(n, first - 1 + delta, first, lines)
    if code.co_filename.startswith("<"):
        raise ValueError(_not_its_lines(name, code))
    raise ValueError(f"cannot find the definition of {name} in its source")


def _check_same_code(node: ast.AST, code: types.CodeType, name: str) -> None:
    """Lines found under a pseudo-filename (`<string>`, `<stdin>`), which
    several pieces of code may share, must be the function's own."""
    if code.co_filename.startswith("<") and not _same_code(node, code):
        raise ValueError(_not_its_lines(name, code))


def _not_its_lines(name: str, code: types.CodeType) -> str:
    return (
        f"cannot read the source of {name}: the lines registered for "
        f"{code.co_filename} are not the function's (one name for several pieces of "
        "code, as `exec` of strings and `python -c` share `<string>`); put the function "
        "in a file, or compile() it under a filename of its own"
    )


_FUTURE_FLAGS = functools.reduce(
    operator.or_, (getattr(__future__, f).compiler_flag for f in __future__.all_feature_names), 0
)


def _same_code(node: ast.AST, code: types.CodeType) -> bool:
    """Whether `node` compiles to `code`'s bytecode: a check of lines found
    under a pseudo-filename (`<string>`, `<stdin>`), which several pieces of
    code may share. Code with free variables compiles differently outside
    its enclosing function, so it is taken as it is."""
    if code.co_freevars or code.co_cellvars:
        return True
    # The function's own `from __future__` flags, not this module's.
    flags = code.co_flags & _FUTURE_FLAGS
    try:
        if isinstance(node, ast.Lambda):
            module = compile(ast.Expression(body=node), code.co_filename, "eval", flags, dont_inherit=True)
        else:
            tree = ast.Module(body=[node], type_ignores=[])
            module = compile(tree, code.co_filename, "exec", flags, dont_inherit=True)
    except (SyntaxError, ValueError, TypeError):
        return False
    for c in module.co_consts:
        if isinstance(c, types.CodeType) and c.co_name == code.co_name:
            return c.co_code == code.co_code and c.co_names == code.co_names
    return False


def _findsource(code: types.CodeType, module_globals: dict) -> tuple[list[str], int]:
    """`inspect.findsource` of a code object, without `inspect.getmodule`
    (which takes the real path of every module's file: 10 ms in a fresh
    process, more than the rest of a cached first call)."""
    # The module's globals only for its own file: linecache's lazy loader
    # would give the module's source for code compiled under another name.
    same_file = module_globals.get("__file__") == code.co_filename
    lines = linecache.getlines(code.co_filename, module_globals if same_file else None)
    if not lines:
        raise OSError("could not get source code")
    # As inspect does: from the code's first line (its first decorator)
    # back to the line that starts the definition.
    pat = re.compile(r"^(\s*def\s)|(\s*async\s+def\s)|(.*(?<!\w)lambda(:|\s))|^(\s*@)")
    lnum = code.co_firstlineno - 1
    if lnum >= len(lines):
        raise OSError("lineno is out of bounds")
    while lnum > 0 and not pat.match(lines[lnum]):
        lnum -= 1
    return lines, lnum


def _getsourcelines(code: types.CodeType, module_globals: dict) -> tuple[list[str], int]:
    """`inspect.getsourcelines` of a code object (no `__wrapped__` unwrapping).
    A `def` is cut by indentation first, which needs no tokenizer (whose
    first use compiles its regular expressions: 5 ms); when that block does
    not parse, `inspect.getblock` decides."""
    lines, lnum = _findsource(code, module_globals)
    block = _indented_block(lines, lnum)
    # The cut must reach the last line the code runs (a check of the cut,
    # whatever the comments, strings or continuations inside).
    if block is not None and lnum + len(block) >= _last_line(code):
        try:
            _parse_block(block)
            return block, lnum + 1
        except (SyntaxError, ValueError):
            pass
    return inspect.getblock(lines[lnum:]), lnum + 1


def _last_line(code: types.CodeType) -> int:
    """The last source line of `code` and the code objects nested in it."""
    last = code.co_firstlineno
    for _, line in dis.findlinestarts(code):
        if line is not None and line > last:
            last = line
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            last = max(last, _last_line(c))
    return last


def _indented_block(lines: list[str], lnum: int) -> list[str] | None:
    """Decorators, the `def` line and every following line that is blank, a
    comment (at any indentation) or indented deeper than the `def` (None
    unless it starts with `@` or `def`)."""

    def indent(s: str) -> int:
        return len(s) - len(s.lstrip())

    base = indent(lines[lnum])
    i = lnum
    while i < len(lines) and lines[i].lstrip().startswith("@") and indent(lines[i]) == base:
        i += 1
    if i >= len(lines) or not re.match(r"\s*(async\s+)?def\s", lines[i]) or indent(lines[i]) != base:
        return None
    end = i + 1
    last = end
    while end < len(lines):
        text = lines[end].strip()
        if text and not text.startswith("#") and indent(lines[end]) <= base:
            break
        end += 1
        if text and not text.startswith("#"):
            last = end
    return lines[lnum:last]


def _lambda_source(code: types.CodeType, name: str, module_globals: dict) -> _Source:
    # A lambda's "block" from inspect is cut mid-statement and often does not
    # parse on its own, so look for it in the whole file first.
    file_lines, _ = _findsource(code, module_globals)
    tree = _parse_file(code.co_filename, file_lines)
    lam = _find_lambda(tree, code, 0) if tree is not None else None
    if lam is not None:
        _check_same_code(lam, code, name)
        block = file_lines[lam.lineno - 1 : lam.end_lineno]
        return _Source(lam, 0, lam.lineno, block)
    lines, first = _getsourcelines(code, module_globals)
    try:
        tree, delta = _parse_block(lines)
    except (SyntaxError, ValueError) as e:
        raise ValueError(f"cannot parse the source of {name}: {e}") from None
    lam = _find_lambda(tree, code, first - 1 + delta)
    if lam is None and code.co_filename.startswith("<"):
        raise ValueError(_not_its_lines(name, code))
    if lam is None:
        raise ValueError(f"cannot find the lambda {name} in its source line")
    _check_same_code(lam, code, name)
    return _Source(lam, first - 1 + delta, first, lines)


# ---------------------------------------------------------------------------
# ast -> HIR lists (field orders follow hir::Reader)
# ---------------------------------------------------------------------------


def _by_class(descriptions: dict[str, str]) -> dict[type, str]:
    # By class name: `Match`, `TryStar`, `TypeAlias` only exist in newer Pythons.
    return {getattr(ast, k): v for k, v in descriptions.items() if hasattr(ast, k)}


# Parsed but never compiled; anything missing here gets a generic description.
# Each is a singular noun phrase: typeck says "<description> is not supported".
_UNSUPPORTED_STMTS = _by_class(
    {
        "ClassDef": "a class definition",
        "With": "a `with` statement",
        "AsyncWith": "`async with`",
        "AsyncFor": "`async for`",
        "Match": "a `match` statement",
        "Import": "`import` inside a compiled function",
        "ImportFrom": "`import` inside a compiled function",
        "Global": "a `global` declaration",
        "Nonlocal": "a `nonlocal` declaration",
        "TryStar": "`except*`",
        "TypeAlias": "a `type` alias",
    }
)
_UNSUPPORTED_EXPRS = _by_class(
    {
        "Await": "`await`",
        "Yield": "`yield`",
        "YieldFrom": "`yield from`",
        "NamedExpr": "the walrus operator `:=`",
        "Starred": "a starred expression",
    }
)


# The list a comprehension builds, and a key function's parameter: names no
# Python source can spell.
_COMPREHENSION_RESULT = "comprehension result"
_KEY_ITEM = "key item"


def _is_docstring(s: ast.stmt) -> bool:
    return isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str)


def _encodable(s: str) -> bool:
    # Lone surrogates cannot cross into Rust as UTF-8.
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Converter:
    """Flattens one function's tree; `names` collects every name it reads."""

    def __init__(
        self,
        line_delta: int,
        default_values: dict[str, Any] | None = None,
        module_globals: dict[str, types.ModuleType] | None = None,
    ):
        self.dl = line_delta
        self.names: set[str] = set()
        # The root def's evaluated defaults (parameter name -> value), taken
        # over the source text where they are literals: `lambda x, k=k: ...`
        # in a loop must see each k, not whatever the name means now.
        self.default_values = default_values or {}
        # Values the env freezes under names no Python code can spell: array
        # defaults ("bounds default") and attributes of modules oxjit does
        # not know ("qe.util.searchsorted"), resolved now as Numba resolves
        # a global module's attributes at compile time.
        self.bound: dict[str, Any] = {}
        # Global names (not shadowed anywhere in the function) bound to such
        # modules.
        self.module_globals = module_globals or {}
        # The function's globals and closure values (`typed.List` and friends).
        self.scope: dict[str, Any] = {}

    def span(self, n: ast.AST) -> list[int]:
        # Parsed nodes always carry positions; the fallbacks only keep a
        # malformed tree from raising.
        line = getattr(n, "lineno", None) or 1 - self.dl
        col = getattr(n, "col_offset", None) or 0
        end_line = getattr(n, "end_lineno", None) or line
        end_col = getattr(n, "end_col_offset", None)
        return [line + self.dl, col, end_line + self.dl, col if end_col is None else end_col]

    def node(self, tag: str, n: ast.AST, *fields: Any) -> Node:
        return [tag, *self.span(n), *fields]

    def unsupported(self, n: ast.AST, what: str) -> Node:
        return self.node("Unsupported", n, what)

    # -- functions --------------------------------------------------------

    def funcdef(
        self, fn: ast.AST, name: str, *, is_lambda: bool, problems: list[Node], root: bool = False
    ) -> Node:
        """`["Def", span, name, params, vararg, body, is_lambda]`; `problems`
        are Unsupported statements put first in the body, so the def still
        reads (and its other errors still show) but cannot compile."""
        a: ast.arguments = fn.args
        values = self.default_values if root else {}
        positional = a.posonlyargs + a.args
        defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
        # Keyword-only parameters are kept as parameters too, so the body's
        # uses of them do not pile up unknown-name errors on top.
        pairs = list(zip(positional, defaults)) + list(zip(a.kwonlyargs, a.kw_defaults))
        params = [self.param(p, d, values) for p, d in pairs]
        problems = list(problems)
        if a.posonlyargs:
            problems.append(self.param_unsupported(a.posonlyargs[0], "a positional-only parameter"))
        if a.kwonlyargs:
            problems.append(self.param_unsupported(a.kwonlyargs[0], "a keyword-only parameter"))
        if a.kwarg is not None:
            problems.append(self.param_unsupported(a.kwarg, "a `**kwargs` parameter"))
        if getattr(fn, "type_params", None):
            problems.append(self.unsupported(fn.type_params[0], "a type parameter"))
        vararg = a.vararg.arg if a.vararg is not None else None
        if is_lambda:
            body = [self.node("Return", fn.body, self.expr(fn.body))]
        else:
            stmts = list(fn.body)
            head: list[Node] = []
            if _is_docstring(stmts[0]):
                # Not code; kept as `pass` so the body is never empty.
                head = [self.node("Pass", stmts.pop(0))]
            body = head + self.stmts(stmts)
        return ["Def", *self.span(fn), name, params, vararg, problems + body, is_lambda]

    def param(self, p: ast.arg, default: ast.expr | None, values: dict[str, Any]) -> list:
        # The span covers the name only, not its annotation.
        l, c, _, _ = self.span(p)
        d = None
        if default is not None:
            if p.arg in values and isinstance(values[p.arg], np.ndarray):
                name = f"{p.arg} default"
                self.bound[name] = values[p.arg]
                d = self.node("Name", default, name)
            elif p.arg in values:
                d = self.literal(values[p.arg], default)
            if d is None:
                d = self.expr(default)
        return [p.arg, d, l, c, l, c + len(p.arg.encode("utf-8"))]

    def literal(self, v: Any, at: ast.AST) -> Node | None:
        """A constant value as a literal node spanning `at`; None if it has
        no literal form."""
        if isinstance(v, np.generic):
            v = v.item()
        if v is None:
            return self.node("None", at)
        if isinstance(v, bool):
            return self.node("Bool", at, v)
        if isinstance(v, int):
            return self.node("Int", at, str(int(v)))
        if isinstance(v, float):
            return self.node("Float", at, repr(float(v)))
        if isinstance(v, complex):
            re, im = self.node("Float", at, repr(v.real)), self.node("Imag", at, repr(v.imag))
            return self.node("Bin", at, "Add", re, im)
        if isinstance(v, str) and _encodable(v):
            return self.node("Str", at, str(v))
        if type(v) is tuple:
            items = [self.literal(x, at) for x in v]
            if all(x is not None for x in items):
                return self.node("Tuple", at, items)
        return None

    def param_unsupported(self, p: ast.arg, what: str) -> Node:
        l, c, _, _ = self.span(p)
        return ["Unsupported", l, c, l, c + len(p.arg.encode("utf-8")), what]

    def lambda_problem(self, a: ast.arguments) -> str | None:
        if a.kwonlyargs:
            return "a `lambda` with keyword-only arguments"
        if a.kwarg is not None:
            return "a `lambda` with `**kwargs`"
        if a.posonlyargs:
            return "a `lambda` with positional-only arguments"
        return None

    # -- statements -------------------------------------------------------

    def stmts(self, body: list[ast.stmt]) -> list[Node]:
        out: list[Node] = []
        for s in body:
            out.extend(self.stmt(s))
        return out

    def stmt(self, s: ast.stmt) -> list[Node]:
        """One statement as a list of HIR statements (usually one)."""
        node, ex = self.node, self.expr
        if isinstance(s, ast.Assign):
            return [node("Assign", s, [self.target(t) for t in s.targets], ex(s.value))]
        if isinstance(s, ast.AnnAssign):
            if s.value is None:  # `x: int` declares nothing at run time
                return [node("Pass", s)]
            return [node("Assign", s, [self.target(s.target)], ex(s.value))]
        if isinstance(s, ast.AugAssign):
            return [node("AugAssign", s, self.target(s.target), type(s.op).__name__, ex(s.value))]
        if isinstance(s, ast.Expr):
            return [node("Expr", s, ex(s.value))]
        if isinstance(s, ast.Return):
            return [node("Return", s, ex(s.value) if s.value is not None else None)]
        if isinstance(s, (ast.If, ast.While)):
            tag = "If" if isinstance(s, ast.If) else "While"
            return [node(tag, s, ex(s.test), self.stmts(s.body), self.stmts(s.orelse))]
        if isinstance(s, ast.For):
            return [
                node("For", s, self.target(s.target), ex(s.iter), self.stmts(s.body), self.stmts(s.orelse))
            ]
        if isinstance(s, ast.Delete):
            # `del x[k]` is `x.__delitem__(k)` (lists; jitclass instances).
            out = []
            for t in s.targets:
                if not isinstance(t, ast.Subscript):
                    out.append(self.unsupported(t, "`del` of a name or attribute"))
                    continue
                method = node("Attr", t, ex(t.value), "__delitem__")
                out.append(node("Expr", s, node("Call", t, method, [ex(t.slice)], None, [])))
            return out
        if isinstance(s, ast.Break):
            return [node("Break", s)]
        if isinstance(s, ast.Continue):
            return [node("Continue", s)]
        if isinstance(s, ast.Pass):
            return [node("Pass", s)]
        if isinstance(s, ast.Raise):
            if s.cause is not None:
                return [self.unsupported(s, "`raise ... from ...`")]
            return [node("Raise", s, ex(s.exc) if s.exc is not None else None)]
        if isinstance(s, ast.Assert):
            return [node("Assert", s, ex(s.test), ex(s.msg) if s.msg is not None else None)]
        if isinstance(s, ast.Try):
            handlers = [
                node("Handler", h, ex(h.type) if h.type is not None else None, h.name, self.stmts(h.body))
                for h in s.handlers
            ]
            return [
                node("Try", s, self.stmts(s.body), handlers, self.stmts(s.orelse), self.stmts(s.finalbody))
            ]
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self.inner_def(s)
        what = _UNSUPPORTED_STMTS.get(type(s), f"a `{type(s).__name__}` statement")
        return [self.unsupported(s, what)]

    def inner_def(self, s: ast.FunctionDef | ast.AsyncFunctionDef) -> list[Node]:
        # The def is kept even when it cannot compile, so later uses of its
        # name resolve instead of adding unknown-name errors.
        out = []
        if s.decorator_list:
            out.append(self.unsupported(s.decorator_list[0], "a decorator on an inner function"))
        problems = []
        if isinstance(s, ast.AsyncFunctionDef):
            problems.append(self.unsupported(s, "`async def`"))
        d = self.funcdef(s, s.name, is_lambda=False, problems=problems)
        out.append(self.node("FuncDef", s, d))
        return out

    # -- expressions ------------------------------------------------------

    def target(self, t: ast.expr) -> Node:
        """An assignment / loop target: like an expression, except that a
        starred element means starred assignment."""
        if isinstance(t, ast.Starred):
            return self.unsupported(t, "a starred assignment")
        if isinstance(t, (ast.Tuple, ast.List)):
            return self.node(
                "Tuple" if isinstance(t, ast.Tuple) else "List", t, [self.target(e) for e in t.elts]
            )
        if isinstance(t, ast.Attribute):
            # Never a module attribute frozen as a name (`mod.x = 1` must stay
            # an assignment to an attribute, which compiled code refuses).
            return self.node("Attr", t, self.expr(t.value), t.attr)
        return self.expr(t)

    def module_attribute(self, e: ast.Attribute) -> Node | None:
        """`lib.f` or `qe.util.f` where `lib`/`qe` is a global module oxjit
        does not know: the value the chain names, as one frozen name; None
        for any other attribute."""
        chain: list[str] = []
        base: ast.expr = e
        while isinstance(base, ast.Attribute):
            chain.append(base.attr)
            base = base.value
        if not (isinstance(base, ast.Name) and base.id in self.module_globals):
            return None
        chain.reverse()
        value: Any = self.module_globals[base.id]
        path = base.id
        for attr in chain:
            if not (isinstance(value, types.ModuleType) and value.__name__ not in _KNOWN_MODULES):
                break
            try:
                value = getattr(value, attr)
            except AttributeError:
                return None
            path += "." + attr
        rest = chain[path.count(".") :]
        self.bound[path] = value
        # The resolved prefix keeps the span of its own text.
        prefix: ast.expr = e
        for _ in rest:
            assert isinstance(prefix, ast.Attribute)
            prefix = prefix.value
        out = self.node("Name", prefix, path)
        for attr, at in zip(rest, reversed(_attribute_nodes(e, len(rest)))):
            out = self.node("Attr", at, out, attr)
        return out

    def expr(self, e: ast.expr) -> Node:
        node, ex = self.node, self.expr
        if isinstance(e, ast.Constant):
            return self.constant(e)
        if isinstance(e, ast.Name):
            if isinstance(e.ctx, ast.Load):
                self.names.add(e.id)
            return node("Name", e, e.id)
        if isinstance(e, ast.Attribute):
            resolved = self.module_attribute(e)
            if resolved is not None:
                return resolved
            base = self.resolve(e.value)
            if (
                isinstance(base, types.ModuleType)
                and base.__name__ in _KNOWN_MODULES
                and not hasattr(base, e.attr)
            ):
                # Typing says "no such attribute", not "unsupported" (an env
                # entry under the dotted path, which no Python name can be).
                self.bound[f"{base.__name__}.{e.attr}"] = _MISSING
            return node("Attr", e, ex(e.value), e.attr)
        if isinstance(e, ast.BinOp):
            left = e.left
            if isinstance(e.op, ast.Mod) and isinstance(left, ast.Constant) and isinstance(left.value, str):
                return self.percent_format(e, left.value)
            return node("Bin", e, type(e.op).__name__, ex(e.left), ex(e.right))
        if isinstance(e, ast.UnaryOp):
            return node("Unary", e, type(e.op).__name__, ex(e.operand))
        if isinstance(e, ast.BoolOp):
            return node("BoolOp", e, type(e.op).__name__, [ex(v) for v in e.values])
        if isinstance(e, ast.Compare):
            ops = [type(o).__name__ for o in e.ops]
            return node("Compare", e, ex(e.left), ops, [ex(c) for c in e.comparators])
        if isinstance(e, ast.IfExp):
            return node("IfExp", e, ex(e.test), ex(e.body), ex(e.orelse))
        if isinstance(e, ast.Call):
            return self.call(e)
        if isinstance(e, ast.Subscript):
            return node("Subscript", e, ex(e.value), ex(e.slice))
        if isinstance(e, ast.Slice):
            opt = [ex(x) if x is not None else None for x in (e.lower, e.upper, e.step)]
            return node("Slice", e, *opt)
        if isinstance(e, (ast.Tuple, ast.List)):
            if not isinstance(e.ctx, ast.Load):
                return self.target(e)
            return node("Tuple" if isinstance(e, ast.Tuple) else "List", e, [ex(x) for x in e.elts])
        if isinstance(e, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)):
            return self.comprehension(e)
        if isinstance(e, (ast.Dict, ast.Set)):
            return self.display(e)
        if isinstance(e, ast.JoinedStr):
            return self.fstring(e)
        if isinstance(e, ast.Lambda):
            what = self.lambda_problem(e.args)
            if what is not None:
                return self.unsupported(e, what)
            return node("Lambda", e, self.funcdef(e, "<lambda>", is_lambda=True, problems=[]))
        what = _UNSUPPORTED_EXPRS.get(type(e), f"a `{type(e).__name__}` expression")
        return self.unsupported(e, what)

    def builder(self, e: ast.expr, empty: str, body: list[Node]) -> Node:
        """A call of an inner function that makes `empty()` (`[]` for a list),
        runs `body` to fill it (its name is `_COMPREHENSION_RESULT`) and
        returns it: how displays and comprehensions of dicts and sets, and
        comprehensions of lists, are built. The function is its own scope, as
        a comprehension is in Python 3."""
        node = self.node
        acc = node("Name", e, _COMPREHENSION_RESULT)
        start = node("List", e, []) if empty == "list" else self.empty_call(e, empty)
        stmts = [node("Assign", e, [acc], start), *body, node("Return", e, acc)]
        fn = ["Def", *self.span(e), f"<{empty}comp>", [], None, stmts, True]
        return node("Call", e, node("Lambda", e, fn), [], None, [])

    def empty_call(self, e: ast.expr, builtin: str) -> Node:
        """`dict()` or `set()`: a call of what the name means in the function's
        module (the builtin, unless the module rebinds it)."""
        self.names.add(builtin)
        return self.node("Call", e, self.node("Name", e, builtin), [], None, [])

    def add_to_result(self, e: ast.expr, kind: str, item: ast.expr, value: ast.expr | None = None) -> Node:
        """The statement that puts one item into the result being built."""
        node = self.node
        acc = node("Name", item, _COMPREHENSION_RESULT)
        if kind == "dict":
            target = node("Subscript", item, acc, self.expr(item))
            return node("Assign", item, [target], self.expr(value))
        method = node("Attr", item, acc, "append" if kind == "list" else "add")
        return node("Expr", item, node("Call", item, method, [self.expr(item)], None, []))

    def comprehension(self, e: ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp) -> Node:
        """`[elt for x in it if c ...]` (and set, dict and generator forms) as
        loops that add to the result. A generator expression builds a list:
        compiled code consumes it whole (`sum`, `any`, `sorted`)."""
        node = self.node
        if any(g.is_async for g in e.generators):
            return self.unsupported(e, "an async comprehension")
        if isinstance(e, ast.DictComp):
            kind, body = "dict", [self.add_to_result(e, "dict", e.key, e.value)]
        else:
            kind = "set" if isinstance(e, ast.SetComp) else "list"
            body = [self.add_to_result(e, kind, e.elt)]
        for g in reversed(e.generators):
            for c in reversed(g.ifs):
                body = [node("If", c, self.expr(c), body, [])]
            body = [node("For", g.iter, self.target(g.target), self.expr(g.iter), body, [])]
        return self.builder(e, kind, body)

    def display(self, e: ast.Dict | ast.Set) -> Node:
        """`{k: v, ...}` and `{a, b}`: built item by item (left to right, as
        Python evaluates them); `{}` is `dict()`."""
        if isinstance(e, ast.Dict):
            if any(k is None for k in e.keys):
                return self.unsupported(e, "`**` unpacking in a dict display")
            if not e.keys:
                return self.empty_call(e, "dict")
            return self.builder(e, "dict", [self.add_to_result(e, "dict", k, v) for k, v in zip(e.keys, e.values)])
        if any(isinstance(x, ast.Starred) for x in e.elts):
            return self.unsupported(e, "`*` unpacking in a set display")
        return self.builder(e, "set", [self.add_to_result(e, "set", x) for x in e.elts])

    def fstring(self, e: ast.JoinedStr) -> Node:
        """`f"a{x:.2f}b{y!r}"` as `"a" + format(x, ".2f") + "b" + repr(y)`."""
        parts: list[Node] = []
        for v in e.values:
            if isinstance(v, ast.Constant):
                parts.append(self.node("Str", v, v.value))
                continue
            if not isinstance(v, ast.FormattedValue):
                return self.unsupported(v, "this f-string part")
            if v.conversion not in (-1, ord("s"), ord("r")):
                return self.unsupported(v, f"the f-string conversion `!{chr(v.conversion)}`")
            spec = v.format_spec
            if spec is not None and not all(isinstance(s, ast.Constant) for s in spec.values):
                return self.unsupported(spec, "a computed f-string format spec")
            text = "".join(s.value for s in spec.values) if spec is not None else ""
            convert = {ord("s"): "str", ord("r"): "repr"}.get(v.conversion, "")
            parts.append(self.formatted(v, self.expr(v.value), convert, text))
        return self.concat(e, parts)

    def concat(self, e: ast.expr, parts: list[Node]) -> Node:
        """The strings `parts` joined with `+` (`""` for none)."""
        if not parts:
            return self.node("Str", e, "")
        out = parts[0]
        for p in parts[1:]:
            out = self.node("Bin", e, "Add", out, p)
        return out

    def builtin_call(self, at: ast.AST, name: str, args: list[Node]) -> Node:
        """A call of builtin `name` (what the name means in the function's module)."""
        self.names.add(name)
        return self.node("Call", at, self.node("Name", at, name), args, None, [])

    def formatted(self, at: ast.AST, value: Node, convert: str, spec: str) -> Node:
        """`value` as text: `convert` (`str`, `repr`, `int`, `float`) applied,
        then `format(_, spec)`, or `str(_)` without a spec."""
        if convert:
            value = self.builtin_call(at, convert, [value])
        if spec:
            return self.builtin_call(at, "format", [value, self.node("Str", at, spec)])
        return value if convert in ("str", "repr") else self.builtin_call(at, "str", [value])

    def template(self, e: ast.expr, pieces: list, params: list[str], args: list[Node]) -> Node:
        """A call of a lambda that joins the text of template `pieces`, its
        parameters the template's arguments (each evaluated once, in the order
        written, as Python evaluates them before formatting)."""
        node = self.node
        l, c, _, _ = self.span(e)
        parts = []
        for p in pieces:
            if isinstance(p, str):
                parts.append(node("Str", e, p))
            else:
                name = f"format arg {p.arg}"
                parts.append(self.formatted(e, node("Name", e, name), p.convert, p.spec))
        ps = [[f"format arg {k}", None, l, c, l, c] for k in params]
        fn = ["Def", *self.span(e), "<format>", ps, None, [node("Return", e, self.concat(e, parts))], True]
        return node("Call", e, node("Lambda", e, fn), args, None, [])

    def percent_format(self, e: ast.BinOp, template: str) -> Node:
        """`"..." % x` and `"..." % (x, y)` of a literal template."""
        pieces = _textformat().percent_pieces(template)
        if isinstance(pieces, str):
            return self.unsupported(e, pieces)
        n = sum(1 for p in pieces if not isinstance(p, str))
        rhs = e.right
        if isinstance(rhs, ast.Tuple) and not any(isinstance(x, ast.Starred) for x in rhs.elts):
            items = [self.expr(x) for x in rhs.elts]
        elif n == 1:
            items = [self.expr(rhs)]
        else:
            # A tuple held in a name: its items.
            held = self.expr(rhs)
            items = [self.node("Subscript", rhs, held, self.node("Int", rhs, str(k))) for k in range(n)]
            if not isinstance(rhs, ast.Name):
                return self.unsupported(rhs, "a `%` format of more than one value not written as a tuple")
        if len(items) != n:
            return self.unsupported(e, f"a `%` format with {n} conversion(s) and {len(items)} argument(s)")
        return self.template(e, pieces, [str(k) for k in range(n)], items)

    def str_format(self, e: ast.Call, template: str) -> Node:
        """`"...".format(a, b, name=c)` of a literal template."""
        pieces = _textformat().format_pieces(template)
        if isinstance(pieces, str):
            return self.unsupported(e, pieces)
        if any(isinstance(a, ast.Starred) for a in e.args) or any(k.arg is None for k in e.keywords):
            return self.unsupported(e, "a `*` or `**` argument to `str.format`")
        names = [k.arg for k in e.keywords]
        for p in pieces:
            if isinstance(p, str):
                continue
            if isinstance(p.arg, int) and p.arg >= len(e.args):
                return self.unsupported(e, f"`str.format` with no argument {p.arg} for its template")
            if isinstance(p.arg, str) and p.arg not in names:
                return self.unsupported(e, f"`str.format` with no argument `{p.arg}` for its template")
        params = [str(k) for k in range(len(e.args))] + [str(k) for k in names]
        args = [self.expr(a) for a in e.args] + [self.expr(k.value) for k in e.keywords]
        return self.template(e, pieces, params, args)

    def map_filter(self, e: ast.Call, kind: str) -> Node:
        """`map(f, a, ...)` as `[f(x, ...) for x, ... in zip(a, ...)]`,
        `filter(f, a)` as `[x for x in a if f(x)]` (`filter(None, a)`: truthy
        items): compiled code consumes the list as it would the iterator."""
        node = self.node
        if e.keywords or any(isinstance(a, ast.Starred) for a in e.args):
            return self.unsupported(e, f"`{kind}` with `*` or keyword arguments")
        if len(e.args) < 2 or (kind == "filter" and len(e.args) != 2):
            return self.unsupported(e, f"`{kind}` without a function and {'an iterable' if kind == 'filter' else 'iterables'}")
        f, its = e.args[0], e.args[1:]
        none = kind == "filter" and isinstance(f, ast.Constant) and f.value is None
        if not none and not isinstance(f, (ast.Name, ast.Attribute, ast.Lambda)):
            return self.unsupported(f, f"a function given to `{kind}` as an expression (name it or write a lambda)")
        items = [node("Name", a, f"{kind} item {k}") for k, a in enumerate(its)]
        acc = node("Name", e, _COMPREHENSION_RESULT)
        if kind == "map":
            value = node("Call", e, self.expr(f), items, None, [])
            body = [node("Expr", e, node("Call", e, node("Attr", e, acc, "append"), [value], None, []))]
        else:
            test = items[0] if none else node("Call", e, self.expr(f), items, None, [])
            add = node("Expr", e, node("Call", e, node("Attr", e, acc, "append"), [items[0]], None, []))
            body = [node("If", e, test, [add], [])]
        if len(its) == 1:
            target, source = items[0], self.expr(its[0])
        else:
            target = node("Tuple", e, items)
            source = self.builtin_call(e, "zip", [self.expr(a) for a in its])
        return self.builder(e, "list", [node("For", e, target, source, body, [])])

    def constant(self, e: ast.Constant) -> Node:
        v = e.value
        if v is None:
            return self.node("None", e)
        if isinstance(v, bool):
            return self.node("Bool", e, v)
        if isinstance(v, int):
            # As text: the reader parses i128 and reports what does not fit.
            return self.node("Int", e, str(v))
        if isinstance(v, float):
            return self.node("Float", e, repr(v))  # "inf"/"nan" as the reader expects
        if isinstance(v, complex):
            return self.node("Imag", e, repr(v.imag))
        if isinstance(v, str):
            if not _encodable(v):
                return self.unsupported(e, "a string with unpaired surrogates")
            return self.node("Str", e, v)
        if isinstance(v, bytes):
            return self.unsupported(e, "a bytes literal")
        if v is Ellipsis:
            return self.unsupported(e, "`...`")
        return self.unsupported(e, f"a {type(v).__name__} literal")

    def resolve(self, e: ast.expr) -> Any:
        """The object a global name or attribute chain names now (None when
        it is anything else or a local shadows it)."""
        if isinstance(e, ast.Name):
            return self.scope.get(e.id)
        if isinstance(e, ast.Attribute):
            base = self.resolve(e.value)
            return getattr(base, e.attr, None) if base is not None else None
        return None

    def typed_call(self, e: ast.Call) -> Node | None:
        """`List()`, `List(x)`, `List.empty_list(t)`, `Dict()`, `Dict.empty(k, v)` of
        `typed` (oxjit's or Numba's): a list or dict built in compiled code; the
        declared types come from a stand-in item added and removed again."""
        node = self.node
        func = e.func
        kind = _typed_kind(self.resolve(func))
        if kind is not None:
            self.names.add(kind)
            return node("Call", e, node("Name", func, kind), [self.expr(a) for a in e.args], None, [])
        if not isinstance(func, ast.Attribute):
            return None
        kind = _typed_kind(self.resolve(func.value))
        if kind is None or func.attr not in ("empty_list", "empty"):
            return None
        names = ["item_type"] if kind == "list" else ["key_type", "value_type"]
        given = dict(zip(names, e.args))
        given.update({k.arg: k.value for k in e.keywords if k.arg in names})
        if any(n not in given for n in names):
            return self.unsupported(e, f"`{func.attr}` without its type arguments")
        dummies = [self.type_dummy(given[n]) for n in names]
        for d in dummies:
            if d[0] == "Unsupported":
                return d
        acc = node("Name", e, _COMPREHENSION_RESULT)
        if kind == "list":
            add = node("Expr", e, node("Call", e, node("Attr", e, acc, "append"), dummies, None, []))
        else:
            add = node("Assign", e, [node("Subscript", e, acc, dummies[0])], dummies[1])
        clear = node("Expr", e, node("Call", e, node("Attr", e, acc, "clear"), [], None, []))
        return self.builder(e, kind, [add, clear])

    def type_dummy(self, t: ast.expr) -> Node:
        """An expression of the type that type object `t` names (a number, a
        string, an array)."""
        node = self.node
        try:
            # A type expression (`types.float64[:]`): evaluated now, as Numba does.
            obj = eval(compile(ast.Expression(body=t), "<type>", "eval"), dict(self.scope))  # noqa: S307
        except Exception:
            obj = None
        text = str(obj) if obj is not None else ""
        self.bound["typed numpy"] = np
        npn = node("Name", t, "typed numpy")
        if text in _SCALAR_TYPES:
            return node("Call", t, node("Attr", t, npn, _SCALAR_TYPES[text]), [node("Int", t, "0")], None, [])
        if text == "unicode_type":
            return node("Str", t, "")
        m = re.fullmatch(r"array\((\w+), (\d)d, ([CFA])\)", text)
        if m and m.group(1) in _SCALAR_TYPES:
            shape = node("Tuple", t, [node("Int", t, "0")] * int(m.group(2)))
            dtype = node("Attr", t, npn, _SCALAR_TYPES[m.group(1)])
            arr = node("Call", t, node("Attr", t, npn, "empty"), [shape], None, [["dtype", dtype]])
            if m.group(3) == "A":
                arr = node("Subscript", t, arr, node("Slice", t, None, None, node("Int", t, "1")))
            return arr
        return self.unsupported(t, f"the container item type `{text or ast.unparse(t)}`")

    def call(self, e: ast.Call) -> Node:
        typed = self.typed_call(e)
        if typed is not None:
            return typed
        func = e.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            recv = func.value
            if isinstance(recv, ast.Constant) and isinstance(recv.value, str):
                return self.str_format(e, recv.value)
        if isinstance(func, ast.Name) and func.id in ("map", "filter"):
            builtin = getattr(builtins, func.id)
            if self.scope.get(func.id, builtin) is builtin:
                return self.map_filter(e, func.id)
        stars = [i for i, a in enumerate(e.args) if isinstance(a, ast.Starred)]
        if len(stars) > 1:
            return self.unsupported(e, "more than one `*` argument")
        if stars and stars[0] != len(e.args) - 1:
            return self.unsupported(e, "a positional argument after a `*` argument")
        if any(k.arg is None for k in e.keywords):
            return self.unsupported(e, "a `**` argument")
        args = e.args[:-1] if stars else e.args
        star = self.expr(e.args[-1].value) if stars else None
        kwargs = [[k.arg, self.key_function(k.value) if k.arg == "key" else self.expr(k.value)] for k in e.keywords]
        return self.node("Call", e, self.expr(e.func), [self.expr(a) for a in args], star, kwargs)

    def key_function(self, v: ast.expr) -> Node:
        """`key=f` as `key=lambda item: f(item)`: a builtin (`abs`, `len`) or
        a jitted function is then called like any other key function."""
        if not isinstance(v, (ast.Name, ast.Attribute)) or (isinstance(v, ast.Name) and v.id == "None"):
            return self.expr(v)
        node = self.node
        l, c, _, _ = self.span(v)
        item = node("Name", v, _KEY_ITEM)
        body = [node("Return", v, node("Call", v, self.expr(v), [item], None, []))]
        fn = ["Def", *self.span(v), "<lambda>", [[_KEY_ITEM, None, l, c, l, c]], None, body, True]
        return node("Lambda", v, fn)


def _default_values(py_func: types.FunctionType) -> dict[str, Any]:
    code = py_func.__code__
    values = dict(py_func.__kwdefaults__ or {})
    defaults = py_func.__defaults__ or ()
    if defaults:
        positional = code.co_varnames[: code.co_argcount]
        values.update(zip(positional[-len(defaults) :], defaults))
    return values


def _attribute_nodes(e: ast.Attribute, n: int) -> list[ast.expr]:
    """The outermost `n` Attribute nodes of a chain, outermost first."""
    out: list[ast.expr] = []
    node: ast.expr = e
    for _ in range(n):
        out.append(node)
        assert isinstance(node, ast.Attribute)
        node = node.value
    return out


def _all_locals(code: types.CodeType) -> set[str]:
    """Every local name of a code object and of the functions nested in it."""
    names = set(code.co_varnames) | set(code.co_cellvars)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _all_locals(c)
    return names


def _visible_names(py_func: types.FunctionType) -> dict[str, Any]:
    """The function's globals and closure values, by name (what `typed.List` and
    friends resolve through)."""
    out = dict(py_func.__globals__)
    for name, cell in zip(py_func.__code__.co_freevars, py_func.__closure__ or ()):
        try:
            out[name] = cell.cell_contents
        except ValueError:
            out.pop(name, None)
    return out


def _typed_kind(v: Any) -> str | None:
    """`list`/`dict` for `typed.List`/`typed.Dict` (oxjit's or Numba's classes)."""
    if not isinstance(v, type):
        return None
    module = getattr(v, "__module__", "") or ""
    if module == "oxjit.typed" or module.startswith("numba.typed"):
        return {"List": "list", "Dict": "dict"}.get(v.__name__)
    return None


_SCALAR_TYPES = {
    "bool": "bool_", "boolean": "bool_", "bool_": "bool_", "int8": "int8", "int16": "int16",
    "int32": "int32", "int64": "int64", "intp": "intp", "uint8": "uint8", "uint16": "uint16",
    "uint32": "uint32", "uint64": "uint64", "uintp": "uintp", "float32": "float32",
    "float64": "float64", "complex64": "complex64", "complex128": "complex128",
}


def _module_globals(py_func: types.FunctionType) -> dict[str, types.ModuleType]:
    """Globals and closure values that are modules oxjit does not know
    (their attributes are resolved when the function is converted), unless
    a local anywhere in the function shadows the name."""
    code = py_func.__code__
    shadowed = _all_locals(code)
    out: dict[str, types.ModuleType] = {}
    for name, value in py_func.__globals__.items():
        if isinstance(value, types.ModuleType) and value.__name__ not in _KNOWN_MODULES and name not in shadowed:
            out[name] = value
    for name, cell in zip(code.co_freevars, py_func.__closure__ or ()):
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if isinstance(value, types.ModuleType) and value.__name__ not in _KNOWN_MODULES:
            out[name] = value
        else:
            out.pop(name, None)
    return out


def _convert(src: _Source, py_func: types.FunctionType) -> tuple[Node, set[str], dict[str, Any]]:
    conv = _Converter(src.line_delta, _default_values(py_func), _module_globals(py_func))
    conv.scope = _visible_names(py_func)
    n = src.node
    if isinstance(n, ast.Lambda):
        # Unsupported parameters are flagged per parameter by funcdef.
        d = conv.funcdef(n, "<lambda>", is_lambda=True, problems=[], root=True)
    else:
        # The decorators are the jit call itself: ignored.
        problems = [conv.unsupported(n, "`async def`")] if isinstance(n, ast.AsyncFunctionDef) else []
        d = conv.funcdef(n, n.name, is_lambda=False, problems=problems, root=True)
    return d, conv.names, conv.bound


# ---------------------------------------------------------------------------
# Globals: freeze what the body reads (lib.rs global_value)
# ---------------------------------------------------------------------------

_known_callables: dict[int, tuple[Any, str]] | None = None
_scanned_modules: set[str] = set()
# A module is marked scanned before its entries are in: one thread at a time.
_callable_lock = threading.Lock()


def _callable_paths() -> dict[int, tuple[Any, str]]:
    """id(obj) -> (obj, dotted path) for builtins and the public callables of
    the known modules; built once. The object is kept to guard against a
    reused id."""
    with _callable_lock:
        return _callable_paths_locked()


def _callable_paths_locked() -> dict[int, tuple[Any, str]]:
    global _known_callables
    if _known_callables is None:
        _known_callables = {}
        for name, obj in vars(builtins).items():
            if name.startswith("_") or not callable(obj):
                continue
            if isinstance(obj, type) and issubclass(obj, BaseException):
                continue
            _known_callables.setdefault(id(obj), (obj, name))
    table = _known_callables
    for modname in _CALLABLE_MODULES:
        # Only modules imported by now (a value cannot come from one that is
        # not): importing `numpy.random` or `random` here would cost more
        # than the rest of a cached first call. Each is scanned once.
        mod = sys.modules.get(modname)
        if mod is None or modname in _scanned_modules:
            continue
        _scanned_modules.add(modname)
        # `vars`, not `dir`: numpy's lazy `__getattr__` would import half of
        # its subpackages.
        entries = vars(mod)
        for name, obj in entries.items():
            if name.startswith("_") or not callable(obj) or isinstance(obj, types.ModuleType):
                continue
            # Prefer the object's own name when the module exports it too
            # (`np.abs` -> "numpy.absolute").
            own = getattr(obj, "__name__", None)
            if isinstance(own, str) and entries.get(own) is obj:
                name = own
            table.setdefault(id(obj), (obj, f"{modname}.{name}"))
    return table


def _prange_objects() -> list[Any]:
    # Looked up on each build: `oxjit` may still be importing when this
    # module loads, and numba is never imported on our behalf.
    out = []
    for modname in ("oxjit", "numba"):
        mod = sys.modules.get(modname)
        p = getattr(mod, "prange", None) if mod is not None else None
        if p is not None and p is not range:
            out.append(p)
    return out


def _numba_py_func(value: Any) -> types.FunctionType | None:
    """The Python function behind an object Numba compiles: a dispatcher
    (`@numba.njit`/`@numba.jit`), a `@numba.vectorize` DUFunc, or a function
    registered with `numba.extending.register_jitable`. Libraries built on
    Numba (QuantEcon, numba-stats, ...) export these; oxjit compiles their
    Python source itself. Numba is never imported on our behalf."""
    if "numba" not in sys.modules:
        return None
    if isinstance(value, types.FunctionType):
        return value if id(value) in _register_jitable_ids() else None
    module = getattr(type(value), "__module__", "") or ""
    if not module.startswith("numba."):
        return None
    dispatcher = sys.modules.get("numba.core.dispatcher")
    if dispatcher is not None and isinstance(value, dispatcher.Dispatcher):
        f = getattr(value, "py_func", None)
    elif type(value).__name__ == "DUFunc":
        f = getattr(getattr(value, "_dispatcher", None), "py_func", None)
    else:
        return None
    return f if isinstance(f, types.FunctionType) else None


_jitable_seen: tuple[int, dict[int, Any]] = (-1, {})


def _register_jitable_ids() -> dict[int, Any]:
    """id -> function for every function Numba's `register_jitable` has seen
    (an overload whose implementation is the function itself). Rebuilt when
    Numba's registry grows; the functions are kept to guard the ids."""
    global _jitable_seen
    templates = sys.modules.get("numba.core.typing.templates")
    registry = getattr(templates, "builtin_registry", None)
    entries = getattr(registry, "globals", None)
    if not isinstance(entries, list):
        return {}
    if _jitable_seen[0] == len(entries):
        return _jitable_seen[1]
    found: dict[int, Any] = {}
    for fn, fnty in list(entries):
        if not isinstance(fn, types.FunctionType):
            continue
        for t in getattr(fnty, "templates", ()):
            impl = getattr(t, "_overload_func", None)
            if getattr(impl, "__qualname__", "").startswith("register_jitable."):
                found[id(fn)] = fn
    _jitable_seen = (len(entries), found)
    return found


def _thread_fn_path(value: Any) -> str | None:
    """`oxjit.get_thread_id` and friends (and numba's) by their registry path."""
    for modname in ("oxjit", "numba"):
        mod = sys.modules.get(modname)
        for name in ("get_thread_id", "get_num_threads"):
            if mod is not None and getattr(mod, name, None) is value:
                return f"{modname}.{name}"
    return None


def _jitted_py_func(value: Any) -> types.FunctionType | None:
    numba_f = _numba_py_func(value)
    if numba_f is not None:
        return numba_f
    if isinstance(value, np.ufunc):
        # An eager @vectorize ufunc: its scalar kernel (None for NumPy's own).
        native = sys.modules.get("oxjit._native")
        f = native._ufunc_kernel(value) if native is not None else None
        return f if isinstance(f, types.FunctionType) else None
    try:
        f = getattr(value, "__oxjit_py_func__", None)
    except Exception:  # noqa: BLE001 -- any global's __getattr__ may raise anything
        return None
    return f if isinstance(f, types.FunctionType) else None


def _numba_kind(value: Any) -> str | None:
    """What a Numba object oxjit cannot compile is, for `_describe`."""
    if "numba" not in sys.modules:
        return None
    name = getattr(value, "__name__", None) or type(value).__name__
    module = getattr(type(value), "__module__", "") or ""
    if type(value).__name__ == "GUFunc" and module.startswith("numba."):
        return f"Numba @guvectorize function '{name}' (compiled code can call @vectorize functions, not gufuncs)"
    if type(value).__name__ == "JitClassType" and module.startswith("numba."):
        return f"Numba jitclass '{name}' (declare it with oxjit's jitclass to use it here)"
    templates = sys.modules.get("numba.core.typing.templates")
    registry = getattr(templates, "builtin_registry", None)
    if isinstance(value, types.FunctionType) and any(
        fn is value for fn, _ in list(getattr(registry, "globals", ()))
    ):
        return f"function '{name}' with a Numba @overload (oxjit cannot use Numba's extension API)"
    return None


def _describe(value: Any) -> str:
    """For `other`: completes "global `x` is a ..., which compiled code
    cannot use"."""
    if isinstance(value, types.ModuleType):
        return f"module '{value.__name__}'"
    numba_kind = _numba_kind(value)
    if numba_kind is not None:
        return numba_kind
    if isinstance(value, types.FunctionType):
        return f"function '{value.__name__}' (not jitted; decorate it with @njit)"
    if isinstance(value, type):
        return f"class '{value.__qualname__}'"
    if isinstance(value, (list, dict, set, frozenset)):
        return type(value).__name__
    if callable(value) and isinstance(getattr(value, "__name__", None), str):
        return f"callable '{value.__name__}'"
    return f"{type(value).__qualname__} object"


class _UnitBuilder:
    def __init__(self, by_reference: bool = False) -> None:
        # Large arrays go to `frozen` (by address) instead of the JSON.
        self.by_reference = by_reference
        self.frozen: list[tuple[int, int, np.ndarray]] = []
        self.py_funcs: list[types.FunctionType] = []
        self.func_index: dict[int, int] = {}
        self.arrays: list[dict] = []
        self.array_index: dict[int, int] = {}
        # Arrays whose id() keys array_index must outlive the build.
        self.keep: list[Any] = []
        self.prange = _prange_objects()
        # jitclasses by number: their entries in the unit's class table.
        self.classes: dict[int, dict] = {}
        # Functions reached through a ufunc object (`@vectorize`, Numba's
        # DUFunc): called with arrays, compiled code maps them element-wise.
        self.ufuncs: set[int] = set()

    def function(self, py_func: types.FunctionType) -> int:
        # Keyed by the plain function, so a function naming its own jit
        # wrapper (recursion) maps back to its own entry.
        i = self.func_index.get(id(py_func))
        if i is None:
            i = self.func_index[id(py_func)] = len(self.py_funcs)
            self.py_funcs.append(py_func)
        return i

    def build(self, root: types.FunctionType, extras: Sequence[Any] = (), classes: Sequence[int] = ()) -> str:
        """`extras`: the jitted function objects passed as arguments."""
        self.function(root)
        for e in extras:
            self.jitted(e, _extra_py_func(e))
        for n in classes:
            self.jitclass(sys.modules["oxjit._jitclass"].CLASSES[n])
        functions = []
        i = 0
        while i < len(self.py_funcs):  # grows as references are found
            functions.append(self.entry(self.py_funcs[i]))
            i += 1
        for k in self.ufuncs:
            functions[k]["ufunc"] = True
        unit = {"functions": functions, "arrays": self.arrays, "classes": list(self.classes.values()),
                "numpy": _NUMPY_VERSION}
        return json.dumps(unit, ensure_ascii=False, allow_nan=False)

    def entry(self, py_func: types.FunctionType) -> dict:
        src = _source_of(py_func)
        d, names, bound = _convert(src, py_func)
        env = self.env(py_func, names)
        for name, value in bound.items():
            env[name] = self.classify(value)
        return {
            "qualname": py_func.__qualname__,
            "file": py_func.__code__.co_filename,
            "first_line": src.first_line,
            "lines": src.lines,
            "def": d,
            "env": env,
        }

    def env(self, py_func: types.FunctionType, names: set[str]) -> dict[str, list]:
        code = py_func.__code__
        # The function's own locals can never be globals anywhere in its body
        # (an inner scope reading the name gets the enclosing local), and
        # skipping them avoids freezing, say, a big global array that a local
        # happens to shadow.
        local = set(code.co_varnames) | set(code.co_cellvars)
        cells = dict(zip(code.co_freevars, py_func.__closure__ or ()))
        glob = py_func.__globals__
        env = {}
        for name in sorted(names - local):
            if name in cells:
                try:
                    value = cells[name].cell_contents
                except ValueError:  # empty cell: not bound yet, no global either
                    continue
            elif name in glob:
                value = glob[name]
            elif hasattr(builtins, name):
                value = getattr(builtins, name)
            elif name == py_func.__name__:
                # Eager compilation runs inside the decorator, before the
                # module binds the name: a self-reference is recursion.
                env[name] = ["func", self.function(py_func)]
                continue
            else:
                continue
            env[name] = self.classify(value)
        return env

    def classify(self, v: Any) -> list:
        """A `GlobalValue` as JSON: `[tag, payload...]`."""
        if v is _MISSING:
            return ["missing"]
        if isinstance(v, bool):  # before int: bool is an int subclass
            return ["bool", v]
        if isinstance(v, np.generic):
            # Frozen as the Python value: GlobalValue has no typed scalars.
            item = v.item()
            if isinstance(item, (bool, int, float, complex, str)):
                return self.classify(item)
            return ["other", f"NumPy {type(v).__name__} scalar"]
        if isinstance(v, int):
            return ["int", str(int(v))]
        if isinstance(v, float):
            return ["float", repr(float(v))]
        if isinstance(v, complex):
            return ["complex", repr(v.real), repr(v.imag)]
        if v is None:
            return ["none"]
        if isinstance(v, str):
            return ["str", str(v)] if _encodable(v) else ["other", "string with unpaired surrogates"]
        if isinstance(v, tuple):
            return self.freeze_tuple(v)
        if isinstance(v, types.ModuleType):
            if v.__name__ in _KNOWN_MODULES:
                return ["module", v.__name__]
            return ["other", _describe(v)]
        f = _jitted_py_func(v)
        if f is not None:
            return ["func", self.jitted(v, f)]
        dt = self.dtype_name(v)
        if dt is not None:
            return ["dtype", dt]
        if _is_named_tuple_class(v):
            return self.named_tuple_class(v)
        jc = sys.modules.get("oxjit._jitclass")
        if jc is not None and isinstance(v, jc.JitClassType):
            return ["jitclass", self.jitclass(v)]
        if isinstance(v, type) and issubclass(v, BaseException):
            if v.__module__ == "builtins" or v is np.linalg.LinAlgError or v is np.exceptions.AxisError:
                return ["exc", v.__name__]
            native = sys.modules.get("oxjit._native")
            if native is None:  # the front end loaded on its own (tests of the front end)
                return ["other", f"exception class '{v.__qualname__}'"]
            return ["userexc", native.register_exception_class(v), v.__qualname__]
        if any(v is p for p in self.prange):
            return ["builtin", "oxjit.prange"]
        thread_fn = _thread_fn_path(v)
        if thread_fn is not None:
            return ["builtin", thread_fn]
        # Builtins first, as in the table, without building it (a cached
        # first call is a few ms; the table takes 2).
        name = getattr(v, "__name__", None)
        if isinstance(name, str) and not name.startswith("_") and getattr(builtins, name, None) is v:
            return ["builtin", name]
        known = _callable_paths().get(id(v))
        if known is not None and known[0] is v:
            return ["builtin", known[1]]
        if isinstance(v, np.ndarray):
            return self.array(v)
        return ["other", _describe(v)]

    def jitted(self, obj: Any, py_func: types.FunctionType) -> int:
        """The unit index of jitted object `obj`'s function `py_func`."""
        i = self.function(py_func)
        if isinstance(obj, np.ufunc) or type(obj).__name__ == "DUFunc":
            self.ufuncs.add(i)
        return i

    def jitclass(self, box: Any) -> int:
        """Add a jitclass (and the classes its fields hold) to the unit's class
        table, its methods to the unit's functions; its number."""
        info = box.__oxjit_class__
        if info.number in self.classes:
            return info.number
        info.define()
        entry: dict[str, Any] = {"number": info.number, "name": info.name, "fields": info.field_texts}
        self.classes[info.number] = entry
        for other in info.field_classes:
            self.jitclass(other)
        entry["methods"] = [[k, self.function(f)] for k, f in info.methods.items()]
        entry["properties"] = [
            [k, self.function(g), None if s is None else self.function(s)] for k, (g, s) in info.properties.items()
        ]
        entry["statics"] = [[k, self.function(f)] for k, f in info.statics.items()]
        return info.number

    def named_tuple_class(self, cls: type) -> list:
        """`["namedtuple", class number, name, fields, defaults]`: a default is frozen like a
        global (a constant, or `["other", ...]` if it cannot be), `None` where a field has none."""
        native = sys.modules.get("oxjit._native")
        if native is None:  # the front end loaded on its own (tests of the front end)
            return ["other", f"named tuple class '{cls.__qualname__}'"]
        defaults = getattr(cls, "_field_defaults", {}) or {}
        frozen = [self.classify(defaults[f]) if f in defaults else None for f in cls._fields]
        return ["namedtuple", native.register_named_tuple(cls), cls.__name__, list(cls._fields), frozen]

    def freeze_tuple(self, v: tuple) -> list:
        named = _is_named_tuple_class(type(v))
        items = []
        for x in v:
            # Only constants can live in a frozen tuple (typeck global_to_const).
            # Checked before classifying, which would add functions and arrays
            # to the unit for nothing.
            if not (x is None or isinstance(x, (bool, int, float, complex, str, tuple, np.generic))):
                return ["other", f"tuple containing a {_describe(x)}"]
            g = self.classify(x)
            if g[0] == "other":
                return ["other", f"tuple containing a {g[1]}"]
            items.append(g)
        if named:
            cls = self.named_tuple_class(type(v))
            if cls[0] != "namedtuple":
                return cls
            return ["ntvalue", cls[1], cls[2], cls[3], items]
        return ["tuple", items]

    @staticmethod
    def dtype_name(v: Any) -> str | None:
        try:  # oxjit's own type objects name their dtype
            own = getattr(v, "__oxjit_dtype__", None)
        except Exception:  # noqa: BLE001 -- as in _jitted_py_func
            own = None
        if isinstance(own, str):
            return own
        if isinstance(v, np.dtype):
            return v.name
        if isinstance(v, type) and issubclass(v, np.generic):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return np.dtype(v).name
            except TypeError:  # abstract: np.floating, np.integer, ...
                return None
        return None

    def array(self, a: np.ndarray) -> list:
        i = self.array_index.get(id(a))
        if i is not None:
            return ["array", i]
        if type(a) is not np.ndarray:
            return ["other", f"{type(a).__qualname__} array"]
        name = a.dtype.name
        if name not in _ARRAY_DTYPES:
            return ["other", f"NumPy array of dtype {name}"]
        # C order, native byte order; a copy only when `a` is not already.
        data = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("="))
        i = self.array_index[id(a)] = len(self.arrays)
        self.keep.append(a)
        entry: dict[str, Any] = {"dtype": name, "shape": list(a.shape)}
        if self.by_reference and data.nbytes > INLINE_ARRAY_BYTES:
            # The compiler copies the bytes (holding the GIL) before this
            # builder, and so `data`, goes away.
            entry["ref"] = len(self.frozen)
            self.frozen.append((data.__array_interface__["data"][0], data.nbytes, data))
        else:
            entry["data"] = data.tobytes().hex()
        self.arrays.append(entry)
        return ["array", i]


def _is_named_tuple_class(v: Any) -> bool:
    """`collections.namedtuple` and `typing.NamedTuple` classes (tuple subclasses with `_fields`)."""
    return (isinstance(v, type) and issubclass(v, tuple) and isinstance(getattr(v, "_fields", None), tuple)
            and hasattr(v, "_make"))


def _extra_py_func(e: Any) -> types.FunctionType:
    f = _jitted_py_func(e)
    if f is None:
        raise TypeError(f"{e!r} is not a jitted function")
    return f


def build_unit(py_func: types.FunctionType, extras: Sequence[Any] = (), classes: Sequence[int] = ()) -> str:
    """The JSON compilation unit for `py_func`: `functions[0]` is `py_func`,
    then the jitted functions passed as arguments (`extras`, in order, so the
    dispatcher can type them as functions 1..), then every jitted function
    reached through globals and closures (each once). Raises ValueError if a
    source cannot be read."""
    return _UnitBuilder().build(py_func, extras, classes)


def build_unit_refs(
    py_func: types.FunctionType, extras: Sequence[Any] = (), classes: Sequence[int] = ()
) -> tuple[str, list]:
    """`build_unit` for the compiler: arrays over `INLINE_ARRAY_BYTES` are not
    in the JSON but referenced (`{"ref": k}`) as `frozen[k]`, an
    `(address, nbytes, array)` triple of C-ordered native-endian bytes, valid
    while the returned list lives. The compiler copies them at once."""
    b = _UnitBuilder(by_reference=True)
    return b.build(py_func, extras, classes), b.frozen
