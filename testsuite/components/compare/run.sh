#!/bin/bash
# run.sh - components built from C at test time and run both by jco (on Node) and by swasm, with
# their behaviour compared: a WASI command (cmd.c, adapted by `jco new --wasi-command`) under
# `jco run`, `swasm run` and as an executable made by swasmc (stdout, stderr, exit status, files
# left in the granted directory), and components with hand-written canonical-ABI exports whose
# results for a table of inputs (expect.mjs) under `swasm run --invoke` must equal, in WAVE,
# those of the component transpiled by jco: exports.c with every kind of value (world.wit), the
# same functions exported as an interface (api.wit), strings16.c with the utf16 and
# latin1+utf16 string encodings (strings.wit), and reactor.c, which imports WASI (reactor.wit).
# Ends with "N passed, N failed".
#
#   testsuite/components/compare/run.sh BUILD_DIR [--keep DIR]
#
# --keep DIR leaves the components, the calls, jco's and swasm's outputs in DIR.
#
# Needs clang-19 with wasi-libc, Node.js and npm; jco is installed into testsuite/components/
# node_modules on first use, as testsuite/components/run.sh does.
set -u
here=$(cd "$(dirname "$0")" && pwd)
comp=$(cd "$here/.." && pwd)
if [ $# -lt 1 ]; then
  sed -n '2,17p' "$0"
  exit 2
fi
build=$(cd "$1" && pwd) || exit 2
shift
keep=
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=$2; shift ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
swasm=$build/tools/swasm/swasm
swasmc=$build/tools/swasmc/swasmc
pass=0
fail=0

# A missing tool is a failure, never a silent skip.
give_up() {
  echo "compare: $*"
  echo "$pass passed, $((fail + 1)) failed"
  exit 1
}

ok() { pass=$((pass + 1)); }
bad() {
  fail=$((fail + 1))
  echo "FAIL $*"
}

cc=$(command -v clang-19 || true)
[ -n "$cc" ] || give_up "clang-19 not found (apt-get install clang-19 wasi-libc)"
command -v node >/dev/null && command -v npm >/dev/null ||
  give_up "Node.js and npm are needed (apt-get install nodejs npm)"
if [ ! -f "$comp/node_modules/@bytecodealliance/jco/package.json" ]; then
  echo "compare: installing jco into $comp/node_modules"
  npm install --prefix "$comp" --no-audit --no-fund --loglevel=error >/dev/null ||
    give_up "npm install of jco failed"
fi
jco_dir=$comp/node_modules/@bytecodealliance/jco
jco=$comp/node_modules/.bin/jco

# jco's WASI shim: configured by modules imported before the guest runs (jco run --jco-import,
# node --import). Each jco package may carry its own copy of preview2-shim; the one that counts
# is the copy the package resolves.
shim_of() {
  local d
  for d in "$1/node_modules/@bytecodealliance/preview2-shim" \
           "$comp/node_modules/@bytecodealliance/preview2-shim"; do
    [ -f "$d/dist/nodejs/cli.js" ] && { echo "$d/dist/nodejs"; return; }
  done
}
run_shim=$(shim_of "$jco_dir")
embed_shim=$(shim_of "$comp/node_modules/@bytecodealliance/jco-transpile")
[ -n "$run_shim" ] && [ -n "$embed_shim" ] || give_up "preview2-shim not found next to jco"

if [ -n "$keep" ]; then
  # Only a new directory, or one an earlier run kept, is emptied first.
  work=$keep
  if [ -e "$work" ] && [ ! -f "$work/build.log" ] && [ -n "$(ls -A "$work" 2>/dev/null)" ]; then
    echo "run.sh: --keep $work: not empty and not kept by an earlier run" >&2
    exit 2
  fi
  rm -rf "$work" && mkdir -p "$work" || exit 2
  work=$(cd "$work" && pwd)
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# ---- build the components and the expected results ----
log=$work/build.log
step() {
  echo "+ $*" >>"$log"
  "$@" >>"$log" 2>&1 || { tail -n 20 "$log"; give_up "build step failed: $*"; }
}
# A core module NAME.core.wasm from C. ($nostart: no entry point and no libc start files, for
# modules whose only code is their exports.)
core() {   # name, source, clang options...
  local name=$1 src=$2
  shift 2
  step "$cc" --target=wasm32-wasi -O2 -Wall -Wextra "$@" "$here/$src" -o "$work/$name.core.wasm"
}
# NAME.core.wasm and a WIT world -> NAME.component.wasm (jco embed, jco new).
componentize() {   # name, wit file, option of jco new or "", options of jco embed...
  local name=$1 wit=$2 new_opt=$3
  shift 3
  step node --import "$work/preopen-all.mjs" "$jco_dir/dist/jco.js" embed --wit "$here/$wit" \
    "$@" "$work/$name.core.wasm" -o "$work/$name.embedded.wasm"
  step "$jco" new "$work/$name.embedded.wasm" $new_opt -o "$work/$name.component.wasm"
}
transpile() {   # name
  step "$jco" transpile "$work/$1.component.wasm" -o "$work/transpiled" --no-typescript --quiet
}
echo "import { _setPreopens } from '$embed_shim/filesystem.js'; _setPreopens({ '/': '/' });" \
  >"$work/preopen-all.mjs"
nostart=(-nostartfiles -Wl,--no-entry)

core cmd cmd.c
step "$jco" new "$work/cmd.core.wasm" --wasi-command -o "$work/cmd.component.wasm"

core exports exports.c "${nostart[@]}"
componentize exports world.wit ""
transpile exports
step node "$here/expect.mjs" values "$work/transpiled/exports.component.js" "$work"
# The same functions as an exported interface (api.wit): the results are those of the world's.
core api exports.c "${nostart[@]}" -DAPI
componentize api api.wit ""
sed -E '/^[^(]*#/! s|^|swasm:compare/api@0.1.0#|' "$work/values.calls" >"$work/api.calls"
cp "$work/values.expected" "$work/api.expected"

# strings16.c with each non-UTF-8 encoding. jco cannot transpile latin1+utf16 (its bindgen
# asserts utf8 or utf16), but the functions' results do not depend on the encoding: the utf16
# build's results under jco are the expected ones for both.
core strings-utf16 strings16.c "${nostart[@]}"
componentize strings-utf16 strings.wit "" --string-encoding utf16
core strings-compact-utf16 strings16.c "${nostart[@]}" -DCOMPACT
componentize strings-compact-utf16 strings.wit "" --string-encoding compact-utf16
transpile strings-utf16
step node "$here/expect.mjs" strings "$work/transpiled/strings-utf16.component.js" "$work"

# reactor.c imports WASI through the preview1 reactor adapter. The transpiled component finds
# preview2-shim through $work/node_modules; expect.mjs configures that same copy.
core reactor reactor.c -mexec-model=reactor
componentize reactor reactor.wit --wasi-reactor
transpile reactor
mkdir -p "$work/node_modules/@bytecodealliance" "$work/jco-data" "$work/swasm-data"
ln -s "$(dirname "$(dirname "$run_shim")")" "$work/node_modules/@bytecodealliance/preview2-shim"
printf 'input \xc3\xa9\n' | tee "$work/jco-data/input.txt" >"$work/swasm-data/input.txt"
COMPARE_SHIM=$run_shim COMPARE_DATA=$work/jco-data \
  step node "$here/expect.mjs" reactor "$work/transpiled/reactor.component.js" "$work"
grep -v '^+' "$log" | grep '^greet: ' >"$work/reactor.jco.err"
grep -E '^(note|[0-9]+ calls)' "$log" | sed 's/^/compare: jco: /'

have_swasm=1
if [ ! -x "$swasm" ] || [ ! -x "$swasmc" ]; then
  bad "swasm: $swasm or $swasmc is not built"
  have_swasm=
fi

# ---- the command component ----
# Its inputs: a file in the granted directory, and a standard input of 200 kB.
printf 'first line \xc3\xa9\nsecond \xf0\x9f\x98\x80\n' >"$work/input.txt"
head -c 200000 /dev/zero | tr '\0' 'x' >"$work/stdin.txt"
printf '\nend of stdin \xe2\x88\x9e\n' >>"$work/stdin.txt"

# The sandbox's files after a run, with their checksums.
files_of() {
  (cd "$1" && find . -type f | sort | xargs -r md5sum)
}

# Compares one engine's run (ENGINE.out/.err/.rc, ENGINE-sb) with jco's.
cmd_compare() {   # case name, case dir, engine
  local what label
  for what in out err rc; do
    if cmp -s "$2/jco.$what" "$2/$3.$what"; then
      ok
    else
      case $what in
        out) label=stdout ;;
        err) label=stderr ;;
        *) label="exit status" ;;
      esac
      bad "command $1 ($3): $label differs (< jco, > $3):"
      diff "$2/jco.$what" "$2/$3.$what" | head -n 10 | cut -c1-200
    fi
  done
  files_of "$2/jco-sb" >"$2/jco.files"
  files_of "$2/$3-sb" >"$2/$3.files"
  if cmp -s "$2/jco.files" "$2/$3.files"; then
    ok
  else
    bad "command $1 ($3): files left in the sandbox differ (< jco, > $3):"
    diff "$2/jco.files" "$2/$3.files" | head -n 10
  fi
}

