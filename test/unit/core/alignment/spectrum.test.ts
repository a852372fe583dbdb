import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fft, fft2d } from '../../../../src/core/fft';
import { highFrequencyShare, powerSpectrum, radialPowerSpectrum } from '../../../../src/core/alignment/spectrum';
import { createRng } from '../../../../src/core/rng';

const rng = createRng(37);

/** The DFT by its definition, O(N^2). */
function directDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * ((k * t) % n)) / n;
      outRe[k] += re[t] * Math.cos(angle) - im[t] * Math.sin(angle);
      outIm[k] += re[t] * Math.sin(angle) + im[t] * Math.cos(angle);
    }
  }
  return [outRe, outIm];
}

test('fft matches the direct DFT for power-of-two and other lengths', () => {
  for (const n of [1, 2, 3, 5, 8, 12, 17, 32, 28]) {
    const re = Float64Array.from({ length: n }, () => rng.next() - 0.5);
    const im = Float64Array.from({ length: n }, () => rng.next() - 0.5);
    const [eRe, eIm] = directDft(re, im);
    fft(re, im);
    for (let k = 0; k < n; k++) {
      assert.ok(Math.abs(re[k] - eRe[k]) <= 1e-10 * n && Math.abs(im[k] - eIm[k]) <= 1e-10 * n, `n=${n} k=${k}`);
    }
  }
});

test('fft2 matches the direct 2-D DFT', () => {
  const [h, w] = [6, 10];
  const data = Float64Array.from({ length: h * w }, () => rng.next());
  const re = Float64Array.from(data);
  const im = new Float64Array(h * w);
  fft2d(re, im, h, w);
  for (let u = 0; u < h; u++) {
    for (let v = 0; v < w; v++) {
      let sr = 0;
      let si = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const angle = -2 * Math.PI * ((u * y) / h + (v * x) / w);
          sr += data[y * w + x] * Math.cos(angle);
          si += data[y * w + x] * Math.sin(angle);
        }
      }
      assert.ok(Math.abs(re[u * w + v] - sr) <= 1e-9 && Math.abs(im[u * w + v] - si) <= 1e-9);
    }
  }
});

test('powerSpectrum sums to the energy (Parseval), channels added', () => {
  const [c, h, w] = [3, 7, 9];
  const data = Float64Array.from({ length: c * h * w }, () => rng.next() - 0.5);
  const energy = data.reduce((s, v) => s + v * v, 0);
  const total = powerSpectrum(data, c, h, w).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(total - energy) <= 1e-10 * energy);
});

test('a cosine of 0.25 cycles per pixel puts all its energy in the 0.25 ring: high-frequency share 1 above cut-off 0.2, 0 above 0.3', () => {
  const [h, w] = [16, 24];
  const data = Float64Array.from({ length: h * w }, (_, p) => Math.cos(2 * Math.PI * 0.25 * (p % w)));
  assert.ok(Math.abs(highFrequencyShare(data, 1, h, w, 0.2) - 1) <= 1e-12);
  assert.ok(highFrequencyShare(data, 1, h, w, 0.3) <= 1e-12);
  const spectrum = radialPowerSpectrum(data, 1, h, w);
  const peak = spectrum.power.indexOf(Math.max(...spectrum.power));
  assert.ok(Math.abs(spectrum.frequencies[peak] - 0.25) <= 0.5 / Math.min(h, w));
  const energy = spectrum.power.reduce((s, p, b) => s + p * spectrum.counts[b], 0);
  assert.ok(Math.abs(energy - (h * w) / 2) <= 1e-9, 'the ring means times their counts still sum to the energy');
});

test('a constant image has all its energy at frequency 0, and a zero image a high-frequency share of 0', () => {
  const spectrum = radialPowerSpectrum(new Float64Array(20).fill(2), 1, 4, 5);
  assert.equal(spectrum.frequencies[0], 0);
  assert.ok(Math.abs(spectrum.power[0] * spectrum.counts[0] - 80) <= 1e-9);
  assert.ok(spectrum.power.slice(1).every((p) => p <= 1e-20));
  assert.equal(highFrequencyShare(new Float64Array(20), 1, 4, 5, 0.1), 0);
});
