import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { ModelError } from '../../../src/model/errors';
import { attr, floatAttribute, intAttribute, intsAttribute, stringAttribute, tensorAttribute } from '../../../src/model/onnx/attributes';
import { GraphBuilder, valueInfo } from '../../../src/model/onnx/builder';
import { decodeModel, encodeModel } from '../../../src/model/onnx/codec';
import { checkExternalData, externalDataRef } from '../../../src/model/onnx/external';
import { consumers, opsetVersion, producers, runtimeInputs, tensorShape } from '../../../src/model/onnx/graph';
import { floatTensor, int64Tensor, tensorToFloat32, tensorToIntegers } from '../../../src/model/onnx/tensor';
import { DataLocation, DataType, type TensorProto } from '../../../src/model/onnx/types';
import { fixtureModel, fixturesMissing, tempDir, writeModel } from './fixtures';

test('the fixture models decode and re-encode to the same bytes', { skip: fixturesMissing }, () => {
  for (const name of ['mnist-8.onnx', 'cifar10-tutorial.onnx', 'squeezenet-fp16.onnx']) {
    const bytes = readFileSync(fixtureModel(name));
    assert.deepEqual(Buffer.from(encodeModel(decodeModel(bytes))), bytes, name);
  }
});

test('fixture graphs: opsets, initializers listed as inputs (IR 3), shapes, float16 raw_data', { skip: fixturesMissing }, () => {
  const mnist = decodeModel(readFileSync(fixtureModel('mnist-8.onnx')));
  assert.equal(opsetVersion(mnist), 7);
  assert.equal(mnist.graph!.input.length, 9);
  assert.deepEqual(runtimeInputs(mnist.graph!).map((v) => v.name), ['Input3']);
  assert.deepEqual(tensorShape(mnist.graph!.output[0]), [1, 10]);
  const reshapeShape = mnist.graph!.initializer.find((t) => t.data_type === DataType.INT64)!;
  assert.deepEqual(tensorToIntegers(reshapeShape).length, reshapeShape.dims[0]);

  const cifar = decodeModel(readFileSync(fixtureModel('cifar10-tutorial.onnx')));
  assert.equal(opsetVersion(cifar, 'ai.onnx'), 10);
  assert.deepEqual(tensorShape(cifar.graph!.input[0]), ['batch_size', 3, 32, 32]);
  const gemm = cifar.graph!.node.find((n) => n.op_type === 'Gemm')!;
  assert.equal(intAttribute(gemm, 'transB'), 1);
  assert.equal(floatAttribute(gemm, 'alpha'), 1);

  const squeeze = decodeModel(readFileSync(fixtureModel('squeezenet-fp16.onnx')));
  const bias = squeeze.graph!.initializer.find((t) => t.name === 'conv10_b_0')!;
  assert.equal(bias.data_type, DataType.FLOAT16);
  const values = tensorToFloat32(bias);
  assert.equal(values.length, 1000);
  assert.ok(values.every(Number.isFinite) && values.some((v) => v !== 0));
  const softmax = producers(squeeze.graph!).get('softmaxout_1')!;
  assert.equal(softmax.op_type, 'Softmax');
  assert.deepEqual(consumers(squeeze.graph!).get('pool10_1')!.map((n) => n.op_type), ['Softmax']);
});

test('built models survive encode/decode with every field', () => {
  const model = new GraphBuilder()
    .input('x', 'float32', ['N', 3, null, 4])
    .initializer(floatTensor('w', [2, 2], [1, -2, 3.5, 0.25]))
    .initializer(floatTensor('h', [3], [0.1, 65504, -(2 ** -24)], 'float16'))
    .initializer(int64Tensor('shape', [2], [-1, 12]))
    .node('Reshape', ['x', 'shape'], ['r'])
    .node('Conv', ['r', 'w'], ['y'], { strides: attr.ints([2, 2]), alpha: attr.float(0.5), mode: attr.string('same'), group: attr.int(1) })
    .value('r', 'float32', [null, 12])
    .output('y', 'float16')
    .build({ opset: 11, irVersion: 6 });
  const back = decodeModel(encodeModel(model));
  assert.equal(back.ir_version, 6);
  assert.equal(opsetVersion(back), 11);
  assert.deepEqual(tensorShape(back.graph!.input[0]), ['N', 3, null, 4]);
  assert.equal(tensorShape(back.graph!.output[0]), undefined);
  assert.deepEqual(tensorShape(back.graph!.value_info[0]), [null, 12]);
  const conv = back.graph!.node[1];
  assert.deepEqual(intsAttribute(conv, 'strides'), [2, 2]);
  assert.equal(floatAttribute(conv, 'alpha'), 0.5);
  assert.equal(stringAttribute(conv, 'mode'), 'same');
  assert.equal(intAttribute(conv, 'group'), 1);
  assert.equal(intAttribute(conv, 'missing', 7), 7);
  assert.deepEqual(intsAttribute(conv, 'pads', [0, 0]), [0, 0]);
  assert.throws(() => intAttribute(conv, 'missing'), /no attribute 'missing'/);
  const [w, h, shape] = back.graph!.initializer;
  assert.deepEqual([...tensorToFloat32(w)], [1, -2, 3.5, 0.25]);
  assert.deepEqual([...tensorToFloat32(h)], [0.0999755859375, 65504, -(2 ** -24)]);
  assert.deepEqual(tensorToIntegers(shape), [-1, 12]);
});

