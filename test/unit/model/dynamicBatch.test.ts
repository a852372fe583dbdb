import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { createImage, type Image } from '../../../src/core/image';
import { createRng } from '../../../src/core/rng';
import { rewriteBatchDimension } from '../../../src/model/batchRewrite';
import { checkBatching } from '../../../src/model/dynamicBatch';
import { buildGradientModel } from '../../../src/model/gradient/gradientModel';
import { loadModel } from '../../../src/model/load';
import type { LoadedModel } from '../../../src/model/modelInfo';
import { attr } from '../../../src/model/onnx/attributes';
import { GraphBuilder } from '../../../src/model/onnx/builder';
import { encodeModel } from '../../../src/model/onnx/codec';
import { tensorShape } from '../../../src/model/onnx/graph';
import { floatTensor, int64Tensor } from '../../../src/model/onnx/tensor';
import type { ModelProto } from '../../../src/model/onnx/types';
import { planPreprocessing, type PresetName } from '../../../src/model/preprocess';
import { ModelRunner } from '../../../src/model/runner';
import { fixtureImage, fixtureModel, fixturesMissing, tempDir, writeModel } from './fixtures';

const dir = tempDir();
const rng = createRng(97);
const random = (n: number, scale = 1): number[] => Array.from({ length: n }, () => scale * (rng.next() - 0.5));
const [C, H, W, F, K] = [3, 6, 5, 4, 3];

/** Conv -> Relu -> GlobalAveragePool -> Reshape([1, -1]) -> Gemm with a static batch of 1, as exporters write it. */
function smallCnn(): GraphBuilder {
  return new GraphBuilder()
    .input('x', 'float32', [1, C, H, W])
    .initializer(floatTensor('w', [F, C, 3, 3], random(F * C * 9)))
    .initializer(floatTensor('cb', [F], random(F)))
    .initializer(floatTensor('fw', [K, F], random(K * F, 4)))
    .initializer(floatTensor('fb', [K], random(K)))
    .node('Conv', ['x', 'w', 'cb'], ['conv'], { pads: attr.ints([1, 1, 1, 1]) })
    .node('Relu', ['conv'], ['relu'])
    .node('GlobalAveragePool', ['relu'], ['pool'])
    .value('conv', 'float32', [1, F, H, W])
    .value('pool', 'float32', [1, F, 1, 1]);
}

/** smallCnn with its Reshape([1, -1]) and Gemm head. */
const cnn = (): ModelProto =>
  withHead(smallCnn().initializer(int64Tensor('flat_shape', [2], [1, -1])).node('Reshape', ['pool', 'flat_shape'], ['flat']), 'flat');

const withHead = (g: GraphBuilder, from: string): ModelProto =>
  g.node('Gemm', [from, 'fw', 'fb'], ['logits'], { transB: attr.int(1) }).value(from, 'float32', [1, F]).output('logits', 'float32', [1, K]).build({ opset: 13, irVersion: 7 });

function images(count: number, c = C, h = H, w = W): Image[] {
  return Array.from({ length: count }, () => createImage(c, h, w, Float32Array.from({ length: c * h * w }, () => rng.next())));
}

/** Counts the model's session.run calls. */
function countRuns(model: LoadedModel): () => number {
  const session = model.session as ort.InferenceSession & { run: ort.InferenceSession['run'] };
  const run = session.run.bind(session);
  let calls = 0;
  session.run = ((...args: Parameters<typeof run>) => {
    calls++;
    return run(...args);
  }) as typeof run;
  return () => calls;
}

