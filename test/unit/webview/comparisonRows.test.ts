import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ComparisonGroupRow, DatasetComparison, DifferenceCell } from '../../../src/shared/datasetComparison';
import { classRows, confidenceText, overallRows, signed } from '../../../webview/dataset/comparisonRows';

const cell = (a: number, b: number, interval: [number, number] | null, change: DifferenceCell['change']): DifferenceCell => ({ a, b, difference: b - a, interval, change });
const group = (name: string, stability: ComparisonGroupRow['stability'], std: DifferenceCell, flip: DifferenceCell): ComparisonGroupRow =>
  ({ name, pairs: 3, expectedLoss: cell(1, 1.5, [0.25, 0.75], 'higher'), stdLoss: std, flipRate: flip, stability });

const run = { file: '/w/a/results.jsonl', model: '/m.onnx', policy: 'p', images: 3, failed: 0 };
const comparison: DatasetComparison = {
  a: run,
  b: run,
  confidence: 0.95,
  differences: [],
  overall: group('all images', 'mixed', cell(0.5, 0.3, [-0.3, -0.1], 'lower'), cell(0.1, 0.15, [0.01, 0.09], 'higher')),
  classes: [
    group('cat', 'more stable', cell(0.5, 0.3, [-0.3, -0.1], 'lower'), cell(0.2, 0.2, [0, 0], 'no clear change')),
    group('dog', 'no clear change', cell(0.4, 0.4, null, 'no clear change'), cell(0.2, 0.2, null, 'no clear change')),
  ],
  largestChanges: [],
  onlyInA: { paths: [], count: 0 },
  onlyInB: { paths: [], count: 0 },
  failed: { paths: [], count: 0 },
};

test('overall rows: each metric in A, in B, B - A with its interval and the change in words; flip rates in percent', () => {
  assert.deepEqual(overallRows(comparison), [
    ['E[loss]', '1', '1.5', '+0.5', '[+0.25, +0.75]', 'higher in B'],
    ['Std[loss]', '0.5', '0.3', '\u22120.2', '[\u22120.3, \u22120.1]', 'lower in B'],
    ['Flip rate', '10.0%', '15.0%', '+5.0 pp', '[+1.0 pp, +9.0 pp]', 'higher in B'],
  ]);
  assert.equal(confidenceText(comparison), '95%');
});

test('class rows: the differences with their intervals and the stability label; a class of one pair has none', () => {
  const rows = classRows(comparison);
  assert.deepEqual(rows.map((r) => r.stability), ['more stable', 'no clear change']);
  assert.deepEqual(rows[0].cells, ['cat', '3', '+0.5 [+0.25, +0.75]', '\u22120.2 [\u22120.3, \u22120.1]', '0.0 pp [0.0 pp, 0.0 pp]', 'more stable in B']);
  assert.equal(rows[1].cells[3], '0 n/a (1 pair)');
  assert.equal(rows[1].cells[5], 'no clear change');
});

test('signed differences: a minus sign, no sign at zero', () => {
  assert.equal(signed('stdLoss', -0.0123), '\u22120.0123');
  assert.equal(signed('stdLoss', 0), '0');
  assert.equal(signed('flipRate', -0.125), '\u221212.5 pp');
});
