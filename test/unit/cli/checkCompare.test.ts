import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import { imageToPng } from '../../../src/core/io/encode';
import { randomImage } from '../core/moments/bruteForce';
import { writeReport, writeResults, type Line } from '../engine/dataset/runFiles';
import { tempDir, writeModel } from '../model/fixtures';
import { attr, TestGraph } from '../model/gradient/models';
import { buildCli, runCli } from './cliProcess';

const root = resolve(__dirname, '../../..');
let cli = '';
before(async () => {
  cli = await buildCli(root, join(root, 'out', 'test-check-compare'));
});
const auglens = (...args: string[]) => runCli(cli, args);

const dir = tempDir();
let n = 0;
function runFolder(lines: readonly Line[], model = 'model.onnx'): string {
  const d = join(dir, `run${n++}`);
  mkdirSync(d);
  writeResults(d, lines, model);
  return d;
}

// cat: flip rates 0.1 and 0.5 (mean 0.3), dog: 0.05 and 0.15 (mean 0.1); one dog image failed.
const dataset = runFolder([
  { path: 'cat/1.png', className: 'cat', stdLoss: 0.2, flipRate: 0.1 },
  { path: 'cat/2.png', className: 'cat', stdLoss: 0.9, flipRate: 0.5, samplesNeeded: null },
  { path: 'dog/1.png', className: 'dog', stdLoss: 0.1, flipRate: 0.05 },
  { path: 'dog/2.png', className: 'dog', stdLoss: 0.3, flipRate: 0.15 },
  { path: 'dog/3.png', className: 'dog', error: 'cannot decode dog/3.png: not a PNG' },
]);

test('check exits 1 naming the class and the images that cross, 0 when within, and lists failed images', () => {
  const fail = auglens('check', dataset, '--max-flip-rate', '0.25', '--allow-failures');
  assert.equal(fail.code, 1, fail.stderr);
  assert.match(fail.stdout, /^ {2}cat +2 +0\.3 ! +1 \(flip rate 1\)$/m);
  assert.match(fail.stdout, /^ {2}dog +2 +0\.1 +0$/m);
  assert.match(fail.stdout, /^ {2}cat\/2\.png \(cat\): flip rate 0\.5 > 0\.25$/m);
  assert.match(fail.stdout, /failed images \(1, allowed\):\n {2}dog\/3\.png: cannot decode/);
  assert.match(fail.stdout, /\nFAIL: 1 of 2 classes cross a threshold on their mean \(flip rate 1\)$/m);
  const pass = auglens('check', dataset, '--max-flip-rate', '0.3', '--max-std-loss', '0.6', '--allow-failures');
  assert.equal(pass.code, 0, pass.stdout);
  assert.match(pass.stdout, /PASS: 4 images in 2 classes within every threshold \(per class\); 1 failed image allowed$/m);
  const failures = auglens('check', dataset, '--max-flip-rate', '0.3');
  assert.equal(failures.code, 1);
  assert.match(failures.stdout, /FAIL: 1 image failed to analyse \(--allow-failures to accept\)$/m);
});

test('check --per image and --per dataset, --json', () => {
  const perImage = auglens('check', join(dataset, 'results.jsonl'), '--max-std-loss', '0.25', '--per', 'image', '--allow-failures', '--json');
  assert.equal(perImage.code, 1, perImage.stderr);
  const r = JSON.parse(perImage.stdout);
  assert.equal(r.passed, false);
  assert.deepEqual(r.imagesCrossing.map((g: { name: string }) => g.name), ['cat/2.png', 'dog/2.png']);
  assert.equal(r.verdict, 'FAIL: 2 of 4 images cross a threshold (Std[loss] 2)');
  const perDataset = auglens('check', dataset, '--max-flip-rate', '0.25', '--per', 'dataset', '--allow-failures');
  assert.equal(perDataset.code, 0, 'the mean flip rate over the four images is 0.2');
  const samples = auglens('check', dataset, '--max-samples-needed', '5000', '--allow-failures', '--json');
  assert.equal(samples.code, 1);
  assert.equal(JSON.parse(samples.stdout).classes[0].values.samplesNeeded, null, 'infinite samples needed in JSON');
});

test('check on many classes shows the crossing classes first and counts the rest', () => {
  const lines: Line[] = Array.from({ length: 25 }, (_, i) => ({ path: `c${String(i).padStart(2, '0')}/1.png`, className: `c${String(i).padStart(2, '0')}`, stdLoss: 0.1, flipRate: i === 24 ? 0.9 : 0.1 }));
  const r = auglens('check', runFolder(lines), '--max-flip-rate', '0.5');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^ {2}c24 +1 +0\.9 ! +1 \(flip rate 1\)$/m);
  assert.match(r.stdout, /^ {2}\.\.\. 5 more classes \(--json for all\)$/m);
  assert.equal(r.stdout.match(/^ {2}c\d\d /gm)?.length, 20);
});

