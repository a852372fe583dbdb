import type { ModelProto } from '../../onnx/types';
import type { FloatTwin } from './floatTwin';

/**
 * The quantized model, run as it is, with extra outputs for the backward pass: its own tensors, or twin tensors
 * computed from its codes (their real values at the quantized model's own run).
 */
export function quantizedForward(original: ModelProto, twin: FloatTwin, outputs: readonly string[]): ModelProto {
  const graph = original.graph!;
  const known = new Set([...graph.input.map((v) => v.name), ...graph.initializer.map((t) => t.name), ...graph.node.flatMap((n) => n.output)]);
  const nodes = [...graph.node];
  const initializers = [...graph.initializer];
  for (const name of outputs) {
    if (known.has(name)) continue;
    const exposure = twin.exposures.get(name);
    if (!exposure) throw new Error(`the straight-through gradient reads '${name}', which the quantized model does not compute`);
    nodes.push(...exposure.nodes);
    initializers.push(...exposure.initializers);
  }
  const listed = new Set(graph.output.map((o) => o.name));
  const extra = outputs.filter((name) => !listed.has(name));
  return { ...original, graph: { ...graph, node: nodes, initializer: initializers, output: [...graph.output, ...extra.map((name) => ({ name }))] } };
}
