import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { ort } from './ort';
import { FileReadError, readRegularFile } from '../core/io/regularFile';
import { ModelError } from './errors';
import { imageGeometry, type ImageGeometry } from './imageInput';
import { enableDynamicBatch } from './dynamicBatch';
import type { BatchingInfo, LoadedModel, TensorSpec } from './modelInfo';
import { decodeModel } from './onnx/codec';
import { checkExternalData } from './onnx/external';
import { opsetVersion, runtimeInputs, tensorElemType, tensorShape, type Dim } from './onnx/graph';
import { dataTypeName, type GraphProto, type ModelProto, type ValueInfoProto } from './onnx/types';
import type { ModelDtype } from './ortTensors';
import { outputKindFromGraph, outputKindFromRows, type OutputKindDecision } from './outputKind';
import { FREE_INPUT_SIDE } from './preprocess';
import { probeRows } from './probe';

export interface LoadOptions {
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  readonly threads?: number;
  /**
   * Rewrite a graph whose input fixes the batch to 1 so that several images go in one run, when that is provably
   * safe and checked (default true; see dynamicBatch.ts). The outcome is in `batching`.
   */
  readonly batchRewrite?: boolean;
}

/** Protobuf's limit: bigger models keep their weights in external data files. */
const MAX_MODEL_FILE_BYTES = 2 * 1024 ** 3;

/** Row-sum tolerance of the probabilities probe, by output precision. */
const PROBE_TOLERANCE: Record<ModelDtype, number> = { float32: 1e-4, float16: 1e-2 };

/**
 * Loads an ONNX image classifier: one float32/float16 image input (NCHW or NHWC, 1 or 3 channels) and a float
 * output. Every failure is a ModelError whose message names the file and the cause.
 */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const fullPath = resolve(path);
  const proto = readProto(fullPath);
  const graph = proto.graph!;
  const baseDir = dirname(fullPath);
  checkExternalData(proto, baseDir, fullPath);

  const input = singleImageInput(graph, fullPath);
  const inputDtype = floatDtype(input, 'input', fullPath);
  const geometry = imageGeometry(input.name!, tensorShape(input), fullPath);
  const outputs = graph.output.map(specOf);
  const outputDtype = floatDtype(graph.output[0], 'output', fullPath);

  const original = await createSession(fullPath, options);
  let batched: Batched;
  try {
    batched = await batching(proto, baseDir, original, input.name!, inputDtype, geometry, outputs, options);
  } catch (err) {
    await original.release();
    throw err;
  }
  const session = batched.session;
  try {
    const decision = await decideOutputKind(graph, session, input.name!, outputs[0].name, inputDtype, outputDtype, geometry);
    return {
      path: fullPath,
      input: { name: input.name!, dtype: inputDtype, shape: tensorShape(input)! },
      output: outputs[0],
      outputs,
      ...geometry,
      outputSize: perImageSize(outputs[0].shape),
      outputKind: decision.kind,
      outputKindReason: decision.reason,
      opset: opsetVersion(proto, '') ?? 1,
      irVersion: proto.ir_version ?? 0,
      producer: [proto.producer_name, proto.producer_version].filter(Boolean).join(' '),
      batching: batched.batching,
      proto: batched.proto,
      baseDir,
      session,
      release: () => session.release(),
    };
  } catch (err) {
    await session.release();
    throw err instanceof ModelError ? err : new ModelError('runtime', `${fullPath}: onnxruntime failed on a probe run: ${messageOf(err)}`, { cause: err });
  }
}

interface Batched {
  readonly session: Ort.InferenceSession;
  readonly proto: ModelProto;
  readonly batching: BatchingInfo;
}

/**
 * How images are batched: a declared dynamic batch as it is, a fixed batch of 1 made dynamic by a checked rewrite
 * when possible (then `original` is released and the rewrite's session returned), any other fixed batch as it is.
 */
async function batching(
  proto: ModelProto,
  baseDir: string,
  original: Ort.InferenceSession,
  inputName: string,
  inputDtype: ModelDtype,
  geometry: ImageGeometry,
  outputs: readonly TensorSpec[],
  options: LoadOptions,
): Promise<Batched> {
  const keep = (dynamic: boolean, reason: string): Batched => ({
    session: original,
    proto,
    batching: { dynamic, rewritten: false, reason, changes: [] },
  });
  if (geometry.dynamicBatch) return keep(true, 'the graph declares a symbolic batch dimension');
  const k = geometry.fixedBatch;
  if (k !== 1) return keep(false, `the graph fixes the batch to ${k}: each run takes ${k} images`);
  if (options.batchRewrite === false) return keep(false, 'the graph fixes the batch to 1 and the rewrite was turned off');
  const h = geometry.height ?? FREE_INPUT_SIDE;
  const w = geometry.width ?? FREE_INPUT_SIDE;
  const c = geometry.channels;
  const result = await enableDynamicBatch({
    proto,
    baseDir,
    original,
    inputName,
    inputDtype,
    inputDims: geometry.layout === 'NCHW' ? [1, c, h, w] : [1, h, w, c],
    outputNames: outputs.map((o) => o.name),
    sessionOptions: sessionOptions(options),
  });
  if (!result.session || !result.proto) return { session: original, proto, batching: result.batching };
  await original.release();
  return { session: result.session, proto: result.proto, batching: result.batching };
}

