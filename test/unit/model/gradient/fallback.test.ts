import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createImage, type Image } from '../../../../src/core/image';
import { createRng } from '../../../../src/core/rng';
import { blockSaliency, directionalDerivatives, FINITE_DIFFERENCES } from '../../../../src/model/gradient/fallback';

const rng = createRng(29);
const C = 2;
const H = 7;
const W = 10;
const weights = Float64Array.from({ length: C * H * W }, () => rng.next() - 0.5);
const point = createImage(C, H, W, Float32Array.from({ length: C * H * W }, () => rng.next()));

/** f(x) = w . x + 0.5 (w . x)^2 / 10: its gradient at x is w (1 + w . x / 10). */
const objective = async (images: readonly Image[]): Promise<number[]> =>
  images.map((img) => {
    let s = 0;
    for (let i = 0; i < weights.length; i++) s += weights[i] * img.data[i];
    return s + (0.5 * s * s) / 10;
  });

const gradientAtPoint = async (): Promise<Float64Array> => {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += weights[i] * point.data[i];
  return weights.map((w) => w * (1 + s / 10));
};

test('directionalDerivatives: central differences along each direction, labelled as finite differences', async () => {
  const g = await gradientAtPoint();
  const directions = [0, 1, 2].map(() => Float64Array.from({ length: g.length }, () => rng.next() - 0.5));
  const r = await directionalDerivatives(objective, point, directions, { chunk: 4 });
  assert.equal(r.method, FINITE_DIFFERENCES);
  assert.equal(r.evaluations, 6);
  directions.forEach((d, k) => {
    const exact = d.reduce((s, di, i) => s + di * g[i], 0);
    assert.ok(Math.abs(r.values[k] - exact) <= 1e-3 * Math.abs(exact) + 1e-4, `${r.values[k]} vs ${exact}`);
  });
});

test('blockSaliency: the block averages of the gradient, one central difference per block and channel', async () => {
  const g = await gradientAtPoint();
  const block = 3;
  const r = await blockSaliency(objective, point, { block, chunk: 7 });
  assert.equal(r.method, FINITE_DIFFERENCES);
  assert.equal(r.evaluations, 2 * C * Math.ceil(H / block) * Math.ceil(W / block));
  for (let c = 0; c < C; c++) {
    for (let y0 = 0; y0 < H; y0 += block) {
      for (let x0 = 0; x0 < W; x0 += block) {
        let sum = 0;
        let n = 0;
        for (let y = y0; y < Math.min(H, y0 + block); y++) for (let x = x0; x < Math.min(W, x0 + block); x++, n++) sum += g[(c * H + y) * W + x];
        for (let y = y0; y < Math.min(H, y0 + block); y++) {
          for (let x = x0; x < Math.min(W, x0 + block); x++) {
            const v = r.gradient[(c * H + y) * W + x];
            assert.ok(Math.abs(v - sum / n) <= 1e-3, `channel ${c} block (${y0}, ${x0}): ${v} vs ${sum / n}`);
          }
        }
      }
    }
  }
});