/** max |a - b| / max |b| over each pair of rows. */
function assertRowsClose(actual: readonly Float32Array[], expected: readonly Float32Array[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  expected.forEach((e, i) => {
    assert.equal(actual[i].length, e.length, `${what} ${i}`);
    const scale = e.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const diff = e.reduce((m, v, k) => Math.max(m, Math.abs(actual[i][k] - v)), 0);
    assert.ok(diff <= tolerance * scale, `${what} ${i}: max difference ${diff} against largest value ${scale}`);
  });
}

/** Outputs of the model batched (rewritten) and one by one (the file as it is), with the runs each took. */
async function batchedVsOneByOne(path: string, inputs: readonly Image[], preset: PresetName, batchSize: number) {
  const batched = await loadModel(path);
  const single = await loadModel(path, { batchRewrite: false });
  try {
    const batchedRuns = countRuns(batched);
    const singleRuns = countRuns(single);
    const a = await new ModelRunner(batched, planPreprocessing({ preset }, batched), { batchSize }).runBatch(inputs);
    const b = await new ModelRunner(single, planPreprocessing({ preset }, single), { batchSize }).runBatch(inputs);
    return { batched: a, single: b, batchedRuns: batchedRuns(), singleRuns: singleRuns(), info: batched.batching, singleInfo: single.batching };
  } finally {
    await batched.release();
    await single.release();
  }
}

test('a static-batch CNN (Reshape to [1, -1]) is rewritten, batches, and equals one-by-one runs', async () => {
  const path = writeModel(dir, 'cnn.onnx', cnn());
  const inputs = images(7);
  const r = await batchedVsOneByOne(path, inputs, 'unit', 4);
  assert.equal(r.info.rewritten, true, r.info.reason);
  assert.equal(r.info.dynamic, true);
  assert.ok(r.info.changes.some((c) => /Reshape node .*: shape \[1, -1\] -> \[0, -1\]/.test(c)), r.info.changes.join('; '));
  assert.equal(r.batchedRuns, 2, 'ceil(7 / 4) runs');
  assert.equal(r.singleRuns, 7);
  assert.deepEqual([r.singleInfo.dynamic, r.singleInfo.rewritten], [false, false]);
  assertRowsClose(r.batched, r.single, 1e-5, 'image');
  assert.ok(r.batched.some((row, i) => i > 0 && row.some((v, k) => v !== r.batched[0][k])), 'distinct images give distinct outputs');
});

test('the loaded model keeps the file\'s shapes and records the rewrite; the proto is the rewritten graph', async () => {
  const path = writeModel(dir, 'cnn-info.onnx', cnn());
  const m = await loadModel(path);
  try {
    assert.deepEqual(m.input.shape, [1, C, H, W]);
    assert.deepEqual([m.dynamicBatch, m.fixedBatch, m.outputSize], [false, 1, K]);
    const graph = m.proto.graph!;
    assert.deepEqual(tensorShape(graph.input[0]), ['batch', C, H, W]);
    assert.deepEqual(tensorShape(graph.output[0]), ['batch', K]);
    assert.equal(graph.value_info.length, 0);
    assert.ok(!graph.initializer.some((t) => t.name === 'flat_shape'), 'the replaced shape initializer is dropped');
    assert.match(m.batching.reason, /rewritten to a symbolic batch 'batch' and checked/);
  } finally {
    await m.release();
  }
});

test('the graph gradient works on the rewritten model and equals the one on the file as it is', async () => {
  const path = writeModel(dir, 'cnn-grad.onnx', cnn());
  const inputs = images(3);
  const grads: Float32Array[][] = [];
  for (const batchRewrite of [true, false]) {
    const m = await loadModel(path, { batchRewrite });
    const g = await buildGradientModel(m, planPreprocessing({ preset: 'unit' }, m));
    try {
      assert.equal(m.batching.rewritten, batchRewrite);
      grads.push(await g.gradient(inputs, { target: [0, 1, 2] }));
    } finally {
      await g.release();
      await m.release();
    }
  }
  assertRowsClose(grads[0], grads[1], 1e-5, 'gradient');
});

test('a Reshape whose shape is computed keeps batch 1, and the model info says why', async () => {
  const g = smallCnn()
    .initializer(int64Tensor('one', [1], [1]))
    .initializer(int64Tensor('rest', [1], [-1]))
    .node('Concat', ['one', 'rest'], ['computed'], { axis: attr.int(0) })
    .node('Reshape', ['pool', 'computed'], ['flat']);
  const path = writeModel(dir, 'computed.onnx', withHead(g, 'flat'));
  const r = await batchedVsOneByOne(path, images(3), 'unit', 4);
  assert.deepEqual([r.info.dynamic, r.info.rewritten], [false, false]);
  assert.match(r.info.reason, /fixes the batch to 1; kept one image per run: Reshape node .*: its shape comes from Concat node .*a computed tensor/);
  assert.equal(r.batchedRuns, 3, 'one run per image');
  assertRowsClose(r.batched, r.single, 0, 'image');
});

test('a rewrite that the graph analysis accepts but onnxruntime cannot run at batch 3 falls back, saying why', async () => {
  // rows = x as [3 * N, 4]; first = the first 4 values of each image [N, 4]; rows + first broadcasts only at N = 1.
  const g = new GraphBuilder()
    .input('x', 'float32', [1, 3, 2, 2])
    .initializer(int64Tensor('s1', [2], [1, -1]))
    .initializer(int64Tensor('s2', [2], [-1, 4]))
    .initializer(int64Tensor('starts', [1], [0]))
    .initializer(int64Tensor('ends', [1], [4]))
    .initializer(int64Tensor('axes', [1], [1]))
    .initializer(int64Tensor('s3', [2], [1, 12]))
    .node('Reshape', ['x', 's1'], ['flat'])
    .node('Slice', ['flat', 'starts', 'ends', 'axes'], ['first'])
    .node('Reshape', ['x', 's2'], ['rows'])
    .node('Add', ['rows', 'first'], ['sum'])
    .node('Reshape', ['sum', 's3'], ['y'])
    .output('y', 'float32', [1, 12]);
  const m = await loadModel(writeModel(dir, 'broadcast-rows.onnx', g.build({ opset: 13, irVersion: 7 })));
  try {
    assert.deepEqual([m.batching.dynamic, m.batching.rewritten], [false, false]);
    assert.match(m.batching.reason, /the rewritten graph failed on a batch of 3/);
    const out = await new ModelRunner(m, planPreprocessing({ preset: 'unit' }, m)).runBatch(images(2, 3, 2, 2));
    assert.equal(out.length, 2);
  } finally {
    await m.release();
  }
});

test('the check compares each image of the batch with its one-image run', async () => {
  const a = cnn();
  const rewrite = rewriteBatchDimension(a);
  assert.ok(rewrite.ok);
  const other = rewriteBatchDimension(cnn());
  assert.ok(other.ok);
  const original = await ort.InferenceSession.create(encodeModel(a));
  const same = await ort.InferenceSession.create(encodeModel(rewrite.proto));
  const different = await ort.InferenceSession.create(encodeModel(other.proto)); // other random weights
  const request = {
    proto: a,
    baseDir: dir,
    original,
    inputName: 'x',
    inputDtype: 'float32' as const,
    inputDims: [1, C, H, W],
    outputNames: ['logits'],
    sessionOptions: {},
  };
  try {
    assert.equal(await checkBatching(request, same), undefined);
    assert.match((await checkBatching(request, different)) ?? '', /output 'logits' of image 0 in a batch of 3 differs from its one-image run/);
  } finally {
    await Promise.all([original.release(), same.release(), different.release()]);
  }
});

/** A [1, 3, 2, 4] input through `build` (which adds nodes from 'x' to 'y'), output [1, ...]. */
function tiny(build: (g: GraphBuilder) => GraphBuilder, outShape: readonly (number | string)[] = [1, 24], opset = 13): ModelProto {
  return build(new GraphBuilder().input('x', 'float32', [1, 3, 2, 4])).output('y', 'float32', outShape).build({ opset, irVersion: 7 });
}

function customDomain(model: ModelProto): ModelProto {
  model.graph!.node[0].domain = 'com.example';
  model.opset_import.push({ domain: 'com.example', version: 1 });
  return model;
}

test('the graph analysis refuses what it cannot prove batch-safe, naming the node and the reason', () => {
  const i64 = int64Tensor;
  const cases: [string, ModelProto, RegExp][] = [
    ['Reshape [1, -1, 4] after a -1 reshape', tiny((g) => g.initializer(i64('s', [2], [-1, 4])).initializer(i64('t', [3], [1, -1, 4])).node('Reshape', ['x', 's'], ['r']).node('Reshape', ['r', 't'], ['y']), [1, 6, 4]), /shape \[1, -1, 4\] fixes the batch and already infers another dimension/],
    ['Shape of the input', tiny((g) => g.node('Shape', ['x'], ['s']).node('Reshape', ['x', 's'], ['y']), [1, 3, 2, 4]), /Shape node .* reads the shape of a batch tensor/],
    ['Slice of the batch axis', tiny((g) => g.initializer(i64('a', [1], [0])).initializer(i64('b', [1], [1])).node('Slice', ['x', 'a', 'b', 'a'], ['y']), [1, 3, 2, 4]), /slices the batch axis \(from 0 to 1\)/],
    ['Gather along axis 0', tiny((g) => g.initializer(i64('i', [1], [0])).node('Gather', ['x', 'i'], ['y'], { axis: attr.int(0) }), [1, 3, 2, 4]), /gathers along the batch axis/],
    ['Expand of the batch', tiny((g) => g.initializer(i64('s', [4], [2, 3, 2, 4])).node('Expand', ['x', 's'], ['y']), [2, 3, 2, 4]), /expands the batch axis to 2/],
    ['Tile of the batch', tiny((g) => g.initializer(i64('r', [4], [2, 1, 1, 1])).node('Tile', ['x', 'r'], ['y']), [2, 3, 2, 4]), /repeats the batch axis 2 times/],
    ['Concat with a constant', tiny((g) => g.initializer(floatTensor('c', [1, 3, 2, 4], random(24))).node('Concat', ['x', 'c'], ['y'], { axis: attr.int(1) }), [1, 6, 2, 4]), /joins a batch tensor with initializer 'c', whose batch dimension would stay 1/],
    ['Concat along the batch', tiny((g) => g.node('Concat', ['x', 'x'], ['y'], { axis: attr.int(0) }), [2, 3, 2, 4]), /concatenates along the batch axis/],
    ['Add of a [2, ...] constant', tiny((g) => g.initializer(floatTensor('c', [2, 1, 1, 1], [1, 2])).node('Add', ['x', 'c'], ['y']), [2, 3, 2, 4]), /operand initializer 'c' has size 2 along the batch axis/],
    ['Add of a computed constant', tiny((g) => g.initializer(i64('s', [4], [1, 3, 2, 4])).node('ConstantOfShape', ['s'], ['c']).node('Add', ['x', 'c'], ['y']), [1, 3, 2, 4]), /the shape of its constant operand \(ConstantOfShape node .*\) is unknown/],
    ['ReduceMean over everything', tiny((g) => g.node('ReduceMean', ['x'], ['y'], { keepdims: attr.int(0) }), []), /reduces over every axis, the batch axis included/],
    ['ReduceSum over the batch', tiny((g) => g.initializer(i64('a', [1], [0])).node('ReduceSum', ['x', 'a'], ['y']), [1, 3, 2, 4]), /reduces over the batch axis/],
    ['Softmax along axis 0', tiny((g) => g.node('Softmax', ['x'], ['y'], { axis: attr.int(0) }), [1, 3, 2, 4]), /normalises along the batch axis/],
    ['Softmax(axis=0) at opset 11', tiny((g) => g.node('Softmax', ['x'], ['y'], { axis: attr.int(0) }), [1, 3, 2, 4], 11), /opset < 13\) normalises over the batch axis/],
    ['Flatten(axis=0)', tiny((g) => g.node('Flatten', ['x'], ['y'], { axis: attr.int(0) }), [1, 24]), /axis 0: it folds the batch into the features/],
    ['Squeeze without axes', tiny((g) => g.node('Squeeze', ['x'], ['y']), [3, 2, 4]), /Squeeze node .* has no axes/],
    ['Transpose then Conv', tiny((g) => g.initializer(floatTensor('w', [1, 1, 1, 1], [1])).node('Transpose', ['x'], ['t'], { perm: attr.ints([1, 0, 2, 3]) }).node('Conv', ['t', 'w'], ['y']), [3, 1, 2, 4]), /Conv node .* needs the batch along axis 0, it is along axis 1/],
    ['Resize to sizes', tiny((g) => g.initializer(i64('sz', [4], [1, 3, 4, 8])).node('Resize', ['x', '', '', 'sz'], ['y']), [1, 3, 4, 8]), /resizes to fixed sizes \[1, 3, 4, 8\]/],
    ['an LSTM', tiny((g) => g.node('LSTM', ['x'], ['y']), [1, 3, 2, 4]), /LSTM node .* is a recurrent operator/],
    ['an unknown operator', tiny((g) => g.node('CumSum', ['x', 'x'], ['y']), [1, 3, 2, 4]), /CumSum node .*is not known to be batch-safe/],
    ['a custom domain', customDomain(tiny((g) => g.node('Relu', ['x'], ['y']), [1, 3, 2, 4])), /Relu node .* is in domain 'com\.example'/],
    ['an output without the input', tiny((g) => g.initializer(floatTensor('y', [1, 24], random(24))), [1, 24]), /output 'y' does not depend on the input/],
  ];
  for (const [name, model, reason] of cases) {
    const result = rewriteBatchDimension(model);
    assert.equal(result.ok, false, name);
    if (!result.ok) assert.match(result.reason, reason, name);
  }
});

