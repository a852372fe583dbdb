import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_LISTED, parseDatasetComparison } from '../../../src/shared/datasetComparison';
import { parseDatasetToHostMessage, parseHostToDatasetMessage } from '../../../src/shared/datasetProtocol';

const cell = { a: 0.5, b: 0.3, difference: -0.2, interval: [-0.3, -0.1], change: 'lower' };
const flip = { a: 0.2, b: 0.25, difference: 0.05, interval: null, change: 'no clear change' };
const group = { name: 'cat', pairs: 3, expectedLoss: cell, stdLoss: cell, flipRate: flip, stability: 'more stable' };
const run = { file: '/w/.auglens/datasets/val-1a2b3c4d/results.jsonl', model: '/w/m.onnx', policy: 'Compose([RandomHorizontalFlip(p=0.5)])', images: 24, failed: 1 };
const comparison = {
  a: run,
  b: { ...run, model: null, failed: 0 },
  confidence: 0.95,
  differences: [{ part: 'policy', a: 'p', b: 'q' }],
  overall: { ...group, name: 'all images' },
  classes: [group, { ...group, name: 'dog', stability: 'mixed' }],
  largestChanges: [{ path: 'cat/1.png', className: 'cat', stdLossA: 0.5, stdLossB: 0.3, flipRateA: 0.2, flipRateB: 0.25 }],
  onlyInA: { paths: ['cat/only-a.png'], count: 3 },
  onlyInB: { paths: [], count: 0 },
  failed: { paths: ['dog/broken.png (failed in A)'], count: 1 },
};
const message = { type: 'datasetCompare', comparison };

test('accepts a well-formed comparison message', () => {
  assert.deepEqual(parseHostToDatasetMessage(message), message);
  assert.deepEqual(parseDatasetComparison(comparison), comparison);
});

test('rejects malformed comparisons: every run, cell, label and list is checked', () => {
  const bad: unknown[] = [
    { ...comparison, extra: 1 },
    { ...comparison, confidence: 1 },
    { ...comparison, a: { ...run, images: -1 } },
    { ...comparison, a: { ...run, policy: 7 } },
    { ...comparison, overall: { ...group, stability: 'better' } },
    { ...comparison, overall: { ...group, pairs: 1.5 } },
    { ...comparison, classes: [{ ...group, stdLoss: { ...cell, interval: [0.1, -0.1] } }] },
    { ...comparison, classes: [{ ...group, stdLoss: { ...cell, interval: [0.1] } }] },
    { ...comparison, classes: [{ ...group, stdLoss: { ...cell, change: 'worse' } }] },
    { ...comparison, classes: [{ ...group, stdLoss: { ...cell, difference: Number.NaN } }] },
    { ...comparison, classes: [{ ...group, flipRate: { ...flip, b: 1.5 } }] },
    { ...comparison, classes: [{ ...group, expectedLoss: { ...cell, a: -1 } }] },
    { ...comparison, largestChanges: [{ path: 'x', className: null, stdLossA: 0, stdLossB: 0, flipRateA: 2, flipRateB: 0 }] },
    { ...comparison, onlyInA: { paths: ['a', 'b'], count: 1 } },
    { ...comparison, onlyInA: { paths: new Array(MAX_LISTED + 1).fill('a'), count: MAX_LISTED + 1 } },
    { ...comparison, differences: [{ part: 'policy', a: 'p' }] },
    { ...comparison, failed: undefined },
  ];
  for (const c of bad) {
    assert.equal(parseDatasetComparison(c), undefined, JSON.stringify(c)?.slice(0, 300));
    assert.equal(parseHostToDatasetMessage({ type: 'datasetCompare', comparison: c }), undefined);
  }
  assert.equal(parseHostToDatasetMessage({ ...message, status: '' }), undefined);
});

test('the compare view messages from the webview are checked like the others', () => {
  const good: unknown[] = [
    { type: 'compareRuns' },
    { type: 'closeCompare' },
    { type: 'renderedCompare', overallRows: 3, classRows: 2, stabilityLabels: ['mixed', 'more stable in B', 'no clear change'] },
  ];
  for (const m of good) assert.deepEqual(parseDatasetToHostMessage(m), m);
  const bad: unknown[] = [
    { type: 'compareRuns', path: '/etc/passwd' },
    { type: 'closeCompare', x: 1 },
    { type: 'renderedCompare', overallRows: 3, classRows: -1, stabilityLabels: [] },
    { type: 'renderedCompare', overallRows: 3, classRows: 2, stabilityLabels: [7] },
    { type: 'renderedCompare', overallRows: 3, classRows: 2, stabilityLabels: ['x'.repeat(65)] },
    { type: 'renderedCompare', overallRows: 3, classRows: 2 },
  ];
  for (const m of bad) assert.equal(parseDatasetToHostMessage(m), undefined, JSON.stringify(m));
});
