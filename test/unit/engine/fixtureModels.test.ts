import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { compilePolicy } from '../../../src/core/augment/compile';
import { parsePolicy } from '../../../src/core/policy';
import type { Image } from '../../../src/core/image';
import type { WeightedImage } from '../../../src/core/augment/mixture';
import { REPLICATES } from '../../../src/core/moments/randomizedMoments';
import { latticeSequence } from '../../../src/core/quadrature/latticeSequence';
import { floatsToHalf, halfToFloats } from '../../../src/model/float16';
import { analyze } from '../../../src/engine/analysis/analyze';
import { loadInputImage } from '../../../src/engine/analysis/inputImage';
import type { AnalyzeParams } from '../../../src/engine/contract/requests';
import type { SaliencyReport } from '../../../src/engine/contract/report';
import { defaults } from '../../../src/cli/args';
import { FIXTURES, fixturesMissing } from '../model/fixtures';

const quiet = { progress: () => {}, log: () => {} };

interface Case {
  model: string;
  image: string;
  size?: [number, number];
  policy: string;
  preset: string;
  /** Independent preprocessing for the brute force: [0, 1] CHW image -> model input values. */
  toInput: (img: Image) => Float32Array;
  dtype: 'float32' | 'float16';
  probabilities: boolean;
}

const cases: Case[] = [
  {
    model: 'mnist-8.onnx',
    image: 'mnist_28.png',
    policy: 'RandomCrop(28, padding=2); RandomAffine(0, translate=(0.05, 0.05))',
    preset: 'unit',
    toInput: (img) => img.data,
    dtype: 'float32',
    probabilities: false,
  },
  {
    model: 'cifar10-tutorial.onnx',
    image: 'kitten_224.png',
    size: [32, 32],
    policy: 'transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip()])',
    preset: 'cifar',
    toInput: (img) => img.data.map((v) => (v - 0.5) / 0.5),
    dtype: 'float32',
    probabilities: false,
  },
  {
    model: 'squeezenet-fp16.onnx',
    image: 'kitten_224.png',
    policy: 'RandomCrop(224, padding=2); RandomHorizontalFlip()',
    preset: 'raw255-bgr',
    toInput: (img) => {
      const plane = img.height * img.width;
      const out = new Float32Array(3 * plane);
      for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) out[c * plane + p] = 255 * img.data[(2 - c) * plane + p];
      return out;
    },
    dtype: 'float16',
    probabilities: true,
  },
];

/** E[loss] by plain enumeration of the outcomes and one onnxruntime call each. */
/** E[loss] over weighted outcomes by plain onnxruntime calls, one image at a time. */
async function bruteForceLoss(c: Case, outcomes: readonly WeightedImage[], target: number): Promise<number> {
  const session = await ort.InferenceSession.create(join(FIXTURES, 'models', c.model));
  try {
    let expected = 0;
    for (const o of outcomes) {
      const x = c.toInput(o.image);
      const dims = [1, o.image.channels, o.image.height, o.image.width];
      const tensor = c.dtype === 'float16' ? new ort.Tensor('float16', floatsToHalf(x), dims) : new ort.Tensor('float32', x, dims);
      const out = await session.run({ [session.inputNames[0]]: tensor });
      const raw = out[session.outputNames[0]];
      const row = c.dtype === 'float16' ? halfToFloats(raw.data as Uint16Array) : (raw.data as Float32Array);
      let loss: number;
      if (c.probabilities) loss = -Math.log(Math.max(row[target], 1e-12));
      else {
        const max = Math.max(...row);
        loss = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max - row[target];
      }
      expected += o.weight * loss;
    }
    return expected;
  } finally {
    await session.release();
  }
}

function paramsFor(c: Case, settings: Partial<AnalyzeParams>): AnalyzeParams {
  return {
    ...defaults([join(FIXTURES, 'images', c.image)], c.policy),
    modelPath: join(FIXTURES, 'models', c.model),
    size: c.size,
    preprocess: { preset: c.preset },
    ...settings,
  };
}

for (const c of cases) {
  test(`${c.model}: exact E[loss] equals brute-force enumeration, Monte Carlo within its band`, { skip: fixturesMissing }, async () => {
    const imagePath = join(FIXTURES, 'images', c.image);
    const params = paramsFor(c, { topK: 2, monteCarloSamples: 300, seed: 7 });
    const { report, arrays } = await analyze(params, quiet);
    const r = report.images[0].model!;
    assert.equal(r.method, 'exact');
    const img = loadInputImage(imagePath, c.size);
    const brute = await bruteForceLoss(c, compilePolicy(parsePolicy(c.policy), img).enumerate(img), r.clean.target);
    const tol = c.dtype === 'float16' ? 1e-4 : 1e-5;
    assert.ok(Math.abs(r.expectedLoss - brute) <= tol * Math.max(1, Math.abs(brute)), `E[loss] ${r.expectedLoss} vs brute force ${brute}`);
    assert.ok(r.stdLoss > 0 && r.samplesNeeded.loss > 1);
    const mc = r.monteCarlo;
    const last = mc.samples.length - 1;
    // The 95% half-width scaled to 99.9% (z 3.29 / 1.96).
    const half = ((mc.upper[last] - mc.lower[last]) / 2) * (3.29 / 1.96);
    assert.ok(Math.abs(mc.estimate[last] - r.expectedLoss) <= half, `MC ${mc.estimate[last]} +- ${half} vs exact ${r.expectedLoss}`);
    assert.equal(arrays[0].mean.length, report.images[0].moments.shape.reduce((a, b) => a * b, 1));
  });
}

