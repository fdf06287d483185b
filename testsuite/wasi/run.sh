#!/bin/bash
# run.sh - the WASI suite: each testsuite/wasi/*.c is compiled to wasm32-wasi with clang-19
# (Debian's wasi-libc), then run and checked against the expected stdout ("//> " lines), exit
# status ("// EXIT:"), stderr ("// STDERR:" substring) written in the file, in a fresh sandbox
# directory whose sibling "outside" must come through untouched. Each test runs
#   exe   as a standalone executable made by one command, 'swasmc X.wasm -o X' (with LDFLAGS
#         set: swasmc -c, linked by cc with libswasm-rt-main.a, libswasm-rt.a and LDFLAGS)
#   exe-walk  the same, resolving paths by the component walk instead of openat2
#   exe-baked  tests marked "// BAKED: yes": the grants baked in by 'swasmc --dir sandbox::/sandbox
#         --env ... --lock-grants' (a relative directory, found at run time), run with
#         run-time grants of / and PATH,HOME that the lock must ignore
#   run   through 'swasm run --dir ... --env ...'
#   node  under Node's node:wasi for comparison (not tests marked "// NODE: skip")
#
#   testsuite/wasi/run.sh BUILD_DIR [TEST...]
#
# Other directives: "// ARGS:" (shell words), "// ENV: NAME=VALUE ...", "// STDIN:" (printf %b),
# "// STDERR-LINES: N" (stderr has exactly N lines), "// CFLAGS:" (instead of -O2).
# Environment: KEEP=1 keeps the work directory; SWASM=path another swasm; LDFLAGS extra link
# flags for the executables (-fsanitize=... with a sanitizer build). The last line is
# "N passed, N failed, N skipped".
set -u
if [ $# -lt 1 ]; then
  sed -n '2,16p' "$0"
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
shift
here=$(cd "$(dirname "$0")" && pwd)
swasmc=$build/tools/swasmc/swasmc
swasm=${SWASM:-$build/tools/swasm/swasm}
rtlib=$build/runtime/libswasm-rt.a
mainlib=$build/runtime/wasi/libswasm-rt-main.a
clang=${CLANG:-clang-19}
work=$(mktemp -d /tmp/swasm-wasi-suite.XXXXXX)
trap '[ -n "${KEEP:-}" ] || { chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"; }' EXIT
pass=0
fail=0
skip=0

directive() { sed -n "s|^// $1: *||p" "$2" | head -n 1; }
expected() { sed -n -e 's|^//> ||p' -e 's|^//>$||p' "$1"; }

# The sandbox every test starts from, with the symlinks the escape test tries.
fixture() {
  local d=$1
  mkdir -p "$d/sandbox/sub/deep" "$d/outside"
  echo hello >"$d/sandbox/hello.txt"
  echo secret >"$d/outside/secret"
  ln -s /etc "$d/sandbox/link_etc"
  ln -s /etc/passwd "$d/sandbox/link_passwd"
  ln -s ../outside "$d/sandbox/link_out"
  ln -s ../outside/secret "$d/sandbox/link_secret"
  ln -s chain2 "$d/sandbox/chain1"
  ln -s sub/../sub/deep/../../link_secret "$d/sandbox/chain2"
  ln -s ../.. "$d/sandbox/sub/upup"
  ln -s ../../../outside "$d/sandbox/sub/deep/esc"
}

snapshot() { (cd "$1" && find . -printf '%p %y %s %T@ %l\n' | sort); }

report() {   # NAME MODE VERDICT [DETAIL]
  case $3 in
    ok) pass=$((pass + 1)); echo "ok    $1 [$2]" ;;
    skip) skip=$((skip + 1)); echo "skip  $1 [$2]${4:+: $4}" ;;
    *) fail=$((fail + 1)); echo "FAIL  $1 [$2]${4:+: $4}" ;;
  esac
}

