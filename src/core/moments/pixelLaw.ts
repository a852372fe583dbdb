import type { Mixture, Shape } from '../augment/mixture';
import type { Image } from '../image';
import { pixelMoments } from './pixelMoments';
import { accumulateWindowSum, type CanvasValues } from './windowSum';

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
 * per family, the window sums of its canvas's neighbour products q[c, Y, X] = f[c, Y, X] f[c, Y + dy, X + dx] (float64)
 * with the offset law as kernel, as the per-pixel moments are formed from the canvas and its square. A window's
 * neighbour pair is a canvas neighbour pair, so where the neighbour stays in the image it stays in the canvas.
 */
export function crossMoments(m: Mixture, dy: number, dx: number): Float64Array {
  const { channels, height: h, width: w } = m.shape;
  const out = new Float64Array(channels * h * w);
  for (const f of m.families) accumulateWindowSum(out, f, m.shape, f.offsets.p, f.weight, false, neighbourProducts(f.base, dy, dx));
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const o = (c * h + y) * w;
      if (y + dy < 0 || y + dy >= h) out.fill(0, o, o + w);
      else {
        out.fill(0, o, o + Math.max(0, -dx));
        out.fill(0, o + w - Math.max(0, dx), o + w);
      }
    }
  }
  return out;
}

/** q[c, Y, X] = base[c, Y, X] base[c, Y + dy, X + dx], 0 where the neighbour leaves the canvas. */
function neighbourProducts(base: Image, dy: number, dx: number): CanvasValues {
  const { channels, height: H, width: W, data } = base;
  const q = new Float64Array(data.length);
  const x0 = Math.max(0, -dx);
  const x1 = W - Math.max(0, dx);
  for (let c = 0; c < channels; c++) {
    for (let Y = Math.max(0, -dy); Y < Math.min(H, H - dy); Y++) {
      const s = (c * H + Y) * W;
      const t = s + dy * W + dx;
      for (let X = x0; X < x1; X++) q[s + X] = data[s + X] * data[t + X];
    }
  }
  return { height: H, width: W, data: q };
}
