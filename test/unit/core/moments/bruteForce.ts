import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { WeightedImage } from '../../../../src/core/augment/mixture';
import { createImage, type Image } from '../../../../src/core/image';
import { createRng } from '../../../../src/core/rng';

/** Plain weighted moments of an explicit outcome list: the oracle the compact machinery is checked against. */
export function bruteMoments(set: readonly WeightedImage[]) {
  const d = set[0].image.data.length;
  const mean = new Float64Array(d);
  for (const o of set) for (let i = 0; i < d; i++) mean[i] += o.weight * o.image.data[i];
  const variance = new Float64Array(d);
  for (const o of set) for (let i = 0; i < d; i++) variance[i] += o.weight * (o.image.data[i] - mean[i]) ** 2;
  const totalWeight = set.reduce((s, o) => s + o.weight, 0);
  return { mean, variance, totalWeight };
}

/** Dense D x D covariance, for small images only. */
export function bruteCovariance(set: readonly WeightedImage[]): Matrix {
  const { mean } = bruteMoments(set);
  const d = mean.length;
  const cov = new Matrix(d, d);
  for (const o of set) {
    const c = Float64Array.from(o.image.data, (v, i) => v - mean[i]);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov.set(i, j, cov.get(i, j) + o.weight * c[i] * c[j]);
  }
  return cov;
}

/** Eigenpairs of a dense symmetric matrix, descending. */
export function denseEigen(a: Matrix): { values: number[]; vectors: Float64Array[] } {
  const evd = new EigenvalueDecomposition(a, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  return {
    values: order.map(([v]) => v),
    vectors: order.map(([, i]) => Float64Array.from(evd.eigenvectorMatrix.getColumn(i))),
  };
}

export function randomImage(channels: number, height: number, width: number, seed: number): Image {
  const rng = createRng(seed);
  return createImage(channels, height, width, Float32Array.from({ length: channels * height * width }, () => rng.next()));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Top eigenpairs of the covariance of an explicit outcome list from its plain K x K Gram matrix (dot products of the
 * centred, weighted outcomes), for images too large for the dense D x D covariance.
 */
export function gramEigen(set: readonly WeightedImage[], k: number): { values: number[]; vectors: Float64Array[] } {
  const { mean } = bruteMoments(set);
  const centred = set.map((o) => Float64Array.from(o.image.data, (v, i) => Math.sqrt(o.weight) * (v - mean[i])));
  const n = centred.length;
  const g = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let t = 0; t < mean.length; t++) s += centred[i][t] * centred[j][t];
      g.set(i, j, s);
      g.set(j, i, s);
    }
  }
  const small = denseEigen(g);
  const values = small.values.slice(0, k);
  const vectors = small.vectors.slice(0, k).map((u, idx) => {
    const v = new Float64Array(mean.length);
    for (let i = 0; i < n; i++) for (let t = 0; t < v.length; t++) v[t] += (u[i] * centred[i][t]) / Math.sqrt(values[idx]);
    return v;
  });
  return { values, vectors };
}
