import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { pointMixture } from '../../../../src/core/augment/mixture';
import { pixelMoments } from '../../../../src/core/moments/pixelMoments';
import { covarianceEigen } from '../../../../src/core/moments/covarianceEigen';
import { sampleMoments } from '../../../../src/core/montecarlo/sampler';
import { samplesForMeanImage } from '../../../../src/core/moments/sampleSize';
import { createRng } from '../../../../src/core/rng';
import { randomImage } from '../moments/bruteForce';
import { compose, crop, hflip, randomApply, translate, vflip } from '../moments/specs';

const img = randomImage(3, 9, 8, 5);
const policy = compose(crop(7, 2, 'reflect'), hflip(0.5), randomApply(0.4, translate(0.2, 0.25, 0.5)), vflip(0.3));

test('the sampler draws outcomes with the enumerated probabilities (chi-square)', () => {
  const step = compilePolicy(policy, img);
  const outcomes = step.enumerate(img);
  const key = (d: ArrayLike<number>) => Array.from(d, (v) => v.toFixed(6)).join(',');
  const expected = new Map<string, number>();
  for (const o of outcomes) expected.set(key(o.image.data), (expected.get(key(o.image.data)) ?? 0) + o.weight);
  const n = 40000;
  const observed = new Map<string, number>();
  const rng = createRng(99);
  for (let i = 0; i < n; i++) {
    const k = key(step.sample(img, rng).data);
    assert.ok(expected.has(k), 'sampled an image that enumeration does not produce');
    observed.set(k, (observed.get(k) ?? 0) + 1);
  }
  let chi2 = 0;
  for (const [k, p] of expected) chi2 += ((observed.get(k) ?? 0) - n * p) ** 2 / (n * p);
  const dof = expected.size - 1;
  // Wilson-Hilferty: the 1e-4 upper quantile of chi-square(dof) is below dof + 3.72 sqrt(2 dof) + 4 for dof > 30.
  assert.ok(chi2 < dof + 3.72 * Math.sqrt(2 * dof) + 4, `chi2 ${chi2.toFixed(1)} with ${dof} degrees of freedom`);
});

test('Monte-Carlo mean lies within its statistical bound of the exact mean', () => {
  const step = compilePolicy(policy, img);
  const mixture = step.lift(pointMixture(img));
  const exact = pixelMoments(mixture);
  const lambda1 = covarianceEigen(mixture, exact, { k: 1 }).values[0];
  const n = 5000;
  const mc = sampleMoments(step, img, { samples: n, seed: 3 });
  let err2 = 0;
  for (let i = 0; i < exact.mean.length; i++) err2 += (mc.mean[i] - exact.mean[i]) ** 2;
  // n ||mu_n - mu||^2 has mean tr Cov and variance about 2 sum lambda^2 <= 2 lambda_1 tr Cov; allow 6 standard deviations.
  const sumL2 = lambda1 * exact.totalVariance;
  const bound = (exact.totalVariance + 6 * Math.sqrt(2 * sumL2)) / n;
  assert.ok(err2 < bound, `squared error ${err2} above ${bound}`);
  assert.ok(err2 > 0);
  const varErr = mc.variance().reduce((s, v, i) => s + (v - exact.variance[i]) ** 2, 0);
  const varNorm = exact.variance.reduce((s, v) => s + v * v, 0);
  assert.ok(Math.sqrt(varErr / varNorm) < 0.05, 'sampled variance map within 5% of the exact one');
});

test('samples needed for the mean image follow tr(Cov) / (eps^2 ||mu||^2)', () => {
  assert.equal(samplesForMeanImage(2, [1, 1], 0.1), 100);
  assert.equal(samplesForMeanImage(0.01, [3, 4], 0.01), 4);
  assert.equal(samplesForMeanImage(0, [0, 0], 0.01), 1);
});
