// The engine run in a worker thread of the caller's process (RunHandlers.inProcess, what the CLI uses for image
// moments): the same answers as the engine process, its errors with their codes, and a cancel that ends the thread.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { EngineCancelled, liveEngineCount, runAnalysis } from '../../../src/engine/client';
import { EngineError } from '../../../src/engine/contract/engineErrors';
import { defaults } from '../../../src/cli/args';
import { imageToPng } from '../../../src/core/io/encode';
import { randomImage } from '../core/moments/bruteForce';
import { tempDir } from '../model/fixtures';

const root = resolve(__dirname, '../../..');
const enginePath = join(root, 'out', 'test-worker-engine', 'engine.js');

before(async () => {
  await build({ entryPoints: [join(root, 'src/engine/main.ts')], bundle: true, platform: 'node', format: 'cjs', external: ['onnxruntime-node'], outfile: enginePath, logLevel: 'silent' });
});

const dir = tempDir();
const imagePath = join(dir, 'img.png');
writeFileSync(imagePath, imageToPng(randomImage(3, 12, 12, 3)));
const params = { ...defaults([imagePath], 'RandomCrop(10); RandomHorizontalFlip()'), topK: 3 };

/** Threads of this process (a worker thread is one more). */
const threads = () => readdirSync('/proc/self/task').length;

test('in a worker thread: a cancel rejects at once and ends the thread', async () => {
  // First in this file: no earlier worker thread can be ending while the count is taken.
  let before = threads();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const now = threads();
    if (now === before) break;
    before = now;
  }
  const abort = new AbortController();
  let during = 0;
  const big = join(dir, 'big.png');
  writeFileSync(big, imageToPng(randomImage(3, 160, 160, 5)));
  const run = runAnalysis(enginePath, { ...params, imagePaths: [big], policy: 'RandomResizedCrop(160); RandomHorizontalFlip(); ColorJitter(0.4, 0.4, 0.4)' }, {
    inProcess: true,
    signal: abort.signal,
    onProgress: (stage) => {
      if (stage !== 'moments' || abort.signal.aborted) return;
      during = threads();
      abort.abort();
    },
  });
  const started = performance.now();
  await assert.rejects(run, (e: unknown) => e instanceof EngineCancelled);
  assert.ok(performance.now() - started < 5000);
  for (let i = 0; i < 50 && threads() > before; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(during > before, `the worker thread was counted (${during} threads during the run, ${before} before)`);
  assert.equal(threads(), before, 'the worker thread is gone');
});

test('in a worker thread: the same report and arrays as the engine process, progress and the partial on the way', async () => {
  const stages: string[] = [];
  let partials = 0;
  const inWorker = await runAnalysis(enginePath, params, { inProcess: true, onProgress: (stage) => stages.push(stage), onPartial: () => partials++ });
  const inChild = await runAnalysis(enginePath, params);
  assert.equal(liveEngineCount(), 0);
  assert.deepEqual(inWorker.report.images[0].moments, inChild.report.images[0].moments);
  assert.deepEqual(inWorker.arrays[0].variance, inChild.arrays[0].variance);
  assert.ok(inWorker.arrays[0].mean instanceof Float32Array);
  assert.equal(partials, 1);
  assert.ok(stages.includes('moments') && stages.at(-1) === 'done', stages.join());
});

test('in a worker thread: a bad image is an image error, a bad policy a policy error with its span', async () => {
  const corrupt = join(dir, 'corrupt.png');
  writeFileSync(corrupt, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  await assert.rejects(runAnalysis(enginePath, { ...params, imagePaths: [corrupt] }, { inProcess: true }), (e: unknown) => e instanceof EngineError && e.code === 'image' && /corrupt\.png/.test(e.message));
  await assert.rejects(runAnalysis(enginePath, { ...params, policy: 'RandomCrop(40)' }, { inProcess: true }), (e: unknown) => e instanceof EngineError && e.code === 'policy');
});
