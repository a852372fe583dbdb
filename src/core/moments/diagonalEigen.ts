import type { Mixture } from '../augment/mixture';
import type { CovarianceEigen } from './covarianceEigen';
import type { PixelMoments } from './pixelMoments';
import { dot, fixSign, topEigen, type BlockOperator } from './topEigen';
import { accumulateWindowSums, windowDots } from './windowSum';

/**
 * Top-k eigenpairs of Cov = A A^T + diag(d): the covariance of a finite outcome set (A = [sqrt(w_i) (y_i - mu)])
 * plus independent per-value noise of variance d (GaussianNoise given its input). Matrix-free block Krylov:
 * Cov v = sum_i w_i (y_i - mu) <y_i - mu, v> + d * v, never forming the D x D matrix.
 */
export function diagonalPlusMixtureEigen(m: Mixture, moments: PixelMoments, diagonal: Float64Array, k: number): CovarianceEigen {
  const mu = moments.mean;
  const weights = m.families.map((f) => Float64Array.from(f.offsets.p, (p) => f.weight * p));
  const apply: BlockOperator = (block) =>
    block.map((v) => {
      const out = Float64Array.from(v, (x, i) => diagonal[i] * x);
      const muV = dot(mu, v);
      let total = 0;
      m.families.forEach((f, j) => {
        const c = windowDots(f, m.shape, v).map((d, i) => weights[j][i] * (d - muV));
        total += c.reduce((s, x) => s + x, 0);
        accumulateWindowSums([out], f, m.shape, [c]);
      });
      for (let i = 0; i < out.length; i++) out[i] -= total * mu[i];
      return out;
    });
  const res = topEigen(apply, mu.length, Math.min(k, mu.length), { tolerance: 1e-9, maxBasis: 20 * (k + 6) });
  const trace = moments.totalVariance + diagonal.reduce((s, x) => s + x, 0);
  return {
    values: res.values,
    vectors: res.vectors.map(fixSign),
    explained: res.values.map((v) => v / trace),
    residual: res.residual,
    method: 'matrix-free',
  };
}
