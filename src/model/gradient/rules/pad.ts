import { attr, intsAttribute, stringAttribute } from '../../onnx/attributes';
import type { BackwardGraph } from '../backwardGraph';
import { RuleError } from '../unsupported';
import { hasInput, normalizeAxis, type GradientRule, type NodeContext } from './rule';

/** Past any axis length: Slice clamps it (to the end, or before index 0 with a negative step). */
const FAR = 2 ** 62;

/** Per-axis pad amounts: the `paddings` (opset 1) or `pads` attribute before opset 11, the pads input (and axes from 18) after. */
function padAmounts(c: NodeContext, b: BackwardGraph, rank: number): { begin: number[]; end: number[] } {
  const { node, opset } = c;
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  const pads = opset < 11 ? intsAttribute(node, opset < 2 ? 'paddings' : 'pads') : b.staticInts(node.input[1]);
  const axes = opset >= 18 && hasInput(node, 3) ? b.staticInts(node.input[3]).map((a) => normalizeAxis(a, rank)) : begin.map((_, i) => i);
  axes.forEach((axis, i) => {
    begin[axis] = pads[i];
    end[axis] = pads[axes.length + i];
  });
  return { begin, end };
}

/** Zero padding of one axis (Pad at the backward opset takes [begins..., ends...] for every axis). */
function padAxis(b: BackwardGraph, t: string, rank: number, axis: number, before: number, after: number): string {
  if (before === 0 && after === 0) return t;
  const pads = new Array<number>(2 * rank).fill(0);
  pads[axis] = before;
  pads[rank + axis] = after;
  return b.op1('Pad', [t, b.ints(pads)]);
}

function sliceAxis(b: BackwardGraph, t: string, axis: number, start: number, end: number, step = 1): string {
  return b.op1('Slice', [t, b.ints([start]), b.ints([end]), b.ints([axis]), b.ints([step])]);
}

/**
 * Transpose of reflect/edge padding along one axis of input length n: the centre maps to itself; reflect sends
 * padded position p - 1 - j back to input j + 1 (and the end mirrored), edge sends every padded position to the
 * first or last input position.
 */
function unpadBorderAxis(b: BackwardGraph, g: string, rank: number, axis: number, p: number, q: number, n: number, mode: string): string {
  const parts = [sliceAxis(b, g, axis, p, p + n)];
  const sumAxis = (t: string): string => b.op1('ReduceSum', [t, b.ints([axis])], { keepdims: attr.int(1) });
  if (p > 0) {
    parts.push(
      mode === 'reflect'
        ? padAxis(b, sliceAxis(b, g, axis, p - 1, -FAR, -1), rank, axis, 1, n - 1 - p)
        : padAxis(b, sumAxis(sliceAxis(b, g, axis, 0, p)), rank, axis, 0, n - 1),
    );
  }
  if (q > 0) {
    parts.push(
      mode === 'reflect'
        ? padAxis(b, sliceAxis(b, g, axis, p + n + q - 1, p + n - 1, -1), rank, axis, n - 1 - q, 1)
        : padAxis(b, sumAxis(sliceAxis(b, g, axis, p + n, p + n + q)), rank, axis, n - 1, 0),
    );
  }
  return parts.length === 1 ? parts[0] : b.op1('Sum', parts);
}

export const pad: GradientRule = {
  check: ({ opset, active }) => (opset >= 11 && active(2) ? 'a pad value that depends on the input' : undefined),
  backward: (c, dY, b) => {
    const x = b.info(c.node.input[0]);
    const rank = x.dims.length;
    const { begin, end } = padAmounts(c, b, rank);
    if (x.batchAxes.some((axis) => begin[axis] !== 0 || end[axis] !== 0)) throw new RuleError('padding along the batch axis');
    const mode = stringAttribute(c.node, 'mode', 'constant');
    const padded = begin.flatMap((p, axis) => (p !== 0 || end[axis] !== 0 ? [axis] : []));
    if (mode === 'constant') {
      // Crop what was added, then give back with zeros what a negative pad cropped.
      let g = dY;
      for (const axis of padded) g = sliceAxis(b, g, axis, Math.max(0, begin[axis]), end[axis] > 0 ? -end[axis] : FAR);
      for (const axis of padded) g = padAxis(b, g, rank, axis, Math.max(0, -begin[axis]), Math.max(0, -end[axis]));
      return [g];
    }
    if (mode !== 'reflect' && mode !== 'edge') throw new RuleError(`Pad mode '${mode}'`);
    if (padded.some((axis) => begin[axis] < 0 || end[axis] < 0)) throw new RuleError(`negative pads with mode '${mode}'`);
    let g = dY;
    for (const axis of padded) g = unpadBorderAxis(b, g, rank, axis, begin[axis], end[axis], x.dims[axis], mode);
    return [g];
  },
};
