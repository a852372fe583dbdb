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
