import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelProto } from '../../../../src/model/onnx/types';
import { checkGradient, type CheckOptions } from './check';
import { attr, awayFrom, distinct, TestGraph, unary } from './models';
import { smoothTwin } from './smoothTwin';

/** Relative error bound of the float32 graph gradient against central differences. */
const TOLERANCE = 1e-3;
/** Kinked operators: inputs stay this far from a kink, more than the largest finite-difference step moves them. */
const MARGIN = 0.05;

interface Case {
  readonly name: string;
  readonly model: () => ModelProto;
  readonly dims: readonly number[];
  readonly options?: CheckOptions;
}

function conv(opset: number, dims: readonly number[], wDims: readonly number[], attributes: Parameters<TestGraph['op']>[2]): () => ModelProto {
  return () => {
    const t = new TestGraph(dims);
    return t.build(t.op('Conv', ['x', t.weight(wDims), t.weight([wDims[0]])], attributes), opset);
  };
}

const awayFromZero: CheckOptions = { input: awayFrom([0], MARGIN) };
/** Max-type ops: distinct inputs spaced wider than two finite-difference steps. */
const separated = (dims: readonly number[]): CheckOptions => ({ input: distinct(dims.reduce((n, d) => n * d, 1), 0.05) });

const cases: Case[] = [
  {
    name: 'Conv: strides, asymmetric pads (opset 11)',
    dims: [1, 3, 7, 8],
    model: conv(11, [1, 3, 7, 8], [4, 3, 3, 3], { strides: attr.ints([2, 2]), pads: attr.ints([1, 0, 2, 1]) }),
  },
  {
    name: 'Conv: groups, dilations, strides (opset 11)',
    dims: [1, 4, 9, 9],
    model: conv(11, [1, 4, 9, 9], [6, 2, 3, 3], {
      group: attr.int(2),
      dilations: attr.ints([2, 1]),
      strides: attr.ints([1, 2]),
      pads: attr.ints([1, 1, 1, 1]),
    }),
  },
  {
    name: 'Conv: auto_pad SAME_UPPER, stride 2 (opset 7)',
    dims: [1, 2, 8, 7],
    model: conv(7, [1, 2, 8, 7], [3, 2, 4, 3], { auto_pad: attr.string('SAME_UPPER'), strides: attr.ints([2, 2]) }),
  },
  {
    name: 'Conv: auto_pad SAME_LOWER, even kernel (opset 11)',
    dims: [1, 2, 6, 6],
    model: conv(11, [1, 2, 6, 6], [2, 2, 4, 2], { auto_pad: attr.string('SAME_LOWER') }),
  },
  {
    name: 'Conv at stride 1 with 16 channels per group (a Conv of flipped kernels): groups, dilations, asymmetric pads (opset 11)',
    dims: [1, 32, 6, 7],
    model: conv(11, [1, 32, 6, 7], [8, 16, 3, 2], { group: attr.int(2), dilations: attr.ints([2, 1]), pads: attr.ints([1, 0, 2, 1]) }),
  },
  {
    name: 'Conv at stride 1 with pads beyond the kernel (ConvTranspose)',
    dims: [1, 16, 4, 5],
    model: conv(11, [1, 16, 4, 5], [4, 16, 1, 1], { pads: attr.ints([1, 1, 1, 1]) }),
  },
  {
    name: 'Conv: 1-D depthwise, auto_pad VALID, stride 3',
    dims: [1, 3, 11],
    model: conv(11, [1, 3, 11], [3, 1, 3], { group: attr.int(3), auto_pad: attr.string('VALID'), strides: attr.ints([3]) }),
  },
  {
    name: 'Gemm: transB, alpha, beta, broadcast C',
    dims: [3, 5],
    model: () => {
      const t = new TestGraph([3, 5]);
      return t.build(t.op('Gemm', ['x', t.weight([4, 5]), t.weight([4])], { transB: attr.int(1), alpha: attr.float(0.7), beta: attr.float(1.3) }), 11);
    },
  },
  {
    name: 'Gemm: transA, x as A',
    dims: [5, 5],
    model: () => {
      const t = new TestGraph([5, 5]);
      return t.build(t.op('Gemm', ['x', t.weight([5, 4]), t.weight([1, 4])], { transA: attr.int(1) }), 9);
    },
  },
  {
    name: 'Gemm: x as B (transposed), x-dependent C',
    dims: [4, 3],
    model: () => {
      const t = new TestGraph([4, 3]);
      const c = t.op('ReduceSum', ['x'], { axes: attr.ints([1]), keepdims: attr.int(0) });
      return t.build(t.op('Gemm', [t.weight([2, 3]), 'x', c], { transB: attr.int(1), beta: attr.float(0.5) }), 11);
    },
  },
  {
    name: 'MatMul: batch broadcasting of both operands',
    dims: [2, 1, 3, 4],
    model: () => {
      const t = new TestGraph([2, 1, 3, 4]);
      return t.build(t.op('MatMul', ['x', t.weight([3, 4, 2])]), 13);
    },
  },
  {
    name: 'MatMul: x times its own transpose',
    dims: [2, 3, 4],
    model: () => {
      const t = new TestGraph([2, 3, 4]);
      return t.build(t.op('MatMul', ['x', t.op('Transpose', ['x'], { perm: attr.ints([0, 2, 1]) })]), 13);
    },
  },
  {
    name: 'Add, Sub, Mul, Div, Sum with broadcasting between inputs and constants',
    dims: [2, 3, 4],
    model: () => {
      const t = new TestGraph([2, 3, 4]);
      const a = t.op('Add', ['x', t.weight([4])]);
      const s = t.op('ReduceSum', ['x', t.ints([2])], { keepdims: attr.int(1) });
      const m = t.op('Mul', [a, s]);
      const q = t.op('Add', [t.op('Mul', ['x', 'x']), t.weight([1], [1])]);
      const d = t.op('Div', [m, q]);
      const e = t.op('Sub', [t.weight([3, 1]), d]);
      const f = t.op('Div', [e, t.weight([1, 4], [1.5, -2, 3, 2.5])]);
      return t.build(t.op('Sum', [f, 'x', s]), 13);
    },
  },
  { name: 'Relu', dims: [2, 3, 4], model: () => unary(13, [2, 3, 4], 'Relu'), options: awayFromZero },
  { name: 'LeakyRelu (alpha 0.1)', dims: [2, 3, 4], model: () => unary(13, [2, 3, 4], 'LeakyRelu', { alpha: attr.float(0.1) }), options: awayFromZero },
  { name: 'LeakyRelu (negative alpha)', dims: [2, 3, 4], model: () => unary(13, [2, 3, 4], 'LeakyRelu', { alpha: attr.float(-0.2) }), options: awayFromZero },
  {
    name: 'Clip with attributes (opset 6)',
    dims: [2, 3, 4],
    model: () => unary(6, [2, 3, 4], 'Clip', { min: attr.float(-0.5), max: attr.float(0.6) }),
    options: { input: awayFrom([-0.5, 0.6], MARGIN) },
  },
  {
    name: 'Clip with a min input only (opset 13)',
    dims: [2, 3, 4],
    model: () => {
      const t = new TestGraph([2, 3, 4]);
      return t.build(t.op('Clip', ['x', t.weight([], [-0.3])]), 13);
    },
    options: { input: awayFrom([-0.3], MARGIN) },
  },
  { name: 'Sigmoid', dims: [2, 3, 4], model: () => unary(13, [2, 3, 4], 'Sigmoid') },
  { name: 'Tanh', dims: [2, 3, 4], model: () => unary(13, [2, 3, 4], 'Tanh') },
  {
    name: 'HardSigmoid',
    dims: [2, 3, 4],
    model: () => unary(13, [2, 3, 4], 'HardSigmoid', { alpha: attr.float(0.5), beta: attr.float(0.5) }),
    options: { input: awayFrom([-1, 1], MARGIN, -3, 3) },
  },
  { name: 'HardSwish', dims: [2, 3, 4], model: () => unary(14, [2, 3, 4], 'HardSwish'), options: { input: awayFrom([-3, 3], MARGIN, -5, 5) } },
  { name: 'Softmax, opset 11 axis 1: 2-D coercion', dims: [2, 3, 4], model: () => unary(11, [2, 3, 4], 'Softmax') },
  { name: 'Softmax, opset 13 axis 1', dims: [2, 3, 4], model: () => unary(13, [2, 3, 4], 'Softmax', { axis: attr.int(1) }) },
  { name: 'Softmax, opset 13 default axis', dims: [2, 3, 4], model: () => unary(13, [2, 3, 4], 'Softmax') },
  { name: 'LogSoftmax, opset 9 axis 2', dims: [2, 3, 4, 2], model: () => unary(9, [2, 3, 4, 2], 'LogSoftmax', { axis: attr.int(2) }) },
  { name: 'LogSoftmax, opset 13 axis -2', dims: [2, 3, 4], model: () => unary(13, [2, 3, 4], 'LogSoftmax', { axis: attr.int(-2) }) },
  {
    name: 'MaxPool: overlapping 3x3 stride 2 (opset 7)',
    dims: [1, 2, 7, 7],
    model: () => unary(7, [1, 2, 7, 7], 'MaxPool', { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]) }),
    options: separated([1, 2, 7, 7]),
  },
  {
    name: 'MaxPool: pads, dilations, ceil_mode (opset 12)',
    dims: [1, 2, 8, 7],
    model: () =>
      unary(12, [1, 2, 8, 7], 'MaxPool', {
        kernel_shape: attr.ints([2, 3]),
        strides: attr.ints([2, 1]),
        pads: attr.ints([1, 0, 1, 1]),
        dilations: attr.ints([2, 1]),
        ceil_mode: attr.int(1),
      }),
    options: separated([1, 2, 8, 7]),
  },
  {
    name: 'MaxPool: auto_pad SAME_UPPER (opset 8)',
    dims: [1, 2, 7, 6],
    model: () => unary(8, [1, 2, 7, 6], 'MaxPool', { kernel_shape: attr.ints([3, 2]), strides: attr.ints([2, 2]), auto_pad: attr.string('SAME_UPPER') }),
    options: separated([1, 2, 7, 6]),
  },
  {
    name: 'AveragePool: pads excluded from the count',
    dims: [1, 2, 7, 7],
    model: () => unary(11, [1, 2, 7, 7], 'AveragePool', { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }),
  },
  {
    name: 'AveragePool: count_include_pad',
    dims: [1, 2, 7, 6],
    model: () =>
      unary(11, [1, 2, 7, 6], 'AveragePool', {
        kernel_shape: attr.ints([3, 2]),
        strides: attr.ints([2, 1]),
        pads: attr.ints([1, 0, 1, 1]),
        count_include_pad: attr.int(1),
      }),
  },
  {
    name: 'AveragePool: ceil_mode with and without pads counted',
    dims: [1, 2, 8, 8],
    model: () => {
      const t = new TestGraph([1, 2, 8, 8]);
      const common = { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 0, 0]), ceil_mode: attr.int(1) };
      const a = t.op('AveragePool', ['x'], common);
      const b = t.op('AveragePool', ['x'], { ...common, count_include_pad: attr.int(1) });
      return t.build(t.op('Concat', [a, b], { axis: attr.int(1) }), 11);
    },
  },
  {
    name: 'AveragePool: auto_pad SAME_LOWER (opset 7)',
    dims: [1, 2, 7, 7],
    model: () => unary(7, [1, 2, 7, 7], 'AveragePool', { kernel_shape: attr.ints([2, 3]), strides: attr.ints([2, 2]), auto_pad: attr.string('SAME_LOWER') }),
  },
  {
    name: 'AveragePool: dilations (opset 19)',
    dims: [1, 2, 9, 8],
    model: () =>
      unary(19, [1, 2, 9, 8], 'AveragePool', {
        kernel_shape: attr.ints([2, 3]),
        strides: attr.ints([2, 1]),
        dilations: attr.ints([3, 2]),
        pads: attr.ints([1, 1, 0, 2]),
      }),
  },
  { name: 'GlobalAveragePool', dims: [2, 3, 4, 5], model: () => unary(11, [2, 3, 4, 5], 'GlobalAveragePool') },
  { name: 'GlobalMaxPool', dims: [2, 3, 4, 5], model: () => unary(11, [2, 3, 4, 5], 'GlobalMaxPool'), options: separated([2, 3, 4, 5]) },
  ...[9, 15].map(
    (opset): Case => ({
      name: `BatchNormalization (inference, opset ${opset})`,
      dims: [2, 3, 4, 4],
      model: () => {
        const t = new TestGraph([2, 3, 4, 4]);
        const variance = t.weight([3], [0.5, 1.7, 0.2]);
        return t.build(t.op('BatchNormalization', ['x', t.weight([3]), t.weight([3]), t.weight([3]), variance], { epsilon: attr.float(1e-3) }), opset);
      },
    }),
  ),
  {
    name: 'Flatten, Reshape (0 and -1), Squeeze/Unsqueeze with attributes (opset 11)',
    dims: [2, 3, 4],
    model: () => {
      const t = new TestGraph([2, 3, 4]);
      const f = t.op('Flatten', ['x'], { axis: attr.int(2) });
      const r = t.op('Reshape', [t.op('Tanh', [f]), t.ints([0, -1, 2])]);
      const u = t.op('Unsqueeze', [r], { axes: attr.ints([1, 4]) });
      return t.build(t.op('Squeeze', [t.op('Sigmoid', [u])], { axes: attr.ints([1]) }), 11);
    },
  },
  {
    name: 'Squeeze/Unsqueeze with axes inputs, Transpose (opset 13)',
    dims: [2, 1, 3, 4],
    model: () => {
      const t = new TestGraph([2, 1, 3, 4]);
      const s = t.op('Squeeze', ['x', t.ints([1])]);
      const p = t.op('Transpose', [t.op('Tanh', [s])], { perm: attr.ints([2, 0, 1]) });
      return t.build(t.op('Unsqueeze', [t.op('Mul', [p, p]), t.ints([0, -1])]), 13);
    },
  },
  {
    name: 'Concat of x, a function of x and a constant; Dropout; Identity; Cast through float64',
    dims: [2, 3, 4],
    model: () => {
      const t = new TestGraph([2, 3, 4]);
      const c = t.op('Concat', ['x', t.op('Sigmoid', ['x']), t.weight([2, 2, 4])], { axis: attr.int(1) });
      const d = t.op('Dropout', [c], {}, 2);
      const wide = t.op('Cast', [t.op('Identity', [d])], { to: attr.int(11) });
      return t.build(t.op('Tanh', [t.op('Cast', [wide], { to: attr.int(1) })]), 13);
    },
  },
  {
    name: 'Constant node as a multiplier, Dropout (opset 7)',
    dims: [2, 3],
    model: () => {
      const t = new TestGraph([2, 3]);
      const k = t.op('Constant', [], { value: attr.tensor({ name: 'k', dims: [3], data_type: 1, float_data: [0.5, -2, 3] }) });
      return t.build(t.op('Dropout', [t.op('Tanh', [t.op('Mul', ['x', k])])], { ratio: attr.float(0.5) }), 7);
    },
  },
  {
    name: 'Pad: constant, pads attribute (opset 2)',
    dims: [1, 2, 4, 3],
    model: () => unary(2, [1, 2, 4, 3], 'Pad', { pads: attr.ints([0, 0, 1, 2, 0, 0, 2, 1]), value: attr.float(0.5) }),
  },
  {
    name: 'Pad: constant, pads input with negative (cropping) pads (opset 11)',
    dims: [1, 2, 5, 4],
    model: () => {
      const t = new TestGraph([1, 2, 5, 4]);
      return t.build(t.op('Pad', ['x', t.ints([0, 0, -1, 2, 0, 1, 1, -2])]), 11);
    },
  },
  {
    name: 'Pad: reflect (opset 13)',
    dims: [1, 2, 5, 4],
    model: () => {
      const t = new TestGraph([1, 2, 5, 4]);
      return t.build(t.op('Pad', ['x', t.ints([0, 0, 2, 1, 0, 0, 3, 2])], { mode: attr.string('reflect') }), 13);
    },
  },
  {
    name: 'Pad: edge (opset 11)',
    dims: [1, 2, 5, 4],
    model: () => {
      const t = new TestGraph([1, 2, 5, 4]);
      return t.build(t.op('Pad', ['x', t.ints([0, 0, 2, 1, 0, 0, 1, 3])], { mode: attr.string('edge') }), 11);
    },
  },
  {
    name: 'Pad: axes input (opset 18)',
    dims: [1, 2, 5, 4],
    model: () => {
      const t = new TestGraph([1, 2, 5, 4]);
      return t.build(t.op('Pad', ['x', t.ints([1, 2, 3, 0]), '', t.ints([-1, 2])]), 18);
    },
  },
  {
    name: 'ReduceMean (axes attribute, keepdims 0), ReduceSum (axes attribute) (opset 11)',
    dims: [2, 3, 4],
    model: () => {
      const t = new TestGraph([2, 3, 4]);
      const m = t.op('ReduceMean', [t.op('Tanh', ['x'])], { axes: attr.ints([-1]), keepdims: attr.int(0) });
      const s = t.op('ReduceSum', [t.op('Mul', ['x', 'x'])], { axes: attr.ints([1]) });
      return t.build(t.op('Add', [t.op('Unsqueeze', [m], { axes: attr.ints([2]) }), s]), 11);
    },
  },
  {
    name: 'ReduceSum (axes input, keepdims 0), ReduceMean over everything (opset 13)',
    dims: [1, 3, 4],
    model: () => {
      const t = new TestGraph([1, 3, 4]);
      const s = t.op('ReduceSum', [t.op('Sigmoid', ['x']), t.ints([1])], { keepdims: attr.int(0) });
      const m = t.op('ReduceMean', [t.op('Mul', ['x', 'x'])], { keepdims: attr.int(1) });
      return t.build(t.op('Mul', [s, m]), 13);
    },
  },
  {
    name: 'ReduceMean with axes input (opset 18)',
    dims: [2, 3, 4],
    model: () => {
      const t = new TestGraph([2, 3, 4]);
      return t.build(t.op('ReduceMean', [t.op('Mul', ['x', 'x']), t.ints([1, 2])], { keepdims: attr.int(0) }), 18);
    },
  },
];

