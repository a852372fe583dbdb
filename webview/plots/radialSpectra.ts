// Radial power spectra (log-log): the saliency, the variance map and the first eigen-images against spatial
// frequency, so one sees whether the model is sensitive to the fine detail the augmentation moves, or to coarse
// structure. Each curve is scaled to its own total power, so the shapes compare.
import type { SaliencyView } from '../../src/shared/resultsView';
import { svg } from '../dom';
import { plotFrame, points, xRange, yRange } from './axes';
import { logScale } from './scales';

const CURVES: readonly [string, string][] = [
  ['saliency', 'spectrum-saliency'],
  ['variance', 'spectrum-variance'],
  ['eigen-image 1', 'spectrum-eigen'],
];

export function radialSpectraPlot(spectra: SaliencyView['spectra']): SVGSVGElement | null {
  const series = [spectra.saliency, spectra.variance, spectra.eigen[0] ?? []];
  const keep = spectra.frequencies.map((f, i) => f > 0 && series.every((s) => s.length === 0 || s[i] > 0));
  const freqs = spectra.frequencies.filter((_, i) => keep[i]);
  if (freqs.length < 2) return null;
  const normalised = series.map((s) => {
    if (s.length === 0) return [];
    const kept = s.filter((_, i) => keep[i]);
    const total = kept.reduce((a, b) => a + b, 0);
    return kept.map((v) => v / total);
  });
  const all = normalised.flat();
  const x = logScale([Math.min(...freqs), Math.max(...freqs)], xRange());
  const y = logScale([Math.min(...all), Math.max(...all)], yRange());
  const frame = plotFrame('Radial power spectra: saliency, variance and first eigen-image', x, y, 'spatial frequency (cycles per pixel)', 'share of power');
  normalised.forEach((values, i) => {
    if (values.length === 0) return;
    frame.data.appendChild(svg('polyline', { class: CURVES[i][1], points: points(freqs.map(x), values.map(y)), fill: 'none' }));
  });
  // Bottom left: the spectra fall off to the right, so that corner stays clear.
  const legend = svg('g', { class: 'legend' });
  CURVES.forEach(([name, cls], i) => {
    if (normalised[i].length === 0) return;
    const ly = yRange()[0] - 8 - 14 * (CURVES.length - 1 - i);
    const lx = xRange()[0] + 8;
    legend.append(svg('line', { class: cls, x1: lx, x2: lx + 16, y1: ly, y2: ly }), svg('text', { x: lx + 20, y: ly, 'dominant-baseline': 'middle' }, [name]));
  });
  frame.root.appendChild(legend);
  return frame.root;
}
