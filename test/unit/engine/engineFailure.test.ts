import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy } from '../../../src/core/augment/compile';
import { PolicyFitError } from '../../../src/core/augment/policyFitError';
import { parsePolicy } from '../../../src/core/policy';
import { EngineError } from '../../../src/engine/contract/engineErrors';
import { engineFailure } from '../../../src/engine/engineFailure';
import { ModelError } from '../../../src/model/errors';

const failureOf = (f: () => unknown): EngineError => {
  try {
    f();
  } catch (e) {
    return engineFailure(e);
  }
  throw new Error('did not throw');
};

test('a policy that does not parse is a policy error with its kind and span', () => {
  const e = failureOf(() => parsePolicy('RandomHorizontalFlip(); RandomCrp(24)'));
  assert.deepEqual([e.code, e.details], ['policy', { policy: 'unknown-transform', span: { start: 24, end: 33 } }]);
});

test('a policy that does not fit the image is a policy error spanning the innermost transform that does not', () => {
  const text = 'Compose([RandomHorizontalFlip(), RandomApply([RandomCrop(40)], p=0.5)])';
  assert.throws(() => compilePolicy(parsePolicy(text), { channels: 3, height: 32, width: 32 }), PolicyFitError);
  const e = failureOf(() => compilePolicy(parsePolicy(text), { channels: 3, height: 32, width: 32 }));
  assert.equal(e.code, 'policy');
  assert.match(e.message, /required crop size 40x40 is larger than the input image 32x32/);
  assert.equal(e.details.policy, 'fit');
  const { start, end } = e.details.span!;
  assert.equal(text.slice(start, end), 'RandomCrop(40)');
});

test('model errors keep their code; engine errors pass as they are; anything else is internal', () => {
  assert.deepEqual(engineFailure(new ModelError('external-data-missing', 'm.onnx: weights.bin is missing')).details, { model: 'external-data-missing' });
  const budget = new EngineError('budget', 'the forward-pass budget 7 is below the 8 passes of one randomized lattice point');
  assert.equal(engineFailure(budget), budget);
  const internal = engineFailure(new TypeError("Cannot read properties of undefined (reading 'x')"));
  assert.deepEqual([internal.code, internal.details], ['internal', {}]);
  assert.equal(engineFailure('a string').message, 'a string');
});
