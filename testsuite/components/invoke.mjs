// invoke.mjs - executes the assert_return / assert_trap / invoke commands of component WAST
// scripts through `swasm run FILE --invoke 'f(ARGS)' ...`: values written as (u32.const 1),
// (str.const "x"), (list.const ...), (record.const (field "a" u32.const 1)), (variant.const
// "c" V), (enum.const "e"), (flags.const "a" "b"), (option.some V), (option.none),
// (result.ok V), (result.err V), (tuple.const ...), (char.const "c"), (bool.const true),
// (f32.const 1.5) ... become WAVE text; swasm's printed results are compared with the expected
// values printed the way Wasmtime prints WAVE.
//
// The commands that follow one instance (a (component ...) or a (component instance $i $C))
// run in ONE process, one --invoke each, so state carries over between them; swasm prints one
// line per call, and a failing call (a trap) ends the process.
import { spawnSync } from 'node:child_process';

// ---- values to WAVE ---------------------------------------------------------------------------

export class Unsupported extends Error {}

const KEYWORDS = new Set(['true', 'false', 'some', 'none', 'ok', 'err', 'inf', 'nan']);
const label = (s) => (KEYWORDS.has(s) ? `%${s}` : s);

// The code points Rust's char::escape_debug writes as \u{...} (Wasmtime prints WAVE with it):
// grapheme extenders and what Rust does not consider printable. linker/wave/wave_unicode.c
// holds the same set as a table generated from this expression.
const DEBUG_ESCAPED = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}\p{Grapheme_Extend}]/u;

export function escapeChar(cp) {
  const simple = { 0x5c: '\\\\', 0x22: '\\"', 0x27: "\\'", 0x09: '\\t', 0x0d: '\\r', 0x0a: '\\n' };
  if (simple[cp]) return simple[cp];
  if (cp !== 0x20 && DEBUG_ESCAPED.test(String.fromCodePoint(cp))) {
    return `\\u{${cp.toString(16)}}`;
  }
  return String.fromCodePoint(cp);
}

export function waveString(s) {
  let out = '"';
  for (const ch of s) out += escapeChar(ch.codePointAt(0));
  return `${out}"`;
}

function utf8(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Unsupported('string constant that is not UTF-8');
  }
}

// Digits and exponent of a number in JS's shortest form, written without an exponent (Rust's
// Display of f32 and f64).
function plainDecimal(text) {
  let neg = false;
  if (text.startsWith('-')) { neg = true; text = text.slice(1); }
  let [mant, exp] = text.split('e');
  exp = Number(exp || 0);
  let [ip, fp = ''] = mant.split('.');
  let digits = ip + fp;
  let point = ip.length + exp;
  digits = digits.replace(/^0+/, '');
  point -= (ip + fp).length - (ip + fp).replace(/^0+/, '').length;
  if (!digits) return neg ? '-0' : '0';
  digits = digits.replace(/0+$/, '');
  let s;
  if (point <= 0) s = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) s = digits + '0'.repeat(point - digits.length);
  else s = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (neg ? '-' : '') + s;
}

export function waveFloat(v, f32) {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  if (!f32) return plainDecimal(String(v).replace('e+', 'e'));
  for (let p = 1; p <= 9; p++) {
    const s = v.toExponential(p - 1);
    if (Math.fround(Number(s)) === v) return plainDecimal(s.replace('e+', 'e'));
  }
  return plainDecimal(v.toExponential(8).replace('e+', 'e'));
}

