import type { Image } from '../../core/image';
import { samplesForLoss, zForConfidence } from '../../core/outputs/outputMoments';
import { studentQuantile } from '../../core/outputs/studentQuantile';
import type { Parameter } from '../../model/gradient';
import type { Progress } from './forward';
import { GradientMoments, groupDots, groupSquaredNorms, weightedQuantile } from './gradientMoments';
import type { ParameterLayerReport, ParameterNoiseStats, ParametersReport } from '../contract/parameterReport';

/** The outcomes the gradient is averaged over, with their weights; sampled sets say which replicate drew each. */
export interface WeightedOutcomes {
  readonly size: number;
  readonly weights: ArrayLike<number>;
  image(i: number): Image;
  /** Independent replicates (sampled and quadrature sets: equal weights within each), or null for an exact set. */
  readonly replicates: { readonly count: number; readonly of: ArrayLike<number> } | null;
}

/** One gradient per parameter at an image. */
export type ParameterGradients = (image: Image) => Promise<readonly ArrayLike<number>[]>;

export interface NoiseSettings {
  readonly confidence: number;
  /** Relative L2 tolerance on the averaged gradient (samples needed). */
  readonly tolerance: number;
}

export type ParameterNoise = Pick<ParametersReport, 'total' | 'layers' | 'error' | 'gradientRuns'> & {
  /** E[g] per parameter (float64, in `parameters` order). */
  readonly mean: readonly Float64Array[];
};

/**
 * E[g], tr Cov[g] and the derived figures per layer and in total, over the outcomes. Two passes over the outcomes:
 * the cosine of each outcome's gradient with E[g] needs E[g] first, and g_k . E[g] = sum_j w_j g_k . g_j needs
 * every pair, which a running sum cannot give without keeping each outcome's gradient. The first pass accumulates
 * the moments (GradientMoments), the second recomputes each gradient for its dot products with E[g]: twice the
 * runs, memory one float64 copy of the parameters (plus one per replicate for sampled sets).
 */
export async function parameterNoise(
  parameters: readonly Parameter[],
  outcomes: WeightedOutcomes,
  gradientAt: ParameterGradients,
  clean: readonly ArrayLike<number>[],
  settings: NoiseSettings,
  progress: Progress,
): Promise<ParameterNoise> {
  const layerNames = [...new Set(parameters.map((p) => p.layer))];
  const groups = parameters.map((p) => layerNames.indexOf(p.layer));
  const sizes = parameters.map((p) => p.dims.reduce((n, d) => n * d, 1));
  const L = layerNames.length;
  const moments = new GradientMoments(sizes, groups, L);
  const replicates = outcomes.replicates && new ReplicateSums(outcomes.replicates.count, moments.mean.length);
  for (let i = 0; i < outcomes.size; i++) {
    const g = await gradientAt(outcomes.image(i));
    moments.add(outcomes.weights[i], g);
    replicates?.add(outcomes.replicates!.of[i], g);
    progress((0.5 * (i + 1)) / outcomes.size, `parameter gradients: ${i + 1} of ${outcomes.size} outcomes (mean and variance)`);
  }
  const meanSquared = moments.meanSquaredNorms();
  const traces = moments.traces();
  // Per outcome and group (the last column: all groups), the cosine with E[g].
  const cosines = Array.from({ length: L + 1 }, () => new Float64Array(outcomes.size));
  const norm = (v: number) => Math.sqrt(Math.max(v, 0));
  const cosine = (dot: number, squaredA: number, squaredB: number) => (squaredA > 0 && squaredB > 0 ? dot / (norm(squaredA) * norm(squaredB)) : 0);
  const totalMeanSquared = sum(meanSquared);
  for (let i = 0; i < outcomes.size; i++) {
    const g = await gradientAt(outcomes.image(i));
    const dots = groupDots(sizes, groups, L, g, moments.mean);
    const squares = groupSquaredNorms(groups, L, g);
    for (let l = 0; l < L; l++) cosines[l][i] = cosine(dots[l], squares[l], meanSquared[l]);
    cosines[L][i] = cosine(sum(dots), sum(squares), totalMeanSquared);
    progress(0.5 + (0.5 * (i + 1)) / outcomes.size, `parameter gradients: ${i + 1} of ${outcomes.size} outcomes (cosines with E[g])`);
  }
  const cleanDots = groupDots(sizes, groups, L, clean, moments.mean);
  const cleanSquares = groupSquaredNorms(groups, L, clean);
  const z = zForConfidence(settings.confidence);
  const stats = (column: number, size: number, ms: number, trace: number, cleanDot: number, cleanSquared: number): ParameterNoiseStats => ({
    size,
    meanNorm: norm(ms),
    traceCovariance: trace,
    snr: trace > 0 ? ms / trace : Infinity,
    samplesNeeded: samplesForLoss(norm(ms), norm(trace), settings.tolerance, z),
    cosine: {
      mean: weightedMean(cosines[column], outcomes.weights),
      p5: weightedQuantile(cosines[column], outcomes.weights, 0.05),
      p95: weightedQuantile(cosines[column], outcomes.weights, 0.95),
    },
    cleanCosine: cosine(cleanDot, cleanSquared, ms),
  });
  const layers: ParameterLayerReport[] = layerNames.map((layer, l) => {
    const members = parameters.filter((_, p) => groups[p] === l);
    const size = sizes.reduce((n, s, p) => n + (groups[p] === l ? s : 0), 0);
    return {
      layer,
      op: members[0].op,
      parameters: members.map((p) => p.name),
      ...stats(l, size, meanSquared[l], traces[l], cleanDots[l], cleanSquares[l]),
    };
  });
  const total = stats(L, moments.mean.length, totalMeanSquared, sum(traces), sum(cleanDots), sum(cleanSquares));
  const error = replicates ? replicates.halfWidths(moments.mean, total.traceCovariance, settings.confidence) : null;
  return { total, layers, error, gradientRuns: 2 * outcomes.size, mean: moments.meanParts() };
}

