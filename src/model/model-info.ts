import type { InferenceSession } from 'onnxruntime-node';
import type { Dim } from './onnx/graph';
import type { ModelProto } from './onnx/types';
import type { ModelDtype } from './ort-tensors';

export type Layout = 'NCHW' | 'NHWC';
export type OutputKind = 'logits' | 'probabilities';

export interface TensorSpec {
  readonly name: string;
  /** onnxruntime's spelling: 'float32', 'float16', 'int64', ... */
  readonly dtype: string;
  readonly shape: readonly Dim[];
}

export interface ImageInputSpec extends TensorSpec {
  readonly dtype: ModelDtype;
}

/** What the analysis needs to know about a model, all read from its graph (and one probe run at most). */
export interface ModelInfo {
  readonly path: string;
  readonly input: ImageInputSpec;
  /** The output analysed: the graph's first output. */
  readonly output: TensorSpec;
  readonly outputs: readonly TensorSpec[];
  readonly layout: Layout;
  readonly channels: 1 | 3;
  /** null when the model leaves the dimension free (the image keeps its own size then). */
  readonly height: number | null;
  readonly width: number | null;
  /** True when the batch dimension is symbolic or unknown, so several images go in one run. */
  readonly dynamicBatch: boolean;
  /** The fixed batch size when the batch dimension is not dynamic. */
  readonly fixedBatch: number;
  /** Per-image output size (product of the output's non-batch dimensions, e.g. the number of classes); null when not fixed by the graph. */
  readonly outputSize: number | null;
  readonly outputKind: OutputKind;
  /** How outputKind was decided, for the user. */
  readonly outputKindReason: string;
  readonly opset: number;
  readonly irVersion: number;
  readonly producer: string;
}

export interface LoadedModel extends ModelInfo {
  readonly proto: ModelProto;
  /** Folder of the model file: external data locations are relative to it. */
  readonly baseDir: string;
  readonly session: InferenceSession;
  release(): Promise<void>;
}
