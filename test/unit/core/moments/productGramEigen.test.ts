import { test } from 'node:test';
import assert from 'node:assert/strict';
import { singleOffset } from '../../../../src/core/augment/offsets';
import { exactMatrixProduct } from '../../../../src/core/linalg/matrixProduct';
import { denseGramEigen } from '../../../../src/core/moments/denseGramEigen';
import { pixelMoments } from '../../../../src/core/moments/pixelMoments';
import { productGramEigen } from '../../../../src/core/moments/productGramEigen';
import { bruteCovariance, denseEigen, randomImage } from './bruteForce';

test('eigenpairs by matrix products equal the dense Gram route and the dense covariance', async () => {
  const images = Array.from({ length: 30 }, (_, i) => randomImage(2, 7, 6, 40 + i));
  const weights = images.map((_, i) => 1 + (i % 3));
  const total = weights.reduce((a, b) => a + b, 0);
  const m = { shape: { channels: 2, height: 7, width: 6 }, families: images.map((base, i) => ({ weight: weights[i] / total, base, offsets: singleOffset() })) };
  const viaProduct = await productGramEigen(m, 4, exactMatrixProduct);
  const dense = denseGramEigen(m, pixelMoments(m), 4);
  const brute = denseEigen(bruteCovariance(images.map((image, i) => ({ weight: weights[i] / total, image }))));
  viaProduct.values.forEach((v, i) => {
    assert.ok(Math.abs(v - dense.values[i]) < 1e-10 * dense.values[0], `${v} vs dense ${dense.values[i]}`);
    assert.ok(Math.abs(v - brute.values[i]) < 1e-10 * brute.values[0], `${v} vs brute ${brute.values[i]}`);
    const cos = viaProduct.vectors[i].reduce((s, x, t) => s + x * brute.vectors[i][t], 0);
    assert.ok(Math.abs(Math.abs(cos) - 1) < 1e-8, `eigenvector ${i}: |cos| ${cos}`);
  });
  assert.ok(viaProduct.residual < 1e-10, `residual ${viaProduct.residual}`);
});

test("parts' eigenvalues come off the same Gram matrix and equal the dense route on each part", async () => {
  const images = Array.from({ length: 24 }, (_, i) => randomImage(3, 5, 6, 70 + i));
  const weights = images.map((_, i) => 2 + (i % 5));
  const setOf = (from: number, to: number) => {
    const total = weights.slice(from, to).reduce((a, b) => a + b, 0);
    return { shape: { channels: 3, height: 5, width: 6 }, families: images.slice(from, to).map((base, i) => ({ weight: weights[from + i] / total, base, offsets: singleOffset() })) };
  };
  const { partValues } = await productGramEigen(setOf(0, 24), 5, exactMatrixProduct, [[0, 12], [12, 24]]);
  [[0, 12], [12, 24]].forEach(([from, to], p) => {
    const part = setOf(from, to);
    const dense = denseGramEigen(part, pixelMoments(part), 5).values;
    assert.equal(partValues[p].length, dense.length);
    partValues[p].forEach((v, i) => assert.ok(Math.abs(v - dense[i]) < 1e-10 * dense[0], `part ${p} eigenvalue ${i}: ${v} vs ${dense[i]}`));
  });
});
