import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { createRng } from '../../../../src/core/rng';
import { buildBackward } from '../../../../src/model/gradient/backward';
import { GraphGradient } from '../../../../src/model/gradient/graphGradient';
import { probeShapes } from '../../../../src/model/gradient/shapes';
import { encodeModel } from '../../../../src/model/onnx/codec';
import type { ModelProto } from '../../../../src/model/onnx/types';
import { fromOrtTensor, toOrtTensor } from '../../../../src/model/ortTensors';
import { CONV_INPUT, convModel, initializerValues, withInitializer } from './parameterModels';
import { widenToFloat32 } from '../../../../src/model/gradient/float32Twin';

const rng = createRng(11);
const input = Float32Array.from({ length: CONV_INPUT.reduce((n, d) => n * d, 1) }, () => 2 * rng.next() - 1);
const cotangent = Float32Array.from([0.7, -1.1, 0.4]);

async function parameterGradients(model: ModelProto, dtype: 'float32' | 'float16' = 'float32', inputDims = CONV_INPUT) {
  const gg = await GraphGradient.create(model, { inputName: 'x', outputName: model.graph!.output[0].name!, inputDtype: dtype, inputDims, dynamicBatch: false, parameters: true });
  try {
    return { parameters: gg.parameters, ...(await gg.parameterVjp(input, () => cotangent)) };
  } finally {
    await gg.release();
  }
}

/** r . f(x) for the model as it is (float64 sum). */
async function objective(model: ModelProto): Promise<number> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    const name = model.graph!.output[0].name!;
    const y = fromOrtTensor((await session.run({ x: toOrtTensor(input, 'float32', CONV_INPUT) }, [name]))[name]);
    return y.reduce((s, v, i) => s + v * cotangent[i], 0);
  } finally {
    await session.release();
  }
}

test('parameters: every trainable initializer, grouped by the node reading it, also through a Reshape (BatchNormalization mean and variance left out)', async () => {
  const model = convModel();
  const { parameters } = await parameterGradients(model);
  assert.deepEqual(
    parameters.map((p) => p.op),
    ['Conv', 'Conv', 'BatchNormalization', 'BatchNormalization', 'Conv', 'Mul', 'Conv', 'Conv', 'Conv', 'Gemm', 'Gemm'],
  );
  const bn = model.graph!.node.find((n) => n.op_type === 'BatchNormalization')!;
  assert.deepEqual(parameters.filter((p) => p.op === 'BatchNormalization').map((p) => p.name), bn.input.slice(1, 3));
  assert.equal(new Set(parameters.map((p) => p.layer)).size, 7);
  const flat = model.graph!.node.find((n) => n.op_type === 'Reshape')!.input[0];
  assert.deepEqual(parameters.find((p) => p.name === flat)?.dims, [15], 'a weight read through a Reshape is the initializer itself');
});

test('parameter gradients match central differences along random directions of each parameter', async () => {
  const model = convModel();
  const { parameters, gradients } = await parameterGradients(model);
  for (const [p, parameter] of parameters.entries()) {
    const w = initializerValues(model, parameter.name);
    for (let d = 0; d < 2; d++) {
      const u = Float64Array.from(w, () => 2 * rng.next() - 1);
      const central = async (h: number) =>
        ((await objective(withInitializer(model, parameter.name, w.map((v, i) => v + h * u[i])))) -
          (await objective(withInitializer(model, parameter.name, w.map((v, i) => v - h * u[i]))))) /
        (2 * h);
      const fd = (4 * (await central(5e-3)) - (await central(1e-2))) / 3;
      const gu = gradients[p].reduce((s, g, i) => s + g * u[i], 0);
      const gNorm = Math.sqrt(gradients[p].reduce((s, g) => s + g * g, 0));
      const scale = Math.max(Math.abs(gu), (gNorm * Math.sqrt(u.length / 3)) / 10);
      assert.ok(Math.abs(fd - gu) <= 2e-3 * scale, `${parameter.name} (${parameter.op}): fd ${fd} vs graph ${gu}`);
    }
  }
});

test('float16 model: the same parameter gradients as its float32 widening, to half precision', async () => {
  const half = await parameterGradients(convModel('float16'), 'float16');
  const full = await parameterGradients(widenToFloat32(convModel('float16')));
  half.gradients.forEach((g, p) => {
    const reference = full.gradients[p];
    const norm = Math.sqrt(reference.reduce((s, v) => s + v * v, 0));
    const error = Math.sqrt(g.reduce((s, v, i) => s + (v - reference[i]) ** 2, 0));
    assert.ok(error <= 1e-2 * norm, `${half.parameters[p].name}: relative error ${error / norm}`);
  });
});

test('a model fixed to batch 2: the same gradients as at batch 1 (the padding row gets a zero cotangent, the batch is summed)', async () => {
  const single = await parameterGradients(convModel());
  const pair = await parameterGradients(convModel('float32', [2, ...CONV_INPUT.slice(1)]), 'float32', [2, ...CONV_INPUT.slice(1)]);
  single.gradients.forEach((g, p) => {
    const error = Math.sqrt(g.reduce((s, v, i) => s + (v - pair.gradients[p][i]) ** 2, 0));
    const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    assert.ok(error <= 1e-5 * norm, `${single.parameters[p].name}: relative difference ${error / norm}`);
  });
});

test('the backward graph outputs the input gradient, or with parameters their gradients alone', async () => {
  const model = convModel();
  const probe = await probeShapes(model, { name: 'x', dtype: 'float32', dims: CONV_INPUT, dynamicBatch: false });
  const options = { inputName: 'x', outputName: model.graph!.output[0].name! };
  const plain = buildBackward(model, probe.tensors, options);
  const withParameters = buildBackward(model, probe.tensors, { ...options, parameters: true });
  assert.equal(plain.parameters.length, 0);
  assert.equal(plain.model.graph!.output.length, 1);
  assert.equal(withParameters.model.graph!.output.length, 1);
  assert.equal(withParameters.gradient, null);
  assert.ok(plain.model.graph!.node.length < withParameters.model.graph!.node.length);
});
