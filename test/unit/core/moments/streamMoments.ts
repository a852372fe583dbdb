import type { Mixture } from '../../../../src/core/augment/mixture';
import { pixelMoments, type PixelMoments } from '../../../../src/core/moments/pixelMoments';

/**
 * Test oracle: pixelMoments of a mixture whose canvases may be computed on demand: each canvas is read once, the family with it
 * kept only while its two window sums run.
 */
export function streamPixelMoments(m: Mixture): PixelMoments {
  const size = m.shape.channels * m.shape.height * m.shape.width;
  const mean = new Float64Array(size);
  const second = new Float64Array(size);
  let outcomes = 0;
  for (const f of m.families) {
    const one = pixelMoments({ shape: m.shape, families: [{ weight: 1, base: f.base, offsets: f.offsets }] });
    outcomes += one.outcomes;
    for (let i = 0; i < size; i++) {
      mean[i] += f.weight * one.mean[i];
      second[i] += f.weight * (one.variance[i] + one.mean[i] * one.mean[i]);
    }
  }
  const variance = new Float64Array(size);
  let totalVariance = 0;
  for (let i = 0; i < size; i++) {
    variance[i] = Math.max(second[i] - mean[i] * mean[i], 0);
    totalVariance += variance[i];
  }
  return { mean, variance, totalVariance, outcomes };
}
