import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCompact, formatTicks } from '../../../../src/core/render/ticks';

describe('formatCompact', () => {
  it('writes values compactly with 3 significant digits', () => {
    const cases: [number, string][] = [
      [0, '0'], [1, '1'], [0.5, '0.5'], [-0.25, '-0.25'], [0.1 + 0.2, '0.3'], [0.0123, '0.0123'], [0.012345, '0.0123'],
      [0.001, '0.001'], [123.456, '123'], [1234.5, '1235'], [1.2e-5, '1.2e-5'], [-3.456e-7, '-3.46e-7'], [3.4e6, '3.4e+6'],
      [1e-4, '1e-4'], [Number.NaN, 'nan'], [Number.POSITIVE_INFINITY, 'inf'], [-1e-20, '-1e-20'],
    ];
    for (const [value, text] of cases) assert.equal(formatCompact(value), text, `${value}`);
  });
});

describe('formatTicks', () => {
  it('adds digits until distinct values get distinct labels', () => {
    assert.deepEqual(formatTicks([1, 0.5, 0]), ['1', '0.5', '0']);
    assert.deepEqual(formatTicks([0.50012, 0.50006, 0.5]), ['0.50012', '0.50006', '0.5']);
    assert.deepEqual(formatTicks([1.00003e-5, 1.00002e-5, 1.00001e-5]), ['1.00003e-5', '1.00002e-5', '1.00001e-5']);
    assert.deepEqual(formatTicks([2e-5, 1.5e-5, 1e-5]), ['2e-5', '1.5e-5', '1e-5']);
  });

  it('keeps equal values equal', () => {
    assert.deepEqual(formatTicks([0.3, 0.3, 0.3]), ['0.3', '0.3', '0.3']);
  });
});
