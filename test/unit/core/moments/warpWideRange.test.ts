import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { pointMixture } from '../../../../src/core/augment/mixture';
import { foldedPoint, foldUniform, type FoldedInterval } from '../../../../src/core/augment/warp/foldedRange';
import { lawOfMixture } from '../../../../src/core/moments/pixelLaw';
import { streamPixelMoments } from './streamMoments';
import type { Image } from '../../../../src/core/image';
import type { RandomAffineSpec, RandomRotationSpec, TransformSpec } from '../../../../src/core/policy/types';
import { randomImage } from './bruteForce';
import { fineGridMoments, maxAbs } from './fineGrid';

// Ranges wider than a period (the warp depends on the angle modulo 360 degrees, on a shear modulo 180), extreme
// scale ranges and far rotation centres, against brute force over torchvision's own draws (the sampler).

const rotation = (lo: number, hi: number, interpolation: 'nearest' | 'bilinear' = 'nearest', rest: Partial<RandomRotationSpec> = {}): RandomRotationSpec => ({
  kind: 'RandomRotation', degrees: [lo, hi], interpolation, expand: false, center: null, fill: 0.3, ...rest,
});
const affine = (rest: Partial<RandomAffineSpec>): RandomAffineSpec => ({
  kind: 'RandomAffine', degrees: [0, 0], translate: null, scale: null, shear: null, interpolation: 'nearest', fill: 0.3, center: null, ...rest,
});

function exactLaw(spec: TransformSpec, img: Image) {
  const law = compilePolicy(spec, img).pixelLaw!(lawOfMixture(pointMixture(img)));
  assert.ok(law, 'an exact per-pixel route exists');
  return law;
}

/** The exact route against a midpoint grid over the sampler's draws (a NaN anywhere fails the comparison). */
function checkAgainstGrid(spec: TransformSpec, img: Image, grid: number[], tolerance: number): void {
  const law = exactLaw(spec, img);
  const brute = fineGridMoments(compilePolicy(spec, img), [{ weight: 1, image: img }], grid);
  const errors = [maxAbs(law.mean, brute.mean), maxAbs(law.second, brute.second)];
  assert.ok(errors.every((e) => e < tolerance), `mean and second moment differ by ${errors.join(', ')}`);
}

/** Mean of cos(x) + sin(3x)^2 (x in degrees) over [lo, hi], in closed form. */
function periodicMean(lo: number, hi: number): number {
  const r = Math.PI / 180;
  const cosPart = (Math.sin(hi * r) - Math.sin(lo * r)) / r;
  const sin2Part = (hi - lo) / 2 - (Math.sin(6 * hi * r) - Math.sin(6 * lo * r)) / (12 * r);
  return (cosPart + sin2Part) / (hi - lo);
}

const mixtureMean = (intervals: readonly FoldedInterval[]) => intervals.reduce((s, f) => s + f.weight * periodicMean(f.lo, f.hi), 0);

test('foldUniform: whole periods plus the remainder, weighted as the uniform law on the whole range', () => {
  assert.deepEqual(foldUniform(-200, 200, 360), [{ lo: -200, hi: 160, weight: 0.9 }, { lo: -200, hi: -160, weight: 0.1 }]);
  assert.deepEqual(foldUniform(-10, 15, 360), [{ lo: -10, hi: 15, weight: 1 }]);
  assert.deepEqual(foldUniform(-350, 370, 360), [{ lo: -350, hi: 10, weight: 1 }]);
  assert.deepEqual(foldUniform(1e9 + 5, 1e9 + 185, 180), [{ lo: 105, hi: 285, weight: 1 }]);
  for (const [lo, hi] of [[-200, 200], [-1234.5, 98765.25], [-1e9, 1e9], [7, 30], [-1e9, 1e9 + 123.5]]) {
    const intervals = foldUniform(lo, hi, 360);
    assert.ok(Math.abs(intervals.reduce((s, f) => s + f.weight, 0) - 1) < 1e-15);
    assert.ok(Math.abs(mixtureMean(intervals) - periodicMean(lo, hi)) < 1e-9, `[${lo}, ${hi}]`);
    // foldedPoint sends the uniform law on [0, 1] to the mixture: a midpoint rule in u converges to its mean.
    const n = 200000;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const x = (foldedPoint(intervals, (k + 0.5) / n) * Math.PI) / 180;
      sum += Math.cos(x) + Math.sin(3 * x) ** 2;
    }
    assert.ok(Math.abs(sum / n - mixtureMean(intervals)) < 1e-6, `[${lo}, ${hi}]: ${sum / n} vs ${mixtureMean(intervals)}`);
  }
});

