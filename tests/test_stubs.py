"""Type information: the ``.pyi`` stubs shipped in the package (python/oxjit/*.pyi,
``py.typed``) against the installed runtime, and what a user's type checker
makes of ordinary oxjit code.

- ``python -m mypy.stubtest oxjit`` compares every stub (the public modules,
  the private ones and ``oxjit._native``) with the imported modules: names,
  ``__all__``, classes, parameters and their defaults.
- mypy checks a user-style program (``@njit``, ``@njit(parallel=True)``,
  ``@vectorize([...])``, ``prange``, ``typed.List``...) that must pass, and one
  with type errors that must fail with exactly the errors marked in it.
- The stubs list the ``jit`` options the runtime accepts, and each decorator's
  docstring explains its options.

The mypy tests skip when mypy is not installed (it is in the ``test`` extras).
"""

from __future__ import annotations

import ast
import os
import re
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path

import oxjit
import pytest
from oxjit import dispatcher

try:
    import mypy  # noqa: F401  (only whether it is there)

    HAVE_MYPY = True
except ImportError:
    HAVE_MYPY = False

needs_mypy = pytest.mark.skipif(
    not HAVE_MYPY, reason="mypy is not installed (pip install mypy, or the package's 'test' extras)"
)

PACKAGE = Path(oxjit.__file__).parent

# A user's program that must type-check cleanly (and run: see test_user_program_runs).
# The assert_type lines check what the checker infers, not only that it is silent.
USER_PROGRAM = '''
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

import oxjit
from oxjit import cfunc, guvectorize, jit, jitclass, njit, prange, typed, types, vectorize
from oxjit.typed import Dict, List


@njit
def add(x: float, y: float) -> float:
    return x + y


@njit(parallel=True, fastmath=True, nogil=True, error_model="numpy", boundscheck=False)
def total(a: npt.NDArray[np.float64]) -> float:
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i]
    return s


@jit("float64(float64)", nopython=True)
def twice(x):
    return 2 * x


@njit([types.float64(types.float64, types.int64), "f8(f8, f8)"])
def scale(x, k):
    return x * k


@vectorize(["float64(float64, float64)", "float32(float32, float32)"], target="parallel")
def vadd(a, b):
    return a + b


@vectorize
def square(a):
    return a * a


@vectorize(identity=0)
def lazy_add(a, b):
    return a + b


@guvectorize(["void(float64[:], float64, float64[:])"], "(n),()->(n)")
def shift(x, k, out):
    for i in range(x.shape[0]):
        out[i] = x[i] + k


@guvectorize("(n)->()")
def row_sum(x, out):
    out[0] = x.sum()


@cfunc("float64(float64)")
def c_square(x):
    return x * x


@jitclass([("value", types.float64), ("data", types.float64[:])])
class Box:
    def __init__(self, value: float) -> None:
        self.value = value
        self.data = np.zeros(3)

    def get(self) -> float:
        return self.value


a = np.arange(4.0)
r: float = add(1.0, 2.0)
assert r == 3.0 and total(a) == 6.0 and twice(3.0) == 6.0 and scale(2.0, 3) == 6.0
assert add.py_func(1.0, 2.0) == 3.0
assert add.signatures == [(types.float64, types.float64)]
assert list(add.overloads) == add.signatures
llvm: dict[tuple[types.Type, ...], str] = add.inspect_llvm()
asm: str | None = add.inspect_asm((types.float64, types.float64))
assert llvm and asm
add.compile("float64(int64, int64)")
u: np.ufunc = vadd
assert (u(a, a) == 2 * a).all() and vadd.reduce(a) == 6.0
assert (square(a) == a * a).all() and lazy_add.reduce(a) == 6.0 and lazy_add.ufunc.nin == 2
assert (shift(a, 1.0) == a + 1.0).all() and (row_sum(np.ones((2, 3))) == 3.0).all()
assert c_square(3.0) == 9.0 and c_square.address > 0 and str(c_square.signature) == "float64(float64)"
assert Box(2.0).get() == 2.0

items = typed.List()
items.append(1.0)
nums = List([1, 2, 3])
first: int = nums[0]
floats = List.empty_list(types.float64)
floats.append(2.5)
weights = Dict.empty(types.unicode_type, types.float64)
weights["a"] = 1.0
counts = Dict({"a": 1})
n: int = counts["a"]
assert first + n == 2 and len(items) == 1 and floats[0] == 2.5 and weights["a"] == 1.0
assert oxjit.typeof(1.0) == oxjit.float64 and oxjit.get_num_threads() >= 1
sig = oxjit.float64(oxjit.int64, oxjit.float64[:, ::1])
assert str(sig) == "float64(int64, array(float64, 2d, C))"

if TYPE_CHECKING:
    from typing_extensions import assert_type

    same_shape: oxjit.Dispatcher[[float, float], float] = add
    assert_type(add(1.0, 2.0), float)
    assert_type(vadd, np.ufunc)
    assert_type(square, oxjit.DUFunc)
    assert_type(row_sum, oxjit.GUFunc)
    assert_type(items, List[Any])
    assert_type(nums, List[int])
    assert_type(counts, Dict[str, int])
    assert_type(add.signatures, list[tuple[types.Type, ...]])
'''

