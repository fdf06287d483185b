#!/bin/bash
# run.sh - the component suite: every stable-0.2 reference test of the Component Model
# (../shared/component-model/test: binary/, validation/, values/, resources/, linking/; not
# async/ nor what test/nyi.txt lists) and swasm's own scripts in local/, each component
# converted to a binary by jco and checked with `swasm validate`, and their assert_return /
# assert_trap commands executed with `swasm run --invoke` (invoke.mjs); a real WASI 0.2 component
# built from programs/hello.c; and truncated or mutated variants of every component, which
# must never crash. Ends with "N passed, N failed, N skipped".
#
#   testsuite/components/run.sh BUILD_DIR [--mutations N] [--async]
#
# jco (npm @bytecodealliance/jco) is installed into testsuite/components/node_modules on first
# use. Run the mutations with a sanitizer build (e.g. build-asan) to catch memory errors.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if [ $# -lt 1 ]; then
  sed -n '2,13p' "$0"
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
shift
mutations=10
async=
while [ $# -gt 0 ]; do
  case "$1" in
    --mutations) mutations=$2; shift ;;
    --async) async=async ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
swasm=$build/tools/swasm/swasm
tests=${SWASM_COMPONENT_TESTS:-$top/../shared/component-model/test}
if [ ! -x "$swasm" ]; then
  echo "run.sh: $swasm not built"
  echo "0 passed, 1 failed"
  exit 2
fi
if [ ! -d "$tests/validation" ]; then
  echo "run.sh: the reference tests are not at $tests (set SWASM_COMPONENT_TESTS)"
  echo "0 passed, 1 failed"
  exit 2
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "run.sh: Node.js and npm are needed (apt-get install nodejs npm)"
  echo "0 passed, 1 failed"
  exit 2
fi
if [ ! -f "$here/node_modules/@bytecodealliance/jco/package.json" ]; then
  echo "run.sh: installing jco into $here/node_modules"
  if ! npm install --prefix "$here" --no-audit --no-fund --loglevel=error >/dev/null; then
    echo "run.sh: npm install failed"
    echo "0 passed, 1 failed"
    exit 2
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A real component: hello.c as a WASI command, adapted to WASI 0.2 by jco.
real=()
cc=$(command -v clang-19 || command -v clang || true)
if [ -n "$cc" ] && "$cc" --target=wasm32-wasi -O2 "$here/programs/hello.c" -o "$work/hello.wasm" 2>"$work/cc.log" &&
   "$here/node_modules/.bin/jco" new "$work/hello.wasm" --wasi-command -o "$work/hello.component.wasm" \
     >"$work/jco.log" 2>&1; then
  real=(--wasm "$work/hello.component.wasm")
else
  echo "run.sh: could not build programs/hello.c into a component (clang-19 with wasi-libc, jco new):"
  cat "$work/cc.log" "$work/jco.log" 2>/dev/null | tail -n 5
fi

dirs=("$tests/binary" "$tests/validation" "$tests/values" "$tests/resources" "$tests/linking")
[ -n "$async" ] && dirs+=("$tests/async")
# linking/unit.wast has core modules with two memories: multi-memory is compiled when enabled.
node "$here/harness.mjs" --swasm "$swasm" --skip "$here/skip.txt" --nyi "$tests/nyi.txt" \
  --run-flag --enable-multi-memory --root "$tests" --mutate "$mutations" "${real[@]}" "${dirs[@]}" "$here/local"
