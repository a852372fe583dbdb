import { createImage, type Image } from '../../image';
import { grayOf, hsvToRgb, mod1, rgbToHsv } from './hsv';

/**
 * The colour adjustments of torchvision's tensor backend (`_functional_tensor.py`) on a float image in [0, 1]:
 * each is a blend `ratio * img + (1 - ratio) * other` clamped to [0, 1], except hue, which rotates H in HSV.
 */
export type Adjustment = 'brightness' | 'contrast' | 'saturation' | 'hue';

export const ADJUSTMENTS: readonly Adjustment[] = ['brightness', 'contrast', 'saturation', 'hue'];

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

export function adjust(img: Image, kind: Adjustment, factor: number): Image {
  switch (kind) {
    case 'brightness':
      return mapValues(img, (v) => clamp01(factor * v));
    case 'contrast': {
      const m = grayMean(img);
      return mapValues(img, (v) => clamp01(factor * v + (1 - factor) * m));
    }
    case 'saturation':
      return img.channels === 1 ? img : blendWithGray(img, factor);
    case 'hue':
      return img.channels === 1 ? img : shiftHue(img, factor);
  }
}

/** Mean of the grayscale image (the image itself with one channel): adjust_contrast's blend target. */
export function grayMean(img: Image): number {
  const plane = img.height * img.width;
  let sum = 0;
  if (img.channels === 1) {
    for (let i = 0; i < plane; i++) sum += img.data[i];
  } else {
    for (let i = 0; i < plane; i++) sum += grayOf(img.data[i], img.data[plane + i], img.data[2 * plane + i]);
  }
  return sum / plane;
}

/** rgb_to_grayscale with as many output channels as input channels (RandomGrayscale); a 1-channel image is unchanged. */
export function toGrayscale(img: Image): Image {
  if (img.channels === 1) return img;
  const out = createImage(img.channels, img.height, img.width);
  const plane = img.height * img.width;
  for (let i = 0; i < plane; i++) {
    const g = Math.fround(grayOf(img.data[i], img.data[plane + i], img.data[2 * plane + i]));
    for (let c = 0; c < img.channels; c++) out.data[c * plane + i] = g;
  }
  return out;
}

function mapValues(img: Image, f: (v: number) => number): Image {
  const out = createImage(img.channels, img.height, img.width);
  for (let i = 0; i < img.data.length; i++) out.data[i] = f(img.data[i]);
  return out;
}

function blendWithGray(img: Image, factor: number): Image {
  const out = createImage(img.channels, img.height, img.width);
  const plane = img.height * img.width;
  for (let i = 0; i < plane; i++) {
    const g = Math.fround(grayOf(img.data[i], img.data[plane + i], img.data[2 * plane + i]));
    for (let c = 0; c < 3; c++) out.data[c * plane + i] = clamp01(factor * img.data[c * plane + i] + (1 - factor) * g);
  }
  return out;
}

function shiftHue(img: Image, factor: number): Image {
  const out = createImage(img.channels, img.height, img.width);
  const plane = img.height * img.width;
  const hsv = new Float64Array(3);
  const rgb = new Float64Array(3);
  for (let i = 0; i < plane; i++) {
    rgbToHsv(img.data[i], img.data[plane + i], img.data[2 * plane + i], hsv);
    hsvToRgb(mod1(hsv[0] + factor), hsv[1], hsv[2], rgb);
    for (let c = 0; c < 3; c++) out.data[c * plane + i] = rgb[c];
  }
  return out;
}
