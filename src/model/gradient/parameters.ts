import { DataType, type GraphProto, type NodeProto, type TensorProto } from '../onnx/types';
import type { GradientPath, PathNode } from './path';
import { GRADIENT_RULES } from './rules';
import { nodeLabel } from './unsupported';

const FLOAT_CODES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.BFLOAT16]);
/** Operators a weight may pass through on its way to the node using it (a MatMul weight stored transposed or flat). */
const RESHAPING = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Transpose', 'Identity', 'Cast']);

/** A float initializer differentiated as a trainable parameter. */
export interface Parameter {
  readonly name: string;
  readonly dims: readonly number[];
  /** The first node on the gradient path that reads it (its layer), named as nodeLabel names it. */
  readonly layer: string;
  readonly op: string;
}

export interface ParameterPlan {
  readonly parameters: readonly Parameter[];
  /** The parameters and the reshaped copies of them that path nodes read. */
  readonly carriers: ReadonlySet<string>;
  /** The reshaping nodes between a parameter and its layer (their input 0 carries the parameter). */
  readonly reshaping: readonly PathNode[];
}

/**
 * The model's parameters: float initializers read by a node on the gradient path, directly or through reshaping
 * nodes (RESHAPING, input 0), at an input its rule can differentiate as a constant (GradientRule.parameterInputs),
 * in graph order. A BatchNormalization's running mean and variance, Clip bounds and other constants outside those
 * inputs are left out.
 */
export function modelParameters(graph: GraphProto, path: GradientPath): ParameterPlan {
  const floats = new Map(graph.initializer.filter((t) => FLOAT_CODES.has(t.data_type ?? 0)).map((t) => [t.name!, t]));
  const producers = new Map<string, PathNode>();
  graph.node.forEach((node, index) => node.output.forEach((o) => producers.set(o, { node, index })));
  const found = new Map<string, Parameter>();
  const carriers = new Set<string>();
  const reshaping = new Map<number, PathNode>();
  const rootOf = (name: string): { tensor: TensorProto; chain: PathNode[] } | undefined => {
    const chain: PathNode[] = [];
    for (let current = name; ; ) {
      const tensor = floats.get(current);
      if (tensor) return { tensor, chain };
      const producer = producers.get(current);
      const op = producer?.node.op_type ?? '';
      if (!producer || !RESHAPING.has(op) || producer.node.domain || path.active.has(current)) return undefined;
      chain.push(producer);
      current = producer.node.input[0];
    }
  };
  for (const { node, index } of path.nodes) {
    for (const i of parameterIndices(node)) {
      const name = node.input[i] ?? '';
      const root = path.active.has(name) ? undefined : rootOf(name);
      if (!root || found.has(root.tensor.name!)) continue;
      found.set(root.tensor.name!, { name: root.tensor.name!, dims: root.tensor.dims, layer: nodeLabel(node, index), op: node.op_type ?? '' });
      carriers.add(root.tensor.name!);
      for (const step of root.chain) {
        carriers.add(step.node.output[0]);
        reshaping.set(step.index, step);
      }
    }
  }
  return { parameters: [...found.values()], carriers, reshaping: [...reshaping.values()] };
}

/** The inputs of a node its rule differentiates as parameters. */
export function parameterIndices(node: NodeProto): number[] {
  const inputs = GRADIENT_RULES.get(node.op_type ?? '')?.parameterInputs;
  if (!inputs) return [];
  return inputs === 'all' ? node.input.map((_, i) => i) : inputs.filter((i) => i < node.input.length);
}
