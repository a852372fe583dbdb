// The "Training" block of a result column: the gradient noise on the model's parameters for the shown image (rows and
// per-layer bars) and, with several images, the pooled split of the variance. Bar geometry comes from trainingRows.
import type { ImageResultView, RunSummaryView } from '../../src/shared/resultsView';
import type { ParametersView } from '../../src/shared/parametersView';
import { el } from '../dom';
import { percent } from '../format';
import type { NumberRow } from '../results/numberRows';
import { type LayerBar, layerBars, pooledRows, trainingRows } from '../results/trainingRows';

/** The Training block, or null when the run did not ask for parameter gradients. */
export function trainingSection(result: ImageResultView, summary: RunSummaryView | null): HTMLElement | null {
  const parameters = result.model?.parameters;
  const pooled = summary?.aggregate.parameters;
  if (!parameters && !pooled) return null;
  const body: (HTMLElement | null)[] = [];
  if (parameters && 'skipped' in parameters) body.push(el('p', { className: 'hint', text: `Not computed: ${parameters.skipped}` }));
  else if (parameters) body.push(rowList(trainingRows(parameters)), layerTable(parameters));
  if (pooled) body.push(el('h5', { text: `All ${pooled.images} images, pooled as a batch` }), rowList(pooledRows(pooled)));
  return el('div', { className: 'training', attrs: { role: 'region', 'aria-label': 'Training' } }, [
    el('h4', { text: 'Training' }),
    el('p', { className: 'hint', text: 'Noise of the gradient with respect to the model\'s weights under the policy: how many augmented views an SGD step needs.' }),
    ...body,
  ]);
}

function rowList(rows: readonly NumberRow[]): HTMLElement {
  return el(
    'dl',
    { className: 'numbers' },
    rows.flatMap((r) => [el('dt', { text: r.name }), el('dd', { className: 'value', text: r.value }), el('dd', { className: 'explanation', text: r.explanation })]),
  );
}

function layerTable(p: ParametersView): HTMLElement {
  const head = el('tr', {}, [
    el('th', { text: 'Layer' }),
    el('th', { text: 'Samples needed (log)' }),
    el('th', { text: 'SNR (log)' }),
    el('th', { text: 'cos(g, E[g]): 5th-95th pct, mean' }),
  ]);
  const rows = layerBars(p).map((bar) =>
    el('tr', { className: bar.op ? '' : 'total' }, [
      el('th', { text: bar.name, title: bar.op, attrs: { scope: 'row' } }),
      el('td', {}, [track(bar.samplesWidth, 'samples'), el('span', { className: 'bar-value', text: bar.samplesNeeded })]),
      el('td', {}, [track(bar.snrWidth, 'snr'), el('span', { className: 'bar-value', text: bar.snr })]),
      el('td', {}, [cosineTrack(bar), el('span', { className: 'bar-value', text: bar.cosine })]),
    ]),
  );
  return el('table', { className: 'training-layers' }, [el('thead', {}, [head]), el('tbody', {}, rows)]);
}

function track(width: number, kind: string): HTMLElement {
  const fill = el('div', { className: `fill ${kind}` });
  fill.style.width = percent(width, 2);
  return el('div', { className: 'bar-track', attrs: { 'aria-hidden': 'true' } }, [fill]);
}

function cosineTrack(bar: LayerBar): HTMLElement {
  const range = el('div', { className: 'fill cosine' });
  range.style.left = percent(bar.cosineLeft, 2);
  range.style.width = percent(Math.max(bar.cosineWidth, 0.005), 2);
  const mean = el('div', { className: 'mark' });
  mean.style.left = percent(bar.cosineMean, 2);
  const zero = el('div', { className: 'zero' });
  return el('div', { className: 'bar-track', attrs: { 'aria-hidden': 'true', title: 'cosine from -1 (left) to 1 (right); the line is 0' } }, [zero, range, mean]);
}