# Each `# E: code` marks the one mypy error expected on that line.
USER_ERRORS = '''
from oxjit import guvectorize, jitclass, njit, typed, vectorize


@njit
def add(x: float, y: float) -> float:
    return x + y


label: str = add(1.0, 2.0)  # E: assignment
add("one", 2.0)  # E: arg-type
add(1.0)  # E: call-arg
add.no_such_attribute  # E: attr-defined
add.signatures.append("f8(f8)")  # E: arg-type


@njit(paralel=True)  # E: call-overload
def typo(x):
    return x


@njit(error_model="fortran")  # E: call-overload
def bad_model(x):
    return x


@vectorize(target="cuda")  # E: call-overload
def on_gpu(x):
    return x


@guvectorize("(n)->()", target="gpu")  # E: call-overload
def gu_on_gpu(x, out):
    out[0] = x[0]


@jitclass(42)  # E: call-overload
class NotASpec:
    pass


nums = typed.List([1, 2, 3])
nums.append("four")  # E: arg-type
'''


def run_module(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("MYPYPATH", None)  # the stubs are those next to the imported package
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def mypy(path: Path) -> subprocess.CompletedProcess:
    # --strict but for unannotated user functions (Numba code rarely annotates).
    args = ["mypy", "--strict", "--allow-untyped-defs", "--no-error-summary", "--show-error-codes"]
    args += ["--cache-dir", str(path.parent / ".mypy_cache"), path.name]
    return run_module(args, path.parent)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stubs")


def test_package_ships_stubs():
    assert (PACKAGE / "py.typed").is_file()
    for name in ("__init__", "_native", "dispatcher", "ufunc", "typed", "types"):
        assert (PACKAGE / f"{name}.pyi").is_file(), f"{PACKAGE} has no {name}.pyi: is the package up to date?"


@needs_mypy
def test_stubtest(workdir: Path):
    # Run outside the repo (mypy writes a cache in its working directory).
    res = run_module(["mypy.stubtest", "oxjit"], workdir)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Success" in res.stdout


@needs_mypy
def test_user_program_type_checks(workdir: Path):
    path = workdir / "user_program.py"
    path.write_text(USER_PROGRAM)
    res = mypy(path)
    assert res.returncode == 0, res.stdout + res.stderr


@needs_mypy
def test_type_errors_are_reported(workdir: Path):
    path = workdir / "user_errors.py"
    path.write_text(USER_ERRORS)
    expected = set()
    for lineno, line in enumerate(USER_ERRORS.splitlines(), 1):
        m = re.search(r"# E: ([\w-]+)", line)
        if m:
            expected.add((lineno, m.group(1)))
    res = mypy(path)
    assert res.returncode == 1, res.stdout + res.stderr
    found = {
        (int(m.group(1)), m.group(2))
        for m in re.finditer(r"^user_errors\.py:(\d+): error: .*\[([\w-]+)\]$", res.stdout, re.M)
    }
    assert found == expected, res.stdout


def test_user_program_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # What the type-checked program claims holds at runtime too.
    path = tmp_path / "user_program_run.py"
    path.write_text(USER_PROGRAM)
    runpy.run_path(str(path), run_name="user_program_run")


def _stub_jit_options() -> set[str]:
    tree = ast.parse((PACKAGE / "dispatcher.pyi").read_text())
    options: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "_JitOptions":
            options |= {s.target.id for s in node.body if isinstance(s, ast.AnnAssign)}
        if isinstance(node, ast.FunctionDef) and node.name == "jit":
            options |= {a.arg for a in node.args.args[1:]}
    return options


def test_stub_options_are_the_runtime_options():
    # stubtest cannot see through `**options`: the stubs must name exactly the
    # options `_make` accepts (any other raises KeyError).
    assert _stub_jit_options() == dispatcher._KNOWN_OPTIONS


@pytest.mark.parametrize(
    "decorator, options",
    [
        (oxjit.jit, sorted(dispatcher._KNOWN_OPTIONS)),
        (oxjit.njit, sorted(dispatcher._KNOWN_OPTIONS)),
        (oxjit.vectorize, ["identity", "target", "fastmath", "cache", "nopython", "nogil"]),
        (oxjit.guvectorize, ["target", "fastmath", "cache", "identity", "nopython", "nogil"]),
        (oxjit.cfunc, ["fastmath", "boundscheck", "error_model", "cache", "nopython"]),
        (oxjit.jitclass, ["spec"]),
    ],
    ids=["jit", "njit", "vectorize", "guvectorize", "cfunc", "jitclass"],
)
def test_decorator_docstrings_explain_options(decorator, options):
    doc = textwrap.dedent(decorator.__doc__ or "")
    missing = [o for o in options if f"``{o}``" not in doc]
    assert not missing, f"help({decorator.__name__}) does not mention {missing}"
