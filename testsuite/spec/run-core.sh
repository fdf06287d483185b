#!/bin/bash
# run-core.sh - runs the WebAssembly core spec tests through 'swasm wast'; the last line it
# prints is the totals, "N passed, N failed, N skipped".
#
#   testsuite/spec/run-core.sh BUILD_DIR [--simd | --no-simd] [-v] [SWASM-WAST-OPTIONS...]
#
# BUILD_DIR holds tools/swasm/swasm. --no-simd runs the 90 files not named simd_*, --simd the
# 56 simd_* files; without either all 146 run. Other options go to 'swasm wast' (-O0..-O3,
# --bounds-checks=explicit, --no-cache, --timeout=S, -v, ...).
# The spec data is read from $SWASM_SPEC_DIR, else ../shared/spec beside the repository.
# Modules compile into a fresh private cache that is removed afterwards, unless
# SWASM_CACHE_DIR is set: the cache key does not cover the compiler's own code, so a shared
# cache could hide a compiler change.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -lt 1 ] && exit 2 || exit 0
fi
build=$1; shift
case "$build" in /*) ;; *) build="$PWD/$build" ;; esac
swasm="$build/tools/swasm/swasm"
if [ ! -x "$swasm" ]; then
  echo "run-core.sh: no $swasm (build it first)" >&2
  exit 2
fi
spec=${SWASM_SPEC_DIR:-$top/../shared/spec}
spec=$(cd "$spec" 2>/dev/null && pwd) || spec=${SWASM_SPEC_DIR:-$top/../shared/spec}
if [ ! -d "$spec/core" ]; then
  echo "run-core.sh: no spec tests in $spec/core (set SWASM_SPEC_DIR)" >&2
  exit 2
fi

select=all
opts=()
for a in "$@"; do
  case "$a" in
    --simd) select=simd ;;
    --no-simd) select=nosimd ;;
    *) opts+=("$a") ;;
  esac
done

files=()
for f in "$spec"/core/*.wast; do
  case "$(basename "$f")" in
    simd_*) [ $select = nosimd ] && continue ;;
    *) [ $select = simd ] && continue ;;
  esac
  files+=("$f")
done

if [ -z "${SWASM_CACHE_DIR:-}" ]; then
  SWASM_CACHE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/swasm-spec-cache.XXXXXX") || exit 2
  export SWASM_CACHE_DIR
  trap 'rm -rf "$SWASM_CACHE_DIR"' EXIT
fi

start=$(date +%s%N)
# Stream the output but hold back its last line (the totals) to print the timing before it.
"$swasm" wast "${opts[@]}" "${files[@]}" 2>&1 | {
  prev=
  have=0
  while IFS= read -r line; do
    [ $have = 1 ] && printf '%s\n' "$prev"
    prev=$line
    have=1
  done
  ms=$((($(date +%s%N) - start) / 1000000))
  printf 'run-core.sh: %d files (%s) in %d.%01d s\n' "${#files[@]}" "$select" $((ms / 1000)) $((ms % 1000 / 100))
  [ $have = 1 ] && printf '%s\n' "$prev"
}
exit "${PIPESTATUS[0]}"
