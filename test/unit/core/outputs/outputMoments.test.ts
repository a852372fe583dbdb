import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossEntropy, probabilities } from '../../../../src/core/outputs/classifier';
import {
  OutputMomentAccumulator, cleanPrediction, intervalWithin, samplesForLoss, samplesForRate, zForConfidence,
} from '../../../../src/core/outputs/outputMoments';
import { createRng } from '../../../../src/core/rng';

test('cross-entropy of logits equals -log softmax, and of probabilities -log p', () => {
  const z = [2, -1, 0.5];
  const p = probabilities(z, 'logits');
  assert.ok(Math.abs(p.reduce((s, v) => s + v, 0) - 1) < 1e-15);
  assert.ok(Math.abs(crossEntropy(z, 'logits', 2) + Math.log(p[2])) < 1e-14);
  assert.ok(Math.abs(crossEntropy(p, 'probabilities', 0) + Math.log(p[0])) < 1e-14);
  // Large logits do not overflow.
  assert.ok(Math.abs(crossEntropy([1000, 0], 'logits', 1) - 1000) < 1e-9);
});

test('weighted accumulation equals the two-pass weighted formulas', () => {
  const rng = createRng(4);
  const rows = Array.from({ length: 50 }, () => Array.from({ length: 4 }, () => 3 * rng.next() - 1));
  const weights = rows.map(() => rng.next());
  const total = weights.reduce((s, w) => s + w, 0);
  const w = weights.map((v) => v / total);
  const clean = cleanPrediction([0.3, 1.2, -0.4, 0.1], 'logits');
  const acc = new OutputMomentAccumulator(clean);
  rows.forEach((r, i) => acc.add(w[i], r));
  const res = acc.result();
  const losses = rows.map((r) => crossEntropy(r, 'logits', 1));
  const mean = losses.reduce((s, l, i) => s + w[i] * l, 0);
  const variance = losses.reduce((s, l, i) => s + w[i] * (l - mean) ** 2, 0);
  assert.ok(Math.abs(res.expectedLoss - mean) < 1e-13);
  assert.ok(Math.abs(res.stdLoss - Math.sqrt(variance)) < 1e-12);
  const flips = rows.reduce((s, r, i) => s + (r.indexOf(Math.max(...r)) !== 1 ? w[i] : 0), 0);
  assert.ok(Math.abs(res.flipRate - flips) < 1e-13);
  const p0 = rows.reduce((s, r, i) => s + w[i] * probabilities(r, 'logits')[0], 0);
  assert.ok(Math.abs(res.expectedProbabilities[0] - p0) < 1e-13);
});

test('NaN outputs are rejected with a message naming them', () => {
  const acc = new OutputMomentAccumulator(cleanPrediction([1, 2], 'logits'));
  assert.throws(() => acc.add(1, [NaN, 1], 'outcome 3'), /outcome 3: the model output NaN at class 0/);
  assert.throws(() => cleanPrediction([1, 2], 'logits', 5), /label 5 is not a class index of this model \(0..1\)/);
});

test('normal quantiles and sample-size formulas', () => {
  assert.ok(Math.abs(zForConfidence(0.95) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(zForConfidence(0.99) - 2.575829304) < 1e-8);
  assert.ok(Math.abs(zForConfidence(0.999) - 3.290526731) < 1e-8);
  assert.equal(samplesForLoss(1, 0.5, 0.01, 2), 10000);
  assert.equal(samplesForRate(0.5, 0.01, 2), 10000);
  assert.equal(samplesForLoss(1, 0, 0.01, 2), 1);
});

test('intervals are cut to the range of the quantity: no negative flip rate or loss, nothing above a rate of 1', () => {
  assert.deepEqual(intervalWithin(0.0625, 0.1225, [0, 1]), [0, 0.185]);
  assert.deepEqual(intervalWithin(0.95, 0.1, [0, 1]), [0.85, 1]);
  assert.deepEqual(intervalWithin(0.01, 0.05, [0, Infinity]), [0, 0.060000000000000005]);
  assert.deepEqual(intervalWithin(0.5, 0.1, [0, 1]), [0.4, 0.6]);
});
