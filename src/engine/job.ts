import { availableParallelism } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { analyze } from './analysis/analyze';
import { analyzeDataset } from './dataset/analyzeDataset';
import { engineFailure } from './engineFailure';
import { inspectModel } from './inspect';
import type { EngineStage } from './contract/requests';
import type { EngineToHost, HostToEngine } from './protocol';
import type { ImageArrays } from './contract/report';

/** The engine's worker thread: runs the one request it was started with (already validated) and posts its messages. */
export function runJob(): void {
  const request = workerData as Exclude<HostToEngine, { type: 'cancel' }>;
  const { id } = request;
  const post = (msg: EngineToHost, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(msg, transfer);
  const fail = (e: unknown) => {
    const { code, message, details } = engineFailure(e);
    post({ type: 'error', id, code, message, ...(Object.keys(details).length > 0 && { details }) });
  };
  const log = (message: string) => post({ type: 'log', id, message });
  if (request.type === 'inspect') {
    inspectModel(request.modelPath, cappedThreads(request.threads, log))
      .then((info) => post({ type: 'modelInfo', id, info }))
      .catch(fail);
    return;
  }
  const progress = (stage: EngineStage, fraction: number, message: string) => post({ type: 'progress', id, stage, fraction, message });
  if (request.type === 'analyzeDataset') {
    analyzeDataset({ ...request.params, threads: cappedThreads(request.params.threads, log) }, {
      progress,
      log,
      run: (run) => post({ type: 'datasetRun', id, run }),
      record: (index, record) => post({ type: 'record', id, index, record }),
    })
      .then(() => post({ type: 'datasetDone', id }))
      .catch(fail);
    return;
  }
  const params = { ...request.params, threads: cappedThreads(request.params.threads, log) };
  analyze(params, {
    progress,
    log,
    partial: (imageIndex, moments, arrays) => post({ type: 'partial', id, imageIndex, moments, arrays }),
  })
    .then((result) => post({ type: 'result', id, result }, ownedBuffers(result.arrays)))
    .catch(fail);
}

/** More onnxruntime threads than cores only slow it down (1000 threads ran 170x slower): at most one per core. */
function cappedThreads(threads: number | undefined, log: (message: string) => void): number | undefined {
  const cores = availableParallelism();
  if (threads === undefined || threads <= cores) return threads;
  log(`${threads} threads asked for; using ${cores}, the number of CPU cores`);
  return cores;
}

/**
 * The buffers the result's arrays own whole, moved to the host rather than copied (the job ends with this message);
 * an array viewing part of a larger buffer is copied as usual.
 */
function ownedBuffers(arrays: readonly ImageArrays[]): ArrayBuffer[] {
  const owned = new Set<ArrayBuffer>();
  for (const a of arrays) {
    for (const v of Object.values(a)) {
      if (v instanceof Float32Array && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.buffer instanceof ArrayBuffer) owned.add(v.buffer);
    }
  }
  return [...owned];
}
