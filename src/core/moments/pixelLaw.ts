import type { Mixture, Shape } from '../augment/mixture';
import { pixelMoments } from './pixelMoments';

/**
 * What the exact per-pixel route knows about an augmented image: its first and second moments per pixel, and,
 * while the law is still a finite outcome set, that set (continuous steps need it for cross moments and
 * non-linear maps; after them it is gone).
 */
export interface PixelLaw {
  readonly shape: Shape;
  readonly mixture: Mixture | null;
  /** E[y], CHW */
  readonly mean: Float64Array;
  /** E[y^2] per pixel, CHW */
  readonly second: Float64Array;
}

/** The law of a finite outcome set; its moments are computed when first read. */
export function lawOfMixture(m: Mixture): PixelLaw {
  let moments: { mean: Float64Array; second: Float64Array } | null = null;
  const get = () => {
    if (!moments) {
      const { mean, variance } = pixelMoments(m);
      const second = new Float64Array(mean.length);
      for (let i = 0; i < second.length; i++) second[i] = variance[i] + mean[i] * mean[i];
      moments = { mean, second };
    }
    return moments;
  };
  return {
    shape: m.shape,
    mixture: m,
    get mean() {
      return get().mean;
    },
    get second() {
      return get().second;
    },
  };
}

export function lawOfMoments(shape: Shape, mean: Float64Array, second: Float64Array): PixelLaw {
  return { shape, mixture: null, mean, second };
}

/** Per-pixel variance from the law, clamped at 0 against rounding. */
export function varianceOf(law: PixelLaw): Float64Array {
  const { mean, second } = law;
  const out = new Float64Array(mean.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(second[i] - mean[i] * mean[i], 0);
  return out;
}

/**
 * Cross moments E[y(c, y, x) y(c, y + dy, x + dx)] of a finite law, CHW (0 where the neighbour leaves the image):
 * the weighted sum over every outcome of the products of its pixel pairs, read from each family's canvas at the
 * window offsets (float64 products, no rounding beyond the sum's).
 */
export function crossMoments(m: Mixture, dy: number, dx: number): Float64Array {
  const { channels, height: h, width: w } = m.shape;
  const out = new Float64Array(channels * h * w);
  const xLo = Math.max(0, -dx);
  const xHi = w - Math.max(0, dx);
  for (const f of m.families) {
    const base = f.base;
    const d = base.data;
    const { dy: oy, dx: ox, p } = f.offsets;
    for (let k = 0; k < p.length; k++) {
      const a = f.weight * p[k];
      if (a === 0) continue;
      for (let c = 0; c < channels; c++) {
        for (let y = 0; y + dy < h; y++) {
          const s = (c * base.height + y + oy[k]) * base.width + ox[k];
          const t = s + dy * base.width + dx;
          const o = (c * h + y) * w;
          for (let x = xLo; x < xHi; x++) out[o + x] += a * d[s + x] * d[t + x];
        }
      }
    }
  }
  return out;
}
