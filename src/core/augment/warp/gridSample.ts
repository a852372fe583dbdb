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
 * grid_sample's sampling grid (align_corners=False) of a warp about the image centre, for an output window of an
 * image-sized grid: output column j lies at x[j] = j + left + 0.5 - w / 2 from the centre (row i at y[i], alike),
 * and the centre is the source pixel (centreX, centreY) = ((w - 1) / 2, (h - 1) / 2). An inverse affine matrix m maps
 * the output pixel to the source point (m0 x + m1 y + centreX + m2, m3 x + m4 y + centreY + m5).
 */
export interface SourceGrid {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly centreX: number;
  readonly centreY: number;
}

export function sourceGrid(height: number, width: number, window: WarpWindow): SourceGrid {
  const x = new Float64Array(window.width);
  const y = new Float64Array(window.height);
  for (let j = 0; j < window.width; j++) x[j] = j + window.left + 0.5 - width / 2;
  for (let i = 0; i < window.height; i++) y[i] = i + window.top + 0.5 - height / 2;
  return { x, y, centreX: (width - 1) / 2, centreY: (height - 1) / 2 };
}

/**
 * torchvision's `_apply_grid_transform` for a float image and a fill (tensor backend, F.affine / F.rotate):
 * grid_sample with zero padding and align_corners=False on the image with an extra all-ones mask channel, then
 * nearest: out = mask < 0.5 ? fill : value; bilinear: out = value * mask + (1 - mask) * fill, where value is the
 * zero-padded bilinear sample and mask the bilinear sample of the ones channel (the share of in-bounds corners).
 * `m` is the inverse affine matrix; the output grid has the image's size, read through `window`.
 */
export function warpImage(img: Image, m: Float64Array, mode: WarpMode, fills: Float32Array, window?: WarpWindow): Image {
  const { channels, height: h, width: w, data: src } = img;
  const win = window ?? { top: 0, left: 0, height: h, width: w };
  const out = createImage(channels, win.height, win.width);
  const dst = out.data;
  const plane = h * w;
  const outPlane = win.height * win.width;
  const grid = sourceGrid(h, w, win);
  const cx = grid.centreX + m[2];
  const cy = grid.centreY + m[5];
  // sx = m0 bx + m1 by + cx and sy = m3 bx + m4 by + cy, with the bx products per column and the by ones per row.
  const colX = new Float64Array(win.width);
  const colY = new Float64Array(win.width);
  for (let j = 0; j < win.width; j++) {
    colX[j] = m[0] * grid.x[j];
    colY[j] = m[3] * grid.x[j];
  }
  const corners = new Float64Array(4);
  for (let i = 0; i < win.height; i++) {
    const by = grid.y[i];
    const rowX = m[1] * by;
    const rowY = m[4] * by;
    for (let j = 0, o = i * win.width; j < win.width; j++, o++) {
      const sx = colX[j] + rowX + cx;
      const sy = colY[j] + rowY + cy;
      if (mode === 'nearest') {
        const ix = nearbyint(sx);
        const iy = nearbyint(sy);
        const inside = ix >= 0 && ix < w && iy >= 0 && iy < h;
        for (let c = 0; c < channels; c++) dst[c * outPlane + o] = inside ? src[c * plane + iy * w + ix] : fills[c];
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const tx = sx - x0;
      const ty = sy - y0;
      const s = y0 * w + x0;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        // All four corners inside: the sums below without the padding tests (a zero weight adds nothing).
        const w00 = (1 - tx) * (1 - ty);
        const w01 = tx * (1 - ty);
        const w10 = (1 - tx) * ty;
        const w11 = tx * ty;
        const mask = w00 + w01 + w10 + w11;
        for (let c = 0, base = s; c < channels; c++, base += plane) {
          const v = w00 * src[base] + w01 * src[base + 1] + w10 * src[base + w] + w11 * src[base + w + 1];
          dst[c * outPlane + o] = v * mask + (1 - mask) * fills[c];
        }
        continue;
      }
      const mask = cornerWeights(corners, x0, y0, tx, ty, h, w);
      for (let c = 0, base = s; c < channels; c++, base += plane) {
        let v = 0;
        if (corners[0]) v += corners[0] * src[base];
        if (corners[1]) v += corners[1] * src[base + 1];
        if (corners[2]) v += corners[2] * src[base + w];
        if (corners[3]) v += corners[3] * src[base + w + 1];
        dst[c * outPlane + o] = v * mask + (1 - mask) * fills[c];
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
