#!/usr/bin/env bash
# Build a wheel of oxjit into dist/ and check that its extension needs no
# LLVM library at run time (LLVM is linked in statically): it lists what the
# extension needs from the system, and the wheel's size.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export LLVM_SYS_191_PREFIX=/usr/lib/llvm-19

python3 -m pip install -q --disable-pip-version-check "maturin>=1.5,<2" "numpy>=1.25" 2>&1 |
    grep -v "Running pip as the 'root' user" >&2 || true
rm -rf dist
python3 -m pip wheel -q --disable-pip-version-check --no-build-isolation --no-deps -w dist .
WHEEL=$(ls dist/oxjit-*.whl)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 -m zipfile -e "$WHEEL" "$TMP"
SO=$(ls "$TMP"/oxjit/_native*.so)
echo "wheel: $WHEEL ($(du -h "$WHEEL" | cut -f1))"
DYNAMIC=$(readelf -d "$SO")
echo "the extension needs:"
echo "$DYNAMIC" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/  \1/p'
if echo "$DYNAMIC" | grep "NEEDED" | grep -q "LLVM"; then
    echo "FAILED: the extension links an LLVM shared library" >&2
    exit 1
fi
echo "no LLVM library needed: the wheel runs where LLVM is not installed"
