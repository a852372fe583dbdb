import type { Image } from '../../image';
import { addWindowSums } from '../../moments/canvasSum';
import type { PixelLaw } from '../../moments/pixelLaw';
import type { Mixture } from '../mixture';
import type { Adjustment } from './adjust';
import { grayOf } from './hsv';
import { clampedLinearMoments, hueMoments } from './jitterMoments';

/**
 * Exact per-pixel law after one colour adjustment with a factor uniform on [lo, hi], from the finite input law.
 * Brightness, saturation and hue act on each pixel alone: their per-pixel integrals are computed on every canvas and
 * averaged over the windows. Contrast blends with the grayscale mean of the whole outcome, so each outcome is
 * integrated with its own mean (read from a prefix sum of the gray canvas).
 */
export function singleAdjustmentLaw(m: Mixture, kind: Adjustment, lo: number, hi: number): PixelLaw {
  const { channels, height: h, width: w } = m.shape;
  const mean = new Float64Array(channels * h * w);
  const second = new Float64Array(channels * h * w);
  for (const f of m.families) {
    const base = f.base;
    if (kind === 'contrast') {
      contrastFamily(mean, second, base, f.offsets, f.weight, m, lo, hi);
      continue;
    }
    const { e1, e2 } = pointwiseMoments(base, kind, lo, hi);
    addWindowSums(mean, e1, base.height, base.width, f.offsets, f.weight, m.shape);
    addWindowSums(second, e2, base.height, base.width, f.offsets, f.weight, m.shape);
  }
  return { shape: m.shape, mixture: null, mean, second };
}

function pointwiseMoments(img: Image, kind: Adjustment, lo: number, hi: number): { e1: Float64Array; e2: Float64Array } {
  const n = img.data.length;
  const plane = img.height * img.width;
  const e1 = new Float64Array(n);
  const e2 = new Float64Array(n);
  const pair = new Float64Array(2);
  const six = new Float64Array(6);
  const d = img.data;
  if (kind === 'brightness' || img.channels === 1) {
    // clamp(b x); a 1-channel image is left unchanged by saturation and hue, which never reach here with it.
    for (let i = 0; i < n; i++) {
      clampedLinearMoments(0, d[i], lo, hi, pair, 0);
      e1[i] = pair[0];
      e2[i] = pair[1];
    }
    return { e1, e2 };
  }
  for (let i = 0; i < plane; i++) {
    const r = d[i];
    const g = d[plane + i];
    const b = d[2 * plane + i];
    if (kind === 'saturation') {
      const gray = Math.fround(grayOf(r, g, b));
      for (let c = 0; c < 3; c++) {
        clampedLinearMoments(gray, d[c * plane + i] - gray, lo, hi, pair, 0);
        e1[c * plane + i] = pair[0];
        e2[c * plane + i] = pair[1];
      }
    } else {
      hueMoments(r, g, b, lo, hi, six);
      for (let c = 0; c < 3; c++) {
        e1[c * plane + i] = six[2 * c];
        e2[c * plane + i] = six[2 * c + 1];
      }
    }
  }
  return { e1, e2 };
}

function contrastFamily(
  mean: Float64Array,
  second: Float64Array,
  base: Image,
  offsets: Mixture['families'][number]['offsets'],
  weight: number,
  m: Mixture,
  lo: number,
  hi: number,
): void {
  const { channels, height: h, width: w } = m.shape;
  const bw = base.width;
  const bplane = base.height * bw;
  // Prefix sums of the gray canvas: the mean of a window in O(1).
  const sums = new Float64Array((base.height + 1) * (bw + 1));
  for (let y = 0; y < base.height; y++) {
    let row = 0;
    for (let x = 0; x < bw; x++) {
      const i = y * bw + x;
      row += channels === 1 ? base.data[i] : grayOf(base.data[i], base.data[bplane + i], base.data[2 * bplane + i]);
      sums[(y + 1) * (bw + 1) + x + 1] = sums[y * (bw + 1) + x + 1] + row;
    }
  }
  const pair = new Float64Array(2);
  for (let k = 0; k < offsets.p.length; k++) {
    const a = weight * offsets.p[k];
    if (a === 0) continue;
    const top = offsets.dy[k];
    const left = offsets.dx[k];
    const box = sums[(top + h) * (bw + 1) + left + w] - sums[top * (bw + 1) + left + w] - sums[(top + h) * (bw + 1) + left] + sums[top * (bw + 1) + left];
    const gm = box / (h * w);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h; y++) {
        const s = c * bplane + (top + y) * bw + left;
        const o = (c * h + y) * w;
        for (let x = 0; x < w; x++) {
          clampedLinearMoments(gm, base.data[s + x] - gm, lo, hi, pair, 0);
          mean[o + x] += a * pair[0];
          second[o + x] += a * pair[1];
        }
      }
    }
  }
}
