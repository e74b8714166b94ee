"""Write CPython's `cmath` results, bit for bit, for the runtime's tests.

    python3 scripts/gen_cmath_table.py [--check]

Writes `crates/oxjit_runtime/tests/cmath_cpython.txt`, which
`crates/oxjit_runtime/tests/cmath_cpython.rs` reads to check that
`oxjit_runtime::cmath::cpython` equals CPython's `cmath.<op>(complex(re, im))`
exactly (signs of zeros and infinities included; NaN is compared as NaN).
`--check` only reports whether the file is up to date (exit 1 if not).

Needs CPython 3.11 on x86-64 Linux with glibc (the results depend on the C
library's `exp`, `sin`, `log1p`, ... as CPython's do), `nm` (binutils), and
the installed `test/cmath_testcases.txt` of the standard library.

Inputs: every pair of a set of special values (zeros, ones, infinities, NaN,
subnormal, DBL_MIN, DBL_MAX, ...), ~270 seeded random values (magnitudes
1e-300..1e300, near 0, near +-1 and +-i, on and near the branch cuts, near the
algorithms' thresholds), for every operation; plus the inputs of CPython's own
`test/cmath_testcases.txt` for their operation.

Line format (values are IEEE bit patterns as 16 hex digits):

    op re im -> re im status

`status` is `ok`, or `EDOM`/`ERANGE` where CPython raises ValueError /
OverflowError. For those, the value written is the one CPython's C function
computed before the wrapper turned errno into the exception: it is obtained
by calling the functions of the loaded `cmath` extension module directly
(`c_log`, `cmath_atanh_impl`, `cmath_cosh_impl`, `cmath_sinh_impl`,
`cmath_tanh_impl`, located through the module's symbol table); `exp` has no
separate function in the binary, so its value is computed by a transcription
of CPython's `c_exp` that the script first checks against `cmath.exp` on every
input that does not raise.
"""

from __future__ import annotations

import argparse
import cmath
import ctypes
import math
import random
import struct
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "oxjit_runtime" / "tests" / "cmath_cpython.txt"

OPS = [
    "sqrt", "exp", "log", "log10", "sin", "cos", "tan", "sinh", "cosh", "tanh",
    "asin", "acos", "atan", "asinh", "acosh", "atanh",
]

INF = math.inf
NAN = math.nan
DBL_MAX = sys.float_info.max
DBL_MIN = sys.float_info.min
TINY = 5e-324
M_LN10 = 2.302585092994045684  # glibc's <math.h> constant, as CPython uses it

# The operations that can raise, whose pre-raise value `pre_raise` computes.
RAISING = {"exp", "log", "log10", "sin", "cos", "tan", "sinh", "cosh", "tanh", "atan", "atanh"}


def bits(x: float) -> str:
    return f"{struct.unpack('<Q', struct.pack('<d', x))[0]:016x}"


# --- CPython's C functions, called directly -------------------------------

# The C library's functions (Python's `math.exp` raises where C's returns inf).
LIBM = ctypes.CDLL("libm.so.6")
for _name in ("exp", "log", "cos", "sin"):
    getattr(LIBM, _name).restype = ctypes.c_double
    getattr(LIBM, _name).argtypes = [ctypes.c_double]


class PyComplex(ctypes.Structure):
    _fields_ = [("real", ctypes.c_double), ("imag", ctypes.c_double)]


