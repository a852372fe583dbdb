import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { createImage, type Image } from '../../../../src/core/image';
import { imageToPng } from '../../../../src/core/io/encode';
import { createRng } from '../../../../src/core/rng';
import { defaults } from '../../../../src/cli/args';
import { analyze } from '../../../../src/engine/analysis/analyze';
import { buildGradientModel } from '../../../../src/model/gradient/gradientModel';
import type { GradientKind } from '../../../../src/model/gradient/objective';
import { floatTwin } from '../../../../src/model/gradient/quantized/floatTwin';
import { GradientUnsupportedError } from '../../../../src/model/gradient/unsupported';
import { loadModel } from '../../../../src/model/load';
import { encodeModel } from '../../../../src/model/onnx/codec';
import type { ModelProto } from '../../../../src/model/onnx/types';
import { planPreprocessing } from '../../../../src/model/preprocess';
import { tempDir, writeModel } from '../fixtures';
import { C, dynamicModel, H, integerModel, K, maskModel, qdqModel, qlinearExtrasModel, qlinearModel, W } from './quantizedModels';

const dir = tempDir();
const D = C * H * W;

/** Pixels in [0.05, 0.95]: inside every input quantizer's range. */
function randomImage(seed: number): Image {
  const rng = createRng(seed);
  return createImage(C, H, W, Float32Array.from({ length: D }, () => 0.05 + 0.9 * rng.next()));
}

let files = 0;

/** The gradient model of a model file read with the identity preprocessing ('unit'), so image = model input. */
async function gradients(model: ModelProto, images: readonly Image[], kind: GradientKind, target: number) {
  const loaded = await loadModel(writeModel(dir, `m${files++}.onnx`, model));
  const gm = await buildGradientModel(loaded, planPreprocessing({ preset: 'unit' }, loaded));
  try {
    return { method: gm.method, results: await gm.evaluate(images, { target, kind }) };
  } finally {
    await gm.release();
    await loaded.release();
  }
}

/** The quantized model itself, run by onnxruntime on one image at a time. */
async function runner(model: ModelProto): Promise<{ run: (x: Float32Array) => Promise<Float32Array>; release: () => Promise<void> }> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  return {
    run: async (x) => (await session.run({ x: new ort.Tensor('float32', x, [1, C, H, W]) }))[session.outputNames[0]].data as Float32Array,
    release: () => session.release(),
  };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: ArrayLike<number>): number => Math.sqrt(dot(a, a));

function relativeDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i] - b[i]) ** 2;
  return Math.sqrt(d) / norm(b);
}

test('the float twin computes what the quantized models compute, up to their rounding', async () => {
  for (const [name, model, quantizers] of [
    ['QLinear', qlinearModel({ clipping: true, maxPool: true, softmax: true }), 6],
    ['QLinear extras', qlinearExtrasModel(), 7],
    ['QDQ', qdqModel(), 3],
    ['integer', integerModel(), 2],
  ] as const) {
    const twin = floatTwin(model);
    assert.equal(twin.quantizers, quantizers, name);
    const [q, f] = [await runner(model), await runner(twin.model)];
    for (let seed = 1; seed <= 4; seed++) {
      const x = randomImage(seed).data;
      const [pq, pf] = [await q.run(x), await f.run(x)];
      const worst = Math.max(...Array.from(pq, (v, i) => Math.abs(v - pf[i])));
      assert.ok(worst < 0.02, `${name}, image ${seed}: probabilities differ by ${worst}`);
    }
    await Promise.all([q.release(), f.release()]);
  }
});

