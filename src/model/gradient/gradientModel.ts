import type { Image } from '../../core/image';
import type { OutputKind } from '../../core/outputs/classifier';
import type { LoadedModel } from '../modelInfo';
import type { ModelProto } from '../onnx/types';
import { preprocess, type PreprocessPlan } from '../preprocess';
import { imageGradient } from './chainRule';
import { GraphGradient } from './graphGradient';
import { objective, type GradientKind } from './objective';
import { supportsGradient } from './path';
import { selfContained } from './selfContained';
import { floatTwin, isQuantized, type FloatTwin } from './quantized/floatTwin';
import { straightThroughMethod } from './quantized/method';
import { quantizedForward } from './quantized/quantizedForward';
import { probeShapes, type ShapeProbe } from './shapes';
import { GradientUnsupportedError } from './unsupported';

export interface GradientRequest {
  /** The class index: one for every image, or one per image. */
  readonly target: number | readonly number[];
  /** Default 'loss'. */
  readonly kind?: GradientKind;
  /** Which graph output (default 0, the one the analysis reads). Outputs other than the first are read as logits. */
  readonly outputIndex?: number;
}

export interface ImageGradient {
  /** The differentiated value (loss, output or probability). */
  readonly value: number;
  /** d value / d image: the [0, 1] CHW image's own size and channels. */
  readonly gradient: Float32Array;
  /** The model output the value was read from. */
  readonly output: Float32Array;
}

export interface GradientModel {
  /** 'graph', or for a quantized model the straight-through estimate through its float twin, with its quantizer count. */
  readonly method: string;
  evaluate(images: readonly Image[], request: GradientRequest): Promise<ImageGradient[]>;
  /** The gradients alone. */
  gradient(images: readonly Image[], request: GradientRequest): Promise<Float32Array[]>;
  release(): Promise<void>;
}

export interface GradientModelOptions {
  /** Images per onnxruntime run when the batch is dynamic (default 8). */
  readonly batchSize?: number;
  readonly threads?: number;
}

/**
 * Saliency by reverse-mode differentiation of the model's ONNX graph, with respect to the [0, 1] image
 * the policy acts on: the graph gradient with respect to the model input, then the chain rule through the
 * preprocessing. A quantized model is differentiated through its float twin, evaluated at the quantized model's own
 * activations (straight-through estimate, see quantized/floatTwin.ts). Throws GradientUnsupportedError (naming each
 * operator and node) when the graph has operators without a gradient rule; the caller then falls back to finite
 * differences (see fallback.ts).
 */
export async function buildGradientModel(loaded: LoadedModel, plan: PreprocessPlan, options: GradientModelOptions = {}): Promise<GradientModel> {
  const proto = selfContained(loaded.proto, loaded.baseDir);
  const twin = isQuantized(proto) ? floatTwin(proto) : undefined;
  const differentiated = twin?.model ?? proto;
  const support = supportsGradient(differentiated, loaded.output.name);
  if (!support.ok) throw new GradientUnsupportedError(support.unsupported);
  const { layout, channels, height, width } = plan.target;
  const batch = loaded.dynamicBatch ? 1 : loaded.fixedBatch;
  const inputDims = layout === 'NCHW' ? [batch, channels, height, width] : [batch, height, width, channels];
  const probe = await probeShapes(
    differentiated,
    { name: loaded.input.name, dtype: loaded.input.dtype, dims: inputDims, dynamicBatch: loaded.dynamicBatch },
    options.threads,
  );
  const model = new OnnxGradientModel(loaded, differentiated, plan, options, inputDims, probe, twin && { twin, original: proto });
  await model.graphFor(0);
  return model;
}

class OnnxGradientModel implements GradientModel {
  readonly method: string;
  private readonly graphs = new Map<number, Promise<GraphGradient>>();

  constructor(
    private readonly loaded: LoadedModel,
    /** The differentiated model, its external data inlined: the model itself, or a quantized model's float twin. */
    private readonly proto: ModelProto,
    private readonly plan: PreprocessPlan,
    private readonly options: GradientModelOptions,
    private readonly inputDims: readonly number[],
    private readonly probe: ShapeProbe,
    /** For a quantized model: the forward pass runs the quantized model itself (see quantized/). */
    private readonly quantized?: { readonly twin: FloatTwin; readonly original: ModelProto },
  ) {
    this.method = quantized ? straightThroughMethod(quantized.twin.quantizers) : 'graph';
  }

  graphFor(outputIndex: number): Promise<GraphGradient> {
    const known = this.graphs.get(outputIndex);
    if (known) return known;
    const output = this.loaded.outputs[outputIndex];
    if (!output) throw new Error(`the model has ${this.loaded.outputs.length} output(s), no output ${outputIndex}`);
    const created = GraphGradient.create(this.proto, {
      inputName: this.loaded.input.name,
      outputName: output.name,
      inputDtype: this.loaded.input.dtype,
      inputDims: this.inputDims,
      dynamicBatch: this.loaded.dynamicBatch,
      batchSize: this.options.batchSize,
      threads: this.options.threads,
      probe: this.probe,
      forwardModel: this.quantized && ((extra) => quantizedForward(this.quantized!.original, this.quantized!.twin, extra)),
    });
    this.graphs.set(outputIndex, created);
    return created;
  }

  async evaluate(images: readonly Image[], request: GradientRequest): Promise<ImageGradient[]> {
    const outputIndex = request.outputIndex ?? 0;
    const targets = typeof request.target === 'number' ? images.map(() => request.target as number) : request.target;
    if (targets.length !== images.length) throw new Error(`${targets.length} targets for ${images.length} images`);
    const outputKind: OutputKind = outputIndex === 0 ? this.loaded.outputKind : 'logits';
    const kind = request.kind ?? 'loss';
    const graph = await this.graphFor(outputIndex);
    const values: number[] = [];
    const { outputs, gradients } = await graph.vjp(
      images.map((img) => preprocess(img, this.plan)),
      (row, i) => {
        const o = objective(row, outputKind, kind, targets[i]);
        values.push(o.value);
        return o.cotangent;
      },
    );
    return gradients.map((g, i) => ({ value: values[i], gradient: imageGradient(g, images[i], this.plan), output: outputs[i] }));
  }

  async gradient(images: readonly Image[], request: GradientRequest): Promise<Float32Array[]> {
    return (await this.evaluate(images, request)).map((r) => r.gradient);
  }

  async release(): Promise<void> {
    const graphs = await Promise.allSettled(this.graphs.values());
    await Promise.all(graphs.flatMap((g) => (g.status === 'fulfilled' ? [g.value.release()] : [])));
  }
}
