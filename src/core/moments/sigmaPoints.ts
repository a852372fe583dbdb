import { outcomeCount, type Mixture } from '../augment/mixture';
import { singleOffset } from '../augment/offsets';
import { createImage } from '../image';
import { covarianceEigen } from './covarianceEigen';
import type { PixelMoments } from './pixelMoments';

export interface SigmaPoints {
  readonly mixture: Mixture;
  readonly rank: number;
  /** tr Cov of the input minus tr Cov kept: the truncation error, before any later step. */
  readonly droppedVariance: number;
  /** The largest eigenvalue left out (0 if none): by Weyl's inequality, no eigenvalue moves by more. */
  readonly nextEigenvalue: number;
}

/**
 * A step that is affine in the image sees only the first two moments of its input (docs/math.md, section 2), so
 * the input outcome set may be replaced by 2r sigma points mu +- sqrt(r lambda_i) v_i, weight 1 / 2r each, which
 * reproduce the mean exactly and the covariance up to the eigenpairs left out. r is the smallest rank keeping all
 * but `relativeTolerance` of the variance, at most `maxRank`; null when that does not shrink the set.
 */
export function sigmaPoints(m: Mixture, moments: PixelMoments, maxRank: number, relativeTolerance: number): SigmaPoints | null {
  const count = outcomeCount(m);
  if (count <= 2 || moments.totalVariance === 0) return null;
  const eig = covarianceEigen(m, moments, { k: Math.min(maxRank + 1, count - 1) });
  let kept = 0;
  let rank = 0;
  while (rank < Math.min(maxRank, eig.values.length) && kept < (1 - relativeTolerance) * moments.totalVariance) kept += eig.values[rank++];
  if (2 * rank >= count) return null;
  const { channels, height, width } = m.shape;
  const families = eig.vectors.slice(0, rank).flatMap((v, i) => {
    const s = Math.sqrt(rank * eig.values[i]);
    return [1, -1].map((sign) => ({
      weight: 1 / (2 * rank),
      base: createImage(channels, height, width, Float32Array.from(moments.mean, (mu, t) => mu + sign * s * v[t])),
      offsets: singleOffset(),
    }));
  });
  return { mixture: { shape: m.shape, families }, rank, droppedVariance: Math.max(moments.totalVariance - kept, 0), nextEigenvalue: eig.values[rank] ?? 0 };
}
