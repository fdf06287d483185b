// harness.mjs - runs component WAST scripts against swasm: each (component ...) must pass
// `swasm validate`, each assert_invalid / assert_malformed component must be rejected with a
// FILE:0xOFFSET: diagnostic. Component text goes through jco's parser (wasm-tools) to become a
// binary; (component binary ...) bytes are used as written. The commands that execute
// (assert_return, assert_trap, invoke after a (component ...) or a (component instance $i $C))
// run through `swasm run FILE --invoke ...`, one process per instance (invoke.mjs).
//
//   node harness.mjs --swasm PATH [--skip FILE] [--nyi FILE --root DIR] [-v]
//                    [--mutate N [--seed S] [--mutate-only]] [--dump DIR] [--wasm FILE]...
//                    [--no-exec] [--run-flag FLAG]... WAST_OR_DIR...
//
// Ends with "N passed, N failed, N skipped". --mutate also validates N truncated or randomly
// mutated variants of every component the scripts define (one more test, failed only by a
// crash: run it with a sanitizer build); --dump writes every component binary to DIR (a seed
// corpus for fuzz_component.c). Rejections in swasm's own scripts (local/) must also carry
// the expected message text; in the reference scripts that is informational. Each --wasm FILE
// is a component binary (built from a real program) that must validate and print as WIT.
// --no-exec counts the executing commands as skipped; each --run-flag goes to `swasm run`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { commands } from './wast.mjs';
import { Unsupported, expectation, runGroup } from './invoke.mjs';

const args = process.argv.slice(2);
const opt = { swasm: null, skip: null, nyi: null, root: null, verbose: false, mutate: 0, mutateOnly: false, seed: 1, dump: null, wasm: [], inputs: [], noExec: false, runFlags: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--swasm') opt.swasm = args[++i];
  else if (a === '--skip') opt.skip = args[++i];
  else if (a === '--nyi') opt.nyi = args[++i];
  else if (a === '--root') opt.root = args[++i];
  else if (a === '--mutate') opt.mutate = Number(args[++i]);
  else if (a === '--mutate-only') opt.mutateOnly = true;
  else if (a === '--seed') opt.seed = Number(args[++i]);
  else if (a === '--dump') opt.dump = args[++i];
  else if (a === '--wasm') opt.wasm.push(args[++i]);
  else if (a === '--no-exec') opt.noExec = true;
  else if (a === '--run-flag') opt.runFlags.push(args[++i]);
  else if (a === '-v') opt.verbose = true;
  else opt.inputs.push(a);
}
if (!opt.swasm || opt.inputs.length === 0) {
  console.error('usage: node harness.mjs --swasm PATH [--skip FILE] [--nyi FILE --root DIR] [-v] WAST_OR_DIR...');
  process.exit(2);
}

let parse;
try {
  ({ parse } = await import('@bytecodealliance/jco'));
} catch (e) {
  console.error(`harness: cannot load @bytecodealliance/jco (${e.message}); run run.sh, which installs it`);
  process.exit(2);
}

// ---- which scripts and commands ------------------------------------------------------------

function listWast(path, out) {
  if (statSync(path).isDirectory()) {
    for (const e of readdirSync(path).sort()) listWast(join(path, e), out);
  } else if (path.endsWith('.wast')) out.push(path);
  return out;
}

