import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fft2d } from '../../../src/core/fft';
import { fftWindowSums } from '../../../src/core/moments/fftCorrelation';
import { accumulateWindowSums } from '../../../src/core/moments/windowSum';
import { offsetGrid, uniformIntegers } from '../../../src/core/augment/offsets';
import { createRng } from '../../../src/core/rng';
import { maxAbsDiff, randomImage } from './moments/bruteForce';

test('fft2d matches the plain DFT and inverts', () => {
  const rows = 4, cols = 8;
  const rng = createRng(1);
  const re = Float64Array.from({ length: rows * cols }, () => rng.next() - 0.5);
  const im = Float64Array.from({ length: rows * cols }, () => rng.next() - 0.5);
  const [r0, i0] = [Float64Array.from(re), Float64Array.from(im)];
  fft2d(re, im, rows, cols, false);
  for (let u = 0; u < rows; u++) for (let v = 0; v < cols; v++) {
    let sr = 0, si = 0;
    for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) {
      const a = -2 * Math.PI * (u * y / rows + v * x / cols);
      sr += r0[y * cols + x] * Math.cos(a) - i0[y * cols + x] * Math.sin(a);
      si += r0[y * cols + x] * Math.sin(a) + i0[y * cols + x] * Math.cos(a);
    }
    assert.ok(Math.abs(re[u * cols + v] - sr) < 1e-12 && Math.abs(im[u * cols + v] - si) < 1e-12);
  }
  fft2d(re, im, rows, cols, true);
  assert.ok(maxAbsDiff(re, r0) < 1e-14 && maxAbsDiff(im, i0) < 1e-14);
});

test('window sums by the correlation theorem equal the direct sums, across families and odd channel counts', () => {
  for (const channels of [1, 3]) {
    const shape = { channels, height: 13, width: 11 };
    const families = [randomImage(channels, 19, 15, 2), randomImage(channels, 17, 14, 3)].map((base, i) => ({
      weight: 0.5,
      base,
      offsets: offsetGrid(uniformIntegers(0, base.height - 13 - i), uniformIntegers(0, base.width - 11)),
    }));
    const rng = createRng(5);
    const parts = families.map((family) => ({
      family,
      coefs: [0, 1, 2].map(() => Float64Array.from(family.offsets.p, () => rng.next() - 0.5)),
    }));
    const viaFft = [0, 1, 2].map(() => new Float64Array(channels * 13 * 11));
    const direct = [0, 1, 2].map(() => new Float64Array(channels * 13 * 11));
    fftWindowSums(viaFft, parts, shape);
    for (const p of parts) accumulateWindowSums(direct, p.family, shape, [...p.coefs]);
    for (let v = 0; v < 3; v++) assert.ok(maxAbsDiff(viaFft[v], direct[v]) < 1e-11, `vector ${v}`);
  }
});

test('the inverse transform undoes the forward one for any length', () => {
  for (const n of [6, 7, 12, 16]) {
    const rng = createRng(n);
    const re = Float64Array.from({ length: n * 3 }, () => rng.next());
    const im = Float64Array.from({ length: n * 3 }, () => rng.next());
    const [r0, i0] = [Float64Array.from(re), Float64Array.from(im)];
    fft2d(re, im, 3, n);
    fft2d(re, im, 3, n, true);
    assert.ok(maxAbsDiff(re, r0) < 1e-12 && maxAbsDiff(im, i0) < 1e-12, `length ${n}`);
  }
});