test('the graph analysis accepts per-image constructs and rewrites only first entries of Reshape shapes', () => {
  const i64 = int64Tensor;
  const cases: [string, ModelProto, string[]][] = [
    ['Reshape [0, -1]', tiny((g) => g.initializer(i64('s', [2], [0, -1])).node('Reshape', ['x', 's'], ['y'])), []],
    ['Reshape [-1, 24]', tiny((g) => g.initializer(i64('s', [2], [-1, 24])).node('Reshape', ['x', 's'], ['y'])), []],
    ['Reshape [1, 24] (allowzero=1)', tiny((g) => g.initializer(i64('s', [2], [1, 24])).node('Reshape', ['x', 's'], ['y'], { allowzero: attr.int(1) }), [1, 24], 14), ['shape [1, 24] -> [-1, 24]']],
    // [6, 4] leaves 6 rows per image: the [1, 24] after it cannot copy the first dimension (0), it infers it (-1).
    ['Reshape [6, 4] then [1, 24]', tiny((g) => g.initializer(i64('s', [2], [6, 4])).initializer(i64('t', [2], [1, 24])).node('Reshape', ['x', 's'], ['r']).node('Reshape', ['r', 't'], ['y'])), ['shape [6, 4] -> [-1, 4]', 'shape [1, 24] -> [-1, 24]']],
    ['Transpose, Unsqueeze, Softmax, ReduceMean, Squeeze', tiny((g) => g.initializer(i64('a', [1], [1])).initializer(i64('s', [2], [1, -1]))
      .node('Transpose', ['x'], ['t'], { perm: attr.ints([0, 2, 3, 1]) })
      .node('Unsqueeze', ['t', 'a'], ['u'])
      .node('Softmax', ['u'], ['p'], { axis: attr.int(-1) })
      .node('ReduceMean', ['p'], ['m'], { axes: attr.ints([1]) })
      .node('Squeeze', ['m', 'a'], ['q'])
      .node('Reshape', ['q', 's'], ['y'])), ['shape [1, -1] -> [0, -1]']],
    ['MatMul with a constant and a broadcast bias', tiny((g) => g.initializer(i64('s', [3], [1, 6, 4])).initializer(floatTensor('m', [4, 5], random(20))).initializer(floatTensor('b', [1, 1, 5], random(5)))
      .node('Reshape', ['x', 's'], ['r'])
      .node('MatMul', ['r', 'm'], ['p'])
      .node('Add', ['p', 'b'], ['y']), [1, 6, 5]), ['shape [1, 6, 4] -> [0, 6, 4]']],
  ];
  for (const [name, model, reshapes] of cases) {
    const result = rewriteBatchDimension(model);
    assert.ok(result.ok, `${name}: ${result.ok ? '' : result.reason}`);
    assert.deepEqual(result.changes.filter((c) => c.startsWith('Reshape')).map((c) => c.replace(/^Reshape node '[^']*': /, '')), reshapes, name);
    assert.equal(tensorShape(result.proto.graph!.input[0])![0], 'batch', name);
  }
});

test('opset < 5: the Reshape shape attribute is rewritten in place; opset >= 5: a new Constant feeds the Reshape', () => {
  const old = rewriteBatchDimension(tiny((g) => g.node('Reshape', ['x'], ['y'], { shape: attr.ints([1, -1]) }), [1, 24], 4));
  assert.ok(old.ok);
  const reshape = old.proto.graph!.node.find((n) => n.op_type === 'Reshape')!;
  assert.deepEqual(reshape.attribute.find((a) => a.name === 'shape')?.ints, [0, -1]);
  const shared = rewriteBatchDimension(
    tiny((g) =>
      g.initializer(int64Tensor('s', [2], [1, -1])).initializer(floatTensor('c', [4, 6], random(24)))
        .node('Reshape', ['x', 's'], ['r'])
        .node('Reshape', ['c', 's'], ['t'])
        .node('Add', ['r', 't'], ['y'])),
  );
  assert.ok(shared.ok, shared.ok ? '' : shared.reason);
  const nodes = shared.proto.graph!.node;
  assert.deepEqual(nodes.map((n) => n.op_type), ['Constant', 'Reshape', 'Reshape', 'Add']);
  assert.equal(nodes[1].input[1], nodes[0].output[0]);
  assert.deepEqual(nodes[2].input, ['c', 's'], 'the static Reshape keeps the shared initializer');
  assert.ok(shared.proto.graph!.initializer.some((t) => t.name === 's'), 'still read, so kept');
});

test('accepted constructs run batched in onnxruntime exactly as one by one', async () => {
  const i64 = int64Tensor;
  const models: [string, ModelProto][] = [
    ['reshape chain', tiny((g) => g.initializer(i64('s', [2], [6, 4])).initializer(i64('t', [2], [1, 24])).node('Reshape', ['x', 's'], ['r']).node('Relu', ['r'], ['q']).node('Reshape', ['q', 't'], ['y']))],
    ['transpose chain', tiny((g) => g.initializer(i64('a', [1], [1])).initializer(i64('s', [2], [1, -1]))
      .node('Transpose', ['x'], ['t'], { perm: attr.ints([0, 2, 3, 1]) })
      .node('Unsqueeze', ['t', 'a'], ['u'])
      .node('Softmax', ['u'], ['p'], { axis: attr.int(-1) })
      .node('ReduceMean', ['p'], ['m'], { axes: attr.ints([1]) })
      .node('Squeeze', ['m', 'a'], ['q'])
      .node('Reshape', ['q', 's'], ['y']))],
    ['allowzero', tiny((g) => g.initializer(i64('s', [2], [1, 24])).node('Reshape', ['x', 's'], ['y'], { allowzero: attr.int(1) }), [1, 24], 14)],
  ];
  for (const [name, proto] of models) {
    const path = writeModel(dir, `${name.replace(/ /g, '-')}.onnx`, proto);
    const r = await batchedVsOneByOne(path, images(5, 3, 2, 4), 'unit', 5);
    assert.equal(r.info.rewritten, true, `${name}: ${r.info.reason}`);
    assert.equal(r.batchedRuns, 1, name);
    assertRowsClose(r.batched, r.single, 1e-6, name);
  }
});

test('mnist-8 (Reshape [1, 256] before its MatMul): rewritten, batched, equal to one by one', { skip: fixturesMissing }, async () => {
  const inputs = [fixtureImage('mnist_28.png'), ...images(4, 1, 28, 28)];
  const r = await batchedVsOneByOne(fixtureModel('mnist-8.onnx'), inputs, 'unit', 16);
  assert.equal(r.info.rewritten, true, r.info.reason);
  assert.ok(r.info.changes.some((c) => /shape \[1, 256\] -> \[0, 256\]/.test(c)), r.info.changes.join('; '));
  assert.deepEqual([r.batchedRuns, r.singleRuns], [1, 5]);
  assertRowsClose(r.batched, r.single, 1e-5, 'image');
});

test('squeezenet-fp16: rewritten, batched, equal to one-by-one runs to float16 accuracy', { skip: fixturesMissing }, async () => {
  const inputs = [fixtureImage('kitten_224.png'), fixtureImage('coffee.png'), ...images(3, 3, 224, 224)];
  const r = await batchedVsOneByOne(fixtureModel('squeezenet-fp16.onnx'), inputs, 'raw255-bgr', 2);
  assert.equal(r.info.rewritten, true, r.info.reason);
  assert.equal(r.info.dynamic, true);
  assert.deepEqual([r.batchedRuns, r.singleRuns], [3, 5]);
  assertRowsClose(r.batched, r.single, 1e-3, 'image');
});