// nyi.txt lists paths like ./validation/max-value-size.wast relative to the test root.
const nyi = new Set();
if (opt.nyi) {
  for (const line of readFileSync(opt.nyi, 'utf8').split('\n')) {
    const l = line.trim();
    if (l && !l.startsWith('#')) nyi.add(l.replace(/^\.\//, ''));
  }
}

// skip.txt: "path/file.wast[:line] reason", lines starting with # are comments.
const skips = [];
if (opt.skip) {
  for (const line of readFileSync(opt.skip, 'utf8').split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const m = /^(\S+?)(?::(\d+))?\s+(.*)$/.exec(l);
    if (m) skips.push({ file: m[1], line: m[2] ? Number(m[2]) : null, reason: m[3] });
  }
}
function skipReason(file, line) {
  for (const s of skips) if (file.endsWith(s.file) && (s.line === null || s.line === line)) return s.reason;
  return null;
}

// ---- running swasm ---------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'swasm-components-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let fileCounter = 0;

function runSwasm(files) {
  return spawnSync(opt.swasm, ['validate', '-q', '--enable-all', ...files], {
    encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' },
  });
}

// 'valid' | 'rejected' | 'crash', and the diagnostic.
function verdict(bytes) {
  const path = join(work, `c${fileCounter++}.wasm`);
  writeFileSync(path, bytes);
  const r = runSwasm([path]);
  const out = (r.stderr || '').trim();
  if (r.signal || (r.status !== 0 && r.status !== 1)) return { v: 'crash', msg: `${r.signal || r.status}: ${out}` };
  if (r.status === 0) return { v: 'valid', msg: '' };
  if (!out.startsWith(`${path}:0x`)) return { v: 'crash', msg: `rejected without a FILE:0xOFFSET: diagnostic: ${out}` };
  return { v: 'rejected', msg: out.slice(path.length + 1) };
}

async function toBinary(c) {
  if (c.form === 'binary') return { bytes: c.bytes };
  try {
    return { bytes: Buffer.from(await parse(c.text)) };
  } catch (e) {
    return { error: String(e.message || e).split('\n')[0].slice(0, 300) };
  }
}

// ---- conformance ---------------------------------------------------------------------------

const counts = { passed: 0, failed: 0, skipped: 0 };
const skipReasons = new Map();
const perFile = [];
let messagesMatched = 0, messagesChecked = 0;

function skip(reason) {
  counts.skipped++;
  skipReasons.set(reason, (skipReasons.get(reason) || 0) + 1);
}

async function runCommand(file, c, tally) {
  const where = `${file}:${c.line}`;
  const listed = skipReason(file, c.line);
  if (listed) return skip(`listed in skip.txt: ${listed}`), tally.skipped++, { skip: listed };
  if (c.kind === 'exec') return skip(`needs execution (${c.head})`), tally.skipped++;
  if (c.kind === 'other') return skip(`unsupported command (${c.head})`), tally.skipped++;
  const bin = await toBinary(c.component);
  if (bin.error) {
    if (c.kind === 'malformed') return skip('malformed text: rejected by the text parser (jco), never a binary'), tally.skipped++;
    counts.failed++;
    tally.failed++;
    console.log(`FAIL ${where}: jco cannot parse the component text: ${bin.error}`);
    return { fail: 'jco cannot parse the component text' };
  }
  if (opt.dump) writeFileSync(join(opt.dump, `${file.replace(/[^A-Za-z0-9]+/g, '_')}_${c.line}.wasm`), bin.bytes);
  const r = verdict(bin.bytes);
  const expectValid = c.kind === 'module';
  let ok;
  if (r.v === 'crash') ok = false;
  else ok = expectValid ? r.v === 'valid' : r.v === 'rejected';
  if (ok) {
    counts.passed++;
    tally.passed++;
    if (expectValid) return { bytes: bin.bytes };
    if (!expectValid && c.message) {
      const matched = r.msg.toLowerCase().includes(c.message.toLowerCase());
      // swasm's own tests (local/) pin the message and offset; the reference tests' messages
      // are wasmparser's wording, compared for information only.
      if (!matched && file.includes('local/')) {
        counts.passed--;
        tally.passed--;
        counts.failed++;
        tally.failed++;
        console.log(`FAIL ${where}: expected message "${c.message}", got: ${r.msg}`);
        return;
      }
      messagesChecked++;
      if (matched) messagesMatched++;
      else if (opt.verbose) console.log(`note ${where}: expected message "${c.message}", got: ${r.msg}`);
    }
    if (opt.verbose && !expectValid) console.log(`ok   ${where}: ${r.msg}`);
    return;
  }
  counts.failed++;
  tally.failed++;
  const what = expectValid ? 'valid component rejected' : r.v === 'crash' ? 'crash' : `${c.kind} component accepted`;
  console.log(`FAIL ${where}: ${what}${c.message ? ` (expected "${c.message}")` : ''}${r.msg ? `: ${r.msg}` : ''}`);
  return { fail: what };
}

// ---- execution -----------------------------------------------------------------------------

function pass(tally) {
  counts.passed++;
  tally.passed++;
}

function fail(tally, where, msg) {
  counts.failed++;
  tally.failed++;
  console.log(`FAIL ${where}: ${msg}`);
}

// Runs the commands that follow one instance: group = {comp: {bytes} | {skip} | {fail},
// instance: the (component instance) command or null, cmds}.
function execGroup(file, group, tally) {
  const todo = [];
  let skipRest = null;
  const skipCmd = (reason) => { skip(reason); tally.skipped++; };
  const all = group.instance ? [group.instance, ...group.cmds] : group.cmds;
  const why = group.comp.skip ? `component not run: listed in skip.txt: ${group.comp.skip}`
    : group.comp.fail ? null : opt.noExec ? 'execution disabled (--no-exec)'
    : file.startsWith('async/') ? 'async: not supported by swasm run' : null;
  if (why) return all.forEach(() => skipCmd(why));
  if (group.comp.fail) return all.forEach((c) => fail(tally, `${file}:${c.line}`, `not run: the component failed: ${group.comp.fail}`));
  for (const c of group.cmds) {
    const listed = skipReason(file, c.line);
    if (listed) { skipCmd(`listed in skip.txt: ${listed}`); skipRest = 'follows a skipped command of the same instance'; continue; }
    if (skipRest) { skipCmd(skipRest); continue; }
    try {
      c.exp = expectation(c);
      todo.push(c);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      skipCmd(`cannot express in WAVE: ${e.message}`);
      skipRest = 'follows a skipped command of the same instance';
    }
  }
  if (group.instance && !todo.length) return skipCmd('instance without commands to run');
  if (!todo.length) return;
  const path = join(work, `x${fileCounter++}.wasm`);
  writeFileSync(path, group.comp.bytes);
  const r = runGroup(opt.swasm, path, todo, opt.runFlags);
  if (group.instance) {
    if (r.instantiated) pass(tally);
    else fail(tally, `${file}:${group.instance.line}`, `cannot instantiate: ${r.msg}`);
  }
  todo.forEach((c, i) => {
    const res = r.results[i];
    if (res.ok) {
      pass(tally);
      if (opt.verbose) console.log(`ok   ${file}:${c.line}: ${c.exp.call}`);
    } else {
      fail(tally, `${file}:${c.line}`, `${c.exp.call}: ${res.msg}`);
    }
  });
}

// The commands of one script in order; instances collect the commands that follow them.
async function runScript(file, cmds, tally) {
  const defs = new Map();
  let group = null;
  const flush = () => {
    if (group) execGroup(file, group, tally);
    group = null;
  };
  for (const c of cmds) {
    if (c.head === 'component' && c.component.form === 'instance') {
      flush();
      const listed = skipReason(file, c.line);
      const comp = listed ? { skip: listed } : defs.get(c.component.of) || { fail: `no component definition ${c.component.of}` };
      group = { comp, instance: c, cmds: [] };
      continue;
    }
    if (c.kind === 'exec') {
      if (group) group.cmds.push(c);
      else { skip(`${c.head} without a component instance`); tally.skipped++; }
      continue;
    }
    const r = await runCommand(file, c, tally);
    if (c.kind !== 'module') continue;
    const comp = r || { fail: 'not validated' };
    if (c.component.id) defs.set(c.component.id, comp);
    if (!c.component.definition) {
      flush();
      group = { comp, instance: null, cmds: [] };
    }
  }
  flush();
}

// Reference scripts by their path in the test root (as nyi.txt and skip.txt name them), others
// as given.
function displayName(file) {
  if (!opt.root) return file;
  const rel = relative(opt.root, file);
  return rel.startsWith('..') ? relative(process.cwd(), file) : rel;
}

async function conformance(files) {
  for (const file of files) {
    const rel = displayName(file);
    const tally = { passed: 0, failed: 0, skipped: 0 };
    if (nyi.has(rel)) {
      const n = commands(readFileSync(file, 'utf8')).length;
      for (let i = 0; i < n; i++) skip('file listed in nyi.txt');
      perFile.push({ file: rel, passed: 0, failed: 0, skipped: n });
      continue;
    }
    let cmds;
    try {
      cmds = commands(readFileSync(file, 'utf8'));
    } catch (e) {
      counts.failed++;
      console.log(`FAIL ${rel}: cannot split the script: ${e.message}`);
      continue;
    }
    await runScript(rel, cmds, tally);
    perFile.push({ file: rel, ...tally });
  }
  for (const f of perFile) console.log(`${f.file.padEnd(52)} ${String(f.passed).padStart(4)} passed, ${String(f.failed).padStart(3)} failed, ${String(f.skipped).padStart(4)} skipped`);
  console.log('\nskipped, by reason:');
  for (const [r, n] of [...skipReasons].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${r}`);
  console.log(`\nrejections whose message contains the reference text: ${messagesMatched}/${messagesChecked} (informational)`);
}

// ---- truncation and mutation ---------------------------------------------------------------

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

function variants(bytes, n, next) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const b = Buffer.from(bytes);
    const kind = next() % 4;
    if (kind === 0) out.push(b.subarray(0, next() % (b.length + 1)));
    else if (kind === 1) {
      for (let k = 1 + (next() % 4); k > 0; k--) b[next() % b.length] = next() & 0xff;
      out.push(b);
    } else if (kind === 2) {
      const at = next() % b.length;
      b[at] = [0x00, 0x7f, 0x80, 0xff, 0x01, 0x40][next() % 6];
      out.push(b);
    } else {
      const at = next() % b.length, len = 1 + (next() % 8);
      out.push(Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + len))]));
    }
  }
  return out;
}

async function mutate(files) {
  const next = rng(opt.seed);
  const seeds = [];
  for (const file of files) {
    const rel = displayName(file);
    if (nyi.has(rel)) continue;
    for (const c of commands(readFileSync(file, 'utf8'))) {
      if (c.kind !== 'module' && c.kind !== 'invalid') continue;
      const bin = await toBinary(c.component);
      if (bin.bytes && bin.bytes.length > 8) seeds.push({ where: `${rel}:${c.line}`, bytes: bin.bytes });
    }
  }
  let crashes = 0, total = 0;
  const batch = [];
  const flush = () => {
    if (!batch.length) return;
    const r = runSwasm(batch.map((b) => b.path));
    if (r.signal || (r.status !== 0 && r.status !== 1)) {
      // Find which input crashed, one at a time.
      for (const b of batch) {
        const one = runSwasm([b.path]);
        if (one.signal || (one.status !== 0 && one.status !== 1)) {
          crashes++;
          const keep = join(tmpdir(), `swasm-component-crash-${Date.now()}-${crashes}.wasm`);
          writeFileSync(keep, readFileSync(b.path));
          console.log(`CRASH on a variant of ${b.where} (kept as ${keep}): ${one.signal || one.status}\n${(one.stderr || '').slice(0, 2000)}`);
        }
      }
    }
    for (const b of batch) rmSync(b.path, { force: true });
    batch.length = 0;
  };
  for (const s of seeds) {
    for (const v of variants(s.bytes, opt.mutate, next)) {
      const path = join(work, `m${fileCounter++}.wasm`);
      writeFileSync(path, v);
      batch.push({ path, where: s.where });
      total++;
      if (batch.length >= 400) flush();
    }
  }
  flush();
  console.log(`mutation: ${seeds.length} seed components, ${total} truncated or mutated variants validated, ` +
              `${crashes} crashes (counted as one test)`);
  return crashes;
}

// Real components: valid, and `swasm wit` prints a world for them.
function realComponents() {
  for (const file of opt.wasm) {
    const v = runSwasm([file]);
    const w = spawnSync(opt.swasm, ['wit', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const ok = v.status === 0 && w.status === 0 && /^world root \{$/m.test(w.stdout || '');
    if (ok) counts.passed++;
    else counts.failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${file}: validate ${v.status}, wit ${w.status}` +
                `${ok ? `, ${(w.stdout.match(/^  (import|export) /gm) || []).length} world items` : `: ${(v.stderr || '') + (w.stderr || '')}`}`);
  }
}

const files = opt.inputs.flatMap((p) => listWast(p, []));
if (!opt.mutateOnly) await conformance(files);
realComponents();
if (opt.mutate > 0) {
  const crashes = await mutate(files);
  if (crashes) counts.failed++;
  else counts.passed++;
}
console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exitCode = counts.failed ? 1 : 0;
