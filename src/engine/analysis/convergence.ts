import type { Step } from '../../core/augment/step';
import type { Image } from '../../core/image';
import { crossEntropy, type OutputKind } from '../../core/outputs/classifier';
import { zForConfidence } from '../../core/outputs/outputMoments';
import { WeightedScalar } from '../../core/outputs/weightedStats';
import { createRng } from '../../core/rng';
import type { ConvergenceSeries } from './result';
import type { ForwardModel, Progress } from './forward';

/**
 * Plain Monte Carlo on E[loss]: draws augmented images as torchvision would and records the running estimate with its
 * confidence band (z s / sqrt(n)) at about 60 log-spaced sample counts, for the convergence plot.
 */
export async function lossConvergence(
  step: Step,
  img: Image,
  model: ForwardModel,
  kind: OutputKind,
  target: number,
  opts: { samples: number; timeMs?: number; confidence: number; seed: number },
  progress: Progress,
): Promise<ConvergenceSeries & { draws: number }> {
  const z = zForConfidence(opts.confidence);
  const rng = createRng(opts.seed);
  const stats = new WeightedScalar();
  const series: ConvergenceSeries = { samples: [], estimate: [], lower: [], upper: [] };
  const checkpoints = new Set<number>();
  for (let i = 0; i <= 60; i++) checkpoints.add(Math.max(2, Math.round(opts.samples ** (i / 60))));
  const started = performance.now();
  const batch = 32;
  while (stats.totalWeight < opts.samples) {
    if (opts.timeMs !== undefined && performance.now() - started > opts.timeMs) break;
    const count = Math.min(batch, opts.samples - stats.totalWeight);
    const rows = await model.run(Array.from({ length: count }, () => step.sample(img, rng)));
    for (const row of rows) {
      stats.add(1, crossEntropy(row, kind, target));
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
