import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DatasetImageRow } from '../../../src/shared/datasetProtocol';
import { sortRows } from '../../../webview/dataset/sortRows';

const row = (path: string, className: string | null, expectedLoss: number, stdLoss: number, flipRate: number, samplesNeeded: number | null): DatasetImageRow => ({
  path,
  className,
  expectedLoss,
  stdLoss,
  flipRate,
  samplesNeeded,
  thumbnail: `thumb/${path}`,
});

const rows = [
  row('dog/b.png', 'dog', 0.5, 0.2, 0.1, 900),
  row('cat/a.png', 'cat', 1.5, 0.1, 0.3, null),
  row('cat/c.png', 'cat', 0.2, 0.2, 0.0, 40),
  row('ship/d.png', 'ship', 0.9, 0.4, 0.3, 12_000),
];
const paths = (r: DatasetImageRow[]) => r.map((x) => x.path);

test('sorts by each numeric column both ways, ties by path', () => {
  assert.deepEqual(paths(sortRows(rows, 'expectedLoss', 'ascending')), ['cat/c.png', 'dog/b.png', 'ship/d.png', 'cat/a.png']);
  assert.deepEqual(paths(sortRows(rows, 'expectedLoss', 'descending')), ['cat/a.png', 'ship/d.png', 'dog/b.png', 'cat/c.png']);
  assert.deepEqual(paths(sortRows(rows, 'stdLoss', 'descending')), ['ship/d.png', 'cat/c.png', 'dog/b.png', 'cat/a.png']);
  assert.deepEqual(paths(sortRows(rows, 'flipRate', 'descending')), ['cat/a.png', 'ship/d.png', 'dog/b.png', 'cat/c.png']);
});

test('an unbounded sample count (E[loss] = 0) sorts after every number', () => {
  assert.deepEqual(paths(sortRows(rows, 'samplesNeeded', 'ascending')), ['cat/c.png', 'dog/b.png', 'ship/d.png', 'cat/a.png']);
  assert.deepEqual(paths(sortRows(rows, 'samplesNeeded', 'descending'))[0], 'cat/a.png');
});

test('sorts by path and by class as strings; rows of a plain folder (no class) come first', () => {
  assert.deepEqual(paths(sortRows(rows, 'path', 'ascending')), ['cat/a.png', 'cat/c.png', 'dog/b.png', 'ship/d.png']);
  const plain = [...rows, row('Z.png', null, 0, 0, 0, 1)];
  assert.deepEqual(paths(sortRows(plain, 'className', 'ascending')), ['Z.png', 'cat/a.png', 'cat/c.png', 'dog/b.png', 'ship/d.png']);
  assert.deepEqual(paths(sortRows(plain, 'className', 'descending')), ['ship/d.png', 'dog/b.png', 'cat/a.png', 'cat/c.png', 'Z.png']);
  assert.deepEqual(paths(rows), ['dog/b.png', 'cat/a.png', 'cat/c.png', 'ship/d.png'], 'the input is left as it was');
});
