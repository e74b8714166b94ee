"""Source wherever Numba finds it: `python -c`, the interactive prompt
(driven for real through a pseudo-terminal: its readline history), and a
clear error for code given to `exec` that no file or `linecache` holds."""

import os
import select
import subprocess
import sys
import time

import pytest

pty = pytest.importorskip("pty")


def test_python_dash_c():
    code = "from oxjit import njit\n@njit\ndef f(x):\n    return x + 1\ng = njit(lambda y: y * 2)\nprint(f(2), g(3.0))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.split() == ["3", "6.0"]


def test_exec_without_source_is_a_clear_error():
    code = "exec('from oxjit import njit\\n@njit\\ndef h(x):\\n    return x\\n'); h(1)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode != 0
    assert "cannot read the source of h: it was defined in a string given to exec()" in r.stderr
    assert "linecache" in r.stderr


def test_exec_into_another_namespace_never_takes_the_dash_c_source():
    # `f` of the `-c` program and an exec'd `f` in a namespace of its own:
    # the second must not be compiled from the first's lines.
    code = (
        "from oxjit import njit\n"
        "@njit\n"
        "def f(x):\n"
        "    return x + 1\n"
        "print(f(1))\n"
        "ns = {'njit': njit}\n"
        "exec('@njit\\ndef f(x):\\n    return x * 100\\n', ns)\n"
        "try:\n"
        "    print(ns['f'](1))\n"
        "except Exception as e:\n"
        "    print('error', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    lines = out.splitlines()
    assert lines[0] == "2"
    assert lines[1].startswith("error Failed in nopython mode")
    assert "cannot read the source of f: it was defined in a string given to exec()" in out


def test_exec_with_lines_registered_in_linecache():
    code = (
        "import linecache\n"
        "src = 'from oxjit import njit\\n@njit\\ndef h(x):\\n    return x * 3\\n'\n"
        "linecache.cache['<mine>'] = (len(src), None, src.splitlines(True), '<mine>')\n"
        "exec(compile(src, '<mine>', 'exec'))\n"
        "print(h(2))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "6"


def _interactive(lines, timeout=60.0):
    pid, fd = pty.fork()
    if pid == 0:  # the child: an interactive interpreter on the terminal
        os.environ.pop("PYTHONSTARTUP", None)
        os.execvp(sys.executable, [sys.executable, "-i", "-q"])
    out = b""

    def read(until, t):
        nonlocal out
        end = time.time() + t
        while time.time() < end and until not in out:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    return

    try:
        read(b">>> ", 30)
        for line in lines:
            os.write(fd, line.encode() + b"\r")
            time.sleep(0.1)
        read(b"RESULT", timeout)
        read(b">>> ", 10)
        os.write(fd, b"exit()\r")
    finally:
        os.waitpid(pid, 0)
        os.close(fd)
    return out.decode(errors="replace")


def test_interactive_prompt():
    out = _interactive([
        "from oxjit import njit",
        "@njit",
        "def qm(x, n):",
        "    for _ in range(n):",
        "        x = 4 * x * (1 - x)",
        "    return x",
        "",
        "sq = njit(lambda v: v * v)",
        "print('RESULT', qm(0.1, 3), sq(3.0))",
    ])
    assert "RESULT 0.28901376000000006 9.0" in out, out[-600:]


def test_an_edit_after_decoration_does_not_change_what_compiles(tmp_path):
    mod = tmp_path / "edited_mod.py"
    mod.write_text("from oxjit import njit\n\n@njit\ndef f(x):\n    return x + 1\n")
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import edited_mod, pathlib\n"
        f"p = pathlib.Path({str(mod)!r})\n"
        "p.write_text(p.read_text().replace('x + 1', 'x + 100'))\n"
        "import linecache; linecache.checkcache()\n"
        "print(edited_mod.f(1), edited_mod.f.py_func(1))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.split() == ["2", "2"]
