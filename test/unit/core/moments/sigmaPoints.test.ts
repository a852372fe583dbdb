import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { pointMixture } from '../../../../src/core/augment/mixture';
import { imageMoments } from '../../../../src/core/moments/imageMoments';
import { pixelMoments } from '../../../../src/core/moments/pixelMoments';
import { sigmaPoints } from '../../../../src/core/moments/sigmaPoints';
import { bruteMoments, maxAbsDiff, randomImage } from './bruteForce';
import { compose, crop, hflip, normalize, translate } from './specs';

test('sigma points reproduce the mean and covariance of an outcome set', () => {
  const img = randomImage(1, 4, 6, 9);
  const m = compilePolicy(compose(crop(3, 2, 'reflect'), hflip()), img).lift(pointMixture(img));
  const exact = pixelMoments(m);
  const sigma = sigmaPoints(m, exact, 100, 0)!;
  const reduced = pixelMoments(sigma.mixture);
  assert.ok(sigma.rank * 2 < exact.outcomes);
  assert.ok(maxAbsDiff(reduced.mean, exact.mean) < 1e-6);
  assert.ok(maxAbsDiff(reduced.variance, exact.variance) < 1e-5);
});

test('a composition past the Gram limit is reduced before the blow-up, within its stated bound', async () => {
  const img = randomImage(1, 3, 3, 4);
  const policy = compose(crop(3, 3, 'edge'), translate(0.34, 0.34, 0.5), hflip(), normalize([0.5], [0.25]));
  const m = await imageMoments(img, policy, { topK: 3, tolerance: 0.01, gramLimit: 100 });
  assert.ok(m.reductions.length >= 1);
  assert.equal(m.reductions[0].before, 'RandomAffine');
  for (const r of m.reductions) assert.ok(r.rank * 2 < r.outcomesBefore);
  const bound = m.reductions.reduce((s, r) => s + r.varianceBound, 0);
  // Oracle: plain enumeration of the exact product of outcomes.
  const brute = bruteMoments(m.step.enumerate(img));
  assert.ok(maxAbsDiff(m.pixel.mean, brute.mean) < 1e-5, 'the mean is kept (float32 sigma points)');
  const err = m.pixel.variance.reduce((s, v, i) => s + Math.abs(v - brute.variance[i]), 0);
  assert.ok(err <= bound + 1e-4, `variance error ${err} above the bound ${bound}`);
  const trace = brute.variance.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(m.pixel.totalVariance - trace) <= bound + 1e-4 * trace);
  assert.ok(m.outcomes > 100, 'the exact outcome set is kept for the model');
});