/** A small CNN whose BatchNormalization shift keeps most ReLUs active and whose Clip bounds are rarely reached. */
function smallCnn(): ModelProto {
  const t = new TestGraph(['N', 3, 9, 9]);
  const c1 = t.op('Conv', ['x', t.weight([4, 3, 3, 3]), t.weight([4])], { pads: attr.ints([1, 1, 1, 1]) });
  const bn = t.op('BatchNormalization', [c1, t.weight([4]), t.weight([4], [1.5, 1.5, 1.5, 1.5]), t.weight([4]), t.weight([4], [1, 0.5, 2, 0.8])]);
  const p = t.op('MaxPool', [t.op('Relu', [bn])], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]) });
  const c2 = t.op('Conv', [p, t.weight([4, 2, 2, 2]), t.weight([4])], { group: attr.int(2), pads: attr.ints([1, 1, 0, 0]) });
  const clipped = t.op('Clip', [c2, t.weight([], [-4]), t.weight([], [4])]);
  const a = t.op('AveragePool', [clipped], { kernel_shape: attr.ints([2, 2]), pads: attr.ints([0, 0, 1, 1]) });
  const g = t.op('GlobalAveragePool', [t.op('Concat', [a, t.op('Sigmoid', [a])], { axis: attr.int(1) })]);
  const logits = t.op('Gemm', [t.op('Flatten', [g]), t.weight([5, 8]), t.weight([5])], { transB: attr.int(1) });
  return t.build(t.op('Softmax', [logits]), 13);
}

