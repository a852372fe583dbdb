import assert from 'node:assert/strict';
import { test } from 'node:test';
import { studentQuantile } from '../../../../src/core/outputs/studentQuantile';

// Published two-sided critical values (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2), to their 3-4 decimals.
const TABLE: readonly [confidence: number, nu: number, t: number][] = [
  [0.95, 1, 12.706], [0.95, 2, 4.303], [0.95, 3, 3.182], [0.95, 4, 2.776], [0.95, 5, 2.571],
  [0.95, 10, 2.228], [0.95, 30, 2.042], [0.95, 100, 1.984],
  [0.99, 1, 63.657], [0.99, 2, 9.925], [0.99, 5, 4.032], [0.99, 20, 2.845],
  [0.9, 1, 6.314], [0.9, 7, 1.895], [0.8, 3, 1.638],
];

test('two-sided Student-t quantiles match the published table', () => {
  for (const [c, nu, t] of TABLE) assert.ok(Math.abs(studentQuantile(c, nu) - t) < 6e-4, `t(${c}, ${nu}) = ${studentQuantile(c, nu)}, table ${t}`);
});

test('closed forms at nu = 1 and 2, and the normal quantile for large nu', () => {
  assert.ok(Math.abs(studentQuantile(0.95, 1) - Math.tan(0.475 * Math.PI)) < 1e-9);
  const p = 0.975;
  assert.ok(Math.abs(studentQuantile(0.95, 2) - (2 * p - 1) / Math.sqrt(2 * p * (1 - p))) < 1e-9);
  assert.ok(Math.abs(studentQuantile(0.95, 100000) - 1.959964) < 1e-4);
});

test('refuses a confidence outside (0, 1) and non-integer degrees of freedom', () => {
  assert.throws(() => studentQuantile(1, 3), RangeError);
  assert.throws(() => studentQuantile(0.95, 0), RangeError);
  assert.throws(() => studentQuantile(0.95, 2.5), RangeError);
});
