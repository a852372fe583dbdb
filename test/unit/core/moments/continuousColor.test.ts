import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { outcomes, pointMixture } from '../../../../src/core/augment/mixture';
import { lawOfMixture } from '../../../../src/core/moments/pixelLaw';
import { continuousMoments } from '../../../../src/core/moments/continuousMoments';
import type { ColorJitterSpec, GaussianBlurSpec, TransformSpec } from '../../../../src/core/policy/types';
import type { Image } from '../../../../src/core/image';
import { bruteMoments, randomImage } from './bruteForce';
import { fineGridMoments, maxAbs } from './fineGrid';
import { compose, crop, hflip } from './specs';

const jitter = (j: Partial<ColorJitterSpec>): ColorJitterSpec => ({ kind: 'ColorJitter', brightness: null, contrast: null, saturation: null, hue: null, ...j });
const blur = (k: number, sigma: [number, number]): GaussianBlurSpec => ({ kind: 'GaussianBlur', kernelSize: [k, k], sigma });

function inputsOf(prefix: TransformSpec | null, img: Image) {
  return prefix ? [...outcomes(compilePolicy(prefix, img).lift(pointMixture(img)))] : [{ weight: 1, image: img }];
}

/** Exact per-pixel route against a midpoint grid of the step's draws, over the exact outcomes of `prefix`. */
function checkExact(spec: TransformSpec, img: Image, prefix: TransformSpec | null, grid: number[], tolerance: number) {
  const law = compilePolicy(prefix ? compose(prefix, spec) : spec, img).pixelLaw!(lawOfMixture(pointMixture(img)));
  assert.ok(law, 'an exact per-pixel route exists');
  const inputs = inputsOf(prefix, img);
  const brute = fineGridMoments(compilePolicy(spec, inputs[0].image), inputs, grid);
  assert.ok(maxAbs(law.mean, brute.mean) < tolerance, `mean differs by ${maxAbs(law.mean, brute.mean)}`);
  assert.ok(maxAbs(law.second, brute.second) < tolerance, `second moment differs by ${maxAbs(law.second, brute.second)}`);
}

// Images with values near 0 and 1 so that the clamps of every blend are hit.
const img = randomImage(3, 5, 6, 33);
const bright = { ...img, data: img.data.map((v) => Math.min(1, 1.4 * v)) };
const gray = randomImage(1, 5, 4, 2);

// One adjustment is piecewise linear in its factor (kinks where a blend crosses 0 or 1): the midpoint grid is off by
// O(1/N^2), the float32 outcome images by 1e-7.
test('ColorJitter with one adjustment: exact per-pixel moments (clamping kinks) equal a fine grid', () => {
  checkExact(jitter({ brightness: [0.3, 1.9] }), bright, null, [20000], 1e-6);
  checkExact(jitter({ saturation: [0, 2.5] }), bright, null, [20000], 1e-6);
  checkExact(jitter({ hue: [-0.5, 0.5] }), img, null, [20000], 1e-6);
  checkExact(jitter({ hue: [-0.1, 0.3] }), img, null, [20000], 1e-6);
  checkExact(jitter({ contrast: [0, 3] }), bright, null, [20000], 1e-6);
  checkExact(jitter({ brightness: [0.5, 1.5] }), gray, null, [20000], 1e-6);
  checkExact(jitter({ contrast: [0.2, 1.8], saturation: [1, 1] }), gray, null, [20000], 1e-6);
});

test('contrast blends with each outcome\'s own grayscale mean; pointwise adjustments act on the canvases', () => {
  checkExact(jitter({ contrast: [0.3, 2.2] }), bright, compose(crop(4, 1, 'edge'), hflip(0.4)), [4000], 1e-6);
  checkExact(jitter({ hue: [-0.3, 0.2] }), img, compose(crop(4, 1, 'reflect'), hflip(0.4)), [4000], 1e-6);
  checkExact(jitter({ brightness: [0.6, 1.6] }), bright, compose(crop(4, 2, 'constant', 0.9), hflip()), [4000], 1e-6);
});

/**
 * Several adjustments have no exact route: the quadrature (tensor Gauss x every order for two, a lattice over the
 * factors and the order for more) against a fine grid over the factors with every order exactly (the permutation
 * draws of Fisher-Yates take 2, 3, 4 values: grids of those sizes hit each order once).
 */
