import { createImage, type Image } from '../image';
import type { Fill, Padding, PaddingMode } from '../policy/types';

/** Per-channel fill values for an image with `channels` channels. */
export function fillValues(fill: Fill, channels: number): Float32Array {
  if (typeof fill === 'number') return new Float32Array(channels).fill(fill);
  if (fill.length === 1) return new Float32Array(channels).fill(fill[0]);
  if (fill.length !== channels) {
    throw new Error(`fill has ${fill.length} values but the image has ${channels} channels`);
  }
  return Float32Array.from(fill);
}

/**
 * Source index for output coordinate `i` (may be outside [0, n)) under a padding mode, or -1 for the constant fill.
 * Same index rules as numpy.pad / torch: edge = replicate, reflect excludes the border pixel, symmetric repeats it.
 */
export function padSourceIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'reflect': {
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      let j = ((i % period) + period) % period;
      if (j >= n) j = period - j;
      return j;
    }
    case 'symmetric': {
      const period = 2 * n;
      let j = ((i % period) + period) % period;
      if (j >= n) j = period - 1 - j;
      return j;
    }
  }
}

/**
 * Source indices of the coordinates start .. start + length - 1 along an axis of n values padded by `pads` ([before,
 * after] each, applied in order), -1 for the constant fill.
 */
export function padIndices(n: number, pads: readonly (readonly [number, number])[], mode: PaddingMode, start: number, length: number): Int32Array {
  const sizes = [n];
  for (const [before, after] of pads) sizes.push(sizes[sizes.length - 1] + before + after);
  const index = new Int32Array(length);
  for (let j = 0; j < length; j++) {
    let i = start + j;
    for (let p = pads.length - 1; p >= 0 && i >= 0; p--) i = padSourceIndex(i - pads[p][0], sizes[p], mode);
    index[j] = i;
  }
  return index;
}

/** Pads like torchvision's F.pad on a tensor: padding is [left, top, right, bottom]. */
export function padImage(img: Image, padding: Padding, mode: PaddingMode, fill: Fill): Image {
  const [left, top, right, bottom] = padding;
  if (left === 0 && top === 0 && right === 0 && bottom === 0) return img;
  checkPadding(img, padding, mode);
  const h = img.height + top + bottom;
  const w = img.width + left + right;
  const out = createImage(img.channels, h, w);
  const fills = fillValues(fill, img.channels);
  const rows = Int32Array.from({ length: h }, (_, y) => padSourceIndex(y - top, img.height, mode));
  const cols = Int32Array.from({ length: w }, (_, x) => padSourceIndex(x - left, img.width, mode));
  for (let c = 0; c < img.channels; c++) {
    const src = c * img.height * img.width;
    for (let y = 0; y < h; y++) {
      const sy = rows[y];
      const o = (c * h + y) * w;
      for (let x = 0; x < w; x++) {
        const sx = cols[x];
        out.data[o + x] = sy < 0 || sx < 0 ? fills[c] : img.data[src + sy * img.width + sx];
      }
    }
  }
  return out;
}

/** Throws when the padding is invalid for an image of this size (reflect: < side, symmetric: <= side). */
export function checkPadding(img: { height: number; width: number }, padding: Padding, mode: PaddingMode): void {
  if (padding.some((p) => p < 0 || !Number.isInteger(p))) {
    throw new Error(`padding ${JSON.stringify(padding)} must be non-negative integers`);
  }
  const [left, top, right, bottom] = padding;
  const limit = mode === 'reflect' ? (n: number) => n - 1 : (n: number) => n;
  if (mode === 'reflect' || mode === 'symmetric') {
    if (Math.max(left, right) > limit(img.width) || Math.max(top, bottom) > limit(img.height)) {
      throw new Error(
        `padding ${JSON.stringify(padding)} in ${mode} mode needs an image larger than ` +
          `${img.height}x${img.width} (${mode} padding must be ${mode === 'reflect' ? '<' : '<='} the image side)`,
      );
    }
  }
}
