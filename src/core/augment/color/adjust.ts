import { createImage, type Image } from '../../image';
import { GRAY_WEIGHTS, shiftHue } from './hsv';

/**
 * The colour adjustments of torchvision's tensor backend (`_functional_tensor.py`) on a float image in [0, 1]:
 * each is a blend `ratio * img + (1 - ratio) * other` clamped to [0, 1], except hue, which rotates H in HSV.
 */
export type Adjustment = 'brightness' | 'contrast' | 'saturation' | 'hue';

export const ADJUSTMENTS: readonly Adjustment[] = ['brightness', 'contrast', 'saturation', 'hue'];

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

// grayOf, local to the pixel loops here (a call into another module per pixel costs more than the sum).
const [WR, WG, WB] = GRAY_WEIGHTS;
const gray = (r: number, g: number, b: number) => WR * r + WG * g + WB * b;

export function adjust(img: Image, kind: Adjustment, factor: number): Image {
  if (img.channels === 1 && (kind === 'saturation' || kind === 'hue')) return img;
  const out = createImage(img.channels, img.height, img.width);
  adjustInto(img, kind, factor, out.data);
  return out;
}

/** adjust(img, kind, factor) written to `out`, which has img's size and may be img.data itself. */
export function adjustInto(img: Image, kind: Adjustment, factor: number, out: Float32Array): void {
  const src = img.data;
  if (img.channels === 1 && (kind === 'saturation' || kind === 'hue')) {
    if (out !== src) out.set(src);
    return;
  }
  switch (kind) {
    case 'brightness':
      return blend(src, factor, 0, out);
    case 'contrast':
      return blend(src, factor, (1 - factor) * grayMean(img), out);
    case 'saturation':
      return blendWithGray(src, img.height * img.width, factor, out);
    case 'hue':
      return shiftHue(src, img.height * img.width, factor, out);
  }
}

/** torchvision's _blend with a constant image: clamp(factor * x + rest), rest = (1 - factor) * the constant. */
function blend(src: Float32Array, factor: number, rest: number, out: Float32Array): void {
  for (let i = 0, n = src.length; i < n; i++) out[i] = clamp01(factor * src[i] + rest);
}

/** Mean of the grayscale image (the image itself with one channel): adjust_contrast's blend target. */
export function grayMean(img: Image): number {
  const plane = img.height * img.width;
  const d = img.data;
  let sum = 0;
  if (img.channels === 1) {
    for (let i = 0; i < plane; i++) sum += d[i];
  } else {
    for (let i = 0; i < plane; i++) sum += gray(d[i], d[plane + i], d[2 * plane + i]);
  }
  return sum / plane;
}

/** rgb_to_grayscale with as many output channels as input channels (RandomGrayscale); a 1-channel image is unchanged. */
export function toGrayscale(img: Image): Image {
  if (img.channels === 1) return img;
  const out = createImage(img.channels, img.height, img.width);
  const plane = img.height * img.width;
  const d = img.data;
  for (let i = 0; i < plane; i++) {
    const g = Math.fround(gray(d[i], d[plane + i], d[2 * plane + i]));
    for (let c = 0; c < img.channels; c++) out.data[c * plane + i] = g;
  }
  return out;
}

function blendWithGray(src: Float32Array, plane: number, factor: number, out: Float32Array): void {
  const rest = 1 - factor;
  for (let i = 0, j = plane, k = 2 * plane; i < plane; i++, j++, k++) {
    const r = src[i];
    const g = src[j];
    const b = src[k];
    const other = rest * Math.fround(gray(r, g, b));
    out[i] = clamp01(factor * r + other);
    out[j] = clamp01(factor * g + other);
    out[k] = clamp01(factor * b + other);
  }
}
