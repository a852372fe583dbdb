import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRuns, meanDifference } from '../../../../src/engine/dataset/pairedComparison';
import type { RunImage, RunImages } from '../../../../src/engine/dataset/runImages';

const close = (x: number, y: number, tol = 1e-6) => assert.ok(Math.abs(x - y) < tol, `${x} vs ${y}`);

test('paired-t interval of the mean difference against a hand computation', () => {
  // d = B - A = 0.1, 0.3, 0.2, 0.4: mean 0.25, s^2 = (0.0225 + 0.0025 + 0.0025 + 0.0225) / 3, se = s / 2, t(0.95, 3) = 3.182446.
  const a = [1, 2, 3, 4];
  const b = [1.1, 2.3, 3.2, 4.4];
  const d = meanDifference(a, b, 0.95);
  const half = 3.182446 * Math.sqrt(0.05 / 3) / 2;
  close(d.mean, 0.25);
  close(d.meanA, 2.5);
  close(d.meanB, 2.75);
  close(d.interval![0], 0.25 - half);
  close(d.interval![1], 0.25 + half);
  assert.equal(d.change, 'higher');
  const wide = meanDifference(a, [1.1, 1.7, 3.2, 3.9], 0.95);
  assert.equal(wide.change, 'no clear change', 'd = 0.1, -0.3, 0.2, -0.1: the interval holds 0');
  const rate = meanDifference([0, 0.5], [1, 0.5], 0.95, [-1, 1]);
  assert.deepEqual(rate.interval, [-1, 1], 'a flip-rate difference of 0.5 +- 6.4 is cut to [-1, 1]');
  const one = meanDifference([1], [2], 0.95);
  assert.equal(one.interval, null);
  assert.equal(one.change, 'no clear change');
});

const image = (path: string, className: string | null, stdLoss: number, flipRate: number): RunImage =>
  ({ path, className, expectedLoss: 2 * stdLoss, stdLoss, flipRate, samplesNeeded: 10 });
const run = (images: RunImage[], failures: RunImages['failures'] = []): RunImages =>
  ({ format: 'results.jsonl', confidence: 0.95, model: 'm.onnx', policy: 'p', tolerance: 0.01, images, failures, withoutModel: [] });

test('pairs by relative path, per class stability from the intervals, unpaired and failed images listed', () => {
  const a = run([
    image('cat/1.png', 'cat', 0.5, 0.2), image('cat/2.png', 'cat', 0.6, 0.3), image('cat/3.png', 'cat', 0.7, 0.1),
    image('dog/1.png', 'dog', 0.2, 0.1), image('dog/2.png', 'dog', 0.3, 0.2), image('dog/3.png', 'dog', 0.4, 0.1),
    image('dog/4.png', 'dog', 0.4, 0.1), image('cat/only-a.png', 'cat', 1, 1),
  ]);
  const b = run(
    [
      image('cat/1.png', 'cat', 0.4, 0.2), image('cat/2.png', 'cat', 0.52, 0.3), image('cat/3.png', 'cat', 0.59, 0.1),
      image('dog/1.png', 'dog', 0.3, 0.1), image('dog/2.png', 'dog', 0.41, 0.2), image('dog/3.png', 'dog', 0.49, 0.1),
      image('bird/only-b.png', 'bird', 1, 1),
    ],
    [{ path: 'dog/4.png', className: 'dog', message: 'broken' }],
  );
  const c = compareRuns(a, b, 0.95);
  assert.deepEqual(c.pairs.map((p) => p.path), ['cat/1.png', 'cat/2.png', 'cat/3.png', 'dog/1.png', 'dog/2.png', 'dog/3.png']);
  assert.deepEqual(c.onlyInA, ['cat/only-a.png']);
  assert.deepEqual(c.onlyInB, ['bird/only-b.png']);
  assert.deepEqual(c.failed, [{ path: 'dog/4.png', inA: false, inB: true }]);
  const [cat, dog] = c.classes;
  // cat: Std[loss] differences -0.1, -0.08, -0.11; flip rate unchanged (interval [0, 0]: no clear change).
  close(cat.metrics.stdLoss.mean, -0.29 / 3);
  assert.equal(cat.metrics.stdLoss.change, 'lower');
  assert.equal(cat.metrics.flipRate.change, 'no clear change');
  assert.equal(cat.stability, 'more stable');
  assert.equal(dog.stability, 'less stable');
  // Overall the six differences (-0.1, -0.08, -0.11, 0.1, 0.11, 0.09) straddle 0.
  assert.equal(c.overall.stability, 'no clear change');
  close(c.overall.metrics.stdLoss.mean, 0.01 / 6);
  close(c.pairs[0].difference.expectedLoss, -0.2);
});

test('runs rooted at different folders pair by the path ending they share', () => {
  const dataset = run([image('cat/1.png', 'cat', 0.5, 0.2), image('dog/1.png', 'dog', 0.5, 0.2)]);
  const report = run([image('1.png', null, 0.4, 0.1)]);
  const c = compareRuns(report, dataset, 0.95);
  assert.deepEqual(c.pairs.map((p) => [p.path, p.className]), []);
  assert.deepEqual(c.onlyInA, ['1.png'], 'two candidates end with 1.png: no guess');
  const oneClass = compareRuns(run([image('x/1.png', null, 0.4, 0.1)]), run([image('val/x/1.png', 'x', 0.5, 0.1)]), 0.95);
  assert.deepEqual(oneClass.pairs.map((p) => [p.path, p.className]), [['val/x/1.png', 'x']]);
  close(oneClass.pairs[0].difference.stdLoss, 0.1);
});

test('a class whose Std[loss] fell while its flip rate rose is mixed', () => {
  const a = run([image('c/1.png', 'c', 0.5, 0.1), image('c/2.png', 'c', 0.6, 0.2), image('c/3.png', 'c', 0.7, 0.3), image('d/1.png', 'd', 1, 1)]);
  const b = run([image('c/1.png', 'c', 0.4, 0.2), image('c/2.png', 'c', 0.51, 0.31), image('c/3.png', 'c', 0.59, 0.39), image('d/1.png', 'd', 1, 1)]);
  const c = compareRuns(a, b, 0.95);
  assert.deepEqual(c.classes.map((g) => [g.name, g.stability]), [['c', 'mixed'], ['d', 'no clear change']]);
  assert.equal(c.classes[1].metrics.stdLoss.interval, null, 'one pair: no interval');
});
