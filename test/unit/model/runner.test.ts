import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage, type Image } from '../../../src/core/image';
import { createRng } from '../../../src/core/rng';
import { floatToHalfBits, halfBitsToFloat } from '../../../src/model/float16';
import { loadModel } from '../../../src/model/load';
import { valueInfo } from '../../../src/model/onnx/builder';
import { linearModel, type LinearModelSpec } from '../../../src/model/onnx/linearModel';
import { planPreprocessing, preprocess, type PreprocessRequest } from '../../../src/model/preprocess';
import { ModelRunner } from '../../../src/model/runner';
import { argmax, fixtureImage, fixtureModel, fixturesMissing, imagenetLabels, tempDir, writeModel } from './fixtures';

const dir = tempDir();
const rng = createRng(3);
const C = 3;
const H = 4;
const W = 5;
const D = C * H * W;
const K = 4;
const weights = Array.from({ length: K * D }, () => rng.next() - 0.5);
const bias = Array.from({ length: K }, () => rng.next() - 0.5);
const images = Array.from({ length: 5 }, () => createImage(C, H, W, Float32Array.from({ length: D }, () => rng.next())));
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** W * flatten((x - mean) / std) + b in float64, flattening in the model's layout. */
function handLogits(img: Image, layout: 'NCHW' | 'NHWC', round: (v: number) => number = (v) => v): number[] {
  const x = new Float64Array(D);
  for (let c = 0; c < C; c++) {
    for (let p = 0; p < H * W; p++) {
      const v = round((img.data[c * H * W + p] - MEAN[c]) / STD[c]);
      x[layout === 'NCHW' ? c * H * W + p : p * C + c] = v;
    }
  }
  return bias.map((b, k) => {
    let y = round(b);
    for (let j = 0; j < D; j++) y += round(weights[k * D + j]) * x[j];
    return y;
  });
}

