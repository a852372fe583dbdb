import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { outcomes, pointMixture } from '../../../../src/core/augment/mixture';
import { lawOfMixture } from '../../../../src/core/moments/pixelLaw';
import { streamPixelMoments } from './streamMoments';
import type { RandomAffineSpec, RandomRotationSpec, TransformSpec } from '../../../../src/core/policy/types';
import type { Image } from '../../../../src/core/image';
import { randomImage } from './bruteForce';
import { fineGridMoments, maxAbs } from './fineGrid';
import { compose, crop, hflip } from './specs';

const rotation = (degrees: number, interpolation: 'nearest' | 'bilinear' = 'nearest', rest: Partial<RandomRotationSpec> = {}): RandomRotationSpec => ({
  kind: 'RandomRotation', degrees: [-degrees, degrees], interpolation, expand: false, center: null, fill: 0, ...rest,
});
const affine = (rest: Partial<RandomAffineSpec>): RandomAffineSpec => ({
  kind: 'RandomAffine', degrees: [0, 0], translate: null, scale: null, shear: null, interpolation: 'nearest', fill: 0, center: null, ...rest,
});

/** The exact per-pixel route against a midpoint grid of `grid` points per continuous draw, over the exact prefix. */
function checkExact(spec: TransformSpec, img: Image, prefix: TransformSpec | null, grid: number[], tolerance: number) {
  const whole = compilePolicy(prefix ? compose(prefix, spec) : spec, img);
  const law = whole.pixelLaw!(lawOfMixture(pointMixture(img)));
  assert.ok(law, 'an exact per-pixel route exists');
  const inputs = prefix ? [...outcomes(compilePolicy(prefix, img).lift(pointMixture(img)))] : [{ weight: 1, image: img }];
  const last = compilePolicy(spec, inputs[0].image);
  const brute = fineGridMoments(last, inputs, grid);
  assert.ok(maxAbs(law.mean, brute.mean) < tolerance, `mean differs by ${maxAbs(law.mean, brute.mean)}`);
  assert.ok(maxAbs(law.second, brute.second) < tolerance, `second moment differs by ${maxAbs(law.second, brute.second)}`);
  return law;
}

const img = randomImage(3, 7, 8, 21);
const gray = randomImage(1, 9, 6, 4);

// Nearest: piecewise constant in the angle, so the midpoint grid is off by about (jumps per pixel) / N.
test('RandomRotation, nearest: piecewise-exact per-pixel moments equal a fine grid in the angle', () => {
  checkExact(rotation(30), img, null, [60000], 1e-3);
  checkExact(rotation(25, 'nearest', { fill: [0.2, 0.9, 0.4], center: [2, 5.5] }), img, null, [60000], 1e-3);
  checkExact({ ...rotation(0), degrees: [100, 170] }, gray, null, [60000], 2e-3);
});

// Bilinear: continuous with kinks, the grid converges as 1/N^2.
test('RandomRotation, bilinear (fill blended through the mask): exact per-pixel moments equal a fine grid', () => {
  checkExact(rotation(30, 'bilinear', { fill: 0.7 }), img, null, [4000], 1e-6);
  checkExact(rotation(40, 'bilinear', { center: [1, 1] }), gray, null, [4000], 1e-6);
});

test('rotation after crop + flip: exact through the finite input law (cross moments for bilinear)', () => {
  checkExact(rotation(12), img, compose(crop(6, 1, 'reflect'), hflip(0.3)), [20000], 2e-3);
  checkExact(rotation(12, 'bilinear', { fill: 0.5 }), img, compose(crop(6, 1, 'constant', 0.25), hflip(0.3)), [3000], 1e-6);
});

// Translations on a 7x8 image: tx = round(U(-2, 2)), ty = round(U(-2.1, 2.1)); grids of 8 and 21 midpoints put the
// rounding boundaries on cell edges, so they reproduce the discrete laws exactly.
test('RandomAffine: angle with whole-pixel translations, and scale alone, exact per pixel', () => {
  checkExact(affine({ degrees: [-20, 15], translate: [0.25, 0.3], fill: 0.6 }), img, null, [3000, 8, 21], 3e-3);
  checkExact(affine({ degrees: [-20, 15], translate: [0.25, 0.3], interpolation: 'bilinear' }), img, null, [400, 8, 21], 1e-5);
  checkExact(affine({ scale: [0.7, 1.3] }), img, null, [60000], 1e-3);
  checkExact(affine({ scale: [0.6, 1.5], degrees: [8, 8], interpolation: 'bilinear', shear: [5, 5, 0, 0] }), gray, null, [4000], 1e-6);
});

test('shared outcome sets converge to the exact moments as the composite rule is refined', () => {
  const spec = compose(crop(6, 1), rotation(60, 'bilinear'));
  const law = compilePolicy(spec, img).pixelLaw!(lawOfMixture(pointMixture(img)))!;
  const errors = [0, 1, 2].map((level) => {
    const m = streamPixelMoments(compilePolicy(spec, img, { level }).lift(pointMixture(img)));
    return maxAbs(m.mean, law.mean);
  });
  // Composite 2-point Gauss on kinked integrands: halving the panels divides the error by 2 to 4, down to the
  // float32 rounding of the outcome images.
  assert.ok(errors[0] > 1e-5, `errors ${errors.join(', ')}`);
  for (let i = 1; i < errors.length; i++) assert.ok(errors[i] < errors[i - 1] / 1.8 || errors[i] < 1e-6, `errors ${errors.join(', ')}`);
});

test('no exact route: two continuous affine parameters, expand=True refused', () => {
  const step = compilePolicy(affine({ degrees: [-10, 10], scale: [0.9, 1.1] }), img);
  assert.equal(step.pixelLaw!(lawOfMixture(pointMixture(img))), null);
  assert.equal(step.quadrature!.nodes, 16);
  assert.throws(() => compilePolicy(rotation(10, 'nearest', { expand: true }), img), /expand=True is not supported/);
});
