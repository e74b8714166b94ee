#!/usr/bin/env bash
# Install LLVM 19 (if missing) and build + install oxjit with its test extras.
# Idempotent: safe to run again. A run with nothing changed takes a few
# seconds; later runs rebuild incrementally.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

START=$SECONDS
say() { printf 'setup [%d:%02d] %s\n' $(((SECONDS - START) / 60)) $(((SECONDS - START) % 60)) "$1" >&2; }

LLVM_PREFIX=/usr/lib/llvm-19
if [ ! -x "$LLVM_PREFIX/bin/llvm-config" ]; then
    say "1/3 installing LLVM 19 (Debian's llvm-19-dev, about 10 s)"
    SUDO=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq llvm-19-dev
else
    say "1/3 LLVM 19 is installed ($LLVM_PREFIX)"
fi
export LLVM_SYS_191_PREFIX="$LLVM_PREFIX"

# The build requirements of pyproject.toml, installed once into this Python.
# Building without pip's isolated environment keeps NumPy's path stable, so
# build.rs (which links NumPy's libnpyrandom.a) does not rerun and relink the
# extension on every install.
say "2/3 build requirements (maturin, numpy)"
mkdir -p target
if ! python3 -m pip install -q --disable-pip-version-check "maturin>=1.5,<2" "numpy>=1.25" \
    >target/setup-req.log 2>&1; then
    cat target/setup-req.log >&2
    rm -f target/setup-req.log
    say "FAILED to install the build requirements"
    exit 1
fi
rm -f target/setup-req.log

# Show cargo's own progress lines (the first build compiles about 200 crates
# and takes about 1.5 minutes on 2 cores); the whole log goes to target/.
say "3/3 building and installing oxjit with its test extras (release build)"
LOG=target/setup-pip.log
# In the foreground (Ctrl-C stops the build too): pip's output goes whole to
# the log and, filtered to one line per compiled crate, to the terminal.
set +e
python3 -m pip install -v --disable-pip-version-check --no-build-isolation ".[test]" </dev/null 2>&1 |
    tee "$LOG" |
    grep --line-buffered -E '^\s*(Compiling|Finished|📦 Built wheel)' |
    while IFS= read -r line; do say "   ${line#"${line%%[![:space:]]*}"}"; done
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    tail -n 60 "$LOG" >&2
    say "FAILED: the whole log is in $LOG"
    exit 1
fi
where=$(python3 -c 'import oxjit, os; print("oxjit", oxjit.__version__, "in", os.path.dirname(oxjit.__file__))')
say "done: $where"
