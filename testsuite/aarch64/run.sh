#!/bin/bash
# run.sh - swasm's AArch64 output, tested from an x86-64 host under qemu-aarch64. The last line
# is "N passed, N failed, N skipped" over everything below.
#
#   testsuite/aarch64/run.sh [--build-only] [--quick|--full] [--no-spec] [--no-programs] [BUILD_DIR]
#
# BUILD_DIR (default build/) holds the host's swasm and swasmc; it is built by tools/dev/bootstrap
# when missing. The AArch64 runtime side (libswasm-rt, libswasm-rt-main, swasm-wast-exec, the
# runtime's unit tests) is cross-built in build-aarch64/ ($SWASM_AARCH64_BUILD) with
# cross/aarch64-linux-gnu.ini ($SWASM_AARCH64_CROSS: cross/aarch64-linux-gnu-clang.ini uses
# clang-19 and ld.lld) and -Dcompiler=false. Then:
#   unit      the cross build's meson tests (runtime, WASI) under qemu (the cross file's wrapper)
#   selftest  testsuite/spec/run-selftest.sh through the emulated runner: the counts are right
#   spec      all 146 files of ../shared/spec/core, compiled here for aarch64-linux-gnu and run
#             by swasm-wast-exec under qemu: at -O2 with guard pages, and at -O2 with explicit
#             bounds checks (--quick: only the first; --full: also at -O0)
#   programs  C programs (testsuite/bench at their quick sizes, testsuite/aarch64/*.c, the
#             trap tests of testsuite/wasi) compiled to wasm by clang-19, then to an x86-64 and
#             an AArch64 executable by swasmc -O2; stdout, stderr and exit status must be
#             byte for byte the same, the x86-64 one run natively and the AArch64 one under qemu
# --build-only stops after the builds.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top" || exit 2

build=build
build_only=0
quick=0
full=0
do_spec=1
do_programs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) build_only=1 ;;
    --quick) quick=1 ;;
    --full) full=1 ;;
    --no-spec) do_spec=0 ;;
    --no-programs) do_programs=0 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
case "$build" in /*) ;; *) build="$top/$build" ;; esac
a64=${SWASM_AARCH64_BUILD:-$top/build-aarch64}
case "$a64" in /*) ;; *) a64="$top/$a64" ;; esac
cross=${SWASM_AARCH64_CROSS:-cross/aarch64-linux-gnu.ini}
qemu=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
target=aarch64-linux-gnu

pass=0
fail=0
skip=0
# die MESSAGE: a set-up step failed; that is one failure, never silence.
die() {
  echo "run.sh: $*"
  echo
  echo "$pass passed, $((fail + 1)) failed, $skip skipped"
  exit 1
}

# ---- builds ---------------------------------------------------------------------------------

for tool in qemu-aarch64 wast2json clang-19; do
  command -v "$tool" >/dev/null || die "$tool is missing (tools/dev/bootstrap installs it)"
done
if [ ! -x "$build/tools/swasm/swasm" ] || [ ! -x "$build/tools/swasmc/swasmc" ]; then
  tools/dev/bootstrap "$build" >/dev/null || die "the host build $build failed"
fi
ninja -C "$build" tools/swasm/swasm tools/swasmc/swasmc >/dev/null ||
  die "the host build $build failed"
if [ ! -f "$a64/build.ninja" ]; then
  meson setup "$a64" --cross-file "$cross" -Dcompiler=false -Dwerror=true \
    >"$a64.setup.log" 2>&1 || { cat "$a64.setup.log"; die "meson setup $a64 failed"; }
  rm -f "$a64.setup.log"
fi
ninja -C "$a64" >/dev/null || { ninja -C "$a64" | tail -n 20; die "the AArch64 build failed"; }
exec_runner=$a64/tools/swasm/swasm-wast-exec
echo "run.sh: host tools in $build, AArch64 runtime in $a64 ($cross)"
if [ $build_only = 1 ]; then
  echo
  echo "0 passed, 0 failed, 0 skipped"
  exit 0
fi

swasm=$build/tools/swasm/swasm
swasmc=$build/tools/swasmc/swasmc
work=$(mktemp -d "${TMPDIR:-/tmp}/swasm-aarch64.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
# The spec scripts make their own private cache; the programs use this one.
export SWASM_CACHE_DIR=$work/cache

# add_counts NAME OUTPUT-FILE STATUS [shown]: takes the last "N passed, N failed[, N skipped]"
# line (and echoes the failures, unless the caller has shown the output).
add_counts() {
  local name=$1 out=$2 status=$3 shown=${4:-} line p f s
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
  p=$(echo "$line" | sed -nE 's/^([0-9]+) passed.*/\1/p')
  f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
  s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
  p=${p:-0}; f=${f:-0}; s=${s:-0}
  if [ -z "$line" ] || { [ "$status" != 0 ] && [ "$f" = 0 ]; }; then
    tail -n 20 "$out"
    f=$((f + 1))
  elif [ "$f" != 0 ] && [ -z "$shown" ]; then
    grep -E 'FAIL|crash|killed' "$out" | head -n 40
  fi
  printf '%s: %d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
  pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
}

# ---- unit tests and the runner's self-test under qemu ----------------------------------------

