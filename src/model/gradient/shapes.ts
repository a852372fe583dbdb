import type * as Ort from 'onnxruntime-node';
import { ort } from '../ort';
import { encodeModel } from '../onnx/codec';
import type { ModelProto } from '../onnx/types';
import { toOrtTensor, type ModelDtype } from '../ortTensors';

/**
 * What the backward graph needs to know about a forward tensor: its element type and its dimensions at two batch
 * sizes. Axes whose size changes with the batch size are batch axes; everything else is fixed by the model.
 */
export interface TensorInfo {
  /** onnxruntime's spelling: 'float32', 'float16', 'int64', ... */
  readonly type: string;
  /** Dimensions at the first probe's batch size. */
  readonly dims: readonly number[];
  /** Dimensions at the second probe's batch size (equal to dims when the batch is fixed). */
  readonly dimsAlt: readonly number[];
  readonly batchAxes: readonly number[];
  /** The values of a small integer tensor (shapes, pads, axes computed in the graph). */
  readonly ints?: readonly number[];
}

export interface ProbeInput {
  readonly name: string;
  readonly dtype: ModelDtype;
  /** A concrete input shape, batch first. */
  readonly dims: readonly number[];
  /** True when the batch dimension may change: a second probe at batch + 1 finds the batch axes. */
  readonly dynamicBatch: boolean;
}

export interface ShapeProbe {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** False when the model claims a dynamic batch but fails at another batch size than the probe's. */
  readonly dynamicBatch: boolean;
}

const SMALL_INTS = 64;

/**
 * Shape inference done once, by onnxruntime itself: every node output becomes a graph output of a throwaway copy of
 * the model, which runs on a constant input (at two batch sizes when the batch is dynamic).
 */
export async function probeShapes(proto: ModelProto, input: ProbeInput, threads?: number): Promise<ShapeProbe> {
  const graph = proto.graph!;
  const listed = new Set(graph.output.map((o) => o.name));
  const extra = [...new Set(graph.node.flatMap((n) => n.output))].filter((name) => name && !listed.has(name));
  const exposed: ModelProto = { ...proto, graph: { ...graph, output: [...graph.output, ...extra.map((name) => ({ name }))] } };
  const session = await ort().InferenceSession.create(encodeModel(exposed), threads ? { intraOpNumThreads: threads } : {});
  try {
    const first = await runProbe(session, input, input.dims);
    let second = first;
    let dynamicBatch = false;
    if (input.dynamicBatch) {
      try {
        second = await runProbe(session, input, [input.dims[0] + 1, ...input.dims.slice(1)]);
        dynamicBatch = true;
      } catch {
        // The model fixes its batch size somewhere inside (e.g. a Reshape to [1, -1]): it runs one batch size only.
      }
    }
    const tensors = new Map<string, TensorInfo>();
    for (const [name, tensor] of first) {
      const dims = tensor.dims.map(Number);
      const dimsAlt = second.get(name)!.dims.map(Number);
      const batchAxes = dims.flatMap((d, axis) => (d !== dimsAlt[axis] ? [axis] : []));
      const ints = isInteger(tensor.type) && tensor.size <= SMALL_INTS ? Array.from(tensor.data as ArrayLike<number | bigint>, Number) : undefined;
      tensors.set(name, { type: tensor.type, dims, dimsAlt, batchAxes, ...(ints ? { ints } : {}) });
    }
    return { tensors, dynamicBatch };
  } finally {
    await session.release();
  }
}

async function runProbe(session: Ort.InferenceSession, input: ProbeInput, dims: readonly number[]): Promise<Map<string, Ort.Tensor>> {
  const size = dims.reduce((n, d) => n * d, 1);
  const feeds = { [input.name]: toOrtTensor(new Float32Array(size).fill(0.5), input.dtype, dims) };
  const result = await session.run(feeds);
  const out = new Map(Object.entries(result));
  out.set(input.name, feeds[input.name]);
  return out;
}

function isInteger(type: string): boolean {
  return /^u?int(8|16|32|64)$/.test(type) || type === 'bool';
}
