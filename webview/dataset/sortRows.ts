// The dataset table's order. Pure: no DOM.
import type { DatasetImageRow } from '../../src/shared/datasetProtocol';

export type SortKey = 'path' | 'className' | 'expectedLoss' | 'stdLoss' | 'flipRate' | 'samplesNeeded';
export type SortOrder = 'ascending' | 'descending';

/** Compares two rows by `key`: text as JavaScript strings, a missing sample count (unbounded) after every number. */
function compare(a: DatasetImageRow, b: DatasetImageRow, key: SortKey): number {
  if (key === 'path' || key === 'className') {
    const x = a[key] ?? '';
    const y = b[key] ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = a[key] ?? Infinity;
  const y = b[key] ?? Infinity;
  return x === y ? 0 : x < y ? -1 : 1;
}

export function sortRows(rows: readonly DatasetImageRow[], key: SortKey, order: SortOrder): DatasetImageRow[] {
  const sign = order === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => sign * compare(a, b, key) || compare(a, b, 'path'));
}
