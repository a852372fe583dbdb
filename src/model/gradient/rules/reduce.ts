import { intAttribute, intsAttribute } from '../../onnx/attributes';
import { RuleError } from '../unsupported';
import { hasInput, normalizeAxis, type GradientRule, type NodeContext } from './rule';
import type { BackwardGraph } from '../backwardGraph';

/** The reduced axes: the `axes` attribute before `inputSince` (13 for ReduceSum, 18 for ReduceMean), input 1 from then on. */
function reducedAxes(c: NodeContext, b: BackwardGraph, rank: number, inputSince: number): number[] | 'none' {
  const { node, opset } = c;
  const all = Array.from({ length: rank }, (_, i) => i);
  if (opset < inputSince) return intsAttribute(node, 'axes', all).map((a) => normalizeAxis(a, rank));
  if (hasInput(node, 1)) {
    const axes = b.staticInts(node.input[1]);
    if (axes.length > 0) return axes.map((a) => normalizeAxis(a, rank));
  }
  return intAttribute(node, 'noop_with_empty_axes', 0) === 1 ? 'none' : all;
}

/** dY broadcast back over the reduced axes (restored as size 1 first when keepdims=0), times `scale`. */
function spread(inputSince: number, mean: boolean) {
  return (c: NodeContext, dY: string, b: BackwardGraph): string[] => {
    const x = b.info(c.node.input[0]);
    const axes = reducedAxes(c, b, x.dims.length, inputSince);
    if (axes === 'none') return [dY];
    if (axes.some((a) => x.batchAxes.includes(a))) throw new RuleError('a reduction over the batch axis');
    let g = dY;
    if (intAttribute(c.node, 'keepdims', 1) === 0) {
      const kept = { ...x, dims: x.dims.map((d, i) => (axes.includes(i) ? 1 : d)) };
      g = b.op1('Reshape', [g, b.reshapeTarget(kept)]);
    }
    if (mean) g = b.op1('Mul', [g, b.scalar(1 / axes.reduce((n, a) => n * x.dims[a], 1))]);
    return [b.op1('Expand', [g, b.expandTarget(x)])];
  };
}

export const reduceSum: GradientRule = { backward: spread(13, false) };
export const reduceMean: GradientRule = { backward: spread(18, true) };
