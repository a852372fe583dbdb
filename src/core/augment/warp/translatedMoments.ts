import type { PixelLaw } from '../../moments/pixelLaw';
import type { Shape } from '../mixture';
import type { OffsetSet } from '../offsets';
import type { WarpWindow } from './gridSample';

/**
 * Per-pixel moments after independent whole-pixel translations: the moments of the widened canvas averaged over
 * the windows at the translation offsets (E[y_q] = sum_t P(t) E[canvas_{q + offset_t}], likewise E[y_q^2]).
 */
export function translatedMoments(
  canvas: { mean: Float64Array; second: Float64Array },
  shape: Shape,
  window: WarpWindow,
  offsets: OffsetSet,
): PixelLaw {
  const { channels, height: h, width: w } = shape;
  const mean = new Float64Array(channels * h * w);
  const second = new Float64Array(channels * h * w);
  const cw = window.width;
  const plane = window.height * cw;
  for (let k = 0; k < offsets.p.length; k++) {
    const p = offsets.p[k];
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < h; y++) {
        const s = c * plane + (y + offsets.dy[k]) * cw + offsets.dx[k];
        const o = (c * h + y) * w;
        for (let x = 0; x < w; x++) {
          mean[o + x] += p * canvas.mean[s + x];
          second[o + x] += p * canvas.second[s + x];
        }
      }
    }
  }
  return { shape, mixture: null, mean, second };
}
