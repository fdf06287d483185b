#!/usr/bin/env python3
# measure.py - CPU time per component-to-component call, generated adapters against the tree
# path: `swasm run calls.wasm --invoke 'loop-X(N)'` under SWASM_ADAPTERS=llvm and =tree, N calls
# minus the same run with N=0 (start-up, instantiation, compile-cache look-ups), median of R
# interleaved runs. Usage: measure.py SWASM calls.wat|calls.wasm [N [R]] (a .wat goes through jco's
# parser, installed in testsuite/components/node_modules by run.sh).
import os, resource, statistics, subprocess, sys, tempfile

swasm, wasm = sys.argv[1], sys.argv[2]
if wasm.endswith('.wat'):
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(tempfile.mkdtemp(), 'calls.wasm')
    js = ("import('@bytecodealliance/jco').then(async ({parse}) => {"
          "const fs = await import('node:fs');"
          "fs.writeFileSync(process.argv[2], await parse(fs.readFileSync(process.argv[1], 'utf8')));})")
    subprocess.run(['node', '-e', js, os.path.abspath(wasm), out], check=True,
                   cwd=os.path.dirname(here))
    wasm = out
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000000
reps = int(sys.argv[4]) if len(sys.argv) > 4 else 5

def cpu(mode, call):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ, SWASM_ADAPTERS=mode)
    subprocess.run([swasm, 'run', wasm, '--invoke', call], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

results = {}
for _ in range(reps):
    for fn in ('loop-scalar', 'loop-str'):
        for mode in ('llvm', 'tree'):
            base = cpu(mode, f'{fn}(0)')
            full = cpu(mode, f'{fn}({n})')
            results.setdefault((fn, mode), []).append((full - base) / n * 1e9)

print(f'{"call":<12} {"generated ns":>13} {"tree ns":>9} {"speed-up":>9}')
for fn in ('loop-scalar', 'loop-str'):
    g = statistics.median(results[(fn, 'llvm')])
    t = statistics.median(results[(fn, 'tree')])
    print(f'{fn[5:]:<12} {g:13.1f} {t:9.1f} {t / g if g > 0 else 0:8.1f}x')
