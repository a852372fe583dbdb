import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { outcomeCount, outcomes, pointMixture } from '../../../../src/core/augment/mixture';
import { lawOfMixture } from '../../../../src/core/moments/pixelLaw';
import { continuousMoments } from '../../../../src/core/moments/continuousMoments';
import { imageMoments } from '../../../../src/core/moments/imageMoments';
import type { ColorJitterSpec, RandomRotationSpec, TransformSpec } from '../../../../src/core/policy/types';
import { bruteCovariance, denseEigen, randomImage } from './bruteForce';
import { fineGridMoments, maxAbs } from './fineGrid';
import { compose, crop, hflip, normalize, randomApply } from './specs';

const rotation = (degrees: number, interpolation: 'nearest' | 'bilinear' = 'nearest', fill = 0): RandomRotationSpec => ({
  kind: 'RandomRotation', degrees: [-degrees, degrees], interpolation, expand: false, center: null, fill,
});
const jitter = (j: Partial<ColorJitterSpec>): ColorJitterSpec => ({ kind: 'ColorJitter', brightness: null, contrast: null, saturation: null, hue: null, ...j });
const img = randomImage(3, 7, 8, 41);

// Grids whose sizes match the discrete draws (10 for p = 0.3, the number of crop corners per axis) reproduce those
// laws exactly; the angle's midpoint grid converges as 1/N^2 for bilinear.
test('exact steps after a continuous one carry the per-pixel law: Normalize, flips, crops with a fill', () => {
  const cases: [TransformSpec, number[]][] = [
    [compose(rotation(20, 'bilinear', 0.3), normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.3])), [3000]],
    [compose(rotation(20, 'bilinear', 0.3), hflip(0.3), crop(5, 2, 'constant', 0.7)), [300, 10, 7, 8]],
    [compose(rotation(20, 'bilinear'), crop(6, 1, 'reflect')), [1000, 4, 5]],
  ];
  for (const [spec, grid] of cases) {
    const law = compilePolicy(spec, img).pixelLaw!(lawOfMixture(pointMixture(img)))!;
    assert.ok(law, 'exact route');
    const brute = fineGridMoments(compilePolicy(spec, img), [{ weight: 1, image: img }], grid);
    // Window steps run on float32 canvases (1e-7); the grid is off by O(1/N^2).
    assert.ok(maxAbs(law.mean, brute.mean) < 1e-4, `mean ${maxAbs(law.mean, brute.mean)}`);
    assert.ok(maxAbs(law.second, brute.second) < 1e-4, `second ${maxAbs(law.second, brute.second)}`);
  }
});

test('RandomApply around a rotation mixes the kept input with the exact rotated law', () => {
  const spec = compose(crop(6, 1), randomApply(0.4, rotation(15)));
  const law = compilePolicy(spec, img).pixelLaw!(lawOfMixture(pointMixture(img)))!;
  const inputs = [...outcomes(compilePolicy(crop(6, 1), img).lift(pointMixture(img)))];
  const brute = fineGridMoments(compilePolicy(randomApply(0.4, rotation(15)), inputs[0].image), inputs, [5, 4000]);
  assert.ok(maxAbs(law.mean, brute.mean) < 5e-3 && maxAbs(law.second, brute.second) < 5e-3, `${maxAbs(law.mean, brute.mean)}`);
});

test('two or more continuous steps share one lattice rule; a non-linear one after many outcomes joins it', async () => {
  const two = compilePolicy(compose(rotation(10), hflip(), jitter({ brightness: [0.6, 1.4], hue: [-0.1, 0.1] })), img, { level: 1 });
  assert.equal(two.parts!.length, 1);
  assert.match(two.quadrature!.rule, /rank-1 lattice rule, 512 points over the parameters of RandomRotation, RandomHorizontalFlip, ColorJitter/);
  assert.equal(outcomeCount(two.lift(pointMixture(img))), 512);
  // Crop (4 x 4 corners) x flip = 32 outcomes times ColorJitter's 64 lattice points stays below the threshold ...
  const small = compilePolicy(compose(crop(4), hflip(), jitter({ brightness: [0.6, 1.4], contrast: [0.6, 1.4], hue: [-0.1, 0.1] })), img);
  assert.equal(small.parts!.length, 3);
  // ... 5 x 5 x 2 x 64 x 4 rotation nodes would not: a rotation joins too.
  const big = compilePolicy(compose(crop(3, 1), hflip(), jitter({ contrast: [0.6, 1.4], saturation: [0.5, 1.5], hue: [-0.1, 0.1] })), randomImage(3, 40, 40, 1));
  assert.equal(big.parts!.length, 1, 'crop, flip and ColorJitter in one lattice rule');
  // The randomized rule integrates the same law as the sampler: its error estimate is honest against a fine grid.
  const c = await continuousMoments(img, compose(rotation(10, 'bilinear'), jitter({ brightness: [0.6, 1.4] })), { topK: 0, level: 0, eigenOutcomes: 1000, eigenValues: 1e7, randomized: { tolerance: 0.002, replicates: 8, firstPoints: 16, maxDraws: 65536, seed: 1 } });
  const brute = fineGridMoments(compilePolicy(compose(rotation(10, 'bilinear'), jitter({ brightness: [0.6, 1.4] })), img), [{ weight: 1, image: img }], [400, 400]);
  const rel = Math.sqrt(c.pixel.mean.reduce((s, v, i) => s + (v - brute.mean[i]) ** 2, 0) / brute.mean.reduce((s, v) => s + v * v, 0));
  assert.ok(rel < 3 * c.quadrature.meanError! + 1e-5, `mean error ${rel} vs estimate ${c.quadrature.meanError}`);
});

