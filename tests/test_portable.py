"""The extension carries LLVM inside (linked statically from Debian's
llvm-19-dev archives): it needs no libLLVM at run time, only the C and C++
runtimes, libz and libzstd, so a built wheel imports on machines without
LLVM installed."""

import os
import shutil
import subprocess
import sys
import textwrap

import oxjit._native
import pytest

# What the extension may need from the system (ld.so's names).
ALLOWED = {
    "libc.so.6",
    "libm.so.6",
    "libgcc_s.so.1",
    "libstdc++.so.6",
    "libz.so.1",
    "libzstd.so.1",
    "libdl.so.2",
    "librt.so.1",
    "libpthread.so.0",
    "ld-linux-x86-64.so.2",
}


def needed(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    return {line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines() if "(NEEDED)" in line}


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) is not installed")
def test_the_extension_needs_no_llvm_library():
    libs = needed(oxjit._native.__file__)
    assert not [lib for lib in libs if "LLVM" in lib], libs
    assert libs <= ALLOWED, libs - ALLOWED


def test_import_and_compile_with_libllvm_hidden(tmp_path):
    # A broken libLLVM.so.19.1 first on the loader's path: loading it (or
    # any LLVM library) would fail the import. None is mapped either.
    for name in ("libLLVM.so.19.1", "libLLVM.so.1", "libLLVM-19.so", "libLLVM.so"):
        (tmp_path / name).write_bytes(b"not a shared object")
    code = textwrap.dedent(
        """
        import numpy as np
        from oxjit import njit

        @njit
        def qm(x0, n):
            x = np.empty(n + 1)
            x[0] = x0
            for t in range(n):
                x[t + 1] = 4 * x[t] * (1 - x[t])
            return x

        print(qm(0.1, 3).tolist())
        maps = open("/proc/self/maps").read()
        print("libLLVM" in maps)
        """
    )
    (tmp_path / "probe.py").write_text(code)
    env = dict(os.environ, LD_LIBRARY_PATH=str(tmp_path))
    r = subprocess.run([sys.executable, str(tmp_path / "probe.py")], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stdout.split("\n")
    x = [0.1]
    for _ in range(3):
        x.append(4 * x[-1] * (1 - x[-1]))
    assert lines[0] == str(x)
    assert lines[1] == "False"
