import { floatTensor, tensorToFloat32 } from '../../../../src/model/onnx/tensor';
import { DataType, type ModelProto, type TensorProto, type ValueInfoProto } from '../../../../src/model/onnx/types';

const toFloat = (t: TensorProto): TensorProto =>
  t.data_type === DataType.FLOAT16 ? floatTensor(t.name ?? '', t.dims, tensorToFloat32(t)) : t;

const retype = (v: ValueInfoProto): ValueInfoProto => {
  const tensor = v.type?.tensor_type;
  return tensor?.elem_type === DataType.FLOAT16 ? { ...v, type: { ...v.type, tensor_type: { ...tensor, elem_type: DataType.FLOAT } } } : v;
};

/**
 * The same network in float32: float16 weights, constants, value types and casts widened. Its gradient is the float16
 * model's without the half-precision rounding, so central differences can check it at float32 precision.
 */
export function widenToFloat32(proto: ModelProto): ModelProto {
  const graph = proto.graph!;
  return {
    ...proto,
    graph: {
      ...graph,
      initializer: graph.initializer.map(toFloat),
      input: graph.input.map(retype),
      output: graph.output.map(retype),
      value_info: graph.value_info.map(retype),
      node: graph.node.map((n) => ({
        ...n,
        attribute: n.attribute.map((a) =>
          a.t ? { ...a, t: toFloat(a.t) } : n.op_type === 'Cast' && a.name === 'to' && a.i === DataType.FLOAT16 ? { ...a, i: DataType.FLOAT } : a,
        ),
      })),
    },
  };
}
