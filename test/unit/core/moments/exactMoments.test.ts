import { test } from 'node:test';
import { Matrix } from 'ml-matrix';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { outcomeCount, pointMixture } from '../../../../src/core/augment/mixture';
import { pixelMoments } from '../../../../src/core/moments/pixelMoments';
import { covarianceEigen } from '../../../../src/core/moments/covarianceEigen';
import { outcomeGram } from '../../../../src/core/moments/gram';
import type { TransformSpec } from '../../../../src/core/policy/types';
import type { Image } from '../../../../src/core/image';
import { bruteCovariance, bruteMoments, denseEigen, maxAbsDiff, randomImage } from './bruteForce';
import { centerCrop, compose, crop, hflip, normalize, randomApply, resize, translate, vflip } from './specs';

/** Exact moments from the compact outcome set against plain enumeration of every outcome. */
function checkAgainstBruteForce(spec: TransformSpec, img: Image, k = 4, gramLimit?: number) {
  const step = compilePolicy(spec, img);
  const set = step.enumerate(img);
  const brute = bruteMoments(set);
  assert.ok(Math.abs(brute.totalWeight - 1) < 1e-12, `enumerated weights sum to ${brute.totalWeight}`);
  const mixture = step.lift(pointMixture(img));
  const exact = pixelMoments(mixture);
  assert.ok(maxAbsDiff(exact.mean, brute.mean) < 1e-12, `mean differs by ${maxAbsDiff(exact.mean, brute.mean)}`);
  assert.ok(maxAbsDiff(exact.variance, brute.variance) < 1e-12, `variance differs by ${maxAbsDiff(exact.variance, brute.variance)}`);
  const trace = brute.variance.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(exact.totalVariance - trace) < 1e-10);

  const dense = denseEigen(bruteCovariance(set));
  const eig = covarianceEigen(mixture, exact, { k, gramLimit });
  const scale = Math.max(dense.values[0], 1e-300);
  for (let i = 0; i < eig.values.length; i++) {
    assert.ok(Math.abs(eig.values[i] - dense.values[i]) < 1e-9 * scale, `eigenvalue ${i}: ${eig.values[i]} vs ${dense.values[i]}`);
    // Each returned vector is a unit eigenvector of the brute-force covariance (robust to repeated eigenvalues).
    const cov = bruteCovariance(set);
    const v = eig.vectors[i];
    const cv = cov.mmul(Matrix.columnVector(Array.from(v))).getColumn(0);
    const res = Math.sqrt(cv.reduce((s, x, j) => s + (x - eig.values[i] * v[j]) ** 2, 0));
    assert.ok(res < 1e-8 * scale, `eigenvector ${i} residual ${res}`);
    assert.ok(Math.abs(v.reduce((s, x) => s + x * x, 0) - 1) < 1e-10);
  }
  for (let i = 0; i < eig.vectors.length; i++) {
    for (let j = 0; j < i; j++) {
      const d = eig.vectors[i].reduce((s, x, t) => s + x * eig.vectors[j][t], 0);
      assert.ok(Math.abs(d) < 1e-9, `eigenvectors ${i} and ${j} not orthogonal: ${d}`);
    }
  }
  const nonzero = dense.values.filter((v) => v > 1e-12 * scale).length;
  assert.equal(eig.values.length, Math.min(k, nonzero), 'returned pairs = min(k, rank)');
  return { mixture, exact, eig, outcomes: set.length };
}

const img = randomImage(3, 7, 6, 7);
const gray = randomImage(1, 6, 8, 11);

for (const mode of ['constant', 'edge', 'reflect', 'symmetric'] as const) {
  test(`RandomCrop with ${mode} padding equals brute-force enumeration`, () => {
    checkAgainstBruteForce(crop(5, 2, mode, 0.25), img);
    checkAgainstBruteForce(compose(crop(6, 3, mode)), gray);
  });
}

test('RandomCrop without padding, pad_if_needed, and rectangular padding', () => {
  checkAgainstBruteForce(crop(4), img);
  checkAgainstBruteForce(crop(9, 0, 'reflect', 0, true), img);
  checkAgainstBruteForce({ ...crop(7), padding: [1, 2, 0, 3], padIfNeeded: true, paddingMode: 'symmetric' }, gray);
});

test('flips equal brute force, including p = 0 and p = 1', () => {
  for (const p of [0, 0.3, 0.5, 1]) {
    checkAgainstBruteForce(hflip(p), img);
    checkAgainstBruteForce(vflip(p), gray);
  }
});

