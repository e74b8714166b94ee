"""Run Numba's test modules under oxjit, one subprocess per module.

Each module runs in ``python3 -m pytest -p tests.numba_suite.plugin`` (cwd = the repository
root). The plugin appends one JSON line per test start and per report to a file; this
process watches that file. A module whose process dies (a signal, e.g. a segfault) or
makes no progress for ``--test-timeout`` seconds (a hang) is killed, the test that was
running is recorded as a crash/hang, and the module resumes with the finished tests and
that one deselected.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import classify

ROOT = Path(__file__).resolve().parents[2]
EXPECTATIONS = Path(__file__).with_name("classified.json")

CORE = [
    "test_builtins",
    "test_operators",
    "test_mathlib",
    "test_complex",
    "test_array_reductions",
    "test_array_methods",
    "test_np_functions",
    "test_indexing",
    "test_random",
    "test_ufuncs",
    "test_tuples",
    "test_recursion",
]
EXTRA = [
    "test_array_manipulation",
    "test_numberctor",
    "test_intwidth",
    "test_nan",
    "test_maxmin",
    "test_range",
    "test_slices",
    "test_fancy_indexing",
]
ALL = CORE + EXTRA


@dataclass
class ModuleResult:
    module: str
    seconds: float = 0.0
    outcomes: dict = field(default_factory=dict)  # test id -> record (outcome + exception chain)
    restarts: int = 0
    note: str = ""


def _test_id(module: str, nodeid: str) -> str:
    return f"{module}::{nodeid.split('::', 1)[-1]}" if "::" in nodeid else f"{module}::{nodeid}"


def _read_events(path: Path, offset: int) -> tuple[list[dict], int]:
    with open(path, encoding="utf-8") as f:
        f.seek(offset)
        data = f.read()
    lines = data.split("\n")
    complete, rest = lines[:-1], lines[-1]
    events = []
    for line in complete:
        if line.strip():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return events, offset + len(data) - len(rest)


def _merge(outcomes: dict, module: str, ev: dict) -> None:
    tid = _test_id(module, ev["nodeid"])
    cur = outcomes.setdefault(tid, {"outcome": "passed", "module": module})
    o = ev.get("outcome")
    if ev.get("xfail"):
        o = "xfail" if o == "skipped" else o
    if o == "failed":
        if cur["outcome"] != "failed":
            cur.update(
                outcome="failed", when=ev.get("when"), chain=ev.get("chain", []), frames=ev.get("frames", [])
            )
        elif not cur.get("chain") and ev.get("chain"):
            cur.update(chain=ev["chain"], frames=ev.get("frames", []))
    elif o == "skipped" and cur["outcome"] == "passed":
        cur.update(outcome="skipped", chain=ev.get("chain", []))
    elif o == "xfail" and cur["outcome"] == "passed":
        cur["outcome"] = "xfail"


def run_module(module: str, test_timeout: float, module_timeout: float, verbose: bool = True) -> ModuleResult:
    res = ModuleResult(module)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nbsuite-") as tmp:
        out = Path(tmp, "events.jsonl")
        deselect = Path(tmp, "deselect.txt")
        deselect.write_text("")
        done_nodeids: set[str] = set()
        while True:
            out.write_text("")
            env = dict(os.environ, OXJIT_NBSUITE_OUT=str(out), OXJIT_NBSUITE_DESELECT=str(deselect))
            cmd = [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "tests.numba_suite.plugin",
                "-p",
                "no:cacheprovider",
                "-q",
                "--no-header",
                "-rN",
                "--tb=no",
                "--pyargs",
                f"numba.tests.{module}",
            ]
            log = open(Path(tmp, "pytest.log"), "ab")
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            offset, running, last_progress = 0, None, time.monotonic()
            finished, killed_for = False, None
            while True:
                rc = proc.poll()
                events, offset = _read_events(out, offset)
                for ev in events:
                    last_progress = time.monotonic()
                    if ev["event"] == "start":
                        running = ev["nodeid"]
                    elif ev["event"] == "report":
                        _merge(res.outcomes, module, ev)
                        done_nodeids.add(ev["nodeid"])
                        if ev.get("when") == "teardown":
                            running = None
                    elif ev["event"] == "finish":
                        finished = True
                if rc is not None:
                    break
                now = time.monotonic()
                if now - last_progress > test_timeout:
                    killed_for = "hang"
                elif now - t0 > module_timeout:
                    killed_for = "module-timeout"
                if killed_for:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    rc = proc.returncode
                    events, offset = _read_events(out, offset)
                    for ev in events:
                        if ev["event"] == "report":
                            _merge(res.outcomes, module, ev)
                            done_nodeids.add(ev["nodeid"])
                    break
                time.sleep(0.2)
            log.close()
            if finished or (rc is not None and rc in (0, 1, 5) and not killed_for):
                break
            if killed_for == "module-timeout":
                res.note = f"module timeout after {module_timeout:.0f}s"
                break
            if running is None:
                res.note = f"pytest exited with {rc} outside a test"
                if verbose:
                    print(Path(tmp, "pytest.log").read_text()[-3000:], file=sys.stderr)
                break
            tid = _test_id(module, running)
            if killed_for == "hang":
                res.outcomes[tid] = {
                    "outcome": "hang",
                    "module": module,
                    "detail": f"no progress for {test_timeout:.0f}s",
                }
            else:
                sig = -rc if rc is not None and rc < 0 else None
                detail = f"killed by {signal.Signals(sig).name}" if sig else f"exit status {rc} mid-test"
                res.outcomes[tid] = {"outcome": "crash", "module": module, "detail": detail}
            done_nodeids.add(running)
            deselect.write_text("\n".join(sorted(done_nodeids)) + "\n")
            res.restarts += 1
            if verbose:
                print(f"  {module}: {res.outcomes[tid]['outcome']} in {tid}; resuming", file=sys.stderr)
    res.seconds = time.monotonic() - t0
    return res


def load_expectations() -> dict:
    if EXPECTATIONS.exists():
        return json.loads(EXPECTATIONS.read_text())
    return {}


def summarise(results: list[ModuleResult], expectations: dict) -> tuple[dict, list, list, dict]:
    """Per-module counts by category, new failures, fixed ones, and the classification used."""
    table, new, used = {}, [], {}
    failing_ids = set()
    for r in results:
        row = {
            "tests": 0,
            "passed": 0,
            "skipped": 0,
            classify.INTERNALS: 0,
            classify.MISSING: 0,
            classify.WRONG: 0,
            classify.UNKNOWN: 0,
            "seconds": r.seconds,
        }
        for tid, rec in sorted(r.outcomes.items()):
            row["tests"] += 1
            o = rec["outcome"]
            if o in ("passed", "xfail"):
                row["passed"] += 1
                continue
            if o == "skipped":
                row["skipped"] += 1
                continue
            failing_ids.add(tid)
            auto = classify.classify(rec)
            exp = expectations.get(tid)
            if exp is None:
                new.append((tid, auto))
                cat, why = auto
            else:
                cat, why = exp["category"], exp["reason"]
            used[tid] = {"category": cat, "reason": why, "auto": list(auto)}
            row[cat] = row.get(cat, 0) + 1
        table[r.module] = row
    modules = {r.module for r in results}
    fixed = sorted(t for t in expectations if t.split("::", 1)[0] in modules and t not in failing_ids)
    return table, new, fixed, used