function attentionLike(): ModelProto {
  const t = new TestGraph(['N', 4, 6]);
  const q = t.op('MatMul', ['x', t.weight([6, 6])]);
  const k = t.op('MatMul', ['x', t.weight([6, 6])]);
  const scores = t.op('Mul', [t.op('MatMul', [q, t.op('Transpose', [k], { perm: attr.ints([0, 2, 1]) })]), t.weight([], [0.4])]);
  const attended = t.op('MatMul', [t.op('Softmax', [scores], { axis: attr.int(-1) }), 'x']);
  const h = t.op('Add', ['x', attended]);
  const centred = t.op('Sub', [h, t.op('ReduceMean', [h], { axes: attr.ints([-1]) })]);
  const scale = t.op('Add', [t.op('ReduceMean', [t.op('Mul', [centred, centred])], { axes: attr.ints([-1]) }), t.weight([], [1])]);
  const normed = t.op('Tanh', [t.op('Div', [centred, scale])]);
  return t.build(t.op('Reshape', [normed, t.ints([0, -1])]), 13);
}

/** Models chaining many operators, with a dynamic batch of 2 (batch axes found by the two-batch probe). */
const chains: Case[] = [
  {
    name: 'a small CNN with Relu and MaxPool smoothed (SiLU, AveragePool): Conv, BatchNormalization, grouped Conv, Clip, AveragePool, Concat, GlobalAveragePool, Flatten, Gemm, Softmax',
    dims: [2, 3, 9, 9],
    model: () => smoothTwin(smallCnn()),
    options: { step: 3e-2 },
  },
  {
    name: 'attention-like: MatMul, Transpose, Softmax, Add, Mul, ReduceMean, Sub, Div, Tanh, Reshape',
    dims: [2, 4, 6],
    model: attentionLike,
  },
];

for (const c of [...cases, ...chains.map((c) => ({ ...c, options: { ...c.options, dynamicBatch: true } }))]) {
  test(`gradient of ${c.name} matches central differences`, async () => {
    const { errors } = await checkGradient(c.model(), c.dims, c.options);
    for (const e of errors) assert.ok(e <= TOLERANCE, `relative errors ${errors.map((v) => v.toExponential(2)).join(', ')}`);
  });
}

test('the small CNN with its kinks (Relu, MaxPool) matches central differences at a step below most kinks', async () => {
  // A kink within the step biases a central difference; with ReLUs mostly active this stays under 5e-3.
  const { errors } = await checkGradient(smallCnn(), [2, 3, 9, 9], { dynamicBatch: true, step: 1e-3, directions: 4 });
  for (const e of errors) assert.ok(e <= 5e-3, `relative errors ${errors.map((v) => v.toExponential(2)).join(', ')}`);
});
