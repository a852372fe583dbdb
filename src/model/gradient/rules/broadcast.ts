import { attr } from '../../onnx/attributes';
import type { BackwardGraph } from '../backwardGraph';
import type { TensorInfo } from '../shapes';

/** The dimensions of a tensor at both probe batch sizes. */
export type Dims = Pick<TensorInfo, 'dims' | 'dimsAlt'>;

/**
 * Undoes multidirectional (numpy) broadcasting: the gradient g has the broadcast shape; x's gradient is g summed
 * over the leading axes x lacks and over the axes where x has size 1 and g does not, then reshaped to x's shape.
 * `compare` limits which trailing axes can be broadcast (MatMul broadcasts its batch axes only).
 */
export function unbroadcast(b: BackwardGraph, g: string, gDims: Dims, x: TensorInfo, compare = gDims.dims.length): string {
  const lead = gDims.dims.length - x.dims.length;
  const axes: number[] = [];
  for (let i = 0; i < gDims.dims.length; i++) {
    const j = i - lead;
    const broadcast =
      j < 0 ||
      (i < compare && ((x.dims[j] === 1 && gDims.dims[i] !== 1) || (x.dimsAlt[j] === 1 && gDims.dimsAlt[i] !== 1)));
    if (broadcast) axes.push(i);
  }
  if (axes.length === 0) return g;
  const summed = b.op1('ReduceSum', [g, b.ints(axes)], { keepdims: attr.int(1) });
  return lead > 0 ? b.op1('Reshape', [summed, b.reshapeTarget(x)]) : summed;
}
