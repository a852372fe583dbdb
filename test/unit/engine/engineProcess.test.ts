import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { runAnalysis, liveEngineCount, EngineCancelled } from '../../../src/engine/client';
import { EngineError, type EngineErrorCode, type EngineErrorDetails } from '../../../src/engine/contract/engineErrors';
import { defaults } from '../../../src/cli/args';
import { GraphBuilder } from '../../../src/model/onnx/builder';
import { imageToPng } from '../../../src/core/io/encode';
import { randomImage } from '../core/moments/bruteForce';
import { FIXTURES, fixturesMissing, tempDir, writeModel } from '../model/fixtures';

const root = resolve(__dirname, '../../..');
const enginePath = join(root, 'out', 'test', 'engine.js');

before(async () => {
  await build({
    entryPoints: [join(root, 'src/engine/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['onnxruntime-node'],
    outfile: enginePath,
    logLevel: 'silent',
  });
});

const dir = tempDir();
const imagePath = join(dir, 'img.png');
writeFileSync(imagePath, imageToPng(randomImage(3, 12, 12, 3)));

function enginePids(): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(enginePath))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

test('image moments run in the engine process and come back with binary arrays', async () => {
  const stages: string[] = [];
  let partials = 0;
  const result = await runAnalysis(enginePath, { ...defaults([imagePath], 'RandomCrop(10); RandomHorizontalFlip()'), topK: 3 }, {
    onProgress: (stage) => stages.push(stage),
    onPartial: () => partials++,
  });
  assert.equal(result.report.images[0].moments.outcomes, 18);
  assert.ok(result.arrays[0].mean instanceof Float32Array);
  assert.equal(result.arrays[0].eigenvectors.length, 3 * 3 * 10 * 10);
  assert.ok(stages.includes('moments') && stages.at(-1) === 'done');
  assert.equal(partials, 1, 'the image moments arrived before the result');
  assert.equal(liveEngineCount(), 0);
});

test('bad input gives one clear error naming the problem', async () => {
  const corrupt = join(dir, 'corrupt.onnx');
  writeFileSync(corrupt, 'this is not a protobuf model at all');
  const twoInputs = writeModel(
    dir,
    'two.onnx',
    new GraphBuilder()
      .input('a', 'float32', [1, 3, 12, 12])
      .input('b', 'float32', [1, 3, 12, 12])
      .node('Add', ['a', 'b'], ['y'])
      .output('y', 'float32', [1, 3, 12, 12])
      .build(),
  );
  const notImage = join(dir, 'not-an-image.png');
  writeFileSync(notImage, 'GIF89a....');
  const base = defaults([imagePath], 'RandomCrop(10)');
  const failure = (message: RegExp, code: EngineErrorCode, details: EngineErrorDetails = {}) => (e: unknown) => {
    assert.ok(e instanceof EngineError, `an EngineError: ${String(e)}`);
    assert.match(e.message, message);
    assert.deepEqual([e.code, e.details], [code, details]);
    return true;
  };
  await assert.rejects(runAnalysis(enginePath, { ...base, modelPath: corrupt }), failure(/corrupt/, 'model', { model: 'corrupt' }));
  await assert.rejects(
    runAnalysis(enginePath, { ...base, modelPath: twoInputs }),
    failure(/2 inputs|two inputs|several inputs|inputs: a, b/, 'model', { model: 'multiple-inputs' }),
  );
  await assert.rejects(runAnalysis(enginePath, { ...base, imagePaths: [notImage] }), failure(/not-an-image\.png: not a PNG or JPEG/, 'image'));
  await assert.rejects(
    runAnalysis(enginePath, { ...base, policy: 'RandomHorizontalFlip(); RandomCrop(64)' }),
    failure(/required crop size 64x64 is larger than the input image 12x12/, 'policy', { policy: 'fit', span: { start: 24, end: 38 } }),
  );
  await assert.rejects(
    runAnalysis(enginePath, { ...base, policy: 'RandomRotaton(10)' }),
    failure(/RandomRotaton/, 'policy', { policy: 'unknown-transform', span: { start: 0, end: 13 } }),
  );
  await assert.rejects(runAnalysis(enginePath, { ...base, monteCarloSamples: 2_000_000 }), failure(/at most 1,000,000/, 'request'));
  assert.equal(liveEngineCount(), 0);
  assert.deepEqual(enginePids(), []);
});

test('a cancel mid-run ends the engine at once and leaves no process behind', { skip: fixturesMissing }, async () => {
  const abort = new AbortController();
  const params = {
    ...defaults([join(FIXTURES, 'images', 'kitten_224.png')], 'RandomCrop(224, padding=2); RandomHorizontalFlip()'),
    topK: 1,
    modelPath: join(FIXTURES, 'models', 'squeezenet-fp16.onnx'),
  };
  let sawModelStage = false;
  const run = runAnalysis(enginePath, params, {
    signal: abort.signal,
    onProgress: (stage) => {
      if (stage === 'model' && !sawModelStage) {
        sawModelStage = true;
        abort.abort();
      }
    },
  });
  await assert.rejects(run, EngineCancelled);
  assert.ok(sawModelStage, 'cancelled while the model was running');
  assert.equal(liveEngineCount(), 0);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(enginePids(), [], 'no engine process left');
});
