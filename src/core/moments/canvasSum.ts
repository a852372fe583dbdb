import type { Shape } from '../augment/mixture';
import type { OffsetSet } from '../augment/offsets';

/**
 * out[c, y, x] += weight * sum_k p_k canvas[c, y + dy_k, x + dx_k] for a float64 canvas of the given height and
 * width: the expectation over a family's windows of a per-pixel quantity already computed on its canvas.
 */
export function addWindowSums(
  out: Float64Array,
  canvas: Float64Array,
  canvasHeight: number,
  canvasWidth: number,
  offsets: OffsetSet,
  weight: number,
  shape: Shape,
): void {
  const { channels, height: h, width: w } = shape;
  const plane = canvasHeight * canvasWidth;
  for (let k = 0; k < offsets.p.length; k++) {
    const a = weight * offsets.p[k];
    if (a === 0) continue;
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h; y++) {
        const s = c * plane + (y + offsets.dy[k]) * canvasWidth + offsets.dx[k];
        const o = (c * h + y) * w;
        for (let x = 0; x < w; x++) out[o + x] += a * canvas[s + x];
      }
    }
  }
}
