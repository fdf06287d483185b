#!/bin/bash
# run.sh - WASI 0.2 command components: each testsuite/components/wasi2/*.c is compiled with
# clang-19 for wasm32-wasi, made a wasi:cli/command component by 'jco new --wasi-command'
# (the preview 1 adapter); each *.wat (a core module written against the canonical ABI) is
# given the world its "WIT:" file names with 'jco embed' (the WASI packages come from jco's
# own WIT) and made a component by 'jco new'. Each runs under 'swasm run' in a fresh granted
# directory whose outside must come through untouched. Checks per test:
#   swasm       exit status ("// EXIT:") and stdout ("//> " lines, when the file has any)
#   swasm-walk  the same with SWASM_WASI_RESOLVE=walk (the sandbox's confined walk)
#   exe         the same for the executable 'swasmc X.component.wasm -o X' makes, granted the
#               directory and variables at run time (SWASM_WASI_DIRS, SWASM_WASI_ENV)
#   jco         the same component under 'jco run' with the same grants: stdout and exit
#               status must equal swasm's (not for tests marked "// JCO: no (why)")
#
#   testsuite/components/wasi2/run.sh BUILD_DIR [TEST...]
#
# Directives ("// " in C, ";; " in wat): "ARGS:" (shell words), "ENV: NAME=VALUE ...",
# "STDIN:" (printf %b), "STDIN-BYTES: N" (N bytes of text), "DIR: yes" (grant the fixture directory as /data), "EXIT:", "JCO:",
# "WIT:"; expected stdout lines start "//> " (";;> "). KEEP=1 keeps the work directory.
# The last line is "N passed, N failed, N skipped".
set -u
if [ $# -lt 1 ]; then
  sed -n '2,16p' "$0"
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
shift
here=$(cd "$(dirname "$0")" && pwd)
comp=$(dirname "$here")
swasm=${SWASM:-$build/tools/swasm/swasm}
swasmc=${SWASMC:-$build/tools/swasmc/swasmc}
jco=$comp/node_modules/.bin/jco
shim=$comp/node_modules/@bytecodealliance/jco/node_modules/@bytecodealliance/preview2-shim
[ -d "$shim" ] || shim=$comp/node_modules/@bytecodealliance/preview2-shim
clang=${CLANG:-clang-19}
jcojs=$comp/node_modules/@bytecodealliance/jco/dist/jco.js
witdeps=$comp/node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12
tshim=$comp/node_modules/@bytecodealliance/jco-transpile/node_modules/@bytecodealliance/preview2-shim
[ -d "$tshim" ] || tshim=$comp/node_modules/@bytecodealliance/preview2-shim
work=$(mktemp -d /tmp/swasm-wasi2-suite.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
pass=0
fail=0
skip=0

directive() { sed -n -e "s|^// $1: *||p" -e "s|^;; $1: *||p" "$2" | head -n 1; }
expected() { sed -n -e 's|^//> ||p' -e 's|^//>$||p' -e 's|^;;> ||p' -e 's|^;;>$||p' "$1"; }

# Builds test $1 (source $2) into $t/$1.component.wasm; false with the reason on stdout.
build() {
  local name=$1 src=$2
  if [ "${src##*.}" = c ]; then
    "$clang" --target=wasm32-wasi -O2 "$src" -o "$t/$name.wasm" 2>"$t/build.err" &&
      "$jco" new "$t/$name.wasm" --wasi-command -o "$t/$name.component.wasm" >>"$t/build.err" 2>&1
  else
    mkdir -p "$t/wit/deps"
    cp "$here/$(directive WIT "$src")" "$t/wit/world.wit"
    for p in cli io clocks random filesystem sockets; do
      cp -r "$witdeps/wasi-$p" "$t/wit/deps/"
    done
    # jco embed reads the WIT through its own preview2-shim copy, whose file system must be
    # granted first.
    echo "import { _setPreopens } from '$tshim/dist/nodejs/filesystem.js'; _setPreopens({'/': '/'});" \
      >"$t/preopen.mjs"
    wat2wasm "$src" -o "$t/$name.core.wasm" 2>"$t/build.err" &&
      node --import "$t/preopen.mjs" "$jcojs" embed --wit "$t/wit" "$t/$name.core.wasm" \
        -o "$t/$name.embed.wasm" >>"$t/build.err" 2>&1 &&
      "$jco" new "$t/$name.embed.wasm" -o "$t/$name.component.wasm" >>"$t/build.err" 2>&1
  fi || { cat "$t/build.err"; return 1; }
}

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# The granted directory (data) and what lies beside it (outside.txt), with the symlinks the
# escape test tries.
fixture() {
  mkdir -p "$1/data/sub"
  printf 'hello file\n' >"$1/data/hello.txt"
  printf 'nested\n' >"$1/data/sub/nested.txt"
  printf 'secret\n' >"$1/outside.txt"
  ln -s .. "$1/data/up"
  ln -s /etc/passwd "$1/data/abs"
  ln -s hello.txt "$1/data/inlink"
  ln -s chain2 "$1/data/chain1"
  ln -s sub/../up/outside.txt "$1/data/chain2"
}

# What must not change outside the granted directory.
outside() { (cd "$1" && find . -path ./data -prune -o -printf '%p %y %s %l\n' | sort; cat outside.txt); }

if [ ! -x "$jco" ]; then
  echo "jco is not installed (testsuite/components/run.sh installs it): nothing to run"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("$here"/*.c "$here"/*.wat)
for src in "${tests[@]}"; do
  name=$(basename "${src%.*}")
  src=$here/$name.c
  [ -f "$src" ] || src=$here/$name.wat
  t=$work/$name
  mkdir -p "$t"
  if ! build "$name" "$src"; then
    bad "$name: cannot build the component"
    continue
  fi
  eval "set -- $(directive ARGS "$src")"
  args=("$@")
  env=$(directive ENV "$src")
  stdin=$(directive STDIN "$src")
  stdin_bytes=$(directive STDIN-BYTES "$src")
  if [ -n "$stdin_bytes" ]; then
    yes 'the quick brown fox jumps over the lazy dog 0123456789' | head -c "$stdin_bytes" \
      >"$t/stdin.data"
  else
    printf '%b' "$stdin" >"$t/stdin.data"
  fi
  want_exit=$(directive EXIT "$src")
  [ -n "$want_exit" ] || want_exit=0
  jcoskip=$(directive JCO "$src")
  dir=$(directive DIR "$src")
  expected "$src" >"$t/expected"

  swasm_opts=()
  [ "$dir" = yes ] && swasm_opts+=(--dir "$t/MODE/data::/data")
  for e in $env; do swasm_opts+=(--env "$e"); done

  if ! "$swasmc" "$t/$name.component.wasm" -o "$t/$name" >"$t/swasmc.err" 2>&1; then
    bad "$name [exe]: swasmc cannot make an executable"
    head -n 5 "$t/swasmc.err"
  fi
  names=
  for e in $env; do names+=${names:+,}${e%%=*}; done
  for mode in swasm swasm-walk exe; do
    [ $mode = exe ] && [ ! -x "$t/$name" ] && continue
    rm -rf "$t/$mode"
    fixture "$t/$mode"
    outside "$t/$mode" >"$t/$mode.before"
    if [ $mode = exe ]; then
      dirs=
      [ "$dir" = yes ] && dirs=$t/exe/data::/data
      env $env SWASM_WASI_DIRS="$dirs" SWASM_WASI_ENV="$names" \
        timeout 120 "$t/$name" "${args[@]}" <"$t/stdin.data" >"$t/$mode.out" 2>"$t/$mode.err"
      rc=$?
    else
      opts=("${swasm_opts[@]/MODE/$mode}")
      resolve=
      [ $mode = swasm-walk ] && resolve=walk
      SWASM_WASI_RESOLVE=$resolve timeout 120 \
        "$swasm" run "${opts[@]}" "$t/$name.component.wasm" -- "${args[@]}" \
        <"$t/stdin.data" >"$t/$mode.out" 2>"$t/$mode.err"
      rc=$?
    fi
    outside "$t/$mode" >"$t/$mode.after"
    if [ "$rc" != "$want_exit" ]; then
      bad "$name [$mode]: exit status $rc, expected $want_exit"
      head -n 5 "$t/$mode.err"
    elif [ -s "$t/expected" ] && ! cmp -s "$t/expected" "$t/$mode.out"; then
      bad "$name [$mode]: stdout differs from the //> lines"
      diff "$t/expected" "$t/$mode.out" | head -n 10
    elif ! cmp -s "$t/$mode.before" "$t/$mode.after"; then
      bad "$name [$mode]: something outside the granted directory changed"
      diff "$t/$mode.before" "$t/$mode.after" | head -n 10
    else
      ok
    fi
  done

  if [ "${jcoskip%% *}" = no ]; then
    skip=$((skip + 1))
    continue
  fi
  rm -rf "$t/jco"
  fixture "$t/jco"
  json='{"args":["'$name'"'
  for a in "${args[@]}"; do json+=',"'$a'"'; done
  json+='],"env":{'
  sep=
  for e in $env; do json+=$sep'"'${e%%=*}'":"'${e#*=}'"'; sep=,; done
  json+='},"preopens":['
  [ "$dir" = yes ] && json+='["/data","'$t/jco/data'"]'
  json+=']}'
  W2_SHIM=$shim W2_JCO=$json timeout 120 \
    "$jco" run --jco-dir "$t/jco-js" --jco-import "$here/jco_setup.mjs" \
    "$t/$name.component.wasm" "${args[@]}" <"$t/stdin.data" >"$t/jco.out" 2>"$t/jco.err"
  rc=$?
  if [ "$rc" != "$want_exit" ]; then
    bad "$name [jco]: exit status $rc under jco, expected $want_exit (the test or jco is wrong)"
    head -n 5 "$t/jco.err"
  elif ! cmp -s "$t/jco.out" "$t/swasm.out"; then
    bad "$name [jco]: swasm's stdout differs from jco's"
    diff "$t/jco.out" "$t/swasm.out" | head -n 10
  else
    ok
  fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
