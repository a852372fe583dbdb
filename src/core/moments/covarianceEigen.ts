import type { Mixture } from '../augment/mixture';
import { outcomeGram } from './gram';
import type { PixelMoments } from './pixelMoments';
import { dot, fixSign, topEigen, type BlockOperator } from './topEigen';
import { accumulateWindowSums, windowDots } from './windowSum';
import { fftPays, fftWindowSums, type WeightedFamily } from './fftCorrelation';

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
}

/**
 * Top-k eigenpairs of Cov = A A^T, A = [sqrt(w_i) (y_i - mu)] (math notes, section 1), never forming the D x D matrix.
 * Gram route: the eigenpairs (lambda, u) of A^T A give v = A u / sqrt(lambda); A^T A is the outcome Gram matrix
 * centred: <y_i - mu, y_j - mu> = <y_i, y_j> - <y_i, mu> - <y_j, mu> + <mu, mu>.
 */
export function covarianceEigen(m: Mixture, moments: PixelMoments, opts: EigenOptions): CovarianceEigen {
  const weights = m.families.flatMap((f) => Array.from(f.offsets.p, (p) => f.weight * p));
  const n = weights.length;
  const gramLimit = opts.gramLimit ?? DEFAULT_GRAM_LIMIT;
  const k = Math.min(opts.k, n);
  const raw = n <= gramLimit ? viaGram(m, moments, weights, k, opts.tolerance) : matrixFree(m, moments, k, opts.tolerance);
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

/** For each coefficient vector c: sum_i c_i (y_i - mu), outcome i running over families then offsets. */
function combineOutcomes(m: Mixture, moments: PixelMoments, coefs: Float64Array[]): Float64Array[] {
  const outs = coefs.map(() => new Float64Array(moments.mean.length));
  let start = 0;
  const parts: WeightedFamily[] = m.families.map((family) => {
    const end = start + family.offsets.p.length;
    const part = { family, coefs: coefs.map((c) => c.subarray(start, end)) };
    start = end;
    return part;
  });
  if (fftPays(parts, m.shape, coefs.length)) fftWindowSums(outs, parts, m.shape);
  else for (const p of parts) accumulateWindowSums(outs, p.family, m.shape, [...p.coefs]);
  outs.forEach((out, v) => {
    const total = coefs[v].reduce((s, x) => s + x, 0);
    for (let i = 0; i < out.length; i++) out[i] -= total * moments.mean[i];
  });
  return outs;
}

function matrixFree(m: Mixture, moments: PixelMoments, k: number, tolerance?: number) {
  const mu = moments.mean;
  const weights = Float64Array.from(m.families.flatMap((f) => Array.from(f.offsets.p, (p) => f.weight * p)));
  const apply: BlockOperator = (block) =>
    block.map((v) => {
      const muV = dot(mu, v);
      const dots = Float64Array.from(m.families.flatMap((f) => Array.from(windowDots(f, m.shape, v))));
      const c = dots.map((d, i) => weights[i] * (d - muV));
      return combineOutcomes(m, moments, [c])[0];
    });
  const res = topEigen(apply, mu.length, k, { tolerance: tolerance ?? 1e-9, maxBasis: 20 * (k + 6) });
  return { values: res.values, vectors: res.vectors, residual: res.residual, method: 'matrix-free' as const };
}
