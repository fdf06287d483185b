#!/bin/bash
# measure.sh - start-up time of an executable made by swasmc against the same program compiled
# natively: hello.c built by cc -O2 and by clang-19 --target=wasm32-wasi -O2 + swasmc -O2
# (default static executable, and --libc=shared), each run RUNS times (default 200),
# interleaved. Prints the medians and the ratio, and fails when the ratio of median wall times
# exceeds LIMIT (default 1.2).
#
#   testsuite/wasi/startup/measure.sh BUILD_DIR [RUNS [LIMIT]]
set -u
if [ $# -lt 1 ]; then
  sed -n '2,8p' "$0"
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
runs=${2:-200}
limit=${3:-1.2}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/swasm-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/timer" "$here/timer.c" || exit 2
cc -O2 -o "$work/native" "$here/hello.c" || exit 2
clang-19 --target=wasm32-wasi -O2 -o "$work/hello.wasm" "$here/hello.c" || exit 2
"$build/tools/swasmc/swasmc" -O2 "$work/hello.wasm" -o "$work/swasm" || exit 2
"$build/tools/swasmc/swasmc" -O2 --libc=shared "$work/hello.wasm" -o "$work/swasm-shared-libc" ||
  exit 2
"$work/timer" "$runs" "$work/native" "$work/swasm" "$work/swasm-shared-libc" >"$work/out" ||
  exit 1
sed "s|$work/||" "$work/out"
median() { awk -v n="$1" -v w="$2" '$1 ~ "/"n"$" && $2 == w {print $4}' "$work/out"; }
verdict=0
for exe in swasm swasm-shared-libc; do
  for what in wall cpu; do
    ratio=$(awk -v a="$(median "$exe" $what)" -v b="$(median native $what)" \
      'BEGIN {printf "%.3f", a / b}')
    echo "ratio $exe/native $what: $ratio"
    if [ "$exe" = swasm ] && [ "$what" = wall ] &&
       awk -v r="$ratio" -v l="$limit" 'BEGIN {exit !(r > l)}'; then
      verdict=1
    fi
  done
done
if [ $verdict = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $verdict