def internal_functions():
    """The module's static functions of one Py_complex, by address (from the
    symbol table). GCC's `.isra`/`.constprop` clones dropped the unused module
    argument: the module calls them with the two doubles in xmm0/xmm1 and gets
    the result there, as a C function `Py_complex f(double, double)` would.
    `row` checks them against `cmath` wherever it does not raise."""
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"needs CPython 3.11 (this is {sys.version.split()[0]})")
    lib = ctypes.CDLL(cmath.__file__)
    nm = subprocess.run(["nm", cmath.__file__], capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2].split(".")[0]] = int(parts[0], 16)
    base = ctypes.cast(lib.PyInit_cmath, ctypes.c_void_p).value - syms["PyInit_cmath"]
    proto = ctypes.CFUNCTYPE(PyComplex, ctypes.c_double, ctypes.c_double)
    funcs = {}
    for name in ["c_log", "cmath_atanh_impl", "cmath_cosh_impl", "cmath_sinh_impl", "cmath_tanh_impl"]:
        f = proto(base + syms[name])
        funcs[name] = lambda re, im, f=f: (lambda r: (r.real, r.imag))(f(re, im))
    table = (ctypes.c_double * 98).from_address(base + syms["exp_special_values"])
    funcs["exp_special_values"] = [[(table[14 * i + 2 * j], table[14 * i + 2 * j + 1]) for j in range(7)]
                                   for i in range(7)]
    return funcs


def special_type(x: float) -> int:
    """CPython's classification: -inf, negative, -0, +0, positive, +inf, nan."""
    if math.isnan(x):
        return 6
    if math.isinf(x):
        return 0 if x < 0 else 5
    if x == 0.0:
        return 2 if math.copysign(1.0, x) < 0 else 3
    return 1 if x < 0 else 4


def c_exp(re: float, im: float, special_values) -> tuple[float, float]:
    """CPython 3.11's `c_exp` (Modules/cmathmodule.c), transcribed: its code
    is inlined into the module's wrapper, so it cannot be called alone (its
    special-value table is read from the module)."""
    if not math.isfinite(re) or not math.isfinite(im):
        if math.isinf(re) and math.isfinite(im) and im != 0.0:
            if re > 0:
                return math.copysign(INF, LIBM.cos(im)), math.copysign(INF, LIBM.sin(im))
            return math.copysign(0.0, LIBM.cos(im)), math.copysign(0.0, LIBM.sin(im))
        return special_values[special_type(re)][special_type(im)]
    exp, cos, sin = LIBM.exp, LIBM.cos, LIBM.sin
    if re > LIBM.log(DBL_MAX / 4.0):
        l = exp(re - 1.0)
        return l * cos(im) * math.e, l * sin(im) * math.e
    l = exp(re)
    return l * cos(im), l * sin(im)


def pre_raise(op, re, im, f):
    """The value CPython computed for `op` before raising."""
    if op in ("log", "log10"):
        r = f["c_log"](re, im)
        return r if op == "log" else (r[0] / M_LN10, r[1] / M_LN10)
    # sin/cos/tan/atan are computed as -i f(iz) (or f(iz)), as CPython does.
    swap = {"sin": "sinh", "cos": "cosh", "tan": "tanh", "atan": "atanh"}
    if op in swap:
        s = f[f"cmath_{swap[op]}_impl"](-im, re)
        return s if op == "cos" else (s[1], -s[0])
    if op == "exp":
        return c_exp(re, im, f["exp_special_values"])
    return f[f"cmath_{op}_impl"](re, im)


# --- Inputs ---------------------------------------------------------------

SPECIALS = [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN, TINY, -DBL_MIN, DBL_MAX, -1e300]


