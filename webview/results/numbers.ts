// The numbers table of one image under one policy, and the link to the method's paper.
import type { ImageResultView, RunSummaryView } from '../../src/shared/resultsView';
import { el } from '../dom';
import { PAPER_URL, numberRows } from './numberRows';

/** The numbers as a definition list: name, value, and the explanation (beside them, or below in two columns). */
export function numbersTable(result: ImageResultView, summary: RunSummaryView | null): HTMLElement {
  const items = numberRows(result, summary).flatMap((r) => [
    el('dt', { text: r.name }),
    el('dd', { className: 'value', text: r.value }),
    el('dd', { className: 'explanation', text: r.explanation }),
  ]);
  return el('dl', { className: 'numbers' }, items);
}

export function paperLink(): HTMLElement {
  return el('p', { className: 'method' }, [
    'Method: exact moments of the augmentation distribution, after Balestriero, Misra & LeCun, ',
    el('a', { text: 'A Data-Augmentation Is Worth A Thousand Samples (arXiv 2202.08325)', attrs: { href: PAPER_URL } }),
    '.',
  ]);
}
