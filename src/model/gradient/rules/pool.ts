import { attr, intAttribute, intsAttribute } from '../../onnx/attributes';
import { floatTensor } from '../../onnx/tensor';
import type { BackwardGraph } from '../backwardGraph';
import { masked, reluMasked } from './activation';
import { MAX_CHAINED_TAPS, MAX_EXACT_POSITION, product, routeByTaps } from './maxPoolTaps';
import type { GradientRule } from './rule';
import { windowOf, windowTranspose, type Window } from './window';

/**
 * Max pooling routes each output's gradient to the input position of its maximum, the first in the window's scan
 * order on ties (onnxruntime's Indices). The pooling is recomputed here at the backward opset with the same window
 * (the forward opset may have no Indices output: opset 7); overlapping windows (SqueezeNet's 3x3 stride 2) can pick
 * one position twice, hence a scatter that adds. Windows of 2 to MAX_CHAINED_TAPS taps find the positions tap by
 * tap (routeByTaps), others take MaxPool's Indices. When the input's gradient is ReLU-masked anyway (reluMasked), dY
 * is masked at the pooled resolution instead: the maximum y[o] is x at the position o routes to, so [y[o] > 0] is
 * the ReLU's mask there. The tap scan reads the forward pass's own output y (the same maxima).
 */
function maxPoolBackward(
  b: BackwardGraph,
  input: string,
  output: string,
  dY: string,
  w: Window,
  ceilMode: number,
  outSize: readonly number[],
): string {
  const x = b.ref(input);
  const xDims = b.info(input).dims;
  const taps = product(w.kernel);
  const byTaps = taps > 1 && taps <= MAX_CHAINED_TAPS && product(xDims.slice(2)) < MAX_EXACT_POSITION;
  const [y, indices] = byTaps
    ? [b.ref(output)]
    : b.op(
        'MaxPool',
        [x],
        {
          kernel_shape: attr.ints(w.kernel),
          strides: attr.ints(w.strides),
          dilations: attr.ints(w.dilations),
          pads: attr.ints([...w.padBegin, ...w.padEnd]),
          ceil_mode: attr.int(ceilMode),
        },
        2,
      );
  const gated = reluMasked(b, input);
  const routed = gated ? masked(b, b.op1('Greater', [y, b.scalar(0)]), dY) : dY;
  const dX = byTaps ? routeByTaps(b, x, y, routed, w, xDims, outSize) : routeByIndices(b, x, indices, routed);
  if (gated) b.gate(dX, input);
  return dX;
}

/** dY scatter-added at MaxPool's Indices (flat positions in x). */
function routeByIndices(b: BackwardGraph, x: string, indices: string, dY: string): string {
  const shape = b.op1('Shape', [x]);
  const zeros = b.op1('ConstantOfShape', [shape], { value: attr.tensor(floatTensor('zero', [1], [0])) });
  const flat = b.ints([-1]);
  const reshape = (t: string): string => b.op1('Reshape', [t, flat]);
  const summed = b.op1('ScatterElements', [reshape(zeros), reshape(indices), reshape(dY)], {
    axis: attr.int(0),
    reduction: attr.string('add'),
  });
  return b.op1('Reshape', [summed, shape]);
}

function spatialSizes(b: BackwardGraph, input: string, output: string): [number[], number[]] {
  return [b.info(input).dims.slice(2), b.info(output).dims.slice(2)];
}

export const maxPool: GradientRule = {
  backward: ({ node }, dY, b) => {
    const [inSize, outSize] = spatialSizes(b, node.input[0], node.output[0]);
    const window = windowOf(node, intsAttribute(node, 'kernel_shape'), inSize, outSize);
    return [maxPoolBackward(b, node.input[0], node.output[0], dY, window, intAttribute(node, 'ceil_mode', 0), outSize)];
  },
};

export const globalMaxPool: GradientRule = {
  backward: ({ node }, dY, b) => {
    const inSize = b.info(node.input[0]).dims.slice(2);
    const zeros = inSize.map(() => 0);
    const ones = inSize.map(() => 1);
    const window: Window = { kernel: inSize, strides: ones, dilations: ones, padBegin: zeros, padEnd: zeros };
    return [maxPoolBackward(b, node.input[0], node.output[0], dY, window, 0, ones)];
  },
};

/**
 * Number of window taps counted by the average at each output position of one axis: those inside the input, or
 * (count_include_pad) inside the padded input.
 */
function tapCounts(w: Window, axis: number, inSize: number, outSize: number, includePad: boolean): number[] {
  const lo = includePad ? -w.padBegin[axis] : 0;
  const hi = includePad ? inSize + w.padEnd[axis] : inSize;
  return Array.from({ length: outSize }, (_, o) => {
    let count = 0;
    for (let t = 0; t < w.kernel[axis]; t++) {
      const at = o * w.strides[axis] - w.padBegin[axis] + t * w.dilations[axis];
      if (at >= lo && at < hi) count++;
    }
    return count;
  });
}

/** Average pooling: dY divided by each window's divisor, spread back over the window by a depthwise ConvTranspose of ones. */
export const averagePool: GradientRule = {
  backward: ({ node }, dY, b) => {
    const x = b.info(node.input[0]).dims;
    const [inSize, outSize] = spatialSizes(b, node.input[0], node.output[0]);
    const kernel = intsAttribute(node, 'kernel_shape');
    const window = windowOf(node, kernel, inSize, outSize);
    const includePad = intAttribute(node, 'count_include_pad', 0) === 1;
    const perAxis = outSize.map((size, axis) => tapCounts(window, axis, inSize[axis], size, includePad));
    const inverse = new Float32Array(outSize.reduce((n, d) => n * d, 1));
    for (let flat = 0; flat < inverse.length; flat++) {
      let divisor = 1;
      for (let axis = perAxis.length - 1, rest = flat; axis >= 0; axis--) {
        divisor *= perAxis[axis][rest % outSize[axis]];
        rest = Math.floor(rest / outSize[axis]);
      }
      inverse[flat] = 1 / divisor;
    }
    const scaled = b.op1('Mul', [dY, b.floatTensor(inverse, [1, 1, ...outSize])]);
    const channels = x[1];
    const taps = kernel.reduce((n, k) => n * k, 1);
    const ones = b.floatTensor(new Float32Array(channels * taps).fill(1), [channels, 1, ...kernel]);
    return [windowTranspose(b, scaled, ones, window, inSize, outSize, channels)];
  },
};

export const globalAveragePool: GradientRule = {
  backward: ({ node }, dY, b) => {
    const x = b.info(node.input[0]);
    const count = x.dims.slice(2).reduce((n, d) => n * d, 1);
    return [b.op1('Expand', [b.op1('Mul', [dY, b.scalar(1 / count)]), b.expandTarget(x)])];
  },
};
