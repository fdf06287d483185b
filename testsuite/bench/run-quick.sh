#!/bin/bash
# run-quick.sh - the benchmark suite as a test: 'swasm bench --quick' builds every program of
# testsuite/bench for every engine, runs each once at a tiny size and checks its checksum
# against the native one. One pass per program and engine that matched; engines not installed
# here are skipped, not passed. The last line is "N passed, N failed, N skipped".
#
#   testsuite/bench/run-quick.sh BUILD_DIR
set -u
if [ $# -ne 1 ]; then
  sed -n '2,7p' "$0"
  exit 2
fi
swasm=$1/tools/swasm/swasm
if [ ! -x "$swasm" ]; then
  echo "run-quick.sh: $swasm not built"
  echo
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$swasm" bench --quick --src "$here" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
# A harness that died before its counts is one failure, never silence.
if ! tail -n 1 "$out" | grep -qE '^[0-9]+ passed, [0-9]+ failed'; then
  echo
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
exit "$status"
