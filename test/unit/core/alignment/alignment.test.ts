import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { saliencyVarianceMap } from '../../../../src/core/alignment/saliencyMap';
import { directionalCurvature, secondOrderMeanCorrection } from '../../../../src/core/alignment/secondOrder';
import { varianceAlignment, type EigenBasis } from '../../../../src/core/alignment/varianceAlignment';
import { createRng } from '../../../../src/core/rng';

const rng = createRng(31);
const D = 12;

/** A weighted outcome set {(w_k, y_k)} of K images of D pixels, its mean and covariance, brute force. */
function mixture(K: number) {
  const raw = Array.from({ length: K }, () => rng.next() + 0.1);
  const total = raw.reduce((s, w) => s + w, 0);
  const weights = raw.map((w) => w / total);
  const outcomes = Array.from({ length: K }, () => Float64Array.from({ length: D }, () => rng.next()));
  const mean = new Float64Array(D);
  outcomes.forEach((y, k) => y.forEach((v, i) => (mean[i] += weights[k] * v)));
  const cov = Matrix.zeros(D, D);
  outcomes.forEach((y, k) => {
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) cov.set(i, j, cov.get(i, j) + weights[k] * (y[i] - mean[i]) * (y[j] - mean[j]));
  });
  return { weights, outcomes, mean, cov };
}

/** Eigenpairs of a symmetric matrix, descending. */
function eigen(cov: Matrix): EigenBasis {
  const e = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const order = e.realEigenvalues.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]);
  return {
    values: order.map(([v]) => Math.max(0, v)),
    vectors: order.map(([, i]) => Float64Array.from(e.eigenvectorMatrix.getColumn(i))),
  };
}

const quadraticForm = (cov: Matrix, g: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) s += g[i] * cov.get(i, j) * g[j];
  return s;
};

const trace = (cov: Matrix): number => Array.from({ length: D }, (_, i) => cov.get(i, i)).reduce((a, b) => a + b, 0);

test('varianceAlignment over the full eigenbasis: g^T Cov g, shares and the Rayleigh quotient match the explicit matrix', () => {
  const { cov } = mixture(6);
  const basis = eigen(cov);
  const rank = basis.values.filter((v) => v > 1e-12).length;
  const kept: EigenBasis = { values: basis.values.slice(0, rank), vectors: basis.vectors.slice(0, rank) };
  const g = Float64Array.from({ length: D }, () => rng.next() - 0.5);
  const a = varianceAlignment(g, kept, { totalVariance: trace(cov) });
  const exact = quadraticForm(cov, g);
  const norm2 = g.reduce((s, v) => s + v * v, 0);
  assert.ok(Math.abs(a.firstOrderVariance - exact) <= 1e-12 * exact);
  assert.ok(Math.abs(a.varianceUpperBound - exact) <= 1e-9 * exact, 'a basis spanning the range leaves no variance unaccounted');
  assert.ok(Math.abs(a.rayleigh - exact / (basis.values[0] * norm2)) <= 1e-12);
  assert.ok(Math.abs(a.shares.reduce((s, v) => s + v, 0) + a.outsideShare - 1) <= 1e-12);
  assert.ok(a.outsideShare > 0, 'a random g has a part outside the 5-dimensional range');
  assert.ok(Math.abs(a.predictedStd - Math.sqrt(exact)) <= 1e-12 * Math.sqrt(exact));
});

test('varianceAlignment over the top 2 eigenpairs brackets g^T Cov g: lower bound <= exact <= upper bound', () => {
  const { cov } = mixture(8);
  const basis = eigen(cov);
  const top: EigenBasis = { values: basis.values.slice(0, 2), vectors: basis.vectors.slice(0, 2) };
  for (let trial = 0; trial < 20; trial++) {
    const g = Float64Array.from({ length: D }, () => rng.next() - 0.5);
    const exact = quadraticForm(cov, g);
    for (const options of [{}, { totalVariance: trace(cov) }, { nextEigenvalue: basis.values[2] }]) {
      const a = varianceAlignment(g, top, options);
      assert.ok(a.firstOrderVariance <= exact * (1 + 1e-12));
      assert.ok(exact <= a.varianceUpperBound * (1 + 1e-12));
      assert.ok(a.rayleigh >= 0 && a.rayleigh <= a.rayleighUpperBound && a.rayleighUpperBound <= 1);
    }
  }
});

test('varianceAlignment extremes: g along the top eigenvector, and g outside the covariance range', () => {
  const { cov } = mixture(4);
  const basis = eigen(cov);
  const top = basis.vectors[0];
  const along = varianceAlignment(Float64Array.from(top, (v) => 3 * v), basis);
  assert.ok(Math.abs(along.rayleigh - 1) <= 1e-12);
  assert.ok(Math.abs(along.shares[0] - 1) <= 1e-12);
  const nullVector = basis.vectors[D - 1];
  const outside = varianceAlignment(nullVector, { values: basis.values.slice(0, 3), vectors: basis.vectors.slice(0, 3) }, { totalVariance: trace(cov) });
  assert.ok(outside.firstOrderVariance <= 1e-24);
  assert.ok(Math.abs(outside.outsideShare - 1) <= 1e-12);
  assert.ok(outside.varianceUpperBound <= 1e-12, 'with 3 outcomes (rank 3) the trace leaves nothing outside');
});

test('second order: curvature from two gradients and 1/2 tr(H Cov) reproduce E[L] - L(mu) of a quadratic loss exactly', () => {
  const { weights, outcomes, mean, cov } = mixture(7);
  const B = Matrix.rand(D, D, { random: () => rng.next() - 0.5 });
  const Q = B.add(B.transpose());
  const b = Float64Array.from({ length: D }, () => rng.next());
  const loss = (x: ArrayLike<number>): number => {
    const qx = Q.mmul(Matrix.columnVector(Array.from(x))).getColumn(0);
    return qx.reduce((s, v, i) => s + 0.5 * x[i] * v + b[i] * x[i], 0);
  };
  const gradient = (x: ArrayLike<number>): Float64Array => Float64Array.from(Q.mmul(Matrix.columnVector(Array.from(x))).getColumn(0), (v, i) => v + b[i]);
  const basis = eigen(cov);
  const h = 0.3;
  const curvatures = basis.vectors.map((v) => directionalCurvature(v, gradient(mean.map((m, i) => m + h * v[i])), gradient(mean.map((m, i) => m - h * v[i])), h));
  const expected = outcomes.reduce((s, y, k) => s + weights[k] * loss(y), 0);
  const predicted = loss(mean) + secondOrderMeanCorrection(basis.values, curvatures);
  assert.ok(Math.abs(predicted - expected) <= 1e-10 * Math.abs(expected), `${predicted} vs ${expected}`);
});

test('saliencyVarianceMap: |g| sqrt(variance), whose sum bounds the first-order Std[loss]', () => {
  const { cov } = mixture(5);
  const g = Float64Array.from({ length: D }, () => rng.next() - 0.5);
  const variance = Float64Array.from({ length: D }, (_, i) => cov.get(i, i));
  const map = saliencyVarianceMap(g, variance);
  map.forEach((m, i) => assert.ok(Math.abs(m - Math.abs(g[i]) * Math.sqrt(variance[i])) <= 1e-6 * (m + 1e-12)));
  const sum = map.reduce((s, v) => s + v, 0);
  assert.ok(Math.sqrt(quadraticForm(cov, g)) <= sum * (1 + 1e-6));
});
