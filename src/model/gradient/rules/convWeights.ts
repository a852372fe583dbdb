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
 * The padded input unfolded to [N, C, k_1..k_n, Q] (rows c K + t in W's order, K taps, Q output positions); dY
 * ([N, M, Q]) times its transpose in one MatMul (onnxruntime fuses the Transpose into it) gives [M, C K] once summed
 * over the batch, which is W's [M, C, k...]. The products are those of the forward Conv, as one matrix product.
 */
function unfoldedProduct(b: BackwardGraph, x: string, y: string, dY: string, w: Window, channels: number): string {
  const out = b.info(y).dims.slice(2);
  const filters = b.info(y).dims[1];
  const positions = out.reduce((n, d) => n * d, 1);
  const taps = w.kernel.reduce((n, k) => n * k, 1);
  const padded =
    [...w.padBegin, ...w.padEnd].some((p) => p > 0)
      ? b.op1('Pad', [b.ref(x), b.ints([0, 0, ...w.padBegin, 0, 0, ...w.padEnd])])
      : b.ref(x);
  const unfolded = unfold(b, padded, w, b.info(x).dims.slice(2).map((d, i) => d + w.padBegin[i] + w.padEnd[i]), out);
  // One item per run: its own [M, Q] x [Q, C K]; else per item, then summed over the batch.
  const lead = b.singleItem ? [] : [-1];
  const columns = b.op1('Transpose', [b.op1('Reshape', [unfolded, b.ints([...lead, channels * taps, positions])])], {
    perm: attr.ints(b.singleItem ? [1, 0] : [0, 2, 1]),
  });
  const product = b.op1('MatMul', [b.op1('Reshape', [dY, b.ints([...lead, filters, positions])]), columns]);
  const summed = b.singleItem ? product : b.op1('ReduceSum', [product, b.ints([0])], { keepdims: attr.int(0) });
  return b.op1('Reshape', [summed, b.ints([filters, channels, ...w.kernel])]);
}

/**
 * [N, C, S_1..S_n] -> [N, C, k_1..k_n, out_1..out_n] holding Xpad[n, c, q s + t d], one spatial axis at a time: the
 * first of several axes, when it has several taps, by one Gather of its rows, each later one by k_i strided Slices
 * (start t_i d_i, step s_i) stacked on a new tap axis after the earlier ones, instead of one Slice per tap. Axes of
 * one tap get no axis (Reshape adds none) and are sliced only where the slice is not the whole axis.
 */
function unfold(b: BackwardGraph, padded: string, w: Window, size: readonly number[], out: readonly number[]): string {
  let t = padded;
  let tapAxes = 0;
  w.kernel.forEach((k, i) => {
    const reach = (out[i] - 1) * w.strides[i] + 1;
    const slice = (from: string, axis: number, tap: number): string =>
      b.op1('Slice', [from, b.ints([tap * w.dilations[i]]), b.ints([tap * w.dilations[i] + reach]), b.ints([axis]), b.ints([w.strides[i]])]);
    if (k === 1) {
      if (w.strides[i] !== 1 || size[i] !== out[i]) t = slice(t, 2 + tapAxes + i, 0);
      return;
    }
    if (i === 0 && w.kernel.length > 1) {
      // Gather with [k, out] indices puts both axes where the axis was: right after the channels.
      const rows = Array.from({ length: k * out[i] }, (_, r) => Math.floor(r / out[i]) * w.dilations[i] + (r % out[i]) * w.strides[i]);
      t = b.op1('Gather', [t, b.op1('Reshape', [b.ints(rows), b.ints([k, out[i]])])], { axis: attr.int(2 + i) });
      tapAxes++;
      return;
    }
    const lifted = b.op1('Unsqueeze', [t, b.ints([2 + tapAxes])]);
    tapAxes++;
    t = b.op1('Concat', Array.from({ length: k }, (_, tap) => slice(lifted, 2 + tapAxes + i, tap)), { axis: attr.int(1 + tapAxes) });
  });
  return t;
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
