import { attr } from '../../onnx/attributes';
import type { BackwardGraph } from '../backwardGraph';
import type { Window } from './window';

/**
 * Conv's weight gradient, summed over the batch: dW[m, c, t] = sum_{n, q} dY[n, m, q] X[n, g(m) C/G + c, q s + t d - padBegin]
 * is itself a grouped Conv: the batch of X moved to the channels ([C/G, G N, ...]: group g's channels are its N
 * images), dY's two leading axes swapped as the kernels ([M, N, ...], group g holding its M/G filters), strides and
 * dilations exchanged. Its output [C/G, M, ...] can reach past the kernel (the stride's remainder): sliced to it,
 * then transposed to W's [M, C/G, ...].
 */
export function convWeightGradient(b: BackwardGraph, x: string, dY: string, w: Window, channels: number, group: number): string {
  const inSize = b.info(x).dims.slice(2);
  const spatial = w.kernel.map((_, i) => i + 2);
  const perGroup = channels / group;
  const images =
    group === 1
      ? b.op1('Transpose', [b.ref(x)], { perm: attr.ints([1, 0, ...spatial]) })
      : b.op1('Reshape', [
          b.op1('Transpose', [b.op1('Reshape', [b.ref(x), b.ints([-1, group, perGroup, ...inSize])])], {
            perm: attr.ints([2, 1, 0, ...spatial.map((a) => a + 1)]),
          }),
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
