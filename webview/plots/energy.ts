// Saliency energy per eigenvector: the share of ||g||^2 along each top eigenvector of Cov[T(x)] and outside them.
import type { SaliencyView } from '../../src/shared/resultsView';
import { svg } from '../dom';
import { percent } from '../format';
import { plotFrame, xRange, yRange } from './axes';
import { linearScale } from './scales';

export function energyPlot(a: NonNullable<SaliencyView['alignment']>): SVGSVGElement | null {
  const shares = [...a.shares, a.outsideShare];
  if (a.shares.length === 0) return null;
  const n = shares.length;
  const x = linearScale([0.5, n + 0.5], xRange(), Math.min(n, 9));
  x.ticks.splice(0, x.ticks.length, ...x.ticks.filter((t) => Number.isInteger(t) && t >= 1 && t < n));
  const y = linearScale([0, Math.max(...shares, 0.01) * 1.1], yRange());
  const frame = plotFrame('Share of the saliency energy along each eigenvector (last bar: outside them)', x, y, 'eigenvector k', 'share of ||g||^2');
  const width = Math.max(2, (x(2) - x(1)) * 0.7);
  frame.root.appendChild(svg('text', { class: 'tick-labels', x: x(n), y: yRange()[0] + 14, 'text-anchor': 'middle' }, ['rest']));
  shares.forEach((share, i) => {
    const outside = i === n - 1;
    frame.data.appendChild(
      svg('rect', { class: outside ? 'bar outside' : 'bar', x: x(i + 1) - width / 2, y: y(share), width, height: Math.max(0, y(0) - y(share)) }, [
        svg('title', {}, [`${outside ? 'outside the top eigenvectors' : `eigenvector ${i + 1}`}: ${percent(share)}`]),
      ]),
    );
  });
  return frame.root;
}
