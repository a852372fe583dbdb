import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../../src/core/rng';
import { GraphGradient } from '../../../../src/model/gradient/graphGradient';
import type { AttributeValue } from '../../../../src/model/onnx/attributes';
import type { ModelProto } from '../../../../src/model/onnx/types';
import { attr, TestGraph } from './models';

/**
 * MaxPool's gradient where central differences cannot look: inputs full of ties (small integers), where the gradient
 * must go to the first maximum of each window in its row-major scan order, as onnxruntime's Indices do; and the ReLU
 * masks a MaxPool takes over at its pooled resolution. The graph gradient is checked against a direct computation.
 */

interface Pool {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly padBegin: readonly number[];
  readonly padEnd: readonly number[];
  readonly dilations: readonly number[];
  readonly ceil: boolean;
}

function pool(kernel: number[], options: Partial<Omit<Pool, 'kernel'>> = {}): Pool {
  const zeros = kernel.map(() => 0);
  const ones = kernel.map(() => 1);
  return { kernel, strides: ones, padBegin: zeros, padEnd: zeros, dilations: ones, ceil: false, ...options };
}

/** MaxPool's attributes; dilations and ceil_mode only when set (opset 7 has neither). */
function poolAttributes(p: Pool): Record<string, AttributeValue> {
  return {
    kernel_shape: attr.ints(p.kernel),
    strides: attr.ints(p.strides),
    pads: attr.ints([...p.padBegin, ...p.padEnd]),
    ...(p.dilations.some((d) => d !== 1) ? { dilations: attr.ints(p.dilations) } : {}),
    ...(p.ceil ? { ceil_mode: attr.int(1) } : {}),
  };
}

function outputSize(p: Pool, size: readonly number[]): number[] {
  return size.map((s, i) => {
    const span = s + p.padBegin[i] + p.padEnd[i] - ((p.kernel[i] - 1) * p.dilations[i] + 1);
    return (p.ceil ? Math.ceil(span / p.strides[i]) : Math.floor(span / p.strides[i])) + 1;
  });
}

function rowMajor(sizes: readonly number[]): number[][] {
  return sizes.reduce<number[][]>((acc, k) => acc.flatMap((t) => Array.from({ length: k }, (_, i) => [...t, i])), [[]]);
}

/** d<r, MaxPool(x)>/dx: r[o] added at the first maximum (row-major scan, taps outside x skipped) of window o. */
function poolGradient(x: Float32Array, dims: readonly number[], p: Pool, r: ArrayLike<number>): Float64Array {
  const [n, c, ...size] = dims;
  const out = outputSize(p, size);
  const plane = size.reduce((a, v) => a * v, 1);
  const outPlane = out.reduce((a, v) => a * v, 1);
  const g = new Float64Array(x.length);
  const windows = rowMajor(out);
  const taps = rowMajor(p.kernel);
  for (let m = 0; m < n * c; m++) {
    windows.forEach((o, k) => {
      let best = -Infinity;
      let at = -1;
      for (const t of taps) {
        const pos = o.map((oi, i) => oi * p.strides[i] - p.padBegin[i] + t[i] * p.dilations[i]);
        if (pos.some((v, i) => v < 0 || v >= size[i])) continue;
        const flat = m * plane + pos.reduce((f, v, i) => f * size[i] + v, 0);
        if (x[flat] > best) [best, at] = [x[flat], flat];
      }
      g[at] += r[m * outPlane + k];
    });
  }
  return g;
}

/** The graph gradient of <r, model(x)> (x and r hold the whole batch). */
async function graphGradient(model: ModelProto, dims: readonly number[], x: Float32Array, r: Float32Array): Promise<Float32Array> {
  const gg = await GraphGradient.create(model, { inputName: 'x', outputName: model.graph!.output[0].name!, inputDtype: 'float32', inputDims: dims, dynamicBatch: false });
  try {
    const n = dims[0];
    const items = Array.from({ length: n }, (_, i) => x.subarray((i * x.length) / n, ((i + 1) * x.length) / n));
    const { gradients } = await gg.vjp(items, (row, i) => r.slice(i * row.length, (i + 1) * row.length));
    return Float32Array.from(gradients.flatMap((g) => Array.from(g)));
  } finally {
    await gg.release();
  }
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-5 * (1 + Math.abs(expected[i])), `at ${i}: ${actual[i]} against ${expected[i]}`);
  }
}

/** Small integers from lo to hi: most windows hold tied maxima. */
function tiedValues(n: number, lo: number, hi: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => lo + Math.floor(rng.next() * (hi - lo + 1)));
}

function randomCotangent(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => 2 * rng.next() - 1);
}

