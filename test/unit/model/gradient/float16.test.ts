import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../../src/core/rng';
import { floatsToHalf, halfToFloats } from '../../../../src/model/float16';
import { GraphGradient } from '../../../../src/model/gradient/graphGradient';
import type { ModelProto } from '../../../../src/model/onnx/types';
import { checkGradient } from './check';
import { widenToFloat32 } from '../../../../src/model/gradient/float32Twin';
import { attr, TestGraph } from './models';

const DIMS = [1, 2, 6, 6];

/** Conv, Tanh, MaxPool, Flatten, Gemm, Softmax in float16 (opset 7, as the SqueezeNet fixture). */
function halfModel(): ModelProto {
  const t = new TestGraph(DIMS, 'float16');
  const c = t.op('Conv', ['x', t.weight([3, 2, 3, 3]), t.weight([3])], { pads: attr.ints([1, 1, 1, 1]) });
  const p = t.op('MaxPool', [t.op('Tanh', [c])], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  const logits = t.op('Gemm', [t.op('Flatten', [p]), t.weight([4, 27]), t.weight([4])], { transB: attr.int(1) });
  return t.build(t.op('Softmax', [logits]), 7);
}

/** Conv, ReLU (its mask read from the half-precision activation), Conv, ReLU, MaxPool, Gemm in float16. */
function halfReluModel(): ModelProto {
  const t = new TestGraph(DIMS, 'float16');
  const c1 = t.op('Relu', [t.op('Conv', ['x', t.weight([4, 2, 3, 3]), t.weight([4])], { pads: attr.ints([1, 1, 1, 1]) })]);
  const c2 = t.op('Relu', [t.op('Conv', [c1, t.weight([3, 4, 1, 1]), t.weight([3], [0.2, 0.3, 0.1])])]);
  const p = t.op('MaxPool', [c2], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  return t.build(t.op('Gemm', [t.op('Flatten', [p]), t.weight([4, 27]), t.weight([4])], { transB: attr.int(1) }), 7);
}

async function gradientOf(model: ModelProto, dtype: 'float32' | 'float16', x: Float32Array, cotangent: Float32Array): Promise<Float32Array> {
  const gg = await GraphGradient.create(model, { inputName: 'x', outputName: model.graph!.output[0].name!, inputDtype: dtype, inputDims: DIMS, dynamicBatch: false });
  try {
    return (await gg.vjp([x], () => cotangent)).gradients[0];
  } finally {
    await gg.release();
  }
}

test('float16 model: the gradient graph agrees with the same network in float32 to half precision', async () => {
  const rng = createRng(4);
  // Inputs exactly representable in half precision, so both networks see the same image.
  const x = halfToFloats(floatsToHalf(Float32Array.from({ length: 72 }, () => 2 * rng.next() - 1)));
  const cotangent = Float32Array.from({ length: 4 }, () => 2 * rng.next() - 1);
  const half = await gradientOf(halfModel(), 'float16', x, cotangent);
  const full = await gradientOf(widenToFloat32(halfModel()), 'float32', x, cotangent);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < full.length; i++) {
    diff += (half[i] - full[i]) ** 2;
    norm += full[i] ** 2;
  }
  // float16 activations carry ~5e-4 relative rounding; through four layers the gradient stays within 0.5%.
  assert.ok(Math.sqrt(diff / norm) <= 5e-3, `relative L2 difference ${Math.sqrt(diff / norm)}`);
});

test('float16 model with ReLUs: the gradient graph agrees with the same network in float32 to half precision', async () => {
  const rng = createRng(6);
  const x = halfToFloats(floatsToHalf(Float32Array.from({ length: 72 }, () => 2 * rng.next() - 1)));
  const cotangent = Float32Array.from({ length: 4 }, () => 2 * rng.next() - 1);
  const half = await gradientOf(halfReluModel(), 'float16', x, cotangent);
  const full = await gradientOf(widenToFloat32(halfReluModel()), 'float32', x, cotangent);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < full.length; i++) {
    diff += (half[i] - full[i]) ** 2;
    norm += full[i] ** 2;
  }
  assert.ok(norm > 0 && Math.sqrt(diff / norm) <= 5e-3, `relative L2 difference ${Math.sqrt(diff / norm)}`);
});

test('float16 model: the gradient graph matches central differences of the float16 forward pass (half-precision tolerance)', async () => {
  // Differences of a float16 forward pass carry ~1e-3 relative noise: a large step and a 5% tolerance.
  const { errors } = await checkGradient(halfModel(), DIMS, { step: 0.1, directions: 3 });
  for (const e of errors) assert.ok(e <= 5e-2, `relative errors ${errors.map((v) => v.toExponential(2)).join(', ')}`);
});
