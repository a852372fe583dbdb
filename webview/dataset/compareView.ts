// The dataset panel's compare view: this run (A) against another (B) on the same images, paired by path: the runs
// and what differs in their setup, the mean differences B - A with paired-t intervals, per class with a stability
// label, the largest per-image changes, and the images left unpaired.
import type { DatasetComparison, PathList } from '../../src/shared/datasetComparison';
import { el } from '../dom';
import { num, percent } from '../format';
import { classRows, confidenceText, METRIC_LABELS, overallRows, stabilityText } from './comparisonRows';

const STABILITY_CLASS = { 'more stable': 'stability-more', 'less stable': 'stability-less', mixed: 'stability-mixed', 'no clear change': 'stability-none' } as const;

function table(className: string, head: readonly string[], rows: readonly (readonly (string | HTMLElement)[])[]): HTMLElement {
  const headRow = el('tr', {}, head.map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  const body = rows.map((cells) => el('tr', {}, cells.map((c) => (typeof c === 'string' ? el('td', { text: c }) : el('td', {}, [c])))));
  return el('div', { className: 'table-scroll' }, [el('table', { className: `image-table ${className}` }, [el('thead', {}, [headRow]), el('tbody', {}, body)])]);
}

const label = (stability: keyof typeof STABILITY_CLASS, text: string) => el('span', { className: `stability ${STABILITY_CLASS[stability]}`, text });

function runsTable(c: DatasetComparison): HTMLElement {
  const row = (name: string, r: DatasetComparison['a']) => [
    name,
    el('code', { text: r.policy }),
    r.model ? r.model.slice(r.model.lastIndexOf('/') + 1) : '(none)',
    `${r.images}${r.failed ? ` (${r.failed} failed)` : ''}`,
    el('span', { className: 'compare-file', text: r.file, title: r.file }),
  ];
  return table('compare-runs', ['', 'Policy', 'Model', 'Images', 'Results'], [row('A (this run)', c.a), row('B', c.b)]);
}

function differences(c: DatasetComparison): HTMLElement {
  if (!c.differences.length) return el('p', { className: 'note', text: 'A and B have the same model, policy and settings.' });
  return el('div', {}, [
    el('p', { text: 'B differs from A in:' }),
    table('compare-setup', ['', 'A', 'B'], c.differences.map((d) => [d.part, el('code', { text: d.a }), el('code', { text: d.b })])),
  ]);
}

function pathList(title: string, list: PathList): HTMLElement | null {
  if (!list.count) return null;
  const more = list.count > list.paths.length ? el('li', { className: 'note', text: `... ${list.count - list.paths.length} more` }) : null;
  return el('div', { className: 'compare-unpaired' }, [el('h3', { text: `${title} (${list.count})` }), el('ul', {}, [...list.paths.map((p) => el('li', {}, [el('code', { text: p })])), more])]);
}

/** The view, headed by `backButton` (back to the run's own table). */
export function compareView(c: DatasetComparison, backButton: HTMLElement): HTMLElement {
  const pct = confidenceText(c);
  const o = c.overall;
  const sections: (HTMLElement | null)[] = [
    el('div', { className: 'compare-head' }, [el('h2', { text: 'Compared with another run' }), backButton]),
    runsTable(c),
    differences(c),
    el('h2', { text: `Mean over ${o.pairs} paired images, B \u2212 A with ${pct} paired-t intervals` }),
    table('compare-overall', ['', 'A', 'B', 'B \u2212 A', `${pct} interval`, ''], overallRows(c)),
    el('p', { className: 'compare-verdict' }, ['Overall (Std[loss] and flip rate): ', label(o.stability, stabilityText(o))]),
  ];
  if (c.classes.length) {
    sections.push(
      el('h2', { text: `Per class, B \u2212 A with ${pct} intervals` }),
      table(
        'compare-classes',
        ['Class', 'Pairs', ...METRIC_LABELS.map(([, l]) => l), 'Stability'],
        classRows(c).map((r) => [...r.cells.slice(0, -1), label(r.stability, r.cells[r.cells.length - 1])]),
      ),
    );
  }
  if (c.largestChanges.length) {
    sections.push(
      el('h2', { text: 'Largest changes of Std[loss]' }),
      table(
        'compare-images',
        ['Image', 'Class', 'Std[loss] A \u2192 B', 'Flip rate A \u2192 B'],
        c.largestChanges.map((p) => [p.path, p.className ?? '', `${num(p.stdLossA)} \u2192 ${num(p.stdLossB)}`, `${percent(p.flipRateA)} \u2192 ${percent(p.flipRateB)}`]),
      ),
    );
  }
  sections.push(pathList('Only in A', c.onlyInA), pathList('Only in B', c.onlyInB), pathList('Failed in a run, not paired', c.failed));
  return el('section', { className: 'dataset-section dataset-compare' }, sections);
}
