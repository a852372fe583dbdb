// The "Training" figures: the gradient noise on the model's parameters under the policy, as number rows with their
// one-line explanations and as per-layer bars (log-scale samples needed and SNR, cosine ranges). Pure.
import type { ParameterNoiseView, ParametersView, PooledParametersView } from '../../src/shared/parametersView';
import { count, num, percent } from '../format';
import { logScale } from '../plots/scales';
import type { NumberRow } from './numberRows';

/** One bar row: widths and positions as fractions of the track, [0, 1]. */
export interface LayerBar {
  name: string;
  op: string;
  samplesNeeded: string;
  /** Log-scale width; 1 for an unbounded count (a gradient with zero mean). */
  samplesWidth: number;
  snr: string;
  /** Log-scale width; 1 for an infinite SNR (a gradient that never varies). */
  snrWidth: number;
  cosine: string;
  /** The 5th-95th percentile range and the mean of the cosine, on the [-1, 1] axis. */
  cosineLeft: number;
  cosineWidth: number;
  cosineMean: number;
}

const HOW = { exact: 'exactly over every outcome', sampled: 'over outcomes drawn by weight', quadrature: 'by a randomized lattice rule' };

export function trainingRows(p: ParametersView): NumberRow[] {
  const t = p.total;
  const eps = percent(p.tolerance, 0);
  const conf = percent(p.confidence, 0);
  const err = p.error ? ` (${conf} error from ${p.error.replicates} replicates: E[g] ±${percent(p.error.meanRelative)}, tr Cov ±${percent(p.error.traceRelative)})` : '';
  return [
    {
      name: 'Gradient samples needed',
      value: count(t.samplesNeeded),
      explanation: `Augmented views of this image an SGD step must average for its weight gradient to be within ${eps} (relative L2, ${conf} confidence) of the exact expected gradient.`,
    },
    {
      name: 'Gradient SNR',
      value: t.snr === null ? 'infinite' : num(t.snr),
      explanation: '||E[g]||² / tr Cov[g]: above 1 one augmented view already points the right way; far below 1 each view is mostly noise.',
    },
    {
      name: 'cos(g, E[g])',
      value: `${num(t.cosine.mean)} [${num(t.cosine.p5)}, ${num(t.cosine.p95)}]`,
      explanation: 'How well one augmented view\'s gradient lines up with the expected one: mean, and 5th to 95th percentile over the outcomes (1 = same direction).',
    },
    {
      name: 'cos(E[g], clean)',
      value: num(t.cleanCosine),
      explanation: 'How much the policy turns the training direction away from the clean image\'s gradient: 1 = not at all, 0 = at right angles.',
    },
    {
      name: 'Gradients',
      value: `${count(p.outcomes)} outcomes`,
      explanation: `Loss against class ${p.target}; the gradient of every weight and bias computed ${HOW[p.method]}${err}.`,
    },
  ];
}

/** The law of total variance over several images: does a batch gain more from more images or more augmented views? */
export function pooledRows(p: PooledParametersView): NumberRow[] {
  const { acrossImages, withinAugmentations, snr } = p.total;
  const total = acrossImages + withinAugmentations;
  const share = total > 0 ? withinAugmentations / total : 0;
  const verdict =
    total === 0 ? 'the gradient does not vary' : share > 0.5 ? 'more augmented views per image reduce the noise more' : 'more images per batch reduce the noise more';
  return [
    {
      name: 'Across images',
      value: num(acrossImages),
      explanation: `tr Cov over the ${p.images} images of their expected gradients: shrinks with more images per batch.`,
    },
    {
      name: 'Within augmentations',
      value: `${num(withinAugmentations)} (${percent(share, 0)})`,
      explanation: `Mean over images of the augmentation variance of one image's gradient: shrinks with more views per image too; here ${verdict}.`,
    },
    {
      name: 'Pooled SNR',
      value: snr === null ? 'infinite' : num(snr),
      explanation: 'One (image, augmentation) sample\'s ||E[g]||² / tr Cov[g], for the gradient a batch of these images follows.',
    },
  ];
}

/** Bars for each layer then the total, on log scales shared by all rows (from a decade below the smallest value to the largest). */
export function layerBars(p: ParametersView): LayerBar[] {
  const rows: (ParameterNoiseView & { layer: string; op: string })[] = [...p.layers, { layer: 'Total', op: '', ...p.total }];
  const samples = logTrack(rows.map((r) => r.samplesNeeded));
  const snr = logTrack(rows.map((r) => r.snr));
  const onAxis = (c: number) => Math.min(1, Math.max(0, (c + 1) / 2));
  return rows.map((r) => ({
    name: r.layer,
    op: r.op,
    samplesNeeded: count(r.samplesNeeded),
    samplesWidth: samples(r.samplesNeeded),
    snr: r.snr === null ? 'infinite' : num(r.snr),
    snrWidth: snr(r.snr),
    cosine: `${num(r.cosine.mean)} [${num(r.cosine.p5)}, ${num(r.cosine.p95)}]`,
    cosineLeft: onAxis(r.cosine.p5),
    cosineWidth: onAxis(r.cosine.p95) - onAxis(r.cosine.p5),
    cosineMean: onAxis(r.cosine.mean),
  }));
}

/** Width in [0, 1] of each value on a log scale over the positive values; null (unbounded) fills the track. */
function logTrack(values: readonly (number | null)[]): (v: number | null) => number {
  const positive = values.filter((v): v is number => v !== null && v > 0);
  if (positive.length === 0) return (v) => (v === null ? 1 : 0);
  const lo = Math.min(...positive) / 10;
  const hi = Math.max(...positive);
  const scale = logScale([lo, hi], [0, 1]);
  return (v) => (v === null ? 1 : v > 0 ? Math.min(1, Math.max(0, scale(v))) : 0);
}
