// Per-class bars of the dataset run: the mean flip rate or the mean Std[loss] over each class's analysed images,
// drawn in the frame of the panel's other plots.
import type { DatasetClassBar } from '../../src/shared/datasetProtocol';
import { svg } from '../dom';
import { num, percent } from '../format';
import { plotFrame, xRange, yRange } from '../plots/axes';
import { linearScale } from '../plots/scales';

export type ChartMetric = 'flipRate' | 'stdLoss';

/** Null for a run without classes (a plain folder). */
export function classChart(classes: readonly DatasetClassBar[], metric: ChartMetric): SVGSVGElement | null {
  if (!classes.length) return null;
  const value = (c: DatasetClassBar) => (metric === 'flipRate' ? c.meanFlipRate : c.meanStdLoss);
  const values = classes.map(value);
  const n = classes.length;
  const x = linearScale([0.5, n + 0.5], xRange(), 1);
  x.ticks.splice(0);
  const top = Math.max(...values.map((v) => v ?? 0), metric === 'flipRate' ? 0.01 : 1e-6) * 1.1;
  const y = linearScale([0, top], yRange());
  const what = metric === 'flipRate' ? 'mean flip rate' : 'mean Std[loss]';
  const frame = plotFrame(`${what[0].toUpperCase()}${what.slice(1)} per class`, x, y, 'class', what);
  const width = Math.max(2, (x(2) - x(1)) * 0.7);
  const labelEvery = Math.ceil(n / 12);
  classes.forEach((c, i) => {
    const v = values[i];
    const text = v === null ? 'no analysed image' : metric === 'flipRate' ? percent(v) : num(v);
    if (v !== null) {
      frame.data.appendChild(
        svg('rect', { class: 'bar', x: x(i + 1) - width / 2, y: y(v), width, height: Math.max(0, y(0) - y(v)) }, [
          svg('title', {}, [`${c.name}: ${text} (${c.images} images${c.failed ? `, ${c.failed} failed` : ''})`]),
        ]),
      );
    }
    if (i % labelEvery === 0) {
      const label = c.name.length > 10 ? `${c.name.slice(0, 9)}\u2026` : c.name;
      frame.root.appendChild(svg('text', { class: 'tick-labels', x: x(i + 1), y: yRange()[0] + 14, 'text-anchor': 'middle' }, [label]));
    }
  });
  return frame.root;
}
