"""`oxjit.config`, `OXJIT_DISABLE_JIT`/`NUMBA_DISABLE_JIT` (the Python
function itself, for debuggers), `python -m oxjit -s`, and the `py.typed`
marker."""

import os
import pathlib
import subprocess
import sys

import oxjit
import pytest

PROBE = """
import oxjit
from oxjit.experimental import jitclass

@oxjit.njit
def f(x):
    return x + 1

@oxjit.njit("float64(float64)")
def g(x):
    return x * 2

@jitclass([("x", oxjit.float64)])
class C:
    def __init__(self):
        self.x = 1.5

import types
print(oxjit.config.DISABLE_JIT, type(f) is types.FunctionType, type(g) is types.FunctionType,
      isinstance(C, type) and not hasattr(C, "class_type"), f(1), g(2.0), C().x)
"""


def run_probe(tmp_path, env):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    return subprocess.run([sys.executable, str(script)], env=env, check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("var", ["OXJIT_DISABLE_JIT", "NUMBA_DISABLE_JIT"])
def test_disable_jit_gives_the_python_objects(var, tmp_path):
    out = run_probe(tmp_path, {**os.environ, var: "1"})
    assert out.split() == ["True", "True", "True", "True", "2", "4.0", "1.5"]


def test_jit_is_on_by_default(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("OXJIT_DISABLE_JIT", "NUMBA_DISABLE_JIT")}
    out = run_probe(tmp_path, env)
    assert out.split() == ["False", "False", "False", "False", "2", "4.0", "1.5"]


def test_sysinfo():
    out = subprocess.run([sys.executable, "-m", "oxjit", "-s"], check=True, capture_output=True, text=True).stdout
    rows = {k.strip(): v for k, v in (line.split(" : ", 1) for line in out.splitlines())}
    assert rows["LLVM"].strip().startswith("19.") and rows["CPU name"].strip()
    assert rows["oxjit"].strip() == oxjit.__version__
    assert int(rows["Threads (get_num_threads)"]) == oxjit.get_num_threads()


def test_config_values_and_typing_marker():
    assert isinstance(oxjit.config.OPT, int) and oxjit.config.NUMBA_NUM_THREADS >= 1
    assert (pathlib.Path(oxjit.__file__).parent / "py.typed").exists()
