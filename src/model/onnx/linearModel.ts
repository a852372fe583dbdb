import { attr } from './attributes';
import { GraphBuilder } from './builder';
import { floatTensor } from './tensor';
import type { ModelProto } from './types';

export interface LinearModelSpec {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** Row-major [classes, channels * height * width], multiplying the flattened input in its own layout. */
  readonly weights: ArrayLike<number>;
  readonly bias: ArrayLike<number>;
  readonly layout?: 'NCHW' | 'NHWC';
  readonly dtype?: 'float32' | 'float16';
  /** The batch dimension: symbolic 'N' by default, or a fixed size. */
  readonly batch?: number | string;
  /** Gemm(transB=1) (default) or MatMul with the transposed weights followed by Add. */
  readonly op?: 'Gemm' | 'MatMul';
  /** Append Softmax(axis=1): the output becomes probabilities. */
  readonly softmax?: boolean;
  readonly inputName?: string;
  readonly outputName?: string;
}

/** y = W flatten(x) + b (optionally softmax(y)) on an image input: the test model with a hand-computable output. */
export function linearModel(spec: LinearModelSpec): ModelProto {
  const { channels: c, height: h, width: w } = spec;
  const d = c * h * w;
  const k = spec.bias.length;
  if (spec.weights.length !== k * d) throw new Error(`linear model: ${spec.weights.length} weights for ${k} x ${d}`);
  const dtype = spec.dtype ?? 'float32';
  const batch = spec.batch ?? 'N';
  const inputName = spec.inputName ?? 'image';
  const outputName = spec.outputName ?? (spec.softmax ? 'probabilities' : 'logits');
  const scores = spec.softmax ? 'scores' : outputName;
  const g = new GraphBuilder()
    .input(inputName, dtype, spec.layout === 'NHWC' ? [batch, h, w, c] : [batch, c, h, w])
    .node('Flatten', [inputName], ['flat'], { axis: attr.int(1) })
    .initializer(floatTensor('b', [k], spec.bias, dtype));
  if (spec.op === 'MatMul') {
    const transposed = new Float32Array(d * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) transposed[j * k + i] = spec.weights[i * d + j];
    g.initializer(floatTensor('Wt', [d, k], transposed, dtype))
      .node('MatMul', ['flat', 'Wt'], ['product'])
      .node('Add', ['product', 'b'], [scores]);
  } else {
    g.initializer(floatTensor('W', [k, d], spec.weights, dtype)).node('Gemm', ['flat', 'W', 'b'], [scores], { transB: attr.int(1) });
  }
  if (spec.softmax) g.node('Softmax', [scores], [outputName], { axis: attr.int(1) });
  return g.output(outputName, dtype, [batch, k]).build({ opset: 13, irVersion: 7 });
}
