"""Write the front end's compilation units for the Rust fixture tests.

Every `crates/oxjit_typeck/tests/fixtures/NAME.py` gets `NAME.units.json`:
for each function named in a `# check:` or `# ir:` line, the unit JSON this
source tree's front end (`python/oxjit/_frontend.py`) builds for it, as the
dispatcher would. Fixtures that import oxjit (`@njit` callees) need it installed. `cargo test` reads
these files and needs no Python. `--check` only reports stale files (exit 1).

    python3 scripts/fixture_units.py [--check]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "crates" / "oxjit_typeck" / "tests" / "fixtures"
CHECK = re.compile(r"^\s*# (?:check|ir): (\w+)\(")


def source_frontend():
    """The front end of this source tree (not whichever oxjit is installed): it
    needs only the standard library and NumPy."""
    # A stand-in package, so the front end's relative imports find their
    # siblings in this tree.
    package = types.ModuleType("oxjit_source")
    package.__path__ = [str(ROOT / "python/oxjit")]
    sys.modules["oxjit_source"] = package
    spec = importlib.util.spec_from_file_location("oxjit_source._frontend", ROOT / "python/oxjit/_frontend.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def units_for(path: Path) -> str:
    build_unit = source_frontend().build_unit

    spec = importlib.util.spec_from_file_location(f"oxjit_fixture_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    names = sorted({m.group(1) for line in path.read_text().splitlines() if (m := CHECK.match(line))})
    rel = path.relative_to(ROOT).as_posix()
    units = {}
    for name in names:
        f = getattr(module, name)
        unit = json.loads(build_unit(getattr(f, "py_func", f)))
        # The fixtures are typed for the reference NumPy (the unit's default),
        # whatever NumPy generates them.
        unit.pop("numpy", None)
        for fn in unit["functions"]:
            if Path(fn["file"]).resolve() == path.resolve():
                fn["file"] = rel  # stable across checkouts
        units[name] = unit
    # One unit per line: small diffs when one function changes.
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in units.items())
    return '{"units": {\n' + body + "\n}}\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="report stale unit files, write nothing")
    args = ap.parse_args()
    stale = []
    for path in sorted(FIXTURES.glob("*.py")):
        want = units_for(path)
        out = path.with_suffix(".units.json")
        if out.exists() and out.read_text() == want:
            continue
        stale.append(out.relative_to(ROOT).as_posix())
        if not args.check:
            out.write_text(want)
    verb = "stale" if args.check else "written"
    for s in stale:
        print(f"fixture_units: {verb}: {s}")
    if args.check and stale:
        print("fixture_units: run `python3 scripts/fixture_units.py` and commit the result")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