meson test -C "$a64" --no-rebuild >"$work/unit.out" 2>&1
status=$?
ok=$(sed -nE 's/^Ok: +([0-9]+).*/\1/p' "$work/unit.out")
bad=$(sed -nE 's/^(Fail|Timeout|Unexpected Pass): +([0-9]+).*/\2/p' "$work/unit.out" |
      awk '{ n += $1 } END { print n + 0 }')
[ $status != 0 ] && [ "${bad:-0}" = 0 ] && bad=1
echo "${ok:-0} passed, ${bad:-0} failed, 0 skipped" >>"$work/unit.out"
add_counts "unit tests under qemu" "$work/unit.out" $status

wast_opts=(--target=$target "--exec-runner=$exec_runner")
testsuite/spec/run-selftest.sh "$build" "${wast_opts[@]}" >"$work/selftest.out" 2>&1
add_counts "spec runner self-test under qemu" "$work/selftest.out" $?

# ---- the spec suite --------------------------------------------------------------------------

# spec NAME RUN-CORE-ARGS...
spec() {
  local name=$1
  shift
  local start=$SECONDS
  testsuite/spec/run-core.sh "$build" "$@" "${wast_opts[@]}" -v >"$work/spec.out" 2>&1
  local status=$?
  grep -E '^run-core.sh: ' "$work/spec.out"
  add_counts "$name ($((SECONDS - start)) s)" "$work/spec.out" $status
}

if [ $do_spec = 1 ]; then
  spec "spec/core -O2 aarch64" -O2
  [ $quick = 0 ] && spec "spec/core explicit aarch64" -O2 --bounds-checks=explicit
  [ $full = 1 ] && spec "spec/core -O0 aarch64" -O0
fi

# ---- C programs: x86-64 and AArch64 executables must print the same --------------------------

directive() { sed -n "s|^// $1: *||p" "$2" | head -n 1; }

# build NAME SOURCE CFLAGS...: the wasm and both executables, in $work/{x86,a64}/NAME.
build_program() {
  local name=$1 src=$2
  shift 2
  mkdir -p "$work/x86" "$work/a64" "$work/wasm"
  clang-19 --target=wasm32-wasi "$@" -I "$top/testsuite/bench" -o "$work/wasm/$name.wasm" \
    "$src" -lm >"$work/build.log" 2>&1 &&
  "$swasmc" -O2 "$work/wasm/$name.wasm" -o "$work/x86/$name" >>"$work/build.log" 2>&1 &&
  SWASM_RT_LIB_DIR=$a64 "$swasmc" --target=$target -O2 "$work/wasm/$name.wasm" \
    -o "$work/a64/$name" >>"$work/build.log" 2>&1
}

# compare NAME ARGS...: runs both with the same argv[0] ("./NAME") and compares everything.
compare() {
  local name=$1
  shift
  (cd "$work/x86" && timeout 120 "./$name" "$@" >../x.out 2>../x.err </dev/null)
  local xs=$?
  (cd "$work/a64" && timeout 600 "${qemu[@]}" "./$name" "$@" >../a.out 2>../a.err </dev/null)
  local as=$?
  local label="$name${1:+ $*}"
  if [ $xs != $as ]; then
    echo "FAIL: $label: exit status $xs on x86-64, $as on AArch64"
    head -n 3 "$work/a.err"
  elif ! cmp -s "$work/x.out" "$work/a.out"; then
    echo "FAIL: $label: stdout differs"
    diff "$work/x.out" "$work/a.out" | head -n 10
  elif ! cmp -s "$work/x.err" "$work/a.err"; then
    echo "FAIL: $label: stderr differs"
    diff "$work/x.err" "$work/a.err" | head -n 10
  else
    echo "ok: $label (exit $xs, $(wc -c <"$work/x.out") bytes)"
    return 0
  fi
  return 1
}

programs() {
  local p=0 f=0 src name flags args
  for src in "$top"/testsuite/bench/*.c "$here"/*.c "$top"/testsuite/wasi/trap.c \
             "$top"/testsuite/wasi/trap_names.c "$top"/testsuite/wasi/exit.c; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .c)
    case "$src" in */wasi/*) name=wasi_$name ;; esac
    flags=$(directive CFLAGS "$src")
    local wflags
    wflags=$(directive bench-wasm-flags "$src")
    [ -z "$wflags" ] && [ "${name%simd*}" != "$name" ] && wflags=-msimd128
    # shellcheck disable=SC2086
    if ! build_program "$name" "$src" ${flags:--O2} $wflags; then
      echo "FAIL: $name: build failed"
      tail -n 5 "$work/build.log"
      f=$((f + 1))
      continue
    fi
    args=$(directive bench-quick "$src")
    local traps
    traps=$(directive TRAPS "$src")
    if [ -n "$traps" ]; then
      for t in $traps; do
        if compare "$name" "$t"; then p=$((p + 1)); else f=$((f + 1)); fi
      done
    # shellcheck disable=SC2086
    elif compare "$name" $args; then p=$((p + 1)); else f=$((f + 1)); fi
  done
  echo "$p passed, $f failed, 0 skipped"
  [ $f = 0 ]
}

if [ $do_programs = 1 ]; then
  start=$SECONDS
  programs >"$work/programs.out" 2>&1
  status=$?
  head -n -1 "$work/programs.out"
  add_counts "programs x86-64 = aarch64 ($((SECONDS - start)) s)" "$work/programs.out" $status \
    shown
fi

echo
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
