#!/usr/bin/env bash
# Every test: the lint gates, the Rust tests of the core crates (no libpython)
# and their fixture corpus, then the Python test suite against the installed
# package.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
export LLVM_SYS_191_PREFIX=/usr/lib/llvm-19

step() { echo "== $1 ($(date +%H:%M:%S))" >&2; }

step "lint: cargo fmt --check, ruff"
cargo fmt --all --check
python3 -m ruff check .
step "lint: cargo clippy --all-targets -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "fixtures: the committed front-end units are current"
python3 scripts/fixture_units.py --check

step "cargo test (core crates and fixtures)"
cargo test -p oxjit_types -p oxjit_syntax -p oxjit_typeck -p oxjit_runtime -p oxjit_linalg -p oxjit_codegen

# Run pytest from tests/ so that the source tree (python/oxjit, which has no
# compiled _native module) can never shadow the installed package.
step "pytest"
cd "$ROOT/tests"
python3 - <<'PY'
import oxjit, oxjit._native, sys
print(f"testing oxjit from {oxjit.__file__}", file=sys.stderr)
PY
# OXJIT_VERIFY=1: every program the suite compiles goes through the verifier
# of typed output (an incomplete one is an InternalCompilerError). One worker
# process per core (pytest-xdist): 2 minutes instead of 3 on two cores.
OXJIT_VERIFY=1 python3 -m pytest -q -p no:cacheprovider -n auto .
