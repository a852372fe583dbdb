import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { pointMixture } from '../../../../src/core/augment/mixture';
import { pixelMoments } from '../../../../src/core/moments/pixelMoments';
import { covarianceEigen } from '../../../../src/core/moments/covarianceEigen';
import type { Image } from '../../../../src/core/image';
import type { TransformSpec } from '../../../../src/core/policy/types';
import { loadInputImage } from '../../../../src/engine/analysis/inputImage';
import { FIXTURES, fixturesMissing } from '../../model/fixtures';
import { bruteMoments, gramEigen, maxAbsDiff } from './bruteForce';
import { compose, crop, hflip, normalize, randomApply, translate, vflip } from './specs';

/** Real photos: every family and a composition against enumeration of the outcomes, eigenpairs against a plain Gram. */
function check(spec: TransformSpec, img: Image, k: number) {
  const step = compilePolicy(spec, img);
  const set = step.enumerate(img);
  const brute = bruteMoments(set);
  const m = step.lift(pointMixture(img));
  const exact = pixelMoments(m);
  assert.ok(maxAbsDiff(exact.mean, brute.mean) < 1e-12);
  assert.ok(maxAbsDiff(exact.variance, brute.variance) < 1e-12);
  const eig = covarianceEigen(m, exact, { k });
  const ref = gramEigen(set, k);
  for (let i = 0; i < eig.values.length; i++) {
    assert.ok(Math.abs(eig.values[i] - ref.values[i]) < 1e-9 * ref.values[0], `eigenvalue ${i}: ${eig.values[i]} vs ${ref.values[i]}`);
    // Compare the spanned direction when the eigenvalue is simple.
    const gapBelow = i + 1 < ref.values.length ? ref.values[i] - ref.values[i + 1] : Infinity;
    const gapAbove = i > 0 ? ref.values[i - 1] - ref.values[i] : Infinity;
    if (Math.min(gapBelow, gapAbove) > 1e-6 * ref.values[0]) {
      const cos = Math.abs(eig.vectors[i].reduce((s, x, t) => s + x * ref.vectors[i][t], 0));
      assert.ok(cos > 1 - 1e-8, `eigenvector ${i}: |cos| = ${cos}`);
    }
  }
}

const mnist = () => loadInputImage(join(FIXTURES, 'images', 'mnist_28.png'));
const kitten = () => loadInputImage(join(FIXTURES, 'images', 'kitten_224.png'), [20, 20]);
const camera = () => loadInputImage(join(FIXTURES, 'images', 'camera.png'), [24, 24]);

test('fixture photos: RandomCrop in every padding mode', { skip: fixturesMissing }, () => {
  for (const mode of ['constant', 'edge', 'reflect', 'symmetric'] as const) {
    check(crop(26, 2, mode, 0.5), mnist(), 4);
    check(crop(18, 3, mode), kitten(), 4);
  }
});

test('fixture photos: flips, translations, RandomApply and a composition', { skip: fixturesMissing }, () => {
  check(hflip(0.5), kitten(), 2);
  check(vflip(0.3), camera(), 2);
  check(translate(0.1, 0.15, 0.2), mnist(), 5);
  check(compose(randomApply(0.5, translate(0.1, 0.1)), hflip()), camera(), 5);
  check(compose(crop(20, 2, 'reflect'), hflip(), normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])), kitten(), 6);
});
