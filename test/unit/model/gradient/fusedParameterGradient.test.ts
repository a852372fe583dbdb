import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OutputKind } from '../../../../src/core/outputs/classifier';
import { createRng } from '../../../../src/core/rng';
import { forwardAtBackwardOpset } from '../../../../src/model/gradient/forwardUpgrade';
import { FusedParameterGradient } from '../../../../src/model/gradient/fusedParameterGradient';
import { GraphGradient } from '../../../../src/model/gradient/graphGradient';
import { objective } from '../../../../src/model/gradient/objective';
import { selfContained } from '../../../../src/model/gradient/selfContained';
import { probeShapes } from '../../../../src/model/gradient/shapes';
import { loadModel } from '../../../../src/model/load';
import type { ModelProto } from '../../../../src/model/onnx/types';
import { fixtureModel, fixturesMissing } from '../fixtures';
import { attr, TestGraph } from './models';
import { CONV_INPUT, convModel } from './parameterModels';

interface Case {
  readonly proto: ModelProto;
  readonly inputName: string;
  readonly outputName: string;
  readonly dtype: 'float32' | 'float16';
  readonly dims: readonly number[];
  readonly kind: OutputKind;
}

/** The fused model's gradients and output against GraphGradient's two sessions seeded with objective()'s cotangent. */
async function compare(c: Case, target: number, seed: number): Promise<{ largest: number; difference: number; outputDifference: number }> {
  const rng = createRng(seed);
  const input = Float32Array.from({ length: c.dims.reduce((n, d) => n * d, 1) }, () => rng.next());
  const probe = await probeShapes(c.proto, { name: c.inputName, dtype: c.dtype, dims: c.dims, dynamicBatch: false });
  const common = { inputName: c.inputName, outputName: c.outputName, inputDtype: c.dtype, inputDims: c.dims, probe };
  const fused = await FusedParameterGradient.create(c.proto, { ...common, outputKind: c.kind });
  assert.ok(fused, 'the forward graph is read at the backward opset');
  const graph = await GraphGradient.create(c.proto, { ...common, dynamicBatch: false, parameters: true });
  try {
    assert.deepEqual(fused.parameters, graph.parameters);
    const one = await fused.evaluate(input, target);
    const two = await graph.parameterVjp(input, (row) => objective(row, c.kind, 'loss', target).cotangent);
    let largest = 0;
    let difference = 0;
    two.gradients.forEach((g, i) =>
      g.forEach((v, j) => {
        largest = Math.max(largest, Math.abs(v));
        difference = Math.max(difference, Math.abs(v - one.gradients[i][j]));
      }),
    );
    const outputDifference = Math.max(...two.output.map((v, i) => Math.abs(v - one.output[i])));
    return { largest, difference, outputDifference };
  } finally {
    await Promise.all([fused.release(), graph.release()]);
  }
}

/** convModel's classifier ending in Softmax over [1, 3, 1, 1] at `opset`: before 13 the default axis 1 covers [3, 1, 1]. */
function probabilityModel(opset: number): ModelProto {
  const t = new TestGraph([1, 3, 4, 4], 'float32');
  const conv = t.op('Conv', ['x', t.weight([3, 3, 3, 3], undefined, 0.5), t.weight([3], undefined, 0.2)], { pads: attr.ints([1, 1, 1, 1]) });
  const pooled = t.op('GlobalAveragePool', [t.op('Dropout', [t.op('Tanh', [conv])])]);
  return t.build(t.op('Softmax', [pooled]), opset);
}

