import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { outcomes, type Mixture } from '../augment/mixture';
import type { CovarianceEigen } from './covarianceEigen';
import type { PixelMoments } from './pixelMoments';
import { dot, fixSign } from './topEigen';

/**
 * Top-k eigenpairs of Cov = A A^T, A = [sqrt(w_i) (y_i - mu)], for a few hundred outcomes held as whole images
 * (quadrature outcome sets share no canvases to exploit): the n x n centred Gram matrix
 * <y_i - mu, y_j - mu> = <y_i, y_j> - <y_i, mu> - <y_j, mu> + <mu, mu> by plain dot products, eigen-decomposed densely
 * (ml-matrix), mapped back v = A u / sqrt(lambda) (math notes, section 1), with the residual ||Cov v - lambda v||.
 */
export function denseGramEigen(m: Mixture, moments: PixelMoments, k: number): CovarianceEigen {
  const set = [...outcomes(m)];
  const n = set.length;
  const mu = moments.mean;
  const images = set.map((o) => o.image.data);
  const sw = set.map((o) => Math.sqrt(o.weight));
  const muDots = images.map((y) => dot(y, mu));
  const muNorm = dot(mu, mu);
  const gram = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = sw[i] * sw[j] * (dot(images[i], images[j]) - muDots[i] - muDots[j] + muNorm);
      gram.set(i, j, v);
      gram.set(j, i, v);
    }
  }
  const evd = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  // Centring cancels E||y||^2 down to tr Cov: eigenvalues below its rounding level are zero.
  const floor = 1e-11 * (moments.totalVariance + muNorm);
  const top = order.slice(0, Math.min(k, n)).filter(([v]) => v > floor);
  const combine = (coef: Float64Array) => {
    const v = new Float64Array(mu.length);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const c = coef[i];
      total += c;
      const y = images[i];
      for (let t = 0; t < v.length; t++) v[t] += c * y[t];
    }
    for (let t = 0; t < v.length; t++) v[t] -= total * mu[t];
    return v;
  };
  const values = top.map(([v]) => v);
  const vectors = top.map(([value, col]) => fixSign(combine(Float64Array.from(sw, (s, i) => (s * evd.eigenvectorMatrix.get(i, col)) / Math.sqrt(value)))));
  let residual = 0;
  vectors.forEach((v, idx) => {
    const muV = dot(mu, v);
    const cv = combine(Float64Array.from(images, (y, i) => set[i].weight * (dot(y, v) - muV)));
    let r = 0;
    for (let t = 0; t < v.length; t++) r += (cv[t] - values[idx] * v[t]) ** 2;
    residual = Math.max(residual, Math.sqrt(r) / values[0]);
  });
  return { values, vectors, explained: values.map((v) => v / moments.totalVariance), residual, method: 'gram' };
}