// A WAST float literal: decimal, hex float, inf, nan, nan:0x...
function parseFloatLit(text, f32) {
  let t = text.replace(/_/g, '');
  let neg = false;
  if (t[0] === '-' || t[0] === '+') { neg = t[0] === '-'; t = t.slice(1); }
  let v;
  if (t === 'inf') v = Infinity;
  else if (t.startsWith('nan')) v = NaN;
  else if (/^0x/i.test(t)) {
    const m = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([-+]?\d+))?$/i.exec(t);
    if (!m) throw new Unsupported(`float literal ${text}`);
    const frac = m[2] || '';
    v = Number.parseInt((m[1] || '0') + frac, 16) * 2 ** (Number(m[3] || 0) - 4 * frac.length);
  } else {
    v = Number(t);
    if (Number.isNaN(v)) throw new Unsupported(`float literal ${text}`);
  }
  v = neg ? -v : v;
  return f32 ? Math.fround(v) : v;
}

const INTS = { 'u8.const': [false, 8], 's8.const': [true, 8], 'u16.const': [false, 16],
  's16.const': [true, 16], 'u32.const': [false, 32], 's32.const': [true, 32],
  'u64.const': [false, 64], 's64.const': [true, 64] };

function intLit(head, text) {
  const [signed, bits] = INTS[head];
  let t = text.replace(/_/g, '');
  let neg = false;
  if (t[0] === '-' || t[0] === '+') { neg = t[0] === '-'; t = t.slice(1); }
  let v = BigInt(t);   // accepts 0x...
  if (neg) v = -v;
  const mod = 1n << BigInt(bits);
  // Literals may be written in the other signedness: wrap into the type's range.
  v = ((v % mod) + mod) % mod;
  if (signed && v >= mod / 2n) v -= mod;
  return v.toString();
}

const atomText = (n) => {
  if (!n || n.type !== 'atom') throw new Unsupported('expected an atom');
  return n.text;
};
const strText = (n) => {
  if (!n || n.type !== 'string') throw new Unsupported('expected a string');
  return utf8(n.bytes);
};

// A value given as HEAD followed by its arguments (as inside (field "n" HEAD ARGS...)).
function valueOf(head, args) {
  if (head in INTS) return intLit(head, atomText(args[0]));
  switch (head) {
    case 'bool.const': return atomText(args[0]) === 'true' ? 'true' : 'false';
    case 'f32.const': return waveFloat(parseFloatLit(atomText(args[0]), true), true);
    case 'f64.const': return waveFloat(parseFloatLit(atomText(args[0]), false), false);
    case 'char.const': {
      const s = strText(args[0]);
      if ([...s].length !== 1) throw new Unsupported('char.const of more than one char');
      return `'${escapeChar(s.codePointAt(0))}'`;
    }
    case 'str.const': return waveString(strText(args[0]));
    case 'list.const': return `[${args.map(toWave).join(', ')}]`;
    case 'tuple.const': return `(${args.map(toWave).join(', ')})`;
    case 'record.const': {
      const fields = [];
      for (const f of args) {
        if (f.type !== 'list' || atomText(f.items[0]) !== 'field') throw new Unsupported('record field');
        const name = strText(f.items[1]);
        const rest = f.items.slice(2);
        const v = rest.length === 1 && rest[0].type === 'list' ? toWave(rest[0]) : valueOf(atomText(rest[0]), rest.slice(1));
        if (v !== 'none') fields.push(`${name}: ${v}`);   // Wasmtime leaves none fields out
      }
      return fields.length ? `{${fields.join(', ')}}` : '{:}';
    }
    case 'variant.const': {
      const c = label(strText(args[0]));
      return args.length > 1 ? `${c}(${toWave(args[1])})` : c;
    }
    case 'enum.const': return label(strText(args[0]));
    case 'flags.const': return `{${args.map(strText).join(', ')}}`;
    case 'option.some': return `some(${toWave(args[0])})`;
    case 'option.none': return 'none';
    case 'result.ok': return args.length ? `ok(${toWave(args[0])})` : 'ok';
    case 'result.err': return args.length ? `err(${toWave(args[0])})` : 'err';
    default: throw new Unsupported(`value ${head}`);
  }
}

export function toWave(node) {
  if (!node || node.type !== 'list' || !node.items.length) throw new Unsupported('value');
  return valueOf(atomText(node.items[0]), node.items.slice(1));
}

