// The extension's dataset run outside VS Code: a generated ImageFolder and model through the built engine, the rows
// and views the panel draws, the resume that skips finished images, a different run refused, a restore after reload.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import { imageToPng } from '../../../../src/core/io/encode';
import type { DatasetRecord, ImageRecord, RunHeader } from '../../../../src/engine/contract/datasetRecord';
import type { DatasetReport } from '../../../../src/engine/contract/datasetReport';
import { datasetRunFolder } from '../../../../src/extension/dataset/datasetOutput';
import { type DatasetAnalysis, DatasetSession, DifferentRunError } from '../../../../src/extension/dataset/datasetSession';
import { classBars, rowViews } from '../../../../src/extension/dataset/datasetViews';
import { buildCli } from '../../cli/cliProcess';
import { randomImage } from '../../core/moments/bruteForce';
import { tempDir, writeModel } from '../../model/fixtures';
import { attr, TestGraph } from '../../model/gradient/models';

const root = resolve(__dirname, '../../../..');
let enginePath = '';
before(async () => {
  await buildCli(root, join(root, 'out', 'test-dataset-session'));
  enginePath = join(root, 'out', 'test-dataset-session', 'engine.js');
});

const dir = tempDir();
const CLASSES = ['cat', 'dog'];
const PER_CLASS = 4;

function imageFolder(): string {
  const folder = join(dir, 'val');
  for (const [c, name] of CLASSES.entries()) {
    mkdirSync(join(folder, name), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) writeFileSync(join(folder, name, `img${i}.png`), imageToPng(randomImage(3, 10, 10, 10 * c + i)));
  }
  writeFileSync(join(folder, 'dog', 'broken.png'), 'not a picture');
  return folder;
}

/** Conv 3->4, ReLU, global average pool, Gemm 4->2: two classes on 10x10 RGB. */
function model(): string {
  const t = new TestGraph(['N', 3, 10, 10]);
  const conv = t.op('Relu', [t.op('Conv', ['x', t.weight([4, 3, 3, 3], undefined, 5), t.weight([4])], { pads: attr.ints([1, 1, 1, 1]) })]);
  const pooled = t.op('Flatten', [t.op('GlobalAveragePool', [conv])]);
  return writeModel(dir, 'two.onnx', t.build(t.op('Gemm', [pooled, t.weight([2, 4], undefined, 6), t.weight([2])], { transB: attr.int(1) }), 13));
}

const folder = imageFolder();
const modelPath = model();
const analysis = (policy = 'RandomCrop(10, padding=2); RandomHorizontalFlip()'): DatasetAnalysis => ({
  modelPath,
  policy,
  preprocess: { preset: 'unit' },
  tolerance: 0.01,
  confidence: 0.95,
  topK: 1,
  forwardBudget: 4096,
  monteCarloSamples: 0,
  seed: 0,
  gradient: 'none',
});
const resultsDir = datasetRunFolder(join(dir, 'workspace'), folder);
const lines = () => readFileSync(join(resultsDir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) as [RunHeader, ...DatasetRecord[]];

test('the run folder is named after the dataset folder and its path, under .auglens/datasets', () => {
  assert.match(resultsDir, /\/workspace\/\.auglens\/datasets\/val-[0-9a-f]{8}$/);
  assert.equal(datasetRunFolder('/w', folder), datasetRunFolder('/w', folder));
  assert.notEqual(datasetRunFolder('/w', '/a/val'), datasetRunFolder('/w', '/b/val'));
  assert.match(datasetRunFolder('/w', '/data/my set?'), /\/my_set_-[0-9a-f]{8}$/);
});

test('a run streams every image into results.jsonl, the corrupt one as a failure, and its rows are the records', async () => {
  const session = new DatasetSession(folder, resultsDir);
  const seen: string[] = [];
  session.onChange((paths) => seen.push(...paths));
  await session.run(enginePath, analysis());
  const [header, ...records] = lines();
  assert.equal(header.kind, 'run');
  assert.deepEqual(header.classes, [{ name: 'cat', label: 0 }, { name: 'dog', label: 1 }]);
  assert.equal(records.length, 2 * PER_CLASS + 1);
  assert.deepEqual([...seen].sort(), records.map((r) => r.path).sort());
  assert.equal(session.total, 2 * PER_CLASS + 1);
  assert.equal(session.done, 2 * PER_CLASS + 1);
  assert.equal(session.running, false);

  const views = rowViews(session.sortedRows(), (path) => `thumb:${path}`);
  assert.deepEqual(views.failures.map((f) => f.path), ['dog/broken.png']);
  assert.equal(views.images.length, 2 * PER_CLASS);
  for (const row of views.images) {
    const record = records.find((r): r is ImageRecord => r.kind === 'image' && r.path === row.path)!;
    const m = record.report.model!;
    assert.deepEqual(
      [row.className, row.expectedLoss, row.stdLoss, row.flipRate, row.samplesNeeded, row.thumbnail],
      [record.className, m.expectedLoss, m.stdLoss, m.flipRate, m.samplesNeeded.loss, `thumb:${row.path}`],
    );
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const bars = classBars(session.report()!);
  for (const [c, name] of CLASSES.entries()) {
    const mine = views.images.filter((r) => r.className === name);
    assert.equal(bars[c].name, name);
    assert.equal(bars[c].images, PER_CLASS);
    assert.equal(bars[c].failed, name === 'dog' ? 1 : 0);
    assert.ok(Math.abs(bars[c].meanFlipRate! - mean(mine.map((r) => r.flipRate))) < 1e-12);
    assert.ok(Math.abs(bars[c].meanStdLoss! - mean(mine.map((r) => r.stdLoss))) < 1e-12);
  }
  const report = JSON.parse(readFileSync(join(resultsDir, 'dataset.json'), 'utf8')) as DatasetReport;
  assert.deepEqual(report.images, { analysed: 2 * PER_CLASS, failed: 1 });
});

test('running again continues results.jsonl: finished images are skipped, only the failure is retried', async () => {
  const before = lines();
  const session = new DatasetSession(folder, resultsDir);
  await session.run(enginePath, analysis());
  const after = lines();
  assert.equal(after.length, before.length + 1);
  assert.deepEqual(after.slice(0, before.length), before);
  const last = after.at(-1) as DatasetRecord;
  assert.deepEqual([last.kind, last.path], ['error', 'dog/broken.png']);
  assert.equal(session.sortedRows().length, 2 * PER_CLASS + 1);
});

test('a different policy on the same folder is refused before anything is written, and the results are kept', async () => {
  const before = readFileSync(join(resultsDir, 'results.jsonl'), 'utf8');
  const session = new DatasetSession(folder, resultsDir);
  await assert.rejects(session.run(enginePath, analysis('RandomHorizontalFlip()')), (e: unknown) => e instanceof DifferentRunError && /the policy/.test(e.message));
  assert.equal(readFileSync(join(resultsDir, 'results.jsonl'), 'utf8'), before);
});

test('a session restored from results.jsonl (a window reload) has the same rows, header and total', async () => {
  const live = new DatasetSession(folder, resultsDir);
  await live.run(enginePath, analysis());
  const restored = await DatasetSession.restore(resultsDir);
  assert.equal(restored.root, folder);
  assert.deepEqual(restored.sortedRows(), live.sortedRows());
  assert.deepEqual(restored.header, live.header);
  assert.equal(restored.total, 2 * PER_CLASS + 1);
  assert.equal(restored.row('cat/img0.png')?.kind, 'image');
  assert.equal(restored.row('../etc/passwd'), undefined);
});
