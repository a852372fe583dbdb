import { attr } from '../../onnx/attributes';
import { DataType } from '../../onnx/types';
import type { BackwardGraph } from '../backwardGraph';
import type { Window } from './window';

/** Windows with more taps than this go by MaxPool's Indices instead (routeByTaps spends a few passes per tap). */
export const MAX_CHAINED_TAPS = 32;
/** Positions are carried as float32 while routing: exact below 2^24. */
export const MAX_EXACT_POSITION = 2 ** 24;

/** The product of a list of sizes (1 for none). */
export const product = (values: readonly number[]): number => values.reduce((n, v) => n * v, 1);

/** All index tuples below `sizes`, in row-major order. */
function rowMajor(sizes: readonly number[]): number[][] {
  return sizes.reduce<number[][]>((acc, k) => acc.flatMap((t) => Array.from({ length: k }, (_, i) => [...t, i])), [[]]);
}

/**
 * MaxPool's input gradient without its Indices output (a scalar loop in onnxruntime, slower than the rest of the
 * backward pass): each window's maximum y is found again among its taps, the first in the window's row-major scan
 * order on ties, as the Indices are, by a pass per tap: scanning the taps backwards, pos <- [x_t == y] ? p_t : pos.
 * dY is then scatter-added at those positions of x.
 *
 * The taps are read as contiguous slices of a phase layout: x padded (with -inf) to E = stride B per axis is split into
 * its stride phases, grids of B = out + floor((k - 1) dilation / stride) blocks; padded position o stride + t dilation =
 * (o + a) stride + r is block o + a of phase r. The windows are indexed in the same grid (out x B x ... x B; the
 * extra blocks are dropped after the scan), so tap t is phase r's slice at a fixed flat offset.
 */
export function routeByTaps(
  b: BackwardGraph,
  x: string,
  y: string,
  dY: string,
  w: Window,
  xDims: readonly number[],
  outSize: readonly number[],
): string {
  const [, channels, ...inSize] = xDims;
  const blocks = outSize.map((o, i) => o + Math.floor(((w.kernel[i] - 1) * w.dilations[i]) / w.strides[i]));
  const extent = blocks.map((count, i) => count * w.strides[i]);
  const blockStride = blocks.map((_, i) => product(blocks.slice(i + 1)));
  const phaseStride = w.strides.map((_, i) => product(w.strides.slice(i + 1)));
  const inStride = inSize.map((_, i) => product(inSize.slice(i + 1)));
  const taps = rowMajor(w.kernel).map((t) => {
    const offsets = t.map((ti, i) => ti * w.dilations[i]);
    return {
      phase: offsets.reduce((p, off, i) => p + (off % w.strides[i]) * phaseStride[i], 0),
      shift: offsets.reduce((f, off, i) => f + Math.floor(off / w.strides[i]) * blockStride[i], 0),
      offset: offsets.reduce((f, off, i) => f + off * inStride[i], 0),
    };
  });
  const cells = product(blocks);
  const frame = outSize[0] * blockStride[0];
  const span = Math.max(cells, ...taps.map((t) => t.shift + frame));

  const padded = padAxes(b, x, w.padBegin, extent.map((e, i) => e - w.padBegin[i] - inSize[i]), -Infinity);
  const split = splitPhases(b, padded, channels, w.strides, blocks);
  const phases = span > cells ? b.op1('Pad', [split, b.ints([0, 0, 0, 0, 0, 0, 0, span - cells]), b.scalar(-Infinity)]) : split;
  const widened = padAxes(b, y, outSize.map(() => 0), outSize.map((o, i) => (i === 0 ? 0 : blocks[i] - o)));
  const maximum = b.op1('Reshape', [widened, b.ints([0, 1, channels, frame])]);
  let position = b.scalar(taps[taps.length - 1].offset);
  for (const tap of taps.slice(0, -1).reverse()) {
    const values = b.op1('Slice', [phases, b.ints([tap.phase, tap.shift]), b.ints([tap.phase + 1, tap.shift + frame]), b.ints([1, 3])]);
    position = b.op1('Where', [b.op1('Equal', [values, maximum]), b.scalar(tap.offset), position]);
  }
  const inGrid = b.op1('Reshape', [position, b.ints([0, channels, outSize[0], ...blocks.slice(1)])]);
  const spatial = outSize.map((_, i) => i + 2);
  const windows = b.op1('Slice', [inGrid, b.ints(spatial.map(() => 0)), b.ints(outSize), b.ints(spatial)]);
  const starts = rowMajor(outSize).map((o) => o.reduce((f, oi, i) => f + (oi * w.strides[i] - w.padBegin[i]) * inStride[i], 0));
  const absolute = b.op1('Add', [windows, b.floatTensor(starts, outSize)]);
  const flat = b.ints([0, channels, -1]);
  const indices = b.op1('Reshape', [b.op1('Cast', [absolute], { to: attr.int(DataType.INT64) }), flat]);
  const flatX = b.op1('Reshape', [x, flat]);
  const zeros = b.op1('ConstantOfShape', [b.op1('Shape', [flatX])]);
  const summed = b.op1('ScatterElements', [zeros, indices, b.op1('Reshape', [dY, flat])], { axis: attr.int(2), reduction: attr.string('add') });
  return b.op1('Reshape', [summed, b.op1('Shape', [x])]);
}

/** Pads (negative: crops) the spatial axes of an [N, C, ...] tensor with `fill`. */
function padAxes(b: BackwardGraph, t: string, begin: readonly number[], end: readonly number[], fill = 0): string {
  if ([...begin, ...end].every((p) => p === 0)) return t;
  return b.op1('Pad', [t, b.ints([0, 0, ...begin, 0, 0, ...end]), b.scalar(fill)]);
}

/**
 * [N, C, E_1..E_n] with E_i = B_i s_i as [N, P, C, B_1 ... B_n] (P = prod s_i, phases in row-major order): one axis
 * at a time from the last, [.., B_i, s_i, rest] moves s_i in front (a single-axis Transpose, fast in onnxruntime).
 */
function splitPhases(b: BackwardGraph, t: string, channels: number, strides: readonly number[], blocks: readonly number[]): string {
  const extent = blocks.map((count, i) => count * strides[i]);
  let moved = 1;
  for (let i = strides.length - 1; i >= 0; i--) {
    if (strides[i] === 1) continue;
    const before = moved * channels * product(extent.slice(0, i)) * blocks[i];
    const shaped = b.op1('Reshape', [t, b.ints([0, before, strides[i], product(blocks.slice(i + 1))])]);
    t = b.op1('Transpose', [shaped], { perm: attr.ints([0, 2, 1, 3]) });
    moved *= strides[i];
  }
  return b.op1('Reshape', [t, b.ints([0, moved, channels, product(blocks)])]);
}
