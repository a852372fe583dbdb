/**
 * Size limits on what AugLens reads, checked before anything is allocated for it.
 * Decoding a 40-megapixel image peaks at 0.9 GB (PNG) to 1.9 GB (CMYK JPEG: jpeg-js keeps a 256-byte block per 64
 * samples) of resident memory, and the analysis makes several more copies: bigger images are refused, naming the limit.
 */
export const MAX_IMAGE_MEGAPIXELS = 40;
export const MAX_IMAGE_PIXELS = MAX_IMAGE_MEGAPIXELS * 1_000_000;
/** A 40-megapixel 16-bit RGBA PNG stored uncompressed is about 320 MB; real files are far smaller. */
export const MAX_IMAGE_FILE_BYTES = 512 * 1024 * 1024;
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

/** Throws "image too large" when width x height passes the pixel limit (or is empty), naming the file. */
export function checkImageDimensions(width: number, height: number, name: string): void {
  if (width <= 0 || height <= 0) throw new Error(`${name}: the image is ${width}x${height}: it has no pixels`);
  if (width * height > MAX_IMAGE_PIXELS) {
    const mp = ((width * height) / 1e6).toFixed(1);
    throw new Error(`${name}: image too large: ${width}x${height} (${mp} megapixels), limit ${MAX_IMAGE_MEGAPIXELS} megapixels; downscale it first`);
  }
}
