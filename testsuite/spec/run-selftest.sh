#!/bin/bash
# run-selftest.sh - checks the spec runner itself: 'swasm wast' must count the commands of
# selftest/*.wast exactly as expected (passes as passes, failures as failures, a hanging
# command as one failure with the script going on after it). Last line: "N passed, N failed".
#
#   testsuite/spec/run-selftest.sh BUILD_DIR [SWASM-WAST-OPTIONS...]
#
# The options go to every run (the AArch64 suite passes --target=aarch64-linux-gnu and its
# --exec-runner, to check the counts of the runner under qemu).
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; fi
build=$1
shift
common=("$@")
case "$build" in /*) ;; *) build="$PWD/$build" ;; esac
swasm="$build/tools/swasm/swasm"
[ -x "$swasm" ] || { echo "run-selftest.sh: no $swasm" >&2; exit 2; }
SWASM_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/swasm-selftest.XXXXXX") || exit 2
export SWASM_CACHE_DIR
trap 'rm -rf "$SWASM_CACHE_DIR"' EXIT

pass=0
fail=0
# check FILE EXPECTED-COUNTS [OPTIONS...]
check() {
  local file=$here/selftest/$1 want=$2
  shift 2
  local got
  got=$("$swasm" wast ${common[@]+"${common[@]}"} "$@" "$file" 2>&1 | grep -F "$file: " | tail -n 1)
  if [ "$got" = "$file: $want" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $1 $*: expected '$want', got '${got#"$file: "}'"
  fi
}

for opts in "-O2" "-O0" "-O2 --bounds-checks=explicit" "-O2 --no-fork"; do
  # shellcheck disable=SC2086
  check pass.wast "37 passed, 0 failed, 1 skipped" $opts
  # shellcheck disable=SC2086
  check fail.wast "1 passed, 25 failed, 1 skipped" $opts
done
check hang.wast "4 passed, 2 failed, 0 skipped" --timeout=2
echo "$pass passed, $fail failed"
[ $fail = 0 ]
