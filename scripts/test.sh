#!/usr/bin/env bash
# Every test: Rust unit/snapshot tests of the core crates (no libpython),
# then the Python test suite against the installed package.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
export LLVM_SYS_191_PREFIX=/usr/lib/llvm-19

echo "== cargo test (core crates)" >&2
cargo test -p oxjit_types -p oxjit_syntax -p oxjit_typeck -p oxjit_runtime -p oxjit_linalg -p oxjit_codegen

# Run pytest from tests/ so that the source tree (python/oxjit, which has no
# compiled _native module) can never shadow the installed package.
echo "== pytest" >&2
cd "$ROOT/tests"
python3 - <<'PY'
import oxjit, oxjit._native, sys
print(f"testing oxjit from {oxjit.__file__}", file=sys.stderr)
PY
python3 -m pytest -q -p no:cacheprovider .