test('ColorJitter with several adjustments: the randomized rule within its reported error of a fine grid', async () => {
  const cases: [ColorJitterSpec, number[]][] = [
    [jitter({ brightness: [0.6, 1.4], contrast: [0.6, 1.4] }), [2, 300, 300]],
    [jitter({ brightness: [0.6, 1.4], contrast: [0.6, 1.4], saturation: [0.6, 1.4], hue: [-0.1, 0.1] }), [4, 3, 2, 9, 9, 9, 9]],
  ];
  for (const [spec, grid] of cases) {
    const c = await continuousMoments(bright, spec, { topK: 0, level: 0, eigenOutcomes: 1000, eigenValues: 1e7, randomized: { tolerance: 0.01, replicates: 8, firstPoints: 16, maxDraws: 8192, seed: 1 } });
    assert.equal(c.quadrature.pixelMethod, 'randomized');
    const brute = fineGridMoments(compilePolicy(spec, bright), [{ weight: 1, image: bright }], grid);
    const variance = brute.second.map((s, i) => s - brute.mean[i] ** 2);
    const rel = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      Math.sqrt(Array.from(b, (v, i) => (a[i] - v) ** 2).reduce((x, y) => x + y, 0) / Array.from(b, (v) => v * v).reduce((x, y) => x + y, 0));
    const meanErr = rel(c.pixel.mean, brute.mean);
    const varErr = rel(c.pixel.variance, variance);
    // The grid itself is off by O(h^2) at the kinks (about 1e-3 for 9 points): allow that beside the estimate.
    const slack = grid.length > 3 ? 5e-3 : 1e-4;
    assert.ok(meanErr <= 3 * c.quadrature.meanError! + slack, `mean error ${meanErr} vs estimate ${c.quadrature.meanError!}`);
    assert.ok(varErr <= 3 * c.quadrature.varianceError! + slack, `variance error ${varErr} vs estimate ${c.quadrature.varianceError!}`);
    assert.ok(c.quadrature.varianceError! < 0.05);
  }
});

test('ColorJitter: the sampler runs the active adjustments in a uniformly random order', () => {
  const spec = jitter({ brightness: [1.5, 1.5], contrast: [0.2, 0.2] });
  const step = compilePolicy(spec, bright);
  // Fixed factors: brightness-then-contrast and contrast-then-brightness are the two outcomes, half each.
  const set = step.enumerate(bright);
  assert.equal(set.length, 2);
  assert.ok(set.every((o) => o.weight === 0.5));
  assert.ok(maxAbs(set[0].image.data, set[1].image.data) > 1e-3, 'the two orders differ');
  const exact = compilePolicy(spec, bright).pixelLaw!(lawOfMixture(pointMixture(bright)))!;
  const brute = bruteMoments(set);
  assert.ok(maxAbs(exact.mean, brute.mean) < 1e-12);
});

test('RandomGrayscale: exact, on the canvases of a crop family', () => {
  const spec = compose(crop(4, 1, 'reflect'), { kind: 'RandomGrayscale', p: 0.3 }, hflip());
  const step = compilePolicy(spec, img);
  const law = lawOfMixture(step.lift(pointMixture(img)));
  const brute = bruteMoments(step.enumerate(img));
  assert.ok(maxAbs(law.mean, brute.mean) < 1e-12);
  assert.ok(maxAbs(law.second, brute.variance.map((v, i) => v + brute.mean[i] ** 2)) < 1e-12);
  assert.equal(step.lift(pointMixture(img)).families.length, 4, 'two canvases per flip branch, windows kept');
});

// The blur is analytic in sigma: the doubled Gauss rule stops at machine precision; a midpoint grid is O(1/N^2).
test('GaussianBlur: per-pixel moments converged in sigma equal a fine grid, also after a crop', () => {
  checkExact(blur(3, [0.1, 2]), img, null, [3000], 1e-6);
  checkExact({ ...blur(5, [0.5, 1.5]), kernelSize: [5, 3] }, gray, null, [3000], 1e-6);
  checkExact(blur(3, [0.3, 3]), img, compose(crop(4, 1, 'reflect'), hflip()), [1000], 1e-6);
  assert.throws(() => compilePolicy(blur(13, [1, 2]), img), /reflect padding of 6x6, which must be smaller than the 5x6 image/);
});
