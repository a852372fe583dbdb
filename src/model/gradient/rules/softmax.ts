import { attr, intAttribute } from '../../onnx/attributes';
import type { BackwardGraph } from '../backwardGraph';
import { normalizeAxis, type GradientRule, type NodeContext } from './rule';

/**
 * Softmax and LogSoftmax normalise over one axis from opset 13 (default -1); before 13 the input is coerced to 2-D
 * [prod(dims < axis), prod(dims >= axis)] (default axis 1) and normalised over the whole second part. Either way
 * the backward works on the same view: the 2-D one, reshaped back, before 13.
 */
function normalised(c: NodeContext, dY: string, b: BackwardGraph, vjp: (y: string, g: string, axis: number) => string): string {
  const { node, opset } = c;
  const y = b.ref(node.output[0]);
  const x = b.info(node.input[0]);
  if (opset >= 13) return vjp(y, dY, normalizeAxis(intAttribute(node, 'axis', -1), x.dims.length));
  const axis = normalizeAxis(intAttribute(node, 'axis', 1), x.dims.length);
  const flat = (t: string): string => b.op1('Flatten', [t], { axis: attr.int(axis) });
  return b.op1('Reshape', [vjp(flat(y), flat(dY), 1), b.reshapeTarget(x)]);
}

function sumOver(b: BackwardGraph, t: string, axis: number): string {
  return b.op1('ReduceSum', [t, b.ints([axis])], { keepdims: attr.int(1) });
}

/** dx = y (dy - sum(dy y)). */
export const softmax: GradientRule = {
  backward: (c, dY, b) => [
    normalised(c, dY, b, (y, g, axis) => b.op1('Mul', [y, b.op1('Sub', [g, sumOver(b, b.op1('Mul', [g, y]), axis)])])),
  ],
};

/** dx = dy - exp(y) sum(dy). */
export const logSoftmax: GradientRule = {
  backward: (c, dY, b) => [
    normalised(c, dY, b, (y, g, axis) => b.op1('Sub', [g, b.op1('Mul', [b.op1('Exp', [y]), sumOver(b, g, axis)])])),
  ],
};

