#!/usr/bin/env bash
# Instructions one cold extraction of sources/ takes, counted by valgrind (not moved by the
# noise of a shared machine, unlike wall time). Needs valgrind.
#
#   benchmarks/extract_instructions.sh                 # this checkout
#   benchmarks/extract_instructions.sh /tmp/old        # a worktree of another commit
#                                                      # (run with this checkout's .venv)
#
# Runs the extraction of every document once and three times (each run after clear_caches())
# and prints (I refs of 3 runs - I refs of 1 run) / 2: one run in steady state, without the
# imports and first-use compilations.
set -euo pipefail
python=$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/python
cd "${1:-$(dirname "$0")/..}"  # python -c imports the package from the working directory
export PYTHONHASHSEED=0
run='import sys
from pathlib import Path
from orchestration.extract import clear_caches, extract_document
files = sorted(Path("sources").glob("*.txt"))
for _ in range(int(sys.argv[1])):
    clear_caches()
    for f in files:
        extract_document(f)'
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$python" -c "$run" "$1" 2>&1 | awk '/I *refs/ {gsub(",", "", $NF); print $NF}'
}
one=$(count 1)
three=$(count 3)
echo "extraction of sources/: $(( (three - one) / 2000000 )) million instructions per cold run"