# One case under jco run, swasm run and an executable from swasmc (grants given at compile
# time; a relative directory is found from the working directory at run time). Arguments: the
# case's name; NAME=VALUE assignments for the guest, separated by spaces; 'dir' (grant the
# sandbox as /sandbox) or 'nodir'; 'stdin' or 'nostdin'; the guest's arguments.
cmd_case() {
  local name=$1 envs=$2 grant=$3 stdin=$4
  shift 4
  local d=$work/cmd-$name eng
  for eng in jco swasm swasmc; do
    mkdir -p "$d/$eng-sb" && cp "$work/input.txt" "$d/$eng-sb/"
  done
  local js_env="" sw=() swc=() kv
  for kv in $envs; do
    js_env+="$(node -e 'const [k, ...v] = process.argv[1].split("=");
      process.stdout.write(`${JSON.stringify(k)}: ${JSON.stringify(v.join("="))}, `)' "$kv")"
    sw+=(--env "$kv")
    swc+=(--env "$kv")
  done
  local js_dirs="{}"
  if [ "$grant" = dir ]; then
    js_dirs="{ '/sandbox': '$d/jco-sb' }"
    sw+=(--dir "$d/swasm-sb::/sandbox")
    swc+=(--dir "swasmc-sb::/sandbox")
  fi
  cat >"$d/setup.mjs" <<EOF
import { _setEnv } from '$run_shim/cli.js';
import { _setPreopens } from '$run_shim/filesystem.js';
_setEnv({ $js_env });
_setPreopens($js_dirs);
EOF
  local in=/dev/null
  [ "$stdin" = stdin ] && in=$work/stdin.txt
  (cd "$d" && timeout 120 "$jco" run --jco-import "$d/setup.mjs" "$work/cmd.component.wasm" "$@" \
     <"$in" >"$d/jco.out" 2>"$d/jco.err")
  echo $? >"$d/jco.rc"
  [ -n "$have_swasm" ] || return
  (cd "$d" && timeout 120 "$swasm" run "${sw[@]}" "$work/cmd.component.wasm" "$@" \
     <"$in" >"$d/swasm.out" 2>"$d/swasm.err")
  echo $? >"$d/swasm.rc"
  cmd_compare "$name" "$d" swasm
  if ! (cd "$d" && timeout 300 "$swasmc" "${swc[@]}" "$work/cmd.component.wasm" -o cmd.exe \
          >"$d/swasmc.log" 2>&1); then
    bad "command $name (swasmc): swasmc cannot make an executable of the component:"
    head -n 5 "$d/swasmc.log"
    return
  fi
  (cd "$d" && timeout 120 ./cmd.exe "$@" <"$in" >"$d/swasmc.out" 2>"$d/swasmc.err")
  echo $? >"$d/swasmc.rc"
  cmd_compare "$name" "$d" swasmc
}

