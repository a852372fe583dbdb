import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { DatasetRecord } from '../../../../src/engine/contract/datasetRecord';
import { loadRun } from '../../../../src/engine/dataset/loadRun';
import { COMPARED_METRICS, compareRuns } from '../../../../src/engine/dataset/pairedComparison';
import { NothingPairedError, compareDatasetRuns } from '../../../../src/extension/dataset/datasetCompare';
import { listDatasetRuns } from '../../../../src/extension/dataset/datasetRunList';
import { MAX_LISTED, parseDatasetComparison } from '../../../../src/shared/datasetComparison';
import { failure, header, image, jsonl } from '../../engine/dataset/datasetRecords';

const dir = mkdtempSync(join(tmpdir(), 'auglens-compare-view-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeRun(name: string, records: readonly DatasetRecord[], overrides: Parameters<typeof header>[0] = {}): string {
  mkdirSync(join(dir, name), { recursive: true });
  const file = join(dir, name, 'results.jsonl');
  writeFileSync(file, jsonl([header(overrides), ...records]));
  return file;
}

const top1 = 0;
const stdA = { 'cat/1.png': 0.5, 'cat/2.png': 0.6, 'cat/3.png': 0.7, 'dog/1.png': 0.2, 'dog/2.png': 0.3, 'dog/3.png': 0.4 };
const flips = { 'cat/1.png': 0.2, 'cat/2.png': 0.3, 'cat/3.png': 0.1, 'dog/1.png': 0.1, 'dog/2.png': 0.2, 'dog/3.png': 0.1 };
/** B: cat's Std[loss] about 0.2 lower (more stable), dog's about 0.1 higher (less stable), flip rates unchanged. */
const shift = { 'cat/1.png': -0.2, 'cat/2.png': -0.19, 'cat/3.png': -0.2, 'dog/1.png': 0.1, 'dog/2.png': 0.12, 'dog/3.png': 0.1 };
const paths = Object.keys(stdA) as (keyof typeof stdA)[];

const fileA = writeRun('a', [
  ...paths.map((p) => image(p, { loss: 1, std: stdA[p], flip: flips[p], top1 })),
  image('cat/only-a.png', { loss: 1, std: 1, flip: 1, top1 }),
  failure('dog/broken.png', 'not a PNG or JPEG file'),
]);
const policyB = { text: 'RandomCrop(8, padding=1)', canonical: 'Compose([RandomCrop(size=(8, 8), padding=1)])' };
const settingsB = { ...header().settings, tolerance: 0.02 };
const fileB = writeRun(
  'b',
  [
    ...paths.map((p) => image(p, { loss: 1.5, std: stdA[p] + shift[p], flip: flips[p], top1 })),
    image('dog/only-b.png', { loss: 1, std: 1, flip: 1, top1 }),
    image('dog/broken.png', { loss: 1, std: 1, flip: 0, top1 }),
  ],
  { policy: policyB, settings: settingsB },
);

test('the compare view holds pairedComparison of the two results.jsonl: every mean, interval and change, per class', async () => {
  const view = await compareDatasetRuns(fileA, fileB);
  const expected = compareRuns((await loadRun(fileA)).run, (await loadRun(fileB)).run, 0.95);
  for (const [shown, group] of [[view.overall, expected.overall], ...view.classes.map((c, i) => [c, expected.classes[i]] as const)] as const) {
    assert.equal(shown.name, group.name);
    assert.equal(shown.pairs, group.pairs);
    assert.equal(shown.stability, group.stability);
    for (const m of COMPARED_METRICS) {
      const d = group.metrics[m];
      assert.deepEqual(shown[m], { a: d.meanA, b: d.meanB, difference: d.mean, interval: d.interval && [...d.interval], change: d.change }, `${group.name} ${m}`);
    }
  }
  assert.equal(view.overall.pairs, 6);
  assert.deepEqual(view.classes.map((c) => [c.name, c.pairs, c.stability]), [['cat', 3, 'more stable'], ['dog', 3, 'less stable']]);
  assert.equal(view.classes[0].flipRate.change, 'no clear change');
  assert.ok(Math.abs(view.classes[0].stdLoss.difference - -0.19666666) < 1e-6);
  assert.equal(view.confidence, 0.95);
  assert.deepEqual(view.a, { file: fileA, model: null, policy: header().policy.canonical, images: 7, failed: 1 });
  assert.deepEqual(view.b, { file: fileB, model: null, policy: policyB.canonical, images: 8, failed: 0 });
  assert.deepEqual(view.onlyInA, { paths: ['cat/only-a.png'], count: 1 });
  assert.deepEqual(view.onlyInB, { paths: ['dog/only-b.png'], count: 1 });
  assert.deepEqual(view.failed, { paths: ['dog/broken.png (failed in A)'], count: 1 });
  assert.deepEqual(view.largestChanges.map((p) => p.path), ['cat/1.png', 'cat/3.png', 'cat/2.png', 'dog/2.png', 'dog/1.png', 'dog/3.png']);
  assert.deepEqual(view.largestChanges[0], { path: 'cat/1.png', className: 'cat', stdLossA: 0.5, stdLossB: 0.3, flipRateA: 0.2, flipRateB: 0.2 });
  assert.deepEqual(parseDatasetComparison(JSON.parse(JSON.stringify(view))), view, 'the webview accepts what the host sends');
});

test('the setup differences name the policy and the setting that differ, and nothing that does not', async () => {
  const view = await compareDatasetRuns(fileA, fileB);
  assert.deepEqual(view.differences, [
    { part: 'policy', a: header().policy.canonical, b: policyB.canonical },
    { part: 'settings: tolerance', a: '0.01', b: '0.02' },
  ]);
  const otherModel = writeRun('c', [image('cat/1.png', { loss: 1, std: 0.5, flip: 0.2, top1 })], { modelSha256: 'cd'.repeat(32) });
  const same = await compareDatasetRuns(fileA, writeRun('d', [image('cat/1.png', { loss: 1, std: 0.5, flip: 0.2, top1 })]));
  assert.deepEqual(same.differences, []);
  assert.deepEqual((await compareDatasetRuns(fileA, otherModel)).differences.map((d) => d.part), ['model file (SHA-256)']);
  const pre = (name: string, v: number) => ({ name, channels: 'rgb', scale: 1, mean: [v, v, v], std: [v, v, v], inputSize: [32, 32] as const, reason: name, certainty: 'given' as const });
  const unit = writeRun('g', [image('cat/1.png', { loss: 1, std: 0.5, flip: 0.2, top1 })], { preprocessing: pre('unit', 0) });
  const cifar = writeRun('h', [image('cat/1.png', { loss: 1, std: 0.5, flip: 0.2, top1 })], { preprocessing: pre('cifar', 0.5) });
  assert.deepEqual((await compareDatasetRuns(unit, cifar)).differences, [
    { part: 'preprocessing', a: 'unit (rgb, scale 1, mean 0, 0, 0, std 0, 0, 0, input 32x32)', b: 'cifar (rgb, scale 1, mean 0.5, 0.5, 0.5, std 0.5, 0.5, 0.5, input 32x32)' },
  ]);
});

test('runs without an image in common are refused; long path lists are cut to MAX_LISTED with their count', async () => {
  const disjoint = writeRun('e', [image('cat/other.png', { loss: 1, std: 0.5, flip: 0.2, top1 })]);
  await assert.rejects(compareDatasetRuns(fileA, disjoint), NothingPairedError);
  const many = Array.from({ length: MAX_LISTED + 50 }, (_, i) => image(`cat/extra-${String(i).padStart(3, '0')}.png`, { loss: 1, std: 0.5, flip: 0.2, top1 }));
  const big = writeRun('f', [image('cat/1.png', { loss: 1, std: 0.5, flip: 0.2, top1 }), ...many]);
  const view = await compareDatasetRuns(big, fileA);
  assert.equal(view.onlyInA.count, MAX_LISTED + 50);
  assert.equal(view.onlyInA.paths.length, MAX_LISTED);
  assert.equal(view.onlyInA.paths[0], 'cat/extra-000.png');
  assert.equal(view.overall.expectedLoss.interval, null, 'one pair: no interval');
});

test('the runs under .auglens/datasets are listed newest first with their model, policy and image counts', async () => {
  const base = join(dir, 'workspace');
  const runs = join(base, '.auglens', 'datasets');
  const write = (name: string, createdAt: string, records: readonly DatasetRecord[]) => {
    mkdirSync(join(runs, name), { recursive: true });
    writeFileSync(join(runs, name, 'results.jsonl'), jsonl([header({ createdAt, model: { path: '/m/cifar.onnx' } as never }), ...records]));
  };
  write('old-1', '2026-01-01T00:00:00Z', [image('cat/1.png', { loss: 1, std: 0.5, flip: 0.2, top1 }), failure('cat/2.png', 'bad')]);
  write('new-2', '2026-02-01T00:00:00Z', [failure('cat/1.png', 'bad'), image('cat/1.png', { loss: 1, std: 0.5, flip: 0.2, top1 })]);
  mkdirSync(join(runs, 'broken-3'));
  writeFileSync(join(runs, 'broken-3', 'results.jsonl'), 'not json\n');
  mkdirSync(join(runs, 'empty-4'));
  const listed = await listDatasetRuns([base, base, join(dir, 'nowhere')]);
  assert.deepEqual(
    listed.map((r) => [r.file, r.root, r.model, r.images, r.failed]),
    [
      [join(runs, 'new-2', 'results.jsonl'), '/data/val', '/m/cifar.onnx', 1, 0],
      [join(runs, 'old-1', 'results.jsonl'), '/data/val', '/m/cifar.onnx', 2, 1],
    ],
  );
  assert.equal(listed[0].policy, header().policy.canonical);
});
