import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropImage, flipHorizontal } from '../../../../src/core/augment/geometry';
import { resizeImage } from '../../../../src/core/augment/resize';
import { resizedCropLaw } from '../../../../src/core/augment/resizedCropLaw';
import { exactMatrixProduct } from '../../../../src/core/linalg/matrixProduct';
import { continuousMoments } from '../../../../src/core/moments/continuousMoments';
import { parsePolicy } from '../../../../src/core/policy';
import { randomImage } from './bruteForce';

const img = randomImage(3, 30, 34, 12);
const options = {
  topK: 2,
  level: 0,
  eigenOutcomes: 256,
  eigenValues: 1e8,
  randomized: { tolerance: 0.01, replicates: 8, firstPoints: 16, maxDraws: 4096, seed: 1 },
  product: exactMatrixProduct,
};

test('RandomResizedCrop too large to enumerate, then flip and Normalize: exact per-pixel moments through the crop route', async () => {
  const c = await continuousMoments(img, parsePolicy('Compose([RandomResizedCrop(10), RandomHorizontalFlip(), Normalize((0.5, 0.4, 0.3), (0.2, 0.25, 0.5))])'), options);
  assert.equal(c.quadrature.pixelMethod, 'exact');
  // Brute force: every (h, w) atom at every corner, and the fallback, each resized, both flips, normalised.
  const law = resizedCropLaw(30, 34, [0.08, 1], [3 / 4, 4 / 3]);
  const d = 3 * 10 * 10;
  const mean = new Float64Array(d);
  const second = new Float64Array(d);
  const add = (p: number, top: number, left: number, h: number, w: number) => {
    const y = resizeImage(cropImage(img, top, left, h, w), 10, 10, { interpolation: 'bilinear', antialias: true });
    for (const [q, z] of [[0.5, y], [0.5, flipHorizontal(y)]] as const) {
      for (let i = 0; i < d; i++) {
        const ch = Math.floor(i / 100);
        const v = (z.data[i] - [0.5, 0.4, 0.3][ch]) / [0.2, 0.25, 0.5][ch];
        mean[i] += p * q * v;
        second[i] += p * q * v * v;
      }
    }
  };
  for (const a of law.sizes) {
    const ni = 30 - a.h + 1;
    const nj = 34 - a.w + 1;
    for (let i = 0; i < ni; i++) for (let j = 0; j < nj; j++) add(a.p / (ni * nj), i, j, a.h, a.w);
  }
  if (law.fallback.p > 0) add(law.fallback.p, law.fallback.top, law.fallback.left, law.fallback.h, law.fallback.w);
  // The resized outcomes are float32 images (as torchvision's); the route integrates the resize in float64.
  for (let i = 0; i < d; i++) {
    assert.ok(Math.abs(c.pixel.mean[i] - mean[i]) < 1e-6, `mean ${i}: ${c.pixel.mean[i]} vs ${mean[i]}`);
    assert.ok(Math.abs(c.pixel.variance[i] - (second[i] - mean[i] ** 2)) < 1e-6, `variance ${i}`);
  }
  // Eigenpairs from randomized draws: the report says how far those draws' maps are from the exact ones.
  assert.equal(c.eigen!.values.length, 2);
  assert.ok(c.quadrature.varianceError! > 0 && c.quadrature.eigenvalueError! >= 0);
});

test('without a matrix product the crop has no exact route and the randomized rule is used', async () => {
  const { product: _, ...plain } = options;
  const c = await continuousMoments(img, parsePolicy('Compose([RandomResizedCrop(10), RandomHorizontalFlip()])'), plain);
  assert.equal(c.quadrature.pixelMethod, 'randomized');
});