/**
 * Per replicate, the sum of the gradients and of their squared norms: the spread of the replicates' E[g] and
 * tr Cov gives Student-t half-widths (relative to ||E g|| and tr Cov) for the whole set's values.
 */
class ReplicateSums {
  private readonly sums: Float64Array[];
  private readonly squares: Float64Array;
  private readonly counts: Float64Array;

  constructor(
    private readonly count: number,
    size: number,
  ) {
    this.sums = Array.from({ length: count }, () => new Float64Array(size));
    this.squares = new Float64Array(count);
    this.counts = new Float64Array(count);
  }

  add(replicate: number, parts: readonly ArrayLike<number>[]): void {
    const s = this.sums[replicate];
    let offset = 0;
    let squared = 0;
    for (const part of parts) {
      for (let j = 0; j < part.length; j++) {
        s[offset + j] += part[j];
        squared += part[j] * part[j];
      }
      offset += part.length;
    }
    this.squares[replicate] += squared;
    this.counts[replicate]++;
  }

  halfWidths(mean: Float64Array, trace: number, confidence: number): NonNullable<ParametersReport['error']> {
    const R = this.count;
    const t = studentQuantile(confidence, R - 1);
    let meanSpread = 0;
    let meanNormSquared = 0;
    const replicateTraces = this.sums.map((s, r) => {
      const n = this.counts[r];
      let ms = 0;
      for (let j = 0; j < s.length; j++) {
        const m = s[j] / n;
        ms += m * m;
        meanSpread += (m - mean[j]) ** 2;
      }
      return this.squares[r] / n - ms;
    });
    for (let j = 0; j < mean.length; j++) meanNormSquared += mean[j] * mean[j];
    const averageTrace = sum(replicateTraces) / R;
    const traceSpread = replicateTraces.reduce((a, v) => a + (v - averageTrace) ** 2, 0);
    return {
      meanRelative: (t * Math.sqrt(meanSpread / (R * (R - 1)))) / Math.sqrt(meanNormSquared),
      traceRelative: (t * Math.sqrt(traceSpread / (R * (R - 1)))) / trace,
      replicates: R,
    };
  }
}

function weightedMean(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < values.length; i++) {
    s += weights[i] * values[i];
    w += weights[i];
  }
  return s / w;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, v) => a + v, 0);
}
