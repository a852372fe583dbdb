// The results: per policy (two columns side by side when comparing, on the same colour scales) the numbers, the
// table of images, the heatmaps; below them the plots. A toolbar switches shared/per-map scales and the zoom.
import { ANALYSIS_LIMITS } from '../../src/shared/analysisLimits';
import type { ImageResultView, RunSummaryView } from '../../src/shared/resultsView';
import { type CanvasFact, type ScaleMode, type ViewOptions, ZOOM_LEVELS } from '../../src/shared/panelProtocol';
import { el } from '../dom';
import { seconds } from '../format';
import { convergencePlot } from '../plots/convergence';
import { energyPlot } from '../plots/energy';
import { radialSpectraPlot } from '../plots/radialSpectra';
import { spectrumPlot } from '../plots/spectrum';
import { type Colormaps, drawMap } from '../results/heatmap';
import { imageTable } from '../results/imageTable';
import { type DisplayMap, displayMaps, mapRanges, pixelScale } from '../results/maps';
import { numbersTable, paperLink } from '../results/numbers';
import { type Field, dropdown, radioGroup } from '../toolkit';
import { trainingSection } from './trainingSection';

export interface ColumnView {
  count: number;
  images: (ImageResultView | undefined)[];
  summary: RunSummaryView | null;
}

const COLUMN_NAMES = ['Policy A', 'Policy B'];

export class ResultsSection {
  readonly element = el('section', { className: 'card results-section', attrs: { 'aria-labelledby': 'results-heading' } });
  private readonly scale: Field<string>;
  private readonly zoom: Field<string>;
  private readonly body = el('div', { className: 'results-body' });
  private view: ViewOptions | null = null;

  constructor(private readonly onView: (view: ViewOptions) => void) {
    this.scale = radioGroup('Colour scale', [
      ['shared', 'shared per kind of map'],
      ['per-map', 'per map'],
    ]);
    this.zoom = dropdown('Zoom', ZOOM_LEVELS.map((z) => [String(z), z === 0 ? 'Fit' : `${z}x`]));
    this.scale.onChange((value) => this.view && this.onView({ ...this.view, scale: value as ScaleMode }));
    this.zoom.onChange((value) => this.view && this.onView({ ...this.view, zoom: Number(value) }));
    const toolbar = el('div', { className: 'controls toolbar' }, [
      this.scale.element,
      el('span', { className: 'label', text: 'Zoom' }),
      this.zoom.element,
    ]);
    this.element.append(el('h2', { id: 'results-heading', text: 'Results' }), toolbar, this.body);
    this.element.hidden = true;
  }

  /** Draws the results and returns what the canvases show (for the `rendered` report). */
  render(columns: readonly ColumnView[], view: ViewOptions, colormaps: Colormaps, policyTexts: readonly string[]): CanvasFact[] {
    this.view = view;
    this.scale.value = view.scale;
    this.zoom.value = String(view.zoom);
    const shown = columns.filter((c) => c.images.some((i) => i !== undefined));
    this.element.hidden = shown.length === 0;
    if (shown.length === 0) {
      this.body.replaceChildren();
      return [];
    }
    const selected = columns.map((c) => c.images[Math.min(view.selectedImage, Math.max(0, c.count - 1))]);
    const maps = selected.map((r) => (r ? displayMaps(r) : []));
    const ranges = mapRanges(maps, view.scale);
    const facts: CanvasFact[] = [];
    const columnElements = columns.map((c, column) => {
      const result = selected[column];
      const drawn = maps[column].map((m: DisplayMap) => {
        const scale = pixelScale(view.zoom, m.width, m.height);
        const id = `map-${column}-${m.key}`;
        const d = drawMap(m, ranges.get(`${column}:${m.key}`)!, colormaps, scale, id);
        facts.push({ id, width: m.width, height: m.height, nonUniform: d.nonUniform });
        return d.figure;
      });
      const policy = c.summary?.policy.canonical ?? policyTexts[column] ?? '';
      return el('div', { className: 'result-column' }, [
        el('h3', { text: columns.length > 1 ? COLUMN_NAMES[column] : 'Policy' }),
        el('code', { className: 'policy-canonical', text: policy }),
        c.count > 1 ? imageTable(c.images, c.summary, Math.min(view.selectedImage, c.count - 1), (index) => this.onView({ ...view, selectedImage: index })) : null,
        result ? el('h4', { text: c.count > 1 ? `Image: ${result.label}` : result.label }) : null,
        result ? (result.model ? numbersTable(result, c.summary) : el('p', { className: 'hint', text: 'Image moments ready; the model moments are being computed...' })) : null,
        result ? trainingSection(result, c.summary) : null,
        result ? el('div', { className: 'map-grid' }, drawn) : null,
        c.summary ? el('p', { className: 'hint', text: `Analysed in ${seconds(c.summary.elapsedMs)}${c.summary.preprocessing ? `; preprocessing ${c.summary.preprocessing}` : ''}.` }) : null,
      ]);
    });
    this.body.replaceChildren(
      el('div', { className: columns.length > 1 ? 'result-columns two' : 'result-columns' }, columnElements),
      this.plots(columns, selected),
      paperLink(),
    );
    return facts;
  }

  private plots(columns: readonly ColumnView[], selected: readonly (ImageResultView | undefined)[]): HTMLElement {
    const name = (i: number) => (columns.length > 1 ? COLUMN_NAMES[i] : 'policy');
    const spectrum = spectrumPlot(
      selected.flatMap((r, i) => (r ? [{ name: name(i), eigenvalues: r.moments.eigenvalues, explained: r.moments.explained }] : [])),
    );
    const figures: HTMLElement[] = [];
    if (spectrum) figures.push(plotFigure('Eigen-spectrum of Cov[T(x)]', 'How the augmentation variance spreads over directions (log scale).', spectrum));
    selected.forEach((r, i) => {
      const convergence = r?.model?.convergence;
      const confidence = columns[i].summary?.settings.confidence ?? ANALYSIS_LIMITS.confidence.default;
      const reference = r?.model?.method ?? 'exact';
      const plot = convergence && convergencePlot(convergence, confidence, reference);
      if (plot) figures.push(plotFigure(`Monte-Carlo convergence (${name(i)})`, `Sampling approaches the ${reference} E[loss] (dashed) slowly; the band is the confidence interval.`, plot));
      const saliency = r?.model?.saliency;
      const energy = saliency?.alignment && energyPlot(saliency.alignment);
      if (energy) figures.push(plotFigure(`Saliency energy per eigenvector (${name(i)})`, 'Where the model is sensitive, in the directions the augmentation moves the image.', energy));
      const spectra = saliency && radialSpectraPlot(saliency.spectra);
      if (spectra) figures.push(plotFigure(`Radial spectra (${name(i)})`, 'Fine detail (right) against coarse structure (left), each curve scaled to its total power.', spectra));
    });
    return el('div', { className: 'plots' }, figures);
  }
}

function plotFigure(title: string, caption: string, plot: SVGSVGElement): HTMLElement {
  return el('figure', { className: 'plot-figure' }, [el('figcaption', {}, [el('strong', { text: title }), el('span', { className: 'caption', text: caption })]), plot]);
}
