import { node } from '../../../../src/model/onnx/builder';
import type { ModelProto, NodeProto } from '../../../../src/model/onnx/types';

/**
 * The network with its kinks smoothed: Relu(x) becomes x * Sigmoid(x) (SiLU) and max pooling becomes average pooling
 * over the same windows. Same graph structure, shapes and scale, but differentiable everywhere, so central
 * differences converge on it and check the whole gradient graph of a real model tightly.
 */
export function smoothTwin(proto: ModelProto): ModelProto {
  const graph = proto.graph!;
  const nodes = graph.node.flatMap((n, i): NodeProto[] => {
    if (n.op_type === 'Relu') {
      const gate = `${n.output[0]}__sigmoid_${i}`;
      return [node('Sigmoid', [n.input[0]], [gate]), node('Mul', [n.input[0], gate], [n.output[0]])];
    }
    if (n.op_type === 'MaxPool') {
      const kept = n.attribute.filter((a) => ['kernel_shape', 'strides', 'pads', 'auto_pad', 'ceil_mode'].includes(a.name ?? ''));
      return [{ ...n, op_type: 'AveragePool', output: [n.output[0]], attribute: kept }];
    }
    if (n.op_type === 'GlobalMaxPool') return [{ ...n, op_type: 'GlobalAveragePool' }];
    return [n];
  });
  return { ...proto, graph: { ...graph, node: nodes } };
}
