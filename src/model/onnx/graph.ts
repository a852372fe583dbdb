import type { GraphProto, ModelProto, NodeProto, ValueInfoProto } from './types';

/** A dimension: a size, a symbolic name (dim_param) or null when the model leaves it unknown. */
export type Dim = number | string | null;

/** The version of an operator set the model imports ('' and 'ai.onnx' are the default ONNX domain). */
export function opsetVersion(model: ModelProto, domain = ''): number | undefined {
  const normal = (d: string | undefined): string => (d === 'ai.onnx' ? '' : (d ?? ''));
  return model.opset_import.find((o) => normal(o.domain) === normal(domain))?.version;
}

/** The graph's real inputs: graph.input minus initializers (IR < 4 lists every weight as an input too). */
export function runtimeInputs(graph: GraphProto): ValueInfoProto[] {
  const weights = new Set(graph.initializer.map((t) => t.name));
  return graph.input.filter((v) => !weights.has(v.name));
}

export function tensorElemType(v: ValueInfoProto): number | undefined {
  return v.type?.tensor_type?.elem_type;
}

/** Shape of a tensor value; undefined when the model gives no shape at all. */
export function tensorShape(v: ValueInfoProto): Dim[] | undefined {
  const shape = v.type?.tensor_type?.shape;
  if (!shape) return undefined;
  return shape.dim.map((d) => (d.dim_value !== undefined ? d.dim_value : d.dim_param ? d.dim_param : null));
}

/** The node producing each value name. */
export function producers(graph: GraphProto): Map<string, NodeProto> {
  const map = new Map<string, NodeProto>();
  for (const node of graph.node) for (const out of node.output) if (out) map.set(out, node);
  return map;
}

/** The nodes reading each value name. */
export function consumers(graph: GraphProto): Map<string, NodeProto[]> {
  const map = new Map<string, NodeProto[]>();
  for (const node of graph.node) {
    for (const input of node.input) {
      if (!input) continue;
      const list = map.get(input);
      if (list) list.push(node);
      else map.set(input, [node]);
    }
  }
  return map;
}
