import type { Rgb } from './colormap';

/** An 8-bit RGBA raster, row-major, 4 bytes per pixel (alpha always 255 here). */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];

export function createCanvas(width: number, height: number, background: Rgb = WHITE): RgbaImage {
  const canvas = { width, height, rgba: new Uint8Array(4 * width * height) };
  words(canvas).fill(packRgb(background));
  return canvas;
}

/** The canvas's pixels as 32-bit words (one per pixel, bytes in RGBA order in memory). */
export function words(canvas: RgbaImage): Uint32Array {
  return new Uint32Array(canvas.rgba.buffer, canvas.rgba.byteOffset, canvas.width * canvas.height);
}

const packBytes = new Uint8Array(4);
const packWord = new Uint32Array(packBytes.buffer);

/** An opaque colour as the 32-bit word `words` holds for it (whatever the platform's byte order). */
export function packRgb([r, g, b]: Rgb): number {
  packBytes[0] = r;
  packBytes[1] = g;
  packBytes[2] = b;
  packBytes[3] = 255;
  return packWord[0];
}

/** Fills the rectangle clipped to the canvas. */
export function fillRect(canvas: RgbaImage, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(canvas.width, x + w);
  const y1 = Math.min(canvas.height, y + h);
  if (x1 <= x0) return;
  const pixels = words(canvas);
  const word = packRgb(color);
  for (let yy = y0; yy < y1; yy++) pixels.fill(word, yy * canvas.width + x0, yy * canvas.width + x1);
}

export function getPixel(canvas: RgbaImage, x: number, y: number): Rgb {
  const o = 4 * (y * canvas.width + x);
  return [canvas.rgba[o], canvas.rgba[o + 1], canvas.rgba[o + 2]];
}

/** A one-pixel outline just outside the rectangle (x, y, w, h). */
export function strokeFrame(canvas: RgbaImage, x: number, y: number, w: number, h: number, color: Rgb): void {
  fillRect(canvas, x - 1, y - 1, w + 2, 1, color);
  fillRect(canvas, x - 1, y + h, w + 2, 1, color);
  fillRect(canvas, x - 1, y, 1, h, color);
  fillRect(canvas, x + w, y, 1, h, color);
}

/** Maps a [0, 1] sample to 0..255, clamping, as a PNG of the image shows it. */
export function unitToByte(v: number): number {
  if (!(v > 0)) return 0;
  return v >= 1 ? 255 : Math.round(v * 255);
}
