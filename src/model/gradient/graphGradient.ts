import type * as Ort from 'onnxruntime-node';
import { ort } from '../ort';
import { encodeModel } from '../onnx/codec';
import type { ModelProto } from '../onnx/types';
import { fromOrtTensor, toOrtTensor, type ModelDtype } from '../ortTensors';
import { buildBackward, type BackwardModel } from './backward';
import { probeShapes, type ShapeProbe } from './shapes';

export interface GraphGradientOptions {
  readonly inputName: string;
  readonly outputName: string;
  readonly inputDtype: ModelDtype;
  /** A concrete input shape, batch first: the fixed batch size, or any size (e.g. 1) when the batch is dynamic. */
  readonly inputDims: readonly number[];
  readonly dynamicBatch: boolean;
  /** Items per run when the batch is dynamic (default 8). */
  readonly batchSize?: number;
  /** onnxruntime intra-op threads. */
  readonly threads?: number;
  /** Shapes from an earlier probe of the same model and input. */
  readonly probe?: ShapeProbe;
  /**
   * The model the forward pass runs, given the tensors the backward pass reads besides the input and the output
   * (default: the differentiated model with them as extra outputs; a quantized model for its float twin).
   */
  readonly forwardModel?: (extraOutputs: readonly string[]) => ModelProto;
  /** Differentiate with respect to the model's parameters instead of the input (see parameterVjp). */
  readonly parameters?: boolean;
}

/** Maps an item's output (float32) to dObjective/dOutput; called once per item, in order. */
export type Cotangent = (output: Float32Array, index: number) => Float32Array;

export interface VectorJacobian {
  readonly outputs: Float32Array[];
  /** Per item: the cotangent pulled back to the input, in the input's layout. */
  readonly gradients: Float32Array[];
}

/** One item's output and the cotangent pulled back to each parameter (in `GraphGradient.parameters` order). */
export interface ParameterJacobian {
  readonly output: Float32Array;
  readonly gradients: Float32Array[];
}

/**
 * Reverse-mode differentiation of one output of an ONNX model (self-contained: see selfContained) with respect to
 * its input, in two onnxruntime sessions: the forward model unchanged but for extra outputs (the activations the backward pass reads), and the
 * backward model at a modern opset, all float32.
 */
export class GraphGradient {
  private constructor(
    private readonly forward: Ort.InferenceSession,
    private readonly backward: Ort.InferenceSession,
    private readonly plan: BackwardModel,
    private readonly options: GraphGradientOptions,
    private readonly batchSize: number,
    private readonly fixedBatch: boolean,
  ) {}

