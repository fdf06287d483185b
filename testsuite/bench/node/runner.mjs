// runner.mjs - runs a WASI command module under Node for 'swasm bench':
//   node [--no-liftoff] runner.mjs FILE.wasm [ARGS...]
// A minimal WASI preview1 written here, not node:wasi: Node 20's node:wasi keeps a stale view of
// the guest memory after memory.grow and lets the WASI object be collected during a fast call
// (both crash large benchmark programs at random). The programs need only arguments, stdout,
// stderr, clocks and exit; every other import answers ENOSYS.
import { readFileSync, writeSync } from 'node:fs';
import process from 'node:process';

const ESUCCESS = 0, EBADF = 8, EINVAL = 28, ENOSYS = 52;
const [file, ...rest] = process.argv.slice(2);
const argv = [file, ...rest].map((s) => Buffer.from(s + '\0'));
let memory = null;
const view = () => new DataView(memory.buffer);
const bytes = () => new Uint8Array(memory.buffer);

class Exit { constructor(code) { this.code = code; } }

const wasi = {
  args_sizes_get(countPtr, sizePtr) {
    const v = view();
    v.setUint32(countPtr, argv.length, true);
    v.setUint32(sizePtr, argv.reduce((n, b) => n + b.length, 0), true);
    return ESUCCESS;
  },
  args_get(ptrsPtr, bufPtr) {
    const v = view(), m = bytes();
    for (const b of argv) {
      v.setUint32(ptrsPtr, bufPtr, true);
      ptrsPtr += 4;
      m.set(b, bufPtr);
      bufPtr += b.length;
    }
    return ESUCCESS;
  },
  environ_sizes_get(countPtr, sizePtr) {
    const v = view();
    v.setUint32(countPtr, 0, true);
    v.setUint32(sizePtr, 0, true);
    return ESUCCESS;
  },
  environ_get() { return ESUCCESS; },
  fd_write(fd, iovs, iovsLen, nwrittenPtr) {
    if (fd !== 1 && fd !== 2) return EBADF;
    const v = view(), m = bytes();
    let total = 0;
    for (let i = 0; i < iovsLen; i++) {
      const ptr = v.getUint32(iovs + 8 * i, true), len = v.getUint32(iovs + 8 * i + 4, true);
      let off = 0;
      while (off < len) off += writeSync(fd, m, ptr + off, len - off);
      total += len;
    }
    v.setUint32(nwrittenPtr, total, true);
    return ESUCCESS;
  },
  fd_fdstat_get(fd, statPtr) {
    if (fd > 2) return EBADF;
    const v = view();
    v.setUint8(statPtr, 2);            // character device
    v.setUint16(statPtr + 2, 0, true);
    v.setBigUint64(statPtr + 8, 0xffffffffn, true);
    v.setBigUint64(statPtr + 16, 0xffffffffn, true);
    return ESUCCESS;
  },
  fd_close(fd) { return fd <= 2 ? ESUCCESS : EBADF; },
  fd_seek() { return EBADF; },
  fd_prestat_get() { return EBADF; },
  clock_time_get(id, precision, timePtr) {
    if (id > 3) return EINVAL;
    const ns = id === 0 ? BigInt(Date.now()) * 1000000n : process.hrtime.bigint();
    view().setBigUint64(timePtr, ns, true);
    return ESUCCESS;
  },
  proc_exit(code) { throw new Exit(code); },
};

const module = new WebAssembly.Module(readFileSync(file));
const imports = { wasi_snapshot_preview1: {} };
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.kind !== 'function') continue;
  imports[imp.module] ??= {};
  imports[imp.module][imp.name] =
    (imp.module === 'wasi_snapshot_preview1' && wasi[imp.name]) || (() => ENOSYS);
}
const instance = new WebAssembly.Instance(module, imports);
memory = instance.exports.memory;
let status = 0;
try {
  instance.exports._start();
} catch (e) {
  if (!(e instanceof Exit)) throw e;
  status = e.code;
}
process.exitCode = status;
