// Eigen-spectrum of Cov[T(x)] on a log scale: eigenvalue against its rank, one series per compared policy.
import { svg } from '../dom';
import { percent } from '../format';
import { PLOT, SERIES_CLASSES, plotFrame, points, xRange, yRange } from './axes';
import { linearScale, logScale } from './scales';

export interface SpectrumSeries {
  name: string;
  eigenvalues: number[];
  explained: number[];
}

export function spectrumPlot(series: readonly SpectrumSeries[]): SVGSVGElement | null {
  const positive = series.flatMap((s) => s.eigenvalues.filter((v) => v > 0));
  const count = Math.max(0, ...series.map((s) => s.eigenvalues.length));
  if (positive.length === 0 || count === 0) return null;
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  const y = logScale([lo / 1.5, hi * 1.5], yRange());
  const x = linearScale([0.5, count + 0.5], xRange(), Math.min(count, 8));
  x.ticks.splice(0, x.ticks.length, ...x.ticks.filter((t) => Number.isInteger(t) && t >= 1 && t <= count));
  const frame = plotFrame('Eigen-spectrum of the augmentation covariance (log scale)', x, y, 'eigenvector k', 'eigenvalue λk');
  series.forEach((s, si) => {
    const ks = s.eigenvalues.map((_, i) => i + 1).filter((_, i) => s.eigenvalues[i] > 0);
    const vs = s.eigenvalues.filter((v) => v > 0);
    const g = svg('g', { class: SERIES_CLASSES[si % 2] });
    g.appendChild(svg('polyline', { points: points(ks.map(x), vs.map(y)), fill: 'none' }));
    ks.forEach((k, i) => {
      g.appendChild(
        svg('circle', { cx: x(k), cy: y(vs[i]), r: 3 }, [
          svg('title', {}, [`${s.name} k=${k}: λ = ${vs[i].toPrecision(4)}, ${percent(s.explained[k - 1] ?? 0)} of tr Cov`]),
        ]),
      );
    });
    frame.data.appendChild(g);
  });
  if (series.length > 1) frame.root.appendChild(legend(series.map((s) => s.name)));
  return frame.root;
}

export function legend(names: readonly string[]): SVGGElement {
  const g = svg('g', { class: 'legend' });
  names.forEach((name, i) => {
    const y = PLOT.top + 6 + 14 * i;
    const x = PLOT.width - PLOT.right - 90;
    g.appendChild(svg('g', { class: SERIES_CLASSES[i % 2] }, [svg('line', { x1: x, x2: x + 16, y1: y, y2: y })]));
    g.appendChild(svg('text', { x: x + 20, y, 'dominant-baseline': 'middle' }, [name]));
  });
  return g;
}