test('over the forward-pass budget the engine says so and its stratified interval covers the exact value', { skip: fixturesMissing }, async () => {
  const params = paramsFor(cases[1], { topK: 0, monteCarloSamples: 0 });
  const exact = (await analyze(params, quiet)).report.images[0].model!;
  const approx = (await analyze({ ...params, forwardBudget: 64, confidence: 0.999 }, quiet)).report.images[0].model!;
  assert.equal(approx.method, 'stratified');
  assert.match(approx.methodNote, /162 outcomes exceed the forward-pass budget of 64/);
  const [lo, hi] = approx.expectedLossInterval!;
  assert.ok(lo <= exact.expectedLoss && exact.expectedLoss <= hi, `[${lo}, ${hi}] misses ${exact.expectedLoss}`);
  assert.ok(approx.forwardPasses < exact.forwardPasses);
});

test('a continuous policy: randomized lattice levels within the budget, equal to plain onnxruntime over the same draws', { skip: fixturesMissing }, async () => {
  const c = { ...cases[1], policy: 'RandomRotation(10)' };
  const params = paramsFor(c, { topK: 0, monteCarloSamples: 0, forwardBudget: 300, tolerance: 1e-4 });
  const r = (await analyze(params, quiet)).report.images[0].model!;
  assert.equal(r.method, 'quadrature');
  // 16 and 32 points per replicate, then the 37 that fit 300 passes with the clean one.
  assert.deepEqual(r.quadrature!.levels.map((l) => l.nodes), [128, 256, 296]);
  assert.equal(r.forwardPasses - r.passes.saliency - r.passes.monteCarlo, 297);
  assert.equal(r.quadrature!.toleranceMet, false);
  assert.match(r.methodNote, /NOT within the tolerance 0.0001: more points would pass the forward-pass budget of 300 \(the clean prediction included\)/);
  assert.equal(r.expectedLoss, r.quadrature!.levels[2].expectedLoss);
  const img = loadInputImage(join(FIXTURES, 'images', c.image), c.size);
  const step = compilePolicy(parsePolicy(c.policy), img);
  const sequence = latticeSequence(REPLICATES, params.seed);
  const draws = Array.from({ length: REPLICATES * 37 }, (_, i) => ({ weight: 1 / (REPLICATES * 37), image: step.sample(img, sequence.point(i % REPLICATES, Math.floor(i / REPLICATES))) }));
  const brute = await bruteForceLoss(c, draws, r.clean.target);
  assert.ok(Math.abs(r.expectedLoss - brute) <= 1e-5 * Math.max(1, brute), `E[loss] ${r.expectedLoss} vs brute force ${brute}`);
});

test('saliency: the gradient graph and the finite-difference fallback agree along the eigenvectors', { skip: fixturesMissing }, async () => {
  const params = paramsFor(cases[1], { topK: 3, monteCarloSamples: 0 });
  const graph = await analyze({ ...params, gradient: 'graph' }, quiet);
  const fd = await analyze({ ...params, gradient: 'fd' }, quiet);
  const g = graph.report.images[0].model!;
  const f = fd.report.images[0].model!;
  assert.ok(!('skipped' in g.saliency) && !('skipped' in f.saliency));
  assert.equal(g.saliency.method, 'graph');
  assert.equal(f.saliency.method, 'central differences (requested with --gradient fd)');
  assert.equal(f.saliency.fallbackReason, null);
  // ReLU and max-pool kinks put loss differences over a finite step off the gradient by ~15% here: compare at 25%
  // of the largest slope (a wrong sign, scale or chain rule is far outside that).
  const largest = g.analytic!.directionalDerivatives.reduce((s, x) => Math.max(s, Math.abs(x)), 0);
  g.analytic!.directionalDerivatives.forEach((d, k) => {
    const e = f.analytic!.directionalDerivatives[k];
    assert.ok(Math.abs(d - e) <= 0.25 * largest, `g.v_${k}: graph ${d} vs differences ${e}`);
  });
  const a = (g.saliency as SaliencyReport).alignment!;
  assert.ok(a.gCovG <= a.gCovGUpperBound && a.rayleigh >= 0 && a.rayleigh <= 1);
  assert.ok(Math.abs(a.shares.reduce((s, x) => s + x, 0) + a.outsideShare - 1) < 1e-9);
  assert.equal(graph.arrays[0].saliency!.length, 3 * 32 * 32);
  // The block-averaged fallback map correlates with the true gradient's block averages.
  const dotp = graph.arrays[0].saliency!.reduce((s, x, i) => s + x * fd.arrays[0].saliency![i], 0);
  assert.ok(dotp > 0);
});
