import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { materialize } from '../../../../src/core/augment/lazyFamily';
import { outcomeCount, outcomes, pointMixture, type WeightedImage } from '../../../../src/core/augment/mixture';
import { pixelMoments } from '../../../../src/core/moments/pixelMoments';
import { covarianceEigen } from '../../../../src/core/moments/covarianceEigen';
import type { Image } from '../../../../src/core/image';
import { parsePolicy } from '../../../../src/core/policy';
import { bruteMoments, denseEigen, bruteCovariance, maxAbsDiff, randomImage } from './bruteForce';

/** The distinct images of an explicit outcome list with their summed weights (bit-identical images are one). */
function distinct(set: readonly WeightedImage[]): Map<string, number> {
  const law = new Map<string, number>();
  for (const o of set) {
    const key = Buffer.from(o.image.data.buffer, o.image.data.byteOffset, o.image.data.byteLength).toString('base64');
    law.set(key, (law.get(key) ?? 0) + o.weight);
  }
  return law;
}

/** The lifted outcome set is the brute-force law: same distinct images, same weights, same moments and eigenvalues. */
function checkMerged(policy: string, img: Image) {
  const step = compilePolicy(parsePolicy(policy), img);
  const brute = step.enumerate(img);
  const lifted = materialize(step.lift(pointMixture(img)));
  const expected = distinct(brute);
  const got = distinct([...outcomes(lifted)]);
  assert.equal(got.size, expected.size, `${policy}: ${got.size} distinct outcomes lifted, ${expected.size} by brute force`);
  for (const [key, w] of expected) assert.ok(Math.abs((got.get(key) ?? 0) - w) < 1e-12, `${policy}: an outcome's weight ${got.get(key)} vs ${w}`);
  const b = bruteMoments(brute);
  const exact = pixelMoments(lifted);
  assert.ok(maxAbsDiff(exact.mean, b.mean) < 1e-12 && maxAbsDiff(exact.variance, b.variance) < 1e-12, `${policy}: moments differ`);
  const dense = denseEigen(bruteCovariance(brute));
  const eig = covarianceEigen(lifted, exact, { k: 3 });
  eig.values.forEach((v, i) => assert.ok(Math.abs(v - dense.values[i]) < 1e-9 * dense.values[0], `${policy}: eigenvalue ${i} ${v} vs ${dense.values[i]}`));
  return { lifted, bruteCount: brute.length };
}

const img = randomImage(3, 6, 5, 3);

test('twelve flips in a row: two outcomes, not 4,096', () => {
  const flips = Array.from({ length: 12 }, () => 'RandomHorizontalFlip()').join(', ');
  const { lifted, bruteCount } = checkMerged(`Compose([${flips}])`, img);
  assert.equal(bruteCount, 4096);
  assert.equal(outcomeCount(lifted), 2);
});

test('horizontal and vertical flips of any probabilities, in any order, form the four-element group', () => {
  const { lifted } = checkMerged('Compose([RandomHorizontalFlip(0.3), RandomVerticalFlip(), RandomHorizontalFlip(0.8), RandomVerticalFlip(0.1), RandomHorizontalFlip()])', img);
  assert.equal(lifted.families.length, 4);
});

test('a crop between flips: mirrored window families meet their sources and their offset laws mix', () => {
  const { lifted } = checkMerged('Compose([RandomHorizontalFlip(0.4), RandomCrop(4, padding=1), RandomHorizontalFlip(0.7), RandomVerticalFlip(), RandomVerticalFlip(0.2)])', img);
  assert.ok(lifted.families.length < 2 * 2 * 2 * 2 * 2);
});

test('RandomApply of flips: the branch that flips back merges with the one left alone', () => {
  const { lifted } = checkMerged('Compose([RandomApply([RandomHorizontalFlip(1.0), RandomHorizontalFlip()], p=0.6), RandomApply([RandomHorizontalFlip(1.0)], p=0.5)])', img);
  assert.equal(lifted.families.length, 2);
});