// A 28x28 image puts more crossings per pixel than the breakpoint buffer once held (NaN before the fold).
test('RandomRotation over 400, 730 and 1010 degrees: exact per-pixel moments equal a fine grid', () => {
  checkAgainstGrid(rotation(-365, 365), randomImage(1, 28, 28, 9), [60000], 5e-4);
  checkAgainstGrid(rotation(-150, 250, 'bilinear'), randomImage(1, 28, 28, 9), [4000], 2e-5);
  checkAgainstGrid(rotation(-1000, 10, 'bilinear', { center: [1, 2] }), randomImage(1, 7, 6, 5), [16000], 1e-6);
  checkAgainstGrid(rotation(-150, 250), randomImage(3, 7, 8, 21), [60000], 2e-4);
});

test('RandomAffine over two turns with whole-pixel translations: exact per pixel', () => {
  checkAgainstGrid(affine({ degrees: [-365, 365], translate: [0.25, 0.3], interpolation: 'bilinear' }), randomImage(3, 7, 8, 21), [600, 8, 21], 5e-5);
});

// Bilinear in the scale is a polynomial in 1 / t: a piece spanning t in [0.5, 1000] needs geometric subdivision.
test('scale ranges near the extremes: exact per-pixel moments equal a fine grid', () => {
  const img = randomImage(1, 7, 6, 5);
  checkAgainstGrid(affine({ scale: [0.001, 1000] }), img, [30000], 1e-4);
  checkAgainstGrid(affine({ scale: [0.001, 1000], interpolation: 'bilinear' }), img, [30000], 5e-6);
  checkAgainstGrid(affine({ scale: [0.02, 50], degrees: [30, 30], interpolation: 'bilinear' }), randomImage(3, 7, 8, 21), [20000], 5e-6);
});

// The old code walked every period (minutes for 1e9 degrees) and every level a far centre sweeps: the timeout
// guards against a hang, the numbers against a wrong fold.
test('absurd ranges: RandomRotation(1e9) is the full-turn law, a far centre matches the fine grid', { timeout: 60_000 }, () => {
  const img = randomImage(1, 28, 28, 9);
  const wide = exactLaw(rotation(-1e9, 1e9, 'bilinear'), img);
  // [-1e9, 1e9] is 5555555 turns plus 200 degrees: the remainder weighs 1e-7.
  const turn = exactLaw(rotation(-180, 180, 'bilinear'), img);
  assert.ok(maxAbs(wide.mean, turn.mean) < 1e-6 && maxAbs(wide.second, turn.second) < 1e-6);
  const small = randomImage(1, 12, 12, 2);
  checkAgainstGrid(rotation(-10, 10, 'nearest', { center: [1e6, 1e6] }), small, [60000], 1e-4);
});

test('quadrature nodes of wide angle and shear ranges cover one period, and converge to brute force', () => {
  const img = randomImage(1, 7, 6, 5);
  const quadrature = (spec: TransformSpec, level: number) => streamPixelMoments(compilePolicy(spec, img, { level }).lift(pointMixture(img))).mean;
  const bilinear = { interpolation: 'bilinear', scale: [0.9, 1.1] } as const;
  // (-1e9, 1e9) folds to one turn from -1e9 mod 360 = -280 (weight 1 - 1e-7); (-1e6, 1e6) to the shear period
  // from -1e6 mod 180 = -100 (weight 1 - 1e-5).
  const wideAngle = affine({ degrees: [-1e9, 1e9], ...bilinear });
  assert.ok(maxAbs(quadrature(wideAngle, 1), quadrature(affine({ degrees: [-280, 80], ...bilinear }), 1)) < 1e-6);
  const wideShear = affine({ shear: [-1e6, 1e6, 0, 0], ...bilinear });
  assert.ok(maxAbs(quadrature(wideShear, 1), quadrature(affine({ shear: [-100, 80, 0, 0], ...bilinear }), 1)) < 1e-4);
  const brute = fineGridMoments(compilePolicy(affine({ degrees: [-180, 180], ...bilinear }), img), [{ weight: 1, image: img }], [2000, 50]).mean;
  const errors = [0, 2, 3].map((level) => maxAbs(quadrature(wideAngle, level), brute));
  assert.ok(errors[2] < 5e-3 && errors[2] < errors[1] && errors[1] < errors[0], `errors ${errors.join(', ')}`);
});