const cases: { name: string; dims: number[]; pool: Pool; opset: number; global?: boolean }[] = [
  { name: '3x3 stride 2 (overlapping, phases 2x2), batch 2, opset 7', dims: [2, 3, 9, 11], pool: pool([3, 3], { strides: [2, 2] }), opset: 7 },
  {
    name: 'pads, dilations, ceil_mode, strides (2, 1)',
    dims: [1, 2, 8, 7],
    pool: pool([2, 3], { strides: [2, 1], padBegin: [1, 0], padEnd: [1, 1], dilations: [2, 1], ceil: true }),
    opset: 12,
  },
  { name: '1-D, pads', dims: [1, 3, 11], pool: pool([3], { strides: [2], padBegin: [1], padEnd: [1] }), opset: 11 },
  { name: '3-D 2x2x2 stride 2', dims: [1, 2, 4, 4, 6], pool: pool([2, 2, 2], { strides: [2, 2, 2] }), opset: 11 },
  { name: '6x6 window (36 taps: by Indices)', dims: [1, 2, 12, 12], pool: pool([6, 6], { strides: [3, 3] }), opset: 11 },
  { name: '1x1 window, stride 2 (by Indices)', dims: [1, 2, 5, 5], pool: pool([1, 1], { strides: [2, 2] }), opset: 11 },
  { name: 'GlobalMaxPool over 4x5 (by taps)', dims: [1, 3, 4, 5], pool: pool([4, 5]), opset: 11, global: true },
  { name: 'GlobalMaxPool over 6x7 (by Indices)', dims: [1, 3, 6, 7], pool: pool([6, 7]), opset: 11, global: true },
];

for (const c of cases) {
  test(`MaxPool gradient on tied inputs goes to the first maximum of each window: ${c.name}`, async () => {
    const t = new TestGraph(c.dims);
    const model = t.build(c.global ? t.op('GlobalMaxPool', ['x']) : t.op('MaxPool', ['x'], poolAttributes(c.pool)), c.opset);
    const x = tiedValues(c.dims.reduce((a, v) => a * v, 1), 0, 3, 3);
    const outCount = c.dims[0] * c.dims[1] * outputSize(c.pool, c.dims.slice(2)).reduce((a, v) => a * v, 1);
    const r = randomCotangent(outCount, 5);
    assertClose(await graphGradient(model, c.dims, x, r), poolGradient(x, c.dims, c.pool, r));
  });
}

const DIMS = [1, 3, 9, 9];
const POOL = pool([3, 3], { strides: [2, 2] });
const reluMask = (v: ArrayLike<number>): number[] => Array.from(v, (value) => (value > 0 ? 1 : 0));

test('ReLU then MaxPool (the mask taken at the pooled resolution) on inputs tied at zero and above', async () => {
  const t = new TestGraph(DIMS);
  const model = t.build(t.op('MaxPool', [t.op('Relu', ['x'])], poolAttributes(POOL)), 7);
  const x = tiedValues(81 * 3, -2, 2, 11);
  const r = randomCotangent(3 * 16, 12);
  const relu = x.map((v) => Math.max(v, 0));
  const expected = poolGradient(relu, DIMS, POOL, r).map((g, i) => g * reluMask(x)[i]);
  assertClose(await graphGradient(model, DIMS, x, r), expected);
});

test('Concat of ReLUs then MaxPool: the pooled mask reaches both ReLUs through the Concat', async () => {
  const t = new TestGraph(DIMS);
  const a = t.op('Relu', ['x']);
  const b = t.op('Relu', [t.op('Mul', ['x', t.weight([], [-1])])]);
  const model = t.build(t.op('MaxPool', [t.op('Concat', [a, b], { axis: attr.int(1) })], poolAttributes(POOL)), 11);
  const x = tiedValues(81 * 3, -2, 2, 13);
  const r = randomCotangent(6 * 16, 14);
  const both = Float32Array.from([...x.map((v) => Math.max(v, 0)), ...x.map((v) => Math.max(-v, 0))]);
  const g = poolGradient(both, [1, 6, 9, 9], POOL, r);
  const expected = Array.from(x, (v, i) => (v > 0 ? g[i] : 0) - (v < 0 ? g[x.length + i] : 0));
  assertClose(await graphGradient(model, DIMS, x, r), expected);
});

test('a ReLU output read by MaxPool and by another node keeps its own mask on the summed gradient', async () => {
  const t = new TestGraph(DIMS);
  const relu = t.op('Relu', ['x']);
  const pooled = t.op('Flatten', [t.op('MaxPool', [relu], poolAttributes(POOL))]);
  const model = t.build(t.op('Concat', [pooled, t.op('Flatten', [relu])], { axis: attr.int(1) }), 11);
  const x = tiedValues(81 * 3, -2, 2, 15);
  const r = randomCotangent(3 * 16 + 81 * 3, 16);
  const relu0 = x.map((v) => Math.max(v, 0));
  const g = poolGradient(relu0, DIMS, POOL, r.subarray(0, 48));
  const expected = Array.from(x, (v, i) => (v > 0 ? g[i] + r[48 + i] : 0));
  assertClose(await graphGradient(model, DIMS, x, r), expected);
});

test('a Concat of ReLUs that no MaxPool reads: each ReLU keeps its mask', async () => {
  const t = new TestGraph(DIMS);
  const a = t.op('Relu', ['x']);
  const b = t.op('Relu', [t.op('Mul', ['x', t.weight([], [-1])])]);
  const model = t.build(t.op('Concat', [a, b], { axis: attr.int(1) }), 11);
  const x = tiedValues(81 * 3, -2, 2, 17);
  const r = randomCotangent(2 * x.length, 18);
  const expected = Array.from(x, (v, i) => (v > 0 ? r[i] : 0) - (v < 0 ? r[x.length + i] : 0));
  assertClose(await graphGradient(model, DIMS, x, r), expected);
});
