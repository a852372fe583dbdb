import { attr, intAttribute, intsAttribute } from '../../onnx/attributes';
import { gatedAtReader } from './activation';
import { convWeightGradient } from './convWeights';
import { hasInput, type GradientRule } from './rule';
import { flippedConv, windowOf, windowTranspose } from './window';

/**
 * Conv's input gradient is ConvTranspose of dY with the same weights (W's layout [M, C/group, k...] is what
 * ConvTranspose takes); at stride 1, the equivalent Conv with flipped kernels. Weight and bias gradients (asked for as
 * parameters only) are in convWeights.ts and dY summed over all axes but the channels.
 */
export const conv: GradientRule = {
  parameterInputs: [1, 2],
  check: ({ active }) => (active(1) || active(2) ? 'weights or bias that depend on the input' : undefined),
  backward: ({ node, active }, dY, b) => {
    const x = b.info(node.input[0]).dims;
    const y = b.info(node.output[0]).dims;
    const kernel = intsAttribute(node, 'kernel_shape', b.info(node.input[1]).dims.slice(2));
    const inSize = x.slice(2);
    const outSize = y.slice(2);
    const window = windowOf(node, kernel, inSize, outSize);
    const group = intAttribute(node, 'group', 1);
    const inputGradient = (weight: string) =>
      flippedConv(b, dY, weight, window, x[1], group) ?? windowTranspose(b, dY, weight, window, inSize, outSize, group);
    const dX = active(0) ? gatedAtReader(b, node.input[0], inputGradient(b.ref(node.input[1]))) : undefined;
    const dW = active(1) ? convWeightGradient(b, node.input[0], node.output[0], dY, window, x[1], group) : undefined;
    const allButChannels = [0, ...outSize.map((_, i) => i + 2)];
    const dB = hasInput(node, 2) && active(2) ? b.op1('ReduceSum', [dY, b.ints(allButChannels)], { keepdims: attr.int(0) }) : undefined;
    return [dX, dW, dB];
  },
};
