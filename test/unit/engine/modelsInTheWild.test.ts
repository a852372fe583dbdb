import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { compilePolicy } from '../../../src/core/augment/compile';
import { outcomes, pointMixture } from '../../../src/core/augment/mixture';
import { imageToPng } from '../../../src/core/io/encode';
import { crossEntropy } from '../../../src/core/outputs/classifier';
import { parsePolicy } from '../../../src/core/policy';
import { defaults } from '../../../src/cli/args';
import { analyze } from '../../../src/engine/analysis/analyze';
import { evaluatedOutcomes, lossConvergence } from '../../../src/engine/analysis/convergence';
import { loadInputImage } from '../../../src/engine/analysis/inputImage';
import type { ModelMomentsReport, SaliencyReport } from '../../../src/engine/contract/report';
import type { AnalyzeParams } from '../../../src/engine/contract/requests';
import { loadModel } from '../../../src/model/load';
import { planPreprocessing } from '../../../src/model/preprocess';
import { ModelRunner } from '../../../src/model/runner';
import type { Dim } from '../../../src/model/onnx/graph';
import { randomImage } from '../core/moments/bruteForce';
import { attr, TestGraph } from '../model/gradient/models';
import { tempDir, writeModel } from '../model/fixtures';

const quiet = { progress: () => {}, log: () => {} };
const dir = tempDir();

/** x -> Conv 3x3 -> Relu [-> extra] -> GlobalAveragePool -> Gemm: 5 logits. */
function classifier(name: string, dims: readonly Dim[], extra?: string): string {
  const t = new TestGraph(dims);
  const conv = t.op('Conv', ['x', t.weight([4, 3, 3, 3], undefined, 2), t.weight([4])], { pads: attr.ints([1, 1, 1, 1]) });
  const act = t.op('Relu', [conv]);
  const hidden = extra ? t.op(extra, [act]) : act;
  const pooled = t.op('Flatten', [t.op('GlobalAveragePool', [hidden])]);
  return writeModel(dir, name, t.build(t.op('Gemm', [pooled, t.weight([5, 4], undefined, 4), t.weight([5])], { transB: attr.int(1) }), 13));
}

function imageFile(name: string, height: number, width: number, seed: number): string {
  const path = join(dir, name);
  writeFileSync(path, imageToPng(randomImage(3, height, width, seed)));
  return path;
}

const fixedModel = classifier('fixed.onnx', ['N', 3, 12, 12]);
const freeModel = classifier('free.onnx', ['N', 3, 'H', 'W']);
const sinModel = classifier('sin.onnx', ['N', 3, 12, 12], 'Sin');
const square = imageFile('square.png', 12, 12, 3);
const wide = imageFile('wide.png', 10, 18, 4);

function params(model: string, image: string, policy: string, extra: Partial<AnalyzeParams> = {}): AnalyzeParams {
  return { ...defaults([image], policy), modelPath: model, topK: 2, monteCarloSamples: 200, preprocess: { preset: 'unit' }, ...extra };
}

const modelOf = async (p: AnalyzeParams): Promise<ModelMomentsReport> => (await analyze(p, quiet)).report.images[0].model!;

