import { attr } from '../onnx/attributes';
import { floatTensor, tensorToFloat32 } from '../onnx/tensor';
import { DataType, type ModelProto, type TensorProto, type ValueInfoProto } from '../onnx/types';
import type { TensorInfo } from './shapes';

const toFloat = (t: TensorProto): TensorProto =>
  t.data_type === DataType.FLOAT16 ? floatTensor(t.name ?? '', t.dims, tensorToFloat32(t)) : t;

const retype = (v: ValueInfoProto): ValueInfoProto => {
  const tensor = v.type?.tensor_type;
  return tensor?.elem_type === DataType.FLOAT16 ? { ...v, type: { ...v.type, tensor_type: { ...tensor, elem_type: DataType.FLOAT } } } : v;
};

/** The same network in float32: float16 weights, constants (attribute tensors), value types and casts widened. */
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

export interface Float32Twin {
  readonly proto: ModelProto;
  readonly shapes: ReadonlyMap<string, TensorInfo>;
  /** The float32 tensor standing for the model input inside the twin (the input itself when it is float32). */
  readonly inputName: string;
}

/**
 * A float16 model as the float32 network onnxruntime's CPU kernels compute (they widen half convolutions, products
 * and activations and drop the casts they insert between them): widenToFloat32, the input still float16 and cast
 * once. Fed to a backward pass, the half model's activations would stay half values with casts around them, and
 * every convolution's output would leave onnxruntime's blocked layout to be rounded. Null without float16 values.
 */
export function float32Twin(proto: ModelProto, shapes: ReadonlyMap<string, TensorInfo>, inputName: string): Float32Twin | null {
  const input = shapes.get(inputName);
  const halves = [...shapes.values()].some((t) => t.type === 'float16') || proto.graph!.initializer.some((t) => t.data_type === DataType.FLOAT16);
  if (!input || !halves) return null;
  const widened = widenToFloat32(proto);
  const widenedShapes = new Map([...shapes].map(([name, t]) => [name, t.type === 'float16' ? { ...t, type: 'float32' } : t]));
  if (input.type !== 'float16') return { proto: widened, shapes: widenedShapes, inputName };
  const cast = `${inputName}/float32`;
  if (shapes.has(cast)) return null;
  widenedShapes.set(cast, { ...input, type: 'float32' });
  const graph = widened.graph!;
  return {
    proto: {
      ...widened,
      graph: {
        ...graph,
        input: graph.input.map((v) => (v.name === inputName ? proto.graph!.input.find((i) => i.name === inputName)! : v)),
        node: [
          { op_type: 'Cast', input: [inputName], output: [cast], name: cast, attribute: [{ name: 'to', ...attr.int(DataType.FLOAT) }] },
          ...graph.node.map((n) => ({ ...n, input: n.input.map((name) => (name === inputName ? cast : name)) })),
        ],
      },
    },
    shapes: widenedShapes,
    inputName: cast,
  };
}