function readProto(path: string): ModelProto {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new ModelError('not-found', `${path} is a folder, not an ONNX model file`);
    bytes = readRegularFile(path, MAX_MODEL_FILE_BYTES, 'model file');
  } catch (err) {
    if (err instanceof ModelError) throw err;
    const absent = (err as NodeJS.ErrnoException).code === 'ENOENT' || (err instanceof FileReadError && err.code === 'missing');
    if (absent) throw new ModelError('not-found', `model file not found: ${path}`, { cause: err });
    if (err instanceof FileReadError && err.code === 'too-large') {
      throw new ModelError('too-large', `${err.message} (an ONNX file holds at most 2 GB; larger models keep their weights as external data)`);
    }
    throw new ModelError('not-found', err instanceof FileReadError ? err.message : `cannot read ${path}: ${messageOf(err)}`, { cause: err });
  }
  let proto: ModelProto;
  try {
    proto = decodeModel(bytes);
  } catch (err) {
    throw new ModelError('corrupt', `${path} is not an ONNX model (protobuf decoding failed: ${messageOf(err)})`, { cause: err });
  }
  const graph = proto.graph;
  if (!graph || graph.node.length === 0 || graph.output.length === 0 || !proto.ir_version) {
    throw new ModelError('corrupt', `${path} is not an ONNX model (no IR version, graph, node or output in the protobuf)`);
  }
  return proto;
}

function singleImageInput(graph: GraphProto, path: string): ValueInfoProto {
  const inputs = runtimeInputs(graph);
  if (inputs.length === 0) throw new ModelError('not-image', `${path}: the graph has no input`);
  if (inputs.length > 1) {
    throw new ModelError(
      'multiple-inputs',
      `${path}: the model has ${inputs.length} inputs (${inputs.map((v) => `'${v.name}'`).join(', ')}); only single-image-input models are supported`,
    );
  }
  return inputs[0];
}

function floatDtype(v: ValueInfoProto, role: 'input' | 'output', path: string): ModelDtype {
  const code = tensorElemType(v);
  if (code === undefined) throw new ModelError('not-image', `${path}: ${role} '${v.name}' is not a tensor`);
  const name = dataTypeName(code);
  if (name === 'float32' || name === 'float16') return name;
  throw new ModelError('unsupported-dtype', `${path}: ${role} '${v.name}' has data type ${name}; only float32 and float16 are supported`);
}

function specOf(v: ValueInfoProto): TensorSpec {
  const code = tensorElemType(v);
  return { name: v.name ?? '', dtype: code === undefined ? 'not a tensor' : dataTypeName(code), shape: tensorShape(v) ?? [] };
}

function perImageSize(shape: readonly Dim[]): number | null {
  const rest = shape.slice(1);
  if (shape.length === 0 || !rest.every((d): d is number => typeof d === 'number')) return null;
  return rest.reduce((n, d) => n * d, 1);
}

async function createSession(path: string, options: LoadOptions): Promise<Ort.InferenceSession> {
  try {
    return await ort().InferenceSession.create(path, sessionOptions(options));
  } catch (err) {
    throw new ModelError('runtime', `onnxruntime could not load ${path}: ${messageOf(err)}`, { cause: err });
  }
}

function sessionOptions(options: LoadOptions): Ort.InferenceSession.SessionOptions {
  return options.threads ? { intraOpNumThreads: options.threads } : {};
}

async function decideOutputKind(
  graph: GraphProto,
  session: Ort.InferenceSession,
  inputName: string,
  outputName: string,
  inputDtype: ModelDtype,
  outputDtype: ModelDtype,
  geometry: ImageGeometry,
): Promise<OutputKindDecision> {
  const fromGraph = outputKindFromGraph(graph, outputName);
  if (fromGraph) return fromGraph;
  const rows = await probeRows(session, inputName, outputName, inputDtype, geometry);
  return outputKindFromRows(rows, PROBE_TOLERANCE[outputDtype]);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
