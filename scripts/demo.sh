#!/usr/bin/env bash
# Set up oxjit (LLVM 19 + build + install), then run the Numba lecture demo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
python3 examples/numba_lecture.py
