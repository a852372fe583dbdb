import { createImage, type Image } from '../../image';

export type WarpMode = 'nearest' | 'bilinear';

/** The output window of a warp: `height` x `width` pixels starting at (top, left) of the image-sized output grid. */
export interface WarpWindow {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/**
 * torchvision's `_apply_grid_transform` for a float image and a fill (tensor backend, F.affine / F.rotate):
 * grid_sample with zero padding and align_corners=False on the image with an extra all-ones mask channel, then
 * nearest: out = mask < 0.5 ? fill : value; bilinear: out = value * mask + (1 - mask) * fill, where value is the
 * zero-padded bilinear sample and mask the bilinear sample of the ones channel (the share of in-bounds corners).
 * `m` is the inverse affine matrix; the output grid has the image's size, read through `window`.
 */
export function warpImage(img: Image, m: Float64Array, mode: WarpMode, fills: Float32Array, window?: WarpWindow): Image {
  const { channels, height: h, width: w } = img;
  const win = window ?? { top: 0, left: 0, height: h, width: w };
  const out = createImage(channels, win.height, win.width);
  const plane = h * w;
  const outPlane = win.height * win.width;
  const cx = (w - 1) / 2 + m[2];
  const cy = (h - 1) / 2 + m[5];
  const corners = new Float64Array(4);
  for (let i = 0; i < win.height; i++) {
    const by = i + win.top + 0.5 - h / 2;
    for (let j = 0; j < win.width; j++) {
      const bx = j + win.left + 0.5 - w / 2;
      const sx = m[0] * bx + m[1] * by + cx;
      const sy = m[3] * bx + m[4] * by + cy;
      const o = i * win.width + j;
      if (mode === 'nearest') {
        const ix = nearbyint(sx);
        const iy = nearbyint(sy);
        const inside = ix >= 0 && ix < w && iy >= 0 && iy < h;
        for (let c = 0; c < channels; c++) out.data[c * outPlane + o] = inside ? img.data[c * plane + iy * w + ix] : fills[c];
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const mask = cornerWeights(corners, x0, y0, sx - x0, sy - y0, h, w);
      const [w00, w01, w10, w11] = corners;
      const s = y0 * w + x0;
      for (let c = 0; c < channels; c++) {
        const base = c * plane + s;
        let v = 0;
        if (w00) v += w00 * img.data[base];
        if (w01) v += w01 * img.data[base + 1];
        if (w10) v += w10 * img.data[base + w];
        if (w11) v += w11 * img.data[base + w + 1];
        out.data[c * outPlane + o] = v * mask + (1 - mask) * fills[c];
      }
    }
  }
  return out;
}

/**
 * Bilinear weights of the corners (x0, y0), (x0 + 1, y0), (x0, y0 + 1), (x0 + 1, y0 + 1) of the point (x0 + tx,
 * y0 + ty), written to `out` in that order, 0 for a corner outside the h x w image (grid_sample's zero padding).
 * Returns their sum: the mask, the bilinear sample of an all-ones channel.
 */
export function cornerWeights(out: Float64Array, x0: number, y0: number, tx: number, ty: number, h: number, w: number): number {
  const inX0 = x0 >= 0 && x0 < w;
  const inX1 = x0 + 1 >= 0 && x0 + 1 < w;
  const inY0 = y0 >= 0 && y0 < h;
  const inY1 = y0 + 1 >= 0 && y0 + 1 < h;
  out[0] = inY0 && inX0 ? (1 - tx) * (1 - ty) : 0;
  out[1] = inY0 && inX1 ? tx * (1 - ty) : 0;
  out[2] = inY1 && inX0 ? (1 - tx) * ty : 0;
  out[3] = inY1 && inX1 ? tx * ty : 0;
  return out[0] + out[1] + out[2] + out[3];
}

/** C's nearbyint under the default rounding mode: round half to even, as grid_sample's nearest mode. */
export function nearbyint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