test('where no activation is clipped, the straight-through gradient is the float twin gradient', async () => {
  // No quantizer reaches its range's ends and no max-pool routes by codes: the backward pass reads only weights and
  // masks that are all open, so the quantized and the twin forward values must give the same numbers.
  const model = qlinearModel({ clipping: false, maxPool: false, softmax: false });
  const images = [1, 2, 3].map(randomImage);
  const ste = await gradients(model, images, 'output', 1);
  const twin = await gradients(floatTwin(model).model, images, 'output', 1);
  assert.match(ste.method, /straight-through estimate through 6 activation quantizers/);
  assert.equal(twin.method, 'graph');
  ste.results.forEach((r, i) => {
    const e = relativeDistance(r.gradient, twin.results[i].gradient);
    assert.ok(e < 1e-6, `image ${i}: ${e}`);
    assert.ok(norm(r.gradient) > 0);
  });
});

/**
 * The least-squares slope of the loss along u over 41 evenly spaced steps in [-h, h], in one batched run: the
 * quantized loss is a staircase, whose central differences at small steps are 0 or a jump; the fitted slope over
 * many codes averages the steps out.
 */
async function fittedSlope(session: ort.InferenceSession, x: Float32Array, u: Float32Array, h: number, target: number): Promise<number> {
  const m = 20;
  const steps = Array.from({ length: 2 * m + 1 }, (_, k) => (h * (k - m)) / m);
  const data = new Float32Array(steps.length * D);
  steps.forEach((t, k) => {
    for (let i = 0; i < D; i++) data[k * D + i] = x[i] + t * u[i];
  });
  const out = (await session.run({ x: new ort.Tensor('float32', data, [steps.length, C, H, W]) }))[session.outputNames[0]].data as Float32Array;
  const losses = steps.map((_, k) => -Math.log(out[k * K + target]));
  const meanLoss = losses.reduce((a, b) => a + b, 0) / losses.length;
  let num = 0;
  let den = 0;
  steps.forEach((t, k) => {
    num += t * (losses[k] - meanLoss);
    den += t * t;
  });
  return num / den;
}

// Steps of h = 0.3 along unit directions move the pixels by about 0.02, 5 input codes. The QLinear models are coarse
// (4 to 8 channels, logits in steps of about 0.02 to 0.03): their fitted slopes scatter more (measured: up to 0.13 of
// ||g||, against 0.03 for QDQ and 0.015 for the integer model), and the second one's loss moves by only a few steps
// over +-0.3, so it is fitted over +-1 (up to 0.10).
for (const [name, model, h, tolerance] of [
  ['QLinear (ReLU fused into a quantizer, max-pool on codes)', qlinearModel({ clipping: true, maxPool: true, softmax: true }), 0.3, 0.15],
  ['QLinearLeakyRelu, QLinearAveragePool, QLinearSigmoid, QLinearConcat, QGemm', qlinearExtrasModel(), 1, 0.15],
  ['QDQ', qdqModel(), 0.3, 0.05],
  ['ConvInteger / MatMulInteger', integerModel(), 0.3, 0.05],
] as const) {
  test(`${name}: the straight-through gradient of the loss against fitted slopes of the quantized model and the float twin`, async () => {
    const session = await ort.InferenceSession.create(encodeModel(model));
    try {
      for (let seed = 1; seed <= 3; seed++) {
        const img = randomImage(seed);
        const clean = (await session.run({ x: new ort.Tensor('float32', img.data, [1, C, H, W]) }))[session.outputNames[0]].data as Float32Array;
        const target = clean.indexOf(Math.max(...clean));
        const { method, results } = await gradients(model, [img], 'loss', target);
        assert.match(method, /^gradient graph, straight-through estimate through \d activation quantizers$/);
        const g = results[0].gradient;
        const gNorm = norm(g);
        // The loss at the quantized activations. Exposing a QuantizeLinear's input can keep onnxruntime from fusing a
        // QDQ group into its integer kernel: the values are then the QDQ graph's own (float operator on dequantized
        // codes), off the fused kernels' by their rounding (1.3e-4 on the QDQ model).
        const loss = -Math.log(clean[target]);
        assert.ok(Math.abs(results[0].value - loss) < 1e-3 * loss, `the loss ${results[0].value} is not the quantized model's, ${loss}`);
        // The gradient direction, then 8 random ones, each slope within tolerance x ||g|| of g . u.
        const rng = createRng(seed + 100);
        const directions = [g, ...Array.from({ length: 8 }, () => Float32Array.from({ length: D }, () => 2 * rng.next() - 1))].map((u) =>
          u.map((v) => v / norm(u)),
        );
        for (const [k, u] of directions.entries()) {
          const slope = await fittedSlope(session, img.data, u, h, target);
          assert.ok(Math.abs(slope - dot(g, u)) <= tolerance * gNorm, `image ${seed}, direction ${k}: fitted ${slope}, gradient ${dot(g, u)}, ||g|| ${gNorm}`);
        }
        // The float twin at its own (unrounded) activations: close, not equal (max-pool routes, masks, slopes and
        // softmax values read at the quantized activations); measured 0.002 to 0.31.
        const twin = (await gradients(floatTwin(model).model, [img], 'loss', target)).results[0].gradient;
        assert.ok(relativeDistance(g, twin) < 0.5, `image ${seed}: twin gradient ${relativeDistance(g, twin)} away`);
      }
    } finally {
      await session.release();
    }
  });
}

