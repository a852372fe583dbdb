import { PNG, type ColorType } from 'pngjs';
import type { Image } from '../image';
import { unitToByte } from '../render/canvas';

/** Encodes 8-bit RGBA pixels (row-major, 4 bytes per pixel) as an RGBA PNG. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  if (rgba.length !== 4 * width * height) throw new Error(`RGBA buffer has ${rgba.length} bytes, expected 4 x ${width} x ${height}`);
  return writePng(rgba, width, height, 6);
}

/**
 * Encodes an image (values in [0, 1], clamped, rounded to 8 bits) as a grayscale PNG (1 channel) or an RGB PNG
 * (3 channels), so that decodeImage gives back the same shape and values to within 1/510.
 */
export function imageToPng(img: Image): Buffer {
  if (img.channels !== 1 && img.channels !== 3) throw new Error(`cannot write an image with ${img.channels} channels as PNG (1 or 3 expected)`);
  const plane = img.height * img.width;
  const pixels = new Uint8Array(img.channels * plane);
  for (let c = 0; c < img.channels; c++) {
    for (let p = 0; p < plane; p++) pixels[img.channels * p + c] = unitToByte(img.data[c * plane + p]);
  }
  return writePng(pixels, img.width, img.height, img.channels === 1 ? 0 : 2);
}

/**
 * One row filter (Paeth) and zlib level 6 instead of pngjs' default of trying all five filters on every row at level 9:
 * the files are as small and encode several times faster (most of a small report's writing time).
 */
function writePng(pixels: Uint8Array, width: number, height: number, colorType: ColorType): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: colorType === 6, bitDepth: 8, filterType: 4, deflateLevel: 6 });
}
