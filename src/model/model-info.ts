import type { InferenceSession } from 'onnxruntime-node';
import type { Dim } from './onnx/graph';
import type { ModelProto } from './onnx/types';
import type { ImageGeometry } from './image-input';
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
export interface ModelInfo extends ImageGeometry {
  readonly path: string;
  readonly input: ImageInputSpec;
  /** The output analysed: the graph's first output. */
  readonly output: TensorSpec;
  readonly outputs: readonly TensorSpec[];
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