test('a QuantizeLinear passes the gradient where its input rounds into the range; inside a QLinear operator the end codes stop it', async () => {
  // Scale 0.1, zero point 0, uint8: inputs in [-0.05, 25.55] round into the codes 0..255.
  const values = [-0.2, -0.06, -0.04, 0.03, 0.5, 25.4, 25.54, 25.6, 30];
  const image = createImage(C, H, W, Float32Array.from({ length: D }, (_, i) => values[i % values.length]));
  const [qdq] = (await gradients(maskModel(false), [image], 'output', 0)).results;
  const [qlinear] = (await gradients(maskModel(true), [image], 'output', 0)).results;
  values.forEach((v, i) => {
    const inRange = v > -0.05 && v < 25.55;
    assert.equal(qdq.gradient[i], inRange ? 1 : 0, `QuantizeLinear at ${v}`);
    // The QLinearAdd's codes: 0 for v < 0.05, 255 for v >= 25.45; its gradient passes strictly between them.
    assert.equal(qlinear.gradient[i], inRange && v >= 0.05 && v < 25.45 ? 1 : 0, `QLinearAdd at ${v}`);
  });
});

test('dynamic quantization is refused, naming the operator and why', async () => {
  await assert.rejects(
    gradients(dynamicModel(), [randomImage(1)], 'loss', 0),
    (err: unknown) => err instanceof GradientUnsupportedError && /DynamicQuantizeLinear/.test(err.message) && /dynamic quantization/.test(err.message),
  );
});

test('analyze --gradient graph on a quantized model writes a saliency block labelled straight-through', async () => {
  const imagePath = join(dir, 'image.png');
  writeFileSync(imagePath, imageToPng(randomImage(1)));
  const params = {
    ...defaults([imagePath], 'Compose([RandomCrop(8, padding=1), RandomHorizontalFlip()])'),
    modelPath: writeModel(dir, 'qlinear.onnx', qlinearModel({ clipping: true, maxPool: true, softmax: true })),
    preprocess: { preset: 'unit' },
    gradient: 'graph' as const,
    topK: 2,
    monteCarloSamples: 100,
  };
  const { report, arrays } = await analyze(params, { progress: () => {}, log: () => {} });
  const m = report.images[0].model!;
  assert.ok(!('skipped' in m.saliency), 'the saliency was computed');
  assert.equal(m.saliency.method, 'gradient graph, straight-through estimate through 6 activation quantizers');
  assert.equal(m.analytic!.method, m.saliency.method);
  const g = arrays[0].saliency!;
  assert.equal(g.length, D);
  assert.ok(norm(g) > 0 && g.every(Number.isFinite));
});
