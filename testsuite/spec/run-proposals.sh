#!/bin/bash
# run-proposals.sh - runs the spec tests of the WebAssembly 3.0 proposals that wast2json 1.0.32
# reads, each directory with its feature flag, and prints one line per proposal and the
# totals last ("N passed, N failed, N skipped").
#
#   testsuite/spec/run-proposals.sh BUILD_DIR [PROPOSAL...] [-- SWASM-WAST-OPTIONS...]
#
# PROPOSAL names a directory of $SWASM_SPEC_DIR/proposals (default: all of them). The spec
# data and the compile cache are found as run-core.sh finds them.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -lt 1 ] && exit 2 || exit 0
fi
build=$1; shift
case "$build" in /*) ;; *) build="$PWD/$build" ;; esac
swasm="$build/tools/swasm/swasm"
[ -x "$swasm" ] || { echo "run-proposals.sh: no $swasm (build it first)" >&2; exit 2; }
spec=${SWASM_SPEC_DIR:-$top/../shared/spec}
[ -d "$spec/proposals" ] || { echo "run-proposals.sh: no $spec/proposals" >&2; exit 2; }
spec=$(cd "$spec" && pwd)

names=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do names+=("$1"); shift; done
[ $# -gt 0 ] && shift
if [ ${#names[@]} = 0 ]; then
  for d in "$spec"/proposals/*/; do names+=("$(basename "$d")"); done
fi

if [ -z "${SWASM_CACHE_DIR:-}" ]; then
  SWASM_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/swasm-spec-cache.XXXXXX") || exit 2
  export SWASM_CACHE_DIR
  trap 'rm -rf "$SWASM_CACHE_DIR"' EXIT
fi

tp=0; tf=0; ts=0; status=0
for name in "${names[@]}"; do
  case "$name" in
    exception-handling) flag=--enable-exceptions ;;
    *) flag=--enable-$name ;;
  esac
  out=$("$swasm" wast "$flag" "$@" "$spec/proposals/$name"/*.wast 2>&1)
  [ $? = 0 ] || status=1
  echo "$out" | head -n -1 | grep -v -E '^/.*: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'
  last=$(echo "$out" | tail -n 1)
  echo "$name: $last"
  read -r p _ f _ s _ <<<"${last//,/}"
  case "$p$f$s" in *[!0-9]*|'') tf=$((tf + 1)); continue ;; esac
  tp=$((tp + p)); tf=$((tf + f)); ts=$((ts + s))
done
echo "$tp passed, $tf failed, $ts skipped"
exit $status
