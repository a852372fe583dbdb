// Bundles the extension-host test suite (test/vscode/suite) into out/test/vscode/suite, one file per entry so
// mocha can load each *.test.js; `vscode` and `mocha` stay external (the extension host and node_modules).
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

const suiteDir = 'test/vscode/suite';
const outdir = 'out/test/vscode/suite';
const entryPoints = readdirSync(suiteDir)
  .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
  .map((f) => `${suiteDir}/${f}`);

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
