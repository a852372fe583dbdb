import type * as Ort from 'onnxruntime-node';
import { ort } from './ort';
import { createRng } from '../core/rng';
import { rewriteBatchDimension } from './batchRewrite';
import { selfContained } from './gradient/selfContained';
import type { BatchingInfo } from './modelInfo';
import { encodeModel } from './onnx/codec';
import type { ModelProto } from './onnx/types';
import { fromOrtTensor, toOrtTensor, type ModelDtype } from './ortTensors';

/** Images in the check run of a rewritten graph. */
export const CHECK_BATCH = 3;
/** Largest relative difference (max |batched - alone| / max |alone| per output and image) the check accepts. */
export const CHECK_TOLERANCE: Record<ModelDtype, number> = { float32: 1e-5, float16: 1e-3 };

export interface DynamicBatchRequest {
  /** The model as decoded from the file; external data stays external (read from baseDir). */
  readonly proto: ModelProto;
  readonly baseDir: string;
  /** The session of the original model: the reference of the check. */
  readonly original: Ort.InferenceSession;
  readonly inputName: string;
  readonly inputDtype: ModelDtype;
  /** A concrete input shape with batch 1 (free spatial sizes filled in). */
  readonly inputDims: readonly number[];
  /** Every graph output, all of them checked. */
  readonly outputNames: readonly string[];
  readonly sessionOptions: Ort.InferenceSession.SessionOptions;
}

export interface DynamicBatchResult {
  /** Set when the rewrite was made and checked: the session to use instead of the original (the caller releases the original). */
  readonly session?: Ort.InferenceSession;
  readonly proto?: ModelProto;
  readonly batching: BatchingInfo;
}

const kept = (reason: string): DynamicBatchResult => ({
  batching: { dynamic: false, rewritten: false, reason: `the graph fixes the batch to 1; kept one image per run: ${reason}`, changes: [] },
});

/**
 * For a model whose input fixes the batch to 1: rewrites the graph to a symbolic batch when that is provably safe
 * (batchRewrite.ts), creates a session of the rewrite and checks it: CHECK_BATCH distinct random inputs in one run
 * must give, output by output, what the original gives for each input alone (CHECK_TOLERANCE, relative to the largest
 * value of the output). Never throws: when the rewrite is refused, rejected by onnxruntime or fails the check, the
 * result only says why, and the original session stays in use.
 */
export async function enableDynamicBatch(request: DynamicBatchRequest): Promise<DynamicBatchResult> {
  let rewrite;
  try {
    rewrite = rewriteBatchDimension(request.proto, request.baseDir);
  } catch (err) {
    return kept(`the graph analysis failed (${messageOf(err)})`);
  }
  if (!rewrite.ok) return kept(rewrite.reason);
  let session: Ort.InferenceSession;
  try {
    // Fatal messages only: a rewrite that fails the check would print onnxruntime's error for it (the reason is kept
    // here), and runtime errors of the session in use still arrive as exceptions.
    const options = { logSeverityLevel: 4 as const, ...request.sessionOptions };
    session = await ort().InferenceSession.create(encodeModel(selfContained(rewrite.proto, request.baseDir)), options);
  } catch (err) {
    return kept(`onnxruntime rejected the rewritten graph (${messageOf(err)})`);
  }
  const failure = await checkBatching(request, session);
  if (failure) {
    await session.release();
    return kept(failure);
  }
  return {
    session,
    proto: rewrite.proto,
    batching: {
      dynamic: true,
      rewritten: true,
      reason: `the graph fixed the batch to 1; rewritten to a symbolic batch '${rewrite.symbol}' and checked: ${CHECK_BATCH} images in one run equal their one-image runs`,
      changes: rewrite.changes,
    },
  };
}

/** Undefined when the rewritten session's batched outputs equal the original's one by one, else why not. */
export async function checkBatching(request: DynamicBatchRequest, rewritten: Ort.InferenceSession): Promise<string | undefined> {
  const { inputName, inputDtype, inputDims, outputNames } = request;
  const perImage = inputDims.slice(1).reduce((n, d) => n * d, 1);
  const rng = createRng(0x5eed);
  const inputs = Array.from({ length: CHECK_BATCH }, () => Float32Array.from({ length: perImage }, () => rng.next()));
  let alone: Map<string, Ort.Tensor>[];
  try {
    alone = [];
    for (const x of inputs) alone.push(new Map(Object.entries(await request.original.run({ [inputName]: toOrtTensor(x, inputDtype, inputDims) }, [...outputNames]))));
  } catch (err) {
    return `the original model failed on a random input (${messageOf(err)})`;
  }
  const packed = new Float32Array(CHECK_BATCH * perImage);
  inputs.forEach((x, i) => packed.set(x, i * perImage));
  let batched: Record<string, Ort.Tensor>;
  try {
    batched = await rewritten.run({ [inputName]: toOrtTensor(packed, inputDtype, [CHECK_BATCH, ...inputDims.slice(1)]) }, [...outputNames]);
  } catch (err) {
    return `the rewritten graph failed on a batch of ${CHECK_BATCH} (${messageOf(err)})`;
  }
  for (const name of outputNames) {
    const one = alone[0].get(name)!;
    const many = batched[name];
    const expected = [one.dims[0] * CHECK_BATCH, ...one.dims.slice(1)];
    if (many.dims.length !== expected.length || many.dims.some((d, i) => d !== expected[i])) {
      return `output '${name}' has shape [${many.dims.join(', ')}] for a batch of ${CHECK_BATCH}, expected [${expected.join(', ')}]`;
    }
    const tolerance = CHECK_TOLERANCE[one.type === 'float16' || inputDtype === 'float16' ? 'float16' : 'float32'];
    const values = numbers(many);
    for (let i = 0; i < CHECK_BATCH; i++) {
      const reference = numbers(alone[i].get(name)!);
      const got = values.subarray(i * reference.length, (i + 1) * reference.length);
      let scale = 0;
      let diff = 0;
      for (let k = 0; k < reference.length; k++) {
        scale = Math.max(scale, Math.abs(reference[k]));
        const d = Math.abs(got[k] - reference[k]);
        diff = d > diff || Number.isNaN(d) ? d : diff;
      }
      if (!(diff <= tolerance * scale)) {
        return `output '${name}' of image ${i} in a batch of ${CHECK_BATCH} differs from its one-image run by ${diff.toExponential(2)} (largest value ${scale.toExponential(2)}; tolerance ${tolerance} relative)`;
      }
    }
  }
  return undefined;
}

function numbers(t: Ort.Tensor): Float32Array | Float64Array {
  if (t.type === 'float32' || t.type === 'float16' || t.type === 'float64') return fromOrtTensor(t);
  return Float64Array.from(t.data as ArrayLike<number | bigint>, Number);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
