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
 * 'loss'): softmax(z) - onehot for logits (at the target, minus the sum of the other probabilities); -onehot / p_t for
 * probabilities, 0 when p_t is at or below the floor.
 * The output holds one item's K = `classes` values in any shape; `target` is a float32 [1, K] one-hot input; the
 * result, named `cotangent`, is float32 in the output's shape.
 * Every other name starts with `prefix/`.
 */
export function lossCotangent(
  output: { readonly name: string; readonly type: string; readonly classes: number },
  kind: OutputKind,
  target: string,
  cotangent: string,
  prefix: string,
): LossCotangent {
  const { classes } = output;
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const name = (hint: string) => `${prefix}/${hint}`;
  const op = (type: string, inputs: string[], hint: string, attributes = {}) => {
    nodes.push(node(type, inputs, [name(hint)], attributes, name(hint)));
    return name(hint);
  };
  const constant = (tensor: TensorProto) => (initializers.push(tensor), tensor.name!);
  const values = output.type === 'float32' ? output.name : op('Cast', [output.name], 'float', { to: attr.int(DataType.FLOAT) });
  const row = op('Reshape', [values, constant(int64Tensor(name('rowShape'), [2], [1, classes]))], 'row');
  let seed: string;
  const axis = constant(int64Tensor(name('axis'), [1], [1]));
  if (kind === 'logits') {
    // At the target, p_t - 1 as minus the other probabilities: 1 - p_t vanishes in float32 when p_t rounds to 1.
    const others = op('Mul', [op('Softmax', [row], 'softmax', { axis: attr.int(1) }), op('Sub', [constant(floatTensor(name('one'), [], [1])), target], 'rest')], 'others');
    const missing = op('ReduceSum', [others, axis], 'missing', { keepdims: attr.int(1) });
    seed = op('Sub', [others, op('Mul', [target, missing], 'atTarget')], 'seed');
  } else {
    const picked = op('ReduceSum', [op('Mul', [row, target], 'masked'), axis], 'picked', { keepdims: attr.int(1) });
    const above = op('Greater', [picked, constant(floatTensor(name('floor'), [], [PROBABILITY_FLOOR]))], 'above');
    const scale = op('Where', [above, op('Neg', [op('Reciprocal', [picked], 'inverse')], 'negated'), constant(floatTensor(name('zero'), [], [0]))], 'scale');
    seed = op('Mul', [target, scale], 'seed');
  }
  nodes.push(node('Reshape', [seed, op('Shape', [output.name], 'shape')], [cotangent], {}, cotangent));
  return { nodes, initializers };
}
