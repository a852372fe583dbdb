// Builds the separate bundles: extension host, engine child process, CLI (node, cjs) and the webviews (browser): the
// stability panel's and the dataset panel's.
// A missing entry point fails the build (esbuild cannot resolve it) rather than leaving a bundle out.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'onnxruntime-node'],
};

const builds = [
  { ...nodeCommon, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js' },
  { ...nodeCommon, entryPoints: ['src/engine/main.ts'], outfile: 'dist/engine.js' },
  { ...nodeCommon, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['webview/dataset/main.ts'], outfile: 'dist/datasetView.js' },
];

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
