#!/bin/bash
# run.sh - build the libFuzzer target with clang-19 and run it for SECONDS (default 60) on a seed
# corpus of the spec suite's binaries. Prints "1 passed, 0 failed" when nothing was found.
set -u
cd "$(dirname "$0")/../.."
seconds=${1:-60}
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang-19 meson setup build-fuzz -Dfuzz=true -Db_lundef=false >/dev/null || exit 2
fi
ninja -C build-fuzz testsuite/fuzz/fuzz_decode >/dev/null || { ninja -C build-fuzz testsuite/fuzz/fuzz_decode; exit 2; }

seeds=build-fuzz/seeds
if [ ! -d "$seeds" ]; then
  tmp=$(mktemp -d build-fuzz/seeds.XXXXXX)
  for w in ../shared/spec/core/*.wast; do
    wast2json "$w" -o "$tmp/$(basename "$w" .wast).json" 2>/dev/null
  done
  rm -f "$tmp"/*.json
  mv "$tmp" "$seeds"
fi
corpus=build-fuzz/corpus
mkdir -p "$corpus" build-fuzz/artifacts
echo "fuzz_decode: $(ls "$seeds" | wc -l) seeds, ${seconds}s"
build-fuzz/testsuite/fuzz/fuzz_decode -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/ \
  "$corpus" "$seeds" >build-fuzz/fuzz.log 2>&1
status=$?
grep -E '^(Done|stat::number_of_executed_units|#[0-9]+ +DONE)' build-fuzz/fuzz.log | head -3
if [ $status = 0 ]; then
  echo "1 passed, 0 failed"
else
  grep -E 'ERROR|SUMMARY|Test unit written' build-fuzz/fuzz.log | head -10
  echo "0 passed, 1 failed"
fi
