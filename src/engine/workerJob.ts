import { Worker } from 'node:worker_threads';
import type { EngineErrorCode } from './contract/engineErrors';
import type { EngineToHost, HostToEngine } from './protocol';

/**
 * Runs one request in a worker thread started from `entry` (the built engine, whose worker side is runJob) and relays
 * its messages to `send`. The worker's own failures become 'error' messages for the request: a thrown error, the
 * JavaScript heap exhausted (out-of-memory), or an exit without an answer.
 */
export function startWorkerJob(entry: string, request: Exclude<HostToEngine, { type: 'cancel' }>, send: (msg: EngineToHost) => void): Worker {
  let answered = false;
  const worker = new Worker(entry, { workerData: request });
  worker.on('message', (msg: EngineToHost) => {
    if (msg.type === 'result' || msg.type === 'modelInfo' || msg.type === 'datasetDone' || msg.type === 'error') answered = true;
    send(msg);
  });
  worker.on('error', (e: Error & { code?: string }) => {
    answered = true;
    const outOfMemory = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const code: EngineErrorCode = outOfMemory ? 'out-of-memory' : 'internal';
    send({ type: 'error', id: request.id, code, message: outOfMemory ? 'the analysis ran out of memory (JavaScript heap)' : e.message });
  });
  worker.on('exit', (code) => {
    if (!answered) send({ type: 'error', id: request.id, code: 'internal', message: `the analysis thread stopped without an answer (exit code ${code})` });
  });
  return worker;
}
