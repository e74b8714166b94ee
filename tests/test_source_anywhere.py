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
    # (Python 3.13 registers the `-c` program in linecache under `<string>`:
    # the lines are found, and found not to be this function's.)
    assert "cannot read the source of f: it was defined in a string given to exec()" in out or (
        "cannot read the source of f: the lines registered for <string> are not the function's" in out
    )


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


def _interactive(lines, timeout=60.0, paste=False):
    """Drive `python -i` through a pseudo-terminal: `lines` typed one by one
    (the basic REPL: `PYTHON_BASIC_REPL=1` from Python 3.13), or the block
    pasted at once (bracketed paste, as a terminal sends it), then the last
    line typed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: an interactive interpreter on the terminal
        os.environ.pop("PYTHONSTARTUP", None)
        if not paste:
            os.environ["PYTHON_BASIC_REPL"] = "1"
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
        typed = lines
        if paste:
            os.write(fd, b"\x1b[200~" + "\n".join(lines[:-1]).encode() + b"\n\x1b[201~")
            time.sleep(0.3)
            os.write(fd, b"\r")
            time.sleep(0.3)
            typed = lines[-1:]
        for line in typed:
            os.write(fd, line.encode() + b"\r")
            time.sleep(0.1)
        read(b"RESULT", timeout)
        read(b">>> ", 10)
        os.write(fd, b"exit()\r")
    finally:
        os.waitpid(pid, 0)
        os.close(fd)
    return out.decode(errors="replace")


SESSION = [
    "from oxjit import njit",
    "@njit",
    "def qm(x, n):",
    "    for _ in range(n):",
    "        x = 4 * x * (1 - x)",
    "    return x",
    "",
    "sq = njit(lambda v: v * v)",
    "print('RESULT', qm(0.1, 3), sq(3.0))",
]


def test_interactive_prompt():
    # The readline history is where the source is found.
    out = _interactive(SESSION)
    assert "RESULT 0.28901376000000006 9.0" in out, out[-600:]


@pytest.mark.skipif(sys.version_info < (3, 13), reason="Python 3.13's REPL (PyREPL); older ones take typed lines")
def test_pasted_into_the_new_repl():
    # Python 3.13's REPL registers each input in linecache (`<python-input-N>`).
    out = _interactive(SESSION, paste=True)
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


def test_lines_under_a_shared_pseudo_filename_must_be_the_functions_own():
    # `<string>` registered in linecache with other code that defines a `g`
    # at the same line (as Python 3.13 does for the `-c` program): the
    # exec'd `g` must not compile from those lines.
    code = (
        "import linecache\n"
        "other = 'def g(x):\\n    return x + 1\\n'\n"
        "linecache.cache['<string>'] = (len(other), None, other.splitlines(True), '<string>')\n"
        "from oxjit import njit\n"
        "ns = {}\n"
        "exec('def g(x):\\n    return x * 100\\n', ns)\n"
        "try:\n"
        "    print(njit(ns['g'])(1))\n"
        "except Exception as e:\n"
        "    print('error', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert "the lines registered for <string> are not the function's" in out, out


def test_a_comment_at_column_0_inside_a_function(tmp_path):
    # Editors comment a line out with `#` at column 0: the function goes on.
    (tmp_path / "commented.py").write_text(
        "from oxjit import njit\n\n"
        "@njit\n"
        "def f(n):\n"
        "    s = 0.0\n"
        "#    s = 1.0\n"
        "    for i in range(n):\n"
        "        s += i\n"
        "# a comment between statements\n"
        "    return s\n\n"
        "class K:\n"
        "    @staticmethod\n"
        "    def g(n):\n"
        "        t = 1\n"
        "    # at the class's indentation\n"
        "        return t + n\n"
    )
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import commented\n"
        "from oxjit import njit\n"
        "print(commented.f(5), commented.f.py_func(5), njit(commented.K.g)(2))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.split() == ["10.0", "10.0", "3"]
