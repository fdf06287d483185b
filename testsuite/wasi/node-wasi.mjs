// node-wasi.mjs - runs a WASI command under Node's node:wasi for comparison, granting what
// the swasm executables get from SWASM_WASI_DIRS ("HOST::GUEST;...") and SWASM_WASI_ENV
// ("NAME,..."). node:wasi is no sandbox: run.sh never gives it the escape tests.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [file, ...args] = process.argv.slice(2);
const preopens = {};
for (const spec of (process.env.SWASM_WASI_DIRS || '').split(';').filter(Boolean)) {
  const i = spec.indexOf('::');
  if (i < 0) preopens[spec] = spec;
  else preopens[spec.slice(i + 2)] = spec.slice(0, i);
}
const env = {};
for (const name of (process.env.SWASM_WASI_ENV || '').split(',').filter(Boolean)) {
  if (name in process.env) env[name] = process.env[name];
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env, preopens,
                        returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