def random_inputs() -> list[tuple[float, float]]:
    rng = random.Random(20250611)
    sign = lambda: rng.choice((1.0, -1.0))  # noqa: E731
    logu = lambda lo, hi: sign() * 10.0 ** rng.uniform(lo, hi)  # noqa: E731
    out = []
    for _ in range(90):  # any magnitude
        out.append((logu(-300, 300), logu(-300, 300)))
    for _ in range(20):  # comparable magnitudes
        e = rng.uniform(-300, 300)
        out.append((sign() * 10.0 ** (e + rng.uniform(-1, 1)), sign() * 10.0 ** (e + rng.uniform(-1, 1))))
    for _ in range(20):  # near 0
        out.append((logu(-20, -3), logu(-20, -3)))
    for _ in range(30):  # near +-1 or +-i, the other part small
        one = sign() * (1.0 + sign() * 10.0 ** rng.uniform(-17, -2))
        other = rng.choice((0.0, -0.0, logu(-300, -1), logu(-20, 0)))
        out.append((one, other) if rng.random() < 0.5 else (other, one))
    for _ in range(30):  # on and near the branch cuts along the axes
        big = sign() * rng.choice((1.0 + 10.0 ** rng.uniform(-16, 0), 10.0 ** rng.uniform(0, 300)))
        small = rng.choice((0.0, -0.0, TINY, -TINY, logu(-300, -10)))
        out.append((big, small) if rng.random() < 0.5 else (small, big))
    for _ in range(30):  # moderate, where tan/tanh and friends cancel
        out.append((rng.uniform(-10, 10), rng.uniform(-10, 10)))
    for _ in range(20):  # exp/sinh/cosh overflow threshold, tanh's large-x branch
        x = sign() * rng.uniform(705.0, 715.0)
        out.append((x, rng.uniform(-4, 4)) if rng.random() < 0.5 else (rng.uniform(-4, 4), x))
    for _ in range(10):  # subnormal parts (sqrt's and log's rescaling)
        out.append((sign() * rng.uniform(0, 2) * DBL_MIN, sign() * rng.uniform(0, 2) * DBL_MIN))
    for _ in range(10):  # near CM_LARGE_DOUBLE = DBL_MAX/4 and its square root
        t = rng.choice((DBL_MAX / 4.0, math.sqrt(DBL_MAX / 4.0)))
        out.append((sign() * t * rng.uniform(0.5, 2.0), logu(-5, 5)))
    for _ in range(10):  # |z| near log's 0.71 and 1.73 bounds
        h = rng.choice((0.71, 1.73)) * (1.0 + rng.uniform(-1e-3, 1e-3))
        t = rng.uniform(0, math.pi / 2)
        out.append((sign() * h * math.cos(t), sign() * h * math.sin(t)))
    return out


def upstream_cases() -> list[tuple[str, float, float]]:
    path = Path(sysconfig.get_paths()["stdlib"]) / "test" / "cmath_testcases.txt"
    cases = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if not parts or line.startswith("--") or parts[1] not in OPS:
            continue
        cases.append((parts[1], float(parts[2]), float(parts[3])))
    return cases


# --- Table ----------------------------------------------------------------


def row(op, re, im, funcs) -> str:
    status = "ok"
    try:
        w = getattr(cmath, op)(complex(re, im))
        val = (w.real, w.imag)
    except ValueError:
        status, val = "EDOM", pre_raise(op, re, im, funcs)
    except OverflowError:
        status, val = "ERANGE", pre_raise(op, re, im, funcs)
    else:
        # The directly called functions must agree wherever cmath answers.
        if op in RAISING:
            got = pre_raise(op, re, im, funcs)
            same = all(a == b and math.copysign(1, a) == math.copysign(1, b) or a != a and b != b
                       for a, b in zip(got, val))
            assert same, (op, re, im, got, val)
    return f"{op} {bits(re)} {bits(im)} -> {bits(val[0])} {bits(val[1])} {status}"


def table() -> str:
    funcs = internal_functions()
    inputs = [(a, b) for a in SPECIALS for b in SPECIALS] + random_inputs()
    lines = [
        "# CPython 3.11 cmath.<op>(complex(re, im)), bit for bit (glibc, x86-64).",
        "# Written by scripts/gen_cmath_table.py; read by tests/cmath_cpython.rs.",
        "# op re im -> re im status; values are IEEE-754 double bit patterns.",
        "# status: ok, or EDOM (ValueError) / ERANGE (OverflowError) with the value",
        "# CPython computed before raising.",
    ]
    for op in OPS:
        lines += [row(op, re, im, funcs) for re, im in inputs]
    lines += [row(op, re, im, funcs) for op, re, im in upstream_cases()]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only report whether the file is up to date")
    args = ap.parse_args()
    text = table()
    if args.check:
        if OUT.exists() and OUT.read_text() == text:
            return 0
        print(f"{OUT.relative_to(ROOT)} is stale: run scripts/gen_cmath_table.py", file=sys.stderr)
        return 1
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}: {text.count(chr(10)) - 5} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
