import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../src/core/augment/compile';
import { pointMixture } from '../../../src/core/augment/mixture';
import type { Image } from '../../../src/core/image';
import { argmax, crossEntropy } from '../../../src/core/outputs/classifier';
import { cleanPrediction } from '../../../src/core/outputs/outputMoments';
import { parsePolicy } from '../../../src/core/policy';
import { createRng, type Rng } from '../../../src/core/rng';
import { countingModel } from '../../../src/engine/analysis/forward';
import { OutcomeIndex } from '../../../src/engine/analysis/outcomeIndex';
import { quadratureModelMoments } from '../../../src/engine/analysis/quadratureModelMoments';
import { randomImage } from '../core/bruteForce';

const CLASSES = 3;
const img = randomImage(1, 10, 10, 5);
const policy = parsePolicy('RandomRotation(40, interpolation=InterpolationMode.BILINEAR, fill=0.3)');
const rng = createRng(11);
const weights = Float64Array.from({ length: CLASSES * img.data.length }, () => 2 * (rng.next() - 0.5));

/** A linear classifier: the loss is smooth between the bilinear kinks, so the rules converge fast. */
function logits(x: Image): Float32Array {
  const d = x.data.length;
  return Float32Array.from({ length: CLASSES }, (_, k) => x.data.reduce((s, v, i) => s + weights[k * d + i] * v, 0));
}

const clean = cleanPrediction(logits(img), 'logits');
const outcomesAt = (level: number) => new OutcomeIndex(compilePolicy(policy, img, { level }).lift(pointMixture(img)));
const settings = (budget: number, tolerance: number) => ({ budget, tolerance, confidence: 0.95, seed: 3 });
const quiet = () => {};

/** E[loss], Std[loss] and the flip rate by brute force: the sampler fed the midpoints of `n` cells of its draw. */
function bruteForce(n: number) {
  const step = compilePolicy(policy, img);
  let [mean, second, flips] = [0, 0, 0];
  for (let j = 0; j < n; j++) {
    const draw: Rng = { next: () => (j + 0.5) / n };
    const row = logits(step.sample(img, draw));
    const loss = crossEntropy(row, 'logits', clean.target);
    mean += loss / n;
    second += (loss * loss) / n;
    flips += argmax(row) !== clean.top1 ? 1 / n : 0;
  }
  return { expectedLoss: mean, stdLoss: Math.sqrt(second - mean * mean), flipRate: flips };
}

test('continuous policy: the model engine refines the rule until the loss moments settle, and the error estimate covers brute-force integration', async () => {
  const model = countingModel(async (images) => images.map(logits));
  const result = await quadratureModelMoments(outcomesAt, model, clean, settings(100_000, 0.01), quiet);
  assert.equal(result.method, 'quadrature');
  const { levels, error } = result.quadrature!;
  assert.ok(levels.length >= 2 && error, `levels: ${levels.map((l) => l.nodes)}`);
  assert.deepEqual(
    levels.map((l) => l.nodes),
    levels.map((_, i) => levels[0].nodes * 2 ** i),
    'each level doubles the nodes',
  );
  assert.equal(model.passes, levels.reduce((s, l) => s + l.nodes, 0));
  assert.match(result.note, /converged to 0.01 over the last two refinements/);

  const truth = bruteForce(200_000);
  const m = result.moments;
  assert.ok(truth.stdLoss > 0.05 * truth.expectedLoss, 'the rotation moves the loss');
  assert.ok(Math.abs(m.expectedLoss - truth.expectedLoss) <= error.expectedLoss + 1e-9, `E[loss] ${m.expectedLoss} +- ${error.expectedLoss} vs ${truth.expectedLoss}`);
  assert.ok(Math.abs(m.stdLoss - truth.stdLoss) <= error.stdLoss + 1e-9, `Std[loss] ${m.stdLoss} +- ${error.stdLoss} vs ${truth.stdLoss}`);
  assert.ok(Math.abs(m.flipRate - truth.flipRate) <= error.flipRate, `flip rate ${m.flipRate} +- ${error.flipRate} vs ${truth.flipRate}`);
  assert.ok(error.expectedLoss <= 0.01 * m.expectedLoss && error.stdLoss <= 0.01 * m.stdLoss && error.flipRate <= 0.01);
});

test('continuous policy: the budget stops the refinement and says so; a first level over the budget is sampled', async () => {
  const nodes = outcomesAt(0).size;
  const single = await quadratureModelMoments(outcomesAt, countingModel(async (images) => images.map(logits)), clean, settings(2 * nodes, 1e-9), quiet);
  assert.equal(single.quadrature!.levels.length, 1);
  assert.equal(single.quadrature!.error, null);
  assert.match(single.note, new RegExp(`the next refinement \\(${2 * nodes} nodes\\) would pass the forward-pass budget of ${2 * nodes}; the quadrature error is not estimated`));

  const two = await quadratureModelMoments(outcomesAt, countingModel(async (images) => images.map(logits)), clean, settings(3 * nodes, 1e-9), quiet);
  const [a, b] = two.quadrature!.levels;
  assert.deepEqual(two.quadrature!.error, {
    expectedLoss: Math.abs(b.expectedLoss - a.expectedLoss),
    stdLoss: Math.abs(b.stdLoss - a.stdLoss),
    flipRate: Math.abs(b.flipRate - a.flipRate),
  });

  const sampled = await quadratureModelMoments(outcomesAt, countingModel(async (images) => images.map(logits)), clean, settings(nodes - 1, 0.01), quiet);
  assert.equal(sampled.method, 'stratified');
  assert.deepEqual(sampled.quadrature, { levels: [], error: null });
  assert.match(sampled.note, /quadrature rule's values, whose own error is not estimated/);
});
