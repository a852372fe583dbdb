// Monte-Carlo convergence: the running estimate of E[loss] after n sampled augmentations with its 95% band, against
// the engine's value (dashed), named by `reference` ('exact', 'quadrature', ...). The x axis is logarithmic in n.
import type { ConvergenceView } from '../../src/shared/resultsView';
import { svg } from '../dom';
import { num } from '../format';
import { PLOT, plotFrame, points, xRange, yRange } from './axes';
import { extent, linearScale, logScale } from './scales';

export function convergencePlot(c: ConvergenceView, confidence: number, reference = 'exact'): SVGSVGElement | null {
  if (c.samples.length < 2) return null;
  const nMax = Math.max(...c.samples);
  const x = logScale([Math.min(...c.samples), nMax], xRange());
  const y = linearScale(extent([...c.lower, ...c.upper, c.exact], 0.05), yRange());
  const title = `Monte-Carlo estimate of E[loss] against the ${reference} value (${Math.round(confidence * 100)}% band)`;
  const frame = plotFrame(title, x, y, 'sampled augmentations n (log scale)', 'E[loss] estimate');
  const xs = c.samples.map(x);
  frame.data.appendChild(svg('polygon', { class: 'band', points: `${points(xs, c.upper.map(y))} ${points([...xs].reverse(), [...c.lower].reverse().map(y))}` }));
  frame.data.appendChild(svg('polyline', { class: 'estimate', points: points(xs, c.estimate.map(y)), fill: 'none' }));
  const [x0, x1] = xRange();
  frame.data.appendChild(
    svg('line', { class: 'exact', x1: x0, x2: x1, y1: y(c.exact), y2: y(c.exact) }, [svg('title', {}, [`${reference} E[loss] = ${num(c.exact, 4)}`])]),
  );
  const last = c.samples.length - 1;
  frame.data.appendChild(
    svg('text', { class: 'plot-note', x: x1 - 4, y: PLOT.top + 10, 'text-anchor': 'end' }, [
      `${reference} ${num(c.exact)}; after ${c.draws.toLocaleString('en-US')}: ${num(c.estimate[last])}`,
    ]),
  );
  return frame.root;
}
