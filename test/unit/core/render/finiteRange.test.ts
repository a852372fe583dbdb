import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finiteRange } from '../../../../src/core/render/finiteRange';

test('finiteRange passes over NaN and infinities, and is null when nothing finite is left', () => {
  assert.deepEqual(finiteRange(new Float32Array([3, Number.NaN, -2, Infinity, 5, -Infinity])), { lo: -2, hi: 5 });
  assert.deepEqual(finiteRange([7]), { lo: 7, hi: 7 });
  assert.equal(finiteRange([Number.NaN, Infinity]), null);
  assert.equal(finiteRange([]), null);
});
