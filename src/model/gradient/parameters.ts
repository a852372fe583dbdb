import { DataType, type GraphProto, type NodeProto } from '../onnx/types';
import type { GradientPath } from './path';
import { GRADIENT_RULES } from './rules';
import { nodeLabel } from './unsupported';

const FLOAT_CODES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.BFLOAT16]);

/** A float initializer differentiated as a trainable parameter. */
export interface Parameter {
  readonly name: string;
  readonly dims: readonly number[];
  /** The first node on the gradient path that reads it (its layer), named as nodeLabel names it. */
  readonly layer: string;
  readonly op: string;
}

/**
 * The model's parameters: float initializers read by a node on the gradient path at an input its rule can
 * differentiate as a constant (see GradientRule.parameterInputs), in graph order. A BatchNormalization's running
 * mean and variance, Clip bounds and other constants outside those inputs are left out.
 */
export function modelParameters(graph: GraphProto, path: GradientPath): Parameter[] {
  const floats = new Map(graph.initializer.filter((t) => FLOAT_CODES.has(t.data_type ?? 0)).map((t) => [t.name!, t]));
  const found = new Map<string, Parameter>();
  for (const { node, index } of path.nodes) {
    for (const i of parameterIndices(node)) {
      const name = node.input[i] ?? '';
      const tensor = floats.get(name);
      if (tensor && !found.has(name) && !path.active.has(name)) {
        found.set(name, { name, dims: tensor.dims, layer: nodeLabel(node, index), op: node.op_type ?? '' });
      }
    }
  }
  return [...found.values()];
}

/** The inputs of a node its rule differentiates as parameters. */
export function parameterIndices(node: NodeProto): number[] {
  const inputs = GRADIENT_RULES.get(node.op_type ?? '')?.parameterInputs;
  if (!inputs) return [];
  return inputs === 'all' ? node.input.map((_, i) => i) : inputs.filter((i) => i < node.input.length);
}