/** Eigenpairs of a continuous policy against the dense covariance of the same refined outcome set. */
test('eigenpairs come from the refined outcome set (dense Gram), with the rule difference reported', async () => {
  const spec: TransformSpec = compose(crop(6, 1), rotation(25, 'bilinear'));
  const m = await imageMoments(img, spec, { topK: 4, tolerance: 0.01 });
  const refined = compilePolicy(spec, img, { level: 1 }).enumerate(img);
  const dense = denseEigen(bruteCovariance(refined));
  m.eigen!.values.forEach((v, i) => assert.ok(Math.abs(v - dense.values[i]) < 1e-8 * dense.values[0], `eigenvalue ${i}: ${v} vs ${dense.values[i]}`));
  const coarse = denseEigen(bruteCovariance(compilePolicy(spec, img, { level: 0 }).enumerate(img)));
  const diff = Math.max(...m.eigen!.values.map((v, i) => Math.abs(v - coarse.values[i])));
  assert.ok(Math.abs(m.quadrature!.eigenvalueError! - diff) < 1e-8 * dense.values[0]);
  assert.equal(m.quadrature!.pixelMethod, 'exact');
  assert.equal(m.outcomes, 4 * 5 * 8, 'the shared set: 4 x 5 crop corners times 8 angle nodes');
});

test('sigma points before a linear continuous step: eigenvalues within the reported Weyl bound', async () => {
  const big = randomImage(1, 12, 12, 6);
  const spec: TransformSpec = compose(crop(9, 2, 'reflect'), hflip(), rotation(15, 'bilinear'));
  const c = await continuousMoments(big, spec, { topK: 3, level: 0, eigenOutcomes: 160, eigenValues: 1e8, randomized: { tolerance: 0.01, replicates: 8, firstPoints: 16, maxDraws: 8192, seed: 1 } });
  assert.ok(c.quadrature.reductions.length === 1, 'reduced');
  const bound = c.quadrature.reductions[0].eigenvalueBound;
  const dense = denseEigen(bruteCovariance(compilePolicy(spec, big, { level: 1 }).enumerate(big)));
  c.eigen!.values.forEach((v, i) => assert.ok(Math.abs(v - dense.values[i]) <= bound + 1e-9, `eigenvalue ${i}: ${v} vs ${dense.values[i]}, bound ${bound}`));
  assert.ok(c.quadrature.eigenvalueError! >= bound);
});

test('GaussianNoise ending a policy: eigenpairs of Cov[conditional mean] + diag(E[conditional variance])', async () => {
  const spec: TransformSpec = compose(crop(6, 1), { kind: 'GaussianNoise', mean: 0.05, sigma: 0.2, clip: true });
  const m = await imageMoments(img, spec, { topK: 3, tolerance: 0.01 });
  const step = compilePolicy(spec, img);
  const noise = step.parts![step.parts!.length - 1].noise!;
  const crops = [...outcomes(compilePolicy(crop(6, 1), img).lift(pointMixture(img)))];
  const cov = bruteCovariance(crops.map((o) => ({ weight: o.weight, image: noise.mean(o.image) })));
  const d = cov.rows;
  const diag = new Float64Array(d);
  for (const o of crops) {
    const { e1, e2 } = noise.moments(o.image);
    for (let i = 0; i < d; i++) diag[i] += o.weight * (e2[i] - e1[i] * e1[i]);
  }
  const full = cov.add(Matrix.diag(Array.from(diag)));
  const dense = denseEigen(full);
  m.eigen!.values.forEach((v, i) => assert.ok(Math.abs(v - dense.values[i]) < 1e-6 * dense.values[0], `eigenvalue ${i}: ${v} vs ${dense.values[i]}`));
  assert.equal(m.quadrature!.pixelMethod, 'exact');
});
