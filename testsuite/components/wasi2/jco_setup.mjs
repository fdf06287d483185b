// jco_setup.mjs - grants for `jco run --jco-import` matching those swasm gets: the preopens,
// environment and arguments in W2_JCO (JSON), set on the preview2-shim copy jco runs with
// (W2_SHIM: its directory), replacing the shim's defaults (the whole host filesystem and
// environment).
import { pathToFileURL } from 'node:url';
const shim = process.env.W2_SHIM;
const cfg = JSON.parse(process.env.W2_JCO || '{}');
const cli = await import(pathToFileURL(`${shim}/dist/nodejs/cli.js`));
const fs = await import(pathToFileURL(`${shim}/dist/nodejs/filesystem.js`));
fs._setPreopens({});
for (const [guest, host] of cfg.preopens || []) fs._addPreopen(guest, host);
cli._setEnv(cfg.env || {});
if (cfg.args) cli._setArgs(cfg.args);
