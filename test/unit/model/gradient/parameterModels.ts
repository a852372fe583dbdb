import { floatTensor, tensorToFloat32 } from '../../../../src/model/onnx/tensor';
import type { ModelProto } from '../../../../src/model/onnx/types';
import { attr, TestGraph } from './models';

/** Input of the small conv model: one 4-channel 9 x 9 image. */
export const CONV_INPUT = [1, 4, 9, 9];

/**
 * A small classifier with every parameter kind: a grouped, strided, asymmetrically padded Conv with bias; inference
 * BatchNormalization; Tanh (smooth, for central differences); a dilated depthwise Conv; a per-channel Mul;
 * an ungrouped Conv with a 3 x 2 kernel, strides (2, 1), dilations (1, 2) and asymmetric pads; a 1 x 1 Conv; global pooling; Gemm with transB and bias, its weight stored flat and reshaped in the graph.
 */
export function convModel(dtype: 'float32' | 'float16' = 'float32', inputDims: readonly number[] = CONV_INPUT): ModelProto {
  const t = new TestGraph(inputDims, dtype);
  const a = t.op('Conv', ['x', t.weight([6, 2, 3, 3], undefined, 0.5), t.weight([6], undefined, 0.2)], {
    group: attr.int(2),
    strides: attr.ints([2, 2]),
    pads: attr.ints([1, 0, 1, 1]),
  });
  const variance = t.weight([6], [0.5, 1, 1.5, 0.8, 1.2, 2]);
  const bn = t.op('BatchNormalization', [a, t.weight([6]), t.weight([6], undefined, 0.3), t.weight([6], undefined, 0.2), variance]);
  const depthwise = t.op('Conv', [t.op('Tanh', [bn]), t.weight([6, 1, 3, 3], undefined, 0.5)], {
    group: attr.int(6),
    dilations: attr.ints([2, 2]),
    pads: attr.ints([2, 2, 2, 2]),
  });
  const scaled = t.op('Mul', [depthwise, t.weight([1, 6, 1, 1])]);
  const strided = t.op('Conv', [scaled, t.weight([5, 6, 3, 2], undefined, 0.5), t.weight([5], undefined, 0.2)], {
    strides: attr.ints([2, 1]),
    dilations: attr.ints([1, 2]),
    pads: attr.ints([1, 0, 0, 1]),
  });
  const pointwise = t.op('Conv', [t.op('Tanh', [strided]), t.weight([5, 5, 1, 1])]);
  const pooled = t.op('Flatten', [t.op('GlobalAveragePool', [pointwise])]);
  const weight = t.op('Reshape', [t.weight([15]), t.ints([3, 5])]);
  return t.build(t.op('Gemm', [pooled, weight, t.weight([3], undefined, 0.2)], { transB: attr.int(1) }), 13);
}

/** The model with one initializer's values replaced. */
export function withInitializer(model: ModelProto, name: string, values: ArrayLike<number>): ModelProto {
  const graph = model.graph!;
  return {
    ...model,
    graph: {
      ...graph,
      initializer: graph.initializer.map((t) => (t.name === name ? floatTensor(name, t.dims, values) : t)),
    },
  };
}

export function initializerValues(model: ModelProto, name: string): Float32Array {
  return tensorToFloat32(model.graph!.initializer.find((t) => t.name === name)!);
}