const softmax = (y: number[]): number[] => {
  const m = Math.max(...y);
  const e = y.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

async function run(name: string, spec: Partial<LinearModelSpec>, batchSize: number, request: PreprocessRequest = { preset: 'imagenet' }) {
  const model = await loadModel(writeModel(dir, `${name}.onnx`, linearModel({ channels: C, height: H, width: W, weights, bias, ...spec })));
  try {
    return await new ModelRunner(model, planPreprocessing(request, model), { batchSize }).runBatch(images);
  } finally {
    await model.release();
  }
}

test('linear models give W x + b (and its softmax) as computed by hand', async () => {
  const cases: [string, Partial<LinearModelSpec>, 'logits' | 'probabilities'][] = [
    ['gemm', {}, 'logits'],
    ['matmul-nhwc', { op: 'MatMul', layout: 'NHWC' }, 'logits'],
    ['gemm-softmax', { softmax: true }, 'probabilities'],
    ['fixed-batch-2', { batch: 2, layout: 'NHWC' }, 'logits'],
  ];
  for (const [name, spec, kind] of cases) {
    const outputs = await run(name, spec, 2);
    assert.equal(outputs.length, images.length);
    images.forEach((img, i) => {
      const logits = handLogits(img, spec.layout ?? 'NCHW');
      assertClose(outputs[i], kind === 'logits' ? logits : softmax(logits), 1e-5, `${name} image ${i}`);
    });
  }
});

test('float16 linear model: half inputs and weights, float32 outputs', async () => {
  const outputs = await run('half', { dtype: 'float16' }, 3);
  const toHalf = (v: number): number => halfBitsToFloat(floatToHalfBits(v));
  images.forEach((img, i) => {
    assert.ok(outputs[i] instanceof Float32Array);
    // float16 accumulation over 60 terms of size ~1: a few half ulps of the sum
    assertClose(outputs[i], handLogits(img, 'NCHW', toHalf), 2e-2, `half image ${i}`);
  });
});

test('batched runs equal one-by-one runs', async () => {
  const batched = await run('dyn', {}, 2);
  const single = await run('dyn1', {}, 1);
  batched.forEach((b, i) => assertClose(b, single[i], 1e-6, `image ${i}`));
});

test('batched == one by one on cifar10-tutorial (dynamic batch)', { skip: fixturesMissing }, async () => {
  const model = await loadModel(fixtureModel('cifar10-tutorial.onnx'));
  try {
    const inputs = Array.from({ length: 7 }, () => createImage(3, 32, 32, Float32Array.from({ length: 3072 }, () => rng.next())));
    const plan = planPreprocessing({ preset: 'cifar' }, model);
    const batched = await new ModelRunner(model, plan, { batchSize: 3 }).runBatch(inputs);
    const single = await new ModelRunner(model, plan, { batchSize: 1 }).runBatch(inputs);
    assert.equal(batched.length, 7);
    batched.forEach((b, i) => assertClose(b, single[i], 1e-5, `image ${i}`));
    assert.ok(batched.some((b, i) => i > 0 && b.some((v, k) => v !== batched[0][k])), 'different images give different outputs');
  } finally {
    await model.release();
  }
});

test('runTensors fetches several outputs, e.g. an intermediate value exposed as a graph output', async () => {
  const proto = linearModel({ channels: C, height: H, width: W, weights, bias, softmax: true });
  proto.graph!.output.push(valueInfo('scores', 'float32', ['N', K]));
  const model = await loadModel(writeModel(dir, 'two-outputs.onnx', proto));
  try {
    const plan = planPreprocessing({ preset: 'imagenet' }, model);
    const runner = new ModelRunner(model, plan, { batchSize: 4 });
    const result = await runner.runTensors(images.map((img) => preprocess(img, plan)), ['probabilities', 'scores']);
    images.forEach((img, i) => {
      const logits = handLogits(img, 'NCHW');
      assertClose(result.get('scores')![i], logits, 1e-5, `scores ${i}`);
      assertClose(result.get('probabilities')![i], softmax(logits), 1e-5, `probabilities ${i}`);
    });
  } finally {
    await model.release();
  }
});

test('squeezenet-fp16 with raw255-bgr: coffee.png -> espresso ~0.996, kitten_224 -> tabby', { skip: fixturesMissing }, async () => {
  const model = await loadModel(fixtureModel('squeezenet-fp16.onnx'));
  try {
    const labels = imagenetLabels();
    const runner = new ModelRunner(model, planPreprocessing({ preset: 'raw255-bgr' }, model));
    const [coffee, kitten] = await runner.runBatch([fixtureImage('coffee.png'), fixtureImage('kitten_224.png')]);
    assert.equal(labels[argmax(coffee)], 'espresso');
    assert.ok(Math.abs(coffee[argmax(coffee)] - 0.996) < 0.002, `espresso ${coffee[argmax(coffee)]}`);
    assert.match(labels[argmax(kitten)], /^tabby/);
    assert.ok(Math.abs(kitten[argmax(kitten)] - 0.93) < 0.01, `tabby ${kitten[argmax(kitten)]}`);
    assert.ok(Math.abs(coffee.reduce((a, b) => a + b, 0) - 1) < 0.01);
  } finally {
    await model.release();
  }
});

test('mnist-8 with unit preprocessing: mnist_28.png -> 8, score ~23.0 against 1.8', { skip: fixturesMissing }, async () => {
  const model = await loadModel(fixtureModel('mnist-8.onnx'));
  try {
    const [scores] = await new ModelRunner(model, planPreprocessing({ preset: 'unit' }, model)).runBatch([fixtureImage('mnist_28.png')]);
    assert.equal(argmax(scores), 8);
    assert.ok(Math.abs(scores[8] - 23.0) < 0.05, `score ${scores[8]}`);
    const runnerUp = Math.max(...scores.filter((_, i) => i !== 8));
    assert.ok(Math.abs(runnerUp - 1.8) < 0.05, `runner-up ${runnerUp}`);
  } finally {
    await model.release();
  }
});