test('a free-size model runs at the size of the policy output (here 10x18, non-square), with no hidden resize', async () => {
  const policy = 'Compose([RandomCrop((10, 18), padding=2), RandomHorizontalFlip()])';
  const result = await analyze(params(freeModel, wide, policy), quiet);
  const r = result.report.images[0].model!;
  assert.deepEqual(r.inputSize, [10, 18]);
  // The gradient graph is built at that size too.
  assert.equal(r.saliency.method, 'graph');
  assert.equal(result.arrays[0].saliency!.length, 3 * 10 * 18);
  assert.equal(result.report.preprocessing!.inputSize, null);
  // Brute force: every outcome as a [1, 3, 10, 18] tensor straight into onnxruntime.
  const img = loadInputImage(wide);
  const session = await ort.InferenceSession.create(freeModel);
  const logits = async (data: Float32Array) => (await session.run({ x: new ort.Tensor('float32', data, [1, 3, 10, 18]) }))[session.outputNames[0]].data as Float32Array;
  const cleanRow = await logits(img.data);
  const target = cleanRow.indexOf(Math.max(...cleanRow));
  let expected = 0;
  for (const o of outcomes(compilePolicy(parsePolicy(policy), img).lift(pointMixture(img)))) {
    expected += o.weight * crossEntropy(await logits(o.image.data), 'logits', target);
  }
  assert.ok(Math.abs(r.expectedLoss - expected) <= 1e-5 * Math.max(1, expected), `E[loss] ${r.expectedLoss} vs ${expected} at the image's own size`);
  // The same model fed 224x224 (resized) gives other numbers: the check above can tell them apart.
  const model = await loadModel(freeModel);
  try {
    const [at224] = await new ModelRunner(model, planPreprocessing({ preset: 'unit' }, model)).runBatch([img]);
    assert.ok(Math.abs(crossEntropy(at224, 'logits', target) - r.clean.loss) > 1e-4, 'resizing to 224 changes the clean loss');
  } finally {
    await model.release();
  }
});

test('forwardPasses is every image the model session ran, split by stage', async () => {
  const sessions = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
  const run = sessions.run;
  let counted = 0;
  sessions.run = function (this: ort.InferenceSession, feeds: ort.InferenceSession.FeedsType, ...rest: unknown[]) {
    const x = feeds.x as ort.Tensor | undefined;
    if (x && this.outputNames.length === 1 && x.dims.length === 4) counted += x.dims[0];
    return (run as (...a: unknown[]) => ReturnType<typeof run>).call(this, feeds, ...rest);
  } as typeof run;
  try {
    // Loading runs the output-kind probe once per model, outside any image's passes.
    await (await loadModel(fixedModel)).release();
    const atLoad = counted;
    counted = 0;
    // Stratified (the budget below the 50 outcomes): Monte Carlo runs the model, and finite differences run it too.
    const r = await modelOf(params(fixedModel, square, 'Compose([RandomCrop(12, padding=2), RandomHorizontalFlip()])', { gradient: 'fd', forwardBudget: 40, monteCarloSamples: 64 }));
    assert.equal(r.method, 'stratified');
    assert.equal(r.forwardPasses, counted - atLoad);
    assert.equal(r.passes.clean + r.passes.exactPath + r.passes.saliency + r.passes.monteCarlo, r.forwardPasses);
    assert.equal(r.passes.monteCarlo, 64);
    assert.equal(r.monteCarlo.source, 'model');
    assert.ok(r.passes.saliency > 0 && r.passes.saliency <= 40, `saliency passes ${r.passes.saliency} within --budget 40`);
  } finally {
    sessions.run = run;
  }
});

test('Monte Carlo draws the evaluated outcomes: no forward pass, the same series as running the drawn outcomes again', async () => {
  const policy = 'Compose([RandomCrop(12, padding=1), RandomHorizontalFlip()])';
  const r = await modelOf(params(fixedModel, square, policy, { gradient: 'none', monteCarloSamples: 300 }));
  assert.equal(r.method, 'exact');
  assert.equal(r.monteCarlo.source, 'evaluated outcomes');
  assert.equal(r.passes.monteCarlo, 0);
  assert.equal(r.forwardPasses, 1 + 18);
  const img = loadInputImage(square);
  const set = [...outcomes(compilePolicy(parsePolicy(policy), img).lift(pointMixture(img)))];
  const weights = Float64Array.from(set, (o) => o.weight);
  const model = await loadModel(fixedModel);
  try {
    const runner = new ModelRunner(model, planPreprocessing({ preset: 'unit' }, model));
    const rows = await runner.runBatch(set.map((o) => o.image));
    const known = evaluatedOutcomes(weights, Float64Array.from(rows, (row) => crossEntropy(row, 'logits', r.clean.target)));
    const rerun = {
      kind: 'outcomes' as const,
      weights,
      loss: async (ids: readonly number[]) => (await runner.runBatch(ids.map((i) => set[i].image))).map((row) => crossEntropy(row, 'logits', r.clean.target)),
    };
    const opts = { samples: 300, confidence: 0.95, seed: 1 };
    const a = await lossConvergence(known, opts, () => {});
    const before = runner.passes;
    const b = await lossConvergence(rerun, opts, () => {});
    assert.equal(runner.passes - before, 300, 'the re-run source runs the model once per draw');
    assert.deepEqual(a.samples, b.samples);
    a.estimate.forEach((v, i) => assert.ok(Math.abs(v - b.estimate[i]) < 1e-6, `${v} vs ${b.estimate[i]}`));
    // The report's series is the known-loss one with seed + 1.
    assert.deepEqual(r.monteCarlo.estimate, a.estimate);
  } finally {
    await model.release();
  }
});

