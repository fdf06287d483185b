#!/bin/bash
# difftest.sh - differential test of the SIMD lowering across targets: one function per SIMD
# instruction (gen_ops.py), compiled by swasmc for several x86-64 CPUs at -O0 and -O2 and for
# AArch64 (run under qemu-aarch64 when it and aarch64-linux-gnu-gcc are installed), called with
# the same inputs by harness.c; every build's results must match the default x86-64 -O2 build
# (compare.py). One pass or failure per build; the last line is "N passed, N failed, N skipped".
#
#   testsuite/simd/difftest.sh BUILD_DIR
set -u
if [ $# -ne 1 ]; then sed -n '2,9p' "$0"; exit 2; fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
swasmc=$build/tools/swasmc/swasmc
inc=$top/runtime/include
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0; fail=0; skip=0
if [ "$(uname -m)" != x86_64 ]; then
  echo "difftest: runs on an x86-64 host (the reference build is x86-64)"
  echo; echo "0 passed, 0 failed, 1 skipped"; exit 0
fi

python3 "$here/gen_ops.py" "$top/compiler/ir/opcodes_simd.def" "$work/ops.wat" &&
  wat2wasm --enable-relaxed-simd "$work/ops.wat" -o "$work/ops.wasm" || {
  echo "difftest: could not build the test module"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# run NAME CC RUNNER SWASMC-FLAGS...: compiles, links with harness.c, runs into NAME.txt.
run() {
  local name=$1 cc=$2 runner=$3; shift 3
  "$swasmc" "$@" --enable-relaxed-simd -c "$work/ops.wasm" -o "$work/$name.o" &&
    $cc -O1 -I"$inc" "$here/harness.c" "$work/$name.o" -o "$work/$name" -lm &&
    $runner "$work/$name" > "$work/$name.txt"
}

if ! run ref cc "" -O2; then
  echo "difftest: the reference build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
check() {   # check NAME CC RUNNER FLAGS...
  local name=$1
  if run "$@" && python3 "$here/compare.py" "$work/ref.txt" "$work/$name.txt" > "$work/$name.cmp"; then
    echo "ok    $name"; pass=$((pass + 1))
  else
    echo "FAIL  $name"; [ -f "$work/$name.cmp" ] && head -n 12 "$work/$name.cmp"; fail=$((fail + 1))
  fi
}
for cpu in x86-64 core2 x86-64-v2 x86-64-v3 native; do
  for o in -O0 -O2; do check "x86-$cpu$o" cc "" $o -mcpu=$cpu; done
done
if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
  for cpu in generic neoverse-n1; do
    for o in -O0 -O2; do
      check "a64-$cpu$o" "aarch64-linux-gnu-gcc -static" "qemu-aarch64 -cpu max" \
        $o -mcpu=$cpu --target=aarch64-linux-gnu
    done
  done
else
  echo "skip  aarch64 (needs aarch64-linux-gnu-gcc and qemu-aarch64)"; skip=$((skip + 4))
fi
echo
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
