import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { decodeNpy } from '../../../src/core/io/npy';
import { imageToPng } from '../../../src/core/io/encode';
import { randomImage } from '../core/moments/bruteForce';
import { fixturesMissing, tempDir, writeModel } from '../model/fixtures';
import { attr, TestGraph } from '../model/gradient/models';

const root = resolve(__dirname, '../../..');
const outDir = join(root, 'out', 'test-cli');
const cli = join(outDir, 'cli.js');

before(async () => {
  const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', external: ['onnxruntime-node'], logLevel: 'silent' };
  await build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: cli });
  await build({ ...common, entryPoints: [join(root, 'src/engine/main.ts')], outfile: join(outDir, 'engine.js') });
});

const dir = tempDir();
const image = join(dir, 'photo.png');
writeFileSync(image, imageToPng(randomImage(3, 20, 24, 5)));

function auglens(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('moments writes report.json, float32 .npy arrays and PNG heatmaps', () => {
  const out = join(dir, 'out');
  const r = auglens('moments', '--image', image, '--policy', 'T.RandomCrop(16, padding=2); T.RandomHorizontalFlip()', '--size', '18', '--top-k', '4', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /outcomes: 98 \(enumerated exactly\)/);
  assert.match(r.stdout, /top-4 eigenvalues/);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(report.schemaVersion, 7);
  assert.deepEqual(report.images[0].inputShape, [3, 18, 18]);
  const mean = decodeNpy(readFileSync(join(out, 'mean.npy')));
  assert.deepEqual(mean.shape, [3, 16, 16]);
  const variance = decodeNpy(readFileSync(join(out, 'variance.npy')));
  const trace = Array.from(variance.data).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(trace - report.images[0].moments.totalVariance) < 1e-4 * trace);
  const eig = decodeNpy(readFileSync(join(out, 'eigenvectors.npy')));
  assert.deepEqual(eig.shape, [4, 3, 16, 16]);
  const first = eig.data.subarray(0, 768);
  assert.ok(Math.abs(first.reduce((s, v) => s + v * v, 0) - 1) < 1e-5, 'unit eigenvectors');
  for (const f of ['mean.png', 'variance.png', 'eigen_1.png', 'eigen_4.png']) assert.ok(existsSync(join(out, f)), f);
});

test('--json prints the report', () => {
  const r = auglens('moments', '--image', image, '--policy', '[{"type": "RandomVerticalFlip", "p": 0.25}]', '--json', '--top-k', '1');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.images[0].moments.outcomes, 2);
  assert.equal(report.policy.canonical, 'Compose([RandomVerticalFlip(p=0.25)])');
});

test('--gradient graph on a model it cannot differentiate still prints the report (--json), the saliency block saying why', () => {
  const t = new TestGraph(['N', 3, 20, 24]);
  const conv = t.op('Conv', ['x', t.weight([2, 3, 3, 3]), t.weight([2])], { pads: attr.ints([1, 1, 1, 1]) });
  const pooled = t.op('Flatten', [t.op('GlobalAveragePool', [t.op('Sin', [conv])])]);
  const model = writeModel(dir, 'sin.onnx', t.build(t.op('Gemm', [pooled, t.weight([3, 2]), t.weight([3])], { transB: attr.int(1) }), 13));
  const r = auglens('analyze', '--model', model, '--image', image, '--policy', 'RandomHorizontalFlip()', '--gradient', 'graph', '--mc', '50', '--json');
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout).images[0].model;
  assert.equal(m.method, 'exact');
  assert.equal(m.forwardPasses, 3);
  assert.match(m.saliency.skipped, /^--gradient graph: the gradient graph cannot be built: 1 operator type without a usable gradient rule: Sin x 1/);
  const text = auglens('analyze', '--model', model, '--image', image, '--policy', 'RandomHorizontalFlip()', '--gradient', 'none', '--mc', '50');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /saliency: skipped: switched off \(--gradient none\)/);
  assert.match(text.stdout, /Monte Carlo after 50 draws \(drawn from the outcomes already evaluated, no forward pass\)/);
  assert.match(text.stdout, /forward passes: 3 \(clean 1, exact 2, saliency 0, Monte Carlo 0\) at 20x24/);
});

test('bad input exits non-zero with one line naming the problem', () => {
  const corrupt = join(dir, 'corrupt.png');
  writeFileSync(corrupt, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  const cases: [string[], RegExp, number][] = [
    [['moments', '--image', join(dir, 'missing.png'), '--policy', 'RandomCrop(8)'], /missing\.png: no such image file or folder/, 2],
    [['moments', '--image', corrupt, '--policy', 'RandomCrop(8)'], /corrupt\.png: .*PNG/, 1],
    [['moments', '--image', image, '--policy', 'RandomCrap(8)'], /RandomCrap/, 1],
    [['moments', '--image', image, '--policy', 'RandomCrop(40, padding=2)'], /crop size 40x40 is larger than the padded input image 24x28/, 1],
    [['moments', '--image', image, '--policy', 'RandomCrop(24, padding=100000)'], /RandomCrop: the padded image would be 3x200020x200024 = 1\.20e\+11 values, more than the 6\.71e\+7 AugLens can hold/, 1],
    [['moments', '--image', image, '--policy', 'Compose([RandomHorizontalFlip(), Resize(100000)])'], /Resize: its output would be 3x100000x120000 = /, 1],
    [['moments', '--image', image, '--policy', 'RandomResizedCrop(50000)'], /RandomResizedCrop: its output would be 3x50000x50000 = /, 1],
    [['moments', '--image', image], /--policy is required/, 2],
    [['moments', '--image', image, '--policy', 'RandomCrop(8)', '--top-k', 'many'], /--top-k many is not a valid value/, 2],
    [['frobnicate'], /unknown command 'frobnicate'/, 2],
  ];
  for (const [args, message, code] of cases) {
    const r = auglens(...args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    const first = r.stderr.split('\n')[0];
    assert.match(first, /^auglens: error: /);
    assert.match(first, message);
  }
});

test('killing the CLI mid-analysis takes its engine process with it', { skip: fixturesMissing }, async () => {
  const fixtures = join(root, '..', 'shared', 'fixtures');
  const child = spawn(process.execPath, [
    cli, 'analyze', '--model', join(fixtures, 'models', 'squeezenet-fp16.onnx'),
    '--image', join(fixtures, 'images', 'kitten_224.png'), '--policy', 'RandomCrop(224, padding=8); RandomHorizontalFlip()',
  ]);
  const engines = () =>
    execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(join(outDir, 'engine.js')) && l.trim().split(/\s+/)[1] === String(child.pid));
  const deadline = Date.now() + 20000;
  while (engines().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const running = engines().map((l) => Number(l.trim().split(/\s+/)[0]));
  assert.equal(running.length, 1, 'the CLI started one engine');
  child.kill('SIGKILL');
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const gone = Date.now() + 15000;
  while (alive(running[0]) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
  assert.equal(alive(running[0]), false, 'the engine exited when its parent died');
});
