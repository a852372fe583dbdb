// The dataset's images, one row each (thumbnail, class, E[loss], Std[loss], flip rate, samples needed), sorted by a
// column the user clicks (again: the other order); clicking a row opens that image's full analysis.
import type { DatasetImageRow } from '../../src/shared/datasetProtocol';
import { el } from '../dom';
import { count, num, percent } from '../format';
import { type SortKey, type SortOrder, sortRows } from './sortRows';

/** Rows drawn at most: a sort by a column brings the ones that matter to the top. */
const MAX_SHOWN_ROWS = 2000;

const COLUMNS: readonly [SortKey | null, string][] = [
  [null, ''],
  ['path', 'Image'],
  ['className', 'Class'],
  ['expectedLoss', 'E[loss]'],
  ['stdLoss', 'Std[loss]'],
  ['flipRate', 'Flip rate'],
  ['samplesNeeded', 'Samples needed'],
];

export function datasetTable(
  rows: readonly DatasetImageRow[],
  sort: { key: SortKey; order: SortOrder },
  on: { sortBy(key: SortKey): void; open(path: string): void },
): HTMLElement {
  const head = COLUMNS.map(([key, label]) => {
    if (!key) return el('th', { attrs: { scope: 'col' } });
    const sorted = key === sort.key;
    const th = el('th', {
      className: 'sortable',
      text: sorted ? `${label} ${sort.order === 'ascending' ? '\u25B2' : '\u25BC'}` : label,
      attrs: { scope: 'col', tabindex: '0', 'aria-sort': sorted ? sort.order : 'none' },
    });
    th.addEventListener('click', () => on.sortBy(key));
    th.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') on.sortBy(key);
    });
    return th;
  });
  const shown = sortRows(rows, sort.key, sort.order).slice(0, MAX_SHOWN_ROWS);
  const body = shown.map((r) => {
    const thumb = el('img', { className: 'thumb', attrs: { src: r.thumbnail, alt: '', width: '32', height: '32', loading: 'lazy' } });
    const cells = [
      el('td', {}, [thumb]),
      el('td', { text: r.path, title: r.path }),
      el('td', { text: r.className ?? '' }),
      el('td', { text: num(r.expectedLoss) }),
      el('td', { text: num(r.stdLoss) }),
      el('td', { text: percent(r.flipRate) }),
      el('td', { text: count(r.samplesNeeded) }),
    ];
    const row = el('tr', { attrs: { tabindex: '0', 'data-path': r.path } }, cells);
    row.addEventListener('click', () => on.open(r.path));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') on.open(r.path);
    });
    return row;
  });
  const table = el('table', { className: 'image-table dataset-table' }, [el('thead', {}, [el('tr', {}, head)]), el('tbody', {}, body)]);
  const more = rows.length > shown.length ? el('p', { className: 'note', text: `Showing ${shown.length} of ${rows.length} images in this order.` }) : null;
  return el('div', { className: 'table-scroll' }, [table, more]);
}
