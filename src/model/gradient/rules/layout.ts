import { attr, intAttribute, intsAttribute } from '../../onnx/attributes';
import { RuleError } from '../unsupported';
import { normalizeAxis, type GradientRule } from './rule';

/** Flatten, Reshape, Squeeze and Unsqueeze only relabel the elements: the gradient takes the input's shape back. */
export const reshapeLike: GradientRule = {
  backward: ({ node }, dY, b) => [b.op1('Reshape', [dY, b.reshapeTarget(b.info(node.input[0]))])],
};

/**
 * Identity, Dropout (inference) and float-to-float Cast (everything is float32 in the backward graph); a gradient
 * that vanishes wherever the output is <= 0 (BackwardGraph.gate) vanishes wherever the input is (an input <= 0 gives
 * an output <= 0, rounded or not).
 */
export const passThrough: GradientRule = {
  backward: ({ node }, dY, b) => {
    if (b.gatedBy(dY, node.output[0])) b.gate(dY, node.input[0]);
    return [dY];
  },
};

export const transpose: GradientRule = {
  backward: ({ node }, dY, b) => {
    const rank = b.info(node.input[0]).dims.length;
    const perm = intsAttribute(node, 'perm', Array.from({ length: rank }, (_, i) => rank - 1 - i));
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => (inverse[p] = i));
    return [b.op1('Transpose', [dY], { perm: attr.ints(inverse) })];
  },
};

/**
 * Each input's gradient is its slice of dY along the concatenation axis; where dY vanishes wherever the output is
 * <= 0 (BackwardGraph.gate), each slice vanishes wherever its input is.
 */
export const concat: GradientRule = {
  backward: ({ node, active }, dY, b) => {
    const infos = node.input.map((name) => b.info(name));
    const axis = normalizeAxis(intAttribute(node, 'axis'), infos[0].dims.length);
    if (infos.some((info) => info.batchAxes.includes(axis))) throw new RuleError('Concat along the batch axis');
    let offset = 0;
    return infos.map((info, i) => {
      const start = offset;
      offset += info.dims[axis];
      if (!active(i)) return undefined;
      const slice = b.op1('Slice', [dY, b.ints([start]), b.ints([offset]), b.ints([axis])]);
      if (b.gatedBy(dY, node.output[0])) b.gate(slice, node.input[i]);
      return slice;
    });
  },
};