# check NAME MODE SRC DIR STATUS: compares what the run left in DIR with the expectations.
check() {
  local name=$1 mode=$2 src=$3 d=$4 status=$5
  local want_exit want_err want_lines
  want_exit=$(directive EXIT "$src")
  want_err=$(directive STDERR "$src")
  want_lines=$(directive STDERR-LINES "$src")
  if ! diff -u <(expected "$src") "$d/stdout" >"$d/diff"; then
    report "$name" "$mode" fail "stdout differs"
    sed 's/^/      /' "$d/diff" | head -n 40
  elif [ "$status" != "${want_exit:-0}" ]; then
    report "$name" "$mode" fail "exit status $status, expected ${want_exit:-0}"
    sed 's/^/      stderr: /' "$d/stderr" | head -n 5
  elif [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$d/stderr"; then
    report "$name" "$mode" fail "stderr lacks '$want_err'"
    sed 's/^/      stderr: /' "$d/stderr" | head -n 5
  elif [ -n "$want_lines" ] && [ "$(wc -l <"$d/stderr")" != "$want_lines" ]; then
    report "$name" "$mode" fail "stderr has $(wc -l <"$d/stderr") lines, expected $want_lines"
    sed 's/^/      stderr: /' "$d/stderr" | head -n 5
  elif [ "$(snapshot "$d/outside")" != "$(cat "$d/outside.before")" ]; then
    report "$name" "$mode" fail "the directory outside the sandbox changed"
  else
    report "$name" "$mode" ok
  fi
}

# run_in NAME MODE SRC COMMAND...: runs a command (wasm arguments appended) in a fresh sandbox;
# @SANDBOX@ in the command stands for its host path.
run_in() {
  local name=$1 mode=$2 src=$3
  shift 3
  local d=$work/run-$name-$mode
  local -a cmd=()
  local a
  for a in "$@"; do cmd+=("${a//@SANDBOX@/$d/sandbox}"); done
  set -- "${cmd[@]}"
  fixture "$d"
  snapshot "$d/outside" >"$d/outside.before"
  local args stdin envs names="" kv
  args=$(directive ARGS "$src")
  stdin=$(directive STDIN "$src")
  envs=$(directive ENV "$src")
  local -a envset=()
  for kv in $envs; do
    envset+=("$kv")
    names="$names${names:+,}${kv%%=*}"
  done
  eval "set -- \"\$@\" $args"
  local status
  (
    cd "$d" || exit 99
    printf '%b' "$stdin" >"$d/stdin"
    exec env "${envset[@]}" SWASM_WASI_DIRS="$d/sandbox::/sandbox" SWASM_WASI_ENV="$names" \
      timeout 60 "$@" <"$d/stdin" >"$d/stdout" 2>"$d/stderr"
  )
  status=$?
  check "$name" "$mode" "$src" "$d" "$status"
}

run_supports_wasi=0
if [ -x "$swasm" ] && "$swasm" run --help 2>&1 | grep -q -- '--dir'; then
  run_supports_wasi=1
fi
have_node=0
if command -v node >/dev/null && node -e 'require("node:wasi")' 2>/dev/null; then
  have_node=1
fi

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  for f in "$here"/*.c; do tests+=("$(basename "$f" .c)"); done
fi

for name in "${tests[@]}"; do
  src=$here/$name.c
  wasm=$work/$name.wasm
  cflags=$(directive CFLAGS "$src")
  # shellcheck disable=SC2086
  if ! "$clang" --target=wasm32-wasi ${cflags:--O2} -I"$here" "$src" -o "$wasm" 2>"$work/$name.cc"
  then
    report "$name" build fail "clang: $(head -n 3 "$work/$name.cc")"
    continue
  fi
  # exe: the standalone executable, from one swasmc command unless the link needs LDFLAGS
  start_ns=$(date +%s%N)
  if [ -z "${LDFLAGS:-}" ]; then
    "$swasmc" "$wasm" -o "$work/$name.bin" 2>"$work/$name.swasmc"
  else
    "$swasmc" -c "$wasm" -o "$work/$name.o" 2>"$work/$name.swasmc" &&
      cc -o "$work/$name.bin" "$work/$name.o" "$mainlib" "$rtlib" -lm -ldl -lpthread $LDFLAGS \
        2>>"$work/$name.swasmc"
  fi
  built=$?
  echo "      $name: $(($(stat -c %s "$wasm") / 1024)) KB of wasm, executable in" \
       "$(( ($(date +%s%N) - start_ns) / 1000000 )) ms"
  if [ $built = 0 ]; then
    run_in "$name" exe "$src" "$work/$name.bin"
    run_in "$name" exe-walk "$src" env SWASM_WASI_RESOLVE=walk "$work/$name.bin"
  else
    report "$name" exe fail "compile/link: $(head -n 3 "$work/$name.swasmc")"
  fi
  # exe-baked: grants compiled in and locked
  if [ -n "$(directive BAKED "$src")" ]; then
    bake=(--dir sandbox::/sandbox --lock-grants)
    for kv in $(directive ENV "$src"); do bake+=(--env "$kv"); done
    if [ -n "${LDFLAGS:-}" ]; then
      report "$name" exe-baked skip "LDFLAGS needs the two-step link, which has no grants"
    elif "$swasmc" "${bake[@]}" "$wasm" -o "$work/$name.baked" 2>"$work/$name.swasmc"; then
      run_in "$name" exe-baked "$src" env SWASM_WASI_DIRS=/::/ SWASM_WASI_ENV=PATH,HOME \
        "$work/$name.baked"
    else
      report "$name" exe-baked fail "swasmc: $(head -n 3 "$work/$name.swasmc")"
    fi
  fi
  # run: swasm run
  if [ $run_supports_wasi = 1 ]; then
    envflags=()
    for kv in $(directive ENV "$src"); do envflags+=(--env "$kv"); done
    run_in "$name" run "$src" "$swasm" run --dir @SANDBOX@::/sandbox "${envflags[@]}" "$wasm" --
  else
    report "$name" run fail "$swasm run has no --dir (or no swasm at all)"
  fi
  # node: comparison with node:wasi where its behaviour is the spec's
  nodeskip=$(directive NODE "$src")
  if [ $have_node = 0 ]; then
    report "$name" node skip "no node with node:wasi"
  elif [ -n "$nodeskip" ]; then
    report "$name" node skip "$nodeskip"
  else
    run_in "$name" node "$src" node --no-warnings "$here/node-wasi.mjs" "$wasm"
  fi
done

echo
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
