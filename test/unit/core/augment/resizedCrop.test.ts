import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { roundHalfEven } from '../../../../src/core/augment/geometry';
import { pointMixture } from '../../../../src/core/augment/mixture';
import { resizedCropLaw } from '../../../../src/core/augment/resizedCropLaw';
import { lawOfMixture } from '../../../../src/core/moments/pixelLaw';
import { continuousMoments } from '../../../../src/core/moments/continuousMoments';
import { sampleMoments } from '../../../../src/core/montecarlo/sampler';
import type { RandomResizedCropSpec } from '../../../../src/core/policy/types';
import { createRng, type Rng } from '../../../../src/core/rng';
import { randomImage } from '../moments/bruteForce';

const rrc = (size: number, rest: Partial<RandomResizedCropSpec> = {}): RandomResizedCropSpec => ({
  kind: 'RandomResizedCrop', size: [size, size], scale: [0.08, 1], ratio: [3 / 4, 4 / 3], interpolation: 'bilinear', antialias: true, ...rest,
});

/** torchvision's get_params, written out independently of the law under test: ten attempts, then the fallback. */
function torchvisionDraw(rng: Rng, height: number, width: number, scale: readonly [number, number], ratio: readonly [number, number]) {
  const area = height * width;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * rng.next());
    const aspect = Math.exp(logRatio[0] + (logRatio[1] - logRatio[0]) * rng.next());
    const w = roundHalfEven(Math.sqrt(target * aspect));
    const h = roundHalfEven(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) return `${h}x${w}`;
  }
  return 'fallback';
}

function chiSquare(height: number, width: number, scale: [number, number], ratio: [number, number], n: number) {
  const law = resizedCropLaw(height, width, scale, ratio);
  const expected = new Map(law.sizes.map((c) => [`${c.h}x${c.w}`, c.p]));
  expected.set('fallback', law.fallback.p);
  const total = [...expected.values()].reduce((s, p) => s + p, 0);
  assert.ok(Math.abs(total - 1) < 1e-12, `probabilities sum to ${total}`);
  const observed = new Map<string, number>();
  const rng = createRng(7);
  for (let i = 0; i < n; i++) {
    const key = torchvisionDraw(rng, height, width, scale, ratio);
    assert.ok(key === 'fallback' || expected.has(key), `drew ${key}, which the law gives probability 0`);
    observed.set(key, (observed.get(key) ?? 0) + 1);
  }
  // Cells with fewer than 5 expected draws are pooled.
  let chi2 = 0;
  let dof = -1;
  let pooledE = 0;
  let pooledO = 0;
  for (const [key, p] of expected) {
    if (n * p < 5) {
      pooledE += n * p;
      pooledO += observed.get(key) ?? 0;
      continue;
    }
    chi2 += ((observed.get(key) ?? 0) - n * p) ** 2 / (n * p);
    dof++;
  }
  if (pooledE > 0) {
    chi2 += (pooledO - pooledE) ** 2 / Math.max(pooledE, 1);
    dof++;
  }
  return { chi2, dof, law };
}

test('RandomResizedCrop: the exact (h, w) law matches a simulation of torchvision\'s ten attempts (chi-square)', () => {
  for (const [h, w, scale, ratio] of [
    [9, 13, [0.08, 1], [3 / 4, 4 / 3]],
    [12, 7, [0.3, 1.6], [0.5, 2]],
    [10, 10, [0.5, 0.5], [3 / 4, 4 / 3]],
    [10, 10, [0.2, 0.9], [1.2, 1.2]],
  ] as [number, number, [number, number], [number, number]][]) {
    const { chi2, dof } = chiSquare(h, w, scale, ratio, 200000);
    // Wilson-Hilferty 1e-4 upper quantile bound, as in the sampler test.
    assert.ok(chi2 < dof + 3.72 * Math.sqrt(2 * dof) + 4, `${h}x${w} scale ${scale} ratio ${ratio}: chi2 ${chi2.toFixed(1)} with ${dof} dof`);
  }
  // A scale range mostly above the image area: many rejections, and the fallback takes (1 - q)^10.
  const { law } = chiSquare(12, 7, [0.3, 1.6], [0.5, 2], 1);
  assert.ok(law.fallback.p > 1e-6 && Math.abs(law.fallback.p - (1 - law.acceptance) ** 10) < 1e-15);
  assert.deepEqual({ h: law.fallback.h, w: law.fallback.w, top: law.fallback.top, left: law.fallback.left }, { h: 12, w: 7, top: 0, left: 0 });
  const wide = resizedCropLaw(5, 40, [0.9, 1], [3 / 4, 4 / 3]).fallback;
  assert.deepEqual({ h: wide.h, w: wide.w, top: wide.top, left: wide.left }, { h: 5, w: 7, top: 0, left: 16 });
});

test('RandomResizedCrop on a small image: exact enumeration, moments within the Monte-Carlo bound of the sampler', () => {
  const img = randomImage(3, 8, 9, 12);
  const step = compilePolicy(rrc(6), img);
  assert.equal(step.quadrature, undefined, 'enumerated exactly');
  const exact = lawOfMixture(step.lift(pointMixture(img)));
  const n = 20000;
  const mc = sampleMoments(step, img, { samples: n, seed: 5 });
  const variance = exact.second.map((s, i) => s - exact.mean[i] ** 2);
  // Each pixel's sample mean is off by about sqrt(var / n): allow 5 standard errors.
  for (let i = 0; i < variance.length; i++) {
    assert.ok(Math.abs(mc.mean[i] - exact.mean[i]) < 5 * Math.sqrt(variance[i] / n) + 1e-12, `pixel ${i}`);
  }
});

test('RandomResizedCrop past the enumeration limit: a randomized lattice rule whose error estimate is honest', async () => {
  const img = randomImage(1, 40, 44, 3);
  const c = await continuousMoments(img, { kind: 'Compose', transforms: [rrc(12), { kind: 'RandomHorizontalFlip', p: 0.5 }] }, {
    topK: 2, level: 0, eigenOutcomes: 4000, eigenValues: 1e8, randomized: { tolerance: 0.01, replicates: 8, firstPoints: 16, maxDraws: 8192, seed: 1 },
  });
  assert.equal(c.quadrature.pixelMethod, 'randomized');
  const step = compilePolicy(rrc(12), img);
  const mc = sampleMoments(compilePolicy({ kind: 'Compose', transforms: [rrc(12), { kind: 'RandomHorizontalFlip', p: 0.5 }] }, img), img, { samples: 40000, seed: 9 });
  const rel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    Math.sqrt(Array.from(b, (v, i) => (a[i] - v) ** 2).reduce((x, y) => x + y, 0) / Array.from(b, (v) => v * v).reduce((x, y) => x + y, 0));
  // Monte Carlo's own relative error on the mean map: sqrt(tr Cov / n) / ||mean||.
  const mcError = Math.sqrt(c.pixel.totalVariance / 40000) / Math.sqrt(c.pixel.mean.reduce((s, v) => s + v * v, 0));
  const err = rel(c.pixel.mean, mc.mean);
  assert.ok(err < 3 * mcError + 3 * c.quadrature.meanError!, `mean differs by ${err} (MC ${mcError}, estimate ${c.quadrature.meanError!})`);
  assert.ok(step.quadrature);
  assert.equal(c.quadrature.refinedNodes, c.quadrature.randomized!.draws);
  assert.equal(c.quadrature.randomized!.toleranceMet, c.quadrature.meanError! <= 0.01 && c.quadrature.varianceError! <= 0.01);
});
