import { attr } from '../onnx/attributes';
import { valueInfo } from '../onnx/builder';
import { opsetVersion } from '../onnx/graph';
import type { ModelProto } from '../onnx/types';
import { BackwardGraph, symbolicDims } from './backwardGraph';
import { modelParameters, parameterIndices, type Parameter } from './parameters';
import { gradientPath, nodeContext, unsupportedNodes } from './path';
import { GRADIENT_RULES } from './rules';
import type { TensorInfo } from './shapes';
import { GradientUnsupportedError, nodeLabel, RuleError } from './unsupported';

/** Opset of the backward model: ScatterElements' reduction needs 16, ReduceSum's axes input 13. */
export const BACKWARD_OPSET = 17;

export interface BackwardModel {
  readonly model: ModelProto;
  /** Forward tensors the backward model reads, by name (extra outputs of the forward run, or the model input). */
  readonly feeds: readonly string[];
  /** Name of the float32 input receiving dLoss/dOutput, shaped like the output. */
  readonly cotangent: string;
  /** Name of the float32 output dLoss/dInput, shaped like the input (null with `parameters`). */
  readonly gradient: string | null;
  /** With `parameters`: the model's parameters, and where each one's gradient starts in `parameterGradients`. */
  readonly parameters: readonly (Parameter & { readonly offset: number })[];
  /**
   * With `parameters`: the float32 output holding every parameter's gradient (summed over the batch) end to end, the
   * graph's only output (onnxruntime then skips what only the input gradient needs); null otherwise.
   */
  readonly parameterGradients: string | null;
}

export interface BackwardOptions {
  readonly inputName: string;
  readonly outputName: string;
  /** Also output dLoss/dParameter for the model's float initializers (see parameters.ts). */
  readonly parameters?: boolean;
}

/**
 * The reverse-mode gradient of the output with respect to the input as a separate model at BACKWARD_OPSET (math
 * notes, section 6): nodes on the path are visited in reverse order, each rule turning the summed gradient of its
 * output into gradients of its active inputs.
 */
export function buildBackward(source: ModelProto, shapes: ReadonlyMap<string, TensorInfo>, options: BackwardOptions): BackwardModel {
  const graph = source.graph!;
  const opset = opsetVersion(source) ?? 1;
  const path = gradientPath(graph, options.inputName, options.outputName);
  if (!path.active.has(options.outputName)) {
    throw new Error(`output '${options.outputName}' does not depend on input '${options.inputName}' through floating-point operations`);
  }
  const unsupported = unsupportedNodes(path, opset);
  if (unsupported.length > 0) throw new GradientUnsupportedError(unsupported);

  const plan = options.parameters ? modelParameters(graph, path) : { parameters: [], carriers: new Set<string>(), reshaping: [] };
  const { parameters, carriers } = plan;
  const reshaping = new Set(plan.reshaping.map((n) => n.index));
  const visited = reshaping.size === 0 ? path.nodes : [...path.nodes, ...plan.reshaping].sort((x, y) => x.index - y.index);
  const b = new BackwardGraph(graph, shapes, Boolean(options.parameters) && shapes.get(options.inputName)?.dims[0] === 1);
  const cotangent = b.input('cotangent', b.info(options.outputName));
  const contributions = new Map<string, string[]>([[options.outputName, [cotangent]]]);
  const gradientOf = (name: string): string | undefined => {
    const parts = contributions.get(name);
    if (!parts) return undefined;
    return parts.length === 1 ? parts[0] : b.op1('Sum', parts);
  };

  for (const { node, index } of [...visited].reverse()) {
    const dY = gradientOf(node.output[0]);
    if (!dY) continue;
    const onPath = nodeContext(node, opset, path.active);
    const asParameter = reshaping.has(index) ? [0] : carriers.size > 0 ? parameterIndices(node).filter((i) => carriers.has(node.input[i])) : [];
    // Parameter gradients need no gradient of the model input itself.
    const wanted = (i: number) => (onPath.active(i) && !(options.parameters && node.input[i] === options.inputName)) || asParameter.includes(i);
    const context = options.parameters ? { ...onPath, active: wanted } : onPath;
    let grads: (string | undefined)[];
    try {
      grads = GRADIENT_RULES.get(node.op_type!)!.backward(context, dY, b);
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      throw new GradientUnsupportedError([{ op: node.op_type!, node: nodeLabel(node, index), reason: err.message }]);
    }
    node.input.forEach((name, i) => {
      const g = grads[i];
      if (!g || !context.active(i)) return;
      const parts = contributions.get(name);
      if (parts) parts.push(g);
      else contributions.set(name, [g]);
    });
  }

  let outputName: string | null = null;
  if (!options.parameters) {
    outputName = b.fresh('input_gradient');
    b.nodes.push({ op_type: 'Identity', input: [gradientOf(options.inputName)!], output: [outputName], name: outputName, attribute: [] });
  }
  let offset = 0;
  const parameterOutputs = parameters.map((p) => {
    const size = p.dims.reduce((n, d) => n * d, 1);
    offset += size;
    return { ...p, offset: offset - size };
  });
  let parameterGradients: string | null = null;
  if (options.parameters) {
    // A parameter whose node got no gradient (nothing downstream reaches the output) has a zero gradient.
    const flat = parameterOutputs.map(
      (p) => b.op1('Reshape', [gradientOf(p.name) ?? b.floatTensor(new Float32Array(p.dims.reduce((n, d) => n * d, 1)), p.dims), b.ints([-1])]),
    );
    parameterGradients = flat.length === 1 ? flat[0] : b.op1('Concat', flat, { axis: attr.int(0) });
  }
  const model: ModelProto = {
    ir_version: 8,
    opset_import: [{ domain: '', version: BACKWARD_OPSET }],
    producer_name: 'auglens-gradient',
    metadata_props: [],
    functions: [],
    graph: {
      name: 'backward',
      node: b.nodes,
      initializer: b.initializers,
      sparse_initializer: [],
      input: b.inputs,
      output: outputName
        ? [valueInfo(outputName, 'float32', symbolicDims(b.info(options.inputName)))]
        : [valueInfo(parameterGradients!, 'float32', [offset])],
      value_info: [],
    },
  };
  return { model, feeds: b.feeds, cotangent, gradient: outputName, parameters: parameterOutputs, parameterGradients };
}
