import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createImage } from '../../../../src/core/image';
import { probabilities } from '../../../../src/core/outputs/classifier';
import { createRng } from '../../../../src/core/rng';
import { halfToFloats, floatsToHalf } from '../../../../src/model/float16';
import { buildGradientModel } from '../../../../src/model/gradient/gradientModel';
import { loadModel } from '../../../../src/model/load';
import { linearModel, type LinearModelSpec } from '../../../../src/model/onnx/linearModel';
import { DataLocation } from '../../../../src/model/onnx/types';
import { channelMap, planPreprocessing, type PreprocessRequest } from '../../../../src/model/preprocess';
import { tempDir, writeModel } from '../fixtures';

const dir = tempDir();
const rng = createRng(41);
const [C, H, W, K] = [3, 4, 5, 3];
const D = C * H * W;
const weights = Array.from({ length: K * D }, () => rng.next() - 0.5);
const bias = Array.from({ length: K }, () => rng.next() - 0.5);
const image = createImage(C, H, W, Float32Array.from({ length: D }, () => rng.next()));

/**
 * d y_k / d image for y = W flatten(preprocess(image)) + b: W's row k, each model-layout entry (c, p) scaled by the
 * preprocessing slope a[c] and moved to its image channel (BGR swaps channels 0 and 2).
 */
function linearGradient(k: number, layout: 'NCHW' | 'NHWC', a: readonly number[], bgr: boolean): Float64Array {
  const g = new Float64Array(D);
  for (let c = 0; c < C; c++) {
    for (let p = 0; p < H * W; p++) {
      const j = layout === 'NCHW' ? c * H * W + p : p * C + c;
      g[(bgr ? 2 - c : c) * H * W + p] += a[c] * weights[k * D + j];
    }
  }
  return g;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  const scale = Array.from(expected).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance * scale, `[${i}] ${actual[i]} vs ${expected[i]}`);
}

async function gradientsOf(name: string, spec: Partial<LinearModelSpec>, request: PreprocessRequest, kind: 'output' | 'loss', target: number) {
  const loaded = await loadModel(writeModel(dir, name, linearModel({ channels: C, height: H, width: W, weights, bias, ...spec })));
  const plan = planPreprocessing(request, loaded);
  const model = await buildGradientModel(loaded, plan);
  try {
    const [r] = await model.evaluate([image], { target, kind });
    return { ...r, a: channelMap(plan, C).a, outputKind: loaded.outputKind };
  } finally {
    await model.release();
    await loaded.release();
  }
}

for (const layout of ['NCHW', 'NHWC'] as const) {
  for (const op of ['Gemm', 'MatMul'] as const) {
    test(`linear model (${layout}, ${op}): the gradient of a logit is W's row through the preprocessing, exactly`, async () => {
      const r = await gradientsOf(`linear-${layout}-${op}.onnx`, { layout, op }, { preset: 'imagenet' }, 'output', 1);
      assertClose(r.gradient, linearGradient(1, layout, r.a, false), 1e-6);
    });
  }
}

test('linear model with a softmax output: the gradient of -log p_t is sum_k (p_k - [k = t]) times row k', async () => {
  const r = await gradientsOf('linear-softmax.onnx', { softmax: true }, { preset: 'imagenet', channels: 'bgr' }, 'loss', 2);
  assert.equal(r.outputKind, 'probabilities');
  const p = probabilities(r.output, 'probabilities');
  const expected = new Float64Array(D);
  for (let k = 0; k < K; k++) {
    const row = linearGradient(k, 'NCHW', r.a, true);
    for (let i = 0; i < D; i++) expected[i] += (p[k] - (k === 2 ? 1 : 0)) * row[i];
  }
  assertClose(r.gradient, expected, 1e-5);
});

test('float16 linear model: the gradient is the float16 weights row, to half precision', async () => {
  const r = await gradientsOf('linear-half.onnx', { dtype: 'float16' }, { preset: 'imagenet' }, 'output', 0);
  const half = Array.from(halfToFloats(floatsToHalf(weights)));
  const expected = new Float64Array(D);
  for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) expected[c * H * W + p] = r.a[c] * half[c * H * W + p];
  assertClose(r.gradient, expected, 1e-6);
});

test('weights stored as external data are read into the gradient graph', async () => {
  const model = linearModel({ channels: C, height: H, width: W, weights, bias });
  const w = model.graph!.initializer.find((t) => t.name === 'W')!;
  writeFileSync(join(dir, 'linear.weights'), w.raw_data!);
  Object.assign(w, { raw_data: undefined, data_location: DataLocation.EXTERNAL, external_data: [{ key: 'location', value: 'linear.weights' }] });
  const loaded = await loadModel(writeModel(dir, 'linear-external.onnx', model));
  const plan = planPreprocessing({ preset: 'imagenet' }, loaded);
  const gradient = await buildGradientModel(loaded, plan);
  try {
    const [r] = await gradient.evaluate([image], { target: 2, kind: 'output' });
    assertClose(r.gradient, linearGradient(2, 'NCHW', channelMap(plan, C).a, false), 1e-6);
  } finally {
    await gradient.release();
    await loaded.release();
  }
});
