import { attr } from '../../onnx/attributes';
import type { BackwardGraph } from '../backwardGraph';
import type { Window } from './window';

/**
 * Conv's weight gradient, summed over the batch: dW[m, c, t] = sum_{n, q} dY[n, m, q] Xpad[n, g(m) C/G + c, q s + t d].
 * Without groups, the input is unfolded (unfoldedProduct); with groups, a grouped Conv (groupedCorrelation). y: the
 * Conv's output (for its shape).
 */
export function convWeightGradient(b: BackwardGraph, x: string, y: string, dY: string, w: Window, channels: number, group: number): string {
  return group === 1 ? unfoldedProduct(b, x, y, dY, w, channels) : groupedCorrelation(b, x, dY, w, channels, group);
}

/**
 * One strided Slice of the padded input per kernel tap t, the taps stacked after the channels ([N, C K, Q] for K
 * taps and Q output positions); dY ([N, M, Q]) times its transpose in one MatMul (onnxruntime fuses the Transpose
 * into it) gives [M, C K] once summed over the batch, which is W's [M, C, k...]. The products are those of the
 * forward Conv, as one matrix product.
 */
function unfoldedProduct(b: BackwardGraph, x: string, y: string, dY: string, w: Window, channels: number): string {
  const out = b.info(y).dims.slice(2);
  const filters = b.info(y).dims[1];
  const spatial = w.kernel.map((_, i) => i + 2);
  const positions = out.reduce((n, d) => n * d, 1);
  const padded =
    [...w.padBegin, ...w.padEnd].some((p) => p > 0)
      ? b.op1('Pad', [b.ref(x), b.ints([0, 0, ...w.padBegin, 0, 0, ...w.padEnd])])
      : b.ref(x);
  const taps = kernelTaps(w.kernel);
  const whole = taps.length === 1 && w.strides.every((s) => s === 1) && b.info(x).dims.slice(2).every((d, i) => d + w.padBegin[i] + w.padEnd[i] === out[i]);
  // Taps stacked after the channels ([N, C, K, Q...]): rows c K + t, W's own order. The slices are taken from the
  // input with the taps' axis already added (one Unsqueeze instead of one per tap).
  const lifted = whole ? padded : b.op1('Unsqueeze', [padded, b.ints([2])]);
  const slices = whole
    ? [padded]
    : taps.map((t) => {
        const starts = t.map((k, i) => k * w.dilations[i]);
        const ends = starts.map((s, i) => s + (out[i] - 1) * w.strides[i] + 1);
        return b.op1('Slice', [lifted, b.ints(starts), b.ints(ends), b.ints(spatial.map((a) => a + 1)), b.ints(w.strides)]);
      });
  const unfolded = slices.length === 1 ? slices[0] : b.op1('Concat', slices, { axis: attr.int(2) });
  // One item per run: its own [M, Q] x [Q, C K]; else per item, then summed over the batch.
  const lead = b.singleItem ? [] : [-1];
  const columns = b.op1('Transpose', [b.op1('Reshape', [unfolded, b.ints([...lead, channels * taps.length, positions])])], {
    perm: attr.ints(b.singleItem ? [1, 0] : [0, 2, 1]),
  });
  const product = b.op1('MatMul', [b.op1('Reshape', [dY, b.ints([...lead, filters, positions])]), columns]);
  const summed = b.singleItem ? product : b.op1('ReduceSum', [product, b.ints([0])], { keepdims: attr.int(0) });
  return b.op1('Reshape', [summed, b.ints([filters, channels, ...w.kernel])]);
}

/**
 * With groups, a grouped Conv: the batch of X moved to the channels ([C/G, G N, ...]: group g's channels are its N
 * images), dY's two leading axes swapped as the kernels ([M, N, ...], group g holding its M/G filters), strides and
 * dilations exchanged. Its output [C/G, M, ...] can reach past the kernel (the stride's remainder): sliced to it,
 * then transposed to W's [M, C/G, ...].
 */
function groupedCorrelation(b: BackwardGraph, x: string, dY: string, w: Window, channels: number, group: number): string {
  const inSize = b.info(x).dims.slice(2);
  const spatial = w.kernel.map((_, i) => i + 2);
  const perGroup = channels / group;
  const grouped = b.op1('Reshape', [b.ref(x), b.ints([-1, group, perGroup, ...inSize])]);
  const images = b.op1('Reshape', [
    b.op1('Transpose', [grouped], { perm: attr.ints([2, 1, 0, ...spatial.map((a) => a + 1)]) }),
    b.ints([perGroup, -1, ...inSize]),
  ]);
  const kernels = b.op1('Transpose', [dY], { perm: attr.ints([1, 0, ...spatial]) });
  const reached = b.op1('Conv', [images, kernels], {
    strides: attr.ints(w.dilations),
    dilations: attr.ints(w.strides),
    pads: attr.ints([...w.padBegin, ...w.padEnd]),
    group: attr.int(group),
  });
  const cropped = b.op1('Slice', [reached, b.ints(spatial.map(() => 0)), b.ints(w.kernel), b.ints(spatial)]);
  return b.op1('Transpose', [cropped], { perm: attr.ints([1, 0, ...spatial]) });
}

/** Every kernel position, first axis slowest (W's own order). */
function kernelTaps(kernel: readonly number[]): number[][] {
  return kernel.reduce<number[][]>((taps, k) => taps.flatMap((t) => Array.from({ length: k }, (_, i) => [...t, i])), [[]]);
}