test('check: usage errors and unreadable reports exit 2', () => {
  for (const args of [
    [dataset],
    [dataset, '--max-flip-rate', '1.5'],
    [dataset, '--max-flip-rate', '0.1', '--per', 'folder'],
    [dataset, dataset, '--max-flip-rate', '0.1'],
    ['--max-flip-rate', '0.1'],
    [join(dir, 'absent'), '--max-flip-rate', '0.1'],
    [dir, '--max-flip-rate', '0.1'],
  ]) {
    const r = auglens('check', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /^auglens: error: /, args.join(' '));
  }
  const moments = join(dir, 'moments');
  mkdirSync(moments);
  writeReport(moments, '/data', [{ path: 'a.png', stdLoss: 0, flipRate: 0 }], null);
  const noModel = auglens('check', moments, '--max-flip-rate', '0.1');
  assert.equal(noModel.code, 2);
  assert.match(noModel.stderr, /has no model numbers to check \(a moments run/);
  const help = auglens('check', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--per class +\(default\)/);
});

test('compare: per-class differences with intervals, more and less stable classes, unpaired images; --fail-if-less-stable', () => {
  const a = runFolder([
    { path: 'cat/1.png', className: 'cat', stdLoss: 0.5, flipRate: 0.2 },
    { path: 'cat/2.png', className: 'cat', stdLoss: 0.6, flipRate: 0.3 },
    { path: 'cat/3.png', className: 'cat', stdLoss: 0.7, flipRate: 0.1 },
    { path: 'dog/1.png', className: 'dog', stdLoss: 0.2, flipRate: 0.1 },
    { path: 'dog/2.png', className: 'dog', stdLoss: 0.3, flipRate: 0.2 },
    { path: 'dog/3.png', className: 'dog', stdLoss: 0.4, flipRate: 0.1 },
    { path: 'dog/4.png', className: 'dog', stdLoss: 0.4, flipRate: 0.1 },
  ], 'small.onnx');
  const b = runFolder([
    { path: 'cat/1.png', className: 'cat', stdLoss: 0.4, flipRate: 0.2 },
    { path: 'cat/2.png', className: 'cat', stdLoss: 0.52, flipRate: 0.3 },
    { path: 'cat/3.png', className: 'cat', stdLoss: 0.59, flipRate: 0.1 },
    { path: 'dog/1.png', className: 'dog', stdLoss: 0.3, flipRate: 0.1 },
    { path: 'dog/2.png', className: 'dog', stdLoss: 0.41, flipRate: 0.2 },
    { path: 'dog/3.png', className: 'dog', stdLoss: 0.49, flipRate: 0.1 },
    { path: 'bird/1.png', className: 'bird', stdLoss: 1, flipRate: 1 },
  ], 'large.onnx');
  const text = auglens('compare', a, b);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /B differs from A in: model\n/);
  assert.match(text.stdout, /paired images: 6 in 2 classes; only in A: 1; only in B: 1; failed in a run: 0/);
  assert.match(text.stdout, /^ {2}cat +3 +-0\.09667 +\[-0\.\d+, -0\.\d+\] +0 +\[0, 0\] +more stable$/m);
  assert.match(text.stdout, /^more stable in B \(1\): cat\nless stable in B \(1\): dog$/m);
  assert.match(text.stdout, /only in A \(1\): dog\/4\.png\nonly in B \(1\): bird\/1\.png/);
  const json = auglens('compare', a, b, '--json', '--confidence', '0.99');
  const c = JSON.parse(json.stdout);
  // cat's Std[loss] differences -0.1, -0.08, -0.11: mean -0.09667, s = 0.015275, t(0.99, 2) = 9.9248.
  const [lo, hi] = c.classes[0].metrics.stdLoss.interval;
  const half = (9.9248 * 0.0152753) / Math.sqrt(3);
  assert.ok(Math.abs(lo - (-0.096667 - half)) < 1e-4 && Math.abs(hi - (-0.096667 + half)) < 1e-4, `${lo} ${hi}`);
  assert.equal(c.confidence, 0.99);
  assert.equal(c.pairs.length, 6);
  const gate = auglens('compare', a, b, '--fail-if-less-stable');
  assert.equal(gate.code, 1);
  assert.match(gate.stderr, /less stable in B: dog/);
  const apart = auglens('compare', a, runFolder([{ path: 'elsewhere/1.png', stdLoss: 0, flipRate: 0 }]));
  assert.equal(apart.code, 1);
  assert.match(apart.stderr, /no analysed image is in both runs \(A has 7 analysed images, B 1;/);
  assert.equal(auglens('compare', a).code, 2);
  assert.equal(auglens('compare', a, b, '--confidence', '2').code, 2);
});

test('end to end: two dataset runs (two policies on a generated ImageFolder) and a report.json, compared and checked through the built CLI', () => {
  const val = join(dir, 'val');
  for (let i = 0; i < 6; i++) {
    const folder = join(val, i < 3 ? 'cat' : 'dog');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `img${i}.png`), imageToPng(randomImage(3, 12, 12, 40 + i)));
  }
  // A linear classifier on the pixels, small weights and no bias: crops and flips change its top-1 class at times.
  const t = new TestGraph(['N', 3, 12, 12]);
  const logits = t.op('Gemm', [t.op('Flatten', ['x']), t.weight([3, 432], undefined, 0.1), t.weight([3], [0, 0, 0])], { transB: attr.int(1) });
  const model = writeModel(dir, 'linear.onnx', t.build(logits, 13));
  const analyze = (policy: string, out: string, images: string[]) => {
    const r = auglens('analyze', '--model', model, ...images.flatMap((i) => ['--image', i]), '--policy', policy, '--preprocess', 'unit', '--gradient', 'none', '--mc', '0', '--top-k', '1', '--out', join(dir, out));
    assert.equal(r.code, 0, r.stderr);
  };
  analyze('RandomHorizontalFlip()', 'flip', [val]);
  analyze('RandomCrop(12, padding=2); RandomHorizontalFlip()', 'crop', [val]);
  const records = (run: string) => readFileSync(join(dir, run, 'results.jsonl'), 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l));
  const [flip, crop] = [records('flip'), records('crop')];
  assert.deepEqual(flip.map((r) => r.kind), Array(6).fill('image'));

  const c = JSON.parse(auglens('compare', join(dir, 'flip'), join(dir, 'crop'), '--json').stdout);
  assert.deepEqual(c.pairs.map((p: { path: string }) => p.path), ['cat/img0.png', 'cat/img1.png', 'cat/img2.png', 'dog/img3.png', 'dog/img4.png', 'dog/img5.png']);
  assert.deepEqual(c.classes.map((g: { name: string; pairs: number }) => [g.name, g.pairs]), [['cat', 3], ['dog', 3]]);
  const byPath = new Map(flip.map((r) => [r.path, r.report.model.stdLoss]));
  const d = crop.map((r) => r.report.model.stdLoss - byPath.get(r.path));
  const mean = d.reduce((s, x) => s + x, 0) / 6;
  const half = 2.570582 * Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / 5 / 6);
  const overall = c.overall.metrics.stdLoss;
  assert.ok(Math.abs(overall.mean - mean) < 1e-12 && Math.abs(overall.interval[1] - (mean + half)) < 1e-5, `${overall.mean} ${overall.interval} against ${mean} +- ${half}`);
  assert.match(auglens('compare', join(dir, 'flip'), join(dir, 'crop')).stdout, /B differs from A in: policy/);

  const cats = [0, 1, 2].map((i) => join(val, 'cat', `img${i}.png`));
  analyze('RandomHorizontalFlip()', 'cats', cats);
  const mixed = JSON.parse(auglens('compare', join(dir, 'cats', 'report.json'), join(dir, 'crop'), '--json').stdout);
  assert.deepEqual(mixed.pairs.map((p: { path: string; className: string }) => [p.path, p.className]), [['cat/img0.png', 'cat'], ['cat/img1.png', 'cat'], ['cat/img2.png', 'cat']]);
  assert.deepEqual(mixed.onlyInB, ['dog/img3.png', 'dog/img4.png', 'dog/img5.png']);

  const flips = crop.map((r) => r.report.model.flipRate as number);
  const worst = flips.indexOf(Math.max(...flips));
  assert.ok(flips[worst] > 0 && flips.filter((f) => f === flips[worst]).length === 1, `flip rates ${flips}`);
  assert.equal(auglens('check', join(dir, 'crop'), '--max-flip-rate', String(flips[worst]), '--per', 'image').code, 0);
  const over = auglens('check', join(dir, 'crop'), '--max-flip-rate', String(flips[worst] * 0.99), '--per', 'image');
  assert.equal(over.code, 1);
  assert.match(over.stdout, new RegExp(`^  ${crop[worst].path.replace('.', '\\.')} \\(${crop[worst].className}\\): flip rate [\\d.]+ > `, 'm'));
  assert.match(over.stdout, /FAIL: 1 of 6 images cross a threshold \(flip rate 1\)/);
});
