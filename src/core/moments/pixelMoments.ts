import { outcomeCount, type Mixture } from '../augment/mixture';
import { accumulateWindowSum } from './windowSum';

export interface PixelMoments {
  /** E[T(x)], CHW. */
  readonly mean: Float64Array;
  /** Var[T(x)] per pixel, CHW. */
  readonly variance: Float64Array;
  /** tr Cov[T(x)] = sum of the per-pixel variances. */
  readonly totalVariance: number;
  readonly outcomes: number;
}

/** Exact mean and per-pixel variance of a mixture: weighted sums over its outcomes (docs/math.md, section 1). */
export function pixelMoments(m: Mixture): PixelMoments {
  const d = m.shape.channels * m.shape.height * m.shape.width;
  const mean = new Float64Array(d);
  const second = new Float64Array(d);
  for (const f of m.families) {
    accumulateWindowSum(mean, f, m.shape, f.offsets.p, f.weight, false);
    accumulateWindowSum(second, f, m.shape, f.offsets.p, f.weight, true);
  }
  const variance = new Float64Array(d);
  let totalVariance = 0;
  for (let i = 0; i < d; i++) {
    variance[i] = Math.max(second[i] - mean[i] * mean[i], 0);
    totalVariance += variance[i];
  }
  return { mean, variance, totalVariance, outcomes: outcomeCount(m) };
}
