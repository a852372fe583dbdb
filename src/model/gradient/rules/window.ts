import { attr, intsAttribute, stringAttribute } from '../../onnx/attributes';
import type { NodeProto } from '../../onnx/types';
import type { BackwardGraph } from '../backwardGraph';

/** A sliding window (Conv, pooling) with its padding resolved to explicit per-axis begin/end amounts. */
export interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padBegin: readonly number[];
  readonly padEnd: readonly number[];
}

/**
 * Reads strides, dilations and pads, resolving auto_pad with the known input and output sizes: SAME_* pads
 * (out - 1) * stride + (k - 1) * dilation + 1 - in in total, the odd unit at the end (UPPER) or the start (LOWER).
 */
export function windowOf(node: NodeProto, kernel: readonly number[], inSize: readonly number[], outSize: readonly number[]): Window {
  const n = kernel.length;
  const ones = new Array<number>(n).fill(1);
  const strides = intsAttribute(node, 'strides', ones);
  const dilations = intsAttribute(node, 'dilations', ones);
  const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
  let padBegin: number[];
  let padEnd: number[];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const total = kernel.map((k, i) => Math.max(0, (outSize[i] - 1) * strides[i] + (k - 1) * dilations[i] + 1 - inSize[i]));
    const small = total.map((t) => Math.floor(t / 2));
    padBegin = autoPad === 'SAME_UPPER' ? small : total.map((t, i) => t - small[i]);
    padEnd = total.map((t, i) => t - padBegin[i]);
  } else if (autoPad === 'VALID') {
    padBegin = new Array<number>(n).fill(0);
    padEnd = padBegin;
  } else {
    const pads = intsAttribute(node, 'pads', new Array<number>(2 * n).fill(0));
    padBegin = pads.slice(0, n);
    padEnd = pads.slice(n);
  }
  return { kernel, strides, dilations, padBegin, padEnd };
}

/** Past any axis length: Slice clamps it (to before index 0 with a negative step). */
const FAR = 2 ** 62;
/**
 * onnxruntime's NCHWc convolutions work on blocks of 16 channels (8 without AVX-512): a Conv whose output channels
 * per group are not a multiple of that pads them, and ConvTranspose is then the faster transpose.
 */
const CHANNEL_BLOCK = 16;

/**
 * The transpose of a stride-1 window map as a Conv, which onnxruntime runs faster than ConvTranspose (its NCHWc
 * kernels): dX[c, q] = sum_{m, t} W[m, c, t] dY[m, q + padBegin - t d] is the correlation of dY with W's kernels
 * flipped and its two channel axes swapped within each group (W' [C, M/group, k...]), padded by (k - 1) d - pad on
 * each side. Undefined when a pad exceeds (k - 1) d (the Conv would need negative pads) or the channels do not fill
 * NCHWc blocks (CHANNEL_BLOCK).
 */
export function flippedConv(b: BackwardGraph, dY: string, weight: string, w: Window, channels: number, group: number): string | undefined {
  if (w.strides.some((s) => s !== 1) || (channels / group) % CHANNEL_BLOCK !== 0) return undefined;
  const span = w.kernel.map((k, i) => (k - 1) * w.dilations[i]);
  const pads = [...span.map((f, i) => f - w.padBegin[i]), ...span.map((f, i) => f - w.padEnd[i])];
  if (pads.some((p) => p < 0)) return undefined;
  // Constant weights make all of this constant: onnxruntime folds it when the session is created.
  const spatial = w.kernel.map((_, i) => i + 2);
  let swapped: string;
  if (group === 1) {
    swapped = b.op1('Transpose', [weight], { perm: attr.ints([1, 0, ...spatial]) });
  } else {
    const grouped = b.op1('Reshape', [weight, b.ints([group, -1, channels / group, ...w.kernel])]);
    const transposed = b.op1('Transpose', [grouped], { perm: attr.ints([0, 2, 1, ...spatial.map((a) => a + 1)]) });
    swapped = b.op1('Reshape', [transposed, b.ints([channels, -1, ...w.kernel])]);
  }
  const flipAxes = spatial.filter((_, i) => w.kernel[i] > 1);
  const flipped =
    flipAxes.length === 0
      ? swapped
      : b.op1('Slice', [swapped, b.ints(flipAxes.map(() => -1)), b.ints(flipAxes.map(() => -FAR)), b.ints(flipAxes), b.ints(flipAxes.map(() => -1))]);
  return b.op1('Conv', [dY, flipped], {
    kernel_shape: attr.ints(w.kernel),
    dilations: attr.ints(w.dilations),
    group: attr.int(group),
    pads: attr.ints(pads),
  });
}

/**
 * The transpose of a strided window map: ConvTranspose with the same weights, strides, dilations and groups. Its
 * uncropped output spans F = (out - 1) * stride + (k - 1) * dilation + 1 positions of the padded input, starting
 * at -padBegin; pads crop it to the input, and output_padding appends the trailing input positions no window
 * reaches (fewer than the stride).
 */
export function windowTranspose(
  b: BackwardGraph,
  dY: string,
  weight: string,
  w: Window,
  inSize: readonly number[],
  outSize: readonly number[],
  group: number,
): string {
  const reach = w.kernel.map((k, i) => (outSize[i] - 1) * w.strides[i] + (k - 1) * w.dilations[i] + 1);
  const need = inSize.map((s, i) => w.padBegin[i] + s);
  return b.op1('ConvTranspose', [dY, weight], {
    kernel_shape: attr.ints(w.kernel),
    strides: attr.ints(w.strides),
    dilations: attr.ints(w.dilations),
    group: attr.int(group),
    pads: attr.ints([...w.padBegin, ...reach.map((f, i) => Math.max(0, f - need[i]))]),
    output_padding: attr.ints(reach.map((f, i) => Math.max(0, need[i] - f))),
  });
}
