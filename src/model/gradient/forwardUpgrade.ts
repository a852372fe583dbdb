import { attr, intAttribute } from '../onnx/attributes';
import type { GraphProto, NodeProto } from '../onnx/types';
import type { TensorInfo } from './shapes';

/**
 * Operators whose meaning at the backward opset is the one they had from this opset on (attributes that were
 * added since have defaults giving the old behaviour). Softmax, LogSoftmax, Dropout and BatchNormalization are
 * rewritten (upgradedNode); any other operator keeps the forward graph in its own session.
 */
const SAME_SINCE: ReadonlyMap<string, number> = new Map([
  ...['Conv', 'MaxPool', 'GlobalAveragePool', 'GlobalMaxPool', 'MatMul', 'Transpose', 'Identity', 'Constant', 'Flatten', 'ReduceMean'].map(
    (op) => [op, 1] as const,
  ),
  ...['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'Cast', 'Sum'].map((op) => [op, 6] as const),
  ...['Add', 'Sub', 'Mul', 'Div', 'Gemm', 'AveragePool', 'BatchNormalization', 'Dropout'].map((op) => [op, 7] as const),
  ['Concat', 4],
  ['Reshape', 5],
  ['Softmax', 1],
  ['LogSoftmax', 1],
  ['Pad', 11],
  ['Clip', 11],
  ['ReduceSum', 13],
  ['Squeeze', 13],
  ['Unsqueeze', 13],
  ['HardSwish', 14],
]);

/**
 * The forward graph's nodes as the backward opset reads them, so that forward and backward can share one model
 * (one onnxruntime run, no activations copied out and back in); null when a node's meaning would change or is not
 * known to stay the same. Before opset 13, Softmax and LogSoftmax normalise the input flattened from `axis` on
 * (default 1): the same as one axis when every other axis from there is 1. Dropout is the identity at inference.
 */
export function forwardAtBackwardOpset(graph: GraphProto, opset: number, shapes: ReadonlyMap<string, TensorInfo>): NodeProto[] | null {
  const read = new Set<string>([...graph.node.flatMap((n) => n.input), ...graph.output.map((o) => o.name ?? '')]);
  const nodes: NodeProto[] = [];
  for (const node of graph.node) {
    const since = node.domain && node.domain !== 'ai.onnx' ? undefined : SAME_SINCE.get(node.op_type ?? '');
    if (since === undefined || opset < since) return null;
    const upgraded = upgradedNode(node, opset, shapes, read);
    if (!upgraded) return null;
    nodes.push(upgraded);
  }
  return nodes;
}

function upgradedNode(node: NodeProto, opset: number, shapes: ReadonlyMap<string, TensorInfo>, read: ReadonlySet<string>): NodeProto | null {
  const without = (...names: string[]) => node.attribute.filter((a) => !names.includes(a.name ?? ''));
  switch (node.op_type) {
    case 'Dropout':
      if (node.output.slice(1).some((o) => o && read.has(o))) return null;
      return { ...node, op_type: 'Identity', attribute: [], input: [node.input[0]], output: [node.output[0]] };
    case 'BatchNormalization':
      if (node.output.length > 1 || (opset < 9 && intAttribute(node, 'spatial', 1) !== 1)) return null;
      return { ...node, attribute: without('spatial') };
    case 'Softmax':
    case 'LogSoftmax': {
      if (opset >= 13) return node;
      const dims = shapes.get(node.input[0])?.dims;
      if (!dims) return null;
      const from = normalised(intAttribute(node, 'axis', 1), dims.length);
      const wide = dims.slice(from).flatMap((d, i) => (d > 1 ? [from + i] : []));
      if (wide.length > 1) return null;
      return { ...node, attribute: [{ name: 'axis', ...attr.int(wide[0] ?? from) }] };
    }
    default:
      return node;
  }
}

function normalised(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
