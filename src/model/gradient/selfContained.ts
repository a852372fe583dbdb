import { externalDataRef, isExternal, readExternalData } from '../onnx/external';
import { DataLocation, type ModelProto, type TensorProto } from '../onnx/types';

/**
 * The model with initializers stored as external data read into raw_data: the gradient's sessions are created from
 * bytes, where onnxruntime has no model folder to resolve external data against.
 */
export function selfContained(proto: ModelProto, baseDir: string): ModelProto {
  const graph = proto.graph!;
  if (!graph.initializer.some(isExternal)) return proto;
  const inline = (t: TensorProto): TensorProto =>
    isExternal(t) ? { ...t, raw_data: readExternalData(externalDataRef(t, baseDir)), data_location: DataLocation.DEFAULT, external_data: [] } : t;
  return { ...proto, graph: { ...graph, initializer: graph.initializer.map(inline) } };
}
