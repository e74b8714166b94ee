#!/usr/bin/env bash
# Install LLVM 19 (if missing) and build + install oxjit with its test extras.
# Idempotent: safe to run again; later runs rebuild incrementally.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LLVM_PREFIX=/usr/lib/llvm-19
if [ ! -x "$LLVM_PREFIX/bin/llvm-config" ]; then
    echo "setup: installing LLVM 19 (llvm-19-dev)" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq llvm-19-dev
fi
export LLVM_SYS_191_PREFIX="$LLVM_PREFIX"

echo "setup: building and installing oxjit (release build; the first build takes a few minutes)" >&2
python3 -m pip install -q ".[test]"