test('a randomized-rule policy draws Monte Carlo from the rule\'s evaluated points', async () => {
  const r = await modelOf(params(fixedModel, square, 'RandomRotation(20)', { gradient: 'none', forwardBudget: 256, monteCarloSamples: 100 }));
  assert.equal(r.method, 'quadrature');
  assert.equal(r.monteCarlo.source, 'evaluated outcomes');
  assert.equal(r.passes.monteCarlo, 0);
  assert.equal(r.forwardPasses, 1 + r.passes.exactPath);
});

test('finite-difference saliency stays within --budget, coarsening its blocks, and is skipped (saying why) below its minimum', async () => {
  const policy = 'Compose([RandomCrop(12, padding=1), RandomHorizontalFlip()])';
  const within = await modelOf(params(fixedModel, square, policy, { gradient: 'fd', forwardBudget: 64 }));
  const s = within.saliency as SaliencyReport;
  assert.equal(s.method, 'central differences (requested with --gradient fd)');
  assert.equal(s.fallbackReason, null);
  assert.ok(within.passes.saliency <= 64 && within.passes.saliency === s.evaluations, `${within.passes.saliency} passes`);
  const finer = await modelOf(params(fixedModel, square, policy, { gradient: 'fd', forwardBudget: 4096 }));
  assert.ok(finer.passes.saliency > 64, 'a larger budget buys finer blocks');
  const skipped = await modelOf(params(fixedModel, square, policy, { gradient: 'fd', forwardBudget: 16 }));
  assert.equal(skipped.saliency.method, 'none');
  assert.match((skipped.saliency as { skipped: string }).skipped, /at least \d+ forward passes, over the budget of 16/);
  assert.equal(skipped.analytic, null);
  assert.equal(skipped.passes.saliency, 0);
});

test('--gradient none: no saliency, no passes for it, the block says so', async () => {
  const result = await analyze(params(fixedModel, square, 'RandomHorizontalFlip()', { gradient: 'none' }), quiet);
  const r = result.report.images[0].model!;
  assert.deepEqual(r.saliency, { method: 'none', requested: 'none', skipped: 'switched off (--gradient none)' });
  assert.equal(r.passes.saliency, 0);
  assert.equal(result.arrays[0].saliency, undefined);
});

test('--gradient graph on an operator without a gradient rule still writes the exact moments, the saliency block saying why', async () => {
  const r = await modelOf(params(sinModel, square, 'RandomHorizontalFlip()', { gradient: 'graph' }));
  assert.equal(r.method, 'exact');
  assert.ok(Number.isFinite(r.expectedLoss));
  assert.equal(r.saliency.method, 'none');
  assert.match((r.saliency as { skipped: string }).skipped, /^--gradient graph: the gradient graph cannot be built: 1 operator type without a usable gradient rule: Sin x 1 \(node Sin_/);
  // auto falls back to finite differences on the same model, labelled as the fallback.
  const auto = await modelOf(params(sinModel, square, 'RandomHorizontalFlip()'));
  assert.match(auto.saliency.method, /fallback: the gradient graph is unavailable/);
  assert.match((auto.saliency as SaliencyReport).fallbackReason!, /Sin x 1/);
});