test('flip is rank one: Cov = p(1-p)(Fx - x)(Fx - x)^T', () => {
  const p = 0.3;
  const { eig, exact } = checkAgainstBruteForce(hflip(p), img);
  assert.equal(eig.values.length, 1);
  let diff2 = 0;
  for (let c = 0; c < 3; c++) for (let y = 0; y < 7; y++) for (let x = 0; x < 6; x++) {
    diff2 += (img.data[(c * 7 + y) * 6 + 5 - x] - img.data[(c * 7 + y) * 6 + x]) ** 2;
  }
  assert.ok(Math.abs(eig.values[0] - p * (1 - p) * diff2) < 1e-12);
  assert.ok(Math.abs(exact.totalVariance - p * (1 - p) * diff2) < 1e-12);
});

test('RandomAffine translations with the rounding weights equal brute force', () => {
  checkAgainstBruteForce(translate(0.3, 0.2, 0.5), img);
  checkAgainstBruteForce(translate(0.25, 0, [0.1]), gray);
  const { outcomes } = checkAgainstBruteForce(translate(0.5, 0.5), gray);
  assert.equal(outcomes, 9 * 7);
});

test('deterministic steps: CenterCrop (smaller and larger), Resize, Normalize', () => {
  checkAgainstBruteForce(compose(centerCrop(4, 5), hflip()), img);
  checkAgainstBruteForce(compose(centerCrop(9, 8), crop(6)), img);
  checkAgainstBruteForce(compose(crop(5, 1), resize(3)), img);
  checkAgainstBruteForce(compose(resize([9, 11], false), crop(8, 1, 'reflect')), img);
  checkAgainstBruteForce(compose(crop(5, 2), normalize([0.5, 0.4, 0.3], [0.2, 0.3, 0.25])), img);
});

test('compositions equal brute force of the product of outcomes', () => {
  const spec = compose(crop(5, 2, 'reflect'), hflip(0.4), translate(0.2, 0.2, 0.3), vflip(0.2), normalize([0.5], [0.25]));
  const { mixture, outcomes } = checkAgainstBruteForce(spec, img, 6);
  assert.ok(outcomeCount(mixture) >= outcomes);
  checkAgainstBruteForce(compose(crop(6, 1), crop(4), hflip()), gray, 5);
  checkAgainstBruteForce(compose(randomApply(0.3, translate(0.2, 0.1), vflip(1)), crop(5, 1, 'edge'), hflip()), gray, 5);
});

test('a translation family stays one compact family through flips and unpadded crops', () => {
  const big = randomImage(3, 20, 20, 3);
  const step = compilePolicy(compose(crop(20, 4), hflip(), crop(16)), big);
  const m = step.lift(pointMixture(big));
  assert.equal(m.families.length, 2);
  assert.equal(outcomeCount(m), 2 * 13 * 13);
});

test('shape errors name the problem', () => {
  assert.throws(() => compilePolicy(crop(9), img), /required crop size 9x9 is larger than the input image 7x6/);
  assert.throws(() => compilePolicy(crop(12, 2), img), /larger than the padded input image 11x10/);
  assert.throws(() => compilePolicy(crop(5, 7, 'reflect'), img), /reflect mode needs an image larger/);
  assert.throws(() => compilePolicy(normalize([0.5, 0.5], [1, 1]), img), /mean has 2 values but the image has 3/);
  assert.throws(() => compilePolicy(randomApply(0.5, crop(4)), img), /change the image size/);
  assert.throws(
    () => compilePolicy({ kind: 'RandomRotation', degrees: [-10, 10], interpolation: 'nearest', expand: true, center: null, fill: 0 }, img),
    /RandomRotation: expand=True is not supported/,
  );
});

test('the matrix-free eigen route (many outcomes) agrees with brute force', () => {
  const { eig } = checkAgainstBruteForce(compose(crop(5, 2, 'edge'), hflip(0.3)), img, 3, 10);
  assert.equal(eig.method, 'matrix-free');
});

test('a flip with p = 1/2 splits the eigenproblem into mirror-symmetric and antisymmetric halves, equal to brute force', () => {
  const small = checkAgainstBruteForce(compose(crop(6, 2, 'reflect'), hflip()), gray, 6);
  assert.equal(small.mixture.families.length, 2);
  assert.equal(outcomeGram(small.mixture).mirrors[1]?.of, 0);
  // Halves of 289 outcomes go to the Krylov route; a vertical flip mirrors the other way.
  const wide = randomImage(1, 20, 20, 5);
  checkAgainstBruteForce(compose(crop(20, 8), hflip()), wide, 8);
  checkAgainstBruteForce(compose(crop(20, 8, 'edge'), vflip(0.5)), wide, 5);
  // Unequal weights (p = 0.3) keep the whole problem.
  checkAgainstBruteForce(compose(crop(20, 8), hflip(0.3)), wide, 5);
});
