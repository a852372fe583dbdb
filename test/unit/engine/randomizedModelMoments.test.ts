import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../src/core/augment/compile';
import { argmax, crossEntropy } from '../../../src/core/outputs/classifier';
import { parsePolicy } from '../../../src/core/policy';
import { latticeSequence } from '../../../src/core/quadrature/latticeSequence';
import type { Rng } from '../../../src/core/rng';
import { countingModel } from '../../../src/engine/analysis/forward';
import { randomizedModelMoments } from '../../../src/engine/analysis/randomizedModelMoments';
import { randomImage } from '../core/moments/bruteForce';
import { linearClassifier } from './linearClassifier';

const CLASSES = 3;
const img = randomImage(1, 10, 10, 5);
const policy = parsePolicy('RandomRotation(40, interpolation=InterpolationMode.BILINEAR, fill=0.3)');
const step = compilePolicy(policy, img);
const { logits, clean } = linearClassifier(img, CLASSES, 11);
const quiet = () => {};
const R = 8;
const run = (seed: number, budget: number, tolerance: number) => {
  const sequence = latticeSequence(R, seed);
  const model = countingModel(async (images) => images.map(logits));
  const result = randomizedModelMoments((r, k) => ({ image: step.sample(img, sequence.point(r, k)) }), R, null, model, clean, { budget, tolerance, confidence: 0.95, firstPoints: 16 }, quiet);
  return { model, result };
};

/** E[loss], Std[loss] and the flip rate by brute force: the sampler fed the midpoints of `n` cells of its draw. */
function bruteForce(n: number) {
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

test('randomized lattice at the model level: points double, passes are counted, E[loss] within the tolerance is met and said', async () => {
  const { model, result } = run(3, 100_000, 0.01);
  const r = await result;
  assert.equal(r.method, 'quadrature');
  const q = r.quadrature!;
  assert.deepEqual(q.levels.map((l) => l.nodes), q.levels.map((_, i) => 16 * R * 2 ** i), 'each level doubles the points and keeps the old ones');
  assert.equal(model.passes, q.levels[q.levels.length - 1].nodes);
  const m = r.moments;
  assert.ok(q.error!.expectedLoss <= 0.01 * m.expectedLoss);
  assert.ok(q.levels.slice(0, -1).every((l) => l.halfWidths!.expectedLoss > 0.01 * l.expectedLoss), 'the rule stops at the first level within the tolerance');
  assert.match(r.note, /E\[loss\] within the tolerance 0.01/);
  const others = q.error!.stdLoss <= 0.01 * m.stdLoss && q.error!.flipRate <= 0.01;
  assert.equal(q.toleranceMet, others, 'toleranceMet: every interval within the tolerance');
  assert.match(r.note, q.error!.stdLoss <= 0.01 * m.stdLoss ? /Std\[loss\] within it too/ : /Std\[loss\] NOT within it/);
  assert.deepEqual(q.levels[q.levels.length - 1].halfWidths, q.error, 'each level carries its intervals; the last are the reported ones');
});

test('randomized lattice at the model level: the last level takes the points that still fit the budget, and the report says the tolerance was not met', async () => {
  const { model, result } = run(3, 180, 1e-6);
  const r = await result;
  assert.deepEqual(r.quadrature!.levels.map((l) => l.nodes), [16 * R, 22 * R], '16 points per replicate, then the 22 that fit 180 passes with the clean one (not the 32 of the next level)');
  assert.equal(model.passes, 176);
  assert.equal(r.quadrature!.toleranceMet, false);
  assert.match(r.note, /E\[loss\] NOT within the tolerance/);
});

test('the 95% intervals cover the truth in about 95% of independent randomizations', async () => {
  const truth = bruteForce(200_000);
  assert.ok(truth.stdLoss > 0.05 * truth.expectedLoss, 'the rotation moves the loss');
  const trials = 60;
  let covered = 0;
  for (let seed = 0; seed < trials; seed++) {
    const r = await run(100 + seed, 16 * R, 0.5).result;
    if (Math.abs(r.moments.expectedLoss - truth.expectedLoss) <= r.quadrature!.error!.expectedLoss + 1e-12) covered++;
  }
  // Binomial(60, 0.95): below 50 has probability < 1e-3; the brute force is itself off by ~1e-10.
  assert.ok(covered >= 50, `covered ${covered} of ${trials}`);
});

test('a draw whose prefix image matched no outcome of the control: the plain averages, and the note says why', async () => {
  const sequence = latticeSequence(R, 3);
  const settings = { budget: 16 * R + 1, tolerance: 0.5, confidence: 0.95, firstPoints: 16 };
  const control = { label: 'RandomCrop', description: 'the loss at the draw\'s RandomCrop outcome', outcomes: 0, mean: { loss: 1, loss2: 1, flip: 0 } };
  const draw = (r: number, k: number) => ({ image: step.sample(img, sequence.point(r, k)), control: r === 2 && k === 5 ? undefined : { loss: k, loss2: k * k, flip: 0 } });
  const withLost = await randomizedModelMoments(draw, R, control, countingModel(async (images) => images.map(logits)), clean, settings, quiet);
  const plain = await randomizedModelMoments((r, k) => ({ image: step.sample(img, sequence.point(r, k)) }), R, null, countingModel(async (images) => images.map(logits)), clean, settings, quiet);
  assert.match(withLost.note, /the control \(RandomCrop, 0 passes\) went unused: 1 draws matched none of its outcomes bit for bit/);
  assert.deepEqual(withLost.quadrature, plain.quadrature);
  assert.equal(withLost.moments.expectedLoss, plain.moments.expectedLoss);
});