test('flips with RandomGrayscale: grayscale canvases are distinct from colour ones and never merged with them', () => {
  checkMerged('Compose([RandomCrop(5, padding=1), RandomHorizontalFlip(), RandomGrayscale(0.1), RandomHorizontalFlip(), RandomVerticalFlip()])', img);
});

test('flips after a continuous step keep their lazy canvases consistent with the enumerated rule', () => {
  const policy = parsePolicy('Compose([RandomRotation(10), RandomApply([RandomHorizontalFlip(), RandomHorizontalFlip(1.0)], p=0.5), RandomHorizontalFlip()])');
  const step = compilePolicy(policy, img);
  const b = bruteMoments(step.enumerate(img));
  const lifted = materialize(step.lift(pointMixture(img)));
  const m = pixelMoments(lifted);
  assert.ok(maxAbsDiff(m.mean, b.mean) < 1e-6 && maxAbsDiff(m.variance, b.variance) < 1e-6);
});

const square = randomImage(3, 6, 6, 12);

test('stacked constant-padded crops: outcomes alike in offset and in the cuts that show are merged, and only those', () => {
  for (const policy of [
    'Compose([RandomCrop(6, padding=2), RandomCrop(6, padding=2)])',
    'Compose([RandomCrop(6, padding=1), RandomCrop(6, padding=2), RandomCrop(5, padding=1)])',
    'Compose([RandomCrop(6, padding=2), RandomCrop(4, padding=1), RandomCrop(4, padding=(1, 2, 0, 3))])',
    'Compose([RandomCrop(6, padding=2), RandomHorizontalFlip(), RandomCrop(6, padding=2), RandomVerticalFlip(), RandomCrop(6, padding=1)])',
    'Compose([RandomCrop(6, padding=2), RandomCrop(8, pad_if_needed=True), RandomCrop(6, padding=1)])',
  ]) {
    const { lifted, bruteCount } = checkMerged(policy, square);
    assert.ok(outcomeCount(lifted) < bruteCount, `${policy}: ${outcomeCount(lifted)} of ${bruteCount}`);
  }
  // Each pad fills with another value than the margins it meets: those margins are content, every outcome distinct.
  const { lifted, bruteCount } = checkMerged('Compose([RandomCrop(6, padding=2, fill=0.5), RandomCrop(6, padding=2), RandomCrop(6, padding=1, fill=0.5)])', square);
  assert.equal(outcomeCount(lifted), bruteCount);
});

test('two RandomCrop(32, padding=4) on a 32 x 32 image: 2,401 distinct outcomes of 6,561 draws, moments exact', () => {
  const img32 = randomImage(1, 32, 32, 2);
  const step = compilePolicy(parsePolicy('Compose([RandomCrop(32, padding=4), RandomCrop(32, padding=4)])'), img32);
  const brute = step.enumerate(img32);
  const lifted = step.lift(pointMixture(img32));
  assert.equal(brute.length, 6561);
  assert.equal(distinct(brute).size, 2401);
  assert.equal(outcomeCount(lifted), 2401);
  const b = bruteMoments(brute);
  const exact = pixelMoments(lifted);
  assert.ok(maxAbsDiff(exact.mean, b.mean) < 1e-12 && maxAbsDiff(exact.variance, b.variance) < 1e-12);
});

test('padded crops after a continuous step: the lazy canvases keep their fill margins as structure', () => {
  const policy = parsePolicy('Compose([RandomRotation(10), RandomCrop(6, padding=1), RandomHorizontalFlip(), RandomCrop(6, padding=1)])');
  const step = compilePolicy(policy, square);
  const b = bruteMoments(step.enumerate(square));
  const m = pixelMoments(materialize(step.lift(pointMixture(square))));
  assert.ok(maxAbsDiff(m.mean, b.mean) < 1e-6 && maxAbsDiff(m.variance, b.variance) < 1e-6);
});
