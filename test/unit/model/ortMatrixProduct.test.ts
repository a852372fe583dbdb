import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cropImage } from '../../../src/core/augment/geometry';
import { resizedCropLaw } from '../../../src/core/augment/resizedCropLaw';
import { exactMatrixProduct } from '../../../src/core/linalg/matrixProduct';
import { productGramEigen } from '../../../src/core/moments/productGramEigen';
import { resizedCropMoments } from '../../../src/core/moments/resizedCropMoments';
import { singleOffset } from '../../../src/core/augment/offsets';
import { randomImage } from '../core/moments/bruteForce';
import { createRng } from '../../../src/core/rng';
import { ortMatrixProduct } from '../../../src/model/ortMatrixProduct';
import { FIXTURES, fixtureImage } from './fixtures';

const product = ortMatrixProduct();
after(() => product.dispose());

const kittenPath = join(FIXTURES, 'images', 'kitten_224.png');
const kittenMissing = existsSync(kittenPath) ? false : `fixture image ${kittenPath} is absent on this machine`;

function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: rows * cols }, () => rng.next() * 2 - 1);
}

/** max over entries of |c - exact| / sum_p |a_ip b_pj|: float32 rounding of operands and sums stays below ~k 6e-8. */
function relativeToMagnitude(c: Float64Array, exact: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, n: number): number {
  const absA = a.map(Math.abs);
  const absB = b.map(Math.abs);
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let mag = 0;
      for (let p = 0; p < k; p++) mag += absA[i * k + p] * absB[p * n + j];
      worst = Math.max(worst, Math.abs(c[i * n + j] - exact[i * n + j]) / mag);
    }
  }
  return worst;
}

test('ortMatrixProduct equals exactMatrixProduct to float32 accuracy (several shapes, float64 and float32 entry points)', async () => {
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 2], [17, 40, 9], [64, 2000, 33], [120, 3600, 40], [7, 30000, 5]];
  for (const [idx, [m, k, n]] of shapes.entries()) {
    const a = randomMatrix(m, k, 10 + idx);
    const b = randomMatrix(k, n, 20 + idx);
    const exact = await exactMatrixProduct(a, b, m, k, n);
    const viaFloat64 = await product(a, b, m, k, n);
    assert.equal(viaFloat64.length, m * n);
    const err = relativeToMagnitude(viaFloat64, exact, a, b, m, k, n);
    assert.ok(err < 1e-6, `${m}x${k}x${n}: error ${err.toExponential(2)} of the magnitude`);
    // The float32 entry point on views into larger buffers (byteOffset != 0), as resizedCropMoments passes them.
    const bigA = new Float32Array(m * k + 7);
    const bigB = new Float32Array(k * n + 3);
    bigA.set(a, 7);
    bigB.set(b, 3);
    const viaFloat32 = await product.float32(bigA.subarray(7), bigB.subarray(3), m, k, n);
    assert.deepEqual(viaFloat32, viaFloat64);
  }
  // Not just a copy of the exact result: float32 rounding is visible on a long sum.
  const a = randomMatrix(4, 30000, 1);
  const b = randomMatrix(30000, 3, 2);
  const c = await product(a, b, 4, 30000, 3);
  const exact = await exactMatrixProduct(a, b, 4, 30000, 3);
  assert.ok(c.some((v, i) => v !== exact[i]));
});

test('ortMatrixProduct.gram32 equals the exact A A^T to float32 accuracy, from one operand', async () => {
  for (const [idx, [m, k]] of ([[1, 1], [5, 3], [33, 2000], [64, 30000]] as const).entries()) {
    const a = randomMatrix(m, k, 40 + idx);
    const at = new Float64Array(k * m);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
    const exact = await exactMatrixProduct(a, at, m, k, m);
    const gram = await product.gram32(new Float32Array(a), m, k);
    assert.equal(gram.length, m * m);
    const err = relativeToMagnitude(gram, exact, a, at, m, k, m);
    assert.ok(err < 1e-6, `${m}x${k}: error ${err.toExponential(2)} of the magnitude`);
  }
  assert.deepEqual([...(await product.gram32(new Float32Array(0), 2, 0))], [0, 0, 0, 0]);
  await assert.rejects(product.gram32(new Float32Array(5), 2, 3), /A has 5 values/);
});

test('productGramEigen on onnxruntime (the Gram matrix by gram32) equals the exact products to float32 accuracy', async () => {
  const images = Array.from({ length: 40 }, (_, i) => randomImage(3, 12, 10, 90 + i));
  const m = { shape: { channels: 3, height: 12, width: 10 }, families: images.map((base) => ({ weight: 1 / 40, base, offsets: singleOffset() })) };
  const exact = await productGramEigen(m, 5, exactMatrixProduct);
  const viaOrt = await productGramEigen(m, 5, product);
  exact.values.forEach((v, i) => {
    assert.ok(Math.abs(viaOrt.values[i] - v) < 1e-5 * exact.values[0], `eigenvalue ${i}: ${viaOrt.values[i]} vs ${v}`);
    const cos = viaOrt.vectors[i].reduce((s, x, t) => s + x * exact.vectors[i][t], 0);
    assert.ok(Math.abs(cos - 1) < 1e-4, `eigenvector ${i}: cos ${cos}`);
  });
});

test('ortMatrixProduct: empty sizes, shape errors, and use after dispose', async () => {
  assert.deepEqual([...(await product(new Float64Array(0), new Float64Array(0), 2, 0, 3))], [0, 0, 0, 0, 0, 0]);
  await assert.rejects(product(new Float64Array(5), new Float64Array(6), 2, 3, 2), /A has 5 values/);
  const own = ortMatrixProduct(1);
  assert.deepEqual([...(await own(Float64Array.of(1, 2), Float64Array.of(3, 4), 1, 2, 1))], [11]);
  assert.deepEqual([...(await own.gram32(Float32Array.of(1, 2), 1, 2))], [5]);
  await own.dispose();
  await assert.rejects(own(Float64Array.of(1), Float64Array.of(1), 1, 1, 1), /after dispose/);
  await assert.rejects(own.gram32(Float32Array.of(1), 1, 1), /after dispose/);
});

test('resizedCropMoments with ortMatrixProduct agrees with the exact product on a 40x40 crop of kitten_224', { skip: kittenMissing }, async () => {
  const kitten = fixtureImage('kitten_224.png');
  const img = cropImage(kitten, 90, 100, 40, 40);
  const law = resizedCropLaw(40, 40, [0.08, 1], [3 / 4, 4 / 3]);
  const spec = { size: [40, 40] as [number, number], interpolation: 'bilinear' as const, antialias: true, law };
  const exact = await resizedCropMoments(img, spec, exactMatrixProduct);
  const rel = (x: Float64Array, y: Float64Array) => Math.sqrt(x.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / y.reduce((s, v) => s + v * v, 0));
  // Default chunking, and chunks of at most 200 columns (every block of 40 columns, several blocks per product).
  for (const options of [{}, { maxOperandBytes: 4 * 120 * 200 }]) {
    const fast = await resizedCropMoments(img, spec, product, options);
    const em = rel(fast.mean, exact.mean);
    const ev = rel(fast.variance, exact.variance);
    assert.ok(em < 1e-5, `mean: relative L2 error ${em.toExponential(2)}`);
    assert.ok(ev < 1e-5, `variance: relative L2 error ${ev.toExponential(2)}`);
    assert.ok(em > 0 || ev > 0, 'the onnxruntime path really ran in float32');
  }
});
