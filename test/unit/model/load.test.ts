import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ModelError, type ModelErrorCode } from '../../../src/model/errors';
import { loadModel } from '../../../src/model/load';
import { attr } from '../../../src/model/onnx/attributes';
import { GraphBuilder } from '../../../src/model/onnx/builder';
import { linearModel } from '../../../src/model/onnx/linearModel';
import { floatTensor, int64Tensor } from '../../../src/model/onnx/tensor';
import { DataLocation } from '../../../src/model/onnx/types';
import { fixtureModel, fixturesMissing, tempDir, writeModel } from './fixtures';

const dir = tempDir();

async function rejectsWith(path: string, code: ModelErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(loadModel(path), (err: unknown) => {
    assert.ok(err instanceof ModelError, `not a ModelError: ${err}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

const linear = (options: Partial<Parameters<typeof linearModel>[0]> = {}) =>
  linearModel({ channels: 3, height: 2, width: 2, weights: Array.from({ length: 24 }, (_, i) => (i % 5) - 2), bias: [0.5, -1], ...options });

test('mnist-8: float32 1x1x28x28, fixed batch, logits', { skip: fixturesMissing }, async () => {
  const m = await loadModel(fixtureModel('mnist-8.onnx'));
  try {
    assert.deepEqual(m.input, { name: 'Input3', dtype: 'float32', shape: [1, 1, 28, 28] });
    assert.deepEqual([m.layout, m.channels, m.height, m.width, m.dynamicBatch, m.fixedBatch], ['NCHW', 1, 28, 28, false, 1]);
    assert.deepEqual(m.output, { name: 'Plus214_Output_0', dtype: 'float32', shape: [1, 10] });
    assert.equal(m.outputSize, 10);
    assert.equal(m.outputKind, 'logits');
    assert.match(m.outputKindReason, /probe/);
    assert.equal(m.opset, 7);
  } finally {
    await m.release();
  }
});

test('cifar10-tutorial: dynamic batch, 3x32x32, logits', { skip: fixturesMissing }, async () => {
  const m = await loadModel(fixtureModel('cifar10-tutorial.onnx'));
  try {
    assert.deepEqual(m.input, { name: 'modelInput', dtype: 'float32', shape: ['batch_size', 3, 32, 32] });
    assert.deepEqual([m.layout, m.channels, m.height, m.width, m.dynamicBatch], ['NCHW', 3, 32, 32, true]);
    assert.deepEqual(m.output.shape, ['batch_size', 10]);
    assert.equal(m.outputKind, 'logits');
    assert.equal(m.opset, 10);
  } finally {
    await m.release();
  }
});

test('squeezenet-fp16: float16 input, probabilities [1,1000,1,1] from the final Softmax', { skip: fixturesMissing }, async () => {
  const m = await loadModel(fixtureModel('squeezenet-fp16.onnx'));
  try {
    assert.deepEqual(m.input, { name: 'data_0', dtype: 'float16', shape: [1, 3, 224, 224] });
    assert.deepEqual([m.layout, m.channels, m.height, m.width, m.dynamicBatch], ['NCHW', 3, 224, 224, false]);
    assert.deepEqual(m.output, { name: 'softmaxout_1', dtype: 'float16', shape: [1, 1000, 1, 1] });
    assert.equal(m.outputSize, 1000);
    assert.equal(m.outputKind, 'probabilities');
    assert.match(m.outputKindReason, /Softmax/);
  } finally {
    await m.release();
  }
});

test('output kind: Softmax (through Reshape) from the graph, LogSoftmax as logits, a hand-made softmax by probing', async () => {
  const cases: [string, GraphBuilder, 'logits' | 'probabilities', RegExp][] = [];
  const base = () =>
    new GraphBuilder()
      .input('x', 'float32', ['N', 3, 2, 2])
      .node('GlobalAveragePool', ['x'], ['g'])
      .node('Flatten', ['g'], ['s']);
  cases.push(['softmax-reshape', base().node('Softmax', ['s'], ['p']).node('Reshape', ['p', 'shape'], ['out']).initializer(int64Tensor('shape', [4], [-1, 3, 1, 1])), 'probabilities', /Softmax node \(then Reshape\)/]);
  cases.push(['logsoftmax', base().node('LogSoftmax', ['s'], ['out'], { axis: attr.int(1) }), 'logits', /LogSoftmax/]);
  cases.push(['manual-softmax', base().node('Exp', ['s'], ['e']).node('ReduceSum', ['e'], ['z'], { axes: attr.ints([1]), keepdims: attr.int(1) }).node('Div', ['e', 'z'], ['out']), 'probabilities', /probe runs gave rows in \[0, 1\] summing to 1/]);
  cases.push(['sigmoid', base().node('Sigmoid', ['s'], ['out']), 'logits', /do not sum to 1/]);
  for (const [name, builder, kind, reason] of cases) {
    const path = writeModel(dir, `${name}.onnx`, builder.output('out', 'float32').build({ opset: 12, irVersion: 7 }));
    const m = await loadModel(path);
    assert.equal(m.outputKind, kind, name);
    assert.match(m.outputKindReason, reason, name);
    await m.release();
  }
});

test('NHWC and free spatial sizes are read from the shape', async () => {
  const nhwc = await loadModel(writeModel(dir, 'nhwc.onnx', linear({ layout: 'NHWC', softmax: true, batch: 1 })));
  assert.deepEqual([nhwc.layout, nhwc.channels, nhwc.height, nhwc.width, nhwc.dynamicBatch, nhwc.outputKind], ['NHWC', 3, 2, 2, false, 'probabilities']);
  await nhwc.release();
  const free = new GraphBuilder()
    .input('x', 'float32', ['N', 1, 'H', 'W'])
    .node('GlobalAveragePool', ['x'], ['g'])
    .node('Flatten', ['g'], ['y'])
    .output('y', 'float32', ['N', 1]);
  const m = await loadModel(writeModel(dir, 'free.onnx', free.build()));
  assert.deepEqual([m.channels, m.height, m.width, m.dynamicBatch, m.outputSize], [1, null, null, true, 1]);
  await m.release();
});

test('errors: missing file, folder, corrupt bytes', async () => {
  await rejectsWith(join(dir, 'nope.onnx'), 'not-found', /model file not found: .*nope\.onnx/);
  const folder = join(dir, 'folder.onnx');
  mkdirSync(folder);
  await rejectsWith(folder, 'not-found', /is a folder, not an ONNX model file/);
  const text = join(dir, 'text.onnx');
  writeFileSync(text, 'this is not a model, just some text\n');
  await rejectsWith(text, 'corrupt', /text\.onnx is not an ONNX model/);
  const empty = join(dir, 'empty.onnx');
  writeFileSync(empty, '');
  await rejectsWith(empty, 'corrupt', /is not an ONNX model \(no IR version, graph/);
  if (!fixturesMissing) {
    const truncated = join(dir, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(fixtureModel('squeezenet-fp16.onnx')).subarray(0, 100_000));
    await rejectsWith(truncated, 'corrupt', /truncated\.onnx is not an ONNX model \(protobuf decoding failed/);
  }
});

test('errors: two inputs, int64 image, rank-2 input, five channels, int64 output', async () => {
  const twoInputs = new GraphBuilder()
    .input('image', 'float32', [1, 3, 4, 4])
    .input('mask', 'float32', [1, 3, 4, 4])
    .node('Mul', ['image', 'mask'], ['y'])
    .output('y', 'float32', [1, 3, 4, 4]);
  await rejectsWith(writeModel(dir, 'two.onnx', twoInputs.build()), 'multiple-inputs', /2 inputs \('image', 'mask'\)/);
  const int64 = new GraphBuilder().input('pixels', 'int64', [1, 3, 8, 8]).node('Cast', ['pixels'], ['y'], { to: attr.int(1) }).output('y', 'float32');
  await rejectsWith(writeModel(dir, 'int64.onnx', int64.build()), 'unsupported-dtype', /input 'pixels' has data type int64; only float32 and float16/);
  const rank2 = new GraphBuilder().input('features', 'float32', [1, 784]).node('Relu', ['features'], ['y']).output('y', 'float32', [1, 784]);
  await rejectsWith(writeModel(dir, 'rank2.onnx', rank2.build()), 'not-image', /input 'features' has shape \[1, 784\]; an image input needs rank 4/);
  const five = new GraphBuilder().input('x', 'float32', [1, 5, 8, 8]).node('Relu', ['x'], ['y']).output('y', 'float32');
  await rejectsWith(writeModel(dir, 'five.onnx', five.build()), 'not-image', /shape \[1, 5, 8, 8\]; an image input needs 1 or 3 channels/);
  const argmaxOut = new GraphBuilder().input('x', 'float32', [1, 3, 8, 8]).node('ArgMax', ['x'], ['y'], { axis: attr.int(1) }).output('y', 'int64');
  await rejectsWith(writeModel(dir, 'argmax.onnx', argmaxOut.build()), 'unsupported-dtype', /output 'y' has data type int64/);
});

test('errors: missing external data file, onnxruntime load failure', async () => {
  const weights = { ...floatTensor('W', [2, 12], new Array(24).fill(1)), raw_data: undefined, data_location: DataLocation.EXTERNAL, external_data: [{ key: 'location', value: 'linear.weights' }] };
  const model = linear();
  model.graph!.initializer = model.graph!.initializer.map((t) => (t.name === 'W' ? weights : t));
  await rejectsWith(writeModel(dir, 'external.onnx', model), 'external-data-missing', /external data file 'linear\.weights' for tensor 'W' not found/);
  const unknownOp = new GraphBuilder().input('x', 'float32', [1, 3, 8, 8]).node('NoSuchOperator', ['x'], ['y']).output('y', 'float32');
  await rejectsWith(writeModel(dir, 'unknown-op.onnx', unknownOp.build()), 'runtime', /onnxruntime could not load .*unknown-op\.onnx: .*NoSuchOperator/);
});
