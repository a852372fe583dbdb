import assert from 'node:assert/strict';
import { test } from 'node:test';
import { taylorValidity, TAYLOR_GAP_LIMIT } from '../../../../src/core/alignment';

test('a Taylor expansion close to the computed values is valid', () => {
  const v = taylorValidity({ secondOrderExpectedLoss: 0.105, firstOrderStd: 0.048 }, { expectedLoss: 0.1, stdLoss: 0.05 });
  assert.equal(v.valid, true);
  assert.equal(v.reason, null);
  assert.ok(Math.abs(v.expectedLossGap - 0.05) < 1e-12);
  assert.ok(Math.abs(v.stdLossGap - 0.04) < 1e-12);
});

test('a negative second-order cross-entropy is out of the loss range and named so', () => {
  const v = taylorValidity({ secondOrderExpectedLoss: -0.936, firstOrderStd: 0.01 }, { expectedLoss: 0.0149, stdLoss: 0.01 });
  assert.equal(v.valid, false);
  assert.equal(v.outOfRange, true);
  assert.match(v.reason!, /-0\.936 is below 0/);
});

test('a first-order Std[loss] far from the computed one is not valid, whatever the mean does', () => {
  const v = taylorValidity({ secondOrderExpectedLoss: 1.01, firstOrderStd: 0.94 }, { expectedLoss: 1, stdLoss: 3.84 });
  assert.equal(v.valid, false);
  assert.equal(v.outOfRange, false);
  assert.match(v.reason!, /first-order Std\[loss\] is 76% off/);
  assert.doesNotMatch(v.reason!, /E\[loss\]/);
});

test('the limit is a boundary: just inside is valid, just outside is not', () => {
  const inside = taylorValidity({ secondOrderExpectedLoss: 1 + TAYLOR_GAP_LIMIT * 0.99, firstOrderStd: 1 }, { expectedLoss: 1, stdLoss: 1 });
  const outside = taylorValidity({ secondOrderExpectedLoss: 1 + TAYLOR_GAP_LIMIT * 1.01, firstOrderStd: 1 }, { expectedLoss: 1, stdLoss: 1 });
  assert.equal(inside.valid, true);
  assert.equal(outside.valid, false);
});

test('a zero computed Std[loss] against a non-zero prediction is an infinite gap', () => {
  const v = taylorValidity({ secondOrderExpectedLoss: 0.5, firstOrderStd: 0.1 }, { expectedLoss: 0.5, stdLoss: 0 });
  assert.equal(v.stdLossGap, Infinity);
  assert.equal(v.valid, false);
  assert.match(v.reason!, /infinitely off/);
});