  static async create(proto: ModelProto, options: GraphGradientOptions): Promise<GraphGradient> {
    const probe =
      options.probe ??
      (await probeShapes(
        proto,
        { name: options.inputName, dtype: options.inputDtype, dims: options.inputDims, dynamicBatch: options.dynamicBatch },
        options.threads,
      ));
    const plan = buildBackward(proto, probe.tensors, options);
    const graph = proto.graph!;
    const listed = new Set(graph.output.map((o) => o.name));
    const extra = plan.feeds.filter((name) => name !== options.inputName && !listed.has(name));
    const forwardModel: ModelProto = options.forwardModel
      ? options.forwardModel(extra)
      : { ...proto, graph: { ...graph, output: [...graph.output, ...extra.map((name) => ({ name }))] } };
    const sessionOptions: Ort.InferenceSession.SessionOptions = options.threads ? { intraOpNumThreads: options.threads } : {};
    const forward = await ort().InferenceSession.create(encodeModel(forwardModel), sessionOptions);
    let backward: Ort.InferenceSession;
    try {
      backward = await ort().InferenceSession.create(encodeModel(plan.model), sessionOptions);
    } catch (err) {
      await forward.release();
      throw new Error(`onnxruntime rejected the gradient graph: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const fixedBatch = !probe.dynamicBatch;
    const batchSize = fixedBatch ? options.inputDims[0] : Math.max(1, options.batchSize ?? 8);
    return new GraphGradient(forward, backward, plan, options, batchSize, fixedBatch);
  }

  /**
   * Forward and backward for each input item (values in the input's layout without the batch axis): the outputs,
   * and the gradient of <cotangent(output), output> with respect to the input.
   */
  async vjp(inputs: readonly Float32Array[], cotangent: Cotangent): Promise<VectorJacobian> {
    const name = this.plan.gradient;
    if (!name) throw new Error('this gradient graph was built for the parameters (no input gradient)');
    const outputs: Float32Array[] = [];
    const gradients: Float32Array[] = [];
    const perItem = this.options.inputDims.slice(1).reduce((n, d) => n * d, 1);
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const filled = Math.min(this.batchSize, inputs.length - start);
      const run = await this.run(inputs.slice(start, start + filled), start, cotangent, [name]);
      outputs.push(...run.outputs);
      // A new array on every run: the items' gradients can be views of it.
      const gradient = run.result[name].data as Float32Array;
      for (let i = 0; i < filled; i++) gradients.push(gradient.subarray(i * perItem, (i + 1) * perItem));
    }
    return { outputs, gradients };
  }

  /** The parameters differentiated by parameterVjp (none unless created with `parameters`). */
  get parameters(): BackwardModel['parameters'] {
    return this.plan.parameters;
  }

  /**
   * One item's forward and backward: the gradient of <cotangent(output), output> with respect to each parameter.
   * One item per run, as the graph sums parameter gradients over the batch (a fixed batch's other rows get a zero
   * cotangent).
   */
  async parameterVjp(input: Float32Array, cotangent: Cotangent): Promise<ParameterJacobian> {
    const name = this.plan.parameterGradients;
    if (!name) throw new Error('this gradient graph was built for the input gradient (no parameters)');
    const { outputs, result } = await this.run([input], 0, cotangent, [name]);
    const flat = result[name].data as Float32Array;
    const gradients = this.plan.parameters.map((p) => flat.subarray(p.offset, p.offset + p.dims.reduce((n, d) => n * d, 1)));
    return { output: outputs[0], gradients };
  }

  /** Forward and backward for up to one batch of items; `fetch` names the backward outputs wanted. */
  private async run(
    items: readonly Float32Array[],
    start: number,
    cotangent: Cotangent,
    fetch: readonly string[],
  ): Promise<{ outputs: Float32Array[]; result: Ort.InferenceSession.OnnxValueMapType }> {
    const itemDims = this.options.inputDims.slice(1);
    const perItem = itemDims.reduce((n, d) => n * d, 1);
    const filled = items.length;
    const batch = this.fixedBatch ? this.batchSize : filled;
    const padded = Array.from({ length: batch }, (_, i) => items[Math.min(i, filled - 1)]);
    padded.forEach((item, i) => {
      if (item.length !== perItem) throw new Error(`input ${start + i} has ${item.length} values, expected ${perItem}`);
    });
    // A lone item goes in as it is (onnxruntime only reads it); a batch is packed into one array.
    const data = batch === 1 ? padded[0] : new Float32Array(batch * perItem);
    if (batch > 1) padded.forEach((item, i) => data.set(item, i * perItem));
    const input = toOrtTensor(data, this.options.inputDtype, [batch, ...itemDims]);
    const { outputName, inputName } = this.options;
    const fetched = this.plan.feeds.filter((name) => name !== inputName && name !== outputName);
    const forward = await this.forward.run({ [inputName]: input }, [outputName, ...fetched]);
    const output = forward[outputName];
    const values = fromOrtTensor(output);
    const perOutput = values.length / batch;
    const seed = new Float32Array(values.length);
    const outputs: Float32Array[] = [];
    for (let i = 0; i < filled; i++) {
      const row = values.slice(i * perOutput, (i + 1) * perOutput);
      outputs.push(row);
      const c = cotangent(row, start + i);
      if (c.length !== perOutput) throw new Error(`cotangent ${start + i} has ${c.length} values, expected ${perOutput}`);
      seed.set(c, i * perOutput);
    }
    const feeds: Record<string, Ort.Tensor> = { [this.plan.cotangent]: new (ort().Tensor)('float32', seed, output.dims) };
    for (const name of this.plan.feeds) feeds[name] = name === inputName ? input : forward[name];
    return { outputs, result: await this.backward.run(feeds, [...fetch]) };
  }

  async release(): Promise<void> {
    await Promise.all([this.forward.release(), this.backward.release()]);
  }
}
