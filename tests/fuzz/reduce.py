"""Shrinks a failing program while the same failure category reproduces.

Passes, repeated until none makes progress: delete a statement of ``f`` (not its ``return``),
replace an expression by one of its sub-expressions or by a constant, and shrink the argument
arrays built in ``make_args`` (drop the last element of a list literal). A candidate is kept when
``run.check_source`` gives the same category (and, for exception mismatches, the same pair of
exception classes); crashes are re-checked in a subprocess.
"""

from __future__ import annotations

import ast
import copy
import os
import subprocess
import sys
import time

from . import run

CONSTANTS = [ast.Constant(0), ast.Constant(1), ast.Constant(0.0), ast.Constant(True)]


def signature(res: dict) -> tuple:
    return (res["category"], tuple(res.get("exc", ())))


def outcome(source: str) -> tuple:
    try:
        return signature(run.check_source(source, name="reduce"))
    except Exception as e:  # noqa: BLE001 - a broken candidate is just not a reproducer
        return ("error", type(e).__name__)


def crashes(source: str) -> bool:
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from fuzz.run import check_source; "
            "check_source(sys.stdin.read(), name='crash')")
    proc = subprocess.run([sys.executable, "-c", code, run.TESTS_DIR], input=source, text=True,
                          capture_output=True, timeout=run.TIMEOUT)
    return proc.returncode < 0


def _funcs(tree: ast.Module) -> list[ast.FunctionDef]:
    return [n for n in tree.body if isinstance(n, ast.FunctionDef)]


def _stmt_lists(node):
    for n in ast.walk(node):
        for fld in ("body", "orelse"):
            lst = getattr(n, fld, None)
            if isinstance(lst, list) and lst and isinstance(lst[0], ast.stmt):
                yield lst


def candidates(source: str):
    """Smaller variants of ``source``, most aggressive first."""
    tree = ast.parse(source)
    f = next(fn for fn in _funcs(tree) if fn.name == "f")
    # 1. delete statements
    n_lists = len(list(_stmt_lists(f)))
    for li in range(n_lists):
        lst_len = len(list(_stmt_lists(f))[li])
        for i in range(lst_len):
            t = ast.parse(source)
            ft = next(fn for fn in _funcs(t) if fn.name == "f")
            lst = list(_stmt_lists(ft))[li]
            if isinstance(lst[i], ast.Return):
                continue
            del lst[i]
            if not lst:
                lst.append(ast.Pass())
            yield ast.unparse(t)
    # 2. replace expressions by sub-expressions or constants
    n_expr = sum(1 for _ in _exprs(f))
    for k in range(n_expr):
        node = list(_exprs(f))[k][3]
        n_subs = len(_subs(node))
        for j in range(n_subs + len(CONSTANTS)):
            if j >= n_subs and isinstance(node, ast.Constant):
                break
            t = ast.parse(source)
            ft = next(fn for fn in _funcs(t) if fn.name == "f")
            parent, fld, idx, node2 = list(_exprs(ft))[k]
            new = _subs(node2)[j] if j < n_subs else copy.deepcopy(CONSTANTS[j - n_subs])
            _set(parent, fld, idx, new)
            yield ast.unparse(t)
    # 3. shrink array literals in make_args
    lists = [n for n in ast.walk(tree) if isinstance(n, ast.List) and len(n.elts) > 1]
    for k in range(len(lists)):
        t = ast.parse(source)
        ls = [n for n in ast.walk(t) if isinstance(n, ast.List) and len(n.elts) > 1]
        del ls[k].elts[-1]
        yield ast.unparse(t)


def _subs(node) -> list:
    return [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]


def _exprs(fn):
    """(parent, field, index, node) for every expression of ``fn`` that is read (not a target)."""
    for parent in ast.walk(fn):
        if isinstance(parent, (ast.Assign, ast.AugAssign)):
            flds = ["value"]
        elif isinstance(parent, ast.Return):
            continue
        elif isinstance(parent, ast.Call):
            flds = ["args"]  # never the callee
        elif isinstance(parent, ast.Attribute):
            continue  # np.sqrt stays np.sqrt
        else:
            flds = list(parent._fields)
        for fld in flds:
            val = getattr(parent, fld, None)
            if isinstance(val, list):
                for i, v in enumerate(val):
                    if isinstance(v, ast.expr) and not isinstance(getattr(v, "ctx", None), ast.Store):
                        yield parent, fld, i, v
            elif isinstance(val, ast.expr) and not isinstance(getattr(val, "ctx", None), ast.Store):
                yield parent, fld, None, val


def _set(parent, fld, idx, new):
    if idx is None:
        setattr(parent, fld, new)
    else:
        getattr(parent, fld)[idx] = new


def reduce(source: str, category: str, budget: float = 120.0, verbose: bool = False) -> str:
    """The smallest variant of ``source`` found within ``budget`` seconds with the same failure
    (``category`` is the runner's category for ``source``; crashes are never run in-process)."""
    crash = category in ("crash", "timeout")
    # Candidates lose the generator's `% n` around indices; without bounds checks (the default, as
    # in Numba) an out-of-range store would corrupt this process's heap (seen as a munmap_chunk
    # abort at exit), so in-process candidates run with bounds checks. (Crashes reduce in
    # subprocesses with the campaign's settings.)
    if not crash:
        os.environ["OXJIT_BOUNDSCHECK"] = "1"
    target = None if crash else outcome(source)
    if crash:
        def same(s):
            return crashes(s)
    else:
        def same(s):
            return outcome(s) == target
    if not crash and target[0] != category:
        return source
    t0 = time.monotonic()
    cur = ast.unparse(ast.parse(source))
    progress = True
    while progress and time.monotonic() - t0 < budget:
        progress = False
        for cand in candidates(cur):
            if time.monotonic() - t0 > budget:
                break
            if len(cand) < len(cur) and same(cand):
                cur = cand
                progress = True
                if verbose:
                    print(f"  reduced to {len(cur)} chars", file=sys.stderr)
                break
    return cur
