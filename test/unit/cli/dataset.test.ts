import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import { imageToPng } from '../../../src/core/io/encode';
import type { DatasetReport } from '../../../src/engine/contract/datasetReport';
import type { DatasetRecord, ImageRecord, RunHeader } from '../../../src/engine/contract/datasetRecord';
import { shardOf } from '../../../src/engine/dataset/shard';
import { randomImage } from '../core/moments/bruteForce';
import { tempDir, writeModel } from '../model/fixtures';
import { attr, TestGraph } from '../model/gradient/models';
import { alive, buildCli, childrenOf, runCli, startCli, waitFor, type Finished } from './cliProcess';

const root = resolve(__dirname, '../../..');
let cli = '';
before(async () => {
  cli = await buildCli(root, join(root, 'out', 'test-dataset'));
});

const dir = tempDir();
const CLASSES = ['cat', 'dog', 'ship'];
const PER_CLASS = 20;

/** An ImageFolder of 12x12 random photos, PER_CLASS per class, and one file that is not an image in 'dog'. */
function imageFolder(): string {
  const folder = join(dir, 'val');
  for (const [c, name] of CLASSES.entries()) {
    mkdirSync(join(folder, name), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) writeFileSync(join(folder, name, `img${String(i).padStart(2, '0')}.png`), imageToPng(randomImage(3, 12, 12, 100 * c + i)));
  }
  writeFileSync(join(folder, 'dog', 'broken.png'), 'not a picture');
  return folder;
}

/** Conv 3->4, ReLU, global average pool, Gemm 4->3: three classes on 12x12 RGB. */
function model(): string {
  const t = new TestGraph(['N', 3, 12, 12]);
  const conv = t.op('Relu', [t.op('Conv', ['x', t.weight([4, 3, 3, 3], undefined, 2), t.weight([4])], { pads: attr.ints([1, 1, 1, 1]) })]);
  const pooled = t.op('Flatten', [t.op('GlobalAveragePool', [conv])]);
  return writeModel(dir, 'three.onnx', t.build(t.op('Gemm', [pooled, t.weight([3, 4], undefined, 3), t.weight([3])], { transB: attr.int(1) }), 13));
}

const folder = imageFolder();
const modelPath = model();
const analyze = (...extra: string[]) => [
  'analyze', '--model', modelPath, '--image', folder, '--policy', 'RandomCrop(12, padding=2); RandomHorizontalFlip()',
  '--preprocess', 'unit', '--mc', '0', '--top-k', '1', '--gradient', 'none', ...extra,
];
const out = (name: string) => join(dir, name);

function lines(runDir: string): [RunHeader, ...DatasetRecord[]] {
  return readFileSync(join(runDir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) as [RunHeader, ...DatasetRecord[]];
}
const recordsOf = (runDir: string) => lines(runDir).slice(1) as DatasetRecord[];
const datasetJson = (runDir: string): DatasetReport => JSON.parse(readFileSync(join(runDir, 'dataset.json'), 'utf8'));
/** The numbers of a dataset report, without what names the run (time, shard, merge). */
const numbers = (r: DatasetReport) => ({ images: r.images, aggregate: r.aggregate, samplesNeeded: r.samplesNeeded, classes: r.classes, worst: r.worst, failures: r.failures });
const ok = (r: Finished) => assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);

let whole: DatasetReport;