cmd_case basic "$(printf 'GREETING=h\xc3\xa9llo_w\xc3\xb6rld') WITH_EQ=a=b=c" dir nostdin \
  /sandbox 0 \
  "$(printf 'h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x98\x80')" "" "a b" "--not-an-option"
cmd_case exitcode "ONLY=1" dir nostdin /sandbox 7
cmd_case stdin "" dir stdin /sandbox 0 stdin
cmd_case nogrant "" nodir nostdin /sandbox 3

# ---- the exports components ----
# Every call of a .calls file through --invoke, many per process (a process's arguments are
# kept under 1 MB); a batch that does not answer every call is retried one call per process,
# so a failure is pinned to its call. Where jco gives "<trap>", swasm must fail the call as
# `swasm run` reports traps: exit status 134, no result printed.
invoke_opts=()   # options for swasm run before the component (grants)
run_batch() {   # component, first index, count
  local args=() i
  for ((i = $2; i < $2 + $3; i++)); do args+=(--invoke "${calls[$i]}"); done
  timeout 120 "$swasm" run "${invoke_opts[@]}" "$1" "${args[@]}" >"$work/batch.out" \
    2>"$work/batch.err"
}

compare_invokes() {   # label, component, world
  local label=$1 component=$2 i=0 j k n rc size msg out got=()
  mapfile -t calls <"$work/$3.calls"
  mapfile -t expected <"$work/$3.expected"
  n=${#calls[@]}
  while [ $i -lt $n ]; do
    size=0
    j=$i
    # A call that must trap runs alone: after a trap the instance cannot be entered again.
    if [ "${expected[$i]}" = "<trap>" ]; then
      run_batch "$component" $i 1
      rc=$?
      if [ $rc -eq 134 ] && [ ! -s "$work/batch.out" ]; then
        got+=("<trap>")
      else
        got+=("<exit $rc, not a trap: $(head -c 200 "$work/batch.out" "$work/batch.err" |
          tr '\n' ' ')>")
      fi
      i=$((i + 1))
      continue
    fi
    while [ $j -lt $n ] && [ "${expected[$j]}" != "<trap>" ] &&
          { [ $j -eq $i ] || [ $((size + ${#calls[$j]})) -lt 1000000 ]; }; do
      size=$((size + ${#calls[$j]}))
      j=$((j + 1))
    done
    run_batch "$component" $i $((j - i))
    rc=$?
    mapfile -t out <"$work/batch.out"
    if [ $rc -eq 0 ] && [ ${#out[@]} -eq $((j - i)) ]; then
      got+=("${out[@]}")
    else
      for ((k = i; k < j; k++)); do
        run_batch "$component" $k 1
        rc=$?
        mapfile -t out <"$work/batch.out"
        msg="<exit $rc: $(head -c 300 "$work/batch.err" | tr '\n' ' ')>"
        if [ $rc -eq 0 ] && [ ${#out[@]} -eq 1 ]; then
          got+=("${out[0]}")
        elif [ $rc -eq 1 ] || [ $rc -eq 124 ]; then
          # Status 1: the component does not instantiate, whatever the call; 124: a call hung,
          # and the others are not waited for.
          for ((; k < j; k++)); do got+=("$msg"); done
        else
          got+=("$msg")
        fi
      done
    fi
    i=$j
  done
  for ((k = 0; k < n; k++)); do
    if [ "${got[$k]}" == "${expected[$k]}" ]; then
      ok
    else
      bad "$label: ${calls[$k]:0:150}"
      echo "  jco:   ${expected[$k]:0:200}"
      echo "  swasm: ${got[$k]:0:200}"
    fi
  done
}

if [ -n "$have_swasm" ]; then
  compare_invokes values "$work/exports.component.wasm" values
  compare_invokes api "$work/api.component.wasm" api
  # Core modules compiled otherwise: the canonical ABI reads and writes the same memory.
  invoke_opts=(-O0 --bounds-checks=explicit)
  compare_invokes "api -O0 explicit" "$work/api.component.wasm" api
  invoke_opts=()
  compare_invokes utf16 "$work/strings-utf16.component.wasm" strings
  compare_invokes latin1+utf16 "$work/strings-compact-utf16.component.wasm" strings
  invoke_opts=(--env "$(printf 'GREETING=gr\xc3\xbc\xc3\x9f dich \xf0\x9f\x98\x80')" --env OTHER=a=b
    --dir "$work/swasm-data::/data")
  compare_invokes reactor "$work/reactor.component.wasm" reactor
  # The guest's stderr (one batch: the last one run), and the files it left.
  if cmp -s "$work/reactor.jco.err" "$work/batch.err"; then
    ok
  else
    bad "reactor: the guest's stderr differs (< jco, > swasm):"
    diff "$work/reactor.jco.err" "$work/batch.err" | head -n 10
  fi
  if [ "$(files_of "$work/jco-data")" = "$(files_of "$work/swasm-data")" ]; then
    ok
  else
    bad "reactor: the files left in /data differ (< jco, > swasm):"
    diff <(files_of "$work/jco-data") <(files_of "$work/swasm-data")
  fi
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