describe('forward and backward in one model', () => {
  test('logits: the same loss gradient as the two sessions, to float precision', async () => {
    const proto = convModel();
    const out = proto.graph!.output[0].name!;
    for (const target of [0, 2]) {
      const r = await compare({ proto, inputName: 'x', outputName: out, dtype: 'float32', dims: CONV_INPUT, kind: 'logits' }, target, 3 + target);
      assert.ok(r.largest > 1e-3, 'a gradient that is not zero');
      assert.ok(r.difference <= 1e-5 * r.largest, `${r.difference} of ${r.largest}`);
      assert.equal(r.outputDifference, 0);
    }
  });

  test('a confident prediction, p_t rounding to 1 in float32: the target cotangent from the other probabilities, as objective() gets it in float64', async () => {
    const t = new TestGraph([1, 3, 4, 4], 'float32');
    const logits = t.op('Gemm', [t.op('Flatten', ['x']), t.weight([4, 48], undefined, 0.1), t.weight([4], [30, 0, -5, 2])], { transB: attr.int(1) });
    const r = await compare({ proto: t.build(logits, 13), inputName: 'x', outputName: logits, dtype: 'float32', dims: [1, 3, 4, 4], kind: 'logits' }, 0, 9);
    assert.ok(r.largest > 0 && r.largest < 1e-9, `${r.largest}: the loss is ~e^-28`);
    assert.ok(r.difference <= 1e-4 * r.largest, `${r.difference} of ${r.largest}`);
  });

  test('an output without a batch axis ([K]): the cotangent over its K values', async () => {
    const t = new TestGraph([1, 3, 4, 4], 'float32');
    const logits = t.op('Gemm', [t.op('Flatten', ['x']), t.weight([4, 48], undefined, 0.1), t.weight([4])], { transB: attr.int(1) });
    const flat = t.op('Reshape', [logits, t.ints([4])]);
    const r = await compare({ proto: t.build(flat, 13), inputName: 'x', outputName: flat, dtype: 'float32', dims: [1, 3, 4, 4], kind: 'logits' }, 2, 13);
    assert.ok(r.largest > 1e-3);
    assert.ok(r.difference <= 1e-5 * r.largest, `${r.difference} of ${r.largest}`);
  });

  test('probabilities at opset 7: Softmax read with its old axis, Dropout as the identity', async () => {
    const proto = probabilityModel(7);
    const out = proto.graph!.output[0].name!;
    const c: Case = { proto, inputName: 'x', outputName: out, dtype: 'float32', dims: [1, 3, 4, 4], kind: 'probabilities' };
    const r = await compare(c, 1, 5);
    assert.ok(r.largest > 1e-3);
    assert.ok(r.difference <= 1e-5 * r.largest, `${r.difference} of ${r.largest}`);
    assert.equal(r.outputDifference, 0, 'the upgraded Softmax normalises over the same values');
  });

  test('fixture models: mnist-8 and cifar10 (float32, opsets 7 and 10) to float precision, squeezenet (float16) to half precision', { skip: fixturesMissing }, async () => {
    for (const [name, target, tolerance] of [['mnist-8.onnx', 3, 1e-5], ['cifar10-tutorial.onnx', 4, 1e-5], ['squeezenet-fp16.onnx', 281, 1e-2]] as const) {
      const loaded = await loadModel(fixtureModel(name), { threads: 1 });
      try {
        const dims = [1, ...loaded.input.shape.slice(1).map(Number)];
        const c: Case = {
          proto: selfContained(loaded.proto, loaded.baseDir),
          inputName: loaded.input.name,
          outputName: loaded.output.name,
          dtype: loaded.input.dtype,
          dims,
          kind: loaded.outputKind,
        };
        const r = await compare(c, target, 7);
        assert.ok(r.largest > 1e-3, `${name}: a gradient that is not zero`);
        assert.ok(r.difference <= tolerance * r.largest, `${name}: ${r.difference} of ${r.largest}`);
      } finally {
        await loaded.release();
      }
    }
  });
});

describe('the forward graph at the backward opset', () => {
  const shapes = (dims: number[]) => new Map([['s', { type: 'float32', dims, dimsAlt: dims, batchAxes: [] }]]);
  const graph = (op: string, attributes: Record<string, ReturnType<typeof attr.int>> = {}, outputs = ['y']) => ({
    name: 'g',
    node: [{ op_type: op, input: ['s'], output: outputs, name: 'n', attribute: Object.entries(attributes).map(([name, a]) => ({ name, ...a })) }],
    initializer: [],
    sparse_initializer: [],
    input: [],
    output: [{ name: 'y' }, ...(outputs[1] ? [{ name: outputs[1] }] : [])],
    value_info: [],
  });

  test('Softmax before opset 13: the one axis of size > 1 from `axis` on, or none when several', () => {
    const axis = (dims: number[], attributes = {}) => forwardAtBackwardOpset(graph('Softmax', attributes), 11, shapes(dims))?.[0].attribute[0].i;
    assert.equal(axis([1, 1000, 1, 1]), 1);
    assert.equal(axis([2, 1, 10]), 2);
    assert.equal(axis([2, 5, 7], { axis: attr.int(2) }), 2);
    assert.equal(forwardAtBackwardOpset(graph('Softmax'), 11, shapes([1, 10, 5])), null);
    assert.deepEqual(forwardAtBackwardOpset(graph('Softmax'), 13, shapes([1, 10, 5]))?.[0].attribute, []);
  });

  test('Dropout becomes Identity unless its mask is read; operators whose meaning changed, or unknown ones, are refused', () => {
    assert.equal(forwardAtBackwardOpset(graph('Dropout', { ratio: attr.float(0.5) }), 7, shapes([1, 4]))?.[0].op_type, 'Identity');
    assert.equal(forwardAtBackwardOpset(graph('Dropout', {}, ['y', 'mask']), 10, shapes([1, 4])), null);
    assert.equal(forwardAtBackwardOpset(graph('Pad'), 10, shapes([1, 4])), null);
    assert.equal(forwardAtBackwardOpset(graph('Unsqueeze'), 11, shapes([1, 4])), null);
    assert.equal(forwardAtBackwardOpset(graph('Relu'), 5, shapes([1, 4])), null);
    assert.equal(forwardAtBackwardOpset(graph('Resize'), 13, shapes([1, 4])), null);
    assert.equal(forwardAtBackwardOpset(graph('Relu'), 7, shapes([1, 4]))?.[0].op_type, 'Relu');
  });
});