test('tensors stored in the typed fields read like raw_data', () => {
  const typed = (data_type: number, dims: number[], fields: Partial<TensorProto>): TensorProto => ({ name: 't', dims, data_type, ...fields });
  assert.deepEqual([...tensorToFloat32(typed(DataType.FLOAT, [2], { float_data: [1.5, -3] }))], [1.5, -3]);
  assert.deepEqual([...tensorToFloat32(typed(DataType.DOUBLE, [2], { double_data: [0.25, 8] }))], [0.25, 8]);
  assert.deepEqual([...tensorToFloat32(typed(DataType.FLOAT16, [2], { int32_data: [0x3c00, 0xc000] }))], [1, -2]);
  assert.deepEqual([...tensorToFloat32(typed(DataType.BFLOAT16, [1], { int32_data: [0x3fc0] }))], [1.5]);
  assert.deepEqual(tensorToIntegers(typed(DataType.INT64, [3], { int64_data: [1, -1, 7] })), [1, -1, 7]);
  assert.deepEqual(tensorToIntegers(typed(DataType.INT32, [2], { int32_data: [4, -5] })), [4, -5]);
  const raw = (data_type: number, bytes: number[]): TensorProto => ({ name: 'r', dims: [bytes.length], data_type, raw_data: Uint8Array.from(bytes) });
  assert.deepEqual(tensorToIntegers(raw(DataType.INT8, [0xff, 3])), [-1, 3]);
  assert.deepEqual(tensorToIntegers(raw(DataType.BOOL, [1, 0])), [1, 0]);
  assert.throws(() => tensorToFloat32(typed(DataType.INT64, [1], { int64_data: [1] })), /int64, not a floating-point type/);
  assert.throws(() => tensorToIntegers(typed(DataType.FLOAT, [1], { float_data: [1] })), /float32, not an integer type/);
  const wrong: TensorProto = { name: 'short', dims: [3], data_type: DataType.FLOAT, raw_data: new Uint8Array(8) };
  assert.throws(() => tensorToFloat32(wrong), /'short' has 8 data bytes, expected 3 x 4/);
});

test('unaligned raw_data slices are read correctly', () => {
  const buffer = new Uint8Array(9);
  new DataView(buffer.buffer).setFloat32(1, 2.5, true);
  new DataView(buffer.buffer).setFloat32(5, -7, true);
  const t: TensorProto = { name: 'u', dims: [2], data_type: DataType.FLOAT, raw_data: buffer.subarray(1) };
  assert.deepEqual([...tensorToFloat32(t)], [2.5, -7]);
});

/** Moves a tensor's raw_data into a file beside the model, at the given offset. */
function externalise(t: TensorProto, dir: string, location: string, offset: number): TensorProto {
  const file = new Uint8Array(offset + t.raw_data!.length);
  file.set(t.raw_data!, offset);
  writeFileSync(join(dir, location), file);
  return {
    name: t.name,
    dims: t.dims,
    data_type: t.data_type,
    data_location: DataLocation.EXTERNAL,
    external_data: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(t.raw_data!.length) },
    ],
  };
}

test('external data: read relative to the model folder, loaded by onnxruntime, missing files named', async () => {
  const dir = tempDir();
  const weights = externalise(floatTensor('w', [3], [2, -1, 0.5]), dir, 'weights.bin', 16);
  const model = new GraphBuilder()
    .input('x', 'float32', [3])
    .initializer(weights)
    .node('Mul', ['x', 'w'], ['y'])
    .output('y', 'float32', [3])
    .build();
  assert.deepEqual(externalDataRef(weights, dir), { tensor: 'w', location: 'weights.bin', path: join(dir, 'weights.bin'), offset: 16, length: 12 });
  assert.deepEqual([...tensorToFloat32(weights, dir)], [2, -1, 0.5]);
  const path = writeModel(dir, 'external.onnx', model);
  checkExternalData(decodeModel(readFileSync(path)), dir, path);
  const session = await ort.InferenceSession.create(path);
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3), [3]) });
  assert.deepEqual([...(out.y.data as Float32Array)], [2, -2, 1.5]);
  await session.release();

  const missing = { ...weights, external_data: [{ key: 'location', value: 'gone.bin' }] };
  const broken = { ...model, graph: { ...model.graph!, initializer: [missing] } };
  assert.throws(
    () => checkExternalData(broken, dir, 'm.onnx'),
    (err: unknown) => err instanceof ModelError && err.code === 'external-data-missing' && /'gone.bin' for tensor 'w' not found/.test(err.message),
  );
  const tooLong = { ...weights, external_data: [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '20' }, { key: 'length', value: '12' }] };
  assert.throws(() => checkExternalData({ ...model, graph: { ...model.graph!, initializer: [tooLong] } }, dir, 'm.onnx'), /holds 28 bytes, tensor 'w' needs bytes 20..32/);
});

test('Constant tensors are reachable through the attribute helper', () => {
  const model = new GraphBuilder()
    .node('Constant', [], ['c'], { value: attr.tensor(floatTensor('', [2], [4, 5])) })
    .output('c', 'float32', [2])
    .build();
  const back = decodeModel(encodeModel(model));
  assert.deepEqual([...tensorToFloat32(tensorAttribute(back.graph!.node[0], 'value'))], [4, 5]);
  assert.deepEqual(valueInfo('v', 'int64', [2]).type?.tensor_type?.elem_type, DataType.INT64);
});