test('an ImageFolder run streams one line per image, reports the corrupt image as a failure and goes on, and writes dataset.json', () => {
  const r = runCli(cli, analyze('--out', out('all')));
  ok(r);
  const [header, ...records] = lines(out('all'));
  assert.equal(header.kind, 'run');
  assert.deepEqual(header.classes, [{ name: 'cat', label: 0 }, { name: 'dog', label: 1 }, { name: 'ship', label: 2 }]);
  assert.equal(header.layout, 'imageFolder');
  assert.equal(records.length, 3 * PER_CLASS + 1);
  const broken = records.find((x) => x.path === 'dog/broken.png');
  assert.equal(broken?.kind, 'error');
  assert.match((broken as { message: string }).message, /not a PNG or JPEG image/);
  assert.equal((broken as { code?: string }).code, 'image');
  // Images after the broken one in its class were analysed.
  assert.equal(records.find((x) => x.path === 'dog/img00.png')?.kind, 'image');
  whole = datasetJson(out('all'));
  assert.deepEqual(whole.images, { analysed: 3 * PER_CLASS, failed: 1 });
  assert.match(r.stdout, /images: 60 analysed, 1 failed/);
  assert.match(r.stdout, /^ {2}dog +1 +20 +1 /m);
  assert.match(r.stderr, /61\/61 images, 1 failed, [\d.]+ images\/s, ETA 0s/);
});

test('the per-class table against a hand computation from the records', () => {
  const records = recordsOf(out('all')).filter((x): x is ImageRecord => x.kind === 'image');
  // Student t, 19 degrees of freedom, 95% two-sided (tables: 2.093024).
  const t19 = 2.093024054408263;
  for (const [c, name] of CLASSES.entries()) {
    const mine = records.filter((x) => x.className === name);
    const losses = mine.map((x) => x.report.model!.expectedLoss);
    const mean = losses.reduce((s, v) => s + v, 0) / losses.length;
    const sd = Math.sqrt(losses.reduce((s, v) => s + (v - mean) ** 2, 0) / (losses.length - 1));
    const row = whole.classes[c];
    assert.equal(row.images, PER_CLASS);
    assert.ok(Math.abs(row.expectedLoss!.mean - mean) < 1e-12, `${name} mean`);
    assert.ok(Math.abs(row.expectedLoss!.interval![1] - (mean + (t19 * sd) / Math.sqrt(PER_CLASS))) < 1e-9, `${name} upper end`);
    const flips = mine.map((x) => x.report.model!.flipRate);
    assert.ok(Math.abs(row.flipRate!.mean - flips.reduce((s, v) => s + v, 0) / PER_CLASS) < 1e-12, `${name} flip rate`);
    const correct = mine.filter((x) => x.report.model!.clean.top1 === c).length;
    assert.equal(row.cleanAccuracy, correct / PER_CLASS);
    for (const x of mine) assert.equal(x.report.model!.clean.target, c, 'the loss is taken against the class folder');
  }
});

test('two shards run in parallel and merged give the numbers of the unsharded run', async () => {
  const [a, b] = await Promise.all([0, 1].map((i) => startCli(cli, analyze('--shard', `${i}/2`, '--out', out(`shard${i}`))).done));
  ok(a);
  ok(b);
  for (const i of [0, 1]) {
    const paths = recordsOf(out(`shard${i}`)).map((x) => x.path);
    assert.ok(paths.length > 10 && paths.every((p) => shardOf(p, 2) === i), `shard ${i}: ${paths.length} images`);
  }
  const merged = runCli(cli, ['merge', out('shard0'), out('shard1'), '--out', out('merged')]);
  ok(merged);
  assert.match(merged.stdout, /merged from shards 0, 1 of 2/);
  assert.deepEqual(numbers(datasetJson(out('merged'))), numbers(whole));
  assert.equal(lines(out('merged')).length, lines(out('all')).length);
  const alone = runCli(cli, ['merge', out('all'), '--out', out('merged-one')]);
  ok(alone);
  assert.deepEqual(numbers(datasetJson(out('merged-one'))), numbers(whole));
  const twice = runCli(cli, ['merge', out('shard0'), out('shard0'), '--out', out('merged-twice')]);
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /are both shard 0\/2/);
});

