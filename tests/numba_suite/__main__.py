"""CLI: ``python3 -m tests.numba_suite [modules...] [--update] [--json FILE]``.

Runs Numba's own test modules (``numba.tests.<module>``) with ``numba.njit``/``jit``/
``vectorize``/``guvectorize`` swapped for oxjit's (see ``tests/numba_suite/plugin.py``),
one module at a time in its own subprocess, and prints per module how many tests pass and
how the failures split into Numba internals / missing features / wrong answers and crashes.

Failures are looked up in ``tests/numba_suite/classified.json`` (the reviewed
classification); a failure not listed there is reported as NEW with its automatic
category, a listed test that now passes as FIXED. ``--update`` writes the automatic
category of new failures into the file (review them, above all ``wrong`` ones) and drops
fixed ones. Exit status 1 when there are new failures or new ``wrong`` results.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from . import classify, runner


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m tests.numba_suite", description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="*", help="test modules (default: the core list); 'all' adds the extras")
    ap.add_argument("--test-timeout", type=float, default=180.0, help="seconds without progress = hang")
    ap.add_argument("--module-timeout", type=float, default=1800.0)
    ap.add_argument("--update", action="store_true", help="record new failures, drop fixed ones")
    ap.add_argument("--json", help="write every failure with its category and exception here")
    ap.add_argument(
        "--show",
        choices=[classify.INTERNALS, classify.MISSING, classify.WRONG, classify.UNKNOWN],
        help="list the failures of one category",
    )
    args = ap.parse_args(argv)
    mods = args.modules or runner.CORE
    if mods == ["all"]:
        mods = runner.ALL
    mods = [m if m.startswith("test_") else f"test_{m}" for m in mods]

    t0 = time.monotonic()
    results = []
    for m in mods:
        print(f"running numba.tests.{m} ...", file=sys.stderr, flush=True)
        r = runner.run_module(m, args.test_timeout, args.module_timeout)
        print(
            f"  {m}: {len(r.outcomes)} tests in {r.seconds:.0f}s{' (' + r.note + ')' if r.note else ''}",
            file=sys.stderr,
            flush=True,
        )
        results.append(r)
    elapsed = time.monotonic() - t0

    expectations = runner.load_expectations()
    table, new, fixed, used = runner.summarise(results, expectations)

    cols = [
        "tests",
        "passed",
        "skipped",
        classify.INTERNALS,
        classify.MISSING,
        classify.WRONG,
        classify.UNKNOWN,
    ]
    print(f"\n{'module':28s}" + "".join(f"{c:>10s}" for c in cols) + f"{'time':>8s}")
    tot = dict.fromkeys(cols, 0)
    for m, row in table.items():
        print(f"{m:28s}" + "".join(f"{row.get(c, 0):>10d}" for c in cols) + f"{row['seconds']:>7.0f}s")
        for c in cols:
            tot[c] += row.get(c, 0)
    print(f"{'total':28s}" + "".join(f"{tot[c]:>10d}" for c in cols) + f"{elapsed:>7.0f}s")
    for r in results:
        if r.note or r.restarts:
            print(f"note: {r.module}: {r.note or ''} {r.restarts} restart(s) after crash/hang")

    if args.show:
        print(f"\nfailures classified '{args.show}':")
        for tid, u in sorted(used.items()):
            if u["category"] == args.show:
                print(f"  {tid}: {u['reason']}")
    if new:
        print(f"\nNEW failures (not in {runner.EXPECTATIONS.name}): {len(new)}")
        for tid, (cat, why) in new[:200]:
            print(f"  [{cat}] {tid}: {why}")
    if fixed:
        print(f"\nFIXED (listed in {runner.EXPECTATIONS.name}, now passing): {len(fixed)}")
        for tid in fixed:
            print(f"  {tid} (was {expectations[tid]['category']})")

    if args.json:
        dump = {}
        for r in results:
            for tid, rec in r.outcomes.items():
                if tid in used:
                    dump[tid] = dict(used[tid], record=rec)
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(dump, f, indent=1, sort_keys=True)
    if args.update:
        for tid, (cat, why) in new:
            expectations[tid] = {"category": cat, "reason": why}
        for tid in fixed:
            expectations.pop(tid, None)
        runner.EXPECTATIONS.write_text(json.dumps(dict(sorted(expectations.items())), indent=1) + "\n")
        print(f"\nwrote {runner.EXPECTATIONS}")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
