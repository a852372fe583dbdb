import { createImage, type Image } from '../image';
import type { Fill, Padding, PaddingMode } from '../policy/types';
import { addOffsets, type OffsetSet } from './offsets';
import { checkPadding, fillValues, padImage, padIndices, padSourceIndex } from './pad';
import { outcomes, type Mixture, type Shape, type WeightedImage, type WindowFamily } from './mixture';

/**
 * Pad, then take an output window at a random offset: the common form of RandomCrop, CenterCrop, Pad and
 * whole-pixel RandomAffine translations. Outcome k = pad(x)[:, dy_k : dy_k + h, dx_k : dx_k + w].
 */
export interface WindowOp {
  /** Pads applied one after the other (torchvision's RandomCrop pads twice with pad_if_needed; reflect pads do not merge). */
  readonly padding: readonly Padding[];
  readonly mode: PaddingMode;
  readonly fill: Fill;
  readonly output: Shape;
  readonly offsets: OffsetSet;
}

function paddedFamily(op: WindowOp, img: Image, weight: number): WindowFamily {
  const base = op.padding.reduce((x, pad) => padImage(x, pad, op.mode, op.fill), img);
  return { weight, base, offsets: op.offsets };
}

export function enumerateWindowOp(op: WindowOp, img: Image): WeightedImage[] {
  return [...outcomes({ shape: op.output, families: [paddedFamily(op, img, 1)] })];
}

/** The outcome with offset index k. */
export function applyWindowOp(op: WindowOp, img: Image, k: number): Image {
  return windowAt(op, img, op.offsets.dy[k], op.offsets.dx[k]);
}

/**
 * The window at offset (dy, dx) of the padded canvas, copied straight from the source through per-row and
 * per-column source indices (-1: the fill) without building the canvas.
 */
export function windowAt(op: WindowOp, img: Image, dy: number, dx: number): Image {
  const { height, width } = op.output;
  const rows = padIndices(img.height, op.padding.map(([, top, , bottom]) => [top, bottom]), op.mode, dy, height);
  const cols = padIndices(img.width, op.padding.map(([left, , right]) => [left, right]), op.mode, dx, width);
  // As with padImage, a fill that does not match the channels fails whenever anything is padded, whatever the mode.
  const padded = op.padding.some((pad) => pad.some((p) => p > 0));
  const fills = padded ? fillValues(op.fill, img.channels) : new Float32Array(img.channels);
  // Columns a .. b - 1 of the window are the source columns cols[a] .. in order: one copy per row.
  const left = op.padding.reduce((s, pad) => s + pad[0], 0);
  const a = Math.min(Math.max(left - dx, 0), width);
  const b = Math.min(Math.max(left + img.width - dx, 0), width);
  const src = img.data;
  const out = createImage(img.channels, height, width);
  for (let c = 0; c < img.channels; c++) {
    for (let y = 0; y < height; y++) {
      const o = (c * height + y) * width;
      if (rows[y] < 0) {
        out.data.fill(fills[c], o, o + width);
        continue;
      }
      const s = (c * img.height + rows[y]) * img.width;
      for (let x = 0; x < a; x++) out.data[o + x] = cols[x] < 0 ? fills[c] : src[s + cols[x]];
      if (a < b) out.data.set(src.subarray(s + cols[a], s + cols[a] + b - a), o + a);
      for (let x = b; x < width; x++) out.data[o + x] = cols[x] < 0 ? fills[c] : src[s + cols[x]];
    }
  }
  return out;
}

/**
 * Without padding a window of a window is a window of the same canvas, so offsets add and a family stays one.
 * With padding, a family of several windows is split into its outcomes first: padding a window is not a window
 * of the padded canvas.
 */
export function liftWindowOp(op: WindowOp, m: Mixture): Mixture {
  const pads = op.padding.some((pad) => pad.some((p) => p > 0));
  const families = m.families.flatMap((f): WindowFamily[] => {
    if (!pads) return [{ weight: f.weight, base: f.base, offsets: addOffsets(f.offsets, op.offsets) }];
    return [...outcomes({ shape: m.shape, families: [f] })].map((o) => paddedFamily(op, o.image, o.weight));
  });
  return { shape: op.output, families };
}

/**
 * The largest number of output pixels one input pixel is copied to (edge, reflect and symmetric padding repeat
 * border pixels): the squared norm bound of the op's linear part.
 */
export function windowGain(op: WindowOp, input: Shape): number {
  let { height, width } = input;
  let gain = 1;
  for (const [left, top, right, bottom] of op.padding) {
    gain *= axisMultiplicity(height, top, bottom, op.mode) * axisMultiplicity(width, left, right, op.mode);
    height += top + bottom;
    width += left + right;
  }
  return gain;
}

function axisMultiplicity(n: number, before: number, after: number, mode: WindowOp['mode']): number {
  const hits = new Int32Array(n);
  for (let i = -before; i < n + after; i++) {
    const j = padSourceIndex(i, n, mode);
    if (j >= 0) hits[j]++;
  }
  return Math.max(1, ...hits);
}

/** Checks every pad of the op against the size it will meet, so a bad policy fails before any work. */
export function validatePadding(op: WindowOp, input: Shape): void {
  let { height, width } = input;
  for (const pad of op.padding) {
    checkPadding({ height, width }, pad, op.mode);
    height += pad[1] + pad[3];
    width += pad[0] + pad[2];
  }
}
