import { createRng, type Rng } from '../../../../src/core/rng';
import { attr, type AttributeValue } from '../../../../src/model/onnx/attributes';
import { GraphBuilder } from '../../../../src/model/onnx/builder';
import type { Dim } from '../../../../src/model/onnx/graph';
import { floatTensor, int64Tensor } from '../../../../src/model/onnx/tensor';
import type { ModelProto } from '../../../../src/model/onnx/types';

/** Uniform values in [-1, 1) times scale. */
export function randomValues(rng: Rng, n: number, scale = 1): number[] {
  return Array.from({ length: n }, () => scale * (2 * rng.next() - 1));
}

/** A small test graph: one input 'x', nodes added through `add`, the last output returned by `build` is the graph output. */
export class TestGraph {
  readonly g = new GraphBuilder();
  /** Weights: the same stream for every graph, so a model does not depend on which tests ran before. */
  private readonly rng = createRng(101);
  private count = 0;

  constructor(
    inputDims: readonly Dim[],
    private readonly dtype: 'float32' | 'float16' = 'float32',
  ) {
    this.g.input('x', dtype, inputDims);
  }

  /** A float initializer (in the graph's dtype) with random values unless given. */
  weight(dims: readonly number[], values?: readonly number[], scale = 1): string {
    const name = `w${this.count++}`;
    const n = dims.reduce((a, d) => a * d, 1);
    this.g.initializer(floatTensor(name, dims, values ?? randomValues(this.rng, n, scale), this.dtype));
    return name;
  }

  ints(values: readonly number[]): string {
    const name = `i${this.count++}`;
    this.g.initializer(int64Tensor(name, [values.length], values));
    return name;
  }

  op(type: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputs = 1): string {
    const names = Array.from({ length: outputs }, () => `t${this.count++}`);
    this.g.node(type, inputs, names, attributes);
    return names[0];
  }

  build(output: string, opset: number): ModelProto {
    return this.g.output(output, this.dtype).build({ opset, irVersion: opset >= 15 ? 8 : 7 });
  }
}

/** One operator on x: op(x, ...extra inputs). */
export function unary(opset: number, dims: readonly number[], op: string, attributes: Record<string, AttributeValue> = {}): ModelProto {
  const t = new TestGraph(dims);
  return t.build(t.op(op, ['x'], attributes), opset);
}

/** Inputs uniform in [lo, hi) but at least `margin` away from each kink (rejection sampling). */
export function awayFrom(kinks: readonly number[], margin: number, lo = -1, hi = 1): (rng: Rng) => number {
  return (rng) => {
    for (;;) {
      const v = lo + (hi - lo) * rng.next();
      if (kinks.every((k) => Math.abs(v - k) >= margin)) return v;
    }
  };
}

/** The n values 0, spacing, 2 spacing, ... in random order (for max-type ops: no near-ties a finite-difference step could swap). */
export function distinct(n: number, spacing: number): (rng: Rng, index: number) => number {
  const shuffle = createRng(n);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(shuffle.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return (_rng, index) => spacing * order[index];
}

export { attr };
