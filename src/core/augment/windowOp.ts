import type { Image } from '../image';
import type { Fill, Padding, PaddingMode } from '../policy/types';
import { addOffsets, type OffsetSet } from './offsets';
import { checkPadding, padImage, padSourceIndex } from './pad';
import { outcomes, windowOf, type Mixture, type Shape, type WeightedImage, type WindowFamily } from './mixture';

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
  return windowOf(paddedFamily(op, img, 1), k, op.output);
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

/** Index of the offset (dy, dx) in the op's offset set. */
export function offsetIndex(op: WindowOp, dy: number, dx: number): number {
  for (let k = 0; k < op.offsets.p.length; k++) if (op.offsets.dy[k] === dy && op.offsets.dx[k] === dx) return k;
  throw new Error(`offset (${dy}, ${dx}) is not among the window offsets`);
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
