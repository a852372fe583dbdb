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
  fillRect(canvas, 0, 0, width, height, background);
  return canvas;
}

/** Fills the rectangle clipped to the canvas. */
export function fillRect(canvas: RgbaImage, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(canvas.width, x + w);
  const y1 = Math.min(canvas.height, y + h);
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) setPixel(canvas, xx, yy, color);
  }
}

export function setPixel(canvas: RgbaImage, x: number, y: number, [r, g, b]: Rgb): void {
  const o = 4 * (y * canvas.width + x);
  canvas.rgba[o] = r;
  canvas.rgba[o + 1] = g;
  canvas.rgba[o + 2] = b;
  canvas.rgba[o + 3] = 255;
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