// {name, args: WAVE text} of an (invoke "name" ARGS...) node.
export function invokeOf(node) {
  if (!node || node.type !== 'list' || node.items[0]?.text !== 'invoke') throw new Unsupported('action other than invoke');
  let i = 1;
  if (node.items[i]?.type === 'atom' && node.items[i].text.startsWith('$')) throw new Unsupported('invoke naming an instance');
  const name = strText(node.items[i++]);
  const args = node.items.slice(i).map(toWave);
  return { name, call: `${name}(${args.join(', ')})` };
}

// What a command expects: {call, name, result: WAVE | null (no result), trap: message | null}.
export function expectation(c) {
  const n = c.node;
  if (c.head === 'invoke') return { ...invokeOf(n), result: undefined, trap: null };
  if (c.head === 'assert_return') {
    const inv = invokeOf(n.items[1]);
    const rest = n.items.slice(2);
    if (rest.length > 1) throw new Unsupported('more than one result');
    return { ...inv, result: rest.length ? toWave(rest[0]) : null, trap: null };
  }
  if (c.head === 'assert_trap') {
    const inv = invokeOf(n.items[1]);
    const msg = n.items[2]?.type === 'string' ? utf8(n.items[2].bytes) : '';
    return { ...inv, result: null, trap: msg };
  }
  throw new Unsupported(`command ${c.head}`);
}

// ---- running a group of commands in one process ------------------------------------------------

function runCalls(swasm, file, calls, flags) {
  const args = ['run', ...flags, file];
  for (const c of calls) args.push('--invoke', c);
  const r = spawnSync(swasm, args, { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120000 });
  const lines = (r.stdout || '').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return { status: r.signal ? r.signal : r.status, lines, stderr: (r.stderr || '').trim() };
}

// Evaluates the commands (each with .exp from expectation()) that follow one instance of the
// component in file. swasm prints one line per call (WAVE, "()" for no result, as Wasmtime
// does) and stops at the first call that fails, so line i belongs to command i and the first
// command without a line is the one that failed. Returns one {ok, msg} per command, and
// whether instantiation worked.
export function runGroup(swasm, file, cmds, flags = []) {
  const r = runCalls(swasm, file, cmds.map((c) => c.exp.call), flags);
  if (/cannot instantiate/.test(r.stderr)) {
    return { instantiated: false, msg: r.stderr, results: cmds.map(() => ({ ok: false, msg: `instantiation failed: ${r.stderr}` })) };
  }
  const results = cmds.map((c, i) => {
    const e = c.exp;
    if (i < r.lines.length) {
      const got = r.lines[i];
      if (e.trap !== null) return { ok: false, msg: `expected a trap "${e.trap}", but the call returned ${got}` };
      const want = e.result === null ? '()' : e.result;
      if (want === undefined || got === want) return { ok: true };
      return { ok: false, msg: `expected ${want}, got ${got}` };
    }
    if (i > r.lines.length) return { ok: false, msg: 'not reached: an earlier call of the same instance failed' };
    if (r.status === 0) return { ok: false, msg: `no output (status 0): ${r.stderr}` };
    if (e.trap === null) return { ok: false, msg: `status ${r.status}: ${r.stderr}` };
    const m = /swasm run: trap: (.*)/.exec(r.stderr);
    if (r.status !== 134 || !m) return { ok: false, msg: `expected a trap "${e.trap}", got status ${r.status}: ${r.stderr}` };
    if (!m[1].toLowerCase().includes(e.trap.toLowerCase().replace(/^wasm trap: /, ''))) {
      return { ok: false, msg: `expected trap "${e.trap}", got: ${m[1]}` };
    }
    return { ok: true };
  });
  if (r.status === 0 && r.lines.length > cmds.length) {
    results[cmds.length - 1] = { ok: false, msg: `more output than calls: ${r.lines.slice(cmds.length).join(' | ')}` };
  }
  return { instantiated: true, results };
}
