// The dense symmetric eigen-decomposition against its definition (A V = V diag(lambda), V^T V = I) and against
// ml-matrix's, on random, rank-deficient, repeated-eigenvalue, diagonal and tiny matrices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { symmetricEigen } from '../../../../src/core/linalg/symmetricEigen';
import { createRng } from '../../../../src/core/rng';

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.next() - 0.5;
  return a;
}

/** B B^T for a random n x r B: positive semi-definite of rank r (a Gram matrix, as the callers have). */
function lowRankGram(n: number, r: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const b = Float64Array.from({ length: n * r }, () => rng.next() - 0.5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let t = 0; t < r; t++) a[i * n + j] += b[i * r + t] * b[j * r + t];
  return a;
}

function check(a: Float64Array, n: number, what: string): void {
  const { values, vectors } = symmetricEigen(a, n);
  const scale = Math.max(1e-300, ...Array.from(values, Math.abs));
  for (let j = 1; j < n; j++) assert.ok(values[j] <= values[j - 1], `${what}: descending`);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[j * n + k];
      assert.ok(Math.abs(av - values[j] * vectors[j * n + i]) < 1e-13 * n * scale, `${what}: A v = lambda v for pair ${j}`);
    }
    for (let l = j; l < n; l++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += vectors[j * n + k] * vectors[l * n + k];
      assert.ok(Math.abs(dot - (j === l ? 1 : 0)) < 1e-13 * n, `${what}: orthonormal ${j}, ${l}`);
    }
  }
  const reference = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)))), { assumeSymmetric: true });
  const expected = [...reference.realEigenvalues].sort((x, y) => y - x);
  expected.forEach((v, j) => assert.ok(Math.abs(values[j] - v) < 1e-13 * n * scale, `${what}: eigenvalue ${j} as ml-matrix's`));
  const only = symmetricEigen(a, n, { vectors: false });
  assert.equal(only.vectors.length, 0);
  only.values.forEach((v, j) => assert.ok(Math.abs(v - values[j]) < 1e-13 * n * scale, `${what}: eigenvalue ${j} without vectors`));
}

test('random symmetric matrices of several sizes', () => {
  for (const n of [1, 2, 3, 7, 40, 130]) check(randomSymmetric(n, n), n, `random ${n}`);
});

test('rank-deficient Gram matrices, repeated eigenvalues, diagonal and zero matrices', () => {
  check(lowRankGram(60, 5, 3), 60, 'rank 5 of 60');
  const repeated = new Float64Array(36);
  for (let i = 0; i < 6; i++) repeated[i * 6 + i] = i < 3 ? 2 : 1;
  check(repeated, 6, 'eigenvalues 2, 2, 2, 1, 1, 1');
  const diagonal = Float64Array.from({ length: 25 }, (_, i) => (i % 6 === 0 ? [5, -1, 3, 0, 2][i / 6] : 0));
  check(diagonal, 5, 'diagonal');
  check(new Float64Array(16), 4, 'zero');
  const { values } = symmetricEigen(diagonal, 5);
  assert.deepEqual(Array.from(values), [5, 3, 2, 0, -1]);
});

test('only the lower triangle is read', () => {
  const a = randomSymmetric(9, 11);
  const lower = Float64Array.from(a, (v, i) => (i % 9 <= Math.floor(i / 9) ? v : Number.NaN));
  assert.deepEqual(symmetricEigen(lower, 9).values, symmetricEigen(a, 9).values);
});
