import type { InferenceSession } from 'onnxruntime-node';
import type { OutputKind } from '../core/outputs/classifier';
import type { Dim } from './onnx/graph';
import type { ModelProto } from './onnx/types';
import type { ImageGeometry } from './imageInput';
import type { ModelDtype } from './ortTensors';

export interface TensorSpec {
  readonly name: string;
  /** onnxruntime's spelling: 'float32', 'float16', 'int64', ... */
  readonly dtype: string;
  readonly shape: readonly Dim[];
}

export interface ImageInputSpec extends TensorSpec {
  readonly dtype: ModelDtype;
}

/**
 * How images are batched into onnxruntime runs. `dynamicBatch` / `fixedBatch` (ImageGeometry) describe the graph as
 * the file declares it; this says what the loaded session accepts, which differs when a graph fixing the batch to 1
 * was rewritten to take any batch size (see batchRewrite.ts and dynamicBatch.ts).
 */
export interface BatchingInfo {
  /** True when the session takes any batch size: the runner sends several images per run. */
  readonly dynamic: boolean;
  /** True when the graph fixed the batch to 1 and the session runs a rewritten graph (checked against the original). */
  readonly rewritten: boolean;
  /** For the user: why batching is (not) enabled, e.g. the construct that stopped the rewrite. */
  readonly reason: string;
  /** The rewrite's edits, e.g. "Reshape node 'r': shape [1, -1] -> [0, -1]" (empty unless rewritten). */
  readonly changes: readonly string[];
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
  readonly batching: BatchingInfo;
}

export interface LoadedModel extends ModelInfo {
  /** The graph the session runs: the file's, or its rewrite with a symbolic batch (batching.rewritten). */
  readonly proto: ModelProto;
  /** Folder of the model file: external data locations are relative to it. */
  readonly baseDir: string;
  readonly session: InferenceSession;
  release(): Promise<void>;
}
