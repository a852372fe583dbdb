import { intAttribute } from '../onnx/attributes';
import { opsetVersion, runtimeInputs } from '../onnx/graph';
import { DataType, type GraphProto, type ModelProto, type NodeProto } from '../onnx/types';
import { GRADIENT_RULES } from './rules';
import type { NodeContext } from './rules/rule';
import { nodeLabel, type UnsupportedNode } from './unsupported';

/** Operators whose outputs are integers or booleans: no gradient flows through them (Shape feeding a Reshape, ...). */
const NON_DIFFERENTIABLE = new Set([
  'Shape', 'Size', 'ArgMax', 'ArgMin', 'Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'Not', 'And', 'Or',
  'Xor', 'IsNaN', 'IsInf', 'NonZero', 'ConstantOfShape',
]);
const FLOAT_CODES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.BFLOAT16]);

export interface PathNode {
  readonly node: NodeProto;
  /** Position in graph.node, for naming unnamed nodes. */
  readonly index: number;
}

/** The part of the graph the gradient goes through. */
export interface GradientPath {
  /** Nodes on a differentiable path from the input to the output, in graph (topological) order. */
  readonly nodes: readonly PathNode[];
  /** Tensors that depend differentiably on the input. */
  readonly active: ReadonlySet<string>;
}

const isDefaultDomain = (node: NodeProto): boolean => !node.domain || node.domain === 'ai.onnx';

/** The outputs of a node that carry a gradient when one of its inputs does. */
function differentiableOutputs(node: NodeProto): string[] {
  const op = node.op_type ?? '';
  if (isDefaultDomain(node)) {
    if (NON_DIFFERENTIABLE.has(op)) return [];
    if (op === 'Cast') return FLOAT_CODES.has(intAttribute(node, 'to')) ? [node.output[0]] : [];
    if (GRADIENT_RULES.has(op)) return [node.output[0]];
  }
  return node.output.filter(Boolean);
}

/** Every value a node reads: its inputs and, for control flow, the outer values its subgraphs use. */
function valuesRead(node: NodeProto): string[] {
  const names = [...node.input];
  for (const a of node.attribute) {
    for (const g of [a.g, ...(a.graphs ?? [])]) if (g) for (const inner of g.node) names.push(...valuesRead(inner));
  }
  return names;
}

export function gradientPath(graph: GraphProto, inputName: string, outputName: string): GradientPath {
  const active = new Set([inputName]);
  for (const node of graph.node) {
    if (valuesRead(node).some((name) => active.has(name))) for (const out of differentiableOutputs(node)) active.add(out);
  }
  const needed = new Set([outputName]);
  const nodes: PathNode[] = [];
  for (let index = graph.node.length - 1; index >= 0; index--) {
    const node = graph.node[index];
    if (!node.output.some((o) => needed.has(o) && active.has(o))) continue;
    nodes.push({ node, index });
    for (const name of valuesRead(node)) if (active.has(name)) needed.add(name);
  }
  return { nodes: nodes.reverse(), active };
}

export function nodeContext(node: NodeProto, opset: number, active: ReadonlySet<string>): NodeContext {
  return { node, opset, active: (i) => active.has(node.input[i] ?? '') };
}

/** Nodes on the path without a gradient rule, or whose attributes the rule does not handle. */
export function unsupportedNodes(path: GradientPath, opset: number): UnsupportedNode[] {
  const found: UnsupportedNode[] = [];
  for (const { node, index } of path.nodes) {
    const op = node.op_type ?? '';
    const rule = isDefaultDomain(node) ? GRADIENT_RULES.get(op) : undefined;
    const reason = !isDefaultDomain(node)
      ? `operator of domain '${node.domain}' has no gradient rule`
      : !rule
        ? 'no gradient rule for this operator'
        : rule.check?.(nodeContext(node, opset, path.active));
    if (reason) found.push({ op, node: nodeLabel(node, index), reason });
  }
  return found;
}

export interface GradientSupport {
  readonly ok: boolean;
  readonly unsupported: readonly UnsupportedNode[];
}

/** Whether the gradient graph can be built for a model's (first, by default) output, from the graph alone. */
export function supportsGradient(proto: ModelProto, outputName = proto.graph?.output[0]?.name ?? ''): GradientSupport {
  const graph = proto.graph!;
  const input = runtimeInputs(graph)[0]?.name ?? '';
  const unsupported = unsupportedNodes(gradientPath(graph, input, outputName), opsetVersion(proto) ?? 1);
  return { ok: unsupported.length === 0, unsupported };
}
