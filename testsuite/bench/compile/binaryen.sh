#!/bin/bash
# binaryen.sh - does running binaryen's wasm-level optimiser before swasmc pay? Builds every
# program of testsuite/bench with clang-19 -O2 for wasm32-wasi twice: without wasm-opt (clang
# runs binaryen's `wasm-opt -O2` on its output whenever wasm-opt is in PATH, so that is hidden
# from it) and with `wasm-opt -O2` applied; compiles both with swasmc -O2; runs them in
# interleaved rounds (CPU time, checksums checked against a native build); prints for each
# program the wasm-opt time, the swasmc time of each module and the run-time medians, then
# the geometric means. The last line is "N passed, N failed".
#
#   testsuite/bench/compile/binaryen.sh BUILD_DIR [ROUNDS] [WASM-OPT FLAGS...]
set -u
if [ $# -lt 1 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
rounds=${2:-5}
shift $(( $# >= 2 ? 2 : 1 ))
wopt=("$@")
[ ${#wopt[@]} -eq 0 ] && wopt=(-O2)
swasmc=$build/tools/swasmc/swasmc
src=$(cd "$(dirname "$0")/.." && pwd)
clang=${CLANG:-clang-19}
clang_path=$(command -v "$clang") || { echo "binaryen.sh: no $clang"; exit 2; }
command -v wasm-opt > /dev/null || { echo "binaryen.sh: no wasm-opt (Debian package binaryen)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A PATH with clang's linker but without wasm-opt.
mkdir "$work/bin"
ln -s "$(command -v wasm-ld-19 || command -v wasm-ld)" "$work/bin/wasm-ld-19"
ln -s "$work/bin/wasm-ld-19" "$work/bin/wasm-ld"

cpu() {   # runs "$@" with stdout to $work/out, prints its user+sys seconds
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" > "$work/out" 2> /dev/null || echo "FAILED" >> "$work/out"
  awk '{ printf "%.3f", $1 + $2 }' "$work/time"
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

pass=0 fail=0
printf "%-12s %8s %8s %9s %9s %9s %8s %8s %7s\n" program "wasm KB" "opt KB" "wasm-opt" "swasmc" "swasmc" "run" "run" "ratio"
printf "%-12s %8s %8s %9s %9s %9s %8s %8s %7s\n" "" "" "" "CPU s" "plain s" "opt s" "plain s" "opt s" "opt/pl"
logsum_run=0 logsum_cc=0 n=0
for c in "$src"/*.c; do
  p=$(basename "$c" .c)
  flags=$(sed -n 's,^// bench-wasm-flags: ,,p' "$c")
  nflags=$(sed -n 's,^// bench-native-flags: ,,p' "$c")
  case $p in *simd*) [ -z "$flags" ] && flags=-msimd128 ;; esac
  # shellcheck disable=SC2086
  if ! PATH=$work/bin "$clang_path" --target=wasm32-wasi -O2 -I"$src" $flags "$c" -o "$work/$p.wasm" -lm ||
     ! "$clang_path" -O2 -I"$src" $nflags "$c" -o "$work/$p.native" -lm; then
    echo "FAIL $p: build"; fail=$((fail + 1)); continue
  fi
  "$work/$p.native" > "$work/$p.want"
  want=$(grep '^checksum:' "$work/$p.want")
  t_wopt=$(cpu wasm-opt "${wopt[@]}" "$work/$p.wasm" -o "$work/$p.opt.wasm")
  t_plain=$(cpu "$swasmc" -O2 "$work/$p.wasm" -o "$work/$p.plain")
  t_opt=$(cpu "$swasmc" -O2 "$work/$p.opt.wasm" -o "$work/$p.opt")
  runs_plain="" runs_opt="" ok=1
  for _ in $(seq "$rounds"); do
    for v in plain opt; do
      t=$(cpu "$work/$p.$v")
      [ "$(grep '^checksum:' "$work/out")" = "$want" ] || ok=0
      if [ $v = plain ]; then runs_plain="$runs_plain $t"; else runs_opt="$runs_opt $t"; fi
    done
  done
  if [ $ok = 0 ]; then echo "FAIL $p: wrong checksum"; fail=$((fail + 1)); continue; fi
  mp=$(echo "$runs_plain" | median) mo=$(echo "$runs_opt" | median)
  ratio=$(awk -v a="$mo" -v b="$mp" 'BEGIN { printf "%.3f", a / b }')
  printf "%-12s %8s %8s %9s %9s %9s %8s %8s %7s\n" "$p" "$(( $(stat -c %s "$work/$p.wasm") / 1024 ))" \
    "$(( $(stat -c %s "$work/$p.opt.wasm") / 1024 ))" "$t_wopt" "$t_plain" "$t_opt" "$mp" "$mo" "$ratio"
  logsum_run=$(awk -v s="$logsum_run" -v r="$ratio" 'BEGIN { print s + log(r) }')
  logsum_cc=$(awk -v s="$logsum_cc" -v a="$t_wopt" -v b="$t_opt" -v c="$t_plain" 'BEGIN { print s + log((a + b) / c) }')
  n=$((n + 1)) pass=$((pass + 1))
done
if [ $n -gt 0 ]; then
  awk -v r="$logsum_run" -v c="$logsum_cc" -v n="$n" 'BEGIN {
    printf "\ngeometric means over %d programs: run time with wasm-opt / without %.3f; compile time (wasm-opt + swasmc) / swasmc alone %.3f\n", n, exp(r / n), exp(c / n) }'
fi
echo
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
