import { PROBABILITY_FLOOR, type OutputKind } from '../../core/outputs/classifier';
import { attr } from '../onnx/attributes';
import { node } from '../onnx/builder';
import { floatTensor, int64Tensor } from '../onnx/tensor';
import { DataType, type NodeProto, type TensorProto } from '../onnx/types';

export interface LossCotangent {
  readonly nodes: NodeProto[];
  readonly initializers: TensorProto[];
}

/**
 * dLoss/dOutput of one item's cross-entropy, computed in the graph as objective() computes it in JavaScript (kind
 * 'loss'): softmax(z) - onehot for logits; -onehot / p_t for probabilities, 0 when p_t is at or below the floor.
 * `target` is a float32 [1, K] one-hot input; the result, named `cotangent`, is float32 in the output's shape.
 * Every other name starts with `prefix/`.
 */
export function lossCotangent(output: string, outputType: string, kind: OutputKind, target: string, cotangent: string, prefix: string): LossCotangent {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const name = (hint: string) => `${prefix}/${hint}`;
  const op = (type: string, inputs: string[], hint: string, attributes = {}) => {
    nodes.push(node(type, inputs, [name(hint)], attributes, name(hint)));
    return name(hint);
  };
  const constant = (tensor: TensorProto) => (initializers.push(tensor), tensor.name!);
  const values = outputType === 'float32' ? output : op('Cast', [output], 'float', { to: attr.int(DataType.FLOAT) });
  const row = op('Flatten', [values], 'row', { axis: attr.int(1) });
  let seed: string;
  if (kind === 'logits') {
    seed = op('Sub', [op('Softmax', [row], 'softmax', { axis: attr.int(1) }), target], 'seed');
  } else {
    const picked = op('ReduceSum', [op('Mul', [row, target], 'masked'), constant(int64Tensor(name('axis'), [1], [1]))], 'picked', { keepdims: attr.int(1) });
    const above = op('Greater', [picked, constant(floatTensor(name('floor'), [], [PROBABILITY_FLOOR]))], 'above');
    const scale = op('Where', [above, op('Neg', [op('Reciprocal', [picked], 'inverse')], 'negated'), constant(floatTensor(name('zero'), [], [0]))], 'scale');
    seed = op('Mul', [target, scale], 'seed');
  }
  nodes.push(node('Reshape', [seed, op('Shape', [output], 'shape')], [cotangent], {}, cotangent));
  return { nodes, initializers };
}
