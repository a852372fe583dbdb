import { floatAttribute, intAttribute } from '../../onnx/attributes';
import type { GradientRule } from './rule';

/**
 * Inference BatchNormalization is per-channel affine: dX = dY * scale / sqrt(var + epsilon), the factor shaped
 * [C, 1, ...] against X [N, C, ...] (or X's own [C, D1, ...] for the per-activation `spatial=0` of opsets 7-8).
 */
export const batchNormalization: GradientRule = {
  check: ({ node, opset, active }) => {
    if (opset >= 14 && intAttribute(node, 'training_mode', 0) === 1) return 'training mode (batch statistics)';
    if ([1, 2, 3, 4].some(active)) return 'scale, bias, mean or variance that depend on the input';
    return undefined;
  },
  backward: ({ node, opset }, dY, b) => {
    const x = b.info(node.input[0]);
    const epsilon = floatAttribute(node, 'epsilon', 1e-5);
    const variance = b.op1('Add', [b.ref(node.input[4]), b.scalar(epsilon)]);
    let factor = b.op1('Div', [b.ref(node.input[1]), b.op1('Sqrt', [variance])]);
    const perActivation = opset < 9 && intAttribute(node, 'spatial', 1) === 0;
    if (!perActivation) factor = b.op1('Reshape', [factor, b.ints([x.dims[1], ...x.dims.slice(2).map(() => 1)])]);
    return [b.op1('Mul', [dY, factor])];
  },
};
