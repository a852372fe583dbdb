import type { Step } from '../../core/augment/step';
import type { Image } from '../../core/image';
import { crossEntropy, type OutputKind } from '../../core/outputs/classifier';
import { zForConfidence } from '../../core/outputs/outputMoments';
import { WeightedScalar } from '../../core/outputs/weightedStats';
import { createRng, type Rng } from '../../core/rng';
import type { ConvergenceSeries } from '../contract/report';
import type { ForwardModel, Progress } from './forward';

/**
 * Where Monte-Carlo losses come from: augmented images drawn as torchvision would and run through the model
 * ('sampler'), or outcomes of a weighted set drawn by their weights ('outcomes'): the law of the loss over a finite
 * outcome set, or over a quadrature rule's points, whose losses the exact path has already evaluated.
 */
export type LossSource =
  | { readonly kind: 'sampler'; readonly step: Step; readonly img: Image; readonly model: ForwardModel; readonly output: OutputKind; readonly target: number }
  | { readonly kind: 'outcomes'; readonly weights: Float64Array; loss(indices: readonly number[]): Promise<number[]> };

/** Outcomes whose losses are known: drawing them costs no forward pass. */
export function evaluatedOutcomes(weights: Float64Array, losses: Float64Array): LossSource {
  if (weights.length !== losses.length) throw new Error(`${weights.length} weights for ${losses.length} losses`);
  return { kind: 'outcomes', weights, loss: async (indices) => indices.map((i) => losses[i]) };
}

/**
 * Plain Monte Carlo on E[loss]: the running estimate with its confidence band (z s / sqrt(n)) at about 60 log-spaced
 * sample counts, for the convergence plot.
 */
export async function lossConvergence(
  source: LossSource,
  opts: { samples: number; timeMs?: number; confidence: number; seed: number },
  progress: Progress,
): Promise<ConvergenceSeries & { draws: number }> {
  const z = zForConfidence(opts.confidence);
  const rng = createRng(opts.seed);
  const draw = lossDrawer(source, rng);
  const stats = new WeightedScalar();
  const series: ConvergenceSeries = { samples: [], estimate: [], lower: [], upper: [] };
  const checkpoints = new Set<number>();
  for (let i = 0; i <= 60; i++) checkpoints.add(Math.max(2, Math.round(opts.samples ** (i / 60))));
  const started = performance.now();
  const batch = 32;
  while (stats.totalWeight < opts.samples) {
    if (opts.timeMs !== undefined && performance.now() - started > opts.timeMs) break;
    const count = Math.min(batch, opts.samples - stats.totalWeight);
    for (const loss of await draw(count)) {
      stats.add(1, loss);
      const n = stats.totalWeight;
      if (checkpoints.has(n)) {
        const half = z * Math.sqrt((stats.variance * n) / (n - 1) / n);
        series.samples.push(n);
        series.estimate.push(stats.mean);
        series.lower.push(stats.mean - half);
        series.upper.push(stats.mean + half);
      }
    }
    progress(stats.totalWeight / opts.samples, `${stats.totalWeight} of ${opts.samples} Monte-Carlo draws`);
  }
  return { ...series, draws: stats.totalWeight };
}

function lossDrawer(source: LossSource, rng: Rng): (count: number) => Promise<number[]> {
  if (source.kind === 'sampler') {
    const { step, img, model, output, target } = source;
    return async (count) => (await model.run(Array.from({ length: count }, () => step.sample(img, rng)))).map((row) => crossEntropy(row, output, target));
  }
  const cumulative = new Float64Array(source.weights.length);
  source.weights.reduce((s, w, i) => (cumulative[i] = s + w), 0);
  const total = cumulative[cumulative.length - 1];
  const pick = (u: number) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return (count) => source.loss(Array.from({ length: count }, () => pick(rng.next() * total)));
}
