import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../../src/core/rng';
import { halfToFloats, floatsToHalf } from '../../../../src/model/float16';
import { buildBackward } from '../../../../src/model/gradient/backward';
import { float32Twin, widenToFloat32 } from '../../../../src/model/gradient/float32Twin';
import { FusedParameterGradient } from '../../../../src/model/gradient/fusedParameterGradient';
import { GraphGradient } from '../../../../src/model/gradient/graphGradient';
import { probeShapes } from '../../../../src/model/gradient/shapes';
import type { ModelProto } from '../../../../src/model/onnx/types';
import { attr, TestGraph } from './models';

/**
 * SqueezeNet's fire module, where a Conv reads a Concat of ReLUs (through Dropout) and masks its input gradient once
 * (activation.ts, gatedAtReader), and float16 models run as their float32 twin (float32Twin.ts).
 */

const DIMS = [1, 8, 7, 7];

/**
 * x -> Conv 1x1 + ReLU (squeeze, read by both expands) -> [Conv 1x1 + ReLU, Conv 3x3 + ReLU] -> Concat -> Dropout ->
 * `between` -> Conv 1x1 + ReLU -> global average -> Softmax: the classifier's probabilities.
 */
function fireModel(dtype: 'float32' | 'float16' = 'float32', between?: (t: TestGraph, x: string) => string): ModelProto {
  const t = new TestGraph(DIMS, dtype);
  const relu = (x: string, w: string, b: string, pads = 0) => t.op('Relu', [t.op('Conv', [x, w, b], { pads: attr.ints([pads, pads, pads, pads]) })]);
  const squeeze = relu('x', t.weight([4, 8, 1, 1], undefined, 0.6), t.weight([4], undefined, 0.3));
  const e1 = relu(squeeze, t.weight([6, 4, 1, 1], undefined, 0.6), t.weight([6], undefined, 0.2));
  const e3 = relu(squeeze, t.weight([6, 4, 3, 3], undefined, 0.4), t.weight([6], undefined, 0.2), 1);
  const dropped = t.op('Dropout', [t.op('Concat', [e1, e3], { axis: attr.int(1) })]);
  const read = between ? between(t, dropped) : dropped;
  const head = relu(read, t.weight([5, 12, 1, 1], undefined, 0.5), t.weight([5], undefined, 0.2));
  return t.build(t.op('Softmax', [t.op('GlobalAveragePool', [head])], { axis: attr.int(1) }), 11);
}

const rng = createRng(23);
const input = Float32Array.from({ length: DIMS.reduce((n, d) => n * d, 1) }, () => 2 * rng.next() - 1);

async function parameterGradients(model: ModelProto, dtype: 'float32' | 'float16', values = input) {
  const gg = await GraphGradient.create(model, { inputName: 'x', outputName: model.graph!.output[0].name!, inputDtype: dtype, inputDims: DIMS, dynamicBatch: false, parameters: true });
  try {
    return { parameters: gg.parameters, ...(await gg.parameterVjp(values, () => Float32Array.from([0.9, -1.3, 0.4, 0.2, -0.6]))) };
  } finally {
    await gg.release();
  }
}

function relativeError(g: Float32Array, reference: Float32Array): number {
  const norm = Math.sqrt(reference.reduce((s, v) => s + v * v, 0));
  return Math.sqrt(g.reduce((s, v, i) => s + (v - reference[i]) ** 2, 0)) / norm;
}

test('a Conv reading a Concat of ReLUs through Dropout masks its input gradient once: the expand ReLUs are not read, and the gradients are those of the same model with the mask left to the ReLUs', async () => {
  const model = fireModel();
  // A one-input Sum hides the ReLUs from the head Conv: each ReLU then masks its own gradient (the plain rule).
  const plain = fireModel('float32', (t, x) => t.op('Sum', [x]));
  const probe = await probeShapes(model, { name: 'x', dtype: 'float32', dims: DIMS, dynamicBatch: false });
  const plan = buildBackward(model, probe.tensors, { inputName: 'x', outputName: model.graph!.output[0].name!, parameters: true });
  const [, e1, e3] = model.graph!.node.filter((n) => n.op_type === 'Relu').map((n) => n.output[0]);
  assert.ok(!plan.feeds.includes(e1) && !plan.feeds.includes(e3), `the expand ReLUs are not read (reads ${plan.feeds.join(', ')})`);
  const plainProbe = await probeShapes(plain, { name: 'x', dtype: 'float32', dims: DIMS, dynamicBatch: false });
  const plainPlan = buildBackward(plain, plainProbe.tensors, { inputName: 'x', outputName: plain.graph!.output[0].name!, parameters: true });
  assert.ok(plainPlan.feeds.includes(e1) && plainPlan.feeds.includes(e3), 'without the gate each ReLU reads its output');

  const gated = await parameterGradients(model, 'float32');
  const reference = await parameterGradients(plain, 'float32');
  assert.deepEqual(
    gated.parameters.map((p) => p.dims),
    reference.parameters.map((p) => p.dims),
  );
  let inactive = 0;
  gated.gradients.forEach((g, p) => {
    assert.ok(relativeError(g, reference.gradients[p]) <= 1e-6, `${gated.parameters[p].name}: ${relativeError(g, reference.gradients[p])}`);
    inactive += g.filter((v) => v === 0).length;
  });
  assert.ok(inactive > 0, 'some ReLUs are off at this input: the masks matter');
});

test('a float16 model runs as its float32 twin: the same parameter gradients, to float precision, as the float32 widening fed the input rounded to half, layers named as in the model', async () => {
  const half = fireModel('float16');
  const full = widenToFloat32(half);
  const probe = await probeShapes(half, { name: 'x', dtype: 'float16', dims: DIMS, dynamicBatch: false });
  const twin = float32Twin(half, probe.tensors, 'x');
  assert.ok(twin, 'a float16 model has a twin');
  assert.equal(twin.inputName, 'x/float32');
  assert.equal(twin.proto.graph!.node[0].op_type, 'Cast');
  assert.equal(float32Twin(full, (await probeShapes(full, { name: 'x', dtype: 'float32', dims: DIMS, dynamicBatch: false })).tensors, 'x'), null);

  const common = { inputName: 'x', outputName: half.graph!.output[0].name!, inputDims: DIMS, outputKind: 'probabilities' as const };
  const fusedHalf = await FusedParameterGradient.create(half, { ...common, inputDtype: 'float16', probe });
  const fullProbe = await probeShapes(full, { name: 'x', dtype: 'float32', dims: DIMS, dynamicBatch: false });
  const fusedFull = await FusedParameterGradient.create(full, { ...common, inputDtype: 'float32', probe: fullProbe });
  assert.ok(fusedHalf && fusedFull);
  try {
    const rounded = halfToFloats(floatsToHalf(input));
    const a = await fusedHalf.evaluate(input, 3);
    const b = await fusedFull.evaluate(rounded, 3);
    const named = await parameterGradients(half, 'float16');
    assert.deepEqual(fusedHalf.parameters, named.parameters, 'names, shapes and layers as the two-session gradient gives them');
    a.gradients.forEach((g, p) => assert.ok(relativeError(g, b.gradients[p]) <= 1e-6, `${fusedHalf.parameters[p].name}: ${relativeError(g, b.gradients[p])}`));
    assert.ok(relativeError(a.output, b.output) <= 1e-6);
  } finally {
    await Promise.all([fusedHalf.release(), fusedFull.release()]);
  }
});
