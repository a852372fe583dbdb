import { attr, floatAttribute, intAttribute } from '../../onnx/attributes';
import type { GradientRule } from './rule';

/**
 * Inference BatchNormalization is per-channel affine: dX = dY * scale / sqrt(var + epsilon), the factor shaped
 * [C, 1, ...] against X [N, C, ...] (or X's own [C, D1, ...] for the per-activation `spatial=0` of opsets 7-8).
 * As parameters, scale and bias (the running mean and variance are not trained by gradients): dBias = sum dY and
 * dScale = sum dY (X - mean) / sqrt(var + epsilon), summed over every axis but the channels.
 */
export const batchNormalization: GradientRule = {
  parameterInputs: [1, 2],
  check: ({ node, opset, active }) => {
    if (opset >= 14 && intAttribute(node, 'training_mode', 0) === 1) return 'training mode (batch statistics)';
    if ([1, 2, 3, 4].some(active)) return 'scale, bias, mean or variance that depend on the input';
    return undefined;
  },
  backward: ({ node, opset, active }, dY, b) => {
    const x = b.info(node.input[0]);
    const epsilon = floatAttribute(node, 'epsilon', 1e-5);
    const std = b.op1('Sqrt', [b.op1('Add', [b.ref(node.input[4]), b.scalar(epsilon)])]);
    const perActivation = opset < 9 && intAttribute(node, 'spatial', 1) === 0;
    const shaped = (t: string) => (perActivation ? t : b.op1('Reshape', [t, b.ints([x.dims[1], ...x.dims.slice(2).map(() => 1)])]));
    const dX = b.op1('Mul', [dY, shaped(b.op1('Div', [b.ref(node.input[1]), std]))]);
    const summed = b.ints(perActivation ? [0] : [0, ...x.dims.slice(2).map((_, i) => i + 2)]);
    const reduce = (t: string) => b.op1('ReduceSum', [t, summed], { keepdims: attr.int(0) });
    let dScale: string | undefined;
    if (active(1)) {
      const normalized = b.op1('Div', [b.op1('Sub', [b.ref(node.input[0]), shaped(b.ref(node.input[3]))]), shaped(std)]);
      dScale = reduce(b.op1('Mul', [dY, normalized]));
    }
    return [dX, dScale, active(2) ? reduce(dY) : undefined];
  },
};
