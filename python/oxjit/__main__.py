"""``python -m oxjit -s``: what oxjit runs on (as ``numba -s``): versions,
the CPU compiled code is tuned for, threads and settings."""

from __future__ import annotations

import argparse
import os
import platform
import sys


def system_info() -> str:
    import numpy as np

    import oxjit
    from oxjit import _native, config

    cpu, features, llvm = _native._system_info()
    rows = [
        ("oxjit", getattr(oxjit, "__version__", "?")),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("NumPy", np.__version__),
        ("LLVM", llvm),
        ("Platform", platform.platform()),
        ("CPU name", cpu),
        ("CPU features", " ".join(f for f in features.split(",") if f.startswith("+"))),
        ("CPU count", str(os.cpu_count())),
        ("Threads (get_num_threads)", str(oxjit.get_num_threads())),
        ("DISABLE_JIT", str(config.DISABLE_JIT)),
        ("BOUNDSCHECK", str(config.BOUNDSCHECK)),
        ("OPT", str(config.OPT)),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}} : {v}" for k, v in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m oxjit", description=__doc__)
    ap.add_argument("-s", "--sysinfo", action="store_true", help="print system information")
    args = ap.parse_args(argv)
    if args.sysinfo:
        print(system_info())
        return 0
    ap.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
