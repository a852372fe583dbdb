import { intAttribute, intsAttribute } from '../../onnx/attributes';
import type { GradientRule } from './rule';
import { windowOf, windowTranspose } from './window';

/** Conv's input gradient is ConvTranspose of dY with the same weights (W's layout [M, C/group, k...] is what ConvTranspose takes). */
export const conv: GradientRule = {
  check: ({ active }) => (active(1) || active(2) ? 'weights or bias that depend on the input' : undefined),
  backward: ({ node }, dY, b) => {
    const x = b.info(node.input[0]).dims;
    const y = b.info(node.output[0]).dims;
    const kernel = intsAttribute(node, 'kernel_shape', b.info(node.input[1]).dims.slice(2));
    const inSize = x.slice(2);
    const outSize = y.slice(2);
    const window = windowOf(node, kernel, inSize, outSize);
    return [windowTranspose(b, dY, b.ref(node.input[1]), window, inSize, outSize, intAttribute(node, 'group', 1))];
  },
};
