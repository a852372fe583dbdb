import type { Image } from '../image';
import { colormapIndex, colormapTable, COLORMAP_SIZE, type ColormapName, type Rgb } from './colormap';
import { BLACK, createCanvas, fillRect, packRgb, strokeFrame, unitToByte, words, type RgbaImage } from './canvas';
import { finiteRange } from './finiteRange';
import { drawText, textHeight, textWidth } from './font';
import { formatTicks } from './ticks';

export interface HeatmapOptions {
  colormap: ColormapName;
  /** Value shown with the map's first colour; defaults to the smallest finite value. */
  lo?: number;
  /** Value shown with the map's last colour; defaults to the largest finite value. */
  hi?: number;
  /** Use [-m, m] with m = max(|lo|, |hi|), so that 0 sits in the middle (signed maps with a diverging colour map). */
  symmetric?: boolean;
  /** Integer nearest-neighbour upscaling factor (default 1). */
  scale?: number;
  title?: string;
  colorbar: boolean;
  /** Size of a font pixel; defaults to 2 when the upscaled map is at least 256 pixels tall, else 1. */
  textScale?: number;
}

export interface ImageRenderOptions {
  scale?: number;
  title?: string;
  textScale?: number;
}

/** Colour of pixels whose value is NaN or infinite. */
const NON_FINITE: Rgb = [128, 128, 128];
const FRAME: Rgb = [96, 96, 96];
const MIN_BAR_HEIGHT = 64;

/**
 * Renders a height x width map (row-major) as a colour-mapped picture, upscaled by `scale`, with an optional
 * title above and a vertical colour bar to the right labelled with the low, middle and high values.
 */
export function renderHeatmap(map: Float32Array, height: number, width: number, opts: HeatmapOptions): RgbaImage {
  if (map.length !== height * width) throw new Error(`heatmap has ${map.length} values, expected ${height}x${width}`);
  const { lo, hi } = heatmapRange(map, opts);
  const table = colormapTable(opts.colormap);
  const colors = Uint32Array.from({ length: COLORMAP_SIZE }, (_, i) => packRgb([table[3 * i], table[3 * i + 1], table[3 * i + 2]]));
  const nonFinite = packRgb(NON_FINITE);
  const colorAt = (x: number, y: number): number => {
    const v = map[y * width + x];
    return Number.isFinite(v) ? colors[colormapIndex(v, lo, hi)] : nonFinite;
  };
  return layout(height, width, opts, colorAt, opts.colorbar ? { lo, hi, table } : null);
}

/** Renders a 1-channel (gray) or 3-channel (RGB) image with values in [0, 1] (clamped), upscaled by `scale`. */
export function renderImage(img: Image, opts: ImageRenderOptions = {}): RgbaImage {
  if (img.channels !== 1 && img.channels !== 3) throw new Error(`cannot show an image with ${img.channels} channels (1 or 3 expected)`);
  const plane = img.height * img.width;
  const green = img.channels === 3 ? plane : 0;
  const blue = img.channels === 3 ? 2 * plane : 0;
  const colorAt = (x: number, y: number): number => {
    const p = y * img.width + x;
    return packRgb([unitToByte(img.data[p]), unitToByte(img.data[green + p]), unitToByte(img.data[blue + p])]);
  };
  return layout(img.height, img.width, opts, colorAt, null);
}

/** The value range a heatmap uses for `opts`, from the finite values of `map`. */
export function heatmapRange(map: Float32Array, opts: Pick<HeatmapOptions, 'lo' | 'hi' | 'symmetric'>): { lo: number; hi: number } {
  const finite = finiteRange(map) ?? { lo: 0, hi: 0 };
  const lo = opts.lo ?? finite.lo;
  const hi = opts.hi ?? finite.hi;
  if (!opts.symmetric) return { lo, hi };
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  return { lo: -m, hi: m };
}

interface ColorBar {
  lo: number;
  hi: number;
  table: Uint8Array;
}

/** `colorAt(x, y)`: the map pixel's colour as packRgb gives it. */
function layout(
  height: number,
  width: number,
  opts: { scale?: number; title?: string; textScale?: number },
  colorAt: (x: number, y: number) => number,
  bar: ColorBar | null,
): RgbaImage {
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`scale must be a positive integer, got ${scale}`);
  const mapW = width * scale;
  const mapH = height * scale;
  const ts = opts.textScale ?? (mapH >= 256 ? 2 : 1);
  const margin = 4 * ts;
  const titleH = opts.title ? textHeight(ts) + 2 * margin : margin;
  const barW = 6 * ts;
  const barH = Math.max(mapH, MIN_BAR_HEIGHT * ts);
  const labels = bar ? formatTicks([bar.hi, (bar.lo + bar.hi) / 2, bar.lo]) : [];
  const labelW = Math.max(0, ...labels.map((l) => textWidth(l, ts)));
  const barX = margin + mapW + 3 * margin;
  const contentW = bar ? barX + barW + 2 * ts + 2 * ts + labelW + margin : margin + mapW + margin;
  const canvasW = Math.max(contentW, opts.title ? textWidth(opts.title, ts) + 2 * margin : 0);
  const canvasH = titleH + (bar ? Math.max(mapH, barH) + textHeight(ts) : mapH) + margin;
  const canvas = createCanvas(canvasW, canvasH);

  if (opts.title) drawText(canvas, opts.title, margin, margin, BLACK, ts);
  const mapY = titleH + (bar ? Math.floor(textHeight(ts) / 2) : 0);
  const pixels = words(canvas);
  for (let y = 0; y < height; y++) {
    // The map's row, upscaled, then copied down to the rows below it.
    const row = (mapY + y * scale) * canvasW + margin;
    for (let x = 0; x < width; x++) pixels.fill(colorAt(x, y), row + x * scale, row + (x + 1) * scale);
    for (let r = 1; r < scale; r++) pixels.copyWithin(row + r * canvasW, row, row + mapW);
  }
  strokeFrame(canvas, margin, mapY, mapW, mapH, FRAME);
  if (bar) drawColorBar(canvas, bar, labels, barX, mapY, barW, barH, ts);
  return canvas;
}

/** The bar's top row has the map's last colour (value hi), its bottom row the first (value lo). */
function drawColorBar(canvas: RgbaImage, bar: ColorBar, labels: string[], x: number, y: number, w: number, h: number, ts: number): void {
  for (let row = 0; row < h; row++) {
    const i = Math.round(((h - 1 - row) / (h - 1)) * (COLORMAP_SIZE - 1));
    fillRect(canvas, x, y + row, w, 1, [bar.table[3 * i], bar.table[3 * i + 1], bar.table[3 * i + 2]]);
  }
  strokeFrame(canvas, x, y, w, h, FRAME);
  const tickRows = [0, Math.floor((h - 1) / 2), h - 1];
  labels.forEach((label, k) => {
    const rowY = y + tickRows[k];
    fillRect(canvas, x + w, rowY, 2 * ts, ts, BLACK);
    drawText(canvas, label, x + w + 4 * ts, rowY - Math.floor(textHeight(ts) / 2), BLACK, ts);
  });
}
