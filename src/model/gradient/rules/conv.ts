import { intAttribute, intsAttribute } from '../../onnx/attributes';
import type { GradientRule } from './rule';
import { flippedConv, windowOf, windowTranspose } from './window';

/**
 * Conv's input gradient is ConvTranspose of dY with the same weights (W's layout [M, C/group, k...] is what
 * ConvTranspose takes); at stride 1, the equivalent Conv with flipped kernels.
 */
export const conv: GradientRule = {
  check: ({ active }) => (active(1) || active(2) ? 'weights or bias that depend on the input' : undefined),
  backward: ({ node }, dY, b) => {
    const x = b.info(node.input[0]).dims;
    const y = b.info(node.output[0]).dims;
    const kernel = intsAttribute(node, 'kernel_shape', b.info(node.input[1]).dims.slice(2));
    const inSize = x.slice(2);
    const outSize = y.slice(2);
    const window = windowOf(node, kernel, inSize, outSize);
    const group = intAttribute(node, 'group', 1);
    const weight = b.ref(node.input[1]);
    return [flippedConv(b, dY, weight, window, x[1], group) ?? windowTranspose(b, dY, weight, window, inSize, outSize, group)];
  },
};
