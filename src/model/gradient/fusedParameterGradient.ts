import type * as Ort from 'onnxruntime-node';
import { ort } from '../ort';
import type { OutputKind } from '../../core/outputs/classifier';
import { valueInfo } from '../onnx/builder';
import { encodeModel } from '../onnx/codec';
import { opsetVersion, runtimeInputs } from '../onnx/graph';
import type { ModelProto } from '../onnx/types';
import { fromOrtTensor, toOrtTensor, type ModelDtype } from '../ortTensors';
import { BACKWARD_OPSET, buildBackward, type BackwardModel } from './backward';
import { float32Twin } from './float32Twin';
import { forwardAtBackwardOpset } from './forwardUpgrade';
import type { ParameterJacobian } from './graphGradient';
import { lossCotangent } from './lossCotangent';
import { modelParameters } from './parameters';
import { gradientPath } from './path';
import type { ShapeProbe } from './shapes';

export interface FusedOptions {
  readonly inputName: string;
  readonly outputName: string;
  readonly inputDtype: ModelDtype;
  /** The input shape at batch 1. */
  readonly inputDims: readonly number[];
  readonly outputKind: OutputKind;
  readonly probe: ShapeProbe;
  readonly threads?: number;
}

/**
 * Forward pass, cross-entropy cotangent and backward pass to the parameters in one model and one onnxruntime run
 * per item: the activations the backward pass reads stay inside onnxruntime (GraphGradient copies them out of the
 * forward session and into the backward one). Batch 1 only.
 */
export class FusedParameterGradient {
  private constructor(
    private readonly session: Ort.InferenceSession,
    private readonly plan: BackwardModel,
    readonly parameters: BackwardModel['parameters'],
    private readonly options: FusedOptions,
    private readonly target: string,
    private readonly classes: number,
  ) {}

  /**
   * Null when the forward graph cannot be read at the backward opset (forwardUpgrade.ts), has local functions or
   * several runtime inputs, or onnxruntime refuses the combined model: GraphGradient's two sessions then do the work.
   */
  static async create(source: ModelProto, options: FusedOptions): Promise<FusedParameterGradient | null> {
    const twin = float32Twin(source, options.probe.tensors, options.inputName);
    const proto = twin?.proto ?? source;
    const graph = proto.graph!;
    const shapes = twin?.shapes ?? options.probe.tensors;
    const forward = forwardAtBackwardOpset(graph, opsetVersion(proto) ?? 1, shapes);
    const outputInfo = shapes.get(options.outputName);
    if (!forward || !outputInfo || proto.functions.length > 0 || runtimeInputs(graph).length !== 1) return null;
    const plan = buildBackward(proto, shapes, { inputName: twin?.inputName ?? options.inputName, outputName: options.outputName, parameters: true });
    const prefix = `${plan.cotangent}/`;
    if ([...shapes.keys(), ...graph.initializer.map((t) => t.name ?? '')].some((name) => name.startsWith(prefix))) return null;
    const target = `${prefix}target`;
    const classes = outputInfo.dims.reduce((n, d) => n * d, 1);
    const output = { name: options.outputName, type: outputInfo.type, classes };
    const loss = lossCotangent(output, options.outputKind, target, plan.cotangent, `${prefix}loss`);
    const backward = plan.model.graph!;
    const fused: ModelProto = {
      ...proto,
      ir_version: Math.max(plan.model.ir_version ?? 0, proto.ir_version ?? 0),
      opset_import: [...proto.opset_import.filter((o) => o.domain && o.domain !== 'ai.onnx'), { domain: '', version: BACKWARD_OPSET }],
      graph: {
        ...graph,
        node: [...forward, ...loss.nodes, ...backward.node],
        initializer: [...graph.initializer, ...loss.initializers, ...backward.initializer],
        input: [...runtimeInputs(graph), valueInfo(target, 'float32', [1, classes])],
        output: [graph.output.find((o) => o.name === options.outputName) ?? { name: options.outputName }, ...backward.output],
      },
    };
    let session: Ort.InferenceSession;
    try {
      session = await ort().InferenceSession.create(encodeModel(fused), options.threads ? { intraOpNumThreads: options.threads } : {});
    } catch {
      return null;
    }
    // The twin's input Cast comes first: layers are named by the source graph's node positions.
    const named = twin ? modelParameters(source.graph!, gradientPath(source.graph!, options.inputName, options.outputName)).parameters : [];
    const parameters = twin ? plan.parameters.map((p, i) => ({ ...p, layer: named[i].layer })) : plan.parameters;
    return new FusedParameterGradient(session, plan, parameters, options, target, classes);
  }

  /** One item's output and the gradient of its cross-entropy against `target` with respect to each parameter. */
  async evaluate(input: Float32Array, target: number): Promise<ParameterJacobian> {
    if (!(Number.isInteger(target) && target >= 0 && target < this.classes)) {
      throw new Error(`target ${target} is not an output index (the output has ${this.classes} values)`);
    }
    const onehot = new Float32Array(this.classes);
    onehot[target] = 1;
    const { inputName, outputName, inputDtype, inputDims } = this.options;
    const name = this.plan.parameterGradients!;
    const result = await this.session.run(
      { [inputName]: toOrtTensor(input, inputDtype, inputDims), [this.target]: new (ort().Tensor)('float32', onehot, [1, this.classes]) },
      [outputName, name],
    );
    const flat = result[name].data as Float32Array;
    const gradients = this.plan.parameters.map((p) => flat.subarray(p.offset, p.offset + p.dims.reduce((n, d) => n * d, 1)));
    return { output: fromOrtTensor(result[outputName]), gradients };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
