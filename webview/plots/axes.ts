// A plot frame in SVG: the plotting area, grid lines, tick labels and axis titles. Colours come from the theme's
// CSS variables through classes in media/panel.css.
import { formatTicks } from '../../src/core/render/ticks';
import { svg } from '../dom';
import type { Scale } from './scales';

export const PLOT = { width: 340, height: 220, left: 56, right: 12, top: 12, bottom: 40 } as const;

export function xRange(): [number, number] {
  return [PLOT.left, PLOT.width - PLOT.right];
}

export function yRange(): [number, number] {
  return [PLOT.height - PLOT.bottom, PLOT.top];
}

export interface Frame {
  root: SVGSVGElement;
  /** Group for the data, drawn over the grid. */
  data: SVGGElement;
}

export function plotFrame(title: string, x: Scale, y: Scale, xTitle: string, yTitle: string): Frame {
  const root = svg('svg', {
    class: 'plot',
    viewBox: `0 0 ${PLOT.width} ${PLOT.height}`,
    width: PLOT.width,
    height: PLOT.height,
    role: 'img',
    'aria-label': title,
  });
  root.appendChild(svg('title', {}, [title]));
  const [x0, x1] = xRange();
  const [y0, y1] = yRange();
  const grid = svg('g', { class: 'grid' });
  const labels = svg('g', { class: 'tick-labels' });
  formatTicks(y.ticks).forEach((text, i) => {
    const py = y(y.ticks[i]);
    grid.appendChild(svg('line', { x1: x0, x2: x1, y1: py, y2: py }));
    labels.appendChild(svg('text', { x: x0 - 4, y: py, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, [text]));
  });
  formatTicks(x.ticks).forEach((text, i) => {
    const px = x(x.ticks[i]);
    grid.appendChild(svg('line', { x1: px, x2: px, y1: y0, y2: y1 }));
    labels.appendChild(svg('text', { x: px, y: y0 + 14, 'text-anchor': 'middle' }, [text]));
  });
  const axes = svg('g', { class: 'axes' }, [
    svg('line', { x1: x0, x2: x1, y1: y0, y2: y0 }),
    svg('line', { x1: x0, x2: x0, y1: y0, y2: y1 }),
  ]);
  const titles = svg('g', { class: 'axis-titles' }, [
    svg('text', { x: (x0 + x1) / 2, y: PLOT.height - 6, 'text-anchor': 'middle' }, [xTitle]),
    svg('text', { x: 12, y: (y0 + y1) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${(y0 + y1) / 2})` }, [yTitle]),
  ]);
  const data = svg('g', { class: 'data' });
  root.append(grid, axes, labels, titles, data);
  return { root, data };
}

/** "x,y x,y ..." for a polyline or polygon. */
export function points(xs: readonly number[], ys: readonly number[]): string {
  return xs.map((x, i) => `${x.toFixed(1)},${ys[i].toFixed(1)}`).join(' ');
}

/** Series colours: one per compared policy. */
export const SERIES_CLASSES = ['series-a', 'series-b'] as const;