test('--resume after a SIGKILL mid-run analyses only what is missing and gives the same report', async () => {
  const { child, done } = startCli(cli, analyze('--out', out('killed')));
  const results = join(out('killed'), 'results.jsonl');
  await waitFor(() => existsSync(results) && readFileSync(results, 'utf8').split('\n').length > 4, 60_000, 'a few records');
  const engines = childrenOf(child.pid!);
  child.kill('SIGKILL');
  await done;
  const written = lines(out('killed')).length - 1;
  assert.ok(written < 3 * PER_CLASS + 1, `the run finished (${written} records) before it could be killed`);
  await waitFor(() => engines.every((pid) => !alive(pid)), 10_000, 'the engine to end');
  const refused = runCli(cli, analyze('--out', out('killed')));
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /holds the results\.jsonl of a dataset run: add --resume/);
  const other = runCli(cli, analyze('--out', out('killed'), '--resume', '--seed', '7'));
  assert.equal(other.code, 2);
  assert.match(other.stderr, /--resume: .* holds a different run \(the settings: /);
  const resumed = runCli(cli, analyze('--out', out('killed'), '--resume'));
  ok(resumed);
  const before = written - (recordsOf(out('killed')).slice(0, written).some((x) => x.kind === 'error') ? 1 : 0);
  assert.match(resumed.stderr, new RegExp(`${3 * PER_CLASS + 1 - before} to analyse`));
  assert.deepEqual(numbers(datasetJson(out('killed'))), numbers(whole));
  const paths = recordsOf(out('killed')).filter((x) => x.kind === 'image').map((x) => x.path);
  assert.equal(new Set(paths).size, paths.length, 'no image analysed twice');
});

test('SIGTERM mid-run: exit 143, the finished records kept, and the way to continue named', async () => {
  const { child, done } = startCli(cli, analyze('--out', out('stopped')));
  const results = join(out('stopped'), 'results.jsonl');
  await waitFor(() => existsSync(results) && readFileSync(results, 'utf8').split('\n').length > 3, 60_000, 'a few records');
  child.kill('SIGTERM');
  const r = await done;
  assert.equal(r.code, 143, r.stderr);
  const kept = recordsOf(out('stopped')).length;
  assert.ok(kept >= 2 && kept < 3 * PER_CLASS + 1, `${kept} records`);
  assert.match(r.stderr, new RegExp(`auglens: ${kept} images are in .*results\\.jsonl; the same command with --resume continues the run`));
  assert.ok(!existsSync(join(out('stopped'), 'dataset.json')));
});

test('usage errors: a dataset run needs analyze; --label, --resume without --out, a class without a label and --labels on a plain folder are refused, and so is --out inside the dataset', () => {
  const moments = runCli(cli, ['moments', '--image', folder, '--policy', 'RandomHorizontalFlip()']);
  assert.equal(moments.code, 2);
  assert.match(moments.stderr, /holds class folders, so it asks for a dataset run, which needs a model/);
  const label = runCli(cli, analyze('--label', '1'));
  assert.equal(label.code, 2);
  assert.match(label.stderr, /--label gives every image one class/);
  const resume = runCli(cli, analyze('--resume'));
  assert.equal(resume.code, 2);
  assert.match(resume.stderr, /--resume needs --out/);
  const labels = join(dir, 'labels.txt');
  writeFileSync(labels, 'ship\ncat\n');
  const missing = runCli(cli, analyze('--labels', labels));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /1 class folder has no entry in the labels file: dog/);
  const inside = runCli(cli, analyze('--out', join(folder, 'runs')));
  assert.equal(inside.code, 2);
  assert.match(inside.stderr, /is inside the dataset folder .*: it would become a class folder/);
  const plain = join(dir, 'plain');
  mkdirSync(plain);
  writeFileSync(join(plain, 'a.png'), imageToPng(randomImage(3, 12, 12, 1)));
  const plainLabels = runCli(cli, ['analyze', '--model', modelPath, '--image', plain, '--policy', 'RandomHorizontalFlip()', '--labels', labels]);
  assert.equal(plainLabels.code, 2);
  assert.match(plainLabels.stderr, /--labels maps class folders to class indices, but .* holds its images directly/);
});
