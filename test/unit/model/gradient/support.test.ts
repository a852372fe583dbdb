import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { GraphGradient } from '../../../../src/model/gradient/graphGradient';
import { supportsGradient } from '../../../../src/model/gradient/path';
import { SUPPORTED_OPERATORS } from '../../../../src/model/gradient/rules';
import { GradientUnsupportedError, summarizeUnsupported } from '../../../../src/model/gradient/unsupported';
import { decodeModel } from '../../../../src/model/onnx/codec';
import { fixtureModel, fixturesMissing } from '../fixtures';
import { attr, TestGraph } from './models';

/** x -> Relu -> Sin -> Gather(axis 1) -> Tanh: Sin and Gather have no gradient rule; the Shape branch carries none. */
function withUnsupported() {
  const t = new TestGraph([1, 4]);
  const r = t.op('Relu', ['x']);
  const s = t.op('Sin', [r]);
  const shape = t.op('Shape', [s]);
  const g = t.op('Gather', [s, t.ints([0, 2])], { axis: attr.int(1) });
  const sized = t.op('Reshape', [t.op('Tanh', [g]), t.op('Concat', [t.op('Slice', [shape, t.ints([0]), t.ints([1])]), t.ints([-1])], { axis: attr.int(0) })]);
  return t.build(sized, 13);
}

test('supportsGradient names every operator without a gradient rule and its node, and nothing off the path', () => {
  const support = supportsGradient(withUnsupported());
  assert.equal(support.ok, false);
  assert.deepEqual(
    support.unsupported.map((u) => [u.op, u.node]),
    [
      ['Sin', 'Sin_1'],
      ['Gather', 'Gather_3'],
    ],
  );
});

test('building the gradient of an unsupported graph fails with GradientUnsupportedError naming the operators and nodes', async () => {
  const model = withUnsupported();
  const outputName = model.graph!.output[0].name!;
  await assert.rejects(
    GraphGradient.create(model, { inputName: 'x', outputName, inputDtype: 'float32', inputDims: [1, 4], dynamicBatch: false }),
    (err: unknown) => {
      assert.ok(err instanceof GradientUnsupportedError);
      assert.match(err.message, /Sin x 1 \(node Sin_1: no gradient rule for this operator\)/);
      assert.match(err.message, /Gather x 1 \(node Gather_3/);
      return true;
    },
  );
});

test('attribute-level limits are reported with the reason: Conv whose weights depend on the input, BatchNormalization in training mode', () => {
  const t = new TestGraph([1, 1, 3, 3]);
  const conv = t.op('Conv', [t.weight([1, 1, 3, 3]), 'x']);
  const bn = t.op('BatchNormalization', [conv, t.weight([1]), t.weight([1]), t.weight([1]), t.weight([1], [1])], { training_mode: attr.int(1) });
  const support = supportsGradient(t.build(bn, 15));
  assert.deepEqual(
    support.unsupported.map((u) => [u.op, u.reason]),
    [
      ['Conv', 'weights or bias that depend on the input'],
      ['BatchNormalization', 'training mode (batch statistics)'],
    ],
  );
});

test('the supported operator list covers the issue and includes Constant', () => {
  for (const op of ['Conv', 'Gemm', 'MatMul', 'Add', 'Sub', 'Mul', 'Div', 'Relu', 'LeakyRelu', 'Clip', 'Sigmoid', 'Tanh', 'HardSigmoid', 'HardSwish',
    'Softmax', 'LogSoftmax', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'BatchNormalization', 'Flatten', 'Reshape',
    'Squeeze', 'Unsqueeze', 'Transpose', 'Concat', 'Dropout', 'Identity', 'Constant', 'Pad', 'ReduceMean', 'ReduceSum', 'Cast', 'Sum']) {
    assert.ok(SUPPORTED_OPERATORS.includes(op), op);
  }
});

test('the three fixture models are fully supported', { skip: fixturesMissing }, () => {
  for (const name of ['mnist-8.onnx', 'cifar10-tutorial.onnx', 'squeezenet-fp16.onnx']) {
    const support = supportsGradient(decodeModel(readFileSync(fixtureModel(name))));
    assert.deepEqual(support, { ok: true, unsupported: [] }, name);
  }
});

test('the unsupported-operator message lists operator types with counts, not every node', () => {
  const nodes = (op: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({ op, node: `${op.toLowerCase()}_${i}`, reason: 'no gradient rule for this operator' }));
  const message = summarizeUnsupported([...nodes('QLinearConv', 52), ...nodes('QLinearAdd', 10), ...nodes('DequantizeLinear', 1)]);
  assert.match(message, /^3 operator types without a usable gradient rule: /);
  assert.match(message, /QLinearConv x 52 \(nodes qlinearconv_0, qlinearconv_1, \.\.\.: no gradient rule for this operator\)/);
  assert.match(message, /QLinearAdd x 10 /);
  assert.match(message, /DequantizeLinear x 1 \(node dequantizelinear_0: /);
  assert.doesNotMatch(message, /qlinearconv_2/);
  assert.ok(message.length < 400, `${message.length} characters`);
});
