import type { Mixture } from '../augment/mixture';
import { outcomeGram } from './gram';
import type { PixelMoments } from './pixelMoments';
import { dot, fixSign, topEigen, type BlockOperator } from './topEigen';
import { combineOutcomes, outcomeOperator } from './outcomeOperator';

export interface CovarianceEigen {
  /** Top eigenvalues of Cov[T(x)], descending. */
  readonly values: number[];
  /** Matching unit eigenvectors (CHW), orthonormal. */
  readonly vectors: Float64Array[];
  /** lambda_i / tr Cov. */
  readonly explained: number[];
  /** Largest ||Cov v - lambda v|| / lambda_1 of the returned pairs. */
  readonly residual: number;
  /** 'gram': from the n x n outcome Gram matrix; 'matrix-free': Krylov on Cov applied outcome by outcome. */
  readonly method: 'gram' | 'matrix-free';
}

/** Largest outcome count for which the dense Gram matrix is formed (6000^2 doubles: 288 MB). */
export const DEFAULT_GRAM_LIMIT = 6000;

export interface EigenOptions {
  readonly k: number;
  /** Largest outcome count for which the dense Gram matrix is formed. */
  readonly gramLimit?: number;
  readonly tolerance?: number;
  /** Progress of the matrix-free route (the Gram route is quick once its matrix is formed). */
  readonly onProgress?: (fraction: number, message: string) => void;
}

/**
 * Top-k eigenpairs of Cov = A A^T, A = [sqrt(w_i) (y_i - mu)] (docs/math.md, section 1), never forming the D x D matrix.
 * Gram route: the eigenpairs (lambda, u) of A^T A give v = A u / sqrt(lambda); A^T A is the outcome Gram matrix
 * centred: <y_i - mu, y_j - mu> = <y_i, y_j> - <y_i, mu> - <y_j, mu> + <mu, mu>.
 */
export function covarianceEigen(m: Mixture, moments: PixelMoments, opts: EigenOptions): CovarianceEigen {
  const weights = m.families.flatMap((f) => Array.from(f.offsets.p, (p) => f.weight * p));
  const n = weights.length;
  const gramLimit = opts.gramLimit ?? DEFAULT_GRAM_LIMIT;
  const k = Math.min(opts.k, n);
  const raw = n <= gramLimit ? viaGram(m, moments, weights, k, opts.tolerance) : matrixFree(m, moments, k, opts.tolerance, opts.onProgress);
  // Centring cancels E||y||^2 down to tr Cov: eigenvalues below its rounding level are zero.
  const floor = 1e-11 * (moments.totalVariance + dot(moments.mean, moments.mean));
  const keep = raw.values.filter((v) => v > floor).length;
  const values = raw.values.slice(0, keep);
  return {
    ...raw,
    values,
    vectors: raw.vectors.slice(0, keep),
    explained: values.map((v) => v / moments.totalVariance),
  };
}

function viaGram(m: Mixture, moments: PixelMoments, weights: number[], k: number, tolerance?: number) {
  const { gram, size: n } = outcomeGram(m);
  const mu = moments.mean;
  // <y_i, mu> = sum_j w_j <y_i, y_j> since mu = sum_j w_j y_j.
  const muDots = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) muDots[i] += weights[j] * gram[i * n + j];
  const muNorm2 = dot(mu, mu);
  const sw = weights.map(Math.sqrt);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      gram[i * n + j] = sw[i] * sw[j] * (gram[i * n + j] - muDots[i] - muDots[j] + muNorm2);
    }
  }
  const apply: BlockOperator = (block) =>
    block.map((x) => {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let acc = 0;
        const row = i * n;
        for (let j = 0; j < n; j++) acc += gram[row + j] * x[j];
        y[i] = acc;
      }
      return y;
    });
  const small = topEigen(apply, n, k, { tolerance: tolerance ?? 1e-10 });
  const coefs = small.vectors.map((u, idx) => Float64Array.from(u, (ui, i) => (ui * sw[i]) / Math.sqrt(small.values[idx])));
  const vectors = combineOutcomes(m, moments, coefs).map(fixSign);
  return { values: small.values, vectors, residual: small.residual, method: 'gram' as const };
}

/**
 * Krylov on Cov = A W A^T without its Gram matrix, in the smaller of the two spaces: on the outcomes (K = W^1/2 A^T A
 * W^1/2, v = A W^1/2 u / sqrt(lambda)) when there are fewer outcomes than values, else on the values.
 */
function matrixFree(m: Mixture, moments: PixelMoments, k: number, tolerance: number | undefined, onProgress: EigenOptions['onProgress']) {
  const op = outcomeOperator(m, moments);
  const weights = Float64Array.from(m.families.flatMap((f) => Array.from(f.offsets.p, (p) => f.weight * p)));
  const sw = weights.map(Math.sqrt);
  const d = moments.mean.length;
  const outcomeSpace = op.outcomes <= d;
  const apply: BlockOperator = outcomeSpace
    ? (block) => op.combine(block.map((u) => u.map((x, i) => x * sw[i]))).map((z) => op.dots(z).map((t, i) => t * sw[i]))
    : (block) => op.combine(block.map((v) => op.dots(v).map((t, i) => t * weights[i])));
  const maxBasis = 20 * (k + 6);
  const onIteration = onProgress && ((basis: number, limit: number) => onProgress(basis / limit, `eigenpairs: Krylov basis ${basis} of at most ${limit}`));
  const res = topEigen(apply, outcomeSpace ? op.outcomes : d, k, { tolerance: tolerance ?? 1e-9, maxBasis, onIteration });
  const vectors = outcomeSpace
    ? op.combine(res.vectors.map((u, idx) => Float64Array.from(u, (ui, i) => (ui * sw[i]) / Math.sqrt(res.values[idx])))).map(fixSign)
    : res.vectors;
  return { values: res.values, vectors, residual: res.residual, method: 'matrix-free' as const };
}

/** Estimated multiply-adds of the matrix-free route for k pairs: every Krylov vector through A and A^T, and its basis. */
export function matrixFreeCost(m: Mixture, moments: PixelMoments, k: number): number {
  const op = outcomeOperator(m, moments);
  const basis = 20 * (k + 6);
  return basis * op.costPerVector + basis * basis * Math.min(op.outcomes, moments.mean.length) * 2;
}
