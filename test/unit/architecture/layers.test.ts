import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cycles, importsOf, layerOf, sourceFiles, type ImportEdge } from './importGraph';

/**
 * What each layer may not import: another layer ('src/model'), a package ('vscode'), or any Node built-in ('node:*').
 * Type-only imports count too: a layer rule is about which contract a layer depends on, not only about what ends up
 * in its bundle. The webview reaches the host only through src/shared's panel protocol, so it needs no exception for
 * engine types; src/shared is compiled into the webview as well and is held to the webview's rules.
 */
const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
  'src/core': ['vscode', 'onnxruntime-node', 'src/model', 'src/engine', 'src/extension', 'src/cli', 'src/shared'],
  'src/model': ['vscode', 'src/engine', 'src/extension', 'src/cli'],
  'src/engine': ['vscode', 'src/extension', 'src/cli'],
  'src/cli': ['vscode', 'src/extension'],
  'src/extension': ['onnxruntime-node', 'src/model', 'src/cli'],
  'src/shared': ['vscode', 'onnxruntime-node', 'node:*', 'src/model', 'src/engine', 'src/extension', 'src/cli'],
  webview: ['vscode', 'onnxruntime-node', 'node:*', 'src/model', 'src/engine', 'src/extension', 'src/cli'],
};

const edges: readonly ImportEdge[] = [...sourceFiles('src'), ...sourceFiles('webview')].flatMap(importsOf);

function forbiddenBy(edge: ImportEdge): string | undefined {
  const target = edge.internal ? layerOf(edge.to) : edge.to;
  return (FORBIDDEN[layerOf(edge.from)] ?? []).find((rule) =>
    rule === 'node:*' ? !edge.internal && edge.to.startsWith('node:') : rule === target);
}

/**
 * Outside src/engine, code reaches the engine through its contract (contract/: the request, report and record types,
 * the error codes), the client that runs the engine process (client.ts), and the libraries that read and write report
 * folders and dataset runs in the host's own process (report/, dataset/). The analysis, the wire protocol and the
 * engine process's own files stay inside.
 */
const ENGINE_SURFACE: readonly RegExp[] = [/^src\/engine\/contract\//, /^src\/engine\/client\.ts$/, /^src\/engine\/report\//, /^src\/engine\/dataset\//];

const reachesEngineInternals = (edge: ImportEdge): boolean =>
  edge.internal && layerOf(edge.to) === 'src/engine' && layerOf(edge.from) !== 'src/engine' && !ENGINE_SURFACE.some((r) => r.test(edge.to));

const show = (e: ImportEdge): string => `${e.from}:${e.line} imports ${e.to}${e.typeOnly ? ' (type only)' : ''}`;
const showCycle = (path: readonly string[]): string => path.join(' -> ');
const layersOf = (path: readonly string[]): number => new Set(path.map(layerOf)).size;

test('the import graph is read from every source file', () => {
  assert.ok(edges.length > 500, `only ${edges.length} imports found`);
  assert.ok(edges.some((e) => e.from === 'src/extension/main.ts' && e.to === 'vscode' && !e.typeOnly));
  assert.ok(edges.some((e) => e.from.startsWith('webview/') && e.to.startsWith('src/shared/')));
  assert.ok(edges.some((e) => e.typeOnly) && edges.some((e) => !e.internal && e.to.startsWith('node:')));
});

test('no layer imports what it must not', () => {
  const violations = edges.filter((e) => forbiddenBy(e) !== undefined).map(show);
  assert.deepEqual(violations, [], `layer violations:\n${violations.join('\n')}`);
});

test('outside the engine, nothing imports its internals', () => {
  const violations = edges.filter(reachesEngineInternals).map(show);
  assert.deepEqual(violations, [], `imports of engine internals:\n${violations.join('\n')}`);
});

test('the checks catch a forbidden import and report a cycle as a path', () => {
  const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, internal: to.includes('/'), typeOnly, line: 1 });
  assert.ok(reachesEngineInternals(edge('src/extension/a.ts', 'src/engine/analysis/b.ts', true)));
  assert.ok(reachesEngineInternals(edge('src/cli/a.ts', 'src/engine/protocol.ts')));
  assert.ok(!reachesEngineInternals(edge('src/cli/a.ts', 'src/engine/contract/report.ts')));
  assert.ok(!reachesEngineInternals(edge('src/engine/job.ts', 'src/engine/analysis/analyze.ts')));
  assert.equal(forbiddenBy(edge('src/core/a.ts', 'src/model/b.ts', true)), 'src/model');
  assert.equal(forbiddenBy(edge('webview/a.ts', 'node:fs')), 'node:*');
  assert.equal(forbiddenBy(edge('src/extension/a.ts', 'vscode')), undefined);
  const found = cycles([
    edge('src/x/c.ts', 'src/x/a.ts'), edge('src/x/a.ts', 'src/x/b.ts'), edge('src/x/b.ts', 'src/x/c.ts'),
    edge('src/x/b.ts', 'src/x/d.ts'), edge('src/x/e.ts', 'src/x/e.ts', true),
  ]);
  assert.deepEqual(found, [['src/x/a.ts', 'src/x/b.ts', 'src/x/c.ts', 'src/x/a.ts'], ['src/x/e.ts', 'src/x/e.ts']]);
});

test('no import cycle at run time', () => {
  const found = cycles(edges.filter((e) => !e.typeOnly)).map(showCycle);
  assert.deepEqual(found, [], `runtime import cycles:\n${found.join('\n')}`);
});

/*
 * Runtime cycles are what break bundles (a module read half-initialised). A cycle closed by type-only imports is
 * erased by the compiler and cannot misbehave at run time, but it fails as well: one value import along it makes it a
 * runtime cycle, and two files that each need the other's types are one contract split in two (the fix is to move
 * the shared type to a file both import). There are none today, so holding none costs nothing.
 */
test('no import cycle through type-only imports either', () => {
  const found = cycles(edges).map((c) => `${showCycle(c)}${layersOf(c) > 1 ? ' (across layers)' : ''}`);
  assert.deepEqual(found, [], `import cycles (type-only imports included):\n${found.join('\n')}`);
});
