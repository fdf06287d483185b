#!/bin/bash
# fuzz.sh - libFuzzer on the component decoder and validator (fuzz_component.c) for SECONDS
# (default 60), seeded with every component of the reference tests. Uses the libFuzzer build
# of the compiler library in FUZZ_BUILD_DIR (default build-fuzz, configured as
# testsuite/fuzz/run.sh does) and the swasm of BUILD_DIR (default build) to make the seeds.
# Prints "1 passed, 0 failed" when nothing was found.
#
#   testsuite/components/fuzz.sh [SECONDS [FUZZ_BUILD_DIR [BUILD_DIR]]]
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
seconds=${1:-60}
fuzz=${2:-build-fuzz}
build=${3:-build}
if [ ! -f "$fuzz/build.ninja" ]; then
  CC=clang-19 meson setup "$fuzz" -Dfuzz=true -Db_lundef=false >/dev/null || exit 2
fi
lib=testsuite/fuzz/libswasm-compiler-fuzz.a
ninja -C "$fuzz" "$lib" >/dev/null || { ninja -C "$fuzz" "$lib"; exit 2; }
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
# shellcheck disable=SC2046
clang-19 $flags -Icompiler/include "$here/fuzz_component.c" "$fuzz/$lib" \
  $(llvm-config-19 --ldflags --libs) -lbinaryen -lz -lpthread -lm \
  -o "$fuzz/fuzz_component" || exit 2

seeds=$fuzz/component-seeds
if [ ! -d "$seeds" ]; then
  "$here/run.sh" "$build" --mutations 0 >/dev/null 2>&1   # installs jco if needed
  tmp=$(mktemp -d "$fuzz/component-seeds.XXXXXX")
  tests=${SWASM_COMPONENT_TESTS:-$PWD/../shared/component-model/test}
  node "$here/harness.mjs" --swasm "$build/tools/swasm/swasm" --dump "$tmp" --nyi "$tests/nyi.txt" \
    --root "$tests" "$tests" "$here/local" >/dev/null 2>&1
  mv "$tmp" "$seeds"
fi
corpus=$fuzz/component-corpus
mkdir -p "$corpus" "$fuzz/component-artifacts"
echo "fuzz_component: $(ls "$seeds" | wc -l) seeds, ${seconds}s"
"$fuzz/fuzz_component" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$fuzz/component-artifacts/" \
  "$corpus" "$seeds" >"$fuzz/fuzz_component.log" 2>&1
status=$?
grep -E '^(Done|stat::number_of_executed_units)' "$fuzz/fuzz_component.log" | head -2
if [ $status = 0 ]; then
  echo "1 passed, 0 failed"
else
  grep -E 'ERROR|SUMMARY|Test unit written' "$fuzz/fuzz_component.log" | head -10
  echo "0 passed, 1 failed"
fi
