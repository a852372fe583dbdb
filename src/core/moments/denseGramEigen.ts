import { outcomes, type Mixture } from '../augment/mixture';
import { symmetricEigen } from '../linalg/symmetricEigen';
import type { CovarianceEigen } from './covarianceEigen';
import type { PixelMoments } from './pixelMoments';
import { dot, fixSign } from './topEigen';

/**
 * Top-k eigenpairs of Cov = A A^T, A = [sqrt(w_i) (y_i - mu)], for a few hundred outcomes held as whole images
 * (quadrature outcome sets share no canvases to exploit): the n x n centred Gram matrix
 * <y_i - mu, y_j - mu> = <y_i, y_j> - <y_i, mu> - <y_j, mu> + <mu, mu> by plain dot products, eigen-decomposed densely
 * (symmetricEigen), mapped back v = A u / sqrt(lambda) (docs/math.md, section 1), with the residual ||Cov v - lambda v||.
 */
export function denseGramEigen(m: Mixture, moments: PixelMoments, k: number): CovarianceEigen {
  const set = [...outcomes(m)];
  const n = set.length;
  const mu = moments.mean;
  const images = set.map((o) => o.image.data);
  const sw = set.map((o) => Math.sqrt(o.weight));
  const muDots = images.map((y) => dot(y, mu));
  const muNorm = dot(mu, mu);
  const dots = imageDots(images);
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) gram[i * n + j] = gram[j * n + i] = sw[i] * sw[j] * (dots[i * n + j] - muDots[i] - muDots[j] + muNorm);
  }
  const evd = symmetricEigen(gram, n);
  // Centring cancels E||y||^2 down to tr Cov: eigenvalues below its rounding level are zero.
  const floor = 1e-11 * (moments.totalVariance + muNorm);
  const values = Array.from(evd.values.subarray(0, Math.min(k, n))).filter((v) => v > floor);
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
  const vectors = values.map((value, idx) => fixSign(combine(Float64Array.from(sw, (s, i) => (s * evd.vectors[idx * n + i]) / Math.sqrt(value)))));
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

/**
 * All dot products <y_i, y_j> (i <= j, row-major n x n), over slices of the images small enough to stay in cache:
 * each slice of every image is read from memory once instead of n times.
 */
function imageDots(images: readonly Float32Array[]): Float64Array {
  const n = images.length;
  const d = images[0]?.length ?? 0;
  const out = new Float64Array(n * n);
  const slice = Math.max(256, Math.floor(262144 / Math.max(n, 1)));
  const block = new Float64Array(n * slice);
  for (let start = 0; start < d; start += slice) {
    const len = Math.min(slice, d - start);
    for (let i = 0; i < n; i++) {
      const y = images[i];
      for (let t = 0; t < len; t++) block[i * slice + t] = y[start + t];
    }
    for (let i = 0; i < n; i++) {
      const a = i * slice;
      for (let j = i; j < n; j++) {
        const b = j * slice;
        let s0 = 0;
        let s1 = 0;
        let t = 0;
        for (; t + 1 < len; t += 2) {
          s0 += block[a + t] * block[b + t];
          s1 += block[a + t + 1] * block[b + t + 1];
        }
        if (t < len) s0 += block[a + t] * block[b + t];
        out[i * n + j] += s0 + s1;
      }
    }
  }
  return out;
}
