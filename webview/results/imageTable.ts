// Several images: one row per image and the aggregate; clicking a row shows that image's maps and numbers.
import type { ImageResultView, RunSummaryView } from '../../src/shared/resultsView';
import { el } from '../dom';
import { count, num, percent } from '../format';

export function imageTable(
  images: readonly (ImageResultView | undefined)[],
  summary: RunSummaryView | null,
  selected: number,
  select: (index: number) => void,
): HTMLElement {
  const head = ['Image', 'E[loss]', 'Std[loss]', 'Flip rate', 'Samples needed', 'tr Cov'];
  const rows = images.map((r, index) => {
    const m = r?.model;
    const cells = r
      ? [r.label, num(m?.expectedLoss), num(m?.stdLoss), m ? percent(m.flipRate) : 'n/a', m ? count(m.samplesNeeded.loss) : 'n/a', num(r.moments.totalVariance)]
      : [`image ${index + 1}`, 'computing...', '', '', '', ''];
    const row = el('tr', { className: index === selected ? 'selected' : '', attrs: { tabindex: '0', 'aria-selected': String(index === selected) } }, cells.map((text) => el('td', { text })));
    row.addEventListener('click', () => select(index));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') select(index);
    });
    return row;
  });
  const a = summary?.aggregate;
  const aggregate = a
    ? el('tr', { className: 'aggregate' }, [
        el('th', { text: `All ${a.images} images (mean)`, attrs: { scope: 'row' } }),
        el('td', { text: num(a.meanExpectedLoss) }),
        el('td', { text: num(a.meanStdLoss) }),
        el('td', { text: a.meanFlipRate === null ? 'n/a' : percent(a.meanFlipRate) }),
        el('td', { text: '' }),
        el('td', { text: num(a.meanTotalVariance) }),
      ])
    : null;
  const table = el('table', { className: 'image-table' }, [
    el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))]),
    el('tbody', {}, [...rows, aggregate]),
  ]);
  return el('div', { className: 'table-scroll' }, [table]);
}
