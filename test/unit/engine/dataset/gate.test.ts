import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRun } from '../../../../src/engine/dataset/gate';
import type { RunImage } from '../../../../src/engine/dataset/runImages';

const image = (path: string, className: string | null, flipRate: number, stdLoss: number, samplesNeeded = 100): RunImage =>
  ({ path, className, expectedLoss: 1, stdLoss, flipRate, samplesNeeded });

// cat: flip rates 0.1, 0.5 (mean 0.3); dog: 0.05, 0.15 (mean 0.1); all four: mean 0.2.
const images = [
  image('cat/1.png', 'cat', 0.1, 0.2),
  image('cat/2.png', 'cat', 0.5, 0.9, Infinity),
  image('dog/1.png', 'dog', 0.05, 0.1),
  image('dog/2.png', 'dog', 0.15, 0.3),
];

test('per class: a class fails on its mean, and the images crossing on their own are named with counts per class', () => {
  const r = checkRun(images, [], { flipRate: 0.25 }, 'class', false);
  assert.equal(r.passed, false);
  assert.deepEqual(r.classes.map((c) => [c.name, c.values.flipRate, c.crossings.length, c.imagesCrossing]), [['cat', 0.3, 1, 1], ['dog', 0.1, 0, 0]]);
  assert.deepEqual(r.imagesCrossing.map((g) => g.name), ['cat/2.png']);
  assert.equal(r.verdict, 'FAIL: 1 of 2 classes cross a threshold on their mean (flip rate 1)');
  assert.ok(checkRun(images, [], { flipRate: 0.3 }, 'class', false).passed, 'a mean equal to its threshold passes');
});

test('per dataset and per image: the mean over all images against each image', () => {
  const dataset = checkRun(images, [], { flipRate: 0.25 }, 'dataset', false);
  assert.ok(Math.abs(dataset.dataset.values.flipRate - 0.2) < 1e-15);
  assert.equal(dataset.passed, true);
  assert.equal(dataset.verdict, 'PASS: 4 images in 2 classes within every threshold (per dataset)');
  assert.equal(dataset.imagesCrossing.length, 1, 'the crossing image is named even when the level passes');
  const perImage = checkRun(images, [], { flipRate: 0.12, stdLoss: 0.25 }, 'image', false);
  assert.equal(perImage.passed, false);
  // Worst first: cat/2 is 0.5 / 0.12 = 4.2x past its flip-rate threshold, dog/2 0.15 / 0.12 = 1.25x; cat/1 and dog/1 are within both.
  assert.deepEqual(perImage.imagesCrossing.map((g) => [g.name, g.crossings.map((c) => c.metric)]), [
    ['cat/2.png', ['flipRate', 'stdLoss']],
    ['dog/2.png', ['flipRate', 'stdLoss']],
  ]);
  assert.deepEqual(perImage.classes.map((c) => c.imagesCrossingBy), [{ flipRate: 1, stdLoss: 1 }, { flipRate: 1, stdLoss: 1 }]);
  assert.equal(perImage.verdict, 'FAIL: 2 of 4 images cross a threshold (flip rate 2, Std[loss] 2)');
});

test('infinite samples needed cross any threshold and make the mean infinite', () => {
  const r = checkRun(images, [], { samplesNeeded: 1e6 }, 'class', false);
  assert.deepEqual(r.classes.map((c) => c.values.samplesNeeded), [Infinity, 100]);
  assert.deepEqual(r.imagesCrossing.map((g) => g.name), ['cat/2.png']);
});

test('failed images fail the check unless allowed; a run with no analysed image fails', () => {
  const failures = [{ path: 'dog/bad.png', className: 'dog', message: 'not a PNG' }];
  const strict = checkRun(images, failures, { flipRate: 0.9 }, 'class', false);
  assert.equal(strict.verdict, 'FAIL: 1 image failed to analyse (--allow-failures to accept)');
  const allowed = checkRun(images, failures, { flipRate: 0.9 }, 'class', true);
  assert.equal(allowed.verdict, 'PASS: 4 images in 2 classes within every threshold (per class); 1 failed image allowed');
  assert.equal(checkRun([], failures, { flipRate: 0.9 }, 'class', true).passed, false);
  assert.throws(() => checkRun(images, [], {}, 'class', false), RangeError);
});

test('images without a class form one group', () => {
  const plain = images.map((i) => ({ ...i, className: null }));
  const r = checkRun(plain, [], { flipRate: 0.25 }, 'class', false);
  assert.deepEqual(r.classes.map((c) => [c.name, c.images]), [['(no class)', 4]]);
  assert.equal(r.passed, true);
});
