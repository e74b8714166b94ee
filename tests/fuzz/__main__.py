"""CLI: ``python3 -m tests.fuzz --seed S --count N [--jobs J] [--category C] [--reduce]``.

Runs seeds S..S+N-1 (each program in a worker subprocess, so a crash is reported with its seed),
prints the count per category and the failing seeds with their first difference, and with
``--reduce`` a minimal reproducer for each failure (at most ``--reduce-limit``).
``--include-known`` also generates the constructs ``gen.KNOWN`` excludes (open oxjit bugs).
``--show SEED`` prints one program and its result.
"""

from __future__ import annotations

import argparse
import sys
import time

if __package__ in (None, ""):
    import os

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from fuzz import gen, reduce, run
else:
    from . import gen, reduce, run


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m tests.fuzz", description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--category", help="only report failures of this category")
    ap.add_argument("--reduce", action="store_true", help="print a minimal reproducer per failure")
    ap.add_argument("--reduce-limit", type=int, default=10)
    ap.add_argument("--include-known", action="store_true", help="also generate gen.KNOWN constructs")
    ap.add_argument("--show", type=int, help="print the program of one seed and its result")
    ap.add_argument("--progress", action="store_true")
    args = ap.parse_args(argv)

    if args.show is not None:
        prog = gen.generate(args.show, args.include_known)
        print(prog.source)
        print(run.check_seed(args.show, args.include_known))
        return 0

    t0 = time.monotonic()
    counts, failures = run.campaign(args.seed, args.count, args.jobs, args.include_known, args.category,
                                    progress=args.progress)
    elapsed = time.monotonic() - t0
    print(f"{sum(counts.values())} programs in {elapsed:.1f}s (seeds {args.seed}..{args.seed + args.count - 1}, "
          f"jobs {args.jobs}{', known bugs included' if args.include_known else ''})")
    for cat, n in counts.items():
        print(f"  {cat:20s} {n}")
    for res in failures:
        print(f"seed {res['seed']}: {res['category']}: {res['detail'][:300]}")
    if args.reduce:
        for res in failures[: args.reduce_limit]:
            prog = gen.generate(res["seed"], args.include_known)
            small = reduce.reduce(prog.source, res["category"])
            print(f"\n# ---- seed {res['seed']} ({res['category']}): {res['detail'][:200]}\n{small}")
    return 1 if any(counts.get(c, 0) for c in run.BUGS) else 0


if __name__ == "__main__":
    sys.exit(main())
